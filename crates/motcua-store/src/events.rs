//! The dossier timeline (append-only in the database itself).

use crate::{records, DbError};
use chrono::{DateTime, Utc};
pub use motcua_service::store::events::{Event, NewEvent};
use serde_json::Value;
use sqlx::{PgConnection, PgExecutor};
use uuid::Uuid;

/// A row of [`Event`], as read.
#[derive(sqlx::FromRow)]
pub(crate) struct EventRow {
    id: i64,
    at: DateTime<Utc>,
    actor_kind: String,
    actor: String,
    action: String,
    from_state: Option<String>,
    to_state: String,
    comment: Option<String>,
    detail: Value,
}

impl From<EventRow> for Event {
    fn from(r: EventRow) -> Self {
        Event {
            id: r.id,
            at: r.at,
            actor_kind: r.actor_kind,
            actor: r.actor,
            action: r.action,
            from_state: r.from_state,
            to_state: r.to_state,
            comment: r.comment,
            detail: r.detail,
        }
    }
}

/// The columns of a new event, in the order [`bind`] binds a [`NewEvent`].
pub(crate) const COLUMNS: &str =
    "dossier_id, at, actor_kind, actor, action, from_state, to_state, comment, detail";

/// How many parameters [`bind`] binds.
pub(crate) const PARAMETERS: usize = 9;

/// Binds `event` as the next [`PARAMETERS`] parameters of `query`, in the order of [`COLUMNS`].
pub(crate) fn bind<'q>(
    query: sqlx::query::Query<'q, sqlx::Postgres, sqlx::postgres::PgArguments>,
    event: NewEvent<'q>,
) -> sqlx::query::Query<'q, sqlx::Postgres, sqlx::postgres::PgArguments> {
    query
        .bind(event.dossier_id)
        .bind(event.at)
        .bind(event.actor_kind)
        .bind(event.actor)
        .bind(event.action)
        .bind(event.from_state)
        .bind(event.to_state)
        .bind(event.comment)
        .bind(event.detail)
}

/// The statement of [`append`], written once.
static APPEND: std::sync::LazyLock<String> = std::sync::LazyLock::new(|| {
    format!(
        "insert into dossier_event ({COLUMNS}) values ({}) returning id",
        crate::placeholders(1, PARAMETERS)
    )
});

/// Appends `event`; its id.
pub async fn append(conn: &mut PgConnection, event: NewEvent<'_>) -> Result<i64, DbError> {
    use sqlx::Row;
    let row = bind(sqlx::query(APPEND.as_str()), event)
        .fetch_one(conn)
        .await?;
    Ok(row.try_get(0)?)
}

pub async fn list_for_dossier(
    executor: impl PgExecutor<'_>,
    dossier_id: Uuid,
) -> Result<Vec<Event>, DbError> {
    Ok(sqlx::query_as::<_, EventRow>(
        "select id, at, actor_kind, actor, action, from_state, to_state, comment, detail
         from dossier_event where dossier_id = $1 order by id",
    )
    .bind(dossier_id)
    .fetch_all(executor)
    .await
    .map(records)?)
}

/// How many times `action` was taken on the dossier (for actions allowed once).
pub async fn count_action(
    conn: &mut PgConnection,
    dossier_id: Uuid,
    action: &str,
) -> Result<i64, DbError> {
    Ok(sqlx::query_scalar(
        "select count(*) from dossier_event where dossier_id = $1 and action = $2",
    )
    .bind(dossier_id)
    .bind(action)
    .fetch_one(conn)
    .await?)
}
