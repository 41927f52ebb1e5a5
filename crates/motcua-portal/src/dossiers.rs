//! "Hồ sơ của tôi" (`/portal/ho-so`): the citizen's drafts and submitted dossiers, newest
//! first (`dossier_reads::list`), each with its state in words, its code, the return date,
//! and what the citizen must do next (`citizen_tasks::next`): finish a draft, answer a
//! supplement request (which items), or nothing.

use crate::citizen::Citizen;
use crate::error::PageError;
use crate::page::{self, Who};
use crate::words;
use crate::Engine;
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Response};
use maud::{html, Markup};
use motcua_service::citizen_tasks::{self, Task};
use motcua_service::dossier_reads::{self, ListQuery};
use motcua_service::view::DossierView;
use motcua_service::Services;
use motcua_web::dates::date_time;
use serde::Deserialize;

/// How many dossiers the page lists: a citizen files a handful a year.
const MOST: i64 = 100;

#[derive(Deserialize)]
pub struct Notice {
    /// A draft just saved to come back to.
    da_luu: Option<String>,
    /// A dossier just withdrawn.
    da_rut: Option<String>,
}

pub async fn page<E: Engine>(
    State(engine): State<E>,
    citizen: Citizen,
    Query(notice): Query<Notice>,
) -> Response {
    let services = engine.services();
    let query = ListQuery {
        limit: MOST,
        after: None,
        state: None,
        procedure: None,
        overdue: false,
        held_by_me: false,
    };
    let listed = match dossier_reads::list(services, &citizen.principal, query).await {
        Ok(page) => page.items,
        Err(e) => return PageError::service(&e, Some(&citizen)).into_response(),
    };
    let mut rows = Vec::with_capacity(listed.len());
    for dossier in listed {
        match citizen_tasks::next(services, &citizen.principal, &dossier).await {
            Ok(task) => rows.push((dossier, task)),
            Err(e) => return PageError::service(&e, Some(&citizen)).into_response(),
        }
    }
    let (drafts, filed): (Vec<_>, Vec<_>) = rows
        .iter()
        .partition(|(_, task)| *task == Task::FinishDraft);
    let body = html! {
        @if notice.da_luu.is_some() {
            p class="notice" role="status" id="notice" { "Đã lưu bản nháp. Bạn có thể quay lại hoàn thành và nộp hồ sơ bất cứ lúc nào." }
        }
        @if notice.da_rut.is_some() {
            p class="notice" role="status" id="notice" { "Đã rút hồ sơ." }
        }
        @if rows.is_empty() {
            p id="no-dossiers" { "Bạn chưa có hồ sơ nào. " a href="/portal/" { "Tìm thủ tục để nộp hồ sơ" } "." }
        }
        @if !filed.is_empty() {
            section class="list" aria-labelledby="h-filed" {
                h2 id="h-filed" { "Hồ sơ đã nộp" }
                ul class="cards" id="filed" { @for (d, task) in &filed { (card(services, d, task)) } }
            }
        }
        @if !drafts.is_empty() {
            section class="list" aria-labelledby="h-drafts" {
                h2 id="h-drafts" { "Hồ sơ chưa nộp (bản nháp)" }
                ul class="cards" id="drafts" { @for (d, task) in &drafts { (card(services, d, task)) } }
            }
        }
    };
    page::layout("Hồ sơ của tôi", Some(&Who::of(&citizen)), body).into_response()
}

/// The procedure's name for a dossier (its version's), or its code.
pub fn procedure_name(services: &Services, d: &DossierView) -> String {
    services
        .catalog
        .version(&d.procedure.code, d.procedure.version)
        .map_or_else(|| d.procedure.code.clone(), |p| p.spec().name.vi.clone())
}

fn card(services: &Services, d: &DossierView, task: &Task) -> Markup {
    let link = format!("/portal/ho-so/{}", d.id);
    html! {
        li class="card" data-id=(d.id) data-state=(d.state) {
            h3 { a href=(link) { (procedure_name(services, d)) } }
            dl class="facts" {
                dt { "Mã hồ sơ" } dd class="code" { (d.code.as_deref().unwrap_or("Chưa có (cấp khi nộp)")) }
                dt { "Trạng thái" } dd class="state" { (words::state(&d.state)) }
                @if let Some(at) = d.submitted_at { dt { "Ngày nộp" } dd { (date_time(at)) } }
                @if d.submitted_at.is_some() {
                    dt { "Ngày hẹn trả" }
                    dd class="due" { (d.due_at.map_or_else(|| "Có khi cơ quan tiếp nhận hồ sơ".to_owned(), date_time)) }
                }
            }
            (next_step(task))
        }
    }
}

/// What the citizen must do next, said plainly.
pub fn next_step(task: &Task) -> Markup {
    html! {
        @match task {
            Task::FinishDraft => p class="task" { strong { "Việc cần làm: " } "hoàn thành tờ khai, đính kèm giấy tờ và nộp hồ sơ." },
            Task::Answer(asked) => div class="task todo" {
                p {
                    strong { "Việc cần làm: " }
                    @if asked.answer == "correct" { "điều chỉnh thông tin theo yêu cầu của cơ quan" } @else { "bổ sung hồ sơ theo yêu cầu của cơ quan" }
                    @if let Some(at) = asked.asked_at { " (yêu cầu ngày " (date_time(at)) ")" }
                    ":"
                }
                @if !asked.items.is_empty() {
                    ul class="asked-items" { @for item in &asked.items { li { (item) } } }
                }
                @if let Some(reason) = &asked.reason { p { "Lý do: " (reason) } }
                p class="muted" { "Thời gian giải quyết tạm dừng cho đến khi bạn nộp bổ sung; ngày hẹn trả sẽ lùi tương ứng." }
            },
            Task::Wait => p class="task" { "Bạn chưa cần làm gì: cơ quan đang giải quyết hồ sơ." },
            Task::Finished => p class="task" { "Hồ sơ đã kết thúc." },
        }
    }
}
