//! A dossier's documents: upload (streamed to storage), reuse from the citizen's store,
//! paper received at the counter, removal, download; and electronic results.

use crate::error::ApiError;
use crate::extract::{Auth, Json, Path, Query};
use crate::request_limits;
use crate::state::AppState;
use axum::body::Body;
use axum::extract::State;
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use bytes::{Bytes, BytesMut};
use chrono::{DateTime, Utc};
use futures::{StreamExt, TryStreamExt};
use motcua_auth::Principal;
use motcua_core::media::{essence, sniff, SNIFF_BYTES};
use motcua_core::procedure::DocumentRequirement;
use motcua_files::{ByteStream, FileError, PutError};
use motcua_service::checks::citizen_pin;
use motcua_service::lookup::{find_visible, lock_visible, procedure_of};
use motcua_service::view::{DocumentView, DossierDocumentView};
use motcua_service::{Code, ServiceError};
use motcua_store::documents::{self, Attachment, Document, NewDocument};
use motcua_store::dossiers::Dossier;
use motcua_store::events::{self, NewEvent};
use motcua_store::register_access::{self, NewRegisterAccess};
use serde::Deserialize;
use serde_json::json;
use utoipa::ToSchema;
use uuid::Uuid;

const PROBLEM: &str = "application/problem+json";

fn requirement<'a>(
    procedure: &'a motcua_core::procedure::Procedure,
    key: &str,
) -> Result<&'a DocumentRequirement, ApiError> {
    procedure
        .spec()
        .documents
        .iter()
        .find(|d| d.key == key)
        .ok_or_else(|| {
            ApiError::new(
                Code::RequirementNotFound,
                format!("procedure {} has no document {key:?}", procedure.code()),
            )
        })
}

/// How the principal adds a document now: a citizen to their draft, staff (scans, paper)
/// to a dossier of their agency that is in progress.
fn adding_as(
    principal: &Principal,
    dossier: &Dossier,
    procedure: &motcua_core::procedure::Procedure,
) -> Result<&'static str, ApiError> {
    if !motcua_core::access::may_edit(principal, dossier, procedure) {
        return Err(ApiError::new(
            Code::DossierNotEditable,
            format!(
                "documents cannot be changed by you while the dossier is {:?}",
                dossier.state
            ),
        ));
    }
    Ok(match principal {
        Principal::Citizen { .. } => "upload",
        Principal::Staff { .. } => "clerk_scan",
    })
}

/// The file name the uploader gave in `Content-Disposition`, if any.
fn given_file_name(headers: &HeaderMap) -> Option<String> {
    // Browsers send the plain `filename` in UTF-8, which `to_str` (visible ASCII) refuses.
    let value = std::str::from_utf8(headers.get(header::CONTENT_DISPOSITION)?.as_bytes()).ok()?;
    let mut plain = None;
    for part in value.split(';').map(str::trim) {
        if let Some(encoded) = part.strip_prefix("filename*=") {
            // RFC 5987: UTF-8''percent-encoded
            let encoded = encoded.trim_matches('"');
            let raw = encoded.split_once("''").map(|(_, v)| v).unwrap_or(encoded);
            return Some(
                percent_encoding::percent_decode_str(raw)
                    .decode_utf8_lossy()
                    .into_owned(),
            );
        }
        if let Some(name) = part.strip_prefix("filename=") {
            plain = Some(name.trim_matches('"').to_owned());
        }
    }
    plain
}

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

/// Reads the body's leading bytes and checks that they are what the uploader declared;
/// gives back the whole body as a stream.
/// At most this much of a refused upload's body is read and dropped before the refusal is
/// sent. A server that answers and closes while the client is still sending makes most HTTP
/// clients report a broken connection instead of the answer; reading a small remainder lets
/// the citizen see why. A larger body is not read: the answer goes at once.
const DISCARD_AT_MOST: u64 = 1024 * 1024;

