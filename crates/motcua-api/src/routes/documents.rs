//! A dossier's documents: upload (streamed to storage), reuse from the citizen's store,
//! paper received at the counter, removal, download; and electronic results. The use cases
//! are `motcua_service::documents`; here are their requests and answers over HTTP.

use crate::error::ApiError;
use crate::extract::{Auth, Json, Path, Query};
use crate::state::AppState;
use crate::upload_body::{self, Declaration};
use axum::body::Body;
use axum::extract::State;
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use motcua_files::ByteStream;
use motcua_service::documents::download::{self, Download};
use motcua_service::documents::{removal, results, reuse, upload};
use motcua_service::view::{DocumentView, DossierDocumentView};
use serde::Deserialize;
use uuid::Uuid;

pub use motcua_service::documents::reuse::AttachExisting;

const PROBLEM: &str = "application/problem+json";

/// `attachment; filename="ascii"; filename*=UTF-8''percent-encoded` (RFC 6266).
fn content_disposition(file_name: &str) -> HeaderValue {
    let ascii: String = file_name
        .chars()
        .map(|c| {
            if c.is_ascii_graphic() && c != '"' && c != '\\' || c == ' ' {
                c
            } else {
                '_'
            }
        })
        .collect();
    let encoded: String = file_name
        .bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"!#$&+-.^_`|~".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect();
    HeaderValue::from_str(&format!(
        "attachment; filename=\"{ascii}\"; filename*=UTF-8''{encoded}"
    ))
    .unwrap_or_else(|_| HeaderValue::from_static("attachment"))
}

#[utoipa::path(put, operation_id = "uploadDocument", path = "/v1/dossiers/{id}/documents/{requirement}", tag = "documents",
    security(("bearer" = [])),
    params(("id" = Uuid, Path), ("requirement" = String, Path),
           ("Content-Disposition" = Option<String>, Header, description = "`attachment; filename=…`: the file's name")),
    request_body(content = Vec<u8>, description = "the file's bytes; `Content-Type` is its media type"),
    responses((status = 201, body = DossierDocumentView),
              (status = 404, body = crate::error::Problem, content_type = PROBLEM),
              (status = 409, body = crate::error::Problem, content_type = PROBLEM),
              (status = 413, body = crate::error::Problem, content_type = PROBLEM),
              (status = 415, body = crate::error::Problem, content_type = PROBLEM),
              (status = 422, body = crate::error::Problem, content_type = PROBLEM),
              (status = 503, body = crate::error::Problem, content_type = PROBLEM)))]
/// Uploads the document of a requirement, replacing an earlier one.
pub async fn upload(
    State(state): State<AppState>,
    Auth(principal): Auth,
    Path((id, key)): Path<(Uuid, String)>,
    headers: HeaderMap,
    body: Body,
) -> Result<Response, ApiError> {
    let declaration = Declaration::of(&headers);
    let accepted = upload::accept(
        &state.services,
        &principal,
        id,
        &key,
        declaration.declared(),
    )
    .await;
    let (accepted, bytes) =
        upload_body::body_of(accepted, |a| &a.content_type, body, &headers).await?;
    let view = upload::store(&state.services, &principal, accepted, bytes)
        .await
        .map_err(upload_body::failed)?;
    Ok((StatusCode::CREATED, axum::Json(view)).into_response())
}

#[utoipa::path(post, operation_id = "attachExistingDocument", path = "/v1/dossiers/{id}/documents/{requirement}", tag = "documents",
    security(("bearer" = [])),
    params(("id" = Uuid, Path), ("requirement" = String, Path)),
    request_body = AttachExisting,
    responses((status = 201, body = DossierDocumentView),
              (status = 404, body = crate::error::Problem, content_type = PROBLEM),
              (status = 409, body = crate::error::Problem, content_type = PROBLEM),
              (status = 422, body = crate::error::Problem, content_type = PROBLEM)))]
/// Reuses a document of the citizen's store, or records paper received at the counter.
pub async fn attach_existing(
    State(state): State<AppState>,
    Auth(principal): Auth,
    Path((id, key)): Path<(Uuid, String)>,
    Json(request): Json<AttachExisting>,
) -> Result<Response, ApiError> {
    let view = reuse::attach_existing(&state.services, &principal, id, &key, request).await?;
    Ok((StatusCode::CREATED, axum::Json(view)).into_response())
}

#[utoipa::path(delete, operation_id = "removeDocument", path = "/v1/dossiers/{id}/documents/{requirement}", tag = "documents",
    security(("bearer" = [])),
    params(("id" = Uuid, Path), ("requirement" = String, Path)),
    responses((status = 204),
              (status = 404, body = crate::error::Problem, content_type = PROBLEM),
              (status = 409, body = crate::error::Problem, content_type = PROBLEM)))]
/// Removes the document of a requirement while the dossier may be edited.
pub async fn remove(
    State(state): State<AppState>,
    Auth(principal): Auth,
    Path((id, key)): Path<(Uuid, String)>,
) -> Result<StatusCode, ApiError> {
    removal::remove(&state.services, &principal, id, &key).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// How the bytes are delivered.
#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct DownloadParams {
    /// `redirect`: a 302 to a signed URL of the storage, valid for five minutes, when the
    /// storage can sign one (S3); the bytes themselves otherwise.
    delivery: Option<Delivery>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Delivery {
    Stream,
    Redirect,
}

#[utoipa::path(get, operation_id = "downloadAttachment", path = "/v1/attachments/{id}/content", tag = "documents",
    security(("bearer" = [])),
    params(("id" = Uuid, Path), DownloadParams),
    responses((status = 200, description = "the file, as an attachment", content_type = "application/octet-stream"),
              (status = 302, description = "`delivery=redirect`: the file at a short-lived signed URL (`Location`)"),
              (status = 404, body = crate::error::Problem, content_type = PROBLEM),
              (status = 410, description = "erased: its dossier's retention ended", body = crate::error::Problem, content_type = PROBLEM),
              (status = 503, body = crate::error::Problem, content_type = PROBLEM)))]
