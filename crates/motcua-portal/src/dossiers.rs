//! "Hồ sơ của tôi" (`/portal/ho-so`): the citizen's drafts and submitted dossiers, newest
//! first (`dossier_reads::list`), each with its state in words, its code, the return date,
//! and what the citizen must do next (`citizen_tasks::next`): finish a draft, answer a
//! supplement request (which items), or nothing.

use crate::citizen::Citizen;
use crate::error::PageError;
use crate::page::{self, Who};
use crate::Engine;
use crate::{lang, words};
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
    let w = lang::words();
    let body = html! {
        @if notice.da_luu.is_some() {
            p class="notice" role="status" id="notice" { (w.draft_saved) }
        }
        @if notice.da_rut.is_some() {
            p class="notice" role="status" id="notice" { (w.withdrawn) }
        }
        @if rows.is_empty() {
            p id="no-dossiers" { (w.no_dossiers) " " a href="/portal/" { (w.find_to_apply) } "." }
        }
        @if !filed.is_empty() {
            section class="list" aria-labelledby="h-filed" {
                h2 id="h-filed" { (w.filed) }
                ul class="cards" id="filed" { @for (d, task) in &filed { (card(services, d, task)) } }
            }
        }
        @if !drafts.is_empty() {
            section class="list" aria-labelledby="h-drafts" {
                h2 id="h-drafts" { (w.drafts) }
                ul class="cards" id="drafts" { @for (d, task) in &drafts { (card(services, d, task)) } }
            }
        }
    };
    page::layout(w.my_dossiers, Some(&Who::of(&citizen)), body).into_response()
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
    let w = lang::words();
    html! {
        li class="card" data-id=(d.id) data-state=(d.state) {
            h3 { a href=(link) { (procedure_name(services, d)) } }
            dl class="facts" {
                dt { (w.dossier_code) } dd class="code" { (d.code.as_deref().unwrap_or(w.no_code_yet)) }
                dt { (w.state) } dd class="state" { (words::state(&d.state)) }
                @if let Some(at) = d.submitted_at { dt { (w.submitted_on) } dd { (date_time(at)) } }
                @if d.submitted_at.is_some() {
                    dt { (w.return_date) }
                    dd class="due" { (d.due_at.map_or_else(|| w.return_date_unset.to_owned(), date_time)) }
                }
            }
            (next_step(task))
        }
    }
}

/// What the citizen must do next, said plainly.
pub fn next_step(task: &Task) -> Markup {
    let w = lang::words();
    html! {
        @match task {
            Task::FinishDraft => p class="task" { strong { (w.to_do) } (w.finish_draft) },
            Task::Answer(asked) => div class="task todo" {
                p {
                    strong { (w.to_do) }
                    @if asked.answer == "correct" { (w.correct) } @else { (w.supplement) }
                    @if let Some(at) = asked.asked_at { " (" (w.asked_on) " " (date_time(at)) ")" }
                    ":"
                }
                @if !asked.items.is_empty() {
                    ul class="asked-items" { @for item in &asked.items { li { (item) } } }
                }
                @if let Some(reason) = &asked.reason { p { (w.reason) (reason) } }
                p class="muted" { (w.clock_stopped) }
            },
            Task::Wait => p class="task" { (w.wait) },
            Task::Finished => p class="task" { (w.finished) },
        }
    }
}