/// The handler's answer; when it is a refusal and the body was left unread (`body` still
/// there), what is left of a small body is read first.
async fn refused_unread(
    answer: Result<Response, ApiError>,
    body: Option<Body>,
    headers: &HeaderMap,
) -> Result<Response, ApiError> {
    // Only whether it is a refusal is held across the read: a response is not `Sync`.
    let refused = answer.is_err();
    if let (true, Some(body)) = (refused, body) {
        let announced = headers
            .get(header::CONTENT_LENGTH)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.parse::<u64>().ok());
        if announced.is_none_or(|n| n <= DISCARD_AT_MOST) {
            discard(body.into_data_stream()).await;
        }
    }
    answer
}

/// Reads and drops up to [`DISCARD_AT_MOST`] bytes of `stream`; a stall ends it through the
/// body's idle timeout.
async fn discard<S, E>(mut stream: S)
where
    S: futures::Stream<Item = Result<Bytes, E>> + Unpin,
{
    let mut read = 0u64;
    while let Some(Ok(chunk)) = stream.next().await {
        read += chunk.len() as u64;
        if read > DISCARD_AT_MOST {
            return;
        }
    }
}

/// A body that could not be read to its end: the client went away, or it stalled.
fn interrupted(why: std::io::Error) -> ApiError {
    let stalled = why.kind() == std::io::ErrorKind::TimedOut
        || why
            .get_ref()
            .is_some_and(|e| request_limits::body_timed_out(e));
    if stalled {
        return request_limits::body_stalled();
    }
    ApiError::new(
        Code::UploadInterrupted,
        format!("the upload was interrupted: {why}; nothing was kept"),
    )
}

async fn checked_body(body: Body, declared: &str) -> Result<ByteStream, ApiError> {
    let mut stream = body.into_data_stream();
    let mut head = BytesMut::new();
    while head.len() < SNIFF_BYTES {
        match stream.next().await {
            Some(Ok(chunk)) => head.extend_from_slice(&chunk),
            Some(Err(e)) => return Err(interrupted(std::io::Error::other(e))),
            None => break,
        }
    }
    if head.is_empty() {
        return Err(ApiError::new(Code::EmptyFile, "the file is empty"));
    }
    match sniff(&head) {
        Some(found) if found == declared => {}
        found => {
            discard(stream).await;
            return Err(ApiError::new(
                Code::ContentMismatch,
                format!(
                    "the file was declared {declared} but its bytes are {}; nothing was kept",
                    found.unwrap_or("not a type this procedure accepts")
                ),
            ));
        }
    }
    let head: Bytes = head.freeze();
    // A stall keeps its kind so that the store's error can still say it was one.
    let rest = stream.map_err(|e| {
        if request_limits::body_timed_out(&e) {
            std::io::Error::new(std::io::ErrorKind::TimedOut, e)
        } else {
            std::io::Error::other(e)
        }
    });
    Ok(Box::pin(
        futures::stream::once(async move { Ok(head) }).chain(rest),
    ))
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
    let mut body = Some(body);
    let answer = receive_upload(&state, principal, id, &key, &headers, &mut body).await;
    refused_unread(answer, body, &headers).await
}

