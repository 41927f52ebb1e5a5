//! Retention: closed dossiers past their procedure's retention period are anonymised, and
//! their documents' objects removed from the file store.

use super::StoreError;
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use serde_json::Value;
use uuid::Uuid;

/// What one [`RetentionRecords::anonymise`] call changed.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Anonymised {
    pub dossiers: u64,
    pub documents: u64,
}

#[async_trait]
pub trait RetentionRecords {
    /// Up to `limit` closed dossiers of the procedure closed by `closed_by` and not yet
    /// anonymised, locked (skipping those another run holds).
    async fn lock_expired(
        &mut self,
        procedure_code: &str,
        closed_by: DateTime<Utc>,
        limit: i64,
    ) -> Result<Vec<Uuid>, StoreError>;
    async fn count_expired(
        &mut self,
        procedure_code: &str,
        closed_by: DateTime<Utc>,
    ) -> Result<i64, StoreError>;
    /// The procedures of stored dossiers that are not among `known`.
    async fn unknown_procedures(&mut self, known: &[String]) -> Result<Vec<String>, StoreError>;
    /// Erases the personal data of the dossiers and of their documents.
    async fn anonymise(
        &mut self,
        ids: &[Uuid],
        at: DateTime<Utc>,
        detail: &Value,
    ) -> Result<Anonymised, StoreError>;
    /// Erased documents whose object is still in the file store: id and storage key.
    async fn objects_to_remove(&mut self, limit: i64) -> Result<Vec<(Uuid, String)>, StoreError>;
    async fn count_objects_to_remove(&mut self) -> Result<u64, StoreError>;
    async fn mark_object_removed(&mut self, id: Uuid, at: DateTime<Utc>) -> Result<(), StoreError>;
    /// Forgets `Idempotency-Key`s older than `window`; answers how many.
    async fn forget_idempotency_keys(
        &mut self,
        window: chrono::TimeDelta,
    ) -> Result<u64, StoreError>;
}
