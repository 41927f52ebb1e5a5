//! The counter (tiếp nhận tại quầy): a desk clerk takes a dossier for a citizen who came to
//! the one-stop desk. The clerk types the citizen's number and picks the procedure; the
//! API's counter use case (`drafts::take_at_counter`) reads the population register,
//! recording the read with the clerk and its purpose, and opens the agency's draft. The
//! clerk then records the papers received and uploads their scans (`scans.rs`), fills the
//! form and submits it (`draft.rs`); the dossier's page takes it from there (receive, and
//! the receipt slip to print).

mod draft;
mod scans;

pub use draft::{page as draft_page, save};
pub use scans::{paper, upload};

use crate::csrf::{self, Checked};
use crate::error::{explain, status_of, PageError};
use crate::page::{self, Who};
use crate::staff::Staff;
use crate::Engine;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use maud::html;
use motcua_core::procedure::{Procedure, Role};
use motcua_service::drafts::{self, NewCounterDraft};
use motcua_service::idempotency::Answered;
use motcua_service::{Code, ServiceError};
use serde::Deserialize;

/// The counter is the desk clerks': anyone else is told so, before anything is read.
pub fn desk_clerk_only(staff: &Staff) -> Result<(), PageError> {
    if staff.principal.holds(Role::DeskClerk) {
        return Ok(());
    }
    Err(PageError::new(
        StatusCode::FORBIDDEN,
        "Chỉ cán bộ tiếp nhận (bộ phận một cửa) nhận hồ sơ tại quầy.",
    )
    .for_staff(staff))
}

/// The procedures the clerk's agency takes at the counter.
fn counter_procedures<'e, E: Engine>(engine: &'e E, staff: &Staff) -> Vec<&'e Procedure> {
    engine
        .services()
        .catalog
        .current_all()
        .into_iter()
        .map(|p| p.as_ref())
        .filter(|p| {
            let spec = p.spec();
            spec.channels.iter().any(|c| c == "counter")
                && spec.agencies.iter().any(|a| a.id == staff.session.agency)
        })
        .collect()
}

/// What the start form sends.
#[derive(Debug, Default, Deserialize)]
pub struct StartForm {
    citizen: Option<String>,
    procedure: Option<String>,
    /// After the register did not know the person: take the dossier with the documents
    /// that replace its data.
    register_fallback: Option<String>,
}

/// The start page: the citizen's number and the procedure.
pub async fn start_page<E: Engine>(State(engine): State<E>, staff: Staff) -> Response {
    if let Err(e) = desk_clerk_only(&staff) {
        return e.into_response();
    }
    render_start(&engine, &staff, &StartForm::default(), None)
}

/// The start form posted: the register read and the draft opened, or the form again with
/// what was wrong beside its field.
pub async fn start<E: Engine>(
    State(engine): State<E>,
    Checked { staff, form }: Checked<StartForm>,
) -> Response {
    if let Err(e) = desk_clerk_only(&staff) {
        return e.into_response();
    }
    let citizen = form
        .citizen
        .as_deref()
        .unwrap_or_default()
        .trim()
        .to_owned();
    let procedure = form
        .procedure
        .as_deref()
        .unwrap_or_default()
        .trim()
        .to_owned();
    let taken = drafts::take_at_counter(
        engine.services(),
        &staff.principal,
        NewCounterDraft {
            procedure: &procedure,
            citizen: &citizen,
            register_fallback: form.register_fallback.is_some(),
            key: None,
        },
    )
    .await;
    let draft = match taken {
        Ok(Answered::Fresh(draft)) => draft,
        // No key is sent: nothing to replay, but a replay's body is the same draft.
        Ok(Answered::Replayed(replay)) => replay.body,
        Err(error) => return render_start(&engine, &staff, &form, Some(&error)),
    };
    match draft.get("id").and_then(|v| v.as_str()) {
        Some(id) => Redirect::to(&format!("/console/counter/{id}")).into_response(),
        None => PageError::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "Đã xảy ra lỗi ngoài dự kiến; lỗi đã được ghi lại.",
        )
        .for_staff(&staff)
        .into_response(),
    }
}

/// What the start form says about a refusal: beside the number, beside the procedure, or
/// at the top.
struct StartProblems {
    citizen: Option<String>,
    procedure: Option<String>,
    top: Option<String>,
    /// The register does not know the person: the documents that replace its data.
    fallback: Option<Vec<String>>,
}

