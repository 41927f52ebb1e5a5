//! A citizen abandons their draft: it never entered the workflow, so no step is decided;
//! only `withdraw`, where the procedure has it and the citizen may take it.

use super::{refusal, Context};
use crate::store::Session;
use crate::ServiceError;
use motcua_core::access::{self, WITHDRAW};
use motcua_core::dossier::{Dossier, DRAFT};
use motcua_core::procedure::workflow::Refusal;
use serde_json::{json, Value};

pub(super) async fn withdraw_draft(
    cx: &Context<'_>,
    tx: &mut dyn Session,
) -> Result<(Dossier, Value), ServiceError> {
    let allowed = access::allowed_actions(cx.principal, cx.dossier, cx.procedure);
    let to_state = cx.procedure.action(WITHDRAW).map(|a| a.to.clone());
    match to_state {
        Some(to_state) if cx.action == WITHDRAW && allowed.iter().any(|a| a == WITHDRAW) => {
            let updated = tx.abandon_draft(cx.dossier.id, &to_state, cx.now).await?;
            Ok((updated, json!({})))
        }
        _ => Err(refusal(Refusal::NotAllowed {
            action: cx.action.to_owned(),
            state: DRAFT.to_owned(),
            allowed,
        })),
    }
}
