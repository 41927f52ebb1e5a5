//! Who may see and act on a dossier. One place decides, for every read, edit and action;
//! lists and counts apply the same rules in SQL (a citizen's own dossiers; an agency's).

use motcua_auth::Principal;
use motcua_core::procedure::workflow::{self, Actor, Facts};
use motcua_core::procedure::{Needs, Procedure, Role};
use motcua_store::dossiers::{Dossier, DRAFT};

/// The workflow role a citizen acts in.
pub const CITIZEN_ROLE: &str = "citizen";

/// Engine actions outside the procedure's state machine.
pub const SUBMIT: &str = "submit";
pub const WITHDRAW: &str = "withdraw";
/// Xin lỗi và hẹn lại (Mẫu 04): once per dossier, while the clock runs.
pub const APOLOGISE: &str = "apologise";

/// A citizen sees their own dossiers; staff see the dossiers of their agency (submitted
/// ones, and the counter drafts their desk took).
pub fn may_see(principal: &Principal, dossier: &Dossier) -> bool {
    match principal {
        Principal::Citizen { pin, .. } => dossier.citizen_pin == *pin,
        Principal::Staff { agency, .. } => dossier.agency_id.as_deref() == Some(agency.as_str()),
    }
}

fn is_counter_draft(dossier: &Dossier) -> bool {
    dossier.state == DRAFT && dossier.channel == "counter"
}

pub fn holds(principal: &Principal, role: Role) -> bool {
    match principal {
        Principal::Citizen { .. } => role == Role::Citizen,
        Principal::Staff { roles, .. } => roles.iter().any(|r| r == role.as_str()),
    }
}

/// Whether the principal may change the dossier's data and documents now: the citizen
/// their draft or while they owe a supplement; the desk its counter drafts; staff of the
/// agency the scans and results of an open dossier.
pub fn may_edit(principal: &Principal, dossier: &Dossier, procedure: &Procedure) -> bool {
    if !may_see(principal, dossier) || dossier.closed_at.is_some() {
        return false;
    }
    match principal {
        Principal::Citizen { .. } => {
            dossier.state == DRAFT
                || procedure
                    .state(&dossier.state)
                    .is_some_and(|s| s.worked_by == Some(Role::Citizen))
        }
        Principal::Staff { .. } => {
            if dossier.state == DRAFT {
                is_counter_draft(dossier) && holds(principal, Role::DeskClerk)
            } else {
                works_current_step(principal, dossier, procedure)
            }
        }
    }
}

/// Staff who hold the role that works the dossier's current step and do not find it
/// claimed by someone else: they scan papers and record what came at the counter.
fn works_current_step(principal: &Principal, dossier: &Dossier, procedure: &Procedure) -> bool {
    procedure
        .state(&dossier.state)
        .and_then(|s| s.worked_by)
        .is_some_and(|role| role != Role::Citizen && holds(principal, role))
        && not_held_by_another(principal, dossier)
}

fn not_held_by_another(principal: &Principal, dossier: &Dossier) -> bool {
    dossier
        .assigned_to
        .as_deref()
        .is_none_or(|a| a == principal.subject())
}

/// Whether the principal may attach the electronic result now: staff who may take the
/// action that issues it, in the state it is issued from.
pub fn may_attach_result(principal: &Principal, dossier: &Dossier, procedure: &Procedure) -> bool {
    let issues_here = procedure.actions_from(&dossier.state).any(|action| {
        action.needs(Needs::ResultDocument)
            && action.roles.iter().any(|role| holds(principal, *role))
    });
    matches!(principal, Principal::Staff { .. })
        && may_see(principal, dossier)
        && dossier.closed_at.is_none()
        && issues_here
        && not_held_by_another(principal, dossier)
}

/// Whether the principal may submit this draft: its citizen, or the desk for a counter draft.
pub fn may_submit(principal: &Principal, dossier: &Dossier) -> bool {
    dossier.state == DRAFT
        && may_see(principal, dossier)
        && match principal {
            Principal::Citizen { .. } => true,
            Principal::Staff { .. } => {
                is_counter_draft(dossier) && holds(principal, Role::DeskClerk)
            }
        }
}

/// The workflow roles the principal holds on this dossier.
fn roles_on<'a>(principal: &'a Principal, dossier: &Dossier) -> Vec<&'a str> {
    if !may_see(principal, dossier) {
        return Vec::new();
    }
    match principal {
        Principal::Citizen { .. } => vec![CITIZEN_ROLE],
        Principal::Staff { roles, .. } => roles.iter().map(String::as_str).collect(),
    }
}

/// The facts of the dossier the workflow decides on.
pub fn facts(dossier: &Dossier, has_result_document: bool) -> Facts<'_> {
    Facts {
        state: &dossier.state,
        assigned_to: dossier.assigned_to.as_deref(),
        has_result_document,
    }
}

/// Runs `f` with the principal as a workflow actor on this dossier.
pub fn with_actor<T>(
    principal: &Principal,
    dossier: &Dossier,
    f: impl FnOnce(&Actor<'_>) -> T,
) -> T {
    let roles = roles_on(principal, dossier);
    f(&Actor {
        subject: principal.subject(),
        roles: &roles,
        is_staff: matches!(principal, Principal::Staff { .. }),
    })
}

/// Whether the principal is who apologises for this dossier: staff who may act on it in
/// its current step (the role that works it, or an approver) and do not find it held by
/// someone else.
pub fn apologises_for(principal: &Principal, dossier: &Dossier, procedure: &Procedure) -> bool {
    let works_it = procedure
        .state(&dossier.state)
        .and_then(|s| s.worked_by)
        .is_some_and(|role| holds(principal, role))
        || holds(principal, Role::Approver);
    works_it
        && not_held_by_another(principal, dossier)
        && may_see(principal, dossier)
        && matches!(principal, Principal::Staff { .. })
}

/// Whether `apologise` is offered now: the clock runs and no apology was issued yet.
fn may_apologise(principal: &Principal, dossier: &Dossier, procedure: &Procedure) -> bool {
    let running = dossier.clock.clock_started_at.is_some()
        && dossier.clock.clock_paused_at.is_none()
        && dossier.closed_at.is_none();
    running && dossier.clock.apologies == 0 && apologises_for(principal, dossier, procedure)
}

/// The actions the principal may take now, by name, for `allowed_actions`.
pub fn allowed_actions(
    principal: &Principal,
    dossier: &Dossier,
    procedure: &Procedure,
) -> Vec<String> {
    if dossier.state == DRAFT {
        return if may_submit(principal, dossier) {
            let mut actions = vec![SUBMIT.to_owned()];
            if matches!(principal, Principal::Citizen { .. }) {
                actions.push(WITHDRAW.to_owned());
            }
            actions
        } else {
            Vec::new()
        };
    }
    // Whether a result is attached does not change which actions are listed: issuing
    // without one is refused with its own problem.
    let mut actions = with_actor(principal, dossier, |actor| {
        workflow::allowed_actions(procedure, &facts(dossier, true), actor)
    });
    if may_apologise(principal, dossier, procedure) {
        actions.push(APOLOGISE.to_owned());
    }
    actions
}
