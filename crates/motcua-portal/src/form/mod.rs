//! The form of a dossier the citizen fills in, rendered on the server from the procedure's
//! JSON Schema (motcua-web's `schema_form` and `form_fields`, as the console's counter
//! renders it), one question group a page (`pages.rs`), then the documents
//! (`crate::documents`) and a page to check the answers before submitting (`check.rs`).
//!
//! A page posted is saved as the API's merge patch (`drafts::patch`: what does not fit the
//! schema comes back beside its field, what was typed kept); going on, the engine's own
//! checks before submission (`submission::problems`: the schema, the named rules) are asked
//! for the fields of that page, so a missing answer or a rule's refusal is told there. The
//! page holds no rule of its own.

pub mod check;
pub mod pages;

use crate::citizen::Citizen;
use crate::editing::{self, summary, Editing, PortalWords};
use crate::error::PageError;
use crate::lang::t;
use crate::page::{self, Who};
use crate::Engine;
use axum::extract::{Form, Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use maud::html;
use motcua_service::{drafts, submission, FieldProblem, ServiceError};
use motcua_web::csrf::{self, Visitor as _};
use motcua_web::form_fields::{is_locked, Fields};
use motcua_web::schema_form::{self, Node};
use pages::FormPage;
use serde_json::{Map, Value};

/// The address of page `n` (from 1) of the form of dossier `id`.
pub fn page_href(id: impl std::fmt::Display, n: usize) -> String {
    format!("/portal/ho-so/{id}/to-khai/{n}")
}

/// What a page shows after a post.
#[derive(Default)]
struct Shown<'a> {
    problems: Vec<FieldProblem>,
    /// The form as posted, when it was not saved.
    sent: Option<&'a [(String, String)]>,
    refusal: Option<String>,
}

pub async fn page<E: Engine>(
    State(engine): State<E>,
    citizen: Citizen,
    Path((id, n)): Path<(String, usize)>,
) -> Response {
    match editing::open_or_away(&engine, &citizen, &id).await {
        Ok(editing) => render(&editing, &citizen, n, Shown::default()),
        Err(away) => away,
    }
}

fn render(editing: &Editing<'_>, citizen: &Citizen, n: usize, shown: Shown<'_>) -> Response {
    let procedure = editing.procedure;
    let nodes = schema_form::fields(&procedure.spec().form);
    let prefill = editing.dossier.prefill.as_ref();
    let pages = pages::split(procedure, &nodes, prefill);
    let Some(this) = n.checked_sub(1).and_then(|i| pages.get(i)) else {
        return PageError::new(StatusCode::NOT_FOUND, crate::error::no_such_page())
            .for_citizen(citizen)
            .into_response();
    };
    let data = editing.dossier.data.as_ref().unwrap_or(&Value::Null);
    let words = PortalWords {
        procedure,
        problems: &shown.problems,
    };
    let fields = Fields {
        procedure,
        data,
        prefill,
        sent: shown.sent,
        words: &words,
    };
    let id = editing.id;
    let status = if shown.problems.is_empty() && shown.refusal.is_none() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let w = crate::lang::words();
    let body = html! {
        p class="step" id="step" { (w.step) " " (n) " " (w.of) " " (pages.len() + 2) " · " (procedure.spec().name.vi) }
        @if let Some(refusal) = &shown.refusal {
            div class="error-summary" role="alert" id="refusal" { h2 { (w.not_saved) } p { (refusal) } }
        }
        (summary(procedure, &shown.problems, &editing::here))
        @if this.nodes.iter().all(|node| is_read_only(node, prefill)) {
            p { (t("Các thông tin dưới đây được lấy từ Cơ sở dữ liệu quốc gia về dân cư theo tài khoản định danh điện tử của bạn. Nếu có sai sót, hãy đề nghị Công an cấp xã nơi cư trú điều chỉnh.", "The information below comes from the national population register, by your electronic identity account. If something is wrong, ask the commune police where you live to correct it.")) }
        }
        form method="post" action=(page_href(id, n)) id="form-page" novalidate {
            input type="hidden" name=(csrf::FIELD) value=(citizen.csrf.as_str());
            @for node in &this.nodes { (fields.node(node)) }
            div class="buttons" {
                button type="submit" name="then" value="next" id="next" { (w.save_and_continue) }
                " "
                button type="submit" name="then" value="leave" class="secondary" id="leave" { (w.save_and_leave) }
            }
        }
        @if n > 1 { p { a href=(page_href(id, n - 1)) { (t("← Trang trước", "← Previous page")) } } }
    };
    let who = Who::of(citizen);
    (status, page::layout(&this.title, Some(&who), body)).into_response()
}

