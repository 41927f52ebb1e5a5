//! A dossier's documents as the citizen adds them (`/portal/ho-so/{id}/giay-to`): the ones
//! the procedure asks for given the answers so far (a document `required_when` the answers
//! say so appears, and goes when they change), each with why it is needed, the file types
//! and size taken; uploaded (checked as the API checks an upload: the requirement's types
//! and size, the file's leading bytes) or reused from the citizen's store of documents and
//! results. And a document's or result's bytes for its owner (`/portal/tai-lieu/{id}`):
//! another citizen's is not found.

use crate::citizen::Citizen;
use crate::editing::{self, Editing};
use crate::error::PageError;
use crate::lang::t;
use crate::page::{self, Who};
use crate::words;
use crate::Engine;
use axum::body::Body;
use axum::extract::{Multipart, Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use maud::{html, Markup};
use motcua_core::procedure::documents::is_required;
use motcua_core::procedure::DocumentRequirement;
use motcua_service::documents::reuse::{attach_existing, AttachExisting};
use motcua_service::documents::whole_file::{self, WholeFile};
use motcua_service::documents::{download, store};
use motcua_service::view::DocumentView;
use motcua_service::{Code, ServiceError};
use motcua_web::csrf::{self, Checked, Visitor as _};
use motcua_web::form_fields::field_error_in;
use motcua_web::multipart;
use serde::Deserialize;
use serde_json::Value;
use uuid::Uuid;

/// How many of the citizen's stored documents are offered for reuse.
const STORE_OFFERED: i64 = 50;

#[derive(Deserialize)]
pub struct Notice {
    /// The requirement just given a document.
    xong: Option<String>,
}

pub async fn page<E: Engine>(
    State(engine): State<E>,
    citizen: Citizen,
    Path(id): Path<String>,
    Query(notice): Query<Notice>,
) -> Response {
    let editing = match editing::open_or_away(&engine, &citizen, &id).await {
        Ok(editing) => editing,
        Err(away) => return away,
    };
    let done = notice.xong.as_deref();
    render(&engine, &citizen, &editing, done, None).await
}

/// The page, with the refusal of the upload to requirement `.0` if there was one.
async fn render<E: Engine>(
    engine: &E,
    citizen: &Citizen,
    editing: &Editing<'_>,
    done: Option<&str>,
    refused: Option<(&str, &ServiceError)>,
) -> Response {
    let owned = match store::owner(&citizen.principal) {
        Ok(pin) => store::list(engine.services(), pin, None, STORE_OFFERED)
            .await
            .map(|page| page.items),
        Err(e) => Err(e),
    };
    let owned = match owned {
        Ok(owned) => owned,
        Err(e) => return PageError::service(&e, Some(citizen)).into_response(),
    };
    let procedure = editing.procedure;
    let data = editing.dossier.data.as_ref().unwrap_or(&Value::Null);
    let fallback = editing.dossier.flags.iter().any(|f| f == "not_in_register");
    let shown: Vec<(&DocumentRequirement, bool)> = procedure
        .spec()
        .documents
        .iter()
        .map(|r| (r, is_required(r, data, fallback)))
        // A conditional or fallback document not asked for now is not shown.
        .filter(|(r, required)| *required || (r.required_when.is_none() && !r.fallback))
        .collect();
    let id = editing.id;
    let next = if editing.draft {
        (
            format!("/portal/ho-so/{id}/kiem-tra"),
            t("Tiếp tục", "Continue"),
        )
    } else {
        (
            format!("/portal/ho-so/{id}"),
            t("Về trang hồ sơ", "Back to the dossier"),
        )
    };
    let status = refused.map_or(StatusCode::OK, |_| StatusCode::UNPROCESSABLE_ENTITY);
    let body = html! {
        @if let Some((key, error)) = refused {
            div class="error-summary" role="alert" id="error-summary" {
                h2 { (t("Chưa lưu được giấy tờ", "The document was not saved")) }
                ul { li { a href=(format!("#file-{key}")) { (upload_problem(error)) } } }
            }
        }
        @if let Some(key) = done {
            p class="notice" role="status" id="notice" { (t("Đã lưu giấy tờ: ", "Document saved: ")) (editing::document_name(procedure, key)) "." }
        }
        @if shown.is_empty() {
            p id="no-documents" { (t("Với các thông tin bạn đã khai, hồ sơ không cần giấy tờ kèm theo.", "With the answers you gave, the dossier needs no documents.")) }
        } @else {
            p { (t("Các giấy tờ dưới đây được xác định theo thông tin bạn đã khai; khi bạn sửa tờ khai, danh sách có thể thay đổi.", "The documents below follow from the answers you gave; when you change the form, the list may change.")) }
        }
        @for (r, required) in &shown {
            (requirement(editing, citizen, r, *required, &owned, refused))
        }
        p { a class="button" href=(next.0) id="continue" { (next.1) } }
    };
    let who = Who::of(citizen);
    (
        status,
        page::layout(t("Giấy tờ kèm theo", "Documents"), Some(&who), body),
    )
        .into_response()
}

/// A refused upload in plain words.
fn upload_problem(error: &ServiceError) -> String {
    match error.code {
        Code::EmptyFile => t("Chưa chọn tệp.", "No file chosen.").to_owned(),
        Code::ContentMismatch => t(
            "Nội dung tệp không đúng loại tệp đã chọn (ví dụ: tệp đổi đuôi thành .pdf).",
            "The file's content is not of its type (for example a file renamed to .pdf).",
        )
        .to_owned(),
        _ if crate::lang::is_english() => error.detail.clone(),
        _ => error.vietnamese_detail().to_owned(),
    }
}

fn requirement(
    editing: &Editing<'_>,
    citizen: &Citizen,
    r: &DocumentRequirement,
    required: bool,
    owned: &[DocumentView],
    refused: Option<(&str, &ServiceError)>,
) -> Markup {
    let id = editing.id;
    let attached = editing
        .dossier
        .documents
        .as_deref()
        .unwrap_or_default()
        .iter()
        .find(|d| d.requirement == r.key);
    let problem = refused
        .filter(|(key, _)| *key == r.key)
        .map(|(_, e)| upload_problem(e));
    let fits: Vec<&DocumentView> = owned
        .iter()
        .filter(|d| r.accept.contains(&d.content_type))
        .filter(|d| u64::try_from(d.size).unwrap_or(u64::MAX) <= r.max_bytes)
        .collect();
    let types: Vec<&str> = r.accept.iter().map(|t| words::file_type(t)).collect();
    let ui = editing::ui();
    let file_id = format!("file-{}", r.key);
    let limits_id = format!("limits-{}", r.key);
    html! {
        section class="requirement" id=(format!("doc-{}", r.key)) data-requirement=(r.key) aria-labelledby=(format!("h-doc-{}", r.key)) {
            h2 id=(format!("h-doc-{}", r.key)) {
                (r.name) " "
                @if required { span class="tag required" { (t("Bắt buộc", "Required")) } } @else { span class="tag" { (t("Không bắt buộc", "Optional")) } }
            }
            @if let Some(purpose) = &r.purpose { p class="purpose" { (purpose) } }
            p class="doc-status" {
                @match attached.and_then(|d| d.id.map(|doc| (doc, d))) {
                    Some((doc, d)) => { (t("Đã đính kèm: ", "Attached: ")) a href=(format!("/portal/tai-lieu/{doc}")) { (d.file_name.as_deref().unwrap_or(t("tệp", "file"))) } },
                    None => (t("Chưa đính kèm.", "Not attached yet.")),
                }
            }
            form method="post" enctype="multipart/form-data" action=(format!("/portal/ho-so/{id}/giay-to/{}", r.key)) class="upload" {
                input type="hidden" name=(csrf::FIELD) value=(citizen.csrf.as_str());
                label for=(file_id) { @if attached.is_some() { (t("Thay bằng tệp khác", "Replace with another file")) } @else { (t("Chọn tệp", "Choose a file")) } }
                p class="hint" id=(limits_id) { (t("Tệp ", "Files: ")) (types.join(", ")) (t(", tối đa ", ", at most ")) (words::size(r.max_bytes)) "." }
                (field_error_in(ui, problem.as_deref(), &format!("{file_id}-error")))
                input type="file" id=(file_id) name="file" accept=(r.accept.join(","))
                    aria-describedby=(limits_id) aria-invalid=[problem.as_ref().map(|_| "true")];
                button type="submit" class="secondary" { (t("Tải tệp lên", "Upload the file")) }
            }
            @if !fits.is_empty() {
                form method="post" action=(format!("/portal/ho-so/{id}/giay-to/{}/dung-lai", r.key)) class="reuse" {
                    input type="hidden" name=(csrf::FIELD) value=(citizen.csrf.as_str());
                    label for=(format!("reuse-{}", r.key)) { (t("Hoặc dùng lại giấy tờ, kết quả đã có trong kho dữ liệu của bạn", "Or reuse a document or result from your store")) }
                    select id=(format!("reuse-{}", r.key)) name="document" {
                        @for d in &fits {
                            option value=(d.id) {
                                (d.file_name)
                                @if d.kind == "result" { (t(" (kết quả ", " (result ")) (d.result_code.as_deref().unwrap_or("")) ")" }
                            }
                        }
                    }
                    button type="submit" class="secondary" { (t("Dùng giấy tờ này", "Use this document")) }
                }
            }
        }
    }
}

/// Back to the documents, at the requirement just given one.
fn back(id: Uuid, key: &str) -> Response {
    let query = url::form_urlencoded::Serializer::new(String::new())
        .append_pair("xong", key)
        .finish();
    Redirect::to(&format!("/portal/ho-so/{id}/giay-to?{query}#doc-{key}")).into_response()
}

/// A file uploaded for a requirement.
pub async fn upload<E: Engine>(
    State(engine): State<E>,
    citizen: Citizen,
    Path((id, key)): Path<(String, String)>,
    form: Multipart,
) -> Response {
    let posted = match multipart::read(form).await {
        Ok(posted) => posted,
        Err(why) => {
            return citizen.refusal(
                StatusCode::BAD_REQUEST,
                format!(
                    "{}{why}",
                    t("Biểu mẫu không đọc được: ", "The form could not be read: ")
                ),
            )
        }
    };
    if !csrf::accepts(&citizen, posted.field(csrf::FIELD)) {
        return citizen.refusal(StatusCode::FORBIDDEN, csrf::FORGED.to_owned());
    }
    let editing = match editing::open_or_away(&engine, &citizen, &id).await {
        Ok(editing) => editing,
        Err(away) => return away,
    };
    let file = posted.file.map(|f| WholeFile {
        name: f.name,
        declared: f.declared,
        bytes: f.bytes,
    });
    let stored = match WholeFile::chosen(file, "tệp") {
        Ok(file) => {
            whole_file::upload(
                engine.services(),
                &citizen.principal,
                editing.id,
                &key,
                file,
            )
            .await
        }
        Err(e) => Err(e),
    };
    match stored {
        Ok(_) => back(editing.id, &key),
        Err(error) => render(&engine, &citizen, &editing, None, Some((&key, &error))).await,
    }
}

#[derive(Deserialize)]
pub struct ReuseForm {
    document: Option<String>,
}

/// A document or result of the citizen's store attached to a requirement.
pub async fn reuse<E: Engine>(
    State(engine): State<E>,
    Path((id, key)): Path<(String, String)>,
    Checked {
        visitor: citizen,
        form,
    }: Checked<Citizen, ReuseForm>,
) -> Response {
    let editing = match editing::open_or_away(&engine, &citizen, &id).await {
        Ok(editing) => editing,
        Err(away) => return away,
    };
    let document = form
        .document
        .as_deref()
        .and_then(|d| Uuid::parse_str(d).ok());
    let request = AttachExisting {
        reuse: document,
        paper: None,
    };
    let attached = match document {
        Some(_) => {
            attach_existing(
                engine.services(),
                &citizen.principal,
                editing.id,
                &key,
                request,
            )
            .await
        }
        None => Err(ServiceError::new(
            Code::DocumentNotFound,
            "no such document in your store",
        )),
    };
    match attached {
        Ok(_) => back(editing.id, &key),
        Err(error) => render(&engine, &citizen, &editing, None, Some((&key, &error))).await,
    }
}

/// A document's or result's bytes, for the citizen who owns it.
pub async fn download<E: Engine>(
    State(engine): State<E>,
    citizen: Citizen,
    Path(id): Path<String>,
) -> Response {
    let not_found = || {
        PageError::new(
            StatusCode::NOT_FOUND,
            t("Không tìm thấy tài liệu.", "Document not found."),
        )
        .for_citizen(&citizen)
        .into_response()
    };
    let Ok(id) = Uuid::parse_str(&id) else {
        return not_found();
    };
    let services = engine.services();
    let document = match download::find(services, &citizen.principal, id).await {
        Ok(document) => document,
        Err(e) => return PageError::service(&e, Some(&citizen)).into_response(),
    };
    match document.open(services).await {
        Ok(bytes) => motcua_web::download::file(
            Body::from_stream(bytes),
            &document.content_type,
            &document.file_name,
            false,
        ),
        Err(e) => PageError::service(&e, Some(&citizen)).into_response(),
    }
}
