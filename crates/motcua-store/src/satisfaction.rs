//! Ratings (`dossier_rating`) and feedback (`feedback`), and their sums.

use crate::{records, DbError};
use chrono::{DateTime, Utc};
pub use motcua_service::store::satisfaction::{
    FeedbackRecord, FeedbackSums, RatingCount, RatingRecord,
};
use sqlx::PgConnection;
use uuid::Uuid;

#[derive(sqlx::FromRow)]
pub(crate) struct RatingRow {
    dossier_id: Uuid,
    agency_id: String,
    procedure_code: String,
    answers: serde_json::Value,
    overall: i16,
    rated_at: DateTime<Utc>,
    changed_at: Option<DateTime<Utc>>,
}

impl From<RatingRow> for RatingRecord {
    fn from(r: RatingRow) -> Self {
        RatingRecord {
            dossier_id: r.dossier_id,
            agency_id: r.agency_id,
            procedure_code: r.procedure_code,
            answers: r.answers,
            overall: r.overall,
            rated_at: r.rated_at,
            changed_at: r.changed_at,
        }
    }
}

#[derive(sqlx::FromRow)]
pub(crate) struct FeedbackRow {
    id: Uuid,
    citizen_pin: String,
    agency_id: String,
    dossier_id: Option<Uuid>,
    procedure_code: String,
    kind: String,
    topic: Option<String>,
    content: String,
    state: String,
    assignee: Option<String>,
    received_at: DateTime<Utc>,
    due_at: DateTime<Utc>,
    answer: Option<String>,
    answered_at: Option<DateTime<Utc>>,
    answered_by: Option<String>,
    satisfied: Option<bool>,
    rated_at: Option<DateTime<Utc>>,
}

impl From<FeedbackRow> for FeedbackRecord {
    fn from(r: FeedbackRow) -> Self {
        FeedbackRecord {
            id: r.id,
            citizen_pin: r.citizen_pin,
            agency_id: r.agency_id,
            dossier_id: r.dossier_id,
            procedure_code: r.procedure_code,
            kind: r.kind,
            topic: r.topic,
            content: r.content,
            state: r.state,
            assignee: r.assignee,
            received_at: r.received_at,
            due_at: r.due_at,
            answer: r.answer,
            answered_at: r.answered_at,
            answered_by: r.answered_by,
            satisfied: r.satisfied,
            rated_at: r.rated_at,
        }
    }
}

#[derive(sqlx::FromRow)]
pub(crate) struct SumsRow {
    agency_id: String,
    received: i64,
    classified: i64,
    judged: i64,
    on_time: i64,
    late: i64,
    dissatisfied: i64,
    flagged_dossiers: i64,
}

impl From<SumsRow> for FeedbackSums {
    fn from(r: SumsRow) -> Self {
        FeedbackSums {
            agency_id: r.agency_id,
            received: r.received,
            classified: r.classified,
            judged: r.judged,
            on_time: r.on_time,
            late: r.late,
            dissatisfied: r.dissatisfied,
            flagged_dossiers: r.flagged_dossiers,
        }
    }
}

const FEEDBACK_COLUMNS: &str = "id, citizen_pin, agency_id, dossier_id, procedure_code, kind, \
    topic, content, state, assignee, received_at, due_at, answer, answered_at, answered_by, \
    satisfied, rated_at";

pub async fn rating(
    conn: &mut PgConnection,
    dossier_id: Uuid,
) -> Result<Option<RatingRecord>, DbError> {
    Ok(sqlx::query_as::<_, RatingRow>(
        "select dossier_id, agency_id, procedure_code, answers, overall, rated_at, changed_at
           from dossier_rating where dossier_id = $1",
    )
    .bind(dossier_id)
    .fetch_optional(conn)
    .await?
    .map(Into::into))
}

pub async fn put_rating(conn: &mut PgConnection, r: &RatingRecord) -> Result<(), DbError> {
    sqlx::query(
        "insert into dossier_rating (dossier_id, agency_id, procedure_code, answers, overall,
                                     rated_at, changed_at)
         values ($1, $2, $3, $4, $5, $6, $7)
         on conflict (dossier_id) do update set answers = excluded.answers,
             overall = excluded.overall, changed_at = excluded.changed_at",
    )
    .bind(r.dossier_id)
    .bind(&r.agency_id)
    .bind(&r.procedure_code)
    .bind(&r.answers)
    .bind(r.overall)
    .bind(r.rated_at)
    .bind(r.changed_at)
    .execute(conn)
    .await?;
    Ok(())
}

pub async fn rating_counts(
    conn: &mut PgConnection,
    agencies: Option<&[String]>,
    from: DateTime<Utc>,
    until: DateTime<Utc>,
) -> Result<Vec<RatingCount>, DbError> {
    Ok(sqlx::query_as(
        "select r.agency_id, a.key as question, (a.value #>> '{}')::smallint as level,
                count(*) as n
           from dossier_rating r, jsonb_each(r.answers) a
          where ($1::text[] is null or r.agency_id = any($1))
            and r.rated_at >= $2 and r.rated_at < $3
          group by r.agency_id, a.key, level
          order by r.agency_id, a.key, level",
    )
    .bind(agencies)
    .bind(from)
    .bind(until)
    .fetch_all(conn)
    .await?)
}

