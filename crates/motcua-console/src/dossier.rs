//! The dossier page (hồ sơ): what the dossier is and where it stands, its legal clock, the
//! actions this member of staff may take now (each a form with what its data needs), the
//! citizen's data with where each prefilled value came from, the documents and the
//! timeline. Taking an action calls the API's action use case; a refusal comes back on the
//! same page, beside the action's form.
//!
//! Over 600 lines: the page's sections, in the order the page shows them, and the handlers
//! that post to it, all reading one `DossierView`. The action forms are where it would
//! split next, should it grow.

use crate::csrf::{self, Checked};
use crate::dates::{self, time_left};
use crate::error::{explain, status_of, PageError};
use crate::page::{self, Who};
use crate::staff::Staff;
use crate::{words, Engine};
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use chrono::{DateTime, Utc};
use maud::{html, Markup};
use motcua_core::procedure::Procedure;
use motcua_core::procedure::{Needs, Role};
use motcua_service::actions::{self, Act, ActionRequest};
use motcua_service::view::{DossierDocumentView, DossierView};
use motcua_service::words::form as form_words;
use motcua_service::{dossier_reads, queues, ServiceError};
use serde::Deserialize;
use serde_json::{json, Map, Value};
use uuid::Uuid;

/// The action the apology is (not a step of the workflow: `motcua_core::access`).
const APOLOGISE: &str = "apologise";

/// What the page says at the top after a form: done, or refused (beside that form).
pub enum Outcome {
    None,
    Done(String),
    Refused {
        /// The form it came from: an action's name, `release` or `result`.
        form: String,
        error: ServiceError,
        /// What the form held, to show it again.
        sent: ActionForm,
    },
}

#[derive(Deserialize)]
pub struct Notice {
    done: Option<String>,
    result: Option<String>,
}

/// The dossier `id` as text from the path: a malformed one is a dossier that does not exist.
pub fn dossier_id(text: &str, staff: &Staff) -> Result<Uuid, PageError> {
    Uuid::parse_str(text).map_err(|_| {
        PageError::new(StatusCode::NOT_FOUND, "Không tìm thấy hồ sơ.").for_staff(staff)
    })
}

pub async fn page<E: Engine>(
    State(engine): State<E>,
    staff: Staff,
    Path(id): Path<String>,
    Query(notice): Query<Notice>,
) -> Response {
    let id = match dossier_id(&id, &staff) {
        Ok(id) => id,
        Err(e) => return e.into_response(),
    };
    let outcome = match (notice.done, notice.result) {
        // A counter dossier just submitted: the desk receives it and prints the receipt.
        (Some(action), _) if action == "submit" => Outcome::Done(
            "Đã nộp hồ sơ. Tiếp nhận hồ sơ để in Giấy tiếp nhận hồ sơ và hẹn trả kết quả."
                .to_owned(),
        ),
        (Some(action), _) => Outcome::Done(format!("Đã thực hiện: {}.", words::action(&action))),
        (None, Some(name)) => Outcome::Done(format!("Đã đính kèm kết quả điện tử: {name}.")),
        (None, None) => Outcome::None,
    };
    render(&engine, &staff, id, outcome).await
}

/// The page of dossier `id` as `staff` sees it now.
pub async fn render<E: Engine>(engine: &E, staff: &Staff, id: Uuid, outcome: Outcome) -> Response {
    let services = engine.services();
    let dossier = match dossier_reads::get(services, &staff.principal, id).await {
        Ok(dossier) => dossier,
        Err(e) => return PageError::service(&e, staff).into_response(),
    };
    let timeline = match dossier_reads::timeline(services, &staff.principal, id).await {
        Ok(events) => serde_json::to_value(events).unwrap_or(Value::Null),
        Err(e) => return PageError::service(&e, staff).into_response(),
    };
    let slips = match motcua_service::slips::list(services, &staff.principal, id).await {
        Ok(slips) => slips,
        Err(e) => return PageError::service(&e, staff).into_response(),
    };
    let procedure = services
        .catalog
        .version(&dossier.procedure.code, dossier.procedure.version)
        .map(|p| p.as_ref());
    let now = services.clock.now();
    let status = match &outcome {
        Outcome::Refused { error, .. } => status_of(error.code),
        _ => StatusCode::OK,
    };
    let title = format!(
        "Hồ sơ {}",
        dossier.code.as_deref().unwrap_or("(chưa có mã)")
    );
    let body = html! {
        @match &outcome {
            Outcome::Done(text) => p class="notice" role="status" id="notice" { (text) },
            Outcome::Refused { form, error, .. } => div class="error-summary" role="alert" id="refusal" {
                h2 { "Không thực hiện được: " (words::action(form)) }
                p { (explain(error)) }
                p { a href=(format!("#form-{form}")) { "Đến biểu mẫu" } }
            },
            Outcome::None => {},
        }
        (summary(&dossier, procedure))
        (clock(engine, &dossier, now))
        (action_forms(&dossier, procedure, staff, &outcome))
        (citizen_data(&dossier, procedure))
        (documents(&dossier))
        (crate::slips::list(dossier.id, &slips))
        (timeline_table(&timeline))
    };
    (status, page::layout(&title, Some(&Who::of(staff)), body)).into_response()
}