/// The bytes of a document, for its owner or for staff of an agency whose dossier holds it
/// (each staff download is in the citizen's access log).
pub async fn download(
    State(state): State<AppState>,
    Auth(principal): Auth,
    Path(id): Path<Uuid>,
    Query(params): Query<DownloadParams>,
) -> Result<Response, ApiError> {
    let document = download::find(&state.services, &principal, id).await?;
    let disposition = content_disposition(&document.file_name);
    if params.delivery == Some(Delivery::Redirect) {
        let signed = match disposition.to_str() {
            Ok(disposition) => document.link(&state.services, disposition).await,
            Err(_) => None,
        };
        if let Some(url) = signed.and_then(|url| HeaderValue::from_str(&url).ok()) {
            let mut response = StatusCode::FOUND.into_response();
            response.headers_mut().insert(header::LOCATION, url);
            response.headers_mut().insert(
                header::CACHE_CONTROL,
                HeaderValue::from_static("private, no-store"),
            );
            return Ok(response);
        }
    }
    let bytes = document.open(&state.services).await?;
    Ok(attachment(&document, disposition, bytes))
}

/// The document's bytes as an attachment the browser neither renders nor keeps.
fn attachment(document: &Download, disposition: HeaderValue, bytes: ByteStream) -> Response {
    let mut response = Body::from_stream(bytes).into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_str(&document.content_type)
            .unwrap_or_else(|_| HeaderValue::from_static("application/octet-stream")),
    );
    headers.insert(header::CONTENT_DISPOSITION, disposition);
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    headers.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("private, no-store"),
    );
    if let Ok(etag) = HeaderValue::from_str(&format!("\"{}\"", document.sha256)) {
        headers.insert(header::ETAG, etag);
    }
    response
}

#[utoipa::path(put, operation_id = "uploadResult", path = "/v1/dossiers/{id}/results/{result_code}", tag = "documents",
    security(("bearer" = [])),
    params(("id" = Uuid, Path), ("result_code" = String, Path, description = "mã kết quả")),
    request_body(content = Vec<u8>, description = "the signed result (PDF, XML or JSON)"),
    responses((status = 201, body = DocumentView),
              (status = 403, body = crate::error::Problem, content_type = PROBLEM),
              (status = 404, body = crate::error::Problem, content_type = PROBLEM),
              (status = 409, body = crate::error::Problem, content_type = PROBLEM),
              (status = 415, body = crate::error::Problem, content_type = PROBLEM),
              (status = 422, body = crate::error::Problem, content_type = PROBLEM),
              (status = 503, body = crate::error::Problem, content_type = PROBLEM)))]
/// Staff attach an electronic result to a dossier of their agency; issuing it (the
/// workflow's `result_to_store`) puts it into the citizen's store, ready to be reused by
/// the next procedure.
pub async fn attach_result(
    State(state): State<AppState>,
    Auth(principal): Auth,
    Path((id, result_code)): Path<(Uuid, String)>,
    headers: HeaderMap,
    body: Body,
) -> Result<Response, ApiError> {
    let declaration = Declaration::of(&headers);
    let accepted = results::accept(
        &state.services,
        &principal,
        id,
        &result_code,
        declaration.declared(),
    )
    .await;
    let (accepted, bytes) =
        upload_body::body_of(accepted, |a| &a.content_type, body, &headers).await?;
    let view = results::store(&state.services, &principal, accepted, bytes)
        .await
        .map_err(upload_body::failed)?;
    Ok((StatusCode::CREATED, axum::Json(view)).into_response())
}

#[utoipa::path(post, operation_id = "issueResultPdf", path = "/v1/dossiers/{id}/results/{result_code}/pdf", tag = "documents",
    security(("bearer" = [])),
    params(("id" = Uuid, Path), ("result_code" = String, Path, description = "mã kết quả")),
    request_body(content = results::ResultText, description = "the result's title (the procedure's result name when absent) and body"),
    responses((status = 201, description = "the result, laid out as a PDF signed by the agency, its QR code leading to its public verification page", body = DocumentView),
              (status = 403, body = crate::error::Problem, content_type = PROBLEM),
              (status = 404, body = crate::error::Problem, content_type = PROBLEM),
              (status = 409, description = "not the step or person that issues it; or `result_signature_required`: the procedure's result must be signed and no signing key is configured", body = crate::error::Problem, content_type = PROBLEM),
              (status = 422, body = crate::error::Problem, content_type = PROBLEM),
              (status = 503, description = "the PDF fonts are not installed", body = crate::error::Problem, content_type = PROBLEM)))]
/// Staff have the engine issue a dossier's result as a signed PDF, with an unguessable
/// verification id and a QR code to its public verification page; issuing it (the
/// workflow's `result_to_store`) then puts it into the citizen's store.
pub async fn issue_result_pdf(
    State(state): State<AppState>,
    Auth(principal): Auth,
    Path((id, result_code)): Path<(Uuid, String)>,
    Json(text): Json<results::ResultText>,
) -> Result<Response, ApiError> {
    let view = results::issue_pdf(&state.services, &principal, id, &result_code, text).await?;
    Ok((StatusCode::CREATED, axum::Json(view)).into_response())
}
