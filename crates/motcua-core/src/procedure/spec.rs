//! The typed shape of a procedure file (`procedures/procedure.schema.json` is its reference).

use chrono::{DateTime, Days, FixedOffset, Months, Utc};
use serde::Deserialize;
use serde_json::Value;
use std::collections::BTreeMap;

/// The roles that act in workflows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Công dân.
    Citizen,
    /// Cán bộ một cửa: receives, refuses, asks for supplements, returns results.
    DeskClerk,
    /// Chuyên viên: processes.
    Specialist,
    /// Lãnh đạo: approves.
    Approver,
    /// Watches figures and queues.
    Supervisor,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Citizen => "citizen",
            Role::DeskClerk => "desk_clerk",
            Role::Specialist => "specialist",
            Role::Approver => "approver",
            Role::Supervisor => "supervisor",
        }
    }

    /// The role named `name`, as tokens and procedure files write it.
    pub fn from_name(name: &str) -> Option<Role> {
        [
            Role::Citizen,
            Role::DeskClerk,
            Role::Specialist,
            Role::Approver,
            Role::Supervisor,
        ]
        .into_iter()
        .find(|role| role.as_str() == name)
    }
}

#[derive(Debug, Clone, Deserialize)]
pub struct LocalizedName {
    pub vi: String,
    pub en: String,
}

#[derive(Debug, Clone, Deserialize)]
pub struct Agency {
    /// Electronic identifier, the first part of dossier codes.
    pub id: String,
    pub name: String,
}

#[derive(Debug, Clone, Deserialize)]
pub struct OpeningWindow {
    pub from: DateTime<FixedOffset>,
    pub until: DateTime<FixedOffset>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TimeUnit {
    WorkingHours,
    WorkingDays,
    Days,
    Months,
}

#[derive(Debug, Clone, Deserialize)]
pub struct TimeLimit {
    pub amount: u32,
    pub unit: TimeUnit,
    pub cutoff: Option<String>,
    /// Extra time the law allows for complex cases, granted by an `extend_deadline` action.
    pub extension: Option<Extension>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct Extension {
    pub amount: u32,
    pub unit: TimeUnit,
    /// When the law allows it (NĐ 23/2015 Điều 7: many registers to search, a complex case).
    pub when: String,
}

impl TimeLimit {
    /// The unit as the procedure file writes it.
    pub fn unit_name(&self) -> &'static str {
        match self.unit {
            TimeUnit::WorkingHours => "working_hours",
            TimeUnit::WorkingDays => "working_days",
            TimeUnit::Days => "days",
            TimeUnit::Months => "months",
        }
    }
}

/// How long a finished dossier keeps the personal data in it, counted from when it closed
/// (returned, refused, withdrawn, stopped). Past it, `motcua retention run` anonymises the
/// dossier: the agency keeps its code, timeline and indicator facts, not who it was about.
#[derive(Debug, Clone, Deserialize)]
pub struct Retention {
    pub amount: u32,
    pub unit: RetentionUnit,
    /// The agency's retention schedule or the law the period comes from.
    pub basis: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RetentionUnit {
    Days,
    Months,
    Years,
}

impl Retention {
    /// Dossiers closed at or before this instant are past their retention at `now`; `None`
    /// when the period reaches before the calendar's start (nothing is that old).
    pub fn closed_by(&self, now: DateTime<Utc>) -> Option<DateTime<Utc>> {
        match self.unit {
            RetentionUnit::Days => now.checked_sub_days(Days::new(u64::from(self.amount))),
            RetentionUnit::Months => now.checked_sub_months(Months::new(self.amount)),
            RetentionUnit::Years => {
                now.checked_sub_months(Months::new(self.amount.checked_mul(12)?))
            }
        }
    }

