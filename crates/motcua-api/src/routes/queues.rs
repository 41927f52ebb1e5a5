//! Staff work queues (`motcua_service::queues`): `GET /v1/queues`,
//! `POST /v1/queues/{queue}/claim`, and giving a dossier back or to someone else.

use crate::dossier_view::DossierView;
use crate::error::ApiError;
use crate::extract::{Auth, IdempotencyKey, Json, Path};
use crate::state::AppState;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use motcua_service::idempotency::Answered;
use motcua_service::queues::{self, Counting, QueueList};
use serde::Deserialize;
use utoipa::ToSchema;
use uuid::Uuid;

const PROBLEM: &str = "application/problem+json";

#[utoipa::path(get, operation_id = "listQueues", path = "/v1/queues", tag = "queues", security(("bearer" = [])),
    responses((status = 200, body = QueueList),
              (status = 401, body = crate::error::Problem, content_type = PROBLEM),
              (status = 403, body = crate::error::Problem, content_type = PROBLEM)))]
/// The queues the caller may work, in their agency, with their figures.
pub async fn list(
    State(state): State<AppState>,
    Auth(principal): Auth,
) -> Result<Json<QueueList>, ApiError> {
    Ok(Json(
        queues::list(&state.services, &principal, Counting::Exact).await?,
    ))
}

#[utoipa::path(post, operation_id = "claimFromQueue", path = "/v1/queues/{queue}/claim", tag = "queues", security(("bearer" = [])),
    params(("queue" = String, Path, description = "`{procedure code}:{state}`, e.g. `3.000465:submitted`")),
    responses((status = 200, description = "the next dossier, now assigned to the caller", body = DossierView),
              (status = 204, description = "the queue is empty"),
              (status = 401, body = crate::error::Problem, content_type = PROBLEM),
              (status = 403, body = crate::error::Problem, content_type = PROBLEM),
              (status = 404, body = crate::error::Problem, content_type = PROBLEM)))]
/// Hands the caller the unclaimed dossier of the queue that is due first.
pub async fn claim(
    State(state): State<AppState>,
    Auth(principal): Auth,
    IdempotencyKey(key): IdempotencyKey,
    Path(queue): Path<String>,
) -> Result<Response, ApiError> {
    let answered = queues::claim(&state.services, &principal, key, &queue).await?;
    Ok(match answered {
        Answered::Fresh(Some(view)) => (StatusCode::OK, axum::Json(view)).into_response(),
        Answered::Fresh(None) => StatusCode::NO_CONTENT.into_response(),
        Answered::Replayed(replay) => crate::replayed::response(replay),
    })
}

#[utoipa::path(post, operation_id = "releaseDossier", path = "/v1/dossiers/{id}/release", tag = "queues", security(("bearer" = [])),
    params(("id" = Uuid, Path)),
    responses((status = 200, body = DossierView),
              (status = 401, body = crate::error::Problem, content_type = PROBLEM),
              (status = 403, body = crate::error::Problem, content_type = PROBLEM),
              (status = 404, body = crate::error::Problem, content_type = PROBLEM),
              (status = 409, body = crate::error::Problem, content_type = PROBLEM)))]
/// Gives a claimed dossier back to its queue (its holder, or a supervisor).
pub async fn release(
    State(state): State<AppState>,
    Auth(principal): Auth,
    Path(id): Path<Uuid>,
) -> Result<Json<DossierView>, ApiError> {
    Ok(Json(
        queues::release(&state.services, &principal, id).await?,
    ))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AssignRequest {
    /// The staff member (username) who works the dossier from now on.
    to: String,
}

#[utoipa::path(post, operation_id = "assignDossier", path = "/v1/dossiers/{id}/assign", tag = "queues", security(("bearer" = [])),
    params(("id" = Uuid, Path)),
    request_body = AssignRequest,
    responses((status = 200, body = DossierView),
              (status = 401, body = crate::error::Problem, content_type = PROBLEM),
              (status = 403, body = crate::error::Problem, content_type = PROBLEM),
              (status = 404, body = crate::error::Problem, content_type = PROBLEM),
              (status = 409, body = crate::error::Problem, content_type = PROBLEM),
              (status = 422, description = "`validation_failed`: `to` is not a username; \
                  `unknown_staff_member`: nobody by that name has logged in as staff or is in the staff directory; \
                  `not_in_agency`: they are staff of another agency; \
                  `no_role_for_state`: they do not hold the role that works the dossier's current state",
               body = crate::error::Problem, content_type = PROBLEM)))]
/// A supervisor hands a dossier to a given staff member of the agency: one the engine knows
/// (from their logins, or the staff directory) who holds the role that works its state.
pub async fn assign(
    State(state): State<AppState>,
    Auth(principal): Auth,
    Path(id): Path<Uuid>,
    Json(request): Json<AssignRequest>,
) -> Result<Json<DossierView>, ApiError> {
    Ok(Json(
        queues::assign(&state.services, &principal, id, &request.to).await?,
    ))
}
