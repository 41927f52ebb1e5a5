//! Figures per official (the year-end evaluation of staff): for a period and the agencies a
//! report covers, each official's actions and how the dossiers they acted on ended (on
//! time or late by indicator 2.1's rule). A supervisor reads every official of the agencies
//! they read; other staff read their own line only.

use crate::reports::{Asked, Names};
use crate::store::facts::Scope;
use crate::{ServiceError, Services};
use chrono::{Duration, NaiveDate};
use motcua_core::principal::Principal;
use motcua_core::procedure::Role;
use serde::Serialize;
use utoipa::ToSchema;

#[derive(Debug, Serialize, ToSchema)]
pub struct OfficialRow {
    /// The staff member's login name.
    pub official: String,
    pub agency: String,
    pub agency_name: Option<String>,
    /// Workflow actions taken in the period.
    pub actions: i64,
    /// Dossiers acted on in the period; of those, finished, on time and late.
    pub dossiers: i64,
    pub finished: i64,
    pub on_time: i64,
    pub late: i64,
    /// `on_time / (on_time + late)`; `null` when none was judged.
    pub on_time_rate: Option<f64>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct OfficialsReport {
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub rows: Vec<OfficialRow>,
}

pub async fn officials(
    services: &Services,
    principal: &Principal,
    asked: &Asked,
) -> Result<OfficialsReport, ServiceError> {
    let mut db = services.store.session().await?;
    let agencies = asked.agencies();
    let rows = db
        .official_sums(Scope {
            agency_ids: agencies,
            procedure_code: asked.procedure(),
            from: asked.from(),
            until: asked.to() + Duration::days(1),
            judged_at: services.clock.now(),
        })
        .await?;
    let supervisor = principal.holds(Role::Supervisor);
    let me = principal.subject();
    let names = Names::of(services);
    Ok(OfficialsReport {
        from: asked.from(),
        to: asked.to(),
        rows: rows
            .into_iter()
            .filter(|r| supervisor || r.official == me)
            .map(|r| {
                let judged = r.on_time + r.late;
                OfficialRow {
                    agency_name: names.agencies.get(&r.agency_id).cloned(),
                    on_time_rate: (judged > 0).then(|| r.on_time as f64 / judged as f64),
                    official: r.official,
                    agency: r.agency_id,
                    actions: r.actions,
                    dossiers: r.dossiers,
                    finished: r.finished,
                    on_time: r.on_time,
                    late: r.late,
                }
            })
            .collect(),
    })
}
