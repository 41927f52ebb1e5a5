//! The per-dossier facts of the scored indicators (`dossier_fact`), and their sums for a
//! report. What counts where is decided by `motcua_core::indicators`; SQL only adds up.

use crate::{records, DbError};
use chrono::{DateTime, Utc};
pub use motcua_service::store::facts::{
    DocumentFacts, Fact, Flags, OfficialSums, Report, Scope, Sums,
};
use sqlx::{PgConnection, PgExecutor};
use uuid::Uuid;

/// A row of [`Sums`], as read.
#[derive(sqlx::FromRow)]
pub(crate) struct SumsRow {
    agency_id: String,
    procedure_code: String,
    is_total: bool,
    dossiers: i64,
    online: i64,
    counter: i64,
    post: i64,
    received: i64,
    finished: i64,
    in_progress_overdue: i64,
    in_progress: i64,
    on_time_den: i64,
    on_time_num: i64,
    online_den: i64,
    online_num: i64,
    eresult_den: i64,
    eresult_num: i64,
    digitised_den: i64,
    digitised_num: i64,
    reuse_den: i64,
    reuse_num: i64,
    store_den: i64,
    store_num: i64,
    register_den: i64,
    register_num: i64,
    prefill_fields: i64,
    prefilled: i64,
    synchronised: i64,
    processed: i64,
    processing_secs: i64,
}

impl From<SumsRow> for Sums {
    fn from(r: SumsRow) -> Self {
        Sums {
            agency_id: r.agency_id,
            procedure_code: r.procedure_code,
            is_total: r.is_total,
            dossiers: r.dossiers,
            online: r.online,
            counter: r.counter,
            post: r.post,
            received: r.received,
            finished: r.finished,
            in_progress_overdue: r.in_progress_overdue,
            in_progress: r.in_progress,
            on_time_den: r.on_time_den,
            on_time_num: r.on_time_num,
            online_den: r.online_den,
            online_num: r.online_num,
            eresult_den: r.eresult_den,
            eresult_num: r.eresult_num,
            digitised_den: r.digitised_den,
            digitised_num: r.digitised_num,
            reuse_den: r.reuse_den,
            reuse_num: r.reuse_num,
            store_den: r.store_den,
            store_num: r.store_num,
            register_den: r.register_den,
            register_num: r.register_num,
            prefill_fields: r.prefill_fields,
            prefilled: r.prefilled,
            synchronised: r.synchronised,
            processed: r.processed,
            processing_secs: r.processing_secs,
        }
    }
}

/// A row of [`DocumentFacts`], as read.
#[derive(sqlx::FromRow)]
pub(crate) struct DocumentFactsRow {
    documents: i64,
    paper_only: i64,
    reused: bool,
    from_store: bool,
    result_published: bool,
}

impl From<DocumentFactsRow> for DocumentFacts {
    fn from(r: DocumentFactsRow) -> Self {
        DocumentFacts {
            documents: r.documents,
            paper_only: r.paper_only,
            reused: r.reused,
            from_store: r.from_store,
            result_published: r.result_published,
        }
    }
}

/// The columns of a `dossier_fact` row, in the order [`bind`] binds a [`Fact`].
pub(crate) const COLUMNS: &str = "dossier_id, agency_id, procedure_code, submitted_at, channel, \
    received, finished_at, due_at, supplement_requests, on_time_den, on_time_num, \
    online_den, online_num, eresult_den, eresult_num, digitised_den, digitised_num, \
    reuse_den, reuse_num, store_den, store_num, register_den, register_num, \
    prefill_fields, prefilled, withdrawn, synchronised, processing_secs";

/// How many parameters [`bind`] binds.
pub(crate) const PARAMETERS: usize = 28;

/// An insert of [`COLUMNS`] becomes a rewrite of the dossier's row.
pub(crate) const ON_CONFLICT_REWRITE: &str = "on conflict (dossier_id) do update set
    agency_id = excluded.agency_id, procedure_code = excluded.procedure_code,
    submitted_at = excluded.submitted_at, channel = excluded.channel,
    received = excluded.received, withdrawn = excluded.withdrawn,
    finished_at = excluded.finished_at,
    due_at = excluded.due_at, supplement_requests = excluded.supplement_requests,
    on_time_den = excluded.on_time_den, on_time_num = excluded.on_time_num,
    online_den = excluded.online_den, online_num = excluded.online_num,
    eresult_den = excluded.eresult_den, eresult_num = excluded.eresult_num,
    digitised_den = excluded.digitised_den, digitised_num = excluded.digitised_num,
    reuse_den = excluded.reuse_den, reuse_num = excluded.reuse_num,
    store_den = excluded.store_den, store_num = excluded.store_num,
    register_den = excluded.register_den, register_num = excluded.register_num,
    prefill_fields = excluded.prefill_fields, prefilled = excluded.prefilled,
    synchronised = dossier_fact.synchronised or excluded.synchronised,
    processing_secs = excluded.processing_secs,
    updated_at = now()";