fn start_problems(error: Option<&ServiceError>) -> StartProblems {
    let mut problems = StartProblems {
        citizen: None,
        procedure: None,
        top: None,
        fallback: None,
    };
    let Some(error) = error else {
        return problems;
    };
    match error.code {
        Code::ValidationFailed if error.errors.iter().any(|e| e.pointer == "/citizen") => {
            problems.citizen = Some(
                "Số định danh cá nhân gồm đúng 12 chữ số (mã tỉnh, mã thế kỷ và giới tính, năm \
                 sinh, số ngẫu nhiên), như trên thẻ căn cước."
                    .to_owned(),
            );
        }
        Code::ProcedureNotFound => {
            problems.procedure = Some("Chọn một thủ tục trong danh sách.".to_owned());
        }
        Code::ChannelNotOffered | Code::AgencyNotReceiving => {
            problems.procedure = Some(
                "Cơ quan của bạn không nhận thủ tục này tại quầy; chọn thủ tục khác.".to_owned(),
            );
        }
        Code::NotInRegister => {
            problems.citizen =
                Some("CSDL quốc gia về dân cư không có thông tin của số định danh này.".to_owned());
            problems.fallback = Some(
                error
                    .extra
                    .as_ref()
                    .map(|e| {
                        e.fallback_documents
                            .iter()
                            .map(|d| d.name.clone())
                            .collect()
                    })
                    .unwrap_or_default(),
            );
        }
        Code::RegisterUnavailable => {
            problems.top = Some(
                "CSDL quốc gia về dân cư tạm thời không trả lời; chưa có hồ sơ nào được tạo. \
                 Vui lòng thử lại sau ít phút."
                    .to_owned(),
            );
        }
        Code::PersonDeceased => {
            problems.citizen = Some(
                "CSDL quốc gia về dân cư ghi nhận người này đã mất; không thể tạo hồ sơ đứng tên \
                 người này. Nếu thông tin sai, công an cấp xã điều chỉnh CSDL."
                    .to_owned(),
            );
        }
        _ => problems.top = Some(explain(error)),
    }
    problems
}

fn render_start<E: Engine>(
    engine: &E,
    staff: &Staff,
    form: &StartForm,
    error: Option<&ServiceError>,
) -> Response {
    let procedures = counter_procedures(engine, staff);
    let problems = start_problems(error);
    let chosen = form.procedure.as_deref().unwrap_or_default();
    let body = html! {
        @if error.is_some() {
            div class="error-summary" role="alert" id="refusal" tabindex="-1" {
                h2 { "Chưa tạo được hồ sơ" }
                ul {
                    @if let Some(m) = &problems.top { li { (m) } }
                    @if let Some(m) = &problems.citizen { li { a href="#citizen" { (m) } } }
                    @if let Some(m) = &problems.procedure { li { a href="#procedure" { (m) } } }
                }
            }
        }
        p { "Nhập số định danh cá nhân của công dân và chọn thủ tục. Hệ thống tra cứu CSDL quốc gia về dân cư để điền sẵn thông tin; lần tra cứu được ghi lại với tên cán bộ và mục đích, công dân xem được trong nhật ký truy cập của mình." }
        form method="post" action="/console/counter" id="form-start" class="action" novalidate {
            input type="hidden" name=(csrf::FIELD) value=(staff.csrf.as_str());
            label for="citizen" { "Số định danh cá nhân của công dân" }
            p class="hint" id="citizen-hint" { "12 chữ số, trên thẻ căn cước hoặc tài khoản VNeID." }
            (field_error(problems.citizen.as_deref(), "citizen-error"))
            input type="text" id="citizen" name="citizen" inputmode="numeric" maxlength="12"
                autocomplete="off" required aria-describedby="citizen-hint"
                aria-invalid=[problems.citizen.as_ref().map(|_| "true")]
                value=(form.citizen.as_deref().unwrap_or_default());
            label for="procedure" { "Thủ tục hành chính" }
            (field_error(problems.procedure.as_deref(), "procedure-error"))
            select id="procedure" name="procedure" required {
                @for p in &procedures {
                    option value=(p.code()) selected[p.code() == chosen] {
                        (p.spec().name.vi) " (" (p.code()) ")"
                    }
                }
            }
            @if let Some(documents) = &problems.fallback {
                fieldset class="fallback" id="fallback" {
                    legend { "Nhận hồ sơ với giấy tờ thay thế" }
                    p { "Có thể nhận hồ sơ không điền sẵn từ CSDL dân cư; công dân nộp các giấy tờ sau, cán bộ kiểm tra:" }
                    ul { @for d in documents { li { (d) } } }
                    div class="check" {
                        input type="checkbox" id="register_fallback" name="register_fallback" value="1";
                        label for="register_fallback" { "Nhận hồ sơ với giấy tờ thay thế" }
                    }
                }
            }
            button type="submit" { "Tra cứu và tạo hồ sơ" }
        }
    };
    let status = error.map_or(StatusCode::OK, |e| status_of(e.code));
    (
        status,
        page::layout("Tiếp nhận hồ sơ tại quầy", Some(&Who::of(staff)), body),
    )
        .into_response()
}

/// A field's problem, beside it (motcua-web's, as the portal shows it).
pub use motcua_web::form_fields::field_error;
