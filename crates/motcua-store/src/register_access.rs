//! The record of population-register reads (append-only in the database).

use crate::StoreError;
use chrono::{DateTime, Utc};
use sqlx::PgExecutor;
use uuid::Uuid;

pub struct NewRegisterAccess<'a> {
    /// `register` (a register read) or `document` (a staff download of a document).
    pub source: &'a str,
    pub document_id: Option<Uuid>,
    pub actor_kind: &'a str,
    pub actor: &'a str,
    pub actor_role: Option<&'a str>,
    pub actor_agency: Option<&'a str>,
    pub subject_pin: &'a str,
    pub fields: &'a [String],
    pub procedure_code: &'a str,
    pub dossier_id: Uuid,
    pub purpose: &'a str,
    pub outcome: &'a str,
    pub request_id: Uuid,
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct RegisterAccess {
    pub id: i64,
    pub at: DateTime<Utc>,
    pub actor_kind: String,
    pub actor: String,
    pub actor_role: Option<String>,
    pub actor_agency: Option<String>,
    pub fields: Vec<String>,
    pub procedure_code: String,
    pub dossier_id: Uuid,
    pub purpose: String,
    pub outcome: String,
    pub source: String,
    pub document_id: Option<Uuid>,
}

pub async fn record(
    executor: impl PgExecutor<'_>,
    access: NewRegisterAccess<'_>,
) -> Result<(), StoreError> {
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
) -> Result<Vec<RegisterAccess>, StoreError> {
    Ok(sqlx::query_as(
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
    .await?)
}
