//! The whole QĐ 766 scorecard for a period (`motcua_core::scorecard`; docs/INDICATORS.md):
//! the scope's total, and one card per agency, from the same sums as the indicator report
//! (one statement) and the procedure catalogue (3.1, 4.5a, certified copies).

use crate::reports::{sums_for, Asked, Names};
use crate::store::facts::Sums;
use crate::store::satisfaction::FeedbackSums;
use crate::{FieldProblem, Said, ServiceError, Services};
use chrono::{Duration, NaiveDate};
use motcua_core::calendar::vietnam_midnight;
use motcua_core::procedure::Procedure;
use motcua_core::scorecard::{score, Figures, Ratio, Scorecard};
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};
use utoipa::ToSchema;

#[derive(Debug, Serialize, ToSchema)]
pub struct AgencyScorecard {
    pub agency: String,
    pub agency_name: Option<String>,
    #[schema(value_type = Object)]
    pub scorecard: Scorecard,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ScorecardReport {
    pub from: NaiveDate,
    pub to: NaiveDate,
    /// The agency asked for; `null`: every agency the caller may read.
    pub agency: Option<String>,
    /// The whole scope.
    #[schema(value_type = Object)]
    pub total: Scorecard,
    /// One card per agency with dossiers in the period or procedures to serve.
    pub agencies: Vec<AgencyScorecard>,
}

fn count(n: i64) -> u64 {
    u64::try_from(n).unwrap_or(0)
}

fn ratio(n: i64, d: i64) -> Ratio {
    Ratio::new(count(n), count(d))
}

/// 3.1: offered online, partly or fully, and open to online filing.
fn offered_online(p: &Procedure) -> bool {
    let spec = p.spec();
    matches!(spec.online_level.as_str(), "full" | "partial")
        && spec.channels.iter().any(|c| c == "online")
}

/// The figures of `rows` (one agency's, or every one's), with `procedures` the procedures
/// served in that scope.
pub fn figures(rows: &[&Sums], procedures: &[&Procedure]) -> Figures {
    let sum = |f: fn(&Sums) -> i64| rows.iter().map(|s| f(s)).sum::<i64>();
    let certified: BTreeSet<&str> = procedures
        .iter()
        .filter(|p| p.spec().result.certified_copy)
        .map(|p| p.code())
        .collect();
    let certified_rows = || {
        rows.iter()
            .filter(|s| certified.contains(s.procedure_code.as_str()))
    };
    let connected: BTreeSet<&str> = rows
        .iter()
        .filter(|s| s.register_num > 0)
        .map(|s| s.procedure_code.as_str())
        .collect();
    let served = procedures.len() as u64;
    Figures {
        synchronised: ratio(sum(|s| s.synchronised), sum(|s| s.dossiers)),
        on_time: ratio(sum(|s| s.on_time_num), sum(|s| s.on_time_den)),
        processed: count(sum(|s| s.processed)),
        processing_seconds: sum(|s| s.processing_secs),
        procedures_online: Ratio::new(
            procedures.iter().filter(|p| offered_online(p)).count() as u64,
            served,
        ),
        online: ratio(sum(|s| s.online_num), sum(|s| s.online_den)),
        electronic_result: ratio(sum(|s| s.eresult_num), sum(|s| s.eresult_den)),
        digitised: ratio(sum(|s| s.digitised_num), sum(|s| s.digitised_den)),
        reuse: ratio(sum(|s| s.reuse_num), sum(|s| s.reuse_den)),
        from_store: ratio(sum(|s| s.store_num), sum(|s| s.store_den)),
        register_used: ratio(sum(|s| s.register_num), sum(|s| s.register_den)),
        certified_copies: ratio(
            certified_rows().map(|s| s.eresult_num).sum(),
            certified_rows().map(|s| s.eresult_den).sum(),
        ),
        procedures_register: Ratio::new(
            procedures
                .iter()
                .filter(|p| connected.contains(p.code()))
                .count() as u64,
            served,
        ),
        received: count(sum(|s| s.received)),
        ..Figures::default()
    }
}

/// Adds an agency's feedback and ratings (5.1–5.4) to `f`.
pub fn add_feedback(f: &mut Figures, s: &FeedbackSums) {
    let add = |r: &mut Ratio, n: i64, d: i64| {
        r.numerator += count(n);
        r.denominator += count(d);
    };
    add(&mut f.feedback_classified, s.classified, s.received);
    add(&mut f.feedback_on_time, s.on_time, s.judged);
    add(
        &mut f.feedback_satisfied,
        (s.received - s.dissatisfied - s.late).max(0),
        s.received,
    );
    f.flagged_dossiers += count(s.flagged_dossiers);
}

/// The scorecard of the asked period and scope: the total, and each agency's.
pub async fn scorecard(
    services: &Services,
    asked: &Asked,
) -> Result<ScorecardReport, ServiceError> {
    if asked.csv() {
        return Err(ServiceError::validation(
            "the scorecard has no CSV form",
            vec![
                FieldProblem::new("/format", "json; the CSV report is /v1/reports/indicators")
                    .said(Said::new("Định dạng", "Bảng điểm chỉ có dạng json.")),
            ],
        ));
    }
    let report = sums_for(services, asked).await?;
    let (from, until) = (
        vietnam_midnight(asked.from()),
        vietnam_midnight(asked.to() + Duration::days(1)),
    );
    let feedback = services
        .store
        .session()
        .await?
        .feedback_sums(
            asked.agencies(),
            from,
            until,
            until.min(services.clock.now()),
        )
        .await?;
    let names = Names::of(services);
    let catalogue: Vec<&Procedure> = services
        .catalog
        .current_all()
        .into_iter()
        .map(|p| p.as_ref())
        .collect();
    let in_scope = |p: &&Procedure| asked.procedure().is_none_or(|code| p.code() == code);
    // Which procedures each agency serves, from the procedure files.
    let mut served: BTreeMap<&str, Vec<&Procedure>> = BTreeMap::new();
    for p in catalogue.iter().copied().filter(in_scope) {
        for a in &p.spec().agencies {
            if asked.covers(&a.id) {
                served.entry(a.id.as_str()).or_default().push(p);
            }
        }
    }
    let mut by_agency: BTreeMap<&str, Vec<&Sums>> = BTreeMap::new();
    for s in &report.rows {
        by_agency.entry(s.agency_id.as_str()).or_default().push(s);
        served.entry(s.agency_id.as_str()).or_default();
    }
    for s in &feedback {
        served.entry(s.agency_id.as_str()).or_default();
    }
    let all_rows: Vec<&Sums> = report.rows.iter().collect();
    let mut every: Vec<&Procedure> = Vec::new();
    for p in served.values().flatten() {
        if !every.iter().any(|q| q.code() == p.code()) {
            every.push(p);
        }
    }
    let agencies = served
        .iter()
        .map(|(agency, procedures)| {
            let mut f = figures(
                by_agency.get(agency).map_or(&[][..], |r| r.as_slice()),
                procedures,
            );
            for s in feedback.iter().filter(|s| s.agency_id == *agency) {
                add_feedback(&mut f, s);
            }
            AgencyScorecard {
                agency: (*agency).to_owned(),
                agency_name: names.agencies.get(*agency).cloned(),
                scorecard: score(&f),
            }
        })
        .collect();
    let mut total = figures(&all_rows, &every);
    for s in &feedback {
        add_feedback(&mut total, s);
    }
    Ok(ScorecardReport {
        from: asked.from(),
        to: asked.to(),
        agency: asked.agency().map(str::to_owned),
        total: score(&total),
        agencies,
    })
}
