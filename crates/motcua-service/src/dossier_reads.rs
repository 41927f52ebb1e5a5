//! Reading dossiers: one with its documents, a page of a citizen's own or of an agency's,
//! and a dossier's timeline. Only what the principal may see; a staff member opening a
//! dossier reads the citizen's personal data, which the citizen sees in their access log,
//! while a staff list carries none.

use crate::error::ServiceError;
use crate::lookup::{find_visible, full_view, procedure_of, record_staff_read, view};
use crate::pages;
use crate::store::dossiers::{AgencyFilter, Page};
use crate::time::in_vietnam;
use crate::view::DossierView;
use crate::Services;
use chrono::{DateTime, FixedOffset};
use motcua_core::dossier::Dossier;
use motcua_core::principal::Principal;
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

/// Where a page starts: after this (created_at, id), newest first.
use crate::pages::PageAfter;

/// One dossier the principal may see, with its documents.
pub async fn get(
    services: &Services,
    principal: &Principal,
    id: Uuid,
) -> Result<DossierView, ServiceError> {
    let mut db = services.store.session().await?;
    let dossier = find_visible(&mut *db, principal, id).await?;
    let procedure = procedure_of(&services.catalog, &dossier)?;
    record_staff_read(&mut *db, principal, &dossier).await?;
    full_view(&mut *db, principal, dossier, procedure).await
}

/// Which dossiers a page lists, and where it starts.
pub struct ListQuery<'a> {
    /// How many at most (already checked by the caller).
    pub limit: i64,
    pub after: Option<PageAfter>,
    /// Staff only: dossiers in this state.
    pub state: Option<&'a str>,
    /// Staff only: dossiers of this procedure code.
    pub procedure: Option<&'a str>,
    /// Staff only: dossiers past their due date and not finished.
    pub overdue: bool,
    /// Staff only: the dossiers the caller holds.
    pub held_by_me: bool,
}

/// A page of dossiers.
pub struct DossierPage {
    pub items: Vec<DossierView>,
    /// The last dossier of the page when another page follows: the next one starts after it.
    pub more_after: Option<Dossier>,
}

/// A citizen's own dossiers, or the submitted dossiers of a staff member's agency, newest
/// first.
pub async fn list(
    services: &Services,
    principal: &Principal,
    query: ListQuery<'_>,
) -> Result<DossierPage, ServiceError> {
    let ListQuery { limit, after, .. } = query;
    // One more than asked, to tell whether another page follows.
    let page = Page {
        after,
        limit: limit + 1,
    };
    let mut db = services.store.session().await?;
    let rows = match principal {
        Principal::Citizen { pin, .. } => db.dossiers_of_citizen(pin.as_str(), page).await?,
        Principal::Staff { agency, .. } => {
            let filter = AgencyFilter {
                state: query.state,
                procedure_code: query.procedure,
                overdue_at: query.overdue.then(|| services.clock.now()),
                held_by: query.held_by_me.then(|| principal.subject()),
            };
            db.dossiers_of_agency(agency, filter, page).await?
        }
    };
    let (rows, more_after) = pages::split(rows, limit, Dossier::clone);
    let mut items = Vec::with_capacity(rows.len());
    for dossier in rows {
        let procedure = procedure_of(&services.catalog, &dossier)?;
        let mut item = view(principal, dossier, procedure);
        // Staff lists carry no personal data: opening a dossier does, and is logged.
        if matches!(principal, Principal::Staff { .. }) {
            item.data = None;
            item.prefill = None;
        }
        items.push(item);
    }
    Ok(DossierPage { items, more_after })
}

// One step of a dossier's timeline, as the API shows it.
#[derive(Debug, Serialize, ToSchema)]
pub struct EventView {
    pub at: DateTime<FixedOffset>,
    pub actor_kind: String,
    pub action: String,
    pub from_state: Option<String>,
    pub to_state: String,
    pub comment: Option<String>,
}

/// What happened to a dossier the principal may see, oldest first.
pub async fn timeline(
    services: &Services,
    principal: &Principal,
    id: Uuid,
) -> Result<Vec<EventView>, ServiceError> {
    let mut db = services.store.session().await?;
    find_visible(&mut *db, principal, id).await?;
    let events = db.events_of(id).await?;
    Ok(events
        .into_iter()
        .map(|e| EventView {
            at: in_vietnam(e.at),
            actor_kind: e.actor_kind,
            action: e.action,
            from_state: e.from_state,
            to_state: e.to_state,
            comment: e.comment,
        })
        .collect())
}
