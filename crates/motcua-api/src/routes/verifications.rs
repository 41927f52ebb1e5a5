//! The public check of an issued result: `/xac-minh/{id}` (the page its QR code opens) and
//! `/v1/verifications/{id}` (the same as JSON; `POST` a file to compare it with the one
//! issued). No login; rate-limited per address (`MOTCUA_RATE_LIMIT_VERIFICATIONS`); every
//! check recorded. Staff revoke a result at `/v1/verifications/{id}/revocation`.

use crate::error::ApiError;
use crate::extract::{Auth, Json, Path};
use crate::rate_limits::client_address;
use crate::state::AppState;
use axum::extract::{Request, State};
use axum::response::{IntoResponse, Response};
use maud::{html, Markup, DOCTYPE};
use motcua_service::verifications::{self, VerificationView};
use motcua_service::{Code, ServiceError};
use serde::Deserialize;

const PROBLEM: &str = "application/problem+json";

fn address_of(state: &AppState, request: &Request) -> String {
    client_address(request, state.rate_limits.trust_forwarded_for).to_string()
}

#[utoipa::path(get, operation_id = "getVerification", path = "/v1/verifications/{id}", tag = "verifications",
    params(("id" = String, Path, description = "the id the result's QR code carries")),
    responses((status = 200, description = "`genuine`, `revoked` or `unknown`, with only the holder's initials and birth year", body = VerificationView),
              (status = 429, body = crate::error::Problem, content_type = PROBLEM)))]
/// Anyone checks an issued result by its id; no login.
pub async fn get(
    State(state): State<AppState>,
    Path(id): Path<String>,
    request: Request,
) -> Result<axum::Json<VerificationView>, ApiError> {
    let address = address_of(&state, &request);
    Ok(axum::Json(
        verifications::check(&state.services, &id, &address, "api").await?,
    ))
}

#[utoipa::path(post, operation_id = "checkVerificationFile", path = "/v1/verifications/{id}", tag = "verifications",
    params(("id" = String, Path)),
    request_body(content = Vec<u8>, description = "the file to compare (e.g. the PDF as received), as the body"),
    responses((status = 200, description = "the check, with `file`: `issued` when the file is byte for byte the one issued, else `not_issued`", body = VerificationView),
              (status = 413, body = crate::error::Problem, content_type = PROBLEM),
              (status = 429, body = crate::error::Problem, content_type = PROBLEM)))]
/// Anyone uploads a file to learn whether it is the one issued under this id.
pub async fn check_file(
    State(state): State<AppState>,
    Path(id): Path<String>,
    request: Request,
) -> Result<axum::Json<VerificationView>, ApiError> {
    let address = address_of(&state, &request);
    let bytes = axum::body::to_bytes(request.into_body(), 50 * 1024 * 1024)
        .await
        .map_err(|_| {
            ServiceError::new(
                Code::FileTooLarge,
                "the file to compare is too large, or did not arrive whole",
            )
        })?;
    Ok(axum::Json(
        verifications::check_file(&state.services, &id, &bytes, &address).await?,
    ))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct Revocation {
    /// Why the result no longer holds (shown on the public page).
    pub reason: String,
}

#[utoipa::path(post, operation_id = "revokeVerification", path = "/v1/verifications/{id}/revocation", tag = "verifications",
    security(("bearer" = [])),
    params(("id" = String, Path)),
    request_body = Revocation,
    responses((status = 200, body = VerificationView),
              (status = 403, body = crate::error::Problem, content_type = PROBLEM),
              (status = 404, body = crate::error::Problem, content_type = PROBLEM),
              (status = 422, body = crate::error::Problem, content_type = PROBLEM)))]
/// Staff of the issuing agency revoke a result, saying why.
pub async fn revoke(
    State(state): State<AppState>,
    Auth(principal): Auth,
    Path(id): Path<String>,
    Json(revocation): Json<Revocation>,
) -> Result<axum::Json<VerificationView>, ApiError> {
    Ok(axum::Json(
        verifications::revoke(&state.services, &principal, &id, &revocation.reason).await?,
    ))
}

fn page(view: &VerificationView) -> Markup {
    let (headline, class) = match view.status.as_str() {
        "genuine" => ("Văn bản hợp lệ: do cơ quan có thẩm quyền cấp", "genuine"),
        "revoked" => ("Văn bản đã bị thu hồi", "revoked"),
        _ => ("Không tìm thấy văn bản nào được cấp với mã này", "unknown"),
    };
    let vietnam = motcua_core::calendar::vietnam_offset();
    html! {
        (DOCTYPE)
        html lang="vi" {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                meta name="robots" content="noindex";
                title { "Xác minh văn bản điện tử" }
            }
            body {
                main {
                    h1 { "Xác minh văn bản điện tử" }
                    p class=(class) data-status=(view.status) { strong { (headline) } }
                    dl {
                        dt { "Mã xác minh" } dd { code { (view.id) } }
                        @if let Some(kind) = &view.kind { dt { "Loại văn bản" } dd { (kind) } }
                        @if let Some(issuer) = &view.issuer { dt { "Cơ quan cấp" } dd { (issuer) } }
                        @if let Some(at) = view.issued_at {
                            dt { "Ngày cấp" } dd { (at.with_timezone(&vietnam).format("%d/%m/%Y")) }
                        }
                        @if let Some(initials) = &view.holder_initials { dt { "Người được cấp" } dd { (initials) } }
                        @if let Some(year) = view.holder_birth_year { dt { "Năm sinh" } dd { (year) } }
                        @if let Some(sha) = &view.sha256 { dt { "Mã băm SHA-256 của tệp" } dd { code { (sha) } } }
                        @if let Some(at) = view.revoked_at {
                            dt { "Thu hồi ngày" } dd { (at.with_timezone(&vietnam).format("%d/%m/%Y")) }
                        }
                        @if let Some(reason) = &view.revoked_reason { dt { "Lý do thu hồi" } dd { (reason) } }
                    }
                    @if view.status != "unknown" {
                        p { "Để biết một tệp PDF có đúng là văn bản đã cấp hay không, gửi tệp đó (POST) tới "
                            code { "/v1/verifications/" (view.id) } "." }
                    }
                }
            }
        }
    }
}

/// The page a result's QR code opens: genuine, revoked or unknown, for anyone.
pub async fn html_page(
    State(state): State<AppState>,
    Path(id): Path<String>,
    request: Request,
) -> Result<Response, ApiError> {
    let address = address_of(&state, &request);
    let view = verifications::check(&state.services, &id, &address, "page").await?;
    Ok((
        [(axum::http::header::CACHE_CONTROL, "no-store")],
        page(&view),
    )
        .into_response())
}
