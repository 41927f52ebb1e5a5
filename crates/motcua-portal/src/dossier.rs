//! A dossier's own page (`/portal/ho-so/{id}`): its state and what the citizen must do
//! next, the receipt (code, dates, the agency), the answers given, the documents, the
//! timeline, and who read the citizen's data for it (`access.rs`). Read through the use
//! cases with the citizen's principal: another citizen's dossier is not found (404), as it
//! is in the API.

use crate::access;
use crate::answers;
use crate::citizen::Citizen;
use crate::dossiers::{next_step, procedure_name};
use crate::error::PageError;
use crate::lang::t;
use crate::page::{self, Who};
use crate::tasks;
use crate::words;
use crate::Engine;
use axum::extract::Query;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use maud::{html, Markup};
use motcua_service::documents::results;
use motcua_service::dossier_reads::{self, EventView};
use motcua_service::view::DossierView;
use motcua_service::{citizen_tasks, ServiceError};
use motcua_web::dates::{date_time, date_time_text};
use serde::Deserialize;
use uuid::Uuid;

#[derive(Deserialize)]
pub struct Notice {
    /// Just submitted: the receipt.
    da_nop: Option<String>,
    /// An action just taken.
    xong: Option<String>,
}

pub async fn page<E: Engine>(
    State(engine): State<E>,
    citizen: Citizen,
    Path(id): Path<String>,
    Query(notice): Query<Notice>,
) -> Response {
    // Not a dossier's id: no such dossier, as for one that is not theirs.
    let Ok(id) = Uuid::parse_str(&id) else {
        return PageError::new(
            StatusCode::NOT_FOUND,
            t("Không tìm thấy hồ sơ.", "Dossier not found."),
        )
        .for_citizen(&citizen)
        .into_response();
    };
    match render(&engine, &citizen, id, &notice).await {
        Ok(page) => page,
        Err(e) => PageError::service(&e, Some(&citizen)).into_response(),
    }
}

async fn render<E: Engine>(
    engine: &E,
    citizen: &Citizen,
    id: Uuid,
    notice: &Notice,
) -> Result<Response, ServiceError> {
    let services = engine.services();
    let principal = &citizen.principal;
    let dossier = dossier_reads::get(services, principal, id).await?;
    let task = citizen_tasks::next(services, principal, &dossier).await?;
    let timeline = dossier_reads::timeline(services, principal, id).await?;
    let reads = access::reads_of(services, principal, id).await?;
    let results = results::issued(services, principal, id).await?;
    let slips = motcua_service::slips::list(services, principal, id).await?;
    let sent = motcua_service::notify::of_dossier(services, principal, id).await?;
    let procedure = services
        .catalog
        .version(&dossier.procedure.code, dossier.procedure.version);
    let title = format!(
        "{}: {}",
        t("Hồ sơ", "Dossier"),
        procedure_name(services, &dossier)
    );
    let body = html! {
        p class="state-line" {
            (t("Trạng thái: ", "Status: ")) strong id="state" data-state=(dossier.state) { (words::state(&dossier.state)) }
        }
        @if notice.da_nop.is_some() && dossier.code.is_some() { (submitted(&dossier)) }
        @if let Some(done) = notice.xong.as_deref() { (done_notice(done)) }
        (next_step(&task))
        (tasks::section(&dossier, &task, citizen))
        (tasks::results(&results))
        (crate::slips::section(id, &slips))
        (receipt(&dossier, procedure.map(|p| p.as_ref())))
        (answers::section(&dossier, procedure.map(|p| p.as_ref())))
        (documents(&dossier, procedure.map(|p| p.as_ref())))
        (timeline_list(&timeline))
        (crate::notifications::section(&sent.items))
        (access::section(&reads))
        p { a href="/portal/ho-so" { (t("← Về danh sách hồ sơ của tôi", "← Back to my dossiers")) } }
    };
    Ok(page::layout(&title, Some(&Who::of(citizen)), body).into_response())
}

