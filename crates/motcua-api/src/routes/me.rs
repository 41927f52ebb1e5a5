//! What the engine knows and did about the logged-in citizen.

use crate::error::ApiError;
use crate::extract::{Auth, Json, Query};
use crate::state::AppState;
use crate::time::in_vietnam;
use axum::extract::State;
use axum::http::StatusCode;
use chrono::{DateTime, FixedOffset};
use motcua_auth::Principal;
use motcua_store::register_access;
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

/// Who read the citizen's data, when, and why.
#[derive(Debug, Serialize, ToSchema)]
pub struct AccessEntry {
    at: DateTime<FixedOffset>,
    /// What was read: `register` (the national population database).
    source: &'static str,
    /// `citizen` (the citizen themself, through their dossier) or `staff`.
    actor_kind: String,
    /// The citizen's own number, or the staff member's username.
    actor: String,
    actor_role: Option<String>,
    actor_agency: Option<String>,
    /// The register fields read.
    fields: Vec<String>,
    procedure: String,
    dossier_id: Uuid,
    purpose: String,
    /// `ok`, `not_found`, `deceased`, `under_review`, `unavailable`, `refused`.
    outcome: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct AccessLog {
    items: Vec<AccessEntry>,
    next_cursor: Option<String>,
}

#[utoipa::path(get, path = "/v1/me/access-log", tag = "identity", security(("bearer" = [])),
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
    let Principal::Citizen { pin, .. } = &principal else {
        return Err(ApiError::forbidden(
            "citizens_only",
            "the access log shows a citizen the reads of their own data",
        ));
    };
    let limit = match params.limit {
        None => DEFAULT_LIMIT,
        Some(n) if (1..=MAX_LIMIT).contains(&n) => n,
        Some(_) => {
            return Err(ApiError::new(
                StatusCode::BAD_REQUEST,
                "invalid_limit",
                format!("limit must be between 1 and {MAX_LIMIT}"),
            ))
        }
    };
    let before = params
        .cursor
        .as_deref()
        .map(|c| {
            c.parse::<i64>().map_err(|_| {
                ApiError::new(
                    StatusCode::BAD_REQUEST,
                    "invalid_cursor",
                    "this cursor is not one we gave",
                )
            })
        })
        .transpose()?;
    let rows = register_access::list_for_subject(&state.pool, pin, before, limit + 1).await?;
    let next_cursor = (rows.len() as i64 > limit)
        .then(|| rows.get(limit as usize - 1).map(|r| r.id.to_string()))
        .flatten();
    let items = rows
        .into_iter()
        .take(limit as usize)
        .map(|r| AccessEntry {
            at: in_vietnam(r.at),
            source: "register",
            actor_kind: r.actor_kind,
            actor: r.actor,
            actor_role: r.actor_role,
            actor_agency: r.actor_agency,
            fields: r.fields,
            procedure: r.procedure_code,
            dossier_id: r.dossier_id,
            purpose: r.purpose,
            outcome: r.outcome,
        })
        .collect();
    Ok(Json(AccessLog { items, next_cursor }))
}
