//! Taking an action on a dossier: a step of the procedure's workflow (decided by
//! `motcua_core::procedure::workflow`, timed by the legal clock), the withdrawal of a
//! draft, or an apology with a new return date. One transaction: the dossier is locked, the
//! step recorded with its event, its facts and the outbox's messages (the national portal
//! is told of the step), and the answer kept with the request's key.

mod apology;
mod request;
mod step;
mod withdrawal;

pub use request::ActionRequest;

use crate::idempotency::{self, Answered};
use crate::lookup::{full_view, lock_visible, procedure_of, record_staff_read};
use crate::store::events::NewEvent;
use crate::store::Session;
use crate::{Code, FieldProblem, Said, ServiceError, Services};
use chrono::{DateTime, Utc};
use motcua_core::access::{self, APOLOGISE};
use motcua_core::dossier::{Dossier, DRAFT};
use motcua_core::principal::Principal;
use motcua_core::procedure::workflow::Refusal;
use motcua_core::procedure::Procedure;
use serde_json::{json, Value};
use uuid::Uuid;

/// The status an action's answer is kept with for its key: the dossier as it is now.
const TAKEN: u16 = 200;

/// An action asked for: by whom, on which dossier, with which key.
pub struct Act<'a> {
    pub principal: &'a Principal,
    /// The request's idempotency key: a retry gets the first answer instead of taking the
    /// action twice.
    pub key: Option<String>,
    pub dossier_id: Uuid,
    /// As the caller named it: anything that is no action name is refused as no action.
    pub action: &'a str,
    pub request: &'a ActionRequest,
}

/// What each kind of action works with, the dossier locked.
struct Context<'a> {
    services: &'a Services,
    principal: &'a Principal,
    dossier: &'a Dossier,
    procedure: &'a Procedure,
    action: &'a str,
    request: &'a ActionRequest,
    now: DateTime<Utc>,
}

/// Takes the action: the dossier's view afterwards (as kept with the key, a
/// [`crate::view::DossierView`]), or the first answer to the same key.
pub async fn act(services: &Services, act: Act<'_>) -> Result<Answered<Value>, ServiceError> {
    act.request.check()?;
    let mut tx = services.store.begin().await?;
    match take_action(services, act, &mut *tx).await {
        Ok(answer) => {
            tx.commit().await?;
            Ok(answer)
        }
        Err(refused) => {
            // Release the dossier's row lock before answering: left to the dropped
            // transaction, the rollback runs later, and a claim sent right after this
            // answer would skip the still-locked dossier and find the queue empty.
            if let Err(e) = tx.rollback().await {
                tracing::warn!(error.message = %e, "rollback after a refused action failed");
            }
            Err(refused)
        }
    }
}