fn summary(d: &DossierView, procedure: Option<&Procedure>) -> Markup {
    html! {
        section aria-labelledby="h-summary" {
            h2 id="h-summary" { "Thông tin chung" }
            dl class="facts" {
                dt { "Thủ tục" }
                dd { (procedure.map_or(d.procedure.code.as_str(), |p| p.spec().name.vi.as_str())) " (" (d.procedure.code) ")" }
                dt { "Trạng thái" }
                dd id="state" data-state=(d.state) { (words::state(&d.state)) }
                dt { "Kênh nộp" }
                dd { (words::channel(&d.channel)) }
                dt { "Cơ quan giải quyết" }
                dd { (d.agency.as_deref().unwrap_or("—")) }
                dt { "Cán bộ đang xử lý" }
                dd id="holder" { (d.assigned_to.as_deref().unwrap_or("Chưa có người nhận")) }
                dt { "Ngày nộp" }
                dd { (d.submitted_at.map_or("—".to_owned(), dates::date_time)) }
                @if !d.flags.is_empty() {
                    dt { "Cần lưu ý" }
                    dd { (d.flags.join(", ")) }
                }
            }
        }
    }
}

fn clock_time(clock: &Value, key: &str) -> Option<DateTime<Utc>> {
    clock
        .get(key)
        .and_then(Value::as_str)
        .and_then(|t| DateTime::parse_from_rfc3339(t).ok())
        .map(|t| t.with_timezone(&Utc))
}

fn shown(t: Option<DateTime<Utc>>) -> String {
    t.map_or("—".to_owned(), |t| {
        dates::date_time(t.with_timezone(&motcua_core::calendar::vietnam_offset()))
    })
}

/// The legal clock: received, the return date, paused for a supplement, time left.
fn clock<E: Engine>(engine: &E, d: &DossierView, now: DateTime<Utc>) -> Markup {
    let c = &d.clock;
    let state = c
        .get("state")
        .and_then(Value::as_str)
        .unwrap_or("not_started");
    let due = d.due_at.map(|t| t.with_timezone(&Utc));
    let paused_since = clock_time(c, "paused_since");
    // While paused the time left is what remained when the clock stopped.
    let left = match (state, due) {
        ("running", Some(due)) => Some(time_left(&engine.services().calendar, now, due)),
        ("paused", Some(due)) => Some(time_left(
            &engine.services().calendar,
            paused_since.unwrap_or(now),
            due,
        )),
        _ => None,
    };
    html! {
        section aria-labelledby="h-clock" id="clock" {
            h2 id="h-clock" { "Thời hạn giải quyết" }
            dl class="facts" {
                dt { "Đồng hồ pháp lý" }
                dd id="clock-state" data-state=(state) { (words::clock_state(state)) }
                dt { "Ngày tiếp nhận" }
                dd id="received-at" { (shown(clock_time(c, "received_at"))) }
                dt { "Hạn xác nhận tiếp nhận" }
                dd { (d.ack_due_at.map_or("—".to_owned(), dates::date_time)) }
                dt { "Ngày hẹn trả kết quả" }
                dd id="due-at" { (shown(due)) }
                @if let Some(original) = clock_time(c, "original_due_at") {
                    dt { "Ngày hẹn trước khi xin lỗi" }
                    dd { (shown(Some(original))) }
                }
                dt { "Hạn của bước hiện tại" }
                dd { (shown(clock_time(c, "step_due_at"))) }
                @if state == "paused" {
                    dt { "Tạm dừng từ" }
                    dd id="paused-since" { (shown(paused_since)) }
                }
                dt { "Thời gian còn lại" }
                dd id="time-left" {
                    @match &left {
                        Some(left) if left.overdue => strong class="late" { "⚠ " (left.text) },
                        Some(left) => { (left.text) @if state == "paused" { " (đang tạm dừng)" } },
                        None => "—",
                    }
                }
                dt { "Số lần yêu cầu bổ sung / xin lỗi" }
                dd {
                    (c.get("supplement_requests").and_then(Value::as_i64).unwrap_or(0))
                    " / "
                    (c.get("apologies").and_then(Value::as_i64).unwrap_or(0))
                }
            }
        }
    }
}

