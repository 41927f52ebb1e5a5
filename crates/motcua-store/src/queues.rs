//! Work queues: a procedure's state within an agency (each non-final state names the role
//! that works it). Claims hand out the unassigned dossier due first, with `FOR UPDATE SKIP
//! LOCKED` so that clerks claiming at once never wait for nor get the same dossier.

use crate::dossiers::{found, updated, Dossier, DossierRow, COLUMNS};
use crate::{records, DbError};
use chrono::{DateTime, Utc};
pub use motcua_service::store::queues::{Queue, QueueFigures};
use sqlx::{PgConnection, PgExecutor};
use uuid::Uuid;

/// A row of [`QueueFigures`], as read.
#[derive(sqlx::FromRow)]
pub(crate) struct QueueFiguresRow {
    procedure_code: String,
    state: String,
    count: i64,
    unclaimed: i64,
    overdue: i64,
    oldest_due_at: Option<DateTime<Utc>>,
}

impl From<QueueFiguresRow> for QueueFigures {
    fn from(r: QueueFiguresRow) -> Self {
        QueueFigures {
            procedure_code: r.procedure_code,
            state: r.state,
            count: r.count,
            unclaimed: r.unclaimed,
            overdue: r.overdue,
            oldest_due_at: r.oldest_due_at,
        }
    }
}

/// The figures of the given queues (`(procedure code, state)` pairs) of one agency.
pub async fn figures(
    executor: impl PgExecutor<'_>,
    agency_id: &str,
    queues: &[(String, String)],
    now: DateTime<Utc>,
) -> Result<Vec<QueueFigures>, DbError> {
    let (codes, states): (Vec<&str>, Vec<&str>) =
        queues.iter().map(|(c, s)| (c.as_str(), s.as_str())).unzip();
    Ok(sqlx::query_as::<_, QueueFiguresRow>(
        "select d.procedure_code, d.state,
                count(*) as count,
                count(*) filter (where d.assigned_to is null) as unclaimed,
                count(*) filter (where d.step_due_at < $4) as overdue,
                min(d.step_due_at) as oldest_due_at
         from dossier d
         join unnest($2::text[], $3::text[]) as q(code, state)
           on d.procedure_code = q.code and d.state = q.state
         where d.agency_id = $1 and d.closed_at is null and d.state <> 'draft'
         group by d.procedure_code, d.state",
    )
    .bind(agency_id)
    .bind(&codes)
    .bind(&states)
    .bind(now)
    .fetch_all(executor)
    .await
    .map(records)?)
}

/// The figures of the given queues of one agency, each stopping past `limit`: the pages of
/// a busy agency ask for them at every request, and counting a queue of a million dossiers
/// reads a million index entries, where this reads at most `limit` and the queue's held
/// dossiers. `count` and `overdue` are counted in the queue's index alone; `unclaimed` is
/// `count` less the queue's dossiers in `dossier_holder` (counting it in `dossier` would
/// read each row), so `count` goes one past `limit` plus those, and `unclaimed` is past
/// `limit` exactly when the queue holds more than `limit` unclaimed. Every queue of `queues`
/// has a row.
pub async fn figures_up_to(
    executor: impl PgExecutor<'_>,
    agency_id: &str,
    queues: &[(String, String)],
    now: DateTime<Utc>,
    limit: i64,
) -> Result<Vec<QueueFigures>, DbError> {
    let (codes, states): (Vec<&str>, Vec<&str>) =
        queues.iter().map(|(c, s)| (c.as_str(), s.as_str())).unzip();
    let in_queue = "d.agency_id = $1 and d.procedure_code = q.code and d.state = q.state
                    and d.closed_at is null";
    Ok(sqlx::query_as::<_, QueueFiguresRow>(&format!(
        "select q.code as procedure_code, q.state, f.count, f.count - h.held as unclaimed,
                o.overdue,
                (select min(d.step_due_at) from dossier d where {in_queue}) as oldest_due_at
         from unnest($2::text[], $3::text[]) as q(code, state)
         cross join lateral (
             select count(*) as held from dossier_holder h
             where h.agency_id = $1 and h.procedure_code = q.code and h.state = q.state) h
         cross join lateral (
             select count(*) as count
             from (select from dossier d where {in_queue} limit $5 + h.held) c) f
         cross join lateral (
             select count(*) as overdue
             from (select from dossier d where {in_queue} and d.step_due_at < $4 limit $5) c) o"
    ))
    .bind(agency_id)
    .bind(&codes)
    .bind(&states)
    .bind(now)
    .bind(limit.saturating_add(1))
    .fetch_all(executor)
    .await
    .map(records)?)
}

/// Every agency's open queues (for the metrics): agency, then the figures.
pub async fn all_figures(
    executor: impl PgExecutor<'_>,
    now: DateTime<Utc>,
) -> Result<Vec<(String, QueueFigures)>, DbError> {
    let rows: Vec<AgencyQueueFigures> = sqlx::query_as(
        "select d.agency_id, d.procedure_code, d.state,
                count(*) as count,
                count(*) filter (where d.assigned_to is null) as unclaimed,
                count(*) filter (where d.step_due_at < $1) as overdue,
                min(d.step_due_at) as oldest_due_at
         from dossier d
         where d.closed_at is null and d.state <> 'draft' and d.agency_id is not null
         group by d.agency_id, d.procedure_code, d.state",
    )
    .bind(now)
    .fetch_all(executor)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| (r.agency_id, r.figures.into()))
        .collect())
}

#[derive(sqlx::FromRow)]
struct AgencyQueueFigures {
    agency_id: String,
    #[sqlx(flatten)]
    figures: QueueFiguresRow,
}

/// Assigns the unclaimed dossier of the queue that is due first to `staff`, if any.
pub async fn claim_next(
    conn: &mut PgConnection,
    queue: Queue<'_>,
    staff: &str,
    at: DateTime<Utc>,
) -> Result<Option<Dossier>, DbError> {
    let row = sqlx::query_as(&format!(
        "update dossier set assigned_to = $4, assigned_at = $5, updated_at = now()
         where id = (
             select id from dossier
             where agency_id = $1 and procedure_code = $2 and state = $3
               and closed_at is null and assigned_to is null
             order by step_due_at nulls last, id
             limit 1
             for update skip locked)
         returning {COLUMNS}"
    ))
    .bind(queue.agency_id)
    .bind(queue.procedure_code)
    .bind(queue.state)
    .bind(staff)
    .bind(at)
    .fetch_optional(conn)
    .await?;
    found(row)
}

/// Sets who works a dossier (`None`: back to its queue).
pub async fn assign(
    conn: &mut PgConnection,
    id: Uuid,
    staff: Option<&str>,
    at: DateTime<Utc>,
) -> Result<Dossier, DbError> {
    let row = sqlx::query_as::<_, DossierRow>(&format!(
        "update dossier set assigned_to = $2, assigned_at = case when $2::text is null then null else $3 end,
                updated_at = now()
         where id = $1 returning {COLUMNS}"
    ))
    .bind(id)
    .bind(staff)
    .bind(at)
    .fetch_optional(conn)
    .await?;
    updated(row)
}
