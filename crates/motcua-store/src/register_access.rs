//! The record of population-register reads (append-only in the database).

use crate::{records, DbError};
use chrono::{DateTime, Utc};
pub use motcua_service::store::register_access::{NewRegisterAccess, RegisterAccess};
use sqlx::PgExecutor;
use uuid::Uuid;

/// A row of [`RegisterAccess`], as read.
#[derive(sqlx::FromRow)]
pub(crate) struct RegisterAccessRow {
    id: i64,
    at: DateTime<Utc>,
    actor_kind: String,
    actor: String,
    actor_role: Option<String>,
    actor_agency: Option<String>,
    fields: Vec<String>,
    procedure_code: String,
    dossier_id: Uuid,
    purpose: String,
    outcome: String,
    source: String,
    document_id: Option<Uuid>,
}

impl From<RegisterAccessRow> for RegisterAccess {
    fn from(r: RegisterAccessRow) -> Self {
        RegisterAccess {
            id: r.id,
            at: r.at,
            actor_kind: r.actor_kind,
            actor: r.actor,
            actor_role: r.actor_role,
            actor_agency: r.actor_agency,
            fields: r.fields,
            procedure_code: r.procedure_code,
            dossier_id: r.dossier_id,
            purpose: r.purpose,
            outcome: r.outcome,
            source: r.source,
            document_id: r.document_id,
        }
    }
}

pub async fn record(
    executor: impl PgExecutor<'_>,
    access: NewRegisterAccess<'_>,
) -> Result<(), DbError> {
    sqlx::query(
        "insert into register_access (actor_kind, actor, actor_role, actor_agency, subject_pin, fields,
                                      procedure_code, dossier_id, purpose, outcome, request_id,
                                      source, document_id)
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)",
    )
    .bind(access.actor_kind)
    .bind(access.actor)
    .bind(access.actor_role)
    .bind(access.actor_agency)
    .bind(access.subject_pin)
    .bind(access.fields)
    .bind(access.procedure_code)
    .bind(access.dossier_id)
    .bind(access.purpose)
    .bind(access.outcome)
    .bind(access.request_id)
    .bind(access.source)
    .bind(access.document_id)
    .execute(executor)
    .await?;
    Ok(())
}

/// Every read of `subject_pin`'s data, newest first; `before` pages by id.
pub async fn list_for_subject(
    executor: impl PgExecutor<'_>,
    subject_pin: &str,
    before: Option<i64>,
    limit: i64,
) -> Result<Vec<RegisterAccess>, DbError> {
    Ok(sqlx::query_as::<_, RegisterAccessRow>(
        "select id, at, actor_kind, actor, actor_role, actor_agency, fields, procedure_code,
                dossier_id, purpose, outcome, source, document_id
         from register_access
         where subject_pin = $1 and ($2::bigint is null or id < $2)
         order by id desc limit $3",
    )
    .bind(subject_pin)
    .bind(before)
    .bind(limit)
    .fetch_all(executor)
    .await
    .map(records)?)
}
