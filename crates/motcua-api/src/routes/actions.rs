//! `POST /v1/dossiers/{id}/actions/{action}` (`motcua_service::actions`): a step of the
//! procedure's workflow, the withdrawal of a draft, or an apology with a new return date.

use crate::dossier_view::DossierView;
use crate::error::ApiError;
use crate::extract::{Auth, IdempotencyKey, Json, Path};
use crate::state::AppState;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use motcua_service::actions::{self, Act, ActionRequest};
use uuid::Uuid;

const PROBLEM: &str = "application/problem+json";

#[utoipa::path(post, operation_id = "performAction", path = "/v1/dossiers/{id}/actions/{action}", tag = "dossiers", security(("bearer" = [])),
    params(("id" = Uuid, Path), ("action" = String, Path)),
    request_body = ActionRequest,
    responses((status = 200, body = DossierView),
              (status = 401, body = crate::error::Problem, content_type = PROBLEM),
              (status = 403, description = "`role_not_allowed`", body = crate::error::Problem, content_type = PROBLEM),
              (status = 404, body = crate::error::Problem, content_type = PROBLEM),
              (status = 409, description = "`action_not_allowed` (with `allowed_actions`), `assigned_to_another`, `action_already_taken`, `apology_refused`",
               body = crate::error::Problem, content_type = PROBLEM),
              (status = 422, body = crate::error::Problem, content_type = PROBLEM)))]
/// Takes a workflow action on a dossier. With an `Idempotency-Key`, a retry gets the
/// first answer instead of taking the action twice.
pub async fn act(
    State(state): State<AppState>,
    Auth(principal): Auth,
    IdempotencyKey(key): IdempotencyKey,
    Path((id, action)): Path<(Uuid, String)>,
    Json(request): Json<ActionRequest>,
) -> Result<Response, ApiError> {
    let act = Act {
        principal: &principal,
        key,
        dossier_id: id,
        action: &action,
        request: &request,
    };
    let answered = actions::act(&state.services, act).await?;
    Ok(crate::replayed::or_fresh(answered, StatusCode::OK))
}
