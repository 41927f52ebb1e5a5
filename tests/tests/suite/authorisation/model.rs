//! What the rules allow, written from the procedure files and the access rules of
//! docs/ARCHITECTURE.md ("HTTP conventions"), independently of the engine's access layer:
//! who sees a dossier, who may edit it, which workflow actions a principal may take from
//! which state, and the status each endpoint must answer.

use motcua_core::procedure::{Needs, Procedure, Role};
use std::sync::Arc;

/// Who calls.
#[derive(Debug, Clone)]
pub enum Kind {
    /// No token at all, or one the engine did not issue.
    Anonymous,
    Citizen {
        pin: String,
    },
    Staff {
        agency: String,
        roles: Vec<String>,
    },
}

#[derive(Debug, Clone)]
pub struct Who {
    /// The username (a citizen's number, a staff member's login).
    pub name: String,
    pub kind: Kind,
}

impl Who {
    pub fn holds(&self, role: Role) -> bool {
        match &self.kind {
            Kind::Anonymous => false,
            Kind::Citizen { .. } => role == Role::Citizen,
            Kind::Staff { roles, .. } => roles.iter().any(|r| r == role.as_str()),
        }
    }

    pub fn is_staff(&self) -> bool {
        matches!(self.kind, Kind::Staff { .. })
    }

    pub fn is_citizen(&self) -> bool {
        matches!(self.kind, Kind::Citizen { .. })
    }

    pub fn agency(&self) -> Option<&str> {
        match &self.kind {
            Kind::Staff { agency, .. } => Some(agency),
            _ => None,
        }
    }
}

/// A dossier of the matrix and what the test knows of it.
#[derive(Debug, Clone)]
pub struct Case {
    /// How it was made, for messages and to make a fresh one alike.
    pub label: String,
    pub id: String,
    pub procedure: Arc<Procedure>,
    pub owner: String,
    /// Set once submitted, or from the start for a counter draft.
    pub agency: Option<String>,
    pub state: String,
    pub counter: bool,
    pub assigned_to: Option<String>,
    pub clock_started: bool,
    pub clock_paused: bool,
    /// Workflow actions taken, in order.
    pub taken: Vec<String>,
    /// The requirement whose document the matrix uploads, deletes and downloads.
    pub requirement: String,
    pub document: Option<String>,
    /// An electronic result attached, and whether it was issued to the citizen.
    pub result: Option<String>,
    pub result_issued: bool,
    pub receipt: bool,
}

pub const DRAFT: &str = "draft";

impl Case {
    pub fn is_draft(&self) -> bool {
        self.state == DRAFT
    }

    pub fn closed(&self) -> bool {
        self.procedure.is_final(&self.state)
    }

    pub fn clock_running(&self) -> bool {
        self.clock_started && !self.clock_paused && !self.closed()
    }

    fn worked_by(&self) -> Option<Role> {
        self.procedure.state(&self.state).and_then(|s| s.worked_by)
    }
}

/// The outcome a call must have: `Ok` is any 2xx; a code, when given, is the problem's.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Expect {
    Ok,
    Status(u16, Option<&'static str>),
    /// An apology by who may give one: taken, or refused for its date (never 403/404).
    OkOrApologyRefused,
}

/// Desk clerks of SGDDT-HN outside the matrix (the simulator's pool), logged in so that the
/// engine knows them: dossiers are handed to them, and held by them.
pub const OUTSIDE_CLERKS: [&str; 2] = ["motcua.tiepnhan.01", "motcua.tiepnhan.02"];
/// Whom `Endpoint::Assign` hands a dossier to: one of [`OUTSIDE_CLERKS`].
pub const ASSIGNEE: &str = OUTSIDE_CLERKS[1];
const ASSIGNEE_AGENCY: &str = "SGDDT-HN";
const ASSIGNEE_ROLE: Role = Role::DeskClerk;

pub const UNAUTHENTICATED: Expect = Expect::Status(401, None);
pub const NOT_FOUND: Expect = Expect::Status(404, Some("dossier_not_found"));

impl Expect {
    pub fn may_succeed(self) -> bool {
        matches!(self, Expect::Ok | Expect::OkOrApologyRefused)
    }

    pub fn accepts(self, status: u16, code: Option<&str>) -> bool {
        match self {
            Expect::Ok => (200..300).contains(&status),
            Expect::Status(s, c) => s == status && c.is_none_or(|c| Some(c) == code),
            Expect::OkOrApologyRefused => {
                status == 200 || (status == 409 && code == Some("apology_refused"))
            }
        }
    }
}

fn conflict(code: &'static str) -> Expect {
    Expect::Status(409, Some(code))
}

fn forbidden(code: &'static str) -> Expect {
    Expect::Status(403, Some(code))
}

