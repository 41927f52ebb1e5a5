//! The papers of a counter draft: for each document the procedure asks for, whether the
//! citizen's paper was received (the API's `{"paper": true}`, `documents::reuse`) and its
//! scan, uploaded from a form (the API's upload use case, checked the same way: the
//! requirement's types and size, and the file's leading bytes).

use super::draft::{render, scan_or_general, Outcome};
use super::{desk_clerk_only, field_error};
use crate::csrf::{self, Checked};
use crate::documents::{chosen_file, posted_by};
use crate::dossier::dossier_id;
use crate::error::PageError;
use crate::login::NoFields;
use crate::staff::Staff;
use crate::Engine;
use axum::extract::{Multipart, Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use maud::{html, Markup};
use motcua_core::procedure::documents::is_required;
use motcua_core::procedure::{DocumentRequirement, Procedure};
use motcua_service::documents::reuse::{attach_existing, AttachExisting};
use motcua_service::documents::whole_file;
use motcua_service::view::DossierView;
use motcua_service::ServiceError;
use motcua_web::multipart::Posted;
use serde_json::Value;
use uuid::Uuid;

/// The documents section of the draft's page.
pub fn section(d: &DossierView, procedure: &Procedure, staff: &Staff, outcome: &Outcome) -> Markup {
    let data = d.data.as_ref().unwrap_or(&Value::Null);
    let fallback = d.flags.iter().any(|f| f == "not_in_register");
    html! {
        section aria-labelledby="h-documents" id="documents" {
            h2 id="h-documents" { "Giấy tờ công dân nộp" }
            @if procedure.spec().documents.is_empty() {
                p { "Thủ tục này không yêu cầu giấy tờ kèm theo." }
            }
            @for r in &procedure.spec().documents {
                @if !r.fallback || fallback {
                    (requirement(d, r, is_required(r, data, fallback), staff, outcome))
                }
            }
        }
    }
}

fn requirement(
    d: &DossierView,
    r: &DocumentRequirement,
    required: bool,
    staff: &Staff,
    outcome: &Outcome,
) -> Markup {
    let attached = d
        .documents
        .as_deref()
        .unwrap_or_default()
        .iter()
        .find(|doc| doc.requirement == r.key);
    let problem = match outcome {
        Outcome::Refused { form, error, .. } if *form == format!("doc:{}", r.key) => {
            Some(scan_or_general(error))
        }
        Outcome::Refused { form, error, .. } if form == "submit" => error
            .errors
            .iter()
            .any(|p| p.pointer == format!("/documents/{}", r.key))
            .then(|| "Cần có bản giấy hoặc bản scan của giấy tờ này trước khi nộp.".to_owned()),
        _ => None,
    };
    let file_id = format!("scan-{}", r.key);
    html! {
        div class="requirement" id=(format!("doc-{}", r.key)) data-requirement=(r.key) {
            h3 {
                (r.name)
                " "
                @if required { span class="tag required" { "Bắt buộc" } } @else { span class="tag" { "Không bắt buộc" } }
            }
            (field_error(problem.as_deref(), &format!("doc-{}-error", r.key)))
            p class="doc-status" {
                @match attached {
                    Some(doc) if doc.source == "paper" => "Đã nhận bản giấy, chưa có bản scan.",
                    Some(doc) => {
                        "Đã có bản scan: "
                        @if let Some(id) = doc.id {
                            a href=(format!("/console/documents/{id}")) download { (doc.file_name.as_deref().unwrap_or("tệp")) }
                        } @else {
                            (doc.file_name.as_deref().unwrap_or("tệp"))
                        }
                    },
                    None => "Chưa nhận.",
                }
            }
            div class="doc-forms" {
                @if attached.is_none() {
                    form method="post" action=(format!("/console/counter/{}/documents/{}/paper", d.id, r.key)) class="paper" {
                        input type="hidden" name=(csrf::FIELD) value=(staff.csrf.as_str());
                        button type="submit" class="secondary" { "Đã nhận bản giấy" }
                    }
                }
                form method="post" enctype="multipart/form-data" action=(format!("/console/counter/{}/documents/{}", d.id, r.key)) class="scan" {
                    input type="hidden" name=(csrf::FIELD) value=(staff.csrf.as_str());
                    label for=(file_id) { "Bản scan (" (r.accept.join(", ")) ", tối đa " (r.max_bytes / (1024 * 1024)) " MB)" }
                    input type="file" id=(file_id) name="file" accept=(r.accept.join(","));
                    button type="submit" class="secondary" { "Tải bản scan lên" }
                }
            }
        }
    }
}

/// The dossier of the path, for a desk clerk (the requirement's key is the use case's to
/// look up).
fn path_ids(staff: &Staff, id: &str) -> Result<Uuid, PageError> {
    desk_clerk_only(staff)?;
    dossier_id(id, staff)
}

/// "Paper received" for a requirement.
pub async fn paper<E: Engine>(
    State(engine): State<E>,
    Path((id, key)): Path<(String, String)>,
    Checked { staff, .. }: Checked<NoFields>,
) -> Response {
    let id = match path_ids(&staff, &id) {
        Ok(id) => id,
        Err(refused) => return refused.into_response(),
    };
    let request = AttachExisting {
        reuse: None,
        paper: Some(true),
    };
    match attach_existing(engine.services(), &staff.principal, id, &key, request).await {
        Ok(_) => back(id, &key),
        Err(error) => refused(&engine, &staff, id, &key, error).await,
    }
}

/// A scan uploaded for a requirement.
pub async fn upload<E: Engine>(
    State(engine): State<E>,
    staff: Staff,
    Path((id, key)): Path<(String, String)>,
    multipart: Multipart,
) -> Response {
    let posted = match posted_by(&staff, multipart).await {
        Ok(posted) => posted,
        Err(refused) => return refused.into_response(),
    };
    let id = match path_ids(&staff, &id) {
        Ok(id) => id,
        Err(refused) => return refused.into_response(),
    };
    match store_scan(&engine, &staff, id, &key, posted).await {
        Ok(()) => back(id, &key),
        Err(error) => refused(&engine, &staff, id, &key, error).await,
    }
}

async fn store_scan<E: Engine>(
    engine: &E,
    staff: &Staff,
    id: Uuid,
    key: &str,
    posted: Posted,
) -> Result<(), ServiceError> {
    let file = chosen_file(posted, "tệp bản scan")?;
    whole_file::upload(engine.services(), &staff.principal, id, key, file).await?;
    Ok(())
}

/// Back to the draft, at the requirement's papers.
fn back(id: Uuid, key: &str) -> Response {
    let query = url::form_urlencoded::Serializer::new(String::new())
        .append_pair("done", key)
        .finish();
    Redirect::to(&format!("/console/counter/{id}?{query}#doc-{key}")).into_response()
}

async fn refused<E: Engine>(
    engine: &E,
    staff: &Staff,
    id: Uuid,
    key: &str,
    error: ServiceError,
) -> Response {
    let outcome = Outcome::Refused {
        form: format!("doc:{key}"),
        error,
        sent: None,
    };
    render(engine, staff, id, outcome).await
}