/// The field problems of a refusal for the form `form` whose pointer is `pointer`.
fn problems_at<'a>(outcome: &'a Outcome, form: &str, pointer: &str) -> Vec<&'a str> {
    match outcome {
        Outcome::Refused { form: f, error, .. } if f == form => error
            .errors
            .iter()
            .filter(|p| p.pointer == pointer)
            .map(|p| p.message.as_str())
            .collect(),
        _ => Vec::new(),
    }
}

fn sent<'a>(outcome: &'a Outcome, form: &str, pick: fn(&ActionForm) -> &Option<String>) -> &'a str {
    match outcome {
        Outcome::Refused { form: f, sent, .. } if f == form => {
            pick(sent).as_deref().unwrap_or_default()
        }
        _ => "",
    }
}

fn field_errors(messages: &[&str], id: &str) -> Markup {
    html! {
        @if !messages.is_empty() {
            p class="field-error" id=(id) {
                "Lỗi: " @for (i, m) in messages.iter().enumerate() { @if i > 0 { "; " } (m) }
            }
        }
    }
}

/// A form for each action the procedure allows this member of staff now, and the release.
fn action_forms(
    d: &DossierView,
    procedure: Option<&Procedure>,
    staff: &Staff,
    outcome: &Outcome,
) -> Markup {
    let holds = d.assigned_to.as_deref() == Some(staff.session.sub.as_str());
    html! {
        section aria-labelledby="h-actions" id="actions" {
            h2 id="h-actions" { "Thao tác" }
            @if d.allowed_actions.is_empty() && !holds {
                p { "Không có thao tác nào bạn được thực hiện ở bước này." }
            }
            @for action in &d.allowed_actions {
                (action_form(d, procedure, staff, outcome, action))
            }
            @if staff.principal.holds(Role::Supervisor) && d.code.is_some() {
                (assign_form(d, staff, outcome))
            }
            @if holds {
                form method="post" action=(format!("/console/dossiers/{}/release", d.id)) id="form-release" class="action" {
                    input type="hidden" name=(csrf::FIELD) value=(staff.csrf.as_str());
                    (refusal_beside(outcome, "release"))
                    button type="submit" class="secondary" { "Trả hồ sơ về hàng đợi" }
                }
            }
        }
    }
}

/// A supervisor hands the dossier to a named colleague who works its current step.
fn assign_form(d: &DossierView, staff: &Staff, outcome: &Outcome) -> Markup {
    html! {
        form method="post" action=(format!("/console/dossiers/{}/assign", d.id)) id="form-assign" class="action" {
            h3 { "Giao hồ sơ cho cán bộ khác" }
            input type="hidden" name=(csrf::FIELD) value=(staff.csrf.as_str());
            (refusal_beside(outcome, "assign"))
            label for="assign-to" { "Tên đăng nhập của cán bộ nhận" }
            (field_errors(&problems_at(outcome, "assign", "/to"), "assign-to-error"))
            input type="text" id="assign-to" name="to" required maxlength="128"
                autocomplete="off" value=(sent(outcome, "assign", |f| &f.to));
            button type="submit" class="secondary" { "Giao hồ sơ" }
        }
    }
}

/// The engine's refusal, beside the form it refused.
fn refusal_beside(outcome: &Outcome, form: &str) -> Markup {
    html! {
        @if let Outcome::Refused { form: f, error, .. } = outcome {
            @if f == form {
                p class="field-error refusal" { (explain(error)) }
            }
        }
    }
}