/// docs/ARCHITECTURE.md: a dossier goes only to a known member of its agency who holds the
/// role working its current state (issue 25); [`ASSIGNEE`] is a known desk clerk of SGDDT-HN.
fn assign_to_assignee(case: &Case) -> Expect {
    if case.agency.as_deref() != Some(ASSIGNEE_AGENCY) {
        Expect::Status(422, Some("not_in_agency"))
    } else if case.worked_by() != Some(ASSIGNEE_ROLE) {
        Expect::Status(422, Some("no_role_for_state"))
    } else {
        Expect::Ok
    }
}

pub fn visible(who: &Who, case: &Case) -> bool {
    match &who.kind {
        Kind::Anonymous => false,
        Kind::Citizen { pin } => *pin == case.owner,
        Kind::Staff { agency, .. } => case.agency.as_deref() == Some(agency.as_str()),
    }
}

fn held_by_another(who: &Who, case: &Case) -> bool {
    who.is_staff() && case.assigned_to.as_ref().is_some_and(|a| *a != who.name)
}

/// docs/ARCHITECTURE.md: the citizen edits a draft, or while a supplement is owed; the desk
/// its counter drafts; staff scan papers into an open dossier whose current step they work.
pub fn may_edit(who: &Who, case: &Case) -> bool {
    if !visible(who, case) || case.closed() {
        return false;
    }
    match &who.kind {
        Kind::Anonymous => false,
        Kind::Citizen { .. } => case.is_draft() || case.worked_by() == Some(Role::Citizen),
        Kind::Staff { .. } if case.is_draft() => case.counter && who.holds(Role::DeskClerk),
        Kind::Staff { .. } => {
            case.worked_by()
                .is_some_and(|r| r != Role::Citizen && who.holds(r))
                && !held_by_another(who, case)
        }
    }
}

fn may_submit(who: &Who, case: &Case) -> bool {
    case.is_draft()
        && visible(who, case)
        && (who.is_citizen() || case.counter && who.holds(Role::DeskClerk))
}

/// Who answers for a delay: staff who work the current step, or an approver.
fn apologises(who: &Who, case: &Case) -> bool {
    who.is_staff()
        && (case.worked_by().is_some_and(|r| who.holds(r)) || who.holds(Role::Approver))
        && !held_by_another(who, case)
}

/// `allowed_actions` of the dossier as this principal must see it.
pub fn allowed_actions(who: &Who, case: &Case) -> Vec<String> {
    let mut allowed = Vec::new();
    if case.is_draft() {
        if may_submit(who, case) {
            allowed.push("submit".to_owned());
            if who.is_citizen() {
                allowed.push("withdraw".to_owned());
            }
        }
    } else if !held_by_another(who, case) {
        allowed.extend(
            case.procedure
                .actions_from(&case.state)
                .filter(|a| a.roles.iter().any(|r| who.holds(*r)))
                .map(|a| a.name.clone()),
        );
        if case.clock_running() && apologises(who, case) {
            allowed.push("apologise".to_owned());
        }
    }
    allowed.sort();
    allowed
}

/// `POST /v1/dossiers/{id}/actions/{name}`, with reasons, items and a new date given.
pub fn action(who: &Who, case: &Case, name: &str) -> Expect {
    if matches!(who.kind, Kind::Anonymous) {
        return UNAUTHENTICATED;
    }
    if !visible(who, case) {
        return NOT_FOUND;
    }
    if case.is_draft() {
        return if name == "withdraw" && who.is_citizen() {
            Expect::Ok
        } else {
            conflict("action_not_allowed")
        };
    }
    if name == "apologise" {
        return if who.is_citizen() {
            forbidden("role_not_allowed")
        } else if !case.clock_running() {
            conflict("apology_refused")
        } else if !apologises(who, case) {
            forbidden("role_not_allowed")
        } else {
            Expect::OkOrApologyRefused
        };
    }
    let Some(action) = case.procedure.action_from(&case.state, name) else {
        return conflict("action_not_allowed");
    };
    if !action.roles.iter().any(|r| who.holds(*r)) {
        forbidden("role_not_allowed")
    } else if held_by_another(who, case) {
        conflict("assigned_to_another")
    } else if action.once && case.taken.iter().any(|t| t == name) {
        conflict("action_already_taken")
    } else if action.needs(Needs::ResultDocument) && case.result.is_none() {
        Expect::Status(422, Some("result_document_missing"))
    } else {
        Expect::Ok
    }
}

/// The endpoints of one dossier, beside its workflow actions.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Endpoint {
    Get,
    Events,
    Slips,
    Receipt,
    Patch,
    Submit,
    Upload,
    Reuse,
    Delete,
    AttachResult,
    Download,
    DownloadResult,
    Prefill,
    Release,
    Assign,
}

