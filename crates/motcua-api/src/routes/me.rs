//! What the engine knows and did about the logged-in citizen.

use crate::error::ApiError;
use crate::extract::{Auth, Json, Query};
use crate::state::AppState;
use axum::extract::State;
use motcua_service::access_log::{self, AccessEntry};
use motcua_service::Code;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

const DEFAULT_LIMIT: i64 = 50;
const MAX_LIMIT: i64 = 200;

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct AccessLogParams {
    /// 1 to 200, default 50.
    limit: Option<i64>,
    /// `next_cursor` of the previous page.
    cursor: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct AccessLog {
    items: Vec<AccessEntry>,
    next_cursor: Option<String>,
}

#[utoipa::path(get, operation_id = "listMyAccessLog", path = "/v1/me/access-log", tag = "identity", security(("bearer" = [])),
    params(AccessLogParams),
    responses((status = 200, body = AccessLog),
              (status = 400, body = crate::error::Problem, content_type = "application/problem+json"),
              (status = 401, body = crate::error::Problem, content_type = "application/problem+json"),
              (status = 403, body = crate::error::Problem, content_type = "application/problem+json")))]
/// Every read of the citizen's register data, newest first.
pub async fn access_log(
    State(state): State<AppState>,
    Auth(principal): Auth,
    Query(params): Query<AccessLogParams>,
) -> Result<Json<AccessLog>, ApiError> {
    let citizen = access_log::reader(&principal)?;
    let limit = page_limit(params.limit)?;
    let before = params
        .cursor
        .as_deref()
        .map(|c| {
            c.parse::<i64>()
                .map_err(|_| ApiError::new(Code::InvalidCursor, "this cursor is not one we gave"))
        })
        .transpose()?;
    let page = access_log::list(&state.services, citizen, before, limit).await?;
    Ok(Json(AccessLog {
        items: page.items,
        next_cursor: page.more_before.map(|id| id.to_string()),
    }))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct DocumentStore {
    items: Vec<motcua_service::view::DocumentView>,
    next_cursor: Option<String>,
}

#[utoipa::path(get, operation_id = "listMyDocuments", path = "/v1/me/documents", tag = "documents", security(("bearer" = [])),
    params(AccessLogParams),
    responses((status = 200, body = DocumentStore),
              (status = 400, body = crate::error::Problem, content_type = "application/problem+json"),
              (status = 401, body = crate::error::Problem, content_type = "application/problem+json"),
              (status = 403, body = crate::error::Problem, content_type = "application/problem+json")))]
/// The citizen's store of digitised documents and electronic results (NĐ 45/2020 Điều 16),
/// newest first; any of them can be attached to a new dossier with `{"reuse": id}`.
pub async fn documents(
    State(state): State<AppState>,
    Auth(principal): Auth,
    Query(params): Query<AccessLogParams>,
) -> Result<Json<DocumentStore>, ApiError> {
    let citizen = motcua_service::documents::store::owner(&principal)?;
    let limit = page_limit(params.limit)?;
    let bad_cursor = || ApiError::new(Code::InvalidCursor, "this cursor is not one we gave");
    let after = params
        .cursor
        .as_deref()
        .map(|c| {
            let (micros, id) = c.split_once('_').ok_or_else(bad_cursor)?;
            let micros: i64 = micros.parse().map_err(|_| bad_cursor())?;
            Ok::<_, ApiError>(motcua_service::pages::PageAfter {
                created_at: chrono::DateTime::from_timestamp_micros(micros)
                    .ok_or_else(bad_cursor)?,
                id: Uuid::parse_str(id).map_err(|_| bad_cursor())?,
            })
        })
        .transpose()?;
    let page =
        motcua_service::documents::store::list(&state.services, citizen, after, limit).await?;
    Ok(Json(DocumentStore {
        items: page.items,
        next_cursor: page
            .more_after
            .map(|last| format!("{}_{}", last.created_at.timestamp_micros(), last.id)),
    }))
}

fn page_limit(limit: Option<i64>) -> Result<i64, ApiError> {
    match limit {
        None => Ok(DEFAULT_LIMIT),
        Some(n) if (1..=MAX_LIMIT).contains(&n) => Ok(n),
        Some(_) => Err(ApiError::new(
            Code::InvalidLimit,
            format!("limit must be between 1 and {MAX_LIMIT}"),
        )),
    }
}