/// Binds `f` as the next [`PARAMETERS`] parameters of `query`, in the order of [`COLUMNS`].
pub(crate) fn bind<'q>(
    query: sqlx::query::Query<'q, sqlx::Postgres, sqlx::postgres::PgArguments>,
    f: &Fact<'q>,
) -> sqlx::query::Query<'q, sqlx::Postgres, sqlx::postgres::PgArguments> {
    query
        .bind(f.dossier_id)
        .bind(f.agency_id)
        .bind(f.procedure_code)
        .bind(f.submitted_at)
        .bind(f.channel)
        .bind(f.received)
        .bind(f.finished_at)
        .bind(f.due_at)
        .bind(f.supplement_requests)
        .bind(f.on_time.den)
        .bind(f.on_time.num)
        .bind(f.online.den)
        .bind(f.online.num)
        .bind(f.eresult.den)
        .bind(f.eresult.num)
        .bind(f.digitised.den)
        .bind(f.digitised.num)
        .bind(f.reuse.den)
        .bind(f.reuse.num)
        .bind(f.store.den)
        .bind(f.store.num)
        .bind(f.register.den)
        .bind(f.register.num)
        .bind(f.prefill_fields)
        .bind(f.prefilled)
        .bind(f.withdrawn)
        .bind(f.synchronised)
        .bind(f.processing_secs)
}

/// The statement of [`upsert`], written once.
static UPSERT: std::sync::LazyLock<String> = std::sync::LazyLock::new(|| {
    format!(
        "insert into dossier_fact ({COLUMNS}) values ({}) {ON_CONFLICT_REWRITE}",
        crate::placeholders(1, PARAMETERS)
    )
});

pub async fn upsert(conn: &mut PgConnection, f: &Fact<'_>) -> Result<(), DbError> {
    bind(sqlx::query(UPSERT.as_str()), f).execute(conn).await?;
    Ok(())
}

/// Writes many rows at once with `COPY` (the data generator); rows must be new.
pub async fn copy_in(conn: &mut PgConnection, rows: &[Fact<'_>]) -> Result<(), DbError> {
    fn time(t: Option<DateTime<Utc>>) -> String {
        t.map(|t| t.to_rfc3339()).unwrap_or_else(|| "\\N".into())
    }
    fn b(v: bool) -> char {
        if v {
            't'
        } else {
            'f'
        }
    }
    let mut text = String::with_capacity(rows.len() * 200);
    for f in rows {
        let flags = [
            f.on_time,
            f.online,
            f.eresult,
            f.digitised,
            f.reuse,
            f.store,
            f.register,
        ];
        let mut line = format!(
            "{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}",
            f.dossier_id,
            f.agency_id,
            f.procedure_code,
            f.submitted_at.to_rfc3339(),
            f.channel,
            b(f.received),
            b(f.withdrawn),
            time(f.finished_at),
            time(f.due_at),
            f.supplement_requests,
        );
        for flag in flags {
            line.push('\t');
            line.push(b(flag.den));
            line.push('\t');
            line.push(b(flag.num));
        }
        line.push_str(&format!(
            "\t{}\t{}\t{}\t{}\n",
            f.prefill_fields,
            f.prefilled,
            b(f.synchronised),
            f.processing_secs
                .map_or_else(|| "\\N".to_owned(), |s| s.to_string())
        ));
        text.push_str(&line);
    }
    let mut copy = conn
        .copy_in_raw(
            "copy dossier_fact (dossier_id, agency_id, procedure_code, submitted_at, channel,
                received, withdrawn, finished_at, due_at, supplement_requests,
                on_time_den, on_time_num, online_den, online_num, eresult_den, eresult_num,
                digitised_den, digitised_num, reuse_den, reuse_num, store_den, store_num,
                register_den, register_num, prefill_fields, prefilled, synchronised,
                processing_secs) from stdin",
        )
        .await?;
    copy.send(text.into_bytes()).await?;
    copy.finish().await?;
    Ok(())
}

