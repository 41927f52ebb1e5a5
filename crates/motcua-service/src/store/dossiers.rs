//! Dossiers (hồ sơ): drafts, their data, workflow steps and lists.

use super::StoreError;
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use motcua_core::dossier::{ClockFacts, Dossier};
use serde_json::Value;
use uuid::Uuid;

pub struct NewDraft<'a> {
    pub id: Uuid,
    /// A counter dossier: the agency whose desk took it, and the clerk.
    pub counter: Option<CounterIntake<'a>>,
    pub flags: &'a [String],
    pub procedure_code: &'a str,
    pub procedure_version: i32,
    pub citizen_pin: &'a str,
    pub data: &'a Value,
    pub prefill: &'a Value,
    /// A dossier filed on the national portal: its code there (unique among dossiers).
    pub national_code: Option<&'a str>,
}

pub struct CounterIntake<'a> {
    pub agency_id: &'a str,
    pub clerk: &'a str,
}

/// Where a page of a keyset-paginated list starts: after this (created_at, id).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PageAfter {
    pub created_at: DateTime<Utc>,
    pub id: Uuid,
}

/// A workflow step: the dossier moves from `from_state` to `to_state` at `at` with its
/// clock facts as the legal clock computed them; whoever held it lets go.
pub struct Step<'a> {
    pub id: Uuid,
    pub from_state: &'a str,
    pub to_state: &'a str,
    pub at: DateTime<Utc>,
    /// `to_state` is final.
    pub closes: bool,
    pub clock: &'a ClockFacts,
    /// A new acknowledgement deadline (the dossier is back at the desk).
    pub ack_due_at: Option<DateTime<Utc>>,
}

/// Optional filters of a staff list; `None` means "any".
#[derive(Debug, Default, Clone)]
pub struct AgencyFilter<'a> {
    pub state: Option<&'a str>,
    pub procedure_code: Option<&'a str>,
    pub overdue_at: Option<DateTime<Utc>>,
    /// Only the dossiers this staff member holds.
    pub held_by: Option<&'a str>,
}

/// What a draft holds besides its place in the workflow: the form's data, where each
/// prefilled field came from, and the flags a clerk must look at.
#[derive(Debug, Clone, Copy)]
pub struct DraftData<'a> {
    pub data: &'a Value,
    pub prefill: &'a Value,
    pub flags: &'a [String],
}

/// One page of a list, newest first: at most `limit` items, after `after` if given.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Page {
    pub after: Option<PageAfter>,
    pub limit: i64,
}

#[async_trait]
pub trait DossierRecords {
    async fn insert_draft(&mut self, draft: NewDraft<'_>) -> Result<Dossier, StoreError>;
    async fn dossier(&mut self, id: Uuid) -> Result<Option<Dossier>, StoreError>;
    /// The dossier pushed from the national portal with this code there, if any.
    async fn dossier_by_national_code(
        &mut self,
        national_code: &str,
    ) -> Result<Option<Dossier>, StoreError>;
    /// Reads a dossier and locks it for the rest of the unit of work, so that two changes
    /// to the same dossier happen one after the other.
    async fn dossier_for_update(&mut self, id: Uuid) -> Result<Option<Dossier>, StoreError>;
    /// A citizen's own dossiers, newest first.
    async fn dossiers_of_citizen(
        &mut self,
        citizen_pin: &str,
        page: Page,
    ) -> Result<Vec<Dossier>, StoreError>;
    /// An agency's submitted dossiers, newest first, filtered by the storage.
    async fn dossiers_of_agency(
        &mut self,
        agency_id: &str,
        filter: AgencyFilter<'_>,
        page: Page,
    ) -> Result<Vec<Dossier>, StoreError>;
    /// Replaces what a draft holds.
    async fn update_data(&mut self, id: Uuid, draft: DraftData<'_>) -> Result<Dossier, StoreError>;
    /// How many dossiers each procedure has in each state (for the metrics).
    async fn count_by_procedure_and_state(
        &mut self,
    ) -> Result<Vec<(String, String, i64)>, StoreError>;
    /// Fails with [`StoreError::Conflict`] when the dossier is no longer in `from_state`.
    async fn record_step(&mut self, step: Step<'_>) -> Result<Dossier, StoreError>;
    /// Changes only the clock facts (an apology moves the return date), in the same state
    /// and with the same holder.
    async fn record_clock(&mut self, id: Uuid, clock: &ClockFacts) -> Result<Dossier, StoreError>;
    /// Withdrawing a draft: it never entered the workflow, so there is no clock to keep.
    async fn abandon_draft(
        &mut self,
        id: Uuid,
        to_state: &str,
        at: DateTime<Utc>,
    ) -> Result<Dossier, StoreError>;
    /// Submitted dossiers in id order, `limit` after `after` (to walk them all in batches).
    /// Anonymised dossiers are left out: their form and documents are gone, so their
    /// facts, written while they were whole, are the only true account of them.
    async fn submitted_batch(
        &mut self,
        after: Option<Uuid>,
        limit: i64,
    ) -> Result<Vec<Dossier>, StoreError>;
}
