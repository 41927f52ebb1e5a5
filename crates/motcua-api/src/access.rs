//! Who may see and act on a dossier. One place decides, for every read and action.

use motcua_auth::Principal;
use motcua_core::procedure::{Action, Procedure};
use motcua_store::dossiers::{Dossier, DRAFT};

/// The workflow role a citizen acts in.
pub const CITIZEN_ROLE: &str = "citizen";

/// Engine actions on a draft, before the dossier enters its procedure's workflow.
pub const SUBMIT: &str = "submit";
pub const WITHDRAW: &str = "withdraw";

/// A citizen sees their own dossiers; staff see the submitted dossiers of their agency.
pub fn may_see(principal: &Principal, dossier: &Dossier) -> bool {
    match principal {
        Principal::Citizen { pin, .. } => dossier.citizen_pin == *pin,
        Principal::Staff { agency, .. } => dossier.agency_id.as_deref() == Some(agency.as_str()),
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

/// Whether the principal holds one of the roles the action names.
pub fn may_perform(principal: &Principal, dossier: &Dossier, action: &Action) -> bool {
    let held = roles_on(principal, dossier);
    action
        .roles
        .iter()
        .any(|role| held.contains(&role.as_str()))
}

/// The actions the principal may take now, by name, for `allowed_actions`.
pub fn allowed_actions(
    principal: &Principal,
    dossier: &Dossier,
    procedure: &Procedure,
) -> Vec<String> {
    if dossier.state == DRAFT {
        return match principal {
            Principal::Citizen { pin, .. } if dossier.citizen_pin == *pin => {
                vec![SUBMIT.to_owned(), WITHDRAW.to_owned()]
            }
            _ => Vec::new(),
        };
    }
    procedure
        .actions_from(&dossier.state)
        .filter(|action| may_perform(principal, dossier, action))
        .map(|action| action.name.clone())
        .collect()
}