fn action_form(
    d: &DossierView,
    procedure: Option<&Procedure>,
    staff: &Staff,
    outcome: &Outcome,
    action: &str,
) -> Markup {
    let spec = procedure.and_then(|p| p.action(action));
    let needs = |need| spec.is_some_and(|s| s.needs(need));
    let apology = action == APOLOGISE;
    let comment_required = needs(Needs::Comment) || apology;
    let field_id = |name: &str| format!("{action}-{name}");
    html! {
        @if needs(Needs::ResultDocument) {
            (result_upload(d, staff, outcome))
        }
        form method="post" action=(format!("/console/dossiers/{}/actions/{action}", d.id))
            id=(format!("form-{action}")) class="action" data-action=(action) {
            h3 { (words::action(action)) }
            input type="hidden" name=(csrf::FIELD) value=(staff.csrf.as_str());
            (refusal_beside(outcome, action))
            @if needs(Needs::Items) {
                label for=(field_id("items")) { "Các thành phần, nội dung cần bổ sung (mỗi dòng một mục)" }
                (field_errors(&problems_at(outcome, action, "/data/items"), &field_id("items-error")))
                textarea id=(field_id("items")) name="items" rows="3" required { (sent(outcome, action, |f| &f.items)) }
            }
            @if apology {
                label for=(field_id("new_due_date")) { "Ngày hẹn trả mới" }
                (field_errors(&problems_at(outcome, action, "/data/new_due_date"), &field_id("new_due_date-error")))
                input type="date" id=(field_id("new_due_date")) name="new_due_date" required value=(sent(outcome, action, |f| &f.new_due_date));
            }
            label for=(field_id("comment")) {
                @if comment_required { "Lý do" } @else { "Ghi chú (không bắt buộc)" }
            }
            (field_errors(&problems_at(outcome, action, "/comment"), &field_id("comment-error")))
            textarea id=(field_id("comment")) name="comment" rows="2" required[comment_required] { (sent(outcome, action, |f| &f.comment)) }
            button type="submit" { (words::action(action)) }
        }
    }
}

/// The result's upload, before the action that issues it.
fn result_upload(d: &DossierView, staff: &Staff, outcome: &Outcome) -> Markup {
    html! {
        form method="post" enctype="multipart/form-data" action=(format!("/console/dossiers/{}/result", d.id))
            id="form-result" class="action" {
            h3 { "Đính kèm kết quả điện tử" }
            input type="hidden" name=(csrf::FIELD) value=(staff.csrf.as_str());
            (refusal_beside(outcome, "result"))
            label for="result-code" { "Số, ký hiệu của kết quả" }
            input type="text" id="result-code" name="result_code" required maxlength="64";
            label for="result-file" { "Tệp kết quả (PDF, XML hoặc JSON đã ký số)" }
            input type="file" id="result-file" name="file" required accept="application/pdf,application/xml,application/json";
            button type="submit" class="secondary" { "Đính kèm kết quả" }
        }
    }
}

/// The citizen's data, each prefilled value marked with its source and when it was read.
fn citizen_data(d: &DossierView, procedure: Option<&Procedure>) -> Markup {
    let empty = Map::new();
    let prefill = d
        .prefill
        .as_ref()
        .and_then(Value::as_object)
        .unwrap_or(&empty);
    html! {
        section aria-labelledby="h-data" id="data" {
            h2 id="h-data" { "Thông tin trong tờ khai" }
            @match &d.data {
                Some(Value::Object(fields)) if !fields.is_empty() => (object(fields, "", prefill, procedure)),
                _ => p { "Hồ sơ không có thông tin tờ khai (hoặc đã được ẩn danh hoá)." },
            }
        }
    }
}

