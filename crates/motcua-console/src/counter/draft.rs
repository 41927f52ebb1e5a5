//! A counter draft's page: the citizen as the register gave them, the papers received and
//! their scans, and the form from the procedure's schema. Saving is the API's merge patch
//! (`drafts::patch`); "save and submit" then the API's submission. A problem comes back
//! beside its field in Vietnamese, with what was typed kept.

use super::desk_clerk_only;
use crate::csrf::{self, checked_token};
use crate::dossier::dossier_id;
use crate::error::{explain, status_of, PageError};
use crate::page::{self, Who};
use crate::staff::Staff;
use crate::{dates, words, Engine};
use axum::extract::{Form, Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use maud::{html, Markup};
use motcua_core::procedure::Procedure;
use motcua_service::view::DossierView;
use motcua_service::words::form as form_words;
use motcua_service::{dossier_reads, drafts, submission, FieldProblem, ServiceError};
use motcua_web::form_fields::{input_id, is_locked, FieldWords, Fields};
use motcua_web::schema_form;
use serde::Deserialize;
use serde_json::{Map, Value};
use uuid::Uuid;

/// What the page says after a form.
pub enum Outcome {
    None,
    Done(String),
    /// A paper or a scan recorded for the requirement of this key.
    Recorded(String),
    Refused {
        /// `form`, `submit`, or `doc:{requirement}`.
        form: String,
        error: ServiceError,
        /// The form's fields as posted, shown again.
        sent: Option<Vec<(String, String)>>,
    },
}

impl Outcome {
    fn error(&self) -> Option<&ServiceError> {
        match self {
            Outcome::Refused { error, .. } => Some(error),
            _ => None,
        }
    }

    /// The problems at `pointer` of the refusal.
    fn problems_at(&self, pointer: &str) -> Vec<&motcua_service::FieldProblem> {
        self.error()
            .map(|e| e.errors.iter().filter(|p| p.pointer == pointer).collect())
            .unwrap_or_default()
    }
}

#[derive(Deserialize)]
pub struct Notice {
    done: Option<String>,
}

pub async fn page<E: Engine>(
    State(engine): State<E>,
    staff: Staff,
    Path(id): Path<String>,
    Query(notice): Query<Notice>,
) -> Response {
    if let Err(e) = desk_clerk_only(&staff) {
        return e.into_response();
    }
    let id = match dossier_id(&id, &staff) {
        Ok(id) => id,
        Err(e) => return e.into_response(),
    };
    let outcome = match notice.done.as_deref() {
        Some("form") => Outcome::Done("Đã lưu tờ khai.".to_owned()),
        Some(key) => Outcome::Recorded(key.to_owned()),
        None => Outcome::None,
    };
    render(&engine, &staff, id, outcome).await
}

/// The draft's page as `staff` sees it now; a dossier no longer a counter draft is shown
/// on its own page.
pub async fn render<E: Engine>(engine: &E, staff: &Staff, id: Uuid, outcome: Outcome) -> Response {
    let services = engine.services();
    let dossier = match dossier_reads::get(services, &staff.principal, id).await {
        Ok(dossier) => dossier,
        Err(e) => return PageError::service(&e, staff).into_response(),
    };
    if dossier.state != "draft" || dossier.channel != "counter" {
        return Redirect::to(&format!("/console/dossiers/{id}")).into_response();
    }
    let Some(procedure) = services
        .catalog
        .version(&dossier.procedure.code, dossier.procedure.version)
        .map(|p| p.as_ref())
    else {
        return PageError::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "Không tìm thấy phiên bản thủ tục của hồ sơ.",
        )
        .for_staff(staff)
        .into_response();
    };
    let status = outcome
        .error()
        .map_or(StatusCode::OK, |e| status_of(e.code));
    let body = html! {
        @match &outcome {
            Outcome::Done(text) => p class="notice" role="status" id="notice" { (text) },
            Outcome::Recorded(key) => p class="notice" role="status" id="notice" {
                "Đã ghi nhận giấy tờ: " (document_name(procedure, key)) "."
            },
            Outcome::Refused { error, .. } => (summary(procedure, error)),
            Outcome::None => {},
        }
        (citizen(&dossier, procedure))
        (super::scans::section(&dossier, procedure, staff, &outcome))
        (form_section(&dossier, procedure, staff, &outcome))
    };
    let title = format!("Hồ sơ tại quầy: {}", procedure.spec().name.vi);
    (status, page::layout(&title, Some(&Who::of(staff)), body)).into_response()
}

