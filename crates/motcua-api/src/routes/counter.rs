//! `POST /v1/counter/dossiers`: a desk clerk takes a dossier at the one-stop desk on a
//! citizen's behalf. The register is read as for an online draft, recorded with the clerk
//! and the purpose; the draft is the agency's (channel `counter`) and the clerk fills it,
//! records the paper received and its scans, and submits it into the same flow.

use crate::error::ApiError;
use crate::extract::{Auth, IdempotencyKey, Json};
use crate::state::AppState;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use motcua_service::drafts::{self, NewCounterDraft};
use serde::Deserialize;
use utoipa::ToSchema;

const PROBLEM: &str = "application/problem+json";

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CounterDossier {
    /// The procedure code, e.g. `3.000465`.
    procedure: String,
    /// The citizen's personal identification number (số định danh cá nhân).
    citizen: String,
    /// The register does not know the person: take the dossier with the fallback documents.
    #[serde(default)]
    register_fallback: bool,
}

#[utoipa::path(post, operation_id = "createCounterDossier", path = "/v1/counter/dossiers", tag = "dossiers", security(("bearer" = [])),
    request_body = CounterDossier,
    params(("Idempotency-Key" = Option<String>, Header, description = "replays the first answer")),
    responses((status = 201, body = crate::dossier_view::DossierView),
              (status = 401, body = crate::error::Problem, content_type = PROBLEM),
              (status = 403, body = crate::error::Problem, content_type = PROBLEM),
              (status = 404, body = crate::error::Problem, content_type = PROBLEM),
              (status = 422, body = crate::error::Problem, content_type = PROBLEM),
              (status = 429, description = "`rate_limited`: too many drafts from this account or address; `Retry-After` says when to retry",
               body = crate::error::Problem, content_type = PROBLEM),
              (status = 503, body = crate::error::Problem, content_type = PROBLEM)))]
/// A counter draft for a citizen, prefilled from the register.
pub async fn create(
    State(state): State<AppState>,
    Auth(principal): Auth,
    IdempotencyKey(key): IdempotencyKey,
    Json(body): Json<CounterDossier>,
) -> Result<Response, ApiError> {
    let request = NewCounterDraft {
        procedure: &body.procedure,
        citizen: &body.citizen,
        register_fallback: body.register_fallback,
        key,
    };
    let answered = drafts::take_at_counter(&state.services, &principal, request).await?;
    Ok(crate::replayed::or_fresh(answered, StatusCode::CREATED))
}
