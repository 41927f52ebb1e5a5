//! The work queues of an agency: one per procedure and state, claimed one dossier at a
//! time.

use super::StoreError;
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use motcua_core::dossier::Dossier;
use uuid::Uuid;

/// One queue's figures, for `GET /v1/queues`.
#[derive(Debug, Clone)]
pub struct QueueFigures {
    pub procedure_code: String,
    pub state: String,
    /// Open dossiers in the state, claimed or not.
    pub count: i64,
    /// Of those, not claimed by anyone.
    pub unclaimed: i64,
    /// Of those, past the deadline of the step.
    pub overdue: i64,
    pub oldest_due_at: Option<DateTime<Utc>>,
}

/// An agency's queue: its open dossiers of one procedure in one state.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Queue<'a> {
    pub agency_id: &'a str,
    pub procedure_code: &'a str,
    pub state: &'a str,
}

#[async_trait]
pub trait QueueRecords {
    /// The figures of each (procedure, state) queue of the agency; with `counted_up_to`,
    /// each count stops one past it (see [`Counting`]).
    async fn queue_figures(
        &mut self,
        agency_id: &str,
        queues: &[(String, String)],
        now: DateTime<Utc>,
        counted_up_to: Option<i64>,
    ) -> Result<Vec<QueueFigures>, StoreError>;
    /// Every agency's queues (for the metrics).
    async fn all_queue_figures(
        &mut self,
        now: DateTime<Utc>,
    ) -> Result<Vec<(String, QueueFigures)>, StoreError>;
    /// Hands the oldest unclaimed dossier of the queue to `staff`, skipping those another
    /// request is claiming at the same moment.
    async fn claim_next(
        &mut self,
        queue: Queue<'_>,
        staff: &str,
        at: DateTime<Utc>,
    ) -> Result<Option<Dossier>, StoreError>;
    /// Gives the dossier to `staff`, or releases it (`None`).
    async fn assign(
        &mut self,
        id: Uuid,
        staff: Option<&str>,
        at: DateTime<Utc>,
    ) -> Result<Dossier, StoreError>;
}
