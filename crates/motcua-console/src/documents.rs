//! Documents from the console: a document's bytes for staff of an agency holding its
//! dossier (the API's download use case: the read is in the citizen's access log), and the
//! electronic result uploaded from a form before it is issued (the API's result use case).

use crate::csrf::checked_token;
use crate::dossier::{dossier_id, render, ActionForm, Outcome};
use crate::error::PageError;
use crate::staff::Staff;
use crate::Engine;
use axum::body::Body;
use axum::extract::{Multipart, Path, Query, State};
use axum::http::header::{CONTENT_DISPOSITION, CONTENT_SECURITY_POLICY, CONTENT_TYPE};
use axum::http::{HeaderValue, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use bytes::Bytes;
use motcua_files::ByteStream;
use motcua_service::documents::{download, results, Declared, UploadError};
use motcua_service::{Code, ServiceError};
use serde::Deserialize;

#[derive(Deserialize)]
pub struct DownloadQuery {
    /// Shown in the page (a preview) rather than saved.
    inline: Option<String>,
}

pub async fn download<E: Engine>(
    State(engine): State<E>,
    staff: Staff,
    Path(id): Path<String>,
    Query(query): Query<DownloadQuery>,
) -> Response {
    let Ok(id) = uuid::Uuid::parse_str(&id) else {
        return PageError::new(StatusCode::NOT_FOUND, "Không tìm thấy tài liệu.")
            .for_staff(&staff)
            .into_response();
    };
    let services = engine.services();
    let document = match download::find(services, &staff.principal, id).await {
        Ok(document) => document,
        Err(e) => return PageError::service(&e, &staff).into_response(),
    };
    let bytes = match document.open(services).await {
        Ok(bytes) => bytes,
        Err(e) => return PageError::service(&e, &staff).into_response(),
    };
    let mut response = Body::from_stream(bytes).into_response();
    let headers = response.headers_mut();
    headers.insert(
        CONTENT_TYPE,
        HeaderValue::from_str(&document.content_type)
            .unwrap_or_else(|_| HeaderValue::from_static("application/octet-stream")),
    );
    let disposition = if query.inline.is_some() {
        "inline"
    } else {
        "attachment"
    };
    headers.insert(
        CONTENT_DISPOSITION,
        HeaderValue::from_str(&format!(
            "{disposition}; filename=\"{}\"",
            ascii_file_name(&document.file_name)
        ))
        .unwrap_or_else(|_| HeaderValue::from_static("attachment")),
    );
    // The console's own pages may show it in a frame; nothing in it may run.
    headers.insert(
        CONTENT_SECURITY_POLICY,
        HeaderValue::from_static("default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; frame-ancestors 'self'; sandbox"),
    );
    headers.insert(
        axum::http::header::X_FRAME_OPTIONS,
        HeaderValue::from_static("SAMEORIGIN"),
    );
    headers.insert(
        axum::http::header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    response
}

/// A file name that fits a quoted header parameter: other characters become `_`.
fn ascii_file_name(name: &str) -> String {
    name.chars()
        .map(|c| {
            if c.is_ascii_graphic() && c != '"' && c != '\\' || c == ' ' {
                c
            } else {
                '_'
            }
        })
        .collect()
}

/// A file posted with a form.
pub struct PostedFile {
    pub name: Option<String>,
    /// The media type the browser declared.
    pub declared: Option<String>,
    pub bytes: Bytes,
}

/// A multipart form: its text fields and its file (the field `file`).
#[derive(Default)]
pub struct Posted {
    pub fields: Vec<(String, String)>,
    pub file: Option<PostedFile>,
}

impl Posted {
    pub fn field(&self, name: &str) -> Option<&str> {
        self.fields
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    /// The posted file, if one was chosen.
    pub fn chosen_file(self, what: &str) -> Result<PostedFile, ServiceError> {
        self.file
            .filter(|f| !f.bytes.is_empty())
            .ok_or_else(|| ServiceError::new(Code::EmptyFile, format!("chọn {what}")))
    }
}

/// A multipart form `staff` posted, once its CSRF token is checked: a form that cannot be
/// read, or carries no valid token, is refused before anything is done with it.
pub async fn posted_by(staff: &Staff, multipart: Multipart) -> Result<Posted, PageError> {
    let posted = read_posted(multipart).await.map_err(|why| {
        PageError::new(
            StatusCode::BAD_REQUEST,
            format!("Biểu mẫu không đọc được: {why}"),
        )
        .for_staff(staff)
    })?;
    checked_token(staff, posted.field(crate::csrf::FIELD))?;
    Ok(posted)
}

/// Reads a multipart form (within the console's body limit).
async fn read_posted(mut multipart: Multipart) -> Result<Posted, String> {
    let mut form = Posted::default();
    while let Some(field) = multipart.next_field().await.map_err(|e| e.body_text())? {
        match field.name().map(str::to_owned) {
            Some(name) if name == "file" => {
                let file_name = field.file_name().map(str::to_owned);
                let declared = field.content_type().map(str::to_owned);
                let bytes = field.bytes().await.map_err(|e| e.body_text())?;
                form.file = Some(PostedFile {
                    name: file_name,
                    declared,
                    bytes,
                });
            }
            Some(name) => {
                let text = field.text().await.map_err(|e| e.body_text())?;
                form.fields.push((name, text));
            }
            None => {}
        }
    }
    Ok(form)
}

/// As the API checks an upload: the file's leading bytes must be of the type declared.
pub fn check_sniffed(bytes: &[u8], content_type: &str) -> Result<(), ServiceError> {
    let found = motcua_core::media::sniff(bytes);
    if found == Some(content_type) {
        return Ok(());
    }
    Err(ServiceError::new(
        Code::ContentMismatch,
        format!(
            "tệp được khai là {content_type} nhưng nội dung là {}",
            found.unwrap_or("một loại không được chấp nhận")
        ),
    ))
}

/// The whole body of a file, as a stream for the file store.
pub fn stream_of(bytes: Bytes) -> ByteStream {
    Box::pin(futures::stream::once(async move { Ok(bytes) }))
}

/// A refused or interrupted upload as the engine's refusal.
pub fn upload_refusal(error: UploadError) -> ServiceError {
    match error {
        UploadError::Refused(e) => e,
        UploadError::Interrupted(e) => ServiceError::new(
            Code::UploadInterrupted,
            format!("tải tệp bị gián đoạn: {e}"),
        ),
    }
}

/// The result's upload: attached, and back to the dossier to issue it.
pub async fn attach_result<E: Engine>(
    State(engine): State<E>,
    staff: Staff,
    Path(id): Path<String>,
    multipart: Multipart,
) -> Response {
    let id = match dossier_id(&id, &staff) {
        Ok(id) => id,
        Err(e) => return e.into_response(),
    };
    let form = match posted_by(&staff, multipart).await {
        Ok(form) => form,
        Err(refused) => return refused.into_response(),
    };
    match attach(&engine, &staff, id, form).await {
        Ok(code) => {
            let query = url::form_urlencoded::Serializer::new(String::new())
                .append_pair("result", &code)
                .finish();
            Redirect::to(&format!("/console/dossiers/{id}?{query}")).into_response()
        }
        Err(error) => {
            let outcome = Outcome::Refused {
                form: "result".into(),
                error,
                sent: ActionForm::default(),
            };
            render(&engine, &staff, id, outcome).await
        }
    }
}

async fn attach<E: Engine>(
    engine: &E,
    staff: &Staff,
    id: uuid::Uuid,
    form: Posted,
) -> Result<String, ServiceError> {
    let services = engine.services();
    let code = form
        .field("result_code")
        .unwrap_or_default()
        .trim()
        .to_owned();
    let file = form.chosen_file("tệp kết quả")?;
    let content_type = file.declared.unwrap_or_default();
    check_sniffed(&file.bytes, &content_type)?;
    let accepted = results::accept(
        services,
        &staff.principal,
        id,
        &code,
        Declared {
            content_type: &content_type,
            length: Some(file.bytes.len() as u64),
            file_name: file.name.as_deref(),
        },
    )
    .await?;
    results::store(services, &staff.principal, accepted, stream_of(file.bytes))
        .await
        .map_err(upload_refusal)?;
    Ok(code)
}