/// The receipt, just after submitting: the code to quote, when the agency receives it at
/// the latest, and when the result is due once it does.
fn submitted(d: &DossierView) -> Markup {
    html! {
        div class="notice receipt" role="status" id="submitted" {
            h2 { (t("Đã nộp hồ sơ", "Dossier submitted")) }
            p { (t("Mã hồ sơ của bạn: ", "Your dossier code: ")) strong id="submitted-code" { (d.code.as_deref().unwrap_or_default()) } (t(". Hãy ghi lại mã này để tra cứu.", ". Note it down to look the dossier up.")) }
            @if let Some(ack) = d.ack_due_at {
                p { (t("Cơ quan tiếp nhận hồ sơ chậm nhất lúc ", "The agency receives the dossier at the latest on ")) strong { (date_time(ack)) } "." }
            }
            p id="appointment" {
                (t("Ngày hẹn trả kết quả: ", "Result due: "))
                @match d.due_at {
                    Some(due) => strong { (date_time(due)) },
                    None => (t("có khi cơ quan tiếp nhận hồ sơ; bạn xem được tại trang này.", "set when the agency receives the dossier; you will see it on this page.")),
                }
            }
        }
    }
}

fn done_notice(action: &str) -> Markup {
    let text = match action {
        "resubmit" => t(
            "Đã nộp bổ sung hồ sơ. Cơ quan tiếp tục giải quyết.",
            "Supplement submitted. The agency goes on with the dossier.",
        ),
        "correct" => t(
            "Đã gửi thông tin điều chỉnh.",
            "Corrected information sent.",
        ),
        _ => return html! {},
    };
    html! { p class="notice" role="status" id="notice" { (text) } }
}

/// The receipt's facts: the code, when it was filed and received, the return date, where.
fn receipt(d: &DossierView, procedure: Option<&motcua_core::procedure::Procedure>) -> Markup {
    let agency = d.agency.as_deref().map(|id| {
        procedure
            .and_then(|p| p.spec().agencies.iter().find(|a| a.id == id))
            .map_or_else(|| id.to_owned(), |a| a.name.clone())
    });
    let received = d.clock.get("received_at").and_then(|v| v.as_str());
    let w = crate::lang::words();
    html! {
        section aria-labelledby="h-receipt" id="receipt" {
            h2 id="h-receipt" { (t("Thông tin tiếp nhận", "Receipt")) }
            dl class="facts" {
                dt { (w.dossier_code) } dd id="code" { (d.code.as_deref().unwrap_or(w.no_code_yet)) }
                dt { (t("Thủ tục", "Procedure")) } dd { (d.procedure.code) }
                @if let Some(agency) = agency { dt { (t("Cơ quan", "Agency")) } dd { (agency) } }
                dt { (w.submitted_on) } dd { (d.submitted_at.map_or_else(|| t("Chưa nộp", "Not submitted").to_owned(), date_time)) }
                dt { (t("Ngày tiếp nhận", "Received")) } dd { (received.map_or_else(|| t("Chưa tiếp nhận", "Not received yet").to_owned(), date_time_text)) }
                dt { (t("Ngày hẹn trả kết quả", "Result due")) }
                dd id="due" { (d.due_at.map_or_else(|| w.return_date_unset.to_owned(), date_time)) }
            }
        }
    }
}

fn documents(d: &DossierView, procedure: Option<&motcua_core::procedure::Procedure>) -> Markup {
    let name_of = |key: &str| {
        procedure
            .and_then(|p| p.spec().documents.iter().find(|r| r.key == key))
            .map_or_else(|| key.to_owned(), |r| r.name.clone())
    };
    let documents = d.documents.as_deref().unwrap_or_default();
    html! {
        section aria-labelledby="h-documents" id="documents" {
            h2 id="h-documents" { (t("Giấy tờ trong hồ sơ", "Documents in the dossier")) }
            @if documents.is_empty() {
                p { (t("Hồ sơ chưa có giấy tờ nào.", "The dossier has no documents yet.")) }
            } @else {
                ul { @for doc in documents {
                    li {
                        (name_of(&doc.requirement)) ": "
                        (doc.file_name.as_deref().unwrap_or(t("bản giấy đã nộp tại Bộ phận Một cửa", "paper copy handed in at the one-stop desk")))
                        span class="muted" { " — " (date_time(doc.added_at)) }
                    }
                } }
            }
        }
    }
}

fn timeline_list(events: &[EventView]) -> Markup {
    html! {
        section aria-labelledby="h-timeline" id="timeline" {
            h2 id="h-timeline" { (t("Quá trình giải quyết", "Progress")) }
            ol class="timeline" {
                @for e in events {
                    li {
                        span class="when" { (date_time(e.at)) } " "
                        (words::action(&e.action))
                        @if let Some(comment) = &e.comment { span class="comment" { "“" (comment) "”" } }
                    }
                }
            }
        }
    }
}