async fn receive_upload(
    state: &AppState,
    principal: Principal,
    id: Uuid,
    key: &str,
    headers: &HeaderMap,
    body: &mut Option<Body>,
) -> Result<Response, ApiError> {
    let key = key.to_owned();
    let dossier = find_visible(&state.pool, &principal, id).await?;
    let procedure = procedure_of(&state.catalog, &dossier)?;
    let requirement = requirement(procedure, &key)?;
    let source = adding_as(
        &principal,
        &dossier,
        procedure_of(&state.catalog, &dossier)?,
    )?;
    let declared = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .map(essence)
        .unwrap_or_default();
    if !requirement.accept.contains(&declared) {
        return Err(ApiError::new(
            Code::MediaTypeNotAccepted,
            format!(
                "{key:?} accepts {}; this upload is {:?}",
                requirement.accept.join(", "),
                declared
            ),
        ));
    }
    let declared_length = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    let too_large = || {
        ApiError::new(
            Code::FileTooLarge,
            format!(
                "{key:?} takes files up to {} bytes; nothing was kept",
                requirement.max_bytes
            ),
        )
    };
    if declared_length.is_some_and(|n| n > requirement.max_bytes) {
        return Err(too_large());
    }
    let file_name =
        motcua_core::file_name::sanitise(&given_file_name(headers).unwrap_or_default(), &key);
    let stream = checked_body(body.take().unwrap_or_default(), &declared).await?;

    let document_id = Uuid::now_v7();
    let storage_key = format!("dossiers/{id}/{document_id}");
    let stored = state
        .files
        .put(&storage_key, &declared, stream, requirement.max_bytes)
        .await
        .map_err(|e| match e {
            PutError::TooLarge { .. } => too_large(),
            PutError::Body(why) => interrupted(why),
            PutError::Unavailable(why) => ServiceError::storage_unavailable(why).into(),
        })?;

    let written = record_upload(
        state,
        &principal,
        &dossier,
        &key,
        source,
        NewDocument {
            id: document_id,
            owner_pin: &dossier.citizen_pin,
            kind: source,
            file_name: &file_name,
            content_type: &declared,
            size: i64::try_from(stored.size).unwrap_or(i64::MAX),
            sha256: &stored.sha256,
            storage_key: &storage_key,
            issuer: match &principal {
                Principal::Staff { agency, .. } => Some(agency.as_str()),
                Principal::Citizen { .. } => None,
            },
            result_code: None,
        },
    )
    .await;
    match written {
        Ok(view) => Ok((StatusCode::CREATED, axum::Json(view)).into_response()),
        Err(e) => {
            // The object must not outlive a request that stored no row for it; should this
            // delete fail too, the sweep (`motcua files sweep`) removes it later.
            if let Err(cleanup) = state.files.delete(&storage_key).await {
                tracing::warn!(error.message = %cleanup, %storage_key, "orphan object left for the sweep");
            }
            Err(e)
        }
    }
}

/// Writes the document row and the dossier's reference to it, in one transaction, and
/// removes what it replaced.
async fn record_upload(
    state: &AppState,
    principal: &Principal,
    dossier: &Dossier,
    requirement: &str,
    source: &str,
    document: NewDocument<'_>,
) -> Result<DossierDocumentView, ApiError> {
    let mut tx = state
        .pool
        .begin()
        .await
        .map_err(motcua_store::StoreError::from)?;
    // The dossier may have been submitted while the file streamed.
    let locked = lock_visible(&mut tx, principal, dossier.id).await?;
    adding_as(principal, &locked, procedure_of(&state.catalog, &locked)?)?;
    let stored = documents::insert(&mut tx, document).await?;
    let previous = documents::attach(
        &mut tx,
        Attachment {
            dossier_id: dossier.id,
            requirement,
            document_id: Some(stored.id),
            source,
            reused: false,
            from_store: false,
            replaces_result_code: None,
            added_by_kind: principal.kind().as_str(),
            added_by: principal.subject(),
        },
    )
    .await?;
    let removed_key = remove_if_unreferenced(&mut tx, previous).await?;
    append_event(
        &mut tx,
        state.clock.now(),
        principal,
        &locked,
        "add_document",
        json!({
            "requirement": requirement, "document": stored.id, "source": source,
            "sha256": stored.sha256, "size": stored.size,
        }),
    )
    .await?;
    crate::facts::refresh(&mut tx, procedure_of(&state.catalog, &locked)?, &locked).await?;
    tx.commit().await.map_err(motcua_store::StoreError::from)?;
    delete_object(state, removed_key).await;
    let view = documents::list_for_dossier(&state.pool, dossier.id)
        .await?
        .into_iter()
        .find(|d| d.requirement == requirement)
        .map(DossierDocumentView::from)
        .ok_or_else(|| ApiError::internal("the document just written is not there"))?;
    Ok(view)
}

async fn remove_if_unreferenced(
    conn: &mut sqlx::PgConnection,
    previous: Option<Uuid>,
) -> Result<Option<String>, ApiError> {
    let Some(previous) = previous else {
        return Ok(None);
    };
    let key = documents::find(&mut *conn, previous)
        .await?
        .map(|d| d.storage_key);
    if documents::delete_if_unreferenced(conn, previous).await? {
        Ok(key)
    } else {
        Ok(None)
    }
}

async fn delete_object(state: &AppState, key: Option<String>) {
    if let Some(key) = key {
        if let Err(e) = state.files.delete(&key).await {
            tracing::warn!(error.message = %e, storage_key = %key, "replaced object left for the sweep");
        }
    }
}