    /// The unit as the procedure file writes it.
    pub fn unit_name(&self) -> &'static str {
        match self.unit {
            RetentionUnit::Days => "days",
            RetentionUnit::Months => "months",
            RetentionUnit::Years => "years",
        }
    }
}

#[derive(Debug, Clone, Deserialize)]
pub struct DocumentRequirement {
    pub key: String,
    pub name: String,
    /// Why it is asked for, in Vietnamese, as the citizen reads it before starting.
    /// `procedures check` requires it; versions recorded before it existed have none.
    pub purpose: Option<String>,
    pub required: bool,
    pub accept: Vec<String>,
    pub max_bytes: u64,
    pub must_digitise: bool,
    /// Asked only when the register cannot answer (the fallback the law allows).
    #[serde(default)]
    pub fallback: bool,
    /// Required only when this condition on the form holds (`language_exemption == true`).
    pub required_when: Option<String>,
    /// What can stand in for the paper: a register field, or a result of another procedure.
    pub replaced_by: Option<ReplacedBy>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReplacedBy {
    RegisterField(String),
    ProcedureResult(String),
}

#[derive(Debug, Clone, Deserialize)]
pub struct StateSpec {
    /// National portal status code 1–10.
    pub status: u8,
    pub worked_by: Option<Role>,
    #[serde(default, rename = "final")]
    pub is_final: bool,
    pub share: Option<f64>,
    pub limit: Option<StepLimit>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct StepLimit {
    pub working_hours: Option<u32>,
    pub working_days: Option<u32>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct Action {
    pub name: String,
    pub from: Vec<String>,
    pub to: String,
    pub roles: Vec<Role>,
    #[serde(default)]
    pub requires: Vec<Needs>,
    /// At most once per dossier (a supplement request, NĐ 118/2025).
    #[serde(default)]
    pub once: bool,
    #[serde(default)]
    pub effects: Vec<Effect>,
}

/// What an action cannot be taken without.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Needs {
    /// The reasons, in `comment` (refusals, send-backs, supplement requests).
    Comment,
    /// The list of what is missing, in `data.items` (a supplement request).
    Items,
    /// The dossier's electronic result, attached before the result is issued.
    ResultDocument,
}

/// What an action does besides moving the dossier.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Effect {
    /// Reception: the processing clock starts and the return date is set.
    StartClock,
    /// The citizen owes a supplement: the clock stops running.
    PauseClock,
    /// The supplement came: the clock runs again, the return date moves by the time owed.
    ResumeClock,
    /// The dossier is finished: its timeliness is final.
    StopClock,
    /// Slips of TT 03/2025 (Mẫu 01–05), issued when the action is taken.
    Receipt,
    SupplementSlip,
    RefusalSlip,
    ApologySlip,
    StopNotice,
    /// The electronic result goes into the citizen's document store.
    ResultToStore,
    /// The exam's registration slips (Phiếu ĐKDT số 1 and số 2) are rendered from the
    /// confirmed registration and become the dossier's results.
    RegistrationSlips,
    /// A complex case: the return date moves by the time limit's `extension`.
    ExtendDeadline,
}

impl Action {
    pub fn needs(&self, need: Needs) -> bool {
        self.requires.contains(&need)
    }

