//! "Kiểm tra thông tin trước khi nộp" (GOV.UK's check answers): every answer under its
//! page's heading with a link to change it, the documents, what the engine would still
//! refuse (`submission::problems`), and the button that submits.
//!
//! Submitting twice is one submission: the page's form carries an idempotency key made when
//! the page was shown, and the submission use case replays its first answer to the same
//! key (a double click, a reload of the POST), as the API does for `Idempotency-Key`.

use super::page_href;
use super::pages::{self, FormPage};
use crate::citizen::Citizen;
use crate::editing::{self, document_name, summary, Editing};
use crate::error::PageError;
use crate::lang::t;
use crate::page::{self, Who};
use crate::Engine;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use maud::{html, Markup};
use motcua_core::procedure::Procedure;
use motcua_service::words::form as form_words;
use motcua_service::{submission, Code, FieldProblem};
use motcua_web::csrf::{self, Checked};
use motcua_web::form_fields::{input_id, is_locked, shown_value_in};
use motcua_web::schema_form::{self, Node};
use serde::Deserialize;
use serde_json::Value;
use uuid::Uuid;

pub async fn page<E: Engine>(
    State(engine): State<E>,
    citizen: Citizen,
    Path(id): Path<String>,
) -> Response {
    let editing = match editing::open_or_away(&engine, &citizen, &id).await {
        Ok(editing) => editing,
        Err(away) => return away,
    };
    match submission::problems(engine.services(), &citizen.principal, editing.id).await {
        Ok(problems) => render(&editing, &citizen, &problems, StatusCode::OK),
        Err(e) => PageError::service(&e, Some(&citizen)).into_response(),
    }
}

fn render(
    editing: &Editing<'_>,
    citizen: &Citizen,
    problems: &[FieldProblem],
    status: StatusCode,
) -> Response {
    let procedure = editing.procedure;
    let nodes = schema_form::fields(&procedure.spec().form);
    let prefill = editing.dossier.prefill.as_ref();
    let pages = pages::split(procedure, &nodes, prefill);
    let id = editing.id;
    let data = editing.dossier.data.as_ref().unwrap_or(&Value::Null);
    // Each problem links to its field on the page that asks it, a document to its upload.
    let href = |p: &FieldProblem| match p.pointer.strip_prefix("/documents/") {
        Some(key) => format!("/portal/ho-so/{id}/giay-to#doc-{key}"),
        None => pages
            .iter()
            .position(|page| page.asks(&p.pointer))
            .map_or_else(String::new, |i| {
                format!("{}#{}", page_href(id, i + 1), input_id(&p.pointer))
            }),
    };
    let answered = Answers {
        procedure,
        data,
        prefill,
    };
    let w = crate::lang::words();
    let body = html! {
        p class="step" { (w.step) " " (pages.len() + 2) " " (w.of) " " (pages.len() + 2) " · " (procedure.spec().name.vi) }
        (summary(procedure, problems, &href))
        @for (i, page) in pages.iter().enumerate() {
            (answered.section(page, &page_href(id, i + 1), i))
        }
        section aria-labelledby="h-docs" id="check-documents" {
            h2 id="h-docs" { (t("Giấy tờ", "Documents")) }
            @let documents = editing.dossier.documents.as_deref().unwrap_or_default();
            @if documents.is_empty() { p { (t("Chưa đính kèm giấy tờ nào.", "No documents attached yet.")) } }
            ul { @for doc in documents {
                li { (document_name(procedure, &doc.requirement)) ": " (doc.file_name.as_deref().unwrap_or("—")) }
            } }
            p { a href=(format!("/portal/ho-so/{id}/giay-to")) { (t("Sửa", "Change")) span class="visually-hidden" { (t(" giấy tờ", " the documents")) } } }
        }
        @if editing.draft {
            form method="post" action=(format!("/portal/ho-so/{id}/nop")) id="form-submit" {
                input type="hidden" name=(csrf::FIELD) value=(citizen.csrf.as_str());
                input type="hidden" name="key" value=(Uuid::now_v7());
                p { (t("Bằng việc nộp hồ sơ, bạn cam đoan các thông tin trên là đúng sự thật.", "By submitting, you declare that the information above is true.")) }
                button type="submit" id="submit" { (t("Nộp hồ sơ", "Submit the dossier")) }
            }
        } @else {
            p { a href=(format!("/portal/ho-so/{id}")) { (t("Về trang hồ sơ để nộp bổ sung", "Back to the dossier to submit the supplement")) } }
        }
    };
    let who = Who::of(citizen);
    (
        status,
        page::layout(
            t(
                "Kiểm tra thông tin trước khi nộp",
                "Check your answers before submitting",
            ),
            Some(&who),
            body,
        ),
    )
        .into_response()
}

