//! A transition of the procedure's state machine, decided by `core` and timed by the legal
//! clock: the dossier's new state and clock, the slips it issues, and the results it
//! publishes.

use super::{refusal, Context};
use crate::checks::{form_problems, missing_documents};
use crate::store::dossiers::Step;
use crate::store::Session;
use crate::time::in_vietnam;
use crate::ServiceError;
use motcua_core::access;
use motcua_core::dossier::Dossier;
use motcua_core::procedure::workflow::{self, Request};
use motcua_core::procedure::{Effect, Needs};
use motcua_core::transition::Transition;
use serde_json::{json, Value};

/// The step, recorded in `tx`: the dossier as it is now, and the event's detail.
pub(super) async fn workflow_step(
    cx: &Context<'_>,
    tx: &mut dyn Session,
) -> Result<(Dossier, Value), ServiceError> {
    let id = cx.dossier.id;
    // Ask the database only what this action depends on: most steps need neither.
    let candidate = cx.procedure.action_from(&cx.dossier.state, cx.action);
    let has_result = match candidate {
        Some(a) if a.needs(Needs::ResultDocument) => tx.has_result(id).await?,
        _ => false,
    };
    let times_taken = match candidate {
        Some(a) if a.once => tx.count_action(id, cx.action).await?,
        _ => 0,
    };
    let items = cx.request.items();
    let decided = workflow::decide(
        cx.procedure,
        &access::facts(cx.dossier, has_result),
        &access::actor(cx.principal, cx.dossier),
        cx.action,
        &Request {
            comment: cx.request.comment.as_deref(),
            items: items.len(),
        },
        times_taken,
    );
    let action = decided.map_err(refusal)?;
    crate::payments::gate(&mut *tx, cx.procedure, cx.dossier, action).await?;
    // Coming back from a supplement, the dossier must be complete again.
    if action.has(Effect::ResumeClock) {
        // Rules are judged on the day the dossier was first registered.
        let registered_on = in_vietnam(cx.dossier.submitted_at.unwrap_or(cx.now)).date_naive();
        let mut problems = form_problems(cx.procedure, &cx.dossier.data, registered_on);
        let present = tx.dossier_documents(id).await?;
        problems.extend(missing_documents(&mut *tx, cx.procedure, cx.dossier, &present).await?);
        if !problems.is_empty() {
            return Err(ServiceError::validation(
                "the dossier is not complete; nothing was resubmitted",
                problems,
            ));
        }
    }
    let planned = Transition::plan(
        &cx.services.calendar,
        cx.procedure,
        cx.dossier,
        action,
        cx.now,
    )?;
    let updated = tx
        .record_step(Step {
            id,
            from_state: &cx.dossier.state,
            to_state: &planned.to_state,
            at: cx.now,
            closes: planned.closes,
            clock: &planned.clock,
            ack_due_at: planned.ack_due_at,
        })
        .await?;
    if action.has(Effect::RegistrationSlips) {
        crate::registration_slips::issue(
            cx.services,
            &mut *tx,
            cx.principal,
            &updated,
            cx.procedure,
            cx.now,
        )
        .await?;
    }
    if planned.publish_results {
        tx.publish_results(id, cx.now).await?;
    }
    let mut detail = json!({ "slips": planned.slips, "handover": planned.handover });
    if !items.is_empty() {
        detail["items"] = json!(items);
    }
    if let Some(due) = updated.clock.due_at {
        detail["due_at"] = json!(due);
    }
    Ok((updated, detail))
}