/// The action, in `tx`: committed by the caller when it succeeds.
async fn take_action(
    services: &Services,
    act: Act<'_>,
    tx: &mut dyn Session,
) -> Result<Answered<Value>, ServiceError> {
    let Act {
        principal,
        key,
        dossier_id: id,
        action,
        request,
    } = act;
    let route = format!("POST /v1/dossiers/{id}/actions/{action}");
    let body = json!({ "comment": request.comment, "data": request.data });
    let claimed = match idempotency::claim(&mut *tx, principal, key, &route, &body).await? {
        Ok(claimed) => claimed,
        Err(replay) => return Ok(Answered::Replayed(replay)),
    };
    let dossier = lock_visible(&mut *tx, principal, id).await?;
    let procedure = procedure_of(&services.catalog, &dossier)?;
    let now = services.clock.now();
    if !is_action_name(action) {
        return Err(refusal(Refusal::NotAllowed {
            action: action.chars().take(64).collect(),
            state: dossier.state.clone(),
            allowed: access::allowed_actions(principal, &dossier, procedure),
        }));
    }
    let cx = Context {
        services,
        principal,
        dossier: &dossier,
        procedure,
        action,
        request,
        now,
    };
    let (updated, event) = if dossier.state == DRAFT {
        withdrawal::withdraw_draft(&cx, &mut *tx).await?
    } else if action == APOLOGISE {
        apology::apologise(&cx, &mut *tx).await?
    } else {
        step::workflow_step(&cx, &mut *tx).await?
    };
    let event_id = tx
        .append_event(NewEvent {
            dossier_id: id,
            at: now,
            actor_kind: principal.kind().as_str(),
            actor: principal.subject(),
            action,
            from_state: Some(&dossier.state),
            to_state: &updated.state,
            comment: request.comment.as_deref(),
            detail: event,
        })
        .await?;
    // What the step does to the dossier's fees: a bill falls due, or a refund is owed.
    if let Some(taken) = procedure.action_from(&dossier.state, action) {
        crate::payments::after_step(services, &mut *tx, procedure, &updated, taken, now).await?;
    }
    // A draft withdrawn was never told to anyone; every other action is a processing step.
    if dossier.state != DRAFT {
        crate::outbox::tell_dossier_changed(
            &mut *tx,
            &services.outbox_targets,
            id,
            event_id,
            crate::outbox::Change::Step,
            dossier.national_code.is_some(),
        )
        .await?;
        // The citizen is told, by the channels they chose, of what concerns them.
        let kinds = if action == APOLOGISE {
            vec![motcua_core::notification::APOLOGISED]
        } else {
            procedure
                .action_from(&dossier.state, action)
                .map(motcua_core::notification::step_events)
                .unwrap_or_default()
        };
        crate::notify::tell_citizen(&mut *tx, services, &updated, event_id, &kinds).await?;
    }
    crate::facts::refresh(&mut *tx, procedure, &updated).await?;
    // The answer carries the dossier's data: for staff, a read the citizen sees.
    record_staff_read(&mut *tx, principal, &updated).await?;
    let view = full_view(&mut *tx, principal, updated, procedure).await?;
    let answer = serde_json::to_value(&view).map_err(ServiceError::internal)?;
    idempotency::complete(&mut *tx, claimed, TAKEN, &answer).await?;
    Ok(Answered::Fresh(answer))
}

/// Action names are the procedure files' (`^[a-z][a-z_]*$`); anything else is no action.
fn is_action_name(name: &str) -> bool {
    name.len() <= 64
        && name.starts_with(|c: char| c.is_ascii_lowercase())
        && name.chars().all(|c| c.is_ascii_lowercase() || c == '_')
}

/// The workflow's refusal, with its stable code.
fn refusal(refusal: Refusal) -> ServiceError {
    let detail = refusal.to_string();
    match refusal {
        Refusal::NotAllowed { allowed, .. } => {
            ServiceError::new(Code::ActionNotAllowed, detail).with_allowed_actions(allowed)
        }
        Refusal::WrongRole(_) => ServiceError::new(Code::RoleNotAllowed, detail),
        Refusal::AssignedToAnother(_) => ServiceError::new(Code::AssignedToAnother, detail),
        Refusal::AlreadyTaken(_) => ServiceError::new(Code::ActionAlreadyTaken, detail),
        Refusal::Missing { pointer, what } => {
            let said = match pointer {
                "/comment" => Said::new("Lý do", "Cần nêu lý do."),
                _ => Said::new(
                    "Các mục cần bổ sung",
                    "Cần liệt kê mọi giấy tờ, thông tin còn thiếu hoặc chưa đúng.",
                ),
            };
            ServiceError::validation(
                format!("this action needs {what}"),
                vec![FieldProblem::new(pointer, "required").said(said)],
            )
        }
        Refusal::ResultDocumentMissing => ServiceError::new(
            Code::ResultDocumentMissing,
            format!("{detail}: PUT /v1/dossiers/{{id}}/results/{{result_code}}"),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::is_action_name;

    #[test]
    fn action_names_are_lowercase_words() {
        for name in ["accept", "request_supplement", "withdraw"] {
            assert!(is_action_name(name), "{name}");
        }
        let long = "a".repeat(65);
        for name in [
            "",
            "Accept",
            "_accept",
            "accept-now",
            "ác",
            "a1",
            long.as_str(),
        ] {
            assert!(!is_action_name(name), "{name}");
        }
    }
}
