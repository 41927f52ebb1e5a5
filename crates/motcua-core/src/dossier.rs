//! The dossier (hồ sơ) as the rules see it: who filed it, for which procedure, through which
//! channel, where it stands in the workflow and what its legal clock has recorded. The store
//! reads and writes it; the access rules and the transitions decide on it.

use chrono::{DateTime, Utc};
use serde::Serialize;
use serde_json::Value;
use uuid::Uuid;

/// The state a dossier is in before it enters its procedure's workflow. Every other state is
/// named by the procedure's own state machine.
pub const DRAFT: &str = "draft";

/// How a dossier came in (kênh tiếp nhận).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Channel {
    /// Filed by the citizen over the internet (the portal or the API).
    Online,
    /// Taken at the one-stop desk (bộ phận một cửa) by a clerk.
    Counter,
    /// Sent by post (dịch vụ bưu chính công ích).
    Post,
}

impl Channel {
    pub fn as_str(self) -> &'static str {
        match self {
            Channel::Online => "online",
            Channel::Counter => "counter",
            Channel::Post => "post",
        }
    }

    /// The channel named `name`, as the store and the procedure files write it.
    pub fn from_name(name: &str) -> Option<Channel> {
        match name {
            "online" => Some(Channel::Online),
            "counter" => Some(Channel::Counter),
            "post" => Some(Channel::Post),
            _ => None,
        }
    }
}

/// What a stored document is: where it came from decides who may reuse or erase it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum DocumentKind {
    /// Uploaded by the citizen.
    Upload,
    /// Scanned by a clerk from the papers handed in at the counter.
    ClerkScan,
    /// An electronic result the agency issued (kết quả điện tử).
    Result,
    /// The electronic receipt (biên lai) of a fee paid online, from the payment platform.
    Receipt,
}

impl DocumentKind {
    pub fn as_str(self) -> &'static str {
        match self {
            DocumentKind::Upload => "upload",
            DocumentKind::ClerkScan => "clerk_scan",
            DocumentKind::Result => "result",
            DocumentKind::Receipt => "receipt",
        }
    }

    pub fn from_name(name: &str) -> Option<DocumentKind> {
        match name {
            "upload" => Some(DocumentKind::Upload),
            "clerk_scan" => Some(DocumentKind::ClerkScan),
            "result" => Some(DocumentKind::Result),
            "receipt" => Some(DocumentKind::Receipt),
            _ => None,
        }
    }
}

/// A stored kind the engine does not know: the database holds what no version wrote.
#[derive(Debug, thiserror::Error)]
#[error("a document has a kind the engine does not know: {0:?}")]
pub struct UnknownDocumentKind(pub String);

/// As the store reads it.
impl TryFrom<String> for DocumentKind {
    type Error = UnknownDocumentKind;

    fn try_from(name: String) -> Result<Self, Self::Error> {
        DocumentKind::from_name(&name).ok_or(UnknownDocumentKind(name))
    }
}

#[derive(Debug, Clone)]
pub struct Dossier {
    pub id: Uuid,
    pub procedure_code: String,
    pub procedure_version: i32,
    /// The citizen it is filed for (their số định danh cá nhân), as stored; empty once
    /// retention has anonymised it.
    pub citizen_pin: String,
    /// The agency that receives it: set at submission (or when a counter desk takes it).
    pub agency_id: Option<String>,
    pub channel: Channel,
    /// [`DRAFT`], or a state of the procedure's workflow.
    pub state: String,
    pub data: Value,
    /// Where each prefilled field came from (the register, and when).
    pub prefill: Value,
    /// The dossier code (mã hồ sơ), given at submission.
    pub code: Option<String>,
    pub submitted_at: Option<DateTime<Utc>>,
    /// By when the desk must acknowledge it (receive, refuse or ask for a supplement).
    pub ack_due_at: Option<DateTime<Utc>>,
    pub closed_at: Option<DateTime<Utc>>,
    /// What the clerk must look at (`register_correction`, `register_under_review`, …).
    pub flags: Vec<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// The staff member working it now (a claim), and since when.
    pub assigned_to: Option<String>,
    pub assigned_at: Option<DateTime<Utc>>,
    pub clock: ClockFacts,
    /// The desk clerk who took a counter dossier.
    pub taken_by: Option<String>,
    /// When retention took the citizen's identity, the form and the files handed in.
    pub anonymised_at: Option<DateTime<Utc>>,
    /// The national portal's (DVCQG) code of a dossier filed there and pushed to the
    /// engine; `None` for a dossier filed with the engine.
    pub national_code: Option<String>,
}

impl Dossier {
    pub fn is_draft(&self) -> bool {
        self.state == DRAFT
    }

    /// A draft a desk clerk opened for a citizen at the counter.
    pub fn is_counter_draft(&self) -> bool {
        self.is_draft() && self.channel == Channel::Counter
    }

    pub fn is_closed(&self) -> bool {
        self.closed_at.is_some()
    }

    /// The legal clock runs: started, not paused for a supplement, not closed.
    pub fn clock_runs(&self) -> bool {
        self.clock.clock_started_at.is_some()
            && self.clock.clock_paused_at.is_none()
            && !self.is_closed()
    }
}

/// The recorded instants the legal clock is computed from (`crate::legal_clock`).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ClockFacts {
    /// When the desk received it (tiếp nhận): the receipt's date.
    pub received_at: Option<DateTime<Utc>>,
    /// When the legal time limit began to count (the next working moment after reception).
    pub clock_started_at: Option<DateTime<Utc>>,
    /// When a supplement was asked for: the clock stands still until it comes.
    pub clock_paused_at: Option<DateTime<Utc>>,
    /// When the dossier entered its current state, and by when that step must be done.
    pub state_entered_at: Option<DateTime<Utc>>,
    pub step_due_at: Option<DateTime<Utc>>,
    /// The return date (ngày hẹn trả), and the one first promised (before an apology).
    pub due_at: Option<DateTime<Utc>>,
    pub original_due_at: Option<DateTime<Utc>>,
    pub supplement_requests: i32,
    pub apologies: i32,
}