/// The data's members, each labelled with its field's title and each chosen value with its
/// label in the procedure's form (the key or value as written when the version has none).
fn object(
    fields: &Map<String, Value>,
    pointer: &str,
    prefill: &Map<String, Value>,
    procedure: Option<&Procedure>,
) -> Markup {
    let shown = |at: &str, value: &Value| {
        procedure
            .and_then(|p| p.choice_title(at, value))
            .map_or_else(|| scalar(value), str::to_owned)
    };
    html! {
        dl class="data" {
            @for (key, value) in fields {
                @let here = format!("{pointer}/{}", key.replace('~', "~0").replace('/', "~1"));
                dt { (procedure.map_or_else(|| key.clone(), |p| form_words::label(p, &here))) }
                dd data-pointer=(here) {
                    @match value {
                        Value::Object(inner) => (object(inner, &here, prefill, procedure)),
                        Value::Array(items) => ul { @for item in items { li { (shown(&here, item)) } } },
                        other => span class="value" { (shown(&here, other)) },
                    }
                    @if let Some(source) = prefill.get(&here) {
                        (prefill_mark(source))
                    }
                }
            }
        }
    }
}

fn scalar(value: &Value) -> String {
    match value {
        Value::String(s) => dates::date_text(s),
        Value::Null => "—".to_owned(),
        Value::Bool(true) => "Có".to_owned(),
        Value::Bool(false) => "Không".to_owned(),
        other => other.to_string(),
    }
}

fn prefill_mark(entry: &Value) -> Markup {
    let source = entry.get("source").and_then(Value::as_str).unwrap_or("?");
    let at = entry
        .get("fetched_at")
        .and_then(Value::as_str)
        .map(dates::date_time_text);
    let locked = entry.get("locked").and_then(Value::as_bool) == Some(true);
    html! {
        span class="source" {
            "Nguồn: " (words::prefill_source(source))
            @if let Some(at) = at { ", lấy lúc " (at) }
            @if locked { " · không sửa được" }
        }
    }
}

fn documents(d: &DossierView) -> Markup {
    let documents: &[DossierDocumentView] = d.documents.as_deref().unwrap_or_default();
    html! {
        section aria-labelledby="h-documents" id="documents" {
            h2 id="h-documents" { "Thành phần hồ sơ" }
            @if documents.is_empty() {
                p { "Hồ sơ không có tài liệu đính kèm." }
            } @else {
                table {
                    thead { tr {
                        th scope="col" { "Thành phần" }
                        th scope="col" { "Tệp" }
                        th scope="col" { "Nguồn" }
                        th scope="col" { "Thời điểm" }
                    } }
                    tbody {
                        @for doc in documents {
                            tr {
                                td { (doc.requirement) }
                                td {
                                    @match (doc.id, &doc.file_name) {
                                        (Some(id), name) => {
                                            a href=(format!("/console/documents/{id}")) download { (name.as_deref().unwrap_or("tệp")) }
                                            " (" (doc.content_type.as_deref().unwrap_or("?")) ", " (size(doc.size)) ")"
                                            @if doc.content_type.as_deref().is_some_and(|t| t.starts_with("image/")) {
                                                br; img class="preview" src=(format!("/console/documents/{id}?inline=1")) alt=(format!("Xem trước {}", doc.requirement));
                                            }
                                            @if doc.content_type.as_deref() == Some("application/pdf") {
                                                details { summary { "Xem trước" }
                                                    iframe class="preview" src=(format!("/console/documents/{id}?inline=1")) title=(format!("Xem trước {}", doc.requirement)) loading="lazy" {}
                                                }
                                            }
                                        },
                                        (None, _) => "Chỉ có bản giấy",
                                    }
                                }
                                td { (words::document_source(&doc.source)) }
                                td { (dates::date_time(doc.added_at)) }
                            }
                        }
                    }
                }
            }
        }
    }
}

fn size(bytes: Option<i64>) -> String {
    match bytes {
        Some(b) if b >= 1024 * 1024 => format!("{:.1} MB", b as f64 / (1024.0 * 1024.0)),
        Some(b) if b >= 1024 => format!("{:.0} KB", b as f64 / 1024.0),
        Some(b) => format!("{b} byte"),
        None => "?".to_owned(),
    }
}