/// What is said beside a field of its problem: the use case's Vietnamese words
/// (`motcua_service::words`), which every interface shows alike.
fn beside(problem: &FieldProblem) -> String {
    problem
        .vietnamese
        .as_ref()
        .map_or_else(|| "Giá trị không hợp lệ.".to_owned(), |s| s.message.clone())
}

/// The label of a problem's field, as the use case said it or from the form.
fn label_of(procedure: &Procedure, problem: &FieldProblem) -> String {
    problem
        .vietnamese
        .as_ref()
        .map(|s| s.label.clone())
        .filter(|l| !l.is_empty())
        .unwrap_or_else(|| form_words::label(procedure, &problem.pointer))
}

/// The refusal at the top, each problem a link to its field.
fn summary(procedure: &Procedure, error: &ServiceError) -> Markup {
    html! {
        div class="error-summary" role="alert" id="refusal" {
            h2 { "Chưa thực hiện được" }
            @if error.errors.is_empty() {
                p { (scan_or_general(error)) }
            } @else {
                p { "Hãy sửa các mục sau:" }
                ul {
                    @for problem in &error.errors {
                        @if let Some(key) = problem.pointer.strip_prefix("/documents/") {
                            li { a href=(format!("#doc-{key}")) { (document_name(procedure, key)) ": cần có bản giấy hoặc bản scan." } }
                        } @else {
                            li { a href=(format!("#{}", input_id(&problem.pointer))) {
                                (label_of(procedure, problem)) ": " (beside(problem))
                            } }
                        }
                    }
                }
            }
        }
    }
}

/// A refusal without field problems, in Vietnamese (an upload's, or the engine's words).
pub fn scan_or_general(error: &ServiceError) -> String {
    use motcua_service::Code;
    match error.code {
        Code::MediaTypeNotAccepted => {
            "Loại tệp không được chấp nhận cho giấy tờ này (chọn tệp PDF, JPEG hoặc PNG)."
                .to_owned()
        }
        Code::FileTooLarge => "Tệp quá lớn so với giới hạn của giấy tờ này.".to_owned(),
        Code::ContentMismatch => format!("Nội dung tệp không đúng loại tệp ({}).", error.detail),
        Code::EmptyFile => "Chưa chọn tệp bản scan.".to_owned(),
        _ => explain(error),
    }
}

fn document_name(procedure: &Procedure, key: &str) -> String {
    procedure
        .spec()
        .documents
        .iter()
        .find(|d| d.key == key)
        .map_or_else(|| key.to_owned(), |d| d.name.clone())
}

/// Who the dossier is for, as the register gave them.
fn citizen(d: &DossierView, _procedure: &Procedure) -> Markup {
    let data = d.data.as_ref().unwrap_or(&Value::Null);
    let prefill = d.prefill.as_ref().and_then(Value::as_object);
    let find = |field: &str| {
        prefill.and_then(|p| {
            p.keys()
                .find(|k| k.ends_with(&format!("/{field}")))
                .and_then(|k| data.pointer(k))
                .and_then(Value::as_str)
        })
    };
    let read_at = prefill
        .and_then(|p| {
            p.values()
                .find_map(|e| e.get("fetched_at"))
                .and_then(Value::as_str)
        })
        .map(dates::date_time_text);
    html! {
        section aria-labelledby="h-citizen" id="citizen" {
            h2 id="h-citizen" { "Công dân" }
            dl class="facts" {
                dt { "Họ và tên" }
                dd id="citizen-name" { (find("full_name").unwrap_or("—")) }
                dt { "Số định danh cá nhân" }
                dd id="citizen-pin" { (find("pin").unwrap_or("—")) }
                dt { "Tra cứu CSDL quốc gia về dân cư" }
                dd {
                    @match &read_at {
                        Some(at) => { "lúc " (at) ", ghi nhận với tên cán bộ " (d.taken_by.as_deref().unwrap_or("—")) " và mục đích tiếp nhận hồ sơ tại quầy" },
                        None => "Không có dữ liệu từ CSDL dân cư",
                    }
                }
            }
            @if d.flags.iter().any(|f| f == "not_in_register") {
                p class="warning" id="not-in-register" {
                    "Người này không có trong CSDL dân cư: cần nhận và kiểm tra giấy tờ thay thế (bên dưới)."
                }
            }
        }
    }
}

