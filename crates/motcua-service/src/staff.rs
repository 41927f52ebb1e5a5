//! The staff the engine knows: recorded at each staff login, and who a dossier may be handed
//! to (`motcua_core::procedure::workflow::may_assign` decides; this module reads the record
//! and answers with the use cases' refusal).

use crate::error::{FieldProblem, Said, ServiceError};
use crate::store::staff::StaffLogin;
use crate::store::Session;
use crate::{Code, Services};
use motcua_core::dossier::Dossier;
use motcua_core::principal::Principal;
use motcua_core::procedure::workflow::{self, AssignRefusal, StaffMember};
use motcua_core::procedure::Procedure;

/// Records a staff login (its agency and roles) so that a supervisor can hand dossiers to
/// this member; a citizen's login records nothing. One statement. If it fails, the login
/// fails with it (503 when the database is down, as the callback's own read of the login
/// attempt would): a login that went on would leave a member no dossier can be handed to,
/// with nothing to say why.
pub async fn record_login(services: &Services, principal: &Principal) -> Result<(), ServiceError> {
    let Principal::Staff {
        subject, agency, ..
    } = principal
    else {
        return Ok(());
    };
    let roles = principal.role_names();
    let now = services.clock.now();
    let mut db = services.store.session().await?;
    db.record_staff_login(StaffLogin {
        username: subject,
        agency,
        roles: &roles,
        at: now,
    })
    .await?;
    Ok(())
}

/// Whether `dossier` may be handed to `to`: a known member of its agency holding the role
/// that works its state. Refused with 422 and the case's own code, pointing at `/to`.
pub async fn check_assignee(
    tx: &mut dyn Session,
    procedure: &Procedure,
    dossier: &Dossier,
    to: &str,
) -> Result<(), ServiceError> {
    let known = tx.staff_member(to).await?;
    let member = known.as_ref().map(|m| StaffMember {
        agency: &m.agency,
        roles: &m.roles,
    });
    let agency = dossier.agency_id.as_deref().unwrap_or_default();
    workflow::may_assign(procedure, &dossier.state, agency, to, member).map_err(|refusal| {
        let message = refusal.to_string();
        let mut field = FieldProblem::new("/to", message.clone()).said(Said::new(
            "Cán bộ được phân công",
            code_of(&refusal).vietnamese(),
        ));
        field.code = Some(refusal.code().to_owned());
        ServiceError::new(code_of(&refusal), message).with_errors(vec![field])
    })
}

/// The refusal's code: the same wire name as `refusal.code()`.
fn code_of(refusal: &AssignRefusal) -> Code {
    match refusal {
        AssignRefusal::UnknownStaffMember(_) => Code::UnknownStaffMember,
        AssignRefusal::NotInAgency { .. } => Code::NotInAgency,
        AssignRefusal::NoRoleForState { .. } => Code::NoRoleForState,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_assign_refusal_keeps_its_wire_name() {
        let refusals = [
            AssignRefusal::UnknownStaffMember("a".into()),
            AssignRefusal::NotInAgency {
                username: "a".into(),
                agency: "b".into(),
            },
            AssignRefusal::NoRoleForState {
                username: "a".into(),
                state: "s".into(),
                needed: None,
            },
        ];
        for refusal in refusals {
            assert_eq!(code_of(&refusal).as_str(), refusal.code());
            assert_eq!(code_of(&refusal).status(), 422);
        }
    }
}
