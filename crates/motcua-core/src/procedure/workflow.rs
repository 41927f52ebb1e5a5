//! Whether an actor may take an action on a dossier now, by the procedure's state machine:
//! the one place that decides, for the API's 409 (not from this state, or taken already),
//! 403 (not this actor's role) and 422 (reasons or items missing). Who may *see* the
//! dossier at all (ownership, agency) is decided before this, by `crate::access`.

use super::spec::{Action, Needs, Role};
use super::Procedure;

/// What the decision needs to know of the dossier.
#[derive(Debug, Clone, Copy)]
pub struct Facts<'a> {
    pub state: &'a str,
    /// The staff member who claimed it, if any: only they act on it.
    pub assigned_to: Option<&'a str>,
    pub has_result_document: bool,
}

/// Who acts: the workflow roles they hold on this dossier (`citizen` for its citizen).
#[derive(Debug, Clone, Copy)]
pub struct Actor<'a> {
    pub subject: &'a str,
    pub roles: &'a [Role],
    pub is_staff: bool,
}

/// What the actor sent with the action.
#[derive(Debug, Clone, Copy, Default)]
pub struct Request<'a> {
    pub comment: Option<&'a str>,
    /// How many items `data.items` lists.
    pub items: usize,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Refusal {
    #[error("{action:?} is not allowed in state {state:?}")]
    NotAllowed {
        action: String,
        state: String,
        allowed: Vec<String>,
    },
    #[error("your roles may not {0:?} this dossier")]
    WrongRole(String),
    #[error("this dossier is being worked by {0}; only they can act on it")]
    AssignedToAnother(String),
    #[error("{0:?} may be taken only once for a dossier, and it already was")]
    AlreadyTaken(String),
    #[error("{what} is required")]
    Missing {
        pointer: &'static str,
        what: &'static str,
    },
    #[error("the electronic result must be attached before it is issued")]
    ResultDocumentMissing,
}

fn holds_role(actor: &Actor<'_>, action: &Action) -> bool {
    action.roles.iter().any(|role| actor.roles.contains(role))
}

fn blocked_by_assignment(facts: &Facts<'_>, actor: &Actor<'_>) -> Option<String> {
    match facts.assigned_to {
        Some(assignee) if actor.is_staff && assignee != actor.subject => Some(assignee.to_owned()),
        _ => None,
    }
}

/// The actions the actor may take now, by name.
pub fn allowed_actions(procedure: &Procedure, facts: &Facts<'_>, actor: &Actor<'_>) -> Vec<String> {
    if blocked_by_assignment(facts, actor).is_some() {
        return Vec::new();
    }
    procedure
        .actions_from(facts.state)
        .filter(|action| holds_role(actor, action))
        .map(|action| action.name.clone())
        .collect()
}

/// The action to take, or why not. `times_taken` is how often this action was already
/// taken on the dossier (for actions allowed once).
pub fn decide<'p>(
    procedure: &'p Procedure,
    facts: &Facts<'_>,
    actor: &Actor<'_>,
    name: &str,
    request: &Request<'_>,
    times_taken: i64,
) -> Result<&'p Action, Refusal> {
    let action = procedure
        .action_from(facts.state, name)
        .ok_or_else(|| Refusal::NotAllowed {
            action: name.to_owned(),
            state: facts.state.to_owned(),
            allowed: allowed_actions(procedure, facts, actor),
        })?;
    if !holds_role(actor, action) {
        return Err(Refusal::WrongRole(name.to_owned()));
    }
    if let Some(assignee) = blocked_by_assignment(facts, actor) {
        return Err(Refusal::AssignedToAnother(assignee));
    }
    if action.once && times_taken > 0 {
        return Err(Refusal::AlreadyTaken(name.to_owned()));
    }
    if action.needs(Needs::Comment) && request.comment.is_none_or(|c| c.trim().is_empty()) {
        return Err(Refusal::Missing {
            pointer: "/comment",
            what: "a comment with the reasons",
        });
    }
    if action.needs(Needs::Items) && request.items == 0 {
        return Err(Refusal::Missing {
            pointer: "/data/items",
            what: "the list of every missing or incorrect item",
        });
    }
    if action.needs(Needs::ResultDocument) && !facts.has_result_document {
        return Err(Refusal::ResultDocumentMissing);
    }
    Ok(action)
}

