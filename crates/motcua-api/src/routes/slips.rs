//! The official slips of TT 03/2025/TT-VPCP issued for a dossier
//! (`motcua_service::slips`): the receipt and appointment (Mẫu 01), supplement request
//! (02), refusal (03), apology and new date (04), stop notice (05), and the process-control
//! slip (06).

use crate::error::ApiError;
use crate::extract::{Auth, Json, Path};
use crate::state::AppState;
use axum::extract::State;
use motcua_service::slips::{self, SlipList};
use serde_json::Value;
use uuid::Uuid;

const PROBLEM: &str = "application/problem+json";

#[utoipa::path(get, operation_id = "listSlips", path = "/v1/dossiers/{id}/slips", tag = "slips", security(("bearer" = [])),
    params(("id" = Uuid, Path)),
    responses((status = 200, body = SlipList),
              (status = 401, body = crate::error::Problem, content_type = PROBLEM),
              (status = 404, body = crate::error::Problem, content_type = PROBLEM)))]
/// The slips issued for a dossier.
pub async fn list(
    State(state): State<AppState>,
    Auth(principal): Auth,
    Path(id): Path<Uuid>,
) -> Result<Json<SlipList>, ApiError> {
    Ok(Json(slips::list(&state.services, &principal, id).await?))
}

#[utoipa::path(get, operation_id = "getSlip", path = "/v1/dossiers/{id}/slips/{kind}", tag = "slips", security(("bearer" = [])),
    params(("id" = Uuid, Path), ("kind" = String, Path, description = "`receipt`, `supplement`, `refusal`, `apology`, `stop`, `control`")),
    responses((status = 200, description = "the slip's content", body = Object),
              (status = 401, body = crate::error::Problem, content_type = PROBLEM),
              (status = 404, description = "no such dossier, or no such slip issued for it", body = crate::error::Problem, content_type = PROBLEM),
              (status = 410, description = "the dossier was anonymised when its retention ended: its slips cannot be written any more", body = crate::error::Problem, content_type = PROBLEM)))]
/// One slip, complete.
pub async fn get(
    State(state): State<AppState>,
    Auth(principal): Auth,
    Path((id, kind)): Path<(Uuid, String)>,
) -> Result<Json<Value>, ApiError> {
    Ok(Json(
        slips::slip(&state.services, &principal, id, &kind).await?,
    ))
}

#[utoipa::path(get, operation_id = "getSlipPdf", path = "/v1/dossiers/{id}/slips/{kind}/pdf", tag = "slips", security(("bearer" = [])),
    params(("id" = Uuid, Path), ("kind" = String, Path, description = "`receipt`, `supplement`, `refusal`, `apology`, `stop`, `control`")),
    responses((status = 200, description = "the slip as an A4 PDF (PDF/A-2b), signed by the agency (PAdES) when a signing key is configured", content_type = "application/pdf"),
              (status = 401, body = crate::error::Problem, content_type = PROBLEM),
              (status = 404, description = "no such dossier, or no such slip issued for it", body = crate::error::Problem, content_type = PROBLEM),
              (status = 410, description = "the dossier was anonymised when its retention ended", body = crate::error::Problem, content_type = PROBLEM),
              (status = 503, description = "the PDF fonts are not installed (Debian's fonts-noto-core)", body = crate::error::Problem, content_type = PROBLEM)))]
/// One slip as a printable, signed PDF.
pub async fn pdf(
    State(state): State<AppState>,
    Auth(principal): Auth,
    Path((id, kind)): Path<(Uuid, String)>,
) -> Result<axum::response::Response, ApiError> {
    use axum::response::IntoResponse;
    let bytes = slips::slip_pdf(&state.services, &principal, id, &kind).await?;
    Ok((
        [
            (
                axum::http::header::CONTENT_TYPE,
                "application/pdf".to_owned(),
            ),
            (
                axum::http::header::CONTENT_DISPOSITION,
                format!("inline; filename=\"{kind}.pdf\""),
            ),
            (
                axum::http::header::CACHE_CONTROL,
                "private, no-store".to_owned(),
            ),
        ],
        bytes,
    )
        .into_response())
}
