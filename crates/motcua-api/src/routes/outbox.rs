//! The outbox for supervisors (`motcua_service::outbox::operator`): `GET /v1/outbox` lists
//! their agency's dossiers' messages; `POST /v1/outbox/{id}/retry` and `/drop` decide one
//! that is dead (or waiting out a backoff). The command line does the same for every
//! message (`motcua outbox`).

use crate::error::ApiError;
use crate::extract::{Auth, Path, Query};
use crate::state::AppState;
use axum::extract::State;
use axum::Json;
use motcua_core::principal::Principal;
use motcua_service::outbox::operator::{
    self, Decision, Filter, MessagePage, MessageView, Operator,
};
use serde::Deserialize;
use utoipa::IntoParams;
use uuid::Uuid;

const PROBLEM: &str = "application/problem+json";

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct OutboxParams {
    /// `pending`, `delivered`, `dead` or `dropped`; default: all.
    state: Option<String>,
    /// A target (`dvcqg`); default: all.
    target: Option<String>,
    /// A dossier's id; default: all.
    dossier: Option<Uuid>,
    /// 1 to 200; default 50.
    limit: Option<i64>,
    /// The `next_cursor` of the previous page.
    cursor: Option<String>,
}

#[utoipa::path(get, operation_id = "listOutboxMessages", path = "/v1/outbox", tag = "outbox", security(("bearer" = [])),
    params(OutboxParams),
    responses((status = 200, body = MessagePage),
              (status = 401, body = crate::error::Problem, content_type = PROBLEM),
              (status = 403, body = crate::error::Problem, content_type = PROBLEM),
              (status = 422, body = crate::error::Problem, content_type = PROBLEM)))]
/// The outbox's messages of the supervisor's agency's dossiers, oldest first.
pub async fn list(
    State(state): State<AppState>,
    Auth(principal): Auth,
    Query(params): Query<OutboxParams>,
) -> Result<Json<MessagePage>, ApiError> {
    let filter = Filter {
        state: params.state,
        target: params.target,
        dossier_id: params.dossier,
    };
    Ok(Json(
        operator::list(
            state.services.store.as_ref(),
            Operator::Staff(&principal),
            filter,
            params.limit.unwrap_or(50),
            params.cursor.as_deref(),
        )
        .await?,
    ))
}

#[utoipa::path(post, operation_id = "retryOutboxMessage", path = "/v1/outbox/{id}/retry", tag = "outbox", security(("bearer" = [])),
    params(("id" = i64, Path)),
    responses((status = 200, body = MessageView),
              (status = 401, body = crate::error::Problem, content_type = PROBLEM),
              (status = 403, body = crate::error::Problem, content_type = PROBLEM),
              (status = 404, body = crate::error::Problem, content_type = PROBLEM),
              (status = 409, body = crate::error::Problem, content_type = PROBLEM)))]
/// Makes a dead (or backing-off) message due now, its attempts counted from 0 again.
pub async fn retry(
    State(state): State<AppState>,
    Auth(principal): Auth,
    Path(id): Path<i64>,
) -> Result<Json<MessageView>, ApiError> {
    decided(&state, &principal, id, Decision::Retry).await
}

#[utoipa::path(post, operation_id = "dropOutboxMessage", path = "/v1/outbox/{id}/drop", tag = "outbox", security(("bearer" = [])),
    params(("id" = i64, Path)),
    responses((status = 200, body = MessageView),
              (status = 401, body = crate::error::Problem, content_type = PROBLEM),
              (status = 403, body = crate::error::Problem, content_type = PROBLEM),
              (status = 404, body = crate::error::Problem, content_type = PROBLEM),
              (status = 409, body = crate::error::Problem, content_type = PROBLEM)))]
/// Drops a dead or pending message: it is never sent, and its dossier's later messages go on.
pub async fn drop(
    State(state): State<AppState>,
    Auth(principal): Auth,
    Path(id): Path<i64>,
) -> Result<Json<MessageView>, ApiError> {
    decided(&state, &principal, id, Decision::Drop).await
}

/// Message `id` once `decision` is taken by the supervisor `principal`.
async fn decided(
    state: &AppState,
    principal: &Principal,
    id: i64,
    decision: Decision,
) -> Result<Json<MessageView>, ApiError> {
    let store = state.services.store.as_ref();
    Ok(Json(
        operator::decide(store, Operator::Staff(principal), id, decision).await?,
    ))
}