/// The answers as a person reads them.
struct Answers<'a> {
    procedure: &'a Procedure,
    data: &'a Value,
    prefill: Option<&'a Value>,
}

impl Answers<'_> {
    fn section(&self, page: &FormPage<'_, '_>, change: &str, i: usize) -> Markup {
        let heading = format!("h-answers-{i}");
        html! {
            section aria-labelledby=(heading) class="answers" {
                h2 id=(heading) { (page.title) }
                dl class="data" {
                    @for node in &page.nodes { (self.node(node)) }
                }
                p { a href=(change) { (t("Sửa", "Change")) span class="visually-hidden" { " " (page.title) } } }
            }
        }
    }

    fn node(&self, node: &Node<'_>) -> Markup {
        let label = form_words::label(self.procedure, node.pointer());
        match node {
            Node::Group { children, .. } => html! {
                dt class="group" { (label) }
                dd { dl class="data" { @for child in children { (self.node(child)) } } }
            },
            Node::List { pointer, .. } => {
                let count = self
                    .data
                    .pointer(pointer)
                    .and_then(Value::as_array)
                    .map_or(0, Vec::len);
                html! {
                    dt { (label) }
                    dd {
                        @if count == 0 { (t("Không có", "None")) }
                        @for i in 0..count {
                            dl class="data row-item" { @for child in node.row(i) { (self.node(&child)) } }
                        }
                    }
                }
            }
            Node::Input(input) => {
                let value = self.data.pointer(&input.pointer);
                html! {
                    dt {
                        (label)
                        @if is_locked(self.prefill, &input.pointer) { " " span class="source" { (t("từ CSDL dân cư", "from the population register")) } }
                    }
                    dd data-pointer=(input.pointer) {
                        @match value {
                            None | Some(Value::Null) => span class="muted" { (t("Chưa trả lời", "Not answered")) },
                            Some(_) => (shown_value_in(editing::ui(), self.procedure, input, value)),
                        }
                    }
                }
            }
        }
    }
}

#[derive(Deserialize)]
pub struct SubmitForm {
    /// The idempotency key the page was shown with.
    key: Option<String>,
}

/// "Nộp hồ sơ": the API's submission with the page's key; the receipt on the dossier's
/// page, or the check page again with what the engine refused.
pub async fn submit<E: Engine>(
    State(engine): State<E>,
    Path(id): Path<String>,
    Checked {
        visitor: citizen,
        form,
    }: Checked<Citizen, SubmitForm>,
) -> Response {
    let id = match editing::dossier_id(&id, &citizen) {
        Ok(id) => id,
        Err(e) => return e.into_response(),
    };
    let key = form.key.filter(|k| !k.is_empty() && k.len() <= 255);
    let services = engine.services();
    let receipt = Redirect::to(&format!("/portal/ho-so/{id}?da_nop=1")).into_response();
    match submission::submit(services, &citizen.principal, key, id).await {
        Ok(_) => receipt,
        // Submitted already (from another tab, or without a key): its receipt.
        Err(e) if e.code == Code::AlreadySubmitted => receipt,
        Err(error) => {
            let editing = match editing::open(&engine, &citizen, &id.to_string()).await {
                Ok(Some(editing)) => editing,
                Ok(None) => return receipt,
                Err(e) => return e.into_response(),
            };
            if error.errors.is_empty() {
                return PageError::service(&error, Some(&citizen)).into_response();
            }
            render(
                &editing,
                &citizen,
                &error.errors,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
        }
    }
}
