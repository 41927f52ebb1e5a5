//! Who may see and act on a dossier (NĐ 118/2025: the one-stop desk receives, the
//! specialist processes, the leader approves; only the dossier's own citizen, and only the
//! staff of the agency it was filed with, see it), on the procedures the engine ships.

use super::*;
use crate::dossier::Channel;
use crate::fixtures::{citizen, dossier_in, shipped, shipped_one, staff, AGENCY, CITIZEN_PIN};
use crate::procedure::workflow::{decide, Refusal, Request};

const ROLES: [Role; 5] = [
    Role::Citizen,
    Role::DeskClerk,
    Role::Specialist,
    Role::Approver,
    Role::Supervisor,
];

fn someone_in(role: Role) -> Principal {
    match role {
        Role::Citizen => citizen(CITIZEN_PIN),
        other => staff("canbo1", AGENCY, &[other]),
    }
}

/// What the actor brings with any action: its reasons, its items, an attached result.
const EVERYTHING: Request<'static> = Request {
    comment: Some("Thiếu bản sao giấy khai sinh"),
    items: 1,
};

/// What the workflow decides when `principal` takes `action` on `dossier`, bringing
/// everything an action can need.
fn decided<'p>(
    procedure: &'p Procedure,
    dossier: &Dossier,
    principal: &Principal,
    action: &str,
) -> Result<&'p crate::procedure::Action, Refusal> {
    decide(
        procedure,
        &facts(dossier, true),
        &actor(principal, dossier),
        action,
        &EVERYTHING,
        0,
    )
}

/// Every action of every shipped procedure, from each state it is taken in, by someone in
/// each role: listed and allowed exactly for the roles the procedure names, refused as
/// `WrongRole` for the others.
#[test]
fn every_shipped_action_is_offered_and_allowed_to_its_roles_only() {
    let mut checked = 0;
    for procedure in shipped() {
        for action in &procedure.spec().workflow.actions {
            for from in &action.from {
                let dossier = dossier_in(&procedure, from);
                for role in ROLES {
                    let principal = someone_in(role);
                    let context = format!(
                        "{} {} from {from} by {role:?}",
                        procedure.code(),
                        action.name
                    );
                    let may = action.roles.contains(&role);
                    let listed = allowed_actions(&principal, &dossier, &procedure);
                    assert_eq!(listed.contains(&action.name), may, "{context}: {listed:?}");
                    let decided = decided(&procedure, &dossier, &principal, &action.name);
                    match decided {
                        Ok(a) => {
                            assert!(may, "{context}");
                            assert_eq!(a.name, action.name);
                        }
                        Err(refusal) => {
                            assert!(!may, "{context}: {refusal:?}");
                            assert_eq!(
                                refusal,
                                Refusal::WrongRole(action.name.clone()),
                                "{context}"
                            );
                        }
                    }
                    checked += 1;
                }
            }
        }
    }
    assert_eq!(checked, 68 * ROLES.len());
}

/// Nobody acts on a dossier they may not see: another citizen's, another agency's.
#[test]
fn outsiders_see_nothing_and_may_do_nothing() {
    for procedure in shipped() {
        for action in &procedure.spec().workflow.actions {
            for from in &action.from {
                let dossier = dossier_in(&procedure, from);
                let stranger = citizen("079203004567");
                let other_agency = staff("canbo2", "UBND-HCM-Q1", &action.roles);
                for outsider in [stranger, other_agency] {
                    assert!(!may_see(&outsider, &dossier));
                    assert!(allowed_actions(&outsider, &dossier, &procedure).is_empty());
                    let decided = decided(&procedure, &dossier, &outsider, &action.name);
                    assert_eq!(decided.err(), Some(Refusal::WrongRole(action.name.clone())));
                }
            }
        }
    }
}

#[test]
fn a_citizen_sees_their_own_dossiers_and_staff_their_agency_s() {
    let p = shipped_one("1.004889");
    let dossier = dossier_in(&p, "processing");
    assert!(may_see(&citizen(CITIZEN_PIN), &dossier));
    assert!(may_see(&staff("x", AGENCY, &[]), &dossier));
    let draft = dossier_in(&p, DRAFT_STATE);
    assert!(may_see(&citizen(CITIZEN_PIN), &draft));
    assert!(
        !may_see(&staff("x", AGENCY, &[Role::DeskClerk]), &draft),
        "an online draft has no agency yet"
    );
}

const DRAFT_STATE: &str = crate::dossier::DRAFT;

#[test]
fn a_claimed_dossier_is_worked_only_by_who_claimed_it() {
    let p = shipped_one("1.004889");
    let mut dossier = dossier_in(&p, "processing");
    dossier.assigned_to = Some("chuyenvien1".into());
    let holder = staff("chuyenvien1", AGENCY, &[Role::Specialist]);
    let colleague = staff("chuyenvien2", AGENCY, &[Role::Specialist]);
    assert!(allowed_actions(&holder, &dossier, &p).contains(&"propose".to_owned()));
    assert!(!allowed_actions(&colleague, &dossier, &p).contains(&"propose".to_owned()));
    assert!(may_edit(&holder, &dossier, &p));
    assert!(!may_edit(&colleague, &dossier, &p));
    let refused = decided(&p, &dossier, &colleague, "propose");
    assert_eq!(
        refused.err(),
        Some(Refusal::AssignedToAnother("chuyenvien1".into()))
    );
    // The citizen is not held back by a clerk's claim.
    assert!(allowed_actions(&citizen(CITIZEN_PIN), &dossier, &p).contains(&"withdraw".to_owned()));
}

