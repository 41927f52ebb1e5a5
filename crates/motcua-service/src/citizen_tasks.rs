//! What a citizen must do next on one of their dossiers, read from the dossier's state, the
//! actions its procedure allows them now, and the request that put it there: finish a
//! draft; answer a supplement (or, for the exam registration, a correction) request, with
//! the items asked and why; or nothing but wait for the return date; or nothing at all, the
//! dossier being finished.

use crate::lookup::find_visible;
use crate::view::DossierView;
use crate::{ServiceError, Services};
use chrono::{DateTime, FixedOffset};
use motcua_core::dossier::DRAFT;
use motcua_core::principal::Principal;

/// The citizen's actions that answer a request of the agency.
const ANSWERS: [&str; 2] = ["resubmit", "correct"];

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Task {
    /// A draft: fill the form, add the documents, submit.
    FinishDraft,
    /// The agency asked for something; the citizen answers with `Asked::answer`.
    Answer(Asked),
    /// The agency is working on it.
    Wait,
    /// Finished (returned, refused, withdrawn, stopped): nothing more to do.
    Finished,
}

/// A request of the agency the citizen has to answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Asked {
    /// The citizen's action that answers it (`resubmit`, `correct`).
    pub answer: String,
    /// What is missing or wrong, one item each, as the clerk wrote them.
    pub items: Vec<String>,
    pub reason: Option<String>,
    pub asked_at: Option<DateTime<FixedOffset>>,
}

/// What `principal` (the citizen whose dossier it is) must do next on `dossier`.
pub async fn next(
    services: &Services,
    principal: &Principal,
    dossier: &DossierView,
) -> Result<Task, ServiceError> {
    if dossier.state == DRAFT {
        return Ok(Task::FinishDraft);
    }
    let final_state = services
        .catalog
        .version(&dossier.procedure.code, dossier.procedure.version)
        .and_then(|p| p.spec().workflow.states.get(&dossier.state))
        .is_some_and(|s| s.is_final);
    if final_state {
        return Ok(Task::Finished);
    }
    let Some(answer) = ANSWERS
        .iter()
        .find(|a| dossier.allowed_actions.iter().any(|allowed| allowed == *a))
    else {
        return Ok(Task::Wait);
    };
    let mut db = services.store.session().await?;
    find_visible(&mut *db, principal, dossier.id).await?;
    let events = db.events_of(dossier.id).await?;
    // The step that put the dossier in its state: the request being answered.
    let request = events
        .iter()
        .rev()
        .find(|e| e.to_state == dossier.state && e.from_state.as_deref() != Some(&dossier.state));
    Ok(Task::Answer(Asked {
        answer: (*answer).to_owned(),
        items: crate::view::strings_of(request.and_then(|e| e.detail.get("items"))),
        reason: request.and_then(|e| e.comment.clone()),
        asked_at: request.map(|e| crate::time::in_vietnam(e.at)),
    }))
}
