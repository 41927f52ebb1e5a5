//! The access log of personal data: every read of the population register and every staff
//! download of a citizen's document, which the citizen can see.

use super::StoreError;
use async_trait::async_trait;
use chrono::{DateTime, Utc};
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

#[derive(Debug, Clone)]
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

#[async_trait]
pub trait RegisterAccessRecords {
    async fn record_register_access(
        &mut self,
        access: NewRegisterAccess<'_>,
    ) -> Result<(), StoreError>;
    /// The reads of a citizen's data, newest first; `before` pages by id.
    async fn register_accesses_of(
        &mut self,
        subject_pin: &str,
        before: Option<i64>,
        limit: i64,
    ) -> Result<Vec<RegisterAccess>, StoreError>;
}
