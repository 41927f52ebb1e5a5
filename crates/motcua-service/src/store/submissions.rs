//! A draft's submission without a unit of work: [`SubmissionRecords::open_submission`]
//! reads the draft, its row's version and what the request's `Idempotency-Key` holds;
//! [`SubmissionRecords::record_submission`] then writes, at once, the submitted dossier,
//! its timeline's event, its indicator facts and the key with its answer, if the draft is
//! still the version read. The submit is the request of a registration's last day, so it
//! takes the fewest round trips: the version check gives what a lock would.

use super::events::NewEvent;
use super::facts::Fact;
use super::idempotency::{KeyRef, StoredKey};
use super::StoreError;
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use motcua_core::dossier::Dossier;
use serde_json::Value;
use uuid::Uuid;

/// A dossier as read for its submission ([`SubmissionRecords::open_submission`]).
pub struct Opened {
    pub dossier: Dossier,
    /// The row's version: [`SubmissionRecords::record_submission`] writes only if the row
    /// is still this one.
    pub version: RowVersion,
    /// What the request's key holds, if another request used it.
    pub key: Option<StoredKey>,
}

/// A version of a dossier's row, which every write of the row changes (a lock does not).
/// PostgreSQL's is the row's `xmin`, the transaction that wrote it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RowVersion(i64);

/// What the submission changes in the dossier's row.
pub struct Submission<'a> {
    pub id: Uuid,
    /// The version [`SubmissionRecords::open_submission`] read: the row must still be it.
    pub version: RowVersion,
    pub agency_id: &'a str,
    /// The procedure's first workflow state.
    pub state: &'a str,
    pub code: &'a str,
    pub submitted_at: DateTime<Utc>,
    pub ack_due_at: DateTime<Utc>,
}

/// The `Idempotency-Key` to write with its answer.
pub struct KeptAnswer<'a> {
    pub principal: &'a str,
    pub key: &'a str,
    /// The fingerprint of the request (`idempotency::StoredKey`).
    pub request_sha256: &'a str,
    pub status: u16,
    pub body: &'a Value,
}

/// Everything a submission writes.
pub struct SubmissionWrites<'a> {
    pub submission: Submission<'a>,
    pub event: NewEvent<'a>,
    pub fact: Fact<'a>,
    pub answer: Option<KeptAnswer<'a>>,
    /// The outbox targets told of the new dossier: each gets a `dossier_created` message
    /// (`crate::outbox`) written by the same statement, referring to the event.
    pub outbox_targets: &'a [&'a str],
}

/// What [`SubmissionRecords::record_submission`] did.
#[derive(Debug, PartialEq, Eq)]
pub enum Recorded {
    /// Written, all of it.
    Submitted,
    /// Nothing written: the dossier is no longer the draft
    /// [`SubmissionRecords::open_submission`] read.
    Changed,
    /// Nothing written: another request used the key meanwhile (or, holding it, waited for
    /// the dossier while this statement waited for the key, and PostgreSQL failed this one).
    KeyTaken,
}

impl RowVersion {
    /// The version as the storage numbers it.
    pub fn new(number: i64) -> Self {
        RowVersion(number)
    }

    pub fn number(self) -> i64 {
        self.0
    }
}

impl Submission<'_> {
    /// `draft` as [`SubmissionRecords::record_submission`] leaves it, for what is computed
    /// from the submitted dossier before it is written (its facts). Only `updated_at`
    /// differs from the row: the storage sets it to its own time. Takes the draft rather
    /// than copying its form.
    pub fn applied_to(&self, draft: Dossier) -> Dossier {
        let mut submitted = draft;
        submitted.agency_id = Some(self.agency_id.to_owned());
        submitted.state = self.state.to_owned();
        submitted.code = Some(self.code.to_owned());
        submitted.submitted_at = Some(self.submitted_at);
        submitted.ack_due_at = Some(self.ack_due_at);
        submitted.clock.state_entered_at = Some(self.submitted_at);
        submitted.clock.step_due_at = Some(self.ack_due_at);
        submitted.updated_at = self.submitted_at;
        submitted
    }
}

#[async_trait]
pub trait SubmissionRecords {
    /// The draft, its row's version and what the key (principal, key) holds.
    async fn open_submission(
        &mut self,
        id: Uuid,
        key: Option<KeyRef<'_>>,
    ) -> Result<Option<Opened>, StoreError>;
    /// Writes everything a submission writes, whole or not at all.
    async fn record_submission(
        &mut self,
        writes: SubmissionWrites<'_>,
    ) -> Result<Recorded, StoreError>;
}
