//! What a citizen does to a dossier after filing it, from its page: answer the agency's
//! request for a supplement (or a correction) once the documents and answers are
//! changed, and withdraw it (a draft is abandoned). Both are the API's workflow action
//! (`actions::act`) with a key the page's form carries, so a repeated post acts once.

use crate::citizen::Citizen;
use crate::editing;
use crate::error::PageError;
use crate::Engine;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use motcua_service::actions::{self, Act, ActionRequest};
use motcua_web::csrf::Checked;
use serde::Deserialize;

#[derive(Deserialize)]
pub struct ActionForm {
    key: Option<String>,
    /// `resubmit`, `correct` or `withdraw`: the actions a citizen takes here.
    action: Option<String>,
    /// The citizen's words (why they withdraw).
    comment: Option<String>,
}

/// The actions a citizen's form here may ask for.
const CITIZENS: [&str; 3] = ["resubmit", "correct", "withdraw"];

pub async fn act<E: Engine>(
    State(engine): State<E>,
    Path(id): Path<String>,
    Checked {
        visitor: citizen,
        form,
    }: Checked<Citizen, ActionForm>,
) -> Response {
    let id = match editing::dossier_id(&id, &citizen) {
        Ok(id) => id,
        Err(e) => return e.into_response(),
    };
    let action = form.action.unwrap_or_default();
    if !CITIZENS.contains(&action.as_str()) {
        return PageError::new(
            axum::http::StatusCode::BAD_REQUEST,
            crate::lang::t("Thao tác không hợp lệ.", "Not an action you can take."),
        )
        .for_citizen(&citizen)
        .into_response();
    }
    let comment = form.comment.filter(|c| !c.trim().is_empty());
    let request = ActionRequest {
        comment,
        data: None,
    };
    let taken = actions::act(
        engine.services(),
        Act {
            principal: &citizen.principal,
            key: form.key.filter(|k| !k.is_empty() && k.len() <= 255),
            dossier_id: id,
            action: &action,
            request: &request,
        },
    )
    .await;
    match taken {
        // A withdrawn draft is gone: back to the list, which says so.
        Ok(_) if action == "withdraw" => Redirect::to("/portal/ho-so?da_rut=1").into_response(),
        Ok(_) => Redirect::to(&format!("/portal/ho-so/{id}?xong={action}")).into_response(),
        Err(e) => PageError::service(&e, Some(&citizen)).into_response(),
    }
}
