//! Citizen dossiers: create a draft, read, list, patch, submit, act.

use crate::dossier_view::DossierView;
use crate::error::ApiError;
use crate::extract::{Auth, IdempotencyKey, Json, Path, Query};
use crate::pagination::{Cursor, Page, PageParams};
use crate::state::AppState;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use motcua_service::dossier_reads::{self, EventView, ListQuery};
use motcua_service::drafts::{self, NewOnlineDraft};
use motcua_service::submission::{self, SubmitAnswer};
use serde::Deserialize;
use serde_json::Value;
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

const PROBLEM: &str = "application/problem+json";

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateDossier {
    /// The procedure code, e.g. `1.005142`.
    procedure: String,
    /// After a `not_in_register` answer: create the draft anyway, without prefill; the
    /// procedure's fallback documents are then required and the clerk checks them.
    #[serde(default)]
    register_fallback: bool,
}

#[utoipa::path(post, operation_id = "createDossier", path = "/v1/dossiers", tag = "dossiers", security(("bearer" = [])),
    request_body = CreateDossier,
    params(("Idempotency-Key" = Option<String>, Header, description = "replays the first answer")),
    responses((status = 201, body = DossierView),
              (status = 401, body = crate::error::Problem, content_type = PROBLEM),
              (status = 403, body = crate::error::Problem, content_type = PROBLEM),
              (status = 404, body = crate::error::Problem, content_type = PROBLEM),
              (status = 422, description = "invalid body, `not_in_register` (with `fallback_documents`), `person_deceased`",
               body = crate::error::Problem, content_type = PROBLEM),
              (status = 429, description = "`rate_limited`: too many drafts from this account or address; `Retry-After` says when to retry",
               body = crate::error::Problem, content_type = PROBLEM),
              (status = 503, description = "`register_unavailable`, with `Retry-After`; nothing was created",
               body = crate::error::Problem, content_type = PROBLEM)))]
pub async fn create(
    State(state): State<AppState>,
    Auth(principal): Auth,
    IdempotencyKey(key): IdempotencyKey,
    Json(body): Json<CreateDossier>,
) -> Result<Response, ApiError> {
    let request = NewOnlineDraft {
        procedure: &body.procedure,
        register_fallback: body.register_fallback,
        key,
    };
    let answered = drafts::create(&state.services, &principal, request).await?;
    Ok(crate::replayed::or_fresh(answered, StatusCode::CREATED))
}

#[utoipa::path(post, operation_id = "refreshPrefill", path = "/v1/dossiers/{id}/prefill", tag = "dossiers", security(("bearer" = [])),
    params(("id" = Uuid, Path)),
    responses((status = 200, description = "the draft with the register's current values", body = DossierView),
              (status = 401, body = crate::error::Problem, content_type = PROBLEM),
              (status = 403, description = "`citizens_only`: only the citizen refreshes their draft from the register", body = crate::error::Problem, content_type = PROBLEM),
              (status = 404, body = crate::error::Problem, content_type = PROBLEM),
              (status = 409, body = crate::error::Problem, content_type = PROBLEM),
              (status = 422, body = crate::error::Problem, content_type = PROBLEM),
              (status = 503, body = crate::error::Problem, content_type = PROBLEM)))]
/// Reads the register again for a draft (logged like the first read).
pub async fn refresh_prefill(
    State(state): State<AppState>,
    Auth(principal): Auth,
    Path(id): Path<Uuid>,
) -> Result<Json<DossierView>, ApiError> {
    Ok(Json(
        drafts::refresh_prefill(&state.services, &principal, id).await?,
    ))
}

#[utoipa::path(get, operation_id = "getDossier", path = "/v1/dossiers/{id}", tag = "dossiers", security(("bearer" = [])),
    params(("id" = Uuid, Path)),
    responses((status = 200, body = DossierView),
              (status = 401, body = crate::error::Problem, content_type = PROBLEM),
              (status = 404, body = crate::error::Problem, content_type = PROBLEM)))]
