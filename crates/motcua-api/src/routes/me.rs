//! What the engine knows and did about the logged-in citizen.

use crate::error::ApiError;
use crate::extract::{Auth, Json, Query};
use crate::state::AppState;
use crate::time::in_vietnam;
use axum::extract::State;
use chrono::{DateTime, FixedOffset};
use motcua_auth::Principal;
use motcua_service::Code;
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
    /// What was read: `register` (the national population database) or `document` (a
    /// staff member opened one of the citizen's documents).
    source: String,
    document_id: Option<Uuid>,
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
    let Principal::Citizen { pin, .. } = &principal else {
        return Err(ApiError::new(
            Code::CitizensOnly,
            "the access log shows a citizen the reads of their own data",
        ));
    };
    let limit = page_limit(params.limit)?;
    let before = params
        .cursor
        .as_deref()
        .map(|c| {
            c.parse::<i64>()
                .map_err(|_| ApiError::new(Code::InvalidCursor, "this cursor is not one we gave"))
        })
        .transpose()?;
    let rows =
        register_access::list_for_subject(&state.pool, pin.as_str(), before, limit + 1).await?;
    let next_cursor = (rows.len() as i64 > limit)
        .then(|| rows.get(limit as usize - 1).map(|r| r.id.to_string()))
        .flatten();
    let items = rows
        .into_iter()
        .take(limit as usize)
        .map(|r| AccessEntry {
            at: in_vietnam(r.at),
            source: r.source,
            document_id: r.document_id,
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
    let Principal::Citizen { pin, .. } = &principal else {
        return Err(ApiError::new(
            Code::CitizensOnly,
            "the document store belongs to a citizen",
        ));
    };
    let limit = page_limit(params.limit)?;
    let bad_cursor = || ApiError::new(Code::InvalidCursor, "this cursor is not one we gave");
    let before = params
        .cursor
        .as_deref()
        .map(|c| {
            let (micros, id) = c.split_once('_').ok_or_else(bad_cursor)?;
            let micros: i64 = micros.parse().map_err(|_| bad_cursor())?;
            let at = chrono::DateTime::from_timestamp_micros(micros).ok_or_else(bad_cursor)?;
            let id = Uuid::parse_str(id).map_err(|_| bad_cursor())?;
            Ok::<_, ApiError>((at, id))
        })
        .transpose()?;
    let rows =
        motcua_store::documents::list_for_owner(&state.pool, pin.as_str(), before, limit + 1)
            .await?;
    let next_cursor = (rows.len() as i64 > limit)
        .then(|| {
            rows.get(limit as usize - 1)
                .map(|d| format!("{}_{}", d.created_at.timestamp_micros(), d.id))
        })
        .flatten();
    Ok(Json(DocumentStore {
        items: rows
            .into_iter()
            .take(limit as usize)
            .map(Into::into)
            .collect(),
        next_cursor,
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
