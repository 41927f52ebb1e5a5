//! Who may see and act on a dossier. One place decides, for every read, edit and action;
//! lists and counts apply the same rules in SQL (a citizen's own dossiers; an agency's).

use crate::dossier::Dossier;
use crate::principal::Principal;
use crate::procedure::workflow::{self, Actor, Facts};
use crate::procedure::{Needs, Procedure, Role};

/// Engine actions outside the procedure's state machine.
pub const SUBMIT: &str = "submit";
pub const WITHDRAW: &str = "withdraw";
/// Xin lỗi và hẹn lại (Mẫu 04): once per dossier, while the clock runs.
pub const APOLOGISE: &str = "apologise";

/// A citizen sees their own dossiers; staff see the dossiers of their agency (submitted
/// ones, and the counter drafts their desk took).
pub fn may_see(principal: &Principal, dossier: &Dossier) -> bool {
    match principal {
        Principal::Citizen { pin, .. } => dossier.citizen_pin == pin.as_str(),
        Principal::Staff { agency, .. } => dossier.agency_id.as_deref() == Some(agency.as_str()),
    }
}

/// Whether the principal may change the dossier's data and documents now: the citizen
/// their draft or while they owe a supplement; the desk its counter drafts; staff of the
/// agency the scans and results of an open dossier.
pub fn may_edit(principal: &Principal, dossier: &Dossier, procedure: &Procedure) -> bool {
    if !may_see(principal, dossier) || dossier.is_closed() {
        return false;
    }
    match principal {
        Principal::Citizen { .. } => {
            dossier.is_draft()
                || procedure
                    .state(&dossier.state)
                    .is_some_and(|s| s.worked_by == Some(Role::Citizen))
        }
        Principal::Staff { .. } => {
            if dossier.is_draft() {
                dossier.is_counter_draft() && principal.holds(Role::DeskClerk)
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
        .is_some_and(|role| role != Role::Citizen && principal.holds(role))
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
        action.needs(Needs::ResultDocument) && action.roles.iter().any(|r| principal.holds(*r))
    });
    principal.is_staff()
        && may_see(principal, dossier)
        && !dossier.is_closed()
        && issues_here
        && not_held_by_another(principal, dossier)
}

/// Whether the principal may submit this draft: its citizen, or the desk for a counter draft.
pub fn may_submit(principal: &Principal, dossier: &Dossier) -> bool {
    dossier.is_draft()
        && may_see(principal, dossier)
        && match principal {
            Principal::Citizen { .. } => true,
            Principal::Staff { .. } => {
                dossier.is_counter_draft() && principal.holds(Role::DeskClerk)
            }
        }
}

/// The workflow roles the principal holds on this dossier.
fn roles_on<'a>(principal: &'a Principal, dossier: &Dossier) -> &'a [Role] {
    if !may_see(principal, dossier) {
        return &[];
    }
    match principal {
        Principal::Citizen { .. } => &[Role::Citizen],
        Principal::Staff { roles, .. } => roles,
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

/// The principal as a workflow actor on this dossier.
pub fn actor<'a>(principal: &'a Principal, dossier: &Dossier) -> Actor<'a> {
    Actor {
        subject: principal.subject(),
        roles: roles_on(principal, dossier),
        is_staff: principal.is_staff(),
    }
}

/// Whether the principal is who apologises for this dossier: staff who may act on it in
/// its current step (the role that works it, or an approver) and do not find it held by
/// someone else.
pub fn apologises_for(principal: &Principal, dossier: &Dossier, procedure: &Procedure) -> bool {
    let works_it = procedure
        .state(&dossier.state)
        .and_then(|s| s.worked_by)
        .is_some_and(|role| principal.holds(role))
        || principal.holds(Role::Approver);
    works_it
        && not_held_by_another(principal, dossier)
        && may_see(principal, dossier)
        && principal.is_staff()
}

/// Whether `apologise` is offered now: the clock runs and no apology was issued yet.
fn may_apologise(principal: &Principal, dossier: &Dossier, procedure: &Procedure) -> bool {
    dossier.clock_runs()
        && dossier.clock.apologies == 0
        && apologises_for(principal, dossier, procedure)
}

/// The actions the principal may take now, by name, for `allowed_actions`.
pub fn allowed_actions(
    principal: &Principal,
    dossier: &Dossier,
    procedure: &Procedure,
) -> Vec<String> {
    if dossier.is_draft() {
        return if may_submit(principal, dossier) {
            let mut actions = vec![SUBMIT.to_owned()];
            if !principal.is_staff() {
                actions.push(WITHDRAW.to_owned());
            }
            actions
        } else {
            Vec::new()
        };
    }
    // Whether a result is attached does not change which actions are listed: issuing
    // without one is refused with its own problem.
    let mut actions =
        workflow::allowed_actions(procedure, &facts(dossier, true), &actor(principal, dossier));
    if may_apologise(principal, dossier, procedure) {
        actions.push(APOLOGISE.to_owned());
    }
    actions
}

#[cfg(test)]
mod tests;