/// The sums per agency × procedure and over the whole scope, in one statement (one
/// snapshot): the day sums, the changes not yet moved into them, and the dossiers still
/// open judged at `judged_at`: whole days from their own sums, those due on the judging day
/// one by one (migrations `fact_day_sums` and `open_day_sums` say why they are apart).
pub async fn sums(executor: impl PgExecutor<'_>, scope: Scope<'_>) -> Result<Report, DbError> {
    let rows: Vec<SumsRow> = sqlx::query_as(
        "with parts as (
             select agency_id, procedure_code, dossiers, online, counter, post, received,
                    finished, 0::bigint as in_progress_overdue, 0::bigint as in_progress,
                    on_time_den, on_time_num, online_den, online_num, eresult_den, eresult_num,
                    digitised_den, digitised_num, reuse_den, reuse_num, store_den, store_num,
                    register_den, register_num, prefill_fields, prefilled,
                    synchronised, processed, processing_secs
             from (select * from dossier_fact_day
                   union all
                   select * from dossier_fact_change) summed
             where ($1::text[] is null or agency_id = any($1))
               and ($2::text is null or procedure_code = $2)
               and day >= $3::date and day < $4::date
             union all
             -- The open dossiers due on a day before or after the judging day, from their
             -- sums (migration `open_day_sums`).
             select agency_id, procedure_code, 0, 0, 0, 0, 0, 0,
                    coalesce(sum(n) filter (where due_day < ($5 at time zone interval '7 hours')::date), 0)::bigint,
                    coalesce(sum(n) filter (where not withdrawn
                        and due_day > ($5 at time zone interval '7 hours')::date), 0)::bigint,
                    coalesce(sum(n) filter (where due_day < ($5 at time zone interval '7 hours')::date), 0)::bigint,
                    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0
             from (select * from dossier_fact_open_day
                   union all
                   select * from dossier_fact_open_change) open_summed
             where ($1::text[] is null or agency_id = any($1))
               and ($2::text is null or procedure_code = $2)
               and day >= $3::date and day < $4::date
             group by agency_id, procedure_code
             union all
             -- Those due on the judging day itself, one by one.
             select agency_id, procedure_code, 0, 0, 0, 0, 0, 0,
                    count(*) filter (where due_at < $5),
                    count(*) filter (where due_at >= $5),
                    count(*) filter (where due_at < $5),
                    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0
             from dossier_fact
             where received and finished_at is null
               and due_at >= (($5 at time zone interval '7 hours')::date::timestamp
                              at time zone interval '7 hours')
               and due_at < (($5 at time zone interval '7 hours')::date::timestamp
                             at time zone interval '7 hours' + interval '1 day')
               and ($1::text[] is null or agency_id = any($1))
               and ($2::text is null or procedure_code = $2)
               and submitted_at >= ($3::date::timestamp at time zone interval '7 hours')
               and submitted_at < ($4::date::timestamp at time zone interval '7 hours')
             group by agency_id, procedure_code
         )
         select coalesce(agency_id, '') as agency_id, coalesce(procedure_code, '') as procedure_code,
                grouping(agency_id, procedure_code) <> 0 as is_total,
                coalesce(sum(dossiers), 0)::bigint as dossiers,
                coalesce(sum(online), 0)::bigint as online,
                coalesce(sum(counter), 0)::bigint as counter,
                coalesce(sum(post), 0)::bigint as post,
                coalesce(sum(received), 0)::bigint as received,
                coalesce(sum(finished), 0)::bigint as finished,
                coalesce(sum(in_progress_overdue), 0)::bigint as in_progress_overdue,
                coalesce(sum(in_progress), 0)::bigint as in_progress,
                coalesce(sum(on_time_den), 0)::bigint as on_time_den,
                coalesce(sum(on_time_num), 0)::bigint as on_time_num,
                coalesce(sum(online_den), 0)::bigint as online_den,
                coalesce(sum(online_num), 0)::bigint as online_num,
                coalesce(sum(eresult_den), 0)::bigint as eresult_den,
                coalesce(sum(eresult_num), 0)::bigint as eresult_num,
                coalesce(sum(digitised_den), 0)::bigint as digitised_den,
                coalesce(sum(digitised_num), 0)::bigint as digitised_num,
                coalesce(sum(reuse_den), 0)::bigint as reuse_den,
                coalesce(sum(reuse_num), 0)::bigint as reuse_num,
                coalesce(sum(store_den), 0)::bigint as store_den,
                coalesce(sum(store_num), 0)::bigint as store_num,
                coalesce(sum(register_den), 0)::bigint as register_den,
                coalesce(sum(register_num), 0)::bigint as register_num,
                coalesce(sum(prefill_fields), 0)::bigint as prefill_fields,
                coalesce(sum(prefilled), 0)::bigint as prefilled,
                coalesce(sum(synchronised), 0)::bigint as synchronised,
                coalesce(sum(processed), 0)::bigint as processed,
                coalesce(sum(processing_secs), 0)::bigint as processing_secs
         from parts
         group by grouping sets ((agency_id, procedure_code), ())
         having grouping(agency_id, procedure_code) <> 0 or sum(dossiers) <> 0
         order by is_total, agency_id, procedure_code",
    )
    .bind(scope.agency_ids)
    .bind(scope.procedure_code)
    .bind(scope.from)
    .bind(scope.until)
    .bind(scope.judged_at)
    .fetch_all(executor)
    .await?;
    let mut rows: Vec<Sums> = records(rows);
    // The empty grouping set always answers, with zeros when no dossier matched.
    let totals = match rows.last() {
        Some(last) if last.is_total => rows.pop().unwrap_or_default(),
        _ => Sums {
            is_total: true,
            ..Sums::default()
        },
    };
    Ok(Report { rows, totals })
}