    pub fn has(&self, effect: Effect) -> bool {
        self.effects.contains(&effect)
    }
}

#[derive(Debug, Clone, Deserialize)]
pub struct Workflow {
    pub initial: String,
    pub states: BTreeMap<String, StateSpec>,
    pub actions: Vec<Action>,
}

/// A charge for the procedure (phí or lệ phí), in đồng.
#[derive(Debug, Clone, Deserialize)]
pub struct Fee {
    pub kind: FeeKind,
    pub amount_vnd: u64,
    /// Who is exempt, when it is paid, … in Vietnamese.
    pub note: Option<String>,
    /// Its name on the bill and the receipt (`TenPhiLePhi`), in Vietnamese.
    pub name: Option<String>,
    /// Its code in the fee catalogue (`MaPhiLePhi`), when it has one.
    pub code: Option<String>,
    /// When it is paid; a dossier with this fee unpaid does not move past that point.
    #[serde(default)]
    pub due: FeeDue,
    /// Who does not pay it: the first exemption whose condition holds on the form waives it.
    #[serde(default)]
    pub exemptions: Vec<Exemption>,
}

/// When a fee is paid (`crate::fees` says what waits for it).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Default, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum FeeDue {
    /// Before the dossier is submitted: the draft is not submitted until it is paid.
    BeforeSubmission,
    /// When the dossier is received: it is asked for at reception, and the dossier is not
    /// processed further until it is paid.
    #[default]
    AtReception,
    /// When the result is issued: the result is not handed over until it is paid.
    AtResult,
}

impl FeeDue {
    pub const ALL: [FeeDue; 3] = [
        FeeDue::BeforeSubmission,
        FeeDue::AtReception,
        FeeDue::AtResult,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            FeeDue::BeforeSubmission => "before_submission",
            FeeDue::AtReception => "at_reception",
            FeeDue::AtResult => "at_result",
        }
    }

    pub fn parse(text: &str) -> Option<FeeDue> {
        FeeDue::ALL.into_iter().find(|d| d.as_str() == text)
    }
}

/// A rule waiving a fee: a condition on the form (as a document's `required_when`) and the
/// reason shown on the bill, in Vietnamese (with the article of law that grants it).
#[derive(Debug, Clone, Deserialize)]
pub struct Exemption {
    pub when: String,
    pub reason: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FeeKind {
    /// Phí: pays for a service.
    Phi,
    /// Lệ phí: a charge set by the state for its administrative act.
    LePhi,
}

#[derive(Debug, Clone, Deserialize)]
pub struct ProcedureSpec {
    pub code: String,
    pub version: i32,
    pub name: LocalizedName,
    /// What the procedure is for, in Vietnamese, read before starting. `procedures check`
    /// requires it; versions recorded before it existed have none.
    pub summary: Option<String>,
    /// Who may apply, one line each, in Vietnamese (required like `summary`).
    #[serde(default)]
    pub who_may_apply: Vec<String>,
    /// Nothing to pay when empty.
    #[serde(default)]
    pub fees: Vec<Fee>,
    #[serde(default)]
    pub legal_basis: Vec<String>,
    pub agency_kind: String,
    pub agencies: Vec<Agency>,
    pub online_level: String,
    pub channels: Vec<String>,
    pub assurance_level: u8,
    pub open: Option<OpeningWindow>,
    pub time_limit: TimeLimit,
    pub retention: Retention,
    pub register_purpose: Option<String>,
    pub form: Value,
    /// Named rules of `crate::rules` the form must also satisfy at submission.
    #[serde(default)]
    pub rules: Vec<String>,
    /// Values derived from the register by named derivations, written into the form.
    #[serde(default)]
    pub derived: Vec<Derived>,
    pub documents: Vec<DocumentRequirement>,
    pub result: ResultSpec,
    pub workflow: Workflow,
}

/// A form field the engine computes from the register (`crate::rules::DERIVATIONS`).
#[derive(Debug, Clone, Deserialize)]
pub struct Derived {
    /// JSON pointer into the form, e.g. `/priority`.
    pub pointer: String,
    pub rule: String,
}

/// What the procedure gives the citizen in the end.
#[derive(Debug, Clone, Deserialize)]
pub struct ResultSpec {
    /// `document`, `decision` or `confirmation`.
    pub kind: String,
    pub name: String,
    /// A written result is issued (then an electronic one is due).
    pub written: bool,
    /// The procedure certifies copies from originals (chứng thực bản sao từ bản chính):
    /// its dossiers are the scorecard's certified electronic copies.
    #[serde(default)]
    pub certified_copy: bool,
    /// The result must carry the agency's digital signature (NĐ 45/2020: only a signed
    /// electronic result has legal value): the engine issues it as a PDF it signs, and
    /// refuses to issue one when it has no signing key, or an unsigned upload.
    #[serde(default)]
    pub must_be_signed: bool,
}
