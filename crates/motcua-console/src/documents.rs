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

/// The result form's fields.
#[derive(Default)]
struct ResultForm {
    token: Option<String>,
    result_code: Option<String>,
    file: Option<(Option<String>, Option<String>, Bytes)>,
}

async fn read_result_form(mut multipart: Multipart) -> Result<ResultForm, String> {
    let mut form = ResultForm::default();
    while let Some(field) = multipart.next_field().await.map_err(|e| e.body_text())? {
        match field.name() {
            Some(crate::csrf::FIELD) => {
                form.token = Some(field.text().await.map_err(|e| e.body_text())?)
            }
            Some("result_code") => {
                form.result_code = Some(field.text().await.map_err(|e| e.body_text())?)
            }
            Some("file") => {
                let name = field.file_name().map(str::to_owned);
                let declared = field.content_type().map(str::to_owned);
                let bytes = field.bytes().await.map_err(|e| e.body_text())?;
                form.file = Some((name, declared, bytes));
            }
            _ => {}
        }
    }
    Ok(form)
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
    let form = match read_result_form(multipart).await {
        Ok(form) => form,
        Err(why) => {
            return PageError::new(
                StatusCode::BAD_REQUEST,
                format!("Biểu mẫu không đọc được: {why}"),
            )
            .for_staff(&staff)
            .into_response()
        }
    };
    if let Err(refused) = checked_token(&staff, form.token.as_deref()) {
        return refused.into_response();
    }
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
    form: ResultForm,
) -> Result<String, ServiceError> {
    let services = engine.services();
    let code = form.result_code.unwrap_or_default().trim().to_owned();
    let Some((file_name, declared, bytes)) = form.file.filter(|(_, _, b)| !b.is_empty()) else {
        return Err(ServiceError::new(Code::EmptyFile, "chọn tệp kết quả"));
    };
    let content_type = declared.unwrap_or_default();
    // As the API checks an upload: the file's leading bytes must be of the type declared.
    let found = motcua_core::media::sniff(&bytes);
    if found != Some(content_type.as_str()) {
        return Err(ServiceError::new(
            Code::ContentMismatch,
            format!(
                "tệp được khai là {content_type} nhưng nội dung là {}",
                found.unwrap_or("một loại không được chấp nhận")
            ),
        ));
    }
    let accepted = results::accept(
        services,
        &staff.principal,
        id,
        &code,
        Declared {
            content_type: &content_type,
            length: Some(bytes.len() as u64),
            file_name: file_name.as_deref(),
        },
    )
    .await?;
    let stream: ByteStream = Box::pin(futures::stream::once(async move { Ok(bytes) }));
    match results::store(services, &staff.principal, accepted, stream).await {
        Ok(_) => Ok(code),
        Err(UploadError::Refused(e)) => Err(e),
        Err(UploadError::Interrupted(e)) => Err(ServiceError::new(
            Code::UploadInterrupted,
            format!("tải tệp bị gián đoạn: {e}"),
        )),
    }
}
