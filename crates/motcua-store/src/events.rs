//! The dossier timeline (append-only in the database itself).

use crate::StoreError;
use chrono::{DateTime, Utc};
use serde::Serialize;
use serde_json::Value;
use sqlx::{PgConnection, PgExecutor};
use uuid::Uuid;

/// One entry to append to a dossier's timeline.
pub struct NewEvent<'a> {
    pub dossier_id: Uuid,
    /// The engine's clock, not the database's: they agree in production, and the engine's
    /// is the one `motcua dev` lets people set.
    pub at: DateTime<Utc>,
    pub actor_kind: &'a str,
    pub actor: &'a str,
    pub action: &'a str,
    pub from_state: Option<&'a str>,
    pub to_state: &'a str,
    pub comment: Option<&'a str>,
    pub detail: Value,
}

#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct Event {
    pub id: i64,
    pub at: DateTime<Utc>,
    pub actor_kind: String,
    pub actor: String,
    pub action: String,
    pub from_state: Option<String>,
    pub to_state: String,
    pub comment: Option<String>,
    pub detail: Value,
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
        "insert into dossier_event ({COLUMNS}) values ({})",
        crate::placeholders(1, PARAMETERS)
    )
});

pub async fn append(conn: &mut PgConnection, event: NewEvent<'_>) -> Result<(), StoreError> {
    bind(sqlx::query(APPEND.as_str()), event)
        .execute(conn)
        .await?;
    Ok(())
}

pub async fn list_for_dossier(
    executor: impl PgExecutor<'_>,
    dossier_id: Uuid,
) -> Result<Vec<Event>, StoreError> {
    Ok(sqlx::query_as(
        "select id, at, actor_kind, actor, action, from_state, to_state, comment, detail
         from dossier_event where dossier_id = $1 order by id",
    )
    .bind(dossier_id)
    .fetch_all(executor)
    .await?)
}

/// How many times `action` was taken on the dossier (for actions allowed once).
pub async fn count_action(
    conn: &mut PgConnection,
    dossier_id: Uuid,
    action: &str,
) -> Result<i64, StoreError> {
    Ok(sqlx::query_scalar(
        "select count(*) from dossier_event where dossier_id = $1 and action = $2",
    )
    .bind(dossier_id)
    .bind(action)
    .fetch_one(conn)
    .await?)
}