#[test]
fn the_citizen_edits_their_draft_and_what_they_owe_nothing_else() {
    let p = shipped_one("1.004889");
    let me = citizen(CITIZEN_PIN);
    assert!(may_edit(&me, &dossier_in(&p, DRAFT_STATE), &p));
    assert!(may_edit(&me, &dossier_in(&p, "supplement"), &p));
    for state in [
        "submitted",
        "processing",
        "approval",
        "approved",
        "result_ready",
        "returned",
    ] {
        assert!(!may_edit(&me, &dossier_in(&p, state), &p), "{state}");
    }
}

#[test]
fn staff_scan_papers_in_the_step_their_role_works_while_it_is_open() {
    let p = shipped_one("1.004889");
    let clerk = staff("motcua1", AGENCY, &[Role::DeskClerk]);
    let specialist = staff("chuyenvien1", AGENCY, &[Role::Specialist]);
    assert!(may_edit(&clerk, &dossier_in(&p, "submitted"), &p));
    assert!(!may_edit(&clerk, &dossier_in(&p, "processing"), &p));
    assert!(may_edit(&specialist, &dossier_in(&p, "processing"), &p));
    assert!(
        !may_edit(&specialist, &dossier_in(&p, "supplement"), &p),
        "the citizen owes it"
    );
    assert!(!may_edit(&clerk, &dossier_in(&p, "returned"), &p), "closed");
}

#[test]
fn a_counter_draft_is_the_desk_s_to_edit_and_submit_and_not_the_citizen_s_to_withdraw() {
    let p = shipped_one("1.004889");
    let mut draft = dossier_in(&p, DRAFT_STATE);
    draft.channel = Channel::Counter;
    draft.agency_id = Some(AGENCY.into());
    let clerk = staff("motcua1", AGENCY, &[Role::DeskClerk]);
    let specialist = staff("chuyenvien1", AGENCY, &[Role::Specialist]);
    assert!(may_edit(&clerk, &draft, &p));
    assert!(may_submit(&clerk, &draft));
    assert_eq!(allowed_actions(&clerk, &draft, &p), vec![SUBMIT]);
    assert!(!may_edit(&specialist, &draft, &p));
    assert!(!may_submit(&specialist, &draft));
    assert!(allowed_actions(&specialist, &draft, &p).is_empty());
    // The citizen's own online draft: submit or withdraw.
    let online = dossier_in(&p, DRAFT_STATE);
    assert_eq!(
        allowed_actions(&citizen(CITIZEN_PIN), &online, &p),
        vec![SUBMIT, WITHDRAW]
    );
    assert!(!may_submit(&clerk, &online));
}

#[test]
fn the_result_is_attached_by_who_issues_it_before_it_is_issued() {
    let p = shipped_one("1.004889");
    let issuing = p
        .actions_from("approved")
        .find(|a| a.needs(Needs::ResultDocument));
    let approved = dossier_in(&p, "approved");
    let specialist = staff("chuyenvien1", AGENCY, &[Role::Specialist]);
    let approver = staff("lanhdao1", AGENCY, &[Role::Approver]);
    assert!(issuing.is_some_and(|a| a.name == "issue_result"));
    assert!(may_attach_result(&specialist, &approved, &p));
    assert!(!may_attach_result(&approver, &approved, &p));
    assert!(!may_attach_result(
        &specialist,
        &dossier_in(&p, "processing"),
        &p
    ));
    assert!(!may_attach_result(&citizen(CITIZEN_PIN), &approved, &p));
}

#[test]
fn an_apology_is_offered_once_while_the_clock_runs_to_who_works_the_step_or_approves() {
    let p = shipped_one("1.004889");
    let processing = dossier_in(&p, "processing");
    let specialist = staff("chuyenvien1", AGENCY, &[Role::Specialist]);
    let approver = staff("lanhdao1", AGENCY, &[Role::Approver]);
    let clerk = staff("motcua1", AGENCY, &[Role::DeskClerk]);
    let offered =
        |who: &Principal, d: &Dossier| allowed_actions(who, d, &p).contains(&APOLOGISE.to_owned());
    assert!(offered(&specialist, &processing));
    assert!(offered(&approver, &processing));
    assert!(
        !offered(&clerk, &processing),
        "the desk does not work processing"
    );
    assert!(!offered(&citizen(CITIZEN_PIN), &processing));
    assert!(apologises_for(&approver, &processing, &p));
    let mut apologised = processing.clone();
    apologised.clock.apologies = 1;
    assert!(!offered(&specialist, &apologised), "once per dossier");
    assert!(
        !offered(&specialist, &dossier_in(&p, "supplement")),
        "paused"
    );
    assert!(
        !offered(&clerk, &dossier_in(&p, "submitted")),
        "not received yet: no clock"
    );
    assert!(!offered(&clerk, &dossier_in(&p, "returned")), "closed");
}