async fn append_event(
    conn: &mut sqlx::PgConnection,
    at: DateTime<Utc>,
    principal: &Principal,
    dossier: &Dossier,
    action: &str,
    detail: serde_json::Value,
) -> Result<(), ApiError> {
    events::append(
        conn,
        NewEvent {
            dossier_id: dossier.id,
            at,
            actor_kind: principal.kind().as_str(),
            actor: principal.subject(),
            action,
            from_state: Some(&dossier.state),
            to_state: &dossier.state,
            comment: None,
            detail,
        },
    )
    .await?;
    Ok(())
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AttachExisting {
    /// A document of the citizen's store (`GET /v1/me/documents`) to attach without
    /// uploading it again.
    reuse: Option<Uuid>,
    /// Staff: the paper was received at the counter; its scan follows.
    paper: Option<bool>,
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
    let dossier = find_visible(&state.pool, &principal, id).await?;
    let procedure = procedure_of(&state.catalog, &dossier)?;
    let requirement = requirement(procedure, &key)?;
    adding_as(
        &principal,
        &dossier,
        procedure_of(&state.catalog, &dossier)?,
    )?;
    let attachment = match (request.reuse, request.paper, &principal) {
        (Some(document_id), None, Principal::Citizen { .. }) => {
            let pin = citizen_pin(&principal)?;
            let document = documents::find(&state.pool, document_id)
                .await?
                .filter(|d| d.owner_pin == pin);
            // A result is the citizen's once it was issued to them.
            let document = match document {
                Some(d) if d.kind == "result" => {
                    let issued = documents::is_published_result(&state.pool, d.id).await?;
                    issued.then_some(d)
                }
                other => other,
            }
            .ok_or_else(|| {
                ApiError::new(Code::DocumentNotFound, "no such document in your store")
            })?;
            if !requirement.accept.contains(&document.content_type) {
                return Err(ApiError::new(
                    Code::ReusedMediaTypeNotAccepted,
                    format!(
                        "{key:?} accepts {}; this document is {}",
                        requirement.accept.join(", "),
                        document.content_type
                    ),
                ));
            }
            if u64::try_from(document.size).unwrap_or(u64::MAX) > requirement.max_bytes {
                return Err(ApiError::new(
                    Code::ReusedFileTooLarge,
                    format!("{key:?} takes files up to {} bytes", requirement.max_bytes),
                ));
            }
            let source = if document.kind == "result" {
                "reused_result"
            } else {
                "reused_document"
            };
            (Some(document), source)
        }
        (None, Some(true), Principal::Staff { .. }) => (None, "paper"),
        _ => {
            return Err(ApiError::new(
                Code::InvalidBody,
                "a citizen sends {\"reuse\": document id}; staff send {\"paper\": true}",
            ))
        }
    };
    let (document, source) = attachment;

    let mut tx = state
        .pool
        .begin()
        .await
        .map_err(motcua_store::StoreError::from)?;
    let locked = lock_visible(&mut tx, &principal, id).await?;
    adding_as(&principal, &locked, procedure_of(&state.catalog, &locked)?)?;
    let previous = documents::attach(
        &mut tx,
        Attachment {
            dossier_id: id,
            requirement: &key,
            document_id: document.as_ref().map(|d| d.id),
            source,
            reused: document.is_some(),
            from_store: document.is_some(),
            replaces_result_code: document.as_ref().and_then(|d| d.result_code.as_deref()),
            added_by_kind: principal.kind().as_str(),
            added_by: principal.subject(),
        },
    )
    .await?;
    // Reusing the same document again is not a replacement of it.
    let previous = previous.filter(|p| Some(*p) != document.as_ref().map(|d| d.id));
    let removed_key = remove_if_unreferenced(&mut tx, previous).await?;
    append_event(
        &mut tx,
        state.clock.now(),
        &principal,
        &locked,
        "add_document",
        json!({
            "requirement": key, "document": document.as_ref().map(|d| d.id), "source": source,
        }),
    )
    .await?;
    crate::facts::refresh(&mut tx, procedure, &locked).await?;
    tx.commit().await.map_err(motcua_store::StoreError::from)?;
    delete_object(&state, removed_key).await;
    let view = documents::list_for_dossier(&state.pool, id)
        .await?
        .into_iter()
        .find(|d| d.requirement == key)
        .map(DossierDocumentView::from)
        .ok_or_else(|| ApiError::internal("the document just attached is not there"))?;
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
    let mut tx = state
        .pool
        .begin()
        .await
        .map_err(motcua_store::StoreError::from)?;
    let dossier = lock_visible(&mut tx, &principal, id).await?;
    adding_as(
        &principal,
        &dossier,
        procedure_of(&state.catalog, &dossier)?,
    )?;
    let Some(previous) = documents::detach(&mut tx, id, &key).await? else {
        return Err(ApiError::new(
            Code::DocumentNotFound,
            format!("the dossier has no document for {key:?}"),
        ));
    };
    let removed_key = remove_if_unreferenced(&mut tx, previous).await?;
    append_event(
        &mut tx,
        state.clock.now(),
        &principal,
        &dossier,
        "remove_document",
        json!({ "requirement": key }),
    )
    .await?;
    crate::facts::refresh(&mut tx, procedure_of(&state.catalog, &dossier)?, &dossier).await?;
    tx.commit().await.map_err(motcua_store::StoreError::from)?;
    delete_object(&state, removed_key).await;
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

/// Long enough to start a download, short enough that a leaked link soon stops working.
const SIGNED_URL_TTL: std::time::Duration = std::time::Duration::from_secs(300);

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
    let not_found = || ApiError::new(Code::DocumentNotFound, "no such document");
    let document = documents::find(&state.pool, id)
        .await?
        .ok_or_else(not_found)?;
    match &principal {
        Principal::Citizen { pin, .. } if pin.as_str() == document.owner_pin => {
            // A result is the citizen's once it was issued to them, as in their store:
            // before that it is the agency's draft of it.
            if document.kind == "result" && !documents::is_published_result(&state.pool, id).await?
            {
                return Err(not_found());
            }
        }
        Principal::Citizen { .. } => return Err(not_found()),
        Principal::Staff {
            agency, subject, ..
        } => {
            let dossiers = documents::dossiers_of_agency_holding(&state.pool, id, agency).await?;
            let Some(dossier_id) = dossiers.first().copied() else {
                return Err(not_found());
            };
            if document.erased_at.is_some() {
                return Err(ApiError::new(
                    Code::DocumentErased,
                    "the document was erased when its dossier's retention ended",
                ));
            }
            let procedure_code = motcua_store::dossiers::find(&state.pool, dossier_id)
                .await?
                .map(|d| d.procedure_code)
                .unwrap_or_default();
            register_access::record(
                &state.pool,
                NewRegisterAccess {
                    source: "document",
                    document_id: Some(id),
                    actor_kind: "staff",
                    actor: subject,
                    actor_role: Some(&principal.role_names().join(",")),
                    actor_agency: Some(agency),
                    subject_pin: &document.owner_pin,
                    fields: &[],
                    procedure_code: &procedure_code,
                    dossier_id,
                    purpose: "xử lý hồ sơ / handling the dossier",
                    outcome: "downloaded",
                    request_id: Uuid::nil(),
                },
            )
            .await?;
        }
    }
    let disposition = content_disposition(&document.file_name);
    if params.delivery == Some(Delivery::Redirect) {
        let signed = match disposition.to_str() {
            Ok(disposition) => {
                state
                    .files
                    .signed_url(&document.storage_key, SIGNED_URL_TTL, disposition)
                    .await
            }
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
    let stream = state
        .files
        .get(&document.storage_key)
        .await
        .map_err(|e| match e {
            FileError::NotFound => ApiError::internal(format!(
                "document {id} has no object at {}",
                document.storage_key
            )),
            FileError::Unavailable(why) => ServiceError::storage_unavailable(why).into(),
        })?;
    let mut response = Body::from_stream(stream).into_response();
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
    Ok(response)
}

fn result_may_be_attached(
    principal: &Principal,
    dossier: &Dossier,
    procedure: &motcua_core::procedure::Procedure,
) -> Result<(), ApiError> {
    if motcua_core::access::may_attach_result(principal, dossier, procedure) {
        return Ok(());
    }
    Err(ApiError::new(
        Code::ResultNotExpected,
        format!(
            "a result is attached by who issues it, in the step it is issued from; the dossier is {:?}",
            dossier.state
        ),
    ))
}

/// Electronic results are written documents: these types only.
const RESULT_TYPES: &[&str] = &["application/pdf", "application/xml", "application/json"];
const RESULT_MAX_BYTES: u64 = 50 * 1024 * 1024;

fn checked_result_code(code: &str) -> Result<(), ApiError> {
    let fine = !code.is_empty()
        && code.len() <= 64
        && code
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-._/".contains(c));
    if fine {
        Ok(())
    } else {
        Err(ApiError::new(
            Code::InvalidResultCode,
            "a result code has 1–64 letters, digits, '-', '.', '_' or '/'",
        ))
    }
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
    let mut body = Some(body);
    let answer = receive_result(&state, principal, id, &result_code, &headers, &mut body).await;
    refused_unread(answer, body, &headers).await
}

async fn receive_result(
    state: &AppState,
    principal: Principal,
    id: Uuid,
    result_code: &str,
    headers: &HeaderMap,
    body: &mut Option<Body>,
) -> Result<Response, ApiError> {
    let result_code = result_code.to_owned();
    let Principal::Staff { agency, .. } = &principal else {
        return Err(ApiError::new(
            Code::StaffOnly,
            "results are issued by the agency handling the dossier",
        ));
    };
    let dossier = find_visible(&state.pool, &principal, id).await?;
    result_may_be_attached(
        &principal,
        &dossier,
        procedure_of(&state.catalog, &dossier)?,
    )?;
    checked_result_code(&result_code)?;
    let declared = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .map(essence)
        .unwrap_or_default();
    if !RESULT_TYPES.contains(&declared.as_str()) {
        return Err(ApiError::new(
            Code::MediaTypeNotAccepted,
            format!("a result is one of {}", RESULT_TYPES.join(", ")),
        ));
    }
    let file_name = motcua_core::file_name::sanitise(
        &given_file_name(headers).unwrap_or_default(),
        &format!("ket-qua-{}", result_code.replace('/', "-")),
    );
    let stream = checked_body(body.take().unwrap_or_default(), &declared).await?;
    let document_id = Uuid::now_v7();
    let storage_key = format!("dossiers/{id}/{document_id}");
    let stored = state
        .files
        .put(&storage_key, &declared, stream, RESULT_MAX_BYTES)
        .await
        .map_err(|e| match e {
            PutError::TooLarge { limit } => ApiError::new(
                Code::FileTooLarge,
                format!("a result takes at most {limit} bytes"),
            ),
            PutError::Body(why) => interrupted(why),
            PutError::Unavailable(why) => ServiceError::storage_unavailable(why).into(),
        })?;
    let written: Result<Document, ApiError> = async {
        let mut tx = state
            .pool
            .begin()
            .await
            .map_err(motcua_store::StoreError::from)?;
        let locked = lock_visible(&mut tx, &principal, id).await?;
        result_may_be_attached(&principal, &locked, procedure_of(&state.catalog, &locked)?)?;
        let document = documents::insert(
            &mut tx,
            NewDocument {
                id: document_id,
                owner_pin: &locked.citizen_pin,
                kind: "result",
                file_name: &file_name,
                content_type: &declared,
                size: i64::try_from(stored.size).unwrap_or(i64::MAX),
                sha256: &stored.sha256,
                storage_key: &storage_key,
                issuer: Some(agency),
                result_code: Some(&result_code),
            },
        )
        .await?;
        documents::record_result(&mut tx, id, document_id, principal.subject()).await?;
        append_event(
            &mut tx,
            state.clock.now(),
            &principal,
            &locked,
            "attach_result",
            json!({
                "document": document_id, "result_code": result_code, "sha256": stored.sha256,
            }),
        )
        .await?;
        tx.commit().await.map_err(motcua_store::StoreError::from)?;
        Ok(document)
    }
    .await;
    match written {
        Ok(document) => Ok((
            StatusCode::CREATED,
            axum::Json(DocumentView::from(document)),
        )
            .into_response()),
        Err(e) => {
            if let Err(cleanup) = state.files.delete(&storage_key).await {
                tracing::warn!(error.message = %cleanup, %storage_key, "orphan object left for the sweep");
            }
            Err(e)
        }
    }
}
