//! A citizen's access log (docs/DOMAIN.md): every read of their data, newest first — the
//! population register read for their dossiers, a staff member opening one of their
//! dossiers or documents — with who read it, in which role and agency, and why. Only the
//! citizen themself sees it.

use crate::checks::citizen_only;
use crate::error::ServiceError;
use crate::pages;
use crate::time::in_vietnam;
use crate::Services;
use chrono::{DateTime, FixedOffset};
use motcua_core::pin::Pin;
use motcua_core::principal::Principal;
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

/// Who read the citizen's data, when, and why.
#[derive(Debug, Serialize, ToSchema)]
pub struct AccessEntry {
    pub at: DateTime<FixedOffset>,
    /// What was read: `register` (the national population database) or `document` (a
    /// staff member opened one of the citizen's documents).
    pub source: String,
    pub document_id: Option<Uuid>,
    /// `citizen` (the citizen themself, through their dossier) or `staff`.
    pub actor_kind: String,
    /// The citizen's own number, or the staff member's username.
    pub actor: String,
    pub actor_role: Option<String>,
    pub actor_agency: Option<String>,
    /// The register fields read.
    pub fields: Vec<String>,
    pub procedure: String,
    pub dossier_id: Uuid,
    pub purpose: String,
    /// `ok`, `not_found`, `deceased`, `under_review`, `unavailable`, `refused`.
    pub outcome: String,
}

/// A page of the log.
pub struct AccessPage {
    pub items: Vec<AccessEntry>,
    /// When another page follows: it holds the entries before this one.
    pub more_before: Option<i64>,
}

/// The citizen whose log this is; staff have none.
pub fn reader(principal: &Principal) -> Result<&Pin, ServiceError> {
    citizen_only(
        principal,
        "the access log shows a citizen the reads of their own data",
    )
}

/// The newest entries about dossier `id` of `citizen`, among their last `scan` entries: what
/// a dossier's own page shows (the whole log is the API's `GET /v1/me/access-log`).
pub async fn of_dossier(
    services: &Services,
    citizen: &Pin,
    id: Uuid,
    scan: i64,
) -> Result<Vec<AccessEntry>, ServiceError> {
    let page = list(services, citizen, None, scan).await?;
    Ok(page
        .items
        .into_iter()
        .filter(|entry| entry.dossier_id == id)
        .collect())
}

/// At most `limit` entries of `citizen`'s log, before the entry `before` if given.
pub async fn list(
    services: &Services,
    citizen: &Pin,
    before: Option<i64>,
    limit: i64,
) -> Result<AccessPage, ServiceError> {
    let mut db = services.store.session().await?;
    let rows = db
        .register_accesses_of(citizen.as_str(), before, limit + 1)
        .await?;
    let (rows, more_before) = pages::split(rows, limit, |r| r.id);
    let items = rows
        .into_iter()
        .map(|r| AccessEntry {
            at: in_vietnam(r.at),
            source: r.source,
            document_id: r.document_id,
            actor_kind: r.actor_kind,
            actor: r.actor,
            actor_role: r.actor_role,
            actor_agency: r.actor_agency,
            fields: r.fields,
            procedure: r.procedure_code,
            dossier_id: r.dossier_id,
            purpose: r.purpose,
            outcome: r.outcome,
        })
        .collect();
    Ok(AccessPage { items, more_before })
}
