//! The outbox: messages owed to other systems, written in the unit of work of the change
//! that causes them (a submission writes its own in its one statement), and taken by the
//! delivery workers of any process, skipping what another worker holds.

use super::StoreError;
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use serde::Serialize;
use std::time::Duration;
use uuid::Uuid;

/// A message to write.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NewMessage<'a> {
    pub target: &'a str,
    pub kind: &'a str,
    pub dossier_id: Option<Uuid>,
    pub event_id: Option<i64>,
}

/// A message as kept.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Message {
    pub id: i64,
    pub target: String,
    pub kind: String,
    pub dossier_id: Option<Uuid>,
    /// The dossier's code, for an operator reading the list.
    pub dossier_code: Option<String>,
    pub event_id: Option<i64>,
    /// Sent as `Idempotency-Key` with every attempt.
    pub delivery_key: Uuid,
    pub state: String,
    pub attempts: i32,
    pub next_attempt_at: DateTime<Utc>,
    pub last_error: Option<String>,
    pub created_at: DateTime<Utc>,
    pub settled_at: Option<DateTime<Utc>>,
}

/// The states a message goes through.
pub const PENDING: &str = "pending";
pub const DELIVERED: &str = "delivered";
pub const DEAD: &str = "dead";
pub const DROPPED: &str = "dropped";

/// What an operator lists, retries or drops: every filter set must match.
#[derive(Debug, Clone, Default)]
pub struct Selection {
    pub id: Option<i64>,
    pub state: Option<String>,
    pub target: Option<String>,
    pub dossier_id: Option<Uuid>,
    /// Only the messages of dossiers of this agency (a supervisor's reach).
    pub agency: Option<String>,
    /// Listing: messages after this id (keyset pagination).
    pub after: Option<i64>,
    pub limit: i64,
}

/// What happened to one attempt, to write back.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Settled {
    Delivered,
    /// Tried again after `after` (counted as an attempt when `counted`).
    Retry {
        after: Duration,
        error: String,
        counted: bool,
    },
    Dead {
        error: String,
    },
}

/// A target's messages now, for `/metrics`.
#[derive(Debug, Clone, PartialEq)]
pub struct TargetFigures {
    pub target: String,
    pub pending: i64,
    /// Seconds since the oldest pending message was written; 0 with none.
    pub oldest_pending_age_secs: f64,
    /// Pending messages whose last attempt failed.
    pub retrying: i64,
    pub dead: i64,
}

#[async_trait]
pub trait OutboxRecords {
    /// Writes `messages` in the session's unit of work, in the order given.
    async fn enqueue(&mut self, messages: &[NewMessage<'_>]) -> Result<(), StoreError>;
    /// Locks up to `limit` pending messages of `targets` that are due and come first in
    /// their dossier (none of its earlier messages pending or dead), skipping those another
    /// session holds; oldest first. Held until the session ends.
    async fn lock_due_messages(
        &mut self,
        targets: &[&str],
        limit: i64,
    ) -> Result<Vec<Message>, StoreError>;
    /// Writes the outcome of an attempt of message `id`.
    async fn settle_message(&mut self, id: i64, outcome: &Settled) -> Result<(), StoreError>;
    /// The messages selected, by id.
    async fn list_messages(&mut self, selection: &Selection) -> Result<Vec<Message>, StoreError>;
    /// Makes the selected dead (or pending) messages pending and due now, their attempts
    /// counted from 0 again; the ids changed.
    async fn retry_messages(&mut self, selection: &Selection) -> Result<Vec<i64>, StoreError>;
    /// Drops the selected dead or pending messages: never to be sent; the ids changed.
    async fn drop_messages(&mut self, selection: &Selection) -> Result<Vec<i64>, StoreError>;
    /// Every target's figures.
    async fn outbox_figures(&mut self) -> Result<Vec<TargetFigures>, StoreError>;
    /// Forgets delivered and dropped messages settled more than `older_than` ago.
    async fn forget_settled_messages(&mut self, older_than: Duration) -> Result<u64, StoreError>;
}