impl Endpoint {
    pub const ALL: [Endpoint; 15] = [
        Endpoint::Get,
        Endpoint::Events,
        Endpoint::Slips,
        Endpoint::Receipt,
        Endpoint::Patch,
        Endpoint::Submit,
        Endpoint::Upload,
        Endpoint::Reuse,
        Endpoint::Delete,
        Endpoint::AttachResult,
        Endpoint::Download,
        Endpoint::DownloadResult,
        Endpoint::Prefill,
        Endpoint::Release,
        Endpoint::Assign,
    ];

    pub fn reads(self) -> bool {
        matches!(
            self,
            Endpoint::Get
                | Endpoint::Events
                | Endpoint::Slips
                | Endpoint::Receipt
                | Endpoint::Download
                | Endpoint::DownloadResult
        )
    }
}

fn if_visible(who: &Who, case: &Case, then: impl FnOnce() -> Expect) -> Expect {
    if visible(who, case) {
        then()
    } else {
        NOT_FOUND
    }
}

fn editable_or(who: &Who, case: &Case, then: Expect) -> Expect {
    if may_edit(who, case) {
        then
    } else {
        conflict("dossier_not_editable")
    }
}

/// What `endpoint` must answer `who` for this dossier; `None` when it does not apply (no
/// such document to download).
pub fn expect(who: &Who, case: &Case, endpoint: Endpoint) -> Option<Expect> {
    if matches!(who.kind, Kind::Anonymous) {
        return Some(UNAUTHENTICATED);
    }
    let staff = who.is_staff();
    Some(match endpoint {
        Endpoint::Get | Endpoint::Events | Endpoint::Slips => if_visible(who, case, || Expect::Ok),
        Endpoint::Receipt => if_visible(who, case, || {
            if case.receipt {
                Expect::Ok
            } else {
                Expect::Status(404, Some("slip_not_issued"))
            }
        }),
        // Staff change data only in the counter drafts they fill in for the citizen.
        Endpoint::Patch => if_visible(who, case, || {
            let editable = may_edit(who, case) && (case.is_draft() || who.is_citizen());
            if editable {
                Expect::Ok
            } else {
                conflict("dossier_not_editable")
            }
        }),
        Endpoint::Submit => if_visible(who, case, || {
            if !case.is_draft() {
                conflict("already_submitted")
            } else if may_submit(who, case) {
                Expect::Ok
            } else {
                forbidden("role_not_allowed")
            }
        }),
        Endpoint::Upload | Endpoint::Reuse => {
            if_visible(who, case, || editable_or(who, case, Expect::Ok))
        }
        Endpoint::Delete => if_visible(who, case, || {
            let there = if case.document.is_some() {
                Expect::Ok
            } else {
                Expect::Status(404, Some("document_not_found"))
            };
            editable_or(who, case, there)
        }),
        Endpoint::AttachResult if !staff => forbidden("staff_only"),
        Endpoint::AttachResult => if_visible(who, case, || {
            let issues_here = case
                .procedure
                .actions_from(&case.state)
                .any(|a| a.needs(Needs::ResultDocument) && a.roles.iter().any(|r| who.holds(*r)));
            if issues_here && !case.closed() && !held_by_another(who, case) {
                Expect::Ok
            } else {
                conflict("result_not_expected")
            }
        }),
        Endpoint::Download => {
            case.document.as_ref()?;
            download(who, case, true)
        }
        // The result is the citizen's once it was issued to them.
        Endpoint::DownloadResult => {
            case.result.as_ref()?;
            download(who, case, case.result_issued)
        }
        Endpoint::Prefill if staff => if_visible(who, case, || forbidden("citizens_only")),
        Endpoint::Prefill => if_visible(who, case, || {
            if case.is_draft() {
                Expect::Ok
            } else {
                conflict("dossier_not_editable")
            }
        }),
        Endpoint::Release | Endpoint::Assign if !staff => forbidden("staff_only"),
        Endpoint::Release | Endpoint::Assign => if_visible(who, case, || {
            let supervisor = who.holds(Role::Supervisor);
            if case.closed() {
                conflict("dossier_closed")
            } else if case.is_draft() {
                // A draft is in no queue: there is nothing to hand over.
                conflict("not_in_queue")
            } else if supervisor && endpoint == Endpoint::Assign {
                assign_to_assignee(case)
            } else if supervisor {
                Expect::Ok
            } else if endpoint == Endpoint::Assign {
                forbidden("role_not_allowed")
            } else if case.assigned_to.as_deref() == Some(who.name.as_str()) {
                Expect::Ok
            } else if case.assigned_to.is_none() {
                conflict("not_claimed")
            } else {
                conflict("assigned_to_another")
            }
        }),
    })
}

/// A document's bytes: its owner, and staff of an agency whose dossier holds it.
fn download(who: &Who, case: &Case, owner_may: bool) -> Expect {
    let found = match &who.kind {
        Kind::Citizen { pin } => owner_may && *pin == case.owner,
        _ => visible(who, case),
    };
    if found {
        Expect::Ok
    } else {
        Expect::Status(404, Some("document_not_found"))
    }
}