/// The staff role that works `state`: the role of the state's queue. None for a final
/// state, a state the citizen works (a supplement owed), or one the procedure does not have.
pub fn staff_role_working(procedure: &Procedure, state: &str) -> Option<Role> {
    procedure
        .state(state)
        .filter(|s| !s.is_final)
        .and_then(|s| s.worked_by)
        .filter(|role| *role != Role::Citizen)
}

/// A staff member as the engine knows them (from their logins, or the staff directory), for
/// handing a dossier to them.
#[derive(Debug, Clone, Copy)]
pub struct StaffMember<'a> {
    pub agency: &'a str,
    pub roles: &'a [String],
}

/// Why a dossier may not be handed to someone: each leaves it stuck in a queue nobody can
/// work while its clock runs.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AssignRefusal {
    #[error(
        "{0} is not known as staff: only staff who have logged in, or whom the staff \
         directory lists, can be handed a dossier"
    )]
    UnknownStaffMember(String),
    #[error("{username} is not staff of {agency}, the agency of the dossier")]
    NotInAgency { username: String, agency: String },
    #[error("{username} does not hold {}, the role that works state {state:?}", needed.map_or("a staff role", Role::as_str))]
    NoRoleForState {
        username: String,
        state: String,
        /// The role that works the state, if staff work it at all.
        needed: Option<Role>,
    },
}

impl AssignRefusal {
    /// The stable code of the API's problem.
    pub fn code(&self) -> &'static str {
        match self {
            AssignRefusal::UnknownStaffMember(_) => "unknown_staff_member",
            AssignRefusal::NotInAgency { .. } => "not_in_agency",
            AssignRefusal::NoRoleForState { .. } => "no_role_for_state",
        }
    }
}

