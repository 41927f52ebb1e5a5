//! What the national public-service portal (DVCQG) calls: `POST /v1/dvcqg/dossiers`, a
//! dossier filed on the portal pushed to the province
//! (`motcua_service::national_intake`). The caller is DVCQG's adapter (through the
//! province's integration platform), authenticated by the bearer token configured as
//! `DVCQG_INBOUND_TOKEN`, not by a person's login.

use crate::error::ApiError;
use crate::extract::Json;
use crate::state::AppState;
use axum::extract::{FromRequestParts, State};
use axum::http::request::Parts;
use axum::http::StatusCode;
use motcua_service::national_intake::{self, PushedDossier, Received};

const PROBLEM: &str = "application/problem+json";

/// The DVCQG adapter, by its bearer token: checked before the body is read.
pub struct DvcqgCaller;

impl FromRequestParts<AppState> for DvcqgCaller {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        if state.dvcqg_caller.admits(&parts.headers) {
            Ok(DvcqgCaller)
        } else {
            Err(ApiError::unauthorized(
                "this endpoint is DVCQG's: send the token configured as DVCQG_INBOUND_TOKEN \
                 as Authorization: Bearer",
            ))
        }
    }
}

#[utoipa::path(post, operation_id = "receiveDvcqgDossier", path = "/v1/dvcqg/dossiers", tag = "dvcqg", security(("dvcqg" = [])),
    request_body = PushedDossier,
    responses((status = 201, body = Received, description = "The dossier entered the flow"),
              (status = 200, body = Received, description = "Pushed before: the dossier the first push made"),
              (status = 401, body = crate::error::Problem, content_type = PROBLEM),
              (status = 422, body = crate::error::Problem, content_type = PROBLEM)))]
/// A dossier filed on the national portal: it enters the receiving agency's queue as if
/// submitted online; a national code pushed again answers the same dossier.
pub async fn receive(
    State(state): State<AppState>,
    _caller: DvcqgCaller,
    Json(pushed): Json<PushedDossier>,
) -> Result<(StatusCode, axum::Json<Received>), ApiError> {
    let received = national_intake::receive(&state.services, &pushed).await?;
    let status = if received.created {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    Ok((status, axum::Json(received)))
}