fn timeline_table(events: &Value) -> Markup {
    let events = events.as_array().map(Vec::as_slice).unwrap_or_default();
    let text = |e: &Value, key: &str| {
        e.get(key)
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_owned()
    };
    html! {
        section aria-labelledby="h-timeline" id="timeline" {
            h2 id="h-timeline" { "Quá trình xử lý" }
            ol class="timeline" {
                @for e in events {
                    li data-action=(text(e, "action")) {
                        span class="when" { (dates::date_time_text(&text(e, "at"))) }
                        " · " (words::actor_kind(&text(e, "actor_kind")))
                        " · " strong { (words::action(&text(e, "action"))) }
                        @if let Some(from) = e.get("from_state").and_then(Value::as_str) {
                            " · " (words::state(from)) " → " (words::state(&text(e, "to_state")))
                        }
                        @if let Some(comment) = e.get("comment").and_then(Value::as_str) {
                            div class="comment" { (comment) }
                        }
                    }
                }
            }
        }
    }
}

/// What an action's form sends.
#[derive(Debug, Default, Deserialize)]
pub struct ActionForm {
    comment: Option<String>,
    /// A supplement request's items, one a line.
    items: Option<String>,
    /// An apology's new return date, `YYYY-MM-DD` (the browser's date field).
    new_due_date: Option<String>,
    /// Whom a supervisor hands the dossier to.
    to: Option<String>,
}

impl ActionForm {
    /// The action's request as the API's body would carry it.
    fn request(&self) -> ActionRequest {
        let mut data = Map::new();
        if let Some(items) = &self.items {
            let items: Vec<&str> = items
                .lines()
                .map(str::trim)
                .filter(|l| !l.is_empty())
                .collect();
            data.insert("items".into(), json!(items));
        }
        if let Some(date) = self
            .new_due_date
            .as_deref()
            .map(str::trim)
            .filter(|d| !d.is_empty())
        {
            data.insert("new_due_date".into(), json!(date));
        }
        ActionRequest {
            comment: self
                .comment
                .as_deref()
                .map(str::trim)
                .filter(|c| !c.is_empty())
                .map(str::to_owned),
            data: (!data.is_empty()).then_some(Value::Object(data)),
        }
    }
}

/// An action's form posted: the action taken, or the page again with the refusal.
pub async fn act<E: Engine>(
    State(engine): State<E>,
    Path((id, action)): Path<(String, String)>,
    Checked { staff, form }: Checked<ActionForm>,
) -> Response {
    let id = match dossier_id(&id, &staff) {
        Ok(id) => id,
        Err(e) => return e.into_response(),
    };
    let request = form.request();
    let taken = actions::act(
        engine.services(),
        Act {
            principal: &staff.principal,
            key: None,
            dossier_id: id,
            action: &action,
            request: &request,
        },
    )
    .await;
    match taken {
        Ok(_) => {
            let query = url::form_urlencoded::Serializer::new(String::new())
                .append_pair("done", &action)
                .finish();
            Redirect::to(&format!("/console/dossiers/{id}?{query}")).into_response()
        }
        Err(error) => {
            let outcome = Outcome::Refused {
                form: action,
                error,
                sent: form,
            };
            render(&engine, &staff, id, outcome).await
        }
    }
}

/// Giving the dossier back to its queue.
pub async fn release<E: Engine>(
    State(engine): State<E>,
    Path(id): Path<String>,
    Checked { staff, .. }: Checked<crate::login::NoFields>,
) -> Response {
    let id = match dossier_id(&id, &staff) {
        Ok(id) => id,
        Err(e) => return e.into_response(),
    };
    match queues::release(engine.services(), &staff.principal, id).await {
        Ok(_) => Redirect::to("/console/").into_response(),
        Err(error) => {
            let outcome = Outcome::Refused {
                form: "release".into(),
                error,
                sent: ActionForm::default(),
            };
            render(&engine, &staff, id, outcome).await
        }
    }
}

/// A supervisor's reassignment: to the queues, or the page again with the refusal.
pub async fn assign<E: Engine>(
    State(engine): State<E>,
    Path(id): Path<String>,
    Checked { staff, form }: Checked<ActionForm>,
) -> Response {
    let id = match dossier_id(&id, &staff) {
        Ok(id) => id,
        Err(e) => return e.into_response(),
    };
    let to = form.to.clone().unwrap_or_default();
    match queues::assign(engine.services(), &staff.principal, id, &to).await {
        Ok(_) => Redirect::to(&format!("/console/dossiers/{id}?done=assign")).into_response(),
        Err(error) => {
            let outcome = Outcome::Refused {
                form: "assign".into(),
                error,
                sent: form,
            };
            render(&engine, &staff, id, outcome).await
        }
    }
}
