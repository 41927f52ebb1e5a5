//! The catalogue (`/portal/`): the procedures a citizen can file, found by words typed with
//! or without diacritics and by agency (`catalogue_search::search`); those taking dossiers
//! now first, then those outside their window with when they open. A plain GET form: it
//! works without JavaScript, and a search is a link one can share.

use crate::citizen::Visitor;
use crate::lang;
use crate::page::{self, Who};
use crate::procedure::{time_limit, window_text};
use crate::Engine;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Response};
use maud::{html, Markup};
use motcua_service::catalogue_search::{self, Search};
use motcua_service::procedure_info::ProcedureInfo;
use serde::Deserialize;

#[derive(Debug, Default, Deserialize)]
pub struct CatalogueQuery {
    /// The words searched for.
    q: Option<String>,
    /// An agency's identifier; empty for all.
    co_quan: Option<String>,
}

pub async fn page<E: Engine>(
    State(engine): State<E>,
    Visitor(citizen): Visitor,
    query: Result<Query<CatalogueQuery>, QueryRejection>,
) -> Response {
    // A query that does not parse is no search: the whole catalogue.
    let query = query.map(|Query(q)| q).unwrap_or_default();
    let services = engine.services();
    let words = query.q.as_deref().unwrap_or("").trim();
    let agency = query.co_quan.as_deref().filter(|a| !a.is_empty());
    let found = catalogue_search::search(services, &Search { words, agency });
    let agencies = catalogue_search::agencies(services);
    let (open, closed): (Vec<_>, Vec<_>) = found.iter().partition(|p| p.window.is_open());
    let searched = !words.is_empty() || agency.is_some();
    let w = lang::words();
    let body = html! {
        @if engine.portal().development { (crate::dev::banner(&found)) }
        form method="get" action="/portal/" class="search" role="search" {
            div class="field" {
                label for="q" { (w.find_procedure) }
                p class="hint" id="q-hint" { (w.find_hint) }
                input type="search" id="q" name="q" value=(words) aria-describedby="q-hint";
            }
            div class="field" {
                label for="co_quan" { (w.agency) }
                select id="co_quan" name="co_quan" {
                    option value="" { (w.all_agencies) }
                    @for (id, name) in &agencies {
                        option value=(id) selected[agency == Some(id.as_str())] { (name) }
                    }
                }
            }
            button type="submit" { (w.search) }
        }
        p id="result-count" role="status" {
            @if searched { (w.found) " " } (found.len()) " " (w.procedures_counted)
        }
        @if found.is_empty() {
            p id="nothing-found" { (w.nothing_found) }
        }
        @if !open.is_empty() {
            section class="list" aria-labelledby="h-open" {
                h2 id="h-open" { (w.open_now) }
                ul class="cards" id="open" { @for p in &open { (card(p)) } }
            }
        }
        @if !closed.is_empty() {
            section class="list" aria-labelledby="h-closed" {
                h2 id="h-closed" { (w.not_open) }
                ul class="cards" id="closed" { @for p in &closed { (card(p)) } }
            }
        }
    };
    let who = citizen.as_ref().map(Who::of);
    page::layout(w.procedures, who.as_ref(), body).into_response()
}

/// One procedure in the list: its name (the link to its page), its code and agency, the
/// time limit, and when it takes dossiers if not now.
fn card(p: &ProcedureInfo) -> Markup {
    let w = lang::words();
    html! {
        li class="card" data-code=(p.code) {
            h3 { a href=(format!("/portal/thu-tuc/{}", p.code)) { (p.name) } }
            p class="meta" {
                (w.procedure_code) " " (p.code)
                @for (_, name) in &p.agencies { " · " (name) }
            }
            @if let Some(limit) = time_limit(p) {
                p class="meta" { (w.time_limit) ": " (limit) }
            }
            @if let Some(window) = window_text(&p.window) {
                p class=(if p.window.is_open() { "window" } else { "window closed" }) { (window) }
            }
        }
    }
}