pub async fn get(
    State(state): State<AppState>,
    Auth(principal): Auth,
    Path(id): Path<Uuid>,
) -> Result<Json<DossierView>, ApiError> {
    Ok(Json(
        dossier_reads::get(&state.services, &principal, id).await?,
    ))
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct ListParams {
    /// 1 to 200, default 50.
    limit: Option<i64>,
    /// `next_cursor` of the previous page.
    cursor: Option<String>,
    /// Staff only: dossiers in this state.
    state: Option<String>,
    /// Staff only: dossiers of this procedure code.
    procedure: Option<String>,
    /// Staff only: dossiers past their due date and not finished.
    overdue: Option<bool>,
}

#[utoipa::path(get, operation_id = "listDossiers", path = "/v1/dossiers", tag = "dossiers", security(("bearer" = [])),
    params(ListParams),
    responses((status = 200, body = Page<DossierView>),
              (status = 400, body = crate::error::Problem, content_type = PROBLEM),
              (status = 401, body = crate::error::Problem, content_type = PROBLEM)))]
pub async fn list(
    State(state): State<AppState>,
    Auth(principal): Auth,
    Query(params): Query<ListParams>,
) -> Result<Json<Page<DossierView>>, ApiError> {
    let page = PageParams {
        limit: params.limit,
        cursor: params.cursor.clone(),
    };
    let query = ListQuery {
        limit: page.limit()?,
        after: page.after()?,
        state: params.state.as_deref(),
        procedure: params.procedure.as_deref(),
        overdue: params.overdue.unwrap_or(false),
        held_by_me: false,
    };
    let page = dossier_reads::list(&state.services, &principal, query).await?;
    Ok(Json(Page {
        items: page.items,
        next_cursor: page.more_after.as_ref().map(Cursor::after),
    }))
}

#[utoipa::path(patch, operation_id = "updateDossier", path = "/v1/dossiers/{id}", tag = "dossiers", security(("bearer" = [])),
    params(("id" = Uuid, Path)),
    request_body(content = Object, content_type = "application/merge-patch+json",
                 description = "JSON Merge Patch (RFC 7396) of the dossier's data"),
    responses((status = 200, body = DossierView),
              (status = 401, body = crate::error::Problem, content_type = PROBLEM),
              (status = 404, body = crate::error::Problem, content_type = PROBLEM),
              (status = 409, body = crate::error::Problem, content_type = PROBLEM),
              (status = 422, body = crate::error::Problem, content_type = PROBLEM)))]
pub async fn patch(
    State(state): State<AppState>,
    Auth(principal): Auth,
    Path(id): Path<Uuid>,
    Json(patch): Json<Value>,
) -> Result<Json<DossierView>, ApiError> {
    Ok(Json(
        drafts::patch(&state.services, &principal, id, &patch).await?,
    ))
}

#[utoipa::path(post, operation_id = "submitDossier", path = "/v1/dossiers/{id}/submit", tag = "dossiers", security(("bearer" = [])),
    params(("id" = Uuid, Path),
           ("Idempotency-Key" = Option<String>, Header, description = "replays the first answer")),
    responses((status = 200, body = SubmitAnswer),
              (status = 401, body = crate::error::Problem, content_type = PROBLEM),
              (status = 403, description = "`role_not_allowed` (not the draft's citizen or counter desk), `procedure_not_open` (outside the procedure's window)",
               body = crate::error::Problem, content_type = PROBLEM),
              (status = 404, body = crate::error::Problem, content_type = PROBLEM),
              (status = 409, body = crate::error::Problem, content_type = PROBLEM),
              (status = 422, body = crate::error::Problem, content_type = PROBLEM),
              (status = 429, description = "`rate_limited`: too many submissions from this account or address; `Retry-After` says when to retry",
               body = crate::error::Problem, content_type = PROBLEM)))]
pub async fn submit(
    State(state): State<AppState>,
    Auth(principal): Auth,
    IdempotencyKey(key): IdempotencyKey,
    Path(id): Path<Uuid>,
) -> Result<Response, ApiError> {
    let answered = submission::submit(&state.services, &principal, key, id).await?;
    Ok(crate::replayed::or_fresh(answered, StatusCode::OK))
}

#[utoipa::path(get, operation_id = "listDossierEvents", path = "/v1/dossiers/{id}/events", tag = "dossiers", security(("bearer" = [])),
    params(("id" = Uuid, Path)),
    responses((status = 200, body = Vec<EventView>),
              (status = 401, body = crate::error::Problem, content_type = PROBLEM),
              (status = 404, body = crate::error::Problem, content_type = PROBLEM)))]
pub async fn timeline(
    State(state): State<AppState>,
    Auth(principal): Auth,
    Path(id): Path<Uuid>,
) -> Result<Json<Vec<EventView>>, ApiError> {
    Ok(Json(
        dossier_reads::timeline(&state.services, &principal, id).await?,
    ))
}