/// Moves the changes to the facts into the day sums (`dossier_fact_day`); answers how many
/// changes it moved. Reports are right without it; they read fewer rows after it.
pub async fn compact(executor: impl PgExecutor<'_>) -> Result<i64, DbError> {
    let (moved,): (i64,) = sqlx::query_as("select compact_dossier_fact_changes()")
        .fetch_one(executor)
        .await?;
    Ok(moved)
}

pub async fn document_facts(
    conn: &mut PgConnection,
    dossier_id: Uuid,
) -> Result<DocumentFacts, DbError> {
    Ok(sqlx::query_as::<_, DocumentFactsRow>(
        "select count(*) as documents,
                count(*) filter (where not digitised) as paper_only,
                coalesce(bool_or(reused), false) as reused,
                coalesce(bool_or(from_store), false) as from_store,
                exists (select 1 from dossier_result
                        where dossier_id = $1 and published_at is not null) as result_published
         from dossier_document where dossier_id = $1",
    )
    .bind(dossier_id)
    .fetch_one(conn)
    .await?
    .into())
}

/// A row of [`OfficialSums`], as read.
#[derive(sqlx::FromRow)]
pub(crate) struct OfficialRow {
    official: String,
    agency_id: String,
    actions: i64,
    dossiers: i64,
    finished: i64,
    on_time: i64,
    late: i64,
}

impl From<OfficialRow> for OfficialSums {
    fn from(r: OfficialRow) -> Self {
        OfficialSums {
            official: r.official,
            agency_id: r.agency_id,
            actions: r.actions,
            dossiers: r.dossiers,
            finished: r.finished,
            on_time: r.on_time,
            late: r.late,
        }
    }
}

/// Staff actions in the period (`dossier_event`, through `dossier_event_staff_at_idx`)
/// joined to their dossiers' facts, per official and agency.
pub async fn official_sums(
    executor: impl PgExecutor<'_>,
    scope: Scope<'_>,
) -> Result<Vec<OfficialSums>, DbError> {
    let rows: Vec<OfficialRow> = sqlx::query_as(
        "select e.actor as official, f.agency_id,
                count(*) as actions,
                count(distinct e.dossier_id) as dossiers,
                count(distinct e.dossier_id) filter (where f.finished_at is not null) as finished,
                count(distinct e.dossier_id) filter (where f.on_time_num) as on_time,
                count(distinct e.dossier_id)
                    filter (where f.finished_at is not null and f.on_time_den
                            and not f.on_time_num) as late
           from dossier_event e
           join dossier_fact f on f.dossier_id = e.dossier_id
          where e.actor_kind = 'staff'
            and e.at >= ($3::date::timestamp at time zone interval '7 hours')
            and e.at < ($4::date::timestamp at time zone interval '7 hours')
            and ($1::text[] is null or f.agency_id = any($1))
            and ($2::text is null or f.procedure_code = $2)
          group by f.agency_id, e.actor
          order by f.agency_id, e.actor",
    )
    .bind(scope.agency_ids)
    .bind(scope.procedure_code)
    .bind(scope.from)
    .bind(scope.until)
    .fetch_all(executor)
    .await?;
    Ok(records(rows))
}
