//! Starting a dossier from a procedure's page: the API's draft use case (`drafts::create`),
//! which reads the population register and fills and locks what it holds, then the form's
//! first page. The button's form carries an idempotency key, so a double click opens one
//! draft.

use crate::citizen::Citizen;
use crate::error::PageError;
use crate::form::page_href;
use crate::Engine;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use motcua_service::drafts::{self, NewOnlineDraft};
use motcua_service::idempotency::Answered;
use motcua_service::ServiceError;
use motcua_web::csrf::Checked;
use serde::Deserialize;
use serde_json::Value;

#[derive(Deserialize)]
pub struct StartForm {
    key: Option<String>,
}

pub async fn start<E: Engine>(
    State(engine): State<E>,
    Path(code): Path<String>,
    Checked {
        visitor: citizen,
        form,
    }: Checked<Citizen, StartForm>,
) -> Response {
    let request = NewOnlineDraft {
        procedure: &code,
        register_fallback: false,
        key: form.key.filter(|k| !k.is_empty() && k.len() <= 255),
    };
    let draft = match drafts::create(engine.services(), &citizen.principal, request).await {
        Ok(Answered::Fresh(draft)) => draft,
        Ok(Answered::Replayed(replay)) => replay.body,
        Err(e) => return refused(&e, &citizen),
    };
    match draft.get("id").and_then(Value::as_str) {
        Some(id) => Redirect::to(&page_href(id, 1)).into_response(),
        None => refused(&ServiceError::internal("a draft without an id"), &citizen),
    }
}

fn refused(error: &ServiceError, citizen: &Citizen) -> Response {
    PageError::service(error, Some(citizen)).into_response()
}