pub async fn insert_feedback(conn: &mut PgConnection, f: &FeedbackRecord) -> Result<(), DbError> {
    bind_feedback(
        sqlx::query(&format!(
            "insert into feedback ({FEEDBACK_COLUMNS})
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17)"
        )),
        f,
    )
    .execute(conn)
    .await?;
    Ok(())
}

fn bind_feedback<'q>(
    q: sqlx::query::Query<'q, sqlx::Postgres, sqlx::postgres::PgArguments>,
    f: &'q FeedbackRecord,
) -> sqlx::query::Query<'q, sqlx::Postgres, sqlx::postgres::PgArguments> {
    q.bind(f.id)
        .bind(&f.citizen_pin)
        .bind(&f.agency_id)
        .bind(f.dossier_id)
        .bind(&f.procedure_code)
        .bind(&f.kind)
        .bind(&f.topic)
        .bind(&f.content)
        .bind(&f.state)
        .bind(&f.assignee)
        .bind(f.received_at)
        .bind(f.due_at)
        .bind(&f.answer)
        .bind(f.answered_at)
        .bind(&f.answered_by)
        .bind(f.satisfied)
        .bind(f.rated_at)
}

pub async fn feedback(
    conn: &mut PgConnection,
    id: Uuid,
    for_update: bool,
) -> Result<Option<FeedbackRecord>, DbError> {
    let lock = if for_update { " for update" } else { "" };
    Ok(sqlx::query_as::<_, FeedbackRow>(&format!(
        "select {FEEDBACK_COLUMNS} from feedback where id = $1{lock}"
    ))
    .bind(id)
    .fetch_optional(conn)
    .await?
    .map(Into::into))
}

pub async fn update_feedback(conn: &mut PgConnection, f: &FeedbackRecord) -> Result<(), DbError> {
    bind_feedback(
        sqlx::query(
            "update feedback set citizen_pin = $2, agency_id = $3, dossier_id = $4,
                procedure_code = $5, kind = $6, topic = $7, content = $8, state = $9,
                assignee = $10, received_at = $11, due_at = $12, answer = $13,
                answered_at = $14, answered_by = $15, satisfied = $16, rated_at = $17
              where id = $1",
        ),
        f,
    )
    .execute(conn)
    .await?;
    Ok(())
}

pub async fn agency_feedback(
    conn: &mut PgConnection,
    agencies: Option<&[String]>,
    overdue: bool,
    now: DateTime<Utc>,
    limit: i64,
) -> Result<Vec<FeedbackRecord>, DbError> {
    let rows: Vec<FeedbackRow> = sqlx::query_as(&format!(
        "select {FEEDBACK_COLUMNS} from feedback
          where ($1::text[] is null or agency_id = any($1))
            and (not $2 or (state <> 'answered' and due_at < $3))
          order by state = 'answered', due_at, id
          limit $4"
    ))
    .bind(agencies)
    .bind(overdue)
    .bind(now)
    .bind(limit)
    .fetch_all(conn)
    .await?;
    Ok(records(rows))
}

pub async fn feedback_sums(
    conn: &mut PgConnection,
    agencies: Option<&[String]>,
    from: DateTime<Utc>,
    until: DateTime<Utc>,
    judged_at: DateTime<Utc>,
) -> Result<Vec<FeedbackSums>, DbError> {
    let rows: Vec<SumsRow> = sqlx::query_as(
        "with f as (
             select agency_id, dossier_id, topic, answered_at, due_at, satisfied, received_at
               from feedback
              where ($1::text[] is null or agency_id = any($1))
                and received_at >= $2 and received_at < $3
         ), flagged as (
             select agency_id, dossier_id from f where dossier_id is not null
             union
             select agency_id, dossier_id from dossier_rating
              where overall = 1 and ($1::text[] is null or agency_id = any($1))
                and rated_at >= $2 and rated_at < $3
         ), agencies as (
             select agency_id from f union select agency_id from flagged
         )
         select a.agency_id,
                (select count(*) from f where f.agency_id = a.agency_id) as received,
                (select count(*) from f where f.agency_id = a.agency_id
                    and f.topic is not null) as classified,
                (select count(*) from f where f.agency_id = a.agency_id
                    and (f.answered_at is not null or f.due_at < $4)) as judged,
                (select count(*) from f where f.agency_id = a.agency_id
                    and f.answered_at <= f.due_at) as on_time,
                (select count(*) from f where f.agency_id = a.agency_id
                    and (f.answered_at > f.due_at or (f.answered_at is null and f.due_at < $4)))
                    as late,
                (select count(*) from f where f.agency_id = a.agency_id
                    and f.satisfied = false) as dissatisfied,
                (select count(*) from flagged g where g.agency_id = a.agency_id)
                    as flagged_dossiers
           from agencies a
          order by a.agency_id",
    )
    .bind(agencies)
    .bind(from)
    .bind(until)
    .bind(judged_at)
    .fetch_all(conn)
    .await?;
    Ok(records(rows))
}