/// Whether a dossier of `agency` in `state` may be handed to `username`, whom the engine
/// knows as `member` (None: not known as staff). Only a member of the dossier's agency who
/// holds the role working its state can then act on it.
pub fn may_assign(
    procedure: &Procedure,
    state: &str,
    agency: &str,
    username: &str,
    member: Option<StaffMember<'_>>,
) -> Result<(), AssignRefusal> {
    let member = member.ok_or_else(|| AssignRefusal::UnknownStaffMember(username.to_owned()))?;
    if member.agency != agency {
        return Err(AssignRefusal::NotInAgency {
            username: username.to_owned(),
            agency: agency.to_owned(),
        });
    }
    let needed = staff_role_working(procedure, state);
    match needed {
        Some(role) if member.roles.iter().any(|r| r == role.as_str()) => Ok(()),
        _ => Err(AssignRefusal::NoRoleForState {
            username: username.to_owned(),
            state: state.to_owned(),
            needed,
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn copy_procedure() -> Procedure {
        let json = include_str!("../../../../procedures/3.000465.json");
        Procedure::parse("3.000465.json", json).unwrap()
    }

    const CLERK: Actor<'static> = Actor {
        subject: "clerk",
        roles: &[Role::DeskClerk],
        is_staff: true,
    };
    const SPECIALIST: Actor<'static> = Actor {
        subject: "specialist",
        roles: &[Role::Specialist],
        is_staff: true,
    };
    const CITIZEN: Actor<'static> = Actor {
        subject: "001207001234",
        roles: &[Role::Citizen],
        is_staff: false,
    };

    fn facts(state: &str) -> Facts<'_> {
        Facts {
            state,
            assigned_to: None,
            has_result_document: false,
        }
    }

    /// `action` taken in `state` by `actor`, with nothing sent, never taken before.
    fn plain<'p>(
        p: &'p Procedure,
        state: &str,
        actor: &Actor<'_>,
        action: &str,
    ) -> Result<&'p Action, Refusal> {
        decide(p, &facts(state), actor, action, &Request::default(), 0)
    }

    #[test]
    fn an_action_from_another_state_lists_the_allowed_ones() {
        let p = copy_procedure();
        let refused = plain(&p, "submitted", &CLERK, "return_result");
        match refused {
            Err(Refusal::NotAllowed { allowed, .. }) => {
                assert!(allowed.contains(&"receive".to_owned()), "{allowed:?}");
                assert!(allowed.contains(&"refuse".to_owned()), "{allowed:?}");
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn a_specialist_cannot_approve_and_a_citizen_cannot_receive() {
        let p = copy_procedure();
        let approve = plain(&p, "approval", &SPECIALIST, "approve");
        assert!(matches!(approve, Err(Refusal::WrongRole(_))), "{approve:?}");
        let receive = plain(&p, "submitted", &CITIZEN, "receive");
        assert!(matches!(receive, Err(Refusal::WrongRole(_))), "{receive:?}");
    }

    #[test]
    fn only_the_assignee_acts_on_a_claimed_dossier() {
        let p = copy_procedure();
        let claimed = Facts {
            assigned_to: Some("another.clerk"),
            ..facts("submitted")
        };
        let refused = decide(&p, &claimed, &CLERK, "receive", &Request::default(), 0);
        assert_eq!(
            refused.map(|a| a.name.clone()),
            Err(Refusal::AssignedToAnother("another.clerk".into()))
        );
        assert!(allowed_actions(&p, &claimed, &CLERK).is_empty());
        // The citizen's own actions do not wait for the clerk.
        assert_eq!(allowed_actions(&p, &claimed, &CITIZEN), ["withdraw"]);
    }

    #[test]
    fn a_supplement_is_requested_once_with_reasons_and_items() {
        let p = copy_procedure();
        let asked = Request {
            comment: Some("thiếu giấy ủy quyền"),
            items: 1,
        };
        let state = facts("processing");
        assert!(decide(&p, &state, &SPECIALIST, "request_supplement", &asked, 0).is_ok());
        assert_eq!(
            decide(&p, &state, &SPECIALIST, "request_supplement", &asked, 1)
                .map(|a| a.name.clone()),
            Err(Refusal::AlreadyTaken("request_supplement".into()))
        );
        let no_items = Request { items: 0, ..asked };
        assert!(matches!(
            decide(&p, &state, &SPECIALIST, "request_supplement", &no_items, 0),
            Err(Refusal::Missing {
                pointer: "/data/items",
                ..
            })
        ));
        let no_reason = Request {
            comment: Some("  "),
            ..asked
        };
        assert!(matches!(
            decide(&p, &state, &SPECIALIST, "request_supplement", &no_reason, 0),
            Err(Refusal::Missing {
                pointer: "/comment",
                ..
            })
        ));
    }

    #[test]
    fn each_open_state_worked_by_staff_has_the_role_of_its_queue() {
        let p = copy_procedure();
        let role = |state| staff_role_working(&p, state);
        assert_eq!(role("submitted"), Some(Role::DeskClerk));
        assert_eq!(role("processing"), Some(Role::Specialist));
        assert_eq!(role("approval"), Some(Role::Approver));
        assert_eq!(role("result_ready"), Some(Role::DeskClerk));
        // The citizen owes a supplement; a finished dossier is in no queue.
        assert_eq!(role("supplement"), None);
        assert_eq!(role("returned"), None);
        assert_eq!(role("no_such_state"), None);
    }

    fn member<'a>(agency: &'a str, roles: &'a [String]) -> Option<StaffMember<'a>> {
        Some(StaffMember { agency, roles })
    }

    #[test]
    fn a_dossier_goes_only_to_staff_of_its_agency_who_work_its_state() {
        let p = copy_procedure();
        let clerk = ["desk_clerk".to_owned()];
        let both = ["desk_clerk".to_owned(), "specialist".to_owned()];
        let assign = |state, who: Option<StaffMember<'_>>| {
            may_assign(&p, state, "SGDDT-HN", "someone", who).map_err(|r| r.code())
        };
        assert_eq!(assign("submitted", member("SGDDT-HN", &clerk)), Ok(()));
        assert_eq!(assign("processing", member("SGDDT-HN", &both)), Ok(()));
        assert_eq!(assign("submitted", None), Err("unknown_staff_member"));
        assert_eq!(
            assign("submitted", member("SGDDT-HCM", &clerk)),
            Err("not_in_agency")
        );
        assert_eq!(
            assign("processing", member("SGDDT-HN", &clerk)),
            Err("no_role_for_state")
        );
        // Nobody of staff works a supplement the citizen owes.
        assert_eq!(
            assign("supplement", member("SGDDT-HN", &both)),
            Err("no_role_for_state")
        );
        let refused = may_assign(&p, "approval", "SGDDT-HN", "nam", member("SGDDT-HN", &both));
        assert_eq!(
            refused.map_err(|r| r.to_string()),
            Err("nam does not hold approver, the role that works state \"approval\"".into())
        );
    }
}
