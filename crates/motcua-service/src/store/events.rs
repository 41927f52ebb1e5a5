//! The dossier timeline, append-only.

use super::StoreError;
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use serde::Serialize;
use serde_json::Value;
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

#[derive(Debug, Clone, Serialize)]
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

#[async_trait]
pub trait EventRecords {
    /// Appends `event`; its id (which an outbox message may refer to).
    async fn append_event(&mut self, event: NewEvent<'_>) -> Result<i64, StoreError>;
    /// The dossier's timeline, oldest first.
    async fn events_of(&mut self, dossier_id: Uuid) -> Result<Vec<Event>, StoreError>;
    /// How many times `action` was taken on the dossier (for actions allowed once).
    async fn count_action(&mut self, dossier_id: Uuid, action: &str) -> Result<i64, StoreError>;
}
