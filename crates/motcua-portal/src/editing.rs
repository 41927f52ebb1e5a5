//! A dossier the citizen is filling in: a draft, or one whose agency asked for a
//! supplement or a correction. The pages of the form, its documents and the check before
//! submitting open it here; any other dossier is shown on its own page instead.

use crate::citizen::Citizen;
use crate::error::PageError;
use crate::lang::t;
use crate::Engine;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use maud::{html, Markup};
use motcua_core::procedure::Procedure;
use motcua_service::citizen_tasks::{self, Task};
use motcua_service::view::DossierView;
use motcua_service::words::form as form_words;
use motcua_service::{dossier_reads, FieldProblem};
use motcua_web::dates::date_time_text;
use motcua_web::form_fields::{input_id, FieldWords, Ui, UI_EN, UI_VI};
use serde_json::Value;
use uuid::Uuid;

/// A dossier the citizen may change now, with its procedure's version.
pub struct Editing<'e> {
    pub id: Uuid,
    pub dossier: DossierView,
    pub procedure: &'e Procedure,
    /// A draft (not yet submitted), rather than an answer to the agency.
    pub draft: bool,
}

/// Not a dossier's id: no such dossier, as for one that is not theirs.
pub fn dossier_id(id: &str, citizen: &Citizen) -> Result<Uuid, PageError> {
    Uuid::parse_str(id).map_err(|_| {
        PageError::new(
            StatusCode::NOT_FOUND,
            crate::lang::t("Không tìm thấy hồ sơ.", "Dossier not found."),
        )
        .for_citizen(citizen)
    })
}

/// The dossier `id` and its procedure; `Ok(None)` when it is visible but not the
/// citizen's to change now.
pub async fn open<'e, E: Engine>(
    engine: &'e E,
    citizen: &Citizen,
    id: &str,
) -> Result<Option<Editing<'e>>, PageError> {
    let id = dossier_id(id, citizen)?;
    let services = engine.services();
    let refused = |e| PageError::service(&e, Some(citizen));
    let dossier = dossier_reads::get(services, &citizen.principal, id)
        .await
        .map_err(refused)?;
    let task = citizen_tasks::next(services, &citizen.principal, &dossier)
        .await
        .map_err(refused)?;
    let draft = match task {
        Task::FinishDraft => true,
        Task::Answer(_) => false,
        Task::Wait | Task::Finished => return Ok(None),
    };
    let procedure = services
        .catalog
        .version(&dossier.procedure.code, dossier.procedure.version)
        .map(|p| p.as_ref())
        .ok_or_else(|| {
            PageError::new(
                StatusCode::INTERNAL_SERVER_ERROR,
                t(
                    "Không tìm thấy phiên bản thủ tục của hồ sơ.",
                    "The dossier's version of the procedure was not found.",
                ),
            )
            .for_citizen(citizen)
        })?;
    Ok(Some(Editing {
        id,
        dossier,
        procedure,
        draft,
    }))
}

/// [`open`] for a page's handler: a dossier no longer the citizen's to change sends the
/// browser to its own page, a refusal is its page.
pub async fn open_or_away<'e, E: Engine>(
    engine: &'e E,
    citizen: &Citizen,
    id: &str,
) -> Result<Editing<'e>, Response> {
    match open(engine, citizen, id).await {
        Ok(Some(editing)) => Ok(editing),
        Ok(None) => Err(Redirect::to(&format!("/portal/ho-so/{id}")).into_response()),
        Err(e) => Err(e.into_response()),
    }
}

/// The name of the procedure's document `key`.
pub fn document_name(procedure: &Procedure, key: &str) -> String {
    procedure
        .spec()
        .documents
        .iter()
        .find(|d| d.key == key)
        .map_or_else(|| key.to_owned(), |d| d.name.clone())
}

/// What is said beside a field of its problem: the use case's Vietnamese words
/// (`motcua_service::words`), which the API and the console say too.
pub fn beside(problem: &FieldProblem) -> String {
    if crate::lang::is_english() {
        return problem.message.clone();
    }
    problem
        .vietnamese
        .as_ref()
        .map_or_else(|| "Giá trị không hợp lệ.".to_owned(), |s| s.message.clone())
}

/// The portal's words for a form's fields: titles, the engine's problems, and where a
/// locked value came from and when.
pub struct PortalWords<'a> {
    pub procedure: &'a Procedure,
    pub problems: &'a [FieldProblem],
}

impl FieldWords for PortalWords<'_> {
    fn label(&self, pointer: &str) -> String {
        form_words::label(self.procedure, pointer)
    }

    fn problem(&self, pointer: &str) -> Option<String> {
        self.problems
            .iter()
            .find(|p| p.pointer == pointer)
            .map(beside)
    }

    fn source(&self, entry: Option<&Value>) -> Markup {
        source(entry)
    }

    fn optional(&self) -> Option<&str> {
        Some(t("(không bắt buộc)", "(optional)"))
    }

    fn ui(&self) -> &'static Ui {
        ui()
    }
}

/// The form's own words in the request's language.
pub fn ui() -> &'static Ui {
    if crate::lang::is_english() {
        &UI_EN
    } else {
        &UI_VI
    }
}

/// "Từ Cơ sở dữ liệu quốc gia về dân cư, lúc 10:00 22/04/2025 · không sửa được".
pub fn source(entry: Option<&Value>) -> Markup {
    let source = entry
        .and_then(|e| e.get("source"))
        .and_then(Value::as_str)
        .unwrap_or_default();
    let at = entry
        .and_then(|e| e.get("fetched_at"))
        .and_then(Value::as_str)
        .map(date_time_text);
    let from = if source.starts_with("rule:") {
        t(
            "Hệ thống xác định từ Cơ sở dữ liệu quốc gia về dân cư",
            "Worked out by the system from the national population register",
        )
    } else if source.starts_with("vneid") {
        t(
            "Từ tài khoản định danh điện tử VNeID",
            "From your VNeID electronic identity account",
        )
    } else {
        t(
            "Từ Cơ sở dữ liệu quốc gia về dân cư",
            "From the national population register",
        )
    };
    html! {
        (from)
        @if let Some(at) = at { (t(", lúc ", ", at ")) (at) }
        (t(" · không sửa được", " · cannot be changed"))
    }
}

/// The problems at the top of a page, each a link to its field (`href` of a problem: on
/// this page, or another's).
pub fn summary(
    procedure: &Procedure,
    problems: &[FieldProblem],
    href: &dyn Fn(&FieldProblem) -> String,
) -> Markup {
    html! {
        @if !problems.is_empty() {
            div class="error-summary" role="alert" id="error-summary" tabindex="-1" {
                h2 { (t("Có vấn đề cần sửa", "There is a problem")) }
                ul {
                    @for problem in problems {
                        li { a href=(href(problem)) { (said(procedure, problem)) } }
                    }
                }
            }
        }
    }
}

/// A problem as one sentence: its field's label, then what is wrong.
pub fn said(procedure: &Procedure, problem: &FieldProblem) -> String {
    match &problem.vietnamese {
        Some(s) if !s.sentence.is_empty() && !crate::lang::is_english() => s.sentence.clone(),
        _ => format!(
            "{}: {}",
            form_words::label(procedure, &problem.pointer),
            beside(problem)
        ),
    }
}

/// The link to the field of `pointer` on this page.
pub fn here(problem: &FieldProblem) -> String {
    format!("#{}", input_id(&problem.pointer))
}
