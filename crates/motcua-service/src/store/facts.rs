//! The indicator facts: one row per submitted dossier with what the QĐ 766 indicators
//! count of it, summed for the reports.

use super::StoreError;
use async_trait::async_trait;
use chrono::{DateTime, NaiveDate, Utc};
use uuid::Uuid;

/// Whether a dossier counts in an indicator's denominator and numerator.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Flags {
    pub den: bool,
    pub num: bool,
}

/// One dossier's row.
#[derive(Debug, Clone)]
pub struct Fact<'a> {
    pub dossier_id: Uuid,
    pub agency_id: &'a str,
    pub procedure_code: &'a str,
    pub submitted_at: DateTime<Utc>,
    pub channel: &'a str,
    pub received: bool,
    pub withdrawn: bool,
    pub finished_at: Option<DateTime<Utc>>,
    pub due_at: Option<DateTime<Utc>>,
    pub supplement_requests: i32,
    /// 2.1 of a finished dossier (an unfinished one is judged when reported).
    pub on_time: Flags,
    pub online: Flags,
    pub eresult: Flags,
    pub digitised: Flags,
    pub reuse: Flags,
    pub store: Flags,
    pub register: Flags,
    pub prefill_fields: i32,
    pub prefilled: i32,
    /// 1.4: reached the national portal (filed there; a delivery sets it later).
    pub synchronised: bool,
    /// 2.2: receipt to end of processing, of a received and finished dossier.
    pub processing_secs: Option<i64>,
}

/// The sums of one agency × procedure over a period, or of the whole scope.
#[derive(Debug, Clone, Default)]
pub struct Sums {
    /// Empty in the totals.
    pub agency_id: String,
    pub procedure_code: String,
    /// The row of the whole scope (`grouping sets`' empty set).
    pub is_total: bool,
    pub dossiers: i64,
    pub online: i64,
    pub counter: i64,
    pub post: i64,
    pub received: i64,
    pub finished: i64,
    /// Received, unfinished and past the return date when judged.
    pub in_progress_overdue: i64,
    /// Received, unfinished, not yet due.
    pub in_progress: i64,
    pub on_time_den: i64,
    pub on_time_num: i64,
    pub online_den: i64,
    pub online_num: i64,
    pub eresult_den: i64,
    pub eresult_num: i64,
    pub digitised_den: i64,
    pub digitised_num: i64,
    pub reuse_den: i64,
    pub reuse_num: i64,
    pub store_den: i64,
    pub store_num: i64,
    pub register_den: i64,
    pub register_num: i64,
    pub prefill_fields: i64,
    pub prefilled: i64,
    /// 1.4: dossiers synchronised to DVCQG.
    pub synchronised: i64,
    /// 2.2: dossiers with a processing time, and its sum in seconds.
    pub processed: i64,
    pub processing_secs: i64,
}

/// Which dossiers a report covers: submitted on the days `[from, until)` (Vietnam's dates),
/// of some agencies or all, of one procedure or all; unfinished ones are judged at `judged_at`.
#[derive(Debug, Clone, Copy)]
pub struct Scope<'a> {
    /// The agencies covered; `None`: all.
    pub agency_ids: Option<&'a [String]>,
    pub procedure_code: Option<&'a str>,
    pub from: NaiveDate,
    pub until: NaiveDate,
    pub judged_at: DateTime<Utc>,
}

/// The sums per agency × procedure (ordered by agency then procedure), and the totals.
pub struct Report {
    pub rows: Vec<Sums>,
    pub totals: Sums,
}

/// What a dossier's documents and results say for the indicators, in one query.
#[derive(Debug, Clone, Default)]
pub struct DocumentFacts {
    pub documents: i64,
    pub paper_only: i64,
    pub reused: bool,
    pub from_store: bool,
    pub result_published: bool,
}

impl DocumentFacts {
    /// The same facts from the documents already read (`DocumentRecords::dossier_documents`).
    pub fn of(documents: &[super::documents::DossierDocument], result_published: bool) -> Self {
        DocumentFacts {
            documents: i64::try_from(documents.len()).unwrap_or(i64::MAX),
            paper_only: i64::try_from(documents.iter().filter(|d| !d.digitised).count())
                .unwrap_or(i64::MAX),
            reused: documents.iter().any(|d| d.reused),
            from_store: documents.iter().any(|d| d.from_store),
            result_published,
        }
    }
}

/// What one official did in a period, for the dossiers of a scope: the year-end
/// evaluation's figures per official.
#[derive(Debug, Clone, Default)]
pub struct OfficialSums {
    /// The staff member's login name, as the dossiers' history records it.
    pub official: String,
    pub agency_id: String,
    /// Workflow actions taken in the period.
    pub actions: i64,
    /// Dossiers acted on; of those, finished (handled), finished on time and late (2.1's
    /// rule: after the return date, or more than one supplement request).
    pub dossiers: i64,
    pub finished: i64,
    pub on_time: i64,
    pub late: i64,
}

#[async_trait]
pub trait FactRecords {
    /// Per official of the scope's agencies: their actions in the period and how the
    /// dossiers they acted on ended.
    async fn official_sums(&mut self, scope: Scope<'_>) -> Result<Vec<OfficialSums>, StoreError>;
    /// Writes a dossier's facts, replacing the earlier ones.
    async fn upsert_fact(&mut self, fact: &Fact<'_>) -> Result<(), StoreError>;
    /// Writes many dossiers' facts at once (a rebuild), replacing the earlier ones.
    async fn copy_in_facts(&mut self, facts: &[Fact<'_>]) -> Result<(), StoreError>;
    async fn sums(&mut self, scope: Scope<'_>) -> Result<Report, StoreError>;
    /// Folds the recent changes into the facts' summary; answers how many it moved.
    async fn compact_facts(&mut self) -> Result<i64, StoreError>;
    async fn document_facts(&mut self, dossier_id: Uuid) -> Result<DocumentFacts, StoreError>;
}
