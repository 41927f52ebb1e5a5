//! `POST /v1/counter/dossiers`: a desk clerk takes a dossier at the one-stop desk on a
//! citizen's behalf. The register is read as for an online draft, recorded with the clerk
//! and the purpose; the draft is the agency's (channel `counter`) and the clerk fills it,
//! records the paper received and its scans, and submits it into the same flow.

use crate::error::ApiError;
use crate::extract::{Auth, IdempotencyKey, Json};
use crate::routes::dossiers::open_draft;
use crate::state::AppState;
use axum::extract::State;
use axum::response::Response;
use motcua_auth::Principal;
use motcua_core::procedure::Role;
use motcua_service::checks::{checked_pin, current_procedure};
use motcua_service::Code;
use motcua_store::dossiers::CounterIntake;
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
    let agency = match &principal {
        Principal::Staff { agency, .. } if principal.holds(Role::DeskClerk) => agency,
        _ => {
            return Err(ApiError::new(
                Code::DeskClerksOnly,
                "dossiers are taken at the counter by a desk clerk",
            ))
        }
    };
    let pin = checked_pin(&body.citizen).map_err(|_| {
        ApiError::validation(
            "not a personal identification number",
            vec![crate::error::FieldProblem::new(
                "/citizen",
                "12 digits: province, century and sex, year, serial",
            )],
        )
    })?;
    let procedure = current_procedure(&state, &body.procedure)?;
    if !procedure.spec().channels.iter().any(|c| c == "counter") {
        return Err(ApiError::new(
            Code::ChannelNotOffered,
            format!("procedure {} is not taken at the counter", procedure.code()),
        ));
    }
    if !procedure.spec().agencies.iter().any(|a| a.id == *agency) {
        return Err(ApiError::new(
            Code::AgencyNotReceiving,
            format!(
                "your agency does not receive procedure {}",
                procedure.code()
            ),
        ));
    }
    open_draft(
        &state,
        &principal,
        key,
        "POST /v1/counter/dossiers",
        procedure,
        &pin,
        Some(CounterIntake {
            agency_id: agency,
            clerk: principal.subject(),
        }),
        body.register_fallback,
    )
    .await
}