/// Whether nothing below `node` is to be typed.
fn is_read_only(node: &Node<'_>, prefill: Option<&Value>) -> bool {
    match node {
        Node::Group { children, .. } => children.iter().all(|c| is_read_only(c, prefill)),
        Node::List { .. } => false,
        Node::Input(input) => is_locked(prefill, &input.pointer),
    }
}

/// A page posted: saved, then on to the next page (or back to "my dossiers"), or the same
/// page again with what the engine refused beside its field.
pub async fn save<E: Engine>(
    State(engine): State<E>,
    citizen: Citizen,
    Path((id, n)): Path<(String, usize)>,
    Form(sent): Form<Vec<(String, String)>>,
) -> Response {
    let token = sent
        .iter()
        .find(|(name, _)| name == csrf::FIELD)
        .map(|(_, v)| v.as_str());
    if !csrf::accepts(&citizen, token) {
        return citizen.refusal(StatusCode::FORBIDDEN, csrf::FORGED.to_owned());
    }
    let editing = match editing::open_or_away(&engine, &citizen, &id).await {
        Ok(editing) => editing,
        Err(away) => return away,
    };
    let leave = sent.iter().any(|(n, v)| n == "then" && v == "leave");
    let fields: Vec<(String, String)> = sent
        .into_iter()
        .filter(|(name, _)| name.starts_with('/'))
        .collect();
    let services = engine.services();
    let procedure = editing.procedure;
    let nodes = schema_form::fields(&procedure.spec().form);
    let prefill = editing.dossier.prefill.as_ref();
    let pages = pages::split(procedure, &nodes, prefill);
    let Some(this) = n.checked_sub(1).and_then(|i| pages.get(i)) else {
        return PageError::new(StatusCode::NOT_FOUND, crate::error::no_such_page())
            .for_citizen(&citizen)
            .into_response();
    };
    let data = editing
        .dossier
        .data
        .clone()
        .unwrap_or(Value::Object(Map::new()));
    let page_nodes: Vec<&Node<'_>> = this.nodes.clone();
    let patch = patch_of(&page_nodes, &fields, &data, prefill);
    let saved = if patch.as_object().is_some_and(Map::is_empty) {
        Ok(editing)
    } else {
        match drafts::patch(services, &citizen.principal, editing.id, &patch).await {
            Ok(dossier) => Ok(Editing { dossier, ..editing }),
            Err(error) => Err((editing, error)),
        }
    };
    let editing = match saved {
        Ok(editing) => editing,
        Err((editing, error)) => {
            let shown = refused(error, &fields);
            return render(&editing, &citizen, n, shown);
        }
    };
    if leave {
        return Redirect::to("/portal/ho-so?da_luu=1").into_response();
    }
    // The engine's checks before submission, for this page's fields only.
    let problems = match submission::problems(services, &citizen.principal, editing.id).await {
        Ok(problems) => on_page(problems, this),
        Err(e) => return PageError::service(&e, Some(&citizen)).into_response(),
    };
    if !problems.is_empty() {
        let shown = Shown {
            problems,
            ..Shown::default()
        };
        return render(&editing, &citizen, n, shown);
    }
    let next = if n < pages.len() {
        page_href(editing.id, n + 1)
    } else {
        format!("/portal/ho-so/{}/giay-to", editing.id)
    };
    Redirect::to(&next).into_response()
}

/// The merge patch of a page's fields.
fn patch_of(
    nodes: &[&Node<'_>],
    sent: &[(String, String)],
    data: &Value,
    prefill: Option<&Value>,
) -> Value {
    let mut out = Map::new();
    for node in nodes {
        let one = schema_form::patch(std::slice::from_ref(*node), sent, data, &|p| {
            is_locked(prefill, p)
        });
        if let Value::Object(members) = one {
            out.extend(members);
        }
    }
    Value::Object(out)
}

/// The problems of a page's fields.
fn on_page(problems: Vec<FieldProblem>, page: &FormPage<'_, '_>) -> Vec<FieldProblem> {
    problems
        .into_iter()
        .filter(|p| page.asks(&p.pointer))
        .collect()
}

/// A refused save: field problems beside their fields, anything else at the top.
fn refused(error: ServiceError, sent: &[(String, String)]) -> Shown<'_> {
    let refusal = error.errors.is_empty().then(|| {
        if crate::lang::is_english() {
            error.detail.clone()
        } else {
            error.vietnamese_detail().to_owned()
        }
    });
    Shown {
        problems: error.errors,
        sent: Some(sent),
        refusal,
    }
}
