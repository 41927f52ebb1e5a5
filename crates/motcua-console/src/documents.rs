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
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use motcua_service::documents::download;
use motcua_service::documents::whole_file::{self, WholeFile};
use motcua_service::ServiceError;
use motcua_web::multipart::{self, Posted};
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
    motcua_web::download::file(
        Body::from_stream(bytes),
        &document.content_type,
        &document.file_name,
        query.inline.is_some(),
    )
}

/// A multipart form `staff` posted, once its CSRF token is checked: a form that cannot be
/// read, or carries no valid token, is refused before anything is done with it.
pub async fn posted_by(staff: &Staff, multipart: Multipart) -> Result<Posted, PageError> {
    let posted = multipart::read(multipart).await.map_err(|why| {
        PageError::new(
            StatusCode::BAD_REQUEST,
            format!("Biểu mẫu không đọc được: {why}"),
        )
        .for_staff(staff)
    })?;
    checked_token(staff, posted.field(crate::csrf::FIELD))?;
    Ok(posted)
}

/// The file of a posted form, if one was chosen (`what` names it in the refusal).
pub fn chosen_file(posted: Posted, what: &str) -> Result<WholeFile, ServiceError> {
    WholeFile::chosen(
        posted.file.map(|f| WholeFile {
            name: f.name,
            declared: f.declared,
            bytes: f.bytes,
        }),
        what,
    )
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
    let file = chosen_file(form, "tệp kết quả")?;
    whole_file::attach_result(services, &staff.principal, id, &code, file).await?;
    Ok(code)
}