fn form_section(
    d: &DossierView,
    procedure: &Procedure,
    staff: &Staff,
    outcome: &Outcome,
) -> Markup {
    let form = &procedure.spec().form;
    let nodes = schema_form::fields(form);
    let data = d.data.as_ref().unwrap_or(&Value::Null);
    let sent = match outcome {
        Outcome::Refused {
            sent: Some(sent), ..
        } => Some(sent.as_slice()),
        _ => None,
    };
    let words = CounterWords { procedure, outcome };
    let cx = Fields {
        procedure,
        data,
        prefill: d.prefill.as_ref(),
        sent,
        words: &words,
    };
    html! {
        section aria-labelledby="h-form" id="form" {
            h2 id="h-form" { "Tờ khai" }
            p class="hint" { "Ngày nhập theo dạng dd/mm/yyyy. Thông tin lấy từ CSDL dân cư không sửa được ở đây." }
            form method="post" action=(format!("/console/counter/{}/form", d.id)) id="form-draft" novalidate {
                input type="hidden" name=(csrf::FIELD) value=(staff.csrf.as_str());
                @for node in &nodes { (cx.node(node)) }
                div class="buttons" {
                    button type="submit" name="then" value="save" class="secondary" id="save" { "Lưu tờ khai" }
                    " "
                    button type="submit" name="then" value="submit" id="submit" { "Lưu và nộp hồ sơ" }
                }
            }
        }
    }
}

/// The console's words for the form's fields: labels and problems as the use cases said
/// them, a locked value's source and that it cannot be changed here.
struct CounterWords<'a> {
    procedure: &'a Procedure,
    outcome: &'a Outcome,
}

impl FieldWords for CounterWords<'_> {
    fn label(&self, pointer: &str) -> String {
        form_words::label(self.procedure, pointer)
    }

    fn problem(&self, pointer: &str) -> Option<String> {
        self.outcome.problems_at(pointer).first().map(|p| beside(p))
    }

    fn source(&self, entry: Option<&Value>) -> Markup {
        let source = entry
            .and_then(|e| e.get("source"))
            .and_then(Value::as_str)
            .unwrap_or("?");
        html! { "Nguồn: " (words::prefill_source(source)) " · không sửa được" }
    }
}

/// The posted form: saved (a merge patch), then submitted when asked.
pub async fn save<E: Engine>(
    State(engine): State<E>,
    staff: Staff,
    Path(id): Path<String>,
    Form(sent): Form<Vec<(String, String)>>,
) -> Response {
    let token = sent
        .iter()
        .find(|(name, _)| name == csrf::FIELD)
        .map(|(_, v)| v.as_str());
    if let Err(refused) = checked_token(&staff, token) {
        return refused.into_response();
    }
    if let Err(e) = desk_clerk_only(&staff) {
        return e.into_response();
    }
    let id = match dossier_id(&id, &staff) {
        Ok(id) => id,
        Err(e) => return e.into_response(),
    };
    let then_submit = sent.iter().any(|(n, v)| n == "then" && v == "submit");
    let fields: Vec<(String, String)> = sent
        .into_iter()
        .filter(|(name, _)| name.starts_with('/'))
        .collect();
    let refused =
        |form: &str, error: ServiceError, fields: Vec<(String, String)>| Outcome::Refused {
            form: form.to_owned(),
            error,
            sent: Some(fields),
        };
    let saved = save_fields(&engine, &staff, id, &fields).await;
    if let Err(error) = saved {
        return render(&engine, &staff, id, refused("form", error, fields)).await;
    }
    if !then_submit {
        return Redirect::to(&format!("/console/counter/{id}?done=form")).into_response();
    }
    match submission::submit(engine.services(), &staff.principal, None, id).await {
        Ok(_) => Redirect::to(&format!("/console/dossiers/{id}?done=submit")).into_response(),
        Err(error) => render(&engine, &staff, id, refused("submit", error, fields)).await,
    }
}

/// The form's fields as the draft's merge patch, through the API's patch use case.
async fn save_fields<E: Engine>(
    engine: &E,
    staff: &Staff,
    id: Uuid,
    fields: &[(String, String)],
) -> Result<(), ServiceError> {
    let services = engine.services();
    let dossier = dossier_reads::get(services, &staff.principal, id).await?;
    let Some(procedure) = services
        .catalog
        .version(&dossier.procedure.code, dossier.procedure.version)
    else {
        return Err(ServiceError::internal(
            "the draft's procedure version is not loaded",
        ));
    };
    let form = &procedure.spec().form;
    let nodes = schema_form::fields(form);
    let data = dossier.data.clone().unwrap_or(Value::Object(Map::new()));
    let patch = schema_form::patch(&nodes, fields, &data, &|p| {
        is_locked(dossier.prefill.as_ref(), p)
    });
    if patch.as_object().is_some_and(Map::is_empty) {
        return Ok(());
    }
    drafts::patch(services, &staff.principal, id, &patch).await?;
    Ok(())
}
