//! What the use cases need from storage, and nothing of how it is kept.
//!
//! The use cases call a [`Store`] and the [`Session`]s it opens; `motcua-store` implements
//! both over PostgreSQL and the binary hands that implementation to [`crate::Services`].
//! So this crate, and every interface above it, never sees SQL or a database driver: the
//! records here are plain data, and a storage failure is a [`StoreError`].
//!
//! One session is one unit of work: a use case that changes a dossier opens one with
//! [`Store::begin`], makes every write of the step in it (the dossier, its timeline, its
//! indicator facts, the idempotency key's answer) and commits; dropping it uncommitted
//! undoes them all. A read opens one with [`Store::session`], whose statements each stand
//! alone.

pub mod contacts;
pub mod documents;
pub mod dossiers;
pub mod events;
pub mod facts;
pub mod idempotency;
pub mod logins;
pub mod outbox;
pub mod payments;
pub mod queues;
pub mod register_access;
pub mod retention;
pub mod satisfaction;
pub mod staff;
pub mod submissions;

pub use contacts::ContactRecords;
pub use documents::DocumentRecords;
pub use dossiers::DossierRecords;
pub use events::EventRecords;
pub use facts::FactRecords;
pub use idempotency::IdempotencyRecords;
pub use logins::LoginRecords;
pub use outbox::OutboxRecords;
pub use payments::PaymentRecords;
pub use queues::QueueRecords;
pub use register_access::RegisterAccessRecords;
pub use retention::RetentionRecords;
pub use satisfaction::SatisfactionRecords;
pub use staff::StaffRecords;
pub use submissions::SubmissionRecords;

use async_trait::async_trait;
use chrono::NaiveDate;
use serde_json::Value;
use std::ops::RangeInclusive;

/// A failure's cause as the storage reported it, for the log.
pub type Cause = Box<dyn std::error::Error + Send + Sync>;

/// What can go wrong in storage. The variants a client can cause or retry are their own, so
/// that a use case answers precisely; the rest carry their cause for the log.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("procedure {code} version {version} is already loaded with different content; publish a new version instead")]
    ProcedureVersionChanged { code: String, version: i32 },
    #[error("the dossier changed meanwhile")]
    Conflict,
    /// A statement of several writes would leave one undone (its inputs disagree): refused
    /// before it runs, or, in a session, the session must not commit.
    #[error("incomplete write: {0}")]
    Incomplete(&'static str),
    /// The storage holds what the engine never writes (e.g. a code sequence below 1).
    #[error("unexpected data in the database: {0}")]
    Corrupt(&'static str),
    /// The storage, not the request, is the trouble (down, restarting, out of
    /// connections): the request may simply be tried again.
    #[error("database unavailable: {0}")]
    Unavailable(#[source] Cause),
    #[error("database error: {0}")]
    Database(#[source] Cause),
}

/// The storage of dossiers and everything kept with them.
#[async_trait]
pub trait Store: Send + Sync {
    /// A unit of work: its writes are kept together by [`Session::commit`], or none.
    async fn begin(&self) -> Result<Box<dyn Session>, StoreError>;
    /// A session for reads and single writes, each of which stands alone.
    async fn session(&self) -> Result<Box<dyn Session>, StoreError>;
    /// Whether the storage answers (for `/readyz`).
    async fn ping(&self) -> bool;
    /// The connections this process holds open, for `/metrics`.
    fn connections(&self) -> Connections;
    /// Reserves `count` consecutive code numbers of an agency's day (each given once,
    /// never again), in a unit of work of its own: `crate::code_numbers` says why.
    async fn reserve_code_numbers(
        &self,
        agency_id: &str,
        day: NaiveDate,
        count: u32,
    ) -> Result<RangeInclusive<u32>, StoreError>;
    /// Every procedure version ever loaded: code, version and the file's content.
    async fn procedure_versions(&self) -> Result<Vec<(String, i32, Value)>, StoreError>;
}

/// Connections held open: all of them, and the idle ones among them.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Connections {
    pub open: u32,
    pub idle: usize,
}

/// One unit of work (from [`Store::begin`]) or a run of standalone statements (from
/// [`Store::session`]), with every kind of record.
#[async_trait]
pub trait Session:
    ContactRecords
    + DossierRecords
    + DocumentRecords
    + EventRecords
    + FactRecords
    + IdempotencyRecords
    + LoginRecords
    + OutboxRecords
    + PaymentRecords
    + QueueRecords
    + RegisterAccessRecords
    + RetentionRecords
    + SatisfactionRecords
    + StaffRecords
    + SubmissionRecords
    + Send
{
    /// Keeps the unit of work's writes. A session from [`Store::session`] has nothing left
    /// to keep.
    async fn commit(self: Box<Self>) -> Result<(), StoreError>;
    /// Undoes the unit of work now, releasing its locks before the caller answers. Dropping
    /// it undoes it too, but later, when the storage gets to it.
    async fn rollback(self: Box<Self>) -> Result<(), StoreError>;
}
