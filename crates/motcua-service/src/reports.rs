//! The figures agencies are judged by (Quyết định 766; docs/DOMAIN.md, "The scored indicators"):
//! the digitisation, timeliness and indicator reports, from the per-dossier facts
//! (`dossier_fact`), per agency × procedure with totals; the indicator report's rows are
//! also the monthly report a supervisor hands in (as CSV). Supervisors read any agency;
//! other staff their own.

use crate::store::facts::{Report, Scope, Sums};
use crate::time::in_vietnam;
use crate::{Code, FieldProblem, Said, ServiceError, Services};
use chrono::{Datelike, Duration, NaiveDate};
use motcua_core::calendar::vietnam_midnight;
use motcua_core::indicators::{Id, Indicator, ALL};
use motcua_core::principal::Principal;
use serde::Serialize;
use std::collections::BTreeMap;
use utoipa::ToSchema;

/// A report's period and scope as asked: dates as `YYYY-MM-DD` (Vietnam's dates), an
/// agency's electronic identifier, a procedure code, the format (`json` or `csv`); each
/// may be left out.
#[derive(Debug, Clone, Default)]
pub struct ReportQuery {
    pub from: Option<String>,
    pub to: Option<String>,
    pub agency: Option<String>,
    pub procedure: Option<String>,
    pub format: Option<String>,
    /// The agency and every unit under it in the agency tree (`true`), or the agency
    /// alone (default).
    pub subtree: Option<bool>,
}

/// The period and scope a report covers, checked: only [`ask`] makes one, for a caller
/// who may read it.
#[derive(Debug, Clone)]
pub struct Asked {
    from: NaiveDate,
    to: NaiveDate,
    /// The agency asked for (none: every agency the caller reads).
    agency: Option<String>,
    /// The agencies covered; `None`: all.
    agencies: Option<Vec<String>>,
    procedure: Option<String>,
    csv: bool,
}

impl Asked {
    pub fn from(&self) -> NaiveDate {
        self.from
    }

    /// The period's last day, included.
    pub fn to(&self) -> NaiveDate {
        self.to
    }

    /// The monthly report as CSV was asked for.
    pub fn csv(&self) -> bool {
        self.csv
    }

    /// The agency asked for, or none (every agency the caller reads).
    pub fn agency(&self) -> Option<&str> {
        self.agency.as_deref()
    }

    /// The agencies covered; `None`: all.
    pub fn agencies(&self) -> Option<&[String]> {
        self.agencies.as_deref()
    }

    /// The report covers this agency.
    pub fn covers(&self, agency: &str) -> bool {
        self.agencies
            .as_ref()
            .is_none_or(|all| all.iter().any(|a| a == agency))
    }

    pub fn procedure(&self) -> Option<&str> {
        self.procedure.as_deref()
    }
}

/// A parameter of the report refused: `message` in English, `vietnamese` for people.
fn bad_param(pointer: &str, message: &str, vietnamese: &str) -> ServiceError {
    let label = match pointer {
        "/from" => "Từ ngày",
        "/to" => "Đến ngày",
        "/format" => "Định dạng",
        _ => "Tham số",
    };
    ServiceError::validation(
        "the report's parameters are not valid",
        vec![FieldProblem::new(pointer, message).said(Said::new(label, vietnamese))],
    )
}

/// Checks who asks and what: staff only; the caller's own agency, or for a supervisor their
/// agency and the units under it in the agency tree (every agency without a tree), all of
/// them by default; `subtree` rolls an agency up with its units; a period of dates from the first of this month to today
/// by default, of at most five years.
pub fn ask(
    services: &Services,
    principal: &Principal,
    query: ReportQuery,
) -> Result<Asked, ServiceError> {
    let Principal::Staff { agency, .. } = principal else {
        return Err(ServiceError::new(
            Code::StaffOnly,
            "reports are for supervisors and the staff of an agency",
        ));
    };
    let supervisor = principal.holds(motcua_core::procedure::Role::Supervisor);
    let tree = &services.agencies;
    // Who reads what: staff their own agency; a supervisor their agency and every unit
    // under it in the agency tree, or any agency when no tree is configured.
    let readable = |asked: &str| {
        asked == agency.as_str()
            || (supervisor && (!tree.configured() || tree.within(agency, asked)))
    };
    let refused = || {
        ServiceError::new(
            Code::OtherAgency,
            "staff read their own agency's figures; supervisors those of their agency and \
             the units under it",
        )
    };
    let subtree = query.subtree.unwrap_or(false);
    let (asked_agency, agencies) = match query.agency.clone() {
        Some(asked) if !readable(&asked) => return Err(refused()),
        Some(asked) if subtree => {
            let all = tree.subtree(&asked);
            if !all.iter().all(|a| readable(a)) {
                return Err(refused());
            }
            (Some(asked), Some(all))
        }
        Some(asked) => (Some(asked.clone()), Some(vec![asked])),
        None if supervisor && !tree.configured() => (None, None),
        None if supervisor => (None, Some(tree.subtree(agency))),
        None => (None, Some(vec![agency.clone()])),
    };
    let (from, to, csv) = period(services, &query)?;
    Ok(Asked {
        from,
        to,
        agency: asked_agency,
        agencies,
        procedure: query.procedure,
        csv,
    })
}

/// The public statistics' scope (no login): one agency, a unit and everything under it in
/// the agency tree (a province, say), or every agency; a period as [`ask`] reads it.
pub fn public(
    services: &Services,
    query: ReportQuery,
    unit: Option<String>,
) -> Result<Asked, ServiceError> {
    let (from, to, csv) = period(services, &query)?;
    if csv {
        return Err(bad_param("/format", "json", "Chọn json."));
    }
    let (agency, agencies) = match (query.agency.clone(), unit) {
        (Some(a), _) => (Some(a.clone()), Some(vec![a])),
        (None, Some(u)) => (Some(u.clone()), Some(services.agencies.subtree(&u))),
        (None, None) => (None, None),
    };
    Ok(Asked {
        from,
        to,
        agency,
        agencies,
        procedure: query.procedure,
        csv: false,
    })
}

/// A report's period and format: from the first of this month to today by default, at most
/// five years; `csv` asked or not.
fn period(
    services: &Services,
    query: &ReportQuery,
) -> Result<(NaiveDate, NaiveDate, bool), ServiceError> {
    let today = in_vietnam(services.clock.now()).date_naive();
    let date = |value: Option<String>, pointer: &str, default: NaiveDate| match value {
        None => Ok(default),
        // The years PostgreSQL's timestamps and the legal calendar can both hold with room
        // to spare; chrono alone would accept year 262142 and overflow a day later.
        Some(v) => NaiveDate::parse_from_str(&v, "%Y-%m-%d")
            .ok()
            .filter(|d| (1900..=9999).contains(&d.year()))
            .ok_or_else(|| {
                bad_param(
                    pointer,
                    "a date, YYYY-MM-DD, between 1900 and 9999",
                    "Nhập ngày dạng YYYY-MM-DD, từ năm 1900 đến 9999.",
                )
            }),
    };
    let from = date(
        query.from.clone(),
        "/from",
        today.with_day(1).unwrap_or(today),
    )?;
    let to = date(query.to.clone(), "/to", today)?;
    if to < from {
        return Err(bad_param(
            "/to",
            "the period ends before it starts",
            "Ngày kết thúc trước ngày bắt đầu.",
        ));
    }
    if (to - from).num_days() > 366 * 5 {
        return Err(bad_param(
            "/to",
            "a period of at most five years",
            "Chọn khoảng thời gian tối đa 5 năm.",
        ));
    }
    let csv = match query.format.as_deref() {
        None | Some("json") => false,
        Some("csv") => true,
        Some(_) => return Err(bad_param("/format", "json or csv", "Chọn json hoặc csv.")),
    };
    Ok((from, to, csv))
}

pub(crate) async fn sums_for(services: &Services, asked: &Asked) -> Result<Report, ServiceError> {
    let until = asked.to + Duration::days(1);
    let mut db = services.store.session().await?;
    Ok(db
        .sums(Scope {
            agency_ids: asked.agencies.as_deref(),
            procedure_code: asked.procedure.as_deref(),
            from: asked.from,
            until,
            // Unfinished dossiers are judged at the period's end, or now if it is not over.
            judged_at: vietnam_midnight(until).min(services.clock.now()),
        })
        .await?)
}

fn count(n: i64) -> u64 {
    u64::try_from(n).unwrap_or(0)
}

fn indicators(s: &Sums) -> Vec<Indicator> {
    ALL.iter()
        .map(|id| {
            let (n, d) = match id {
                Id::OnTime => (s.on_time_num, s.on_time_den),
                Id::Online => (s.online_num, s.online_den),
                Id::ElectronicResult => (s.eresult_num, s.eresult_den),
                Id::Digitisation => (s.digitised_num, s.digitised_den),
                Id::Reuse => (s.reuse_num, s.reuse_den),
                Id::FromStore => (s.store_num, s.store_den),
                Id::RegisterUsed => (s.register_num, s.register_den),
            };
            Indicator::new(*id, count(n), count(d))
        })
        .collect()
}

fn ratio(n: i64, d: i64) -> Option<f64> {
    (d > 0).then(|| n as f64 / d as f64)
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Channels {
    pub online: i64,
    pub counter: i64,
    pub post: i64,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct IndicatorRow {
    /// `null` in the totals.
    pub agency: Option<String>,
    pub agency_name: Option<String>,
    pub procedure: Option<String>,
    pub procedure_name: Option<String>,
    pub dossiers: i64,
    pub channels: Channels,
    #[schema(value_type = Vec<Object>)]
    pub indicators: Vec<Indicator>,
    /// Share of the citizen-data fields of the forms that the register filled.
    pub prefill_coverage: Option<f64>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct IndicatorReport {
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub rows: Vec<IndicatorRow>,
    pub totals: IndicatorRow,
}

/// Names for the rows: agencies and procedures as the procedure files give them.
pub(crate) struct Names {
    pub(crate) agencies: BTreeMap<String, String>,
    pub(crate) procedures: BTreeMap<String, String>,
}

impl Names {
    pub(crate) fn of(services: &Services) -> Names {
        let mut agencies = BTreeMap::new();
        let mut procedures = BTreeMap::new();
        for p in services.catalog.current_all() {
            procedures.insert(p.code().to_owned(), p.spec().name.vi.clone());
            for a in &p.spec().agencies {
                agencies.insert(a.id.clone(), a.name.clone());
            }
        }
        Names {
            agencies,
            procedures,
        }
    }
}

fn row(s: &Sums, names: Option<&Names>) -> IndicatorRow {
    IndicatorRow {
        agency: names.map(|_| s.agency_id.clone()),
        agency_name: names.and_then(|n| n.agencies.get(&s.agency_id).cloned()),
        procedure: names.map(|_| s.procedure_code.clone()),
        procedure_name: names.and_then(|n| n.procedures.get(&s.procedure_code).cloned()),
        dossiers: s.dossiers,
        channels: Channels {
            online: s.online,
            counter: s.counter,
            post: s.post,
        },
        indicators: indicators(s),
        prefill_coverage: ratio(s.prefilled, s.prefill_fields),
    }
}

/// Every computed 766 indicator per agency × procedure, with totals. Its rows, one per
/// agency × procedure, are the monthly report's.
pub async fn indicators_report(
    services: &Services,
    asked: &Asked,
) -> Result<IndicatorReport, ServiceError> {
    let report = sums_for(services, asked).await?;
    let names = Names::of(services);
    Ok(IndicatorReport {
        from: asked.from,
        to: asked.to,
        rows: report.rows.iter().map(|s| row(s, Some(&names))).collect(),
        totals: row(&report.totals, None),
    })
}

#[derive(Debug, Serialize, ToSchema)]
pub struct DigitisationRow {
    agency: Option<String>,
    procedure: Option<String>,
    dossiers: i64,
    /// Dossiers whose documents are all digitised and, where a written result is due, with
    /// an electronic result.
    digitised: i64,
    ratio: Option<f64>,
    target: f64,
    meets_target: Option<bool>,
    score: Option<f64>,
    /// 4.1: electronic results of the dossiers whose result is written.
    electronic_results: i64,
    results_due: i64,
    /// 4.3: dossiers reusing digitised data, of those received.
    reused: i64,
    received: i64,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct DigitisationReport {
    from: NaiveDate,
    to: NaiveDate,
    target: f64,
    /// The whole scope.
    dossiers: i64,
    digitised: i64,
    ratio: Option<f64>,
    meets_target: Option<bool>,
    rows: Vec<DigitisationRow>,
}

fn digitisation_row(s: &Sums, keyed: bool, target: f64) -> DigitisationRow {
    let i = Indicator::with_threshold(
        Id::Digitisation,
        count(s.digitised_num),
        count(s.digitised_den),
        Some(target),
    );
    DigitisationRow {
        agency: keyed.then(|| s.agency_id.clone()),
        procedure: keyed.then(|| s.procedure_code.clone()),
        dossiers: s.digitised_den,
        digitised: s.digitised_num,
        ratio: i.ratio,
        target,
        meets_target: i.meets_target,
        score: i.score,
        electronic_results: s.eresult_num,
        results_due: s.eresult_den,
        reused: s.reuse_num,
        received: s.reuse_den,
    }
}

/// Indicator 4.2 against the target (80 %, or the operator's digitisation target), with
/// 4.1 and 4.3 beside it. The indicator report keeps the rule's 80 % scoring threshold.
pub async fn digitisation(
    services: &Services,
    asked: &Asked,
) -> Result<DigitisationReport, ServiceError> {
    let report = sums_for(services, asked).await?;
    let target = services.digitisation_target;
    let whole = digitisation_row(&report.totals, false, target);
    Ok(DigitisationReport {
        from: asked.from,
        to: asked.to,
        target,
        dossiers: whole.dossiers,
        digitised: whole.digitised,
        ratio: whole.ratio,
        meets_target: whole.meets_target,
        rows: report
            .rows
            .iter()
            .map(|s| digitisation_row(s, true, target))
            .collect(),
    })
}

#[derive(Debug, Serialize, ToSchema)]
pub struct TimelinessRow {
    agency: Option<String>,
    procedure: Option<String>,
    received: i64,
    finished: i64,
    finished_on_time: i64,
    /// Finished late, or with more than one supplement request.
    finished_late: i64,
    in_progress: i64,
    in_progress_overdue: i64,
    /// 2.1: on time / (finished + unfinished past their date).
    on_time_rate: Option<f64>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct TimelinessReport {
    from: NaiveDate,
    to: NaiveDate,
    totals: TimelinessRow,
    rows: Vec<TimelinessRow>,
}

fn timeliness_row(s: &Sums, keyed: bool) -> TimelinessRow {
    let finished_judged = s.on_time_den - s.in_progress_overdue;
    TimelinessRow {
        agency: keyed.then(|| s.agency_id.clone()),
        procedure: keyed.then(|| s.procedure_code.clone()),
        received: s.received,
        finished: s.finished,
        finished_on_time: s.on_time_num,
        finished_late: finished_judged - s.on_time_num,
        in_progress: s.in_progress,
        in_progress_overdue: s.in_progress_overdue,
        on_time_rate: ratio(s.on_time_num, s.on_time_den),
    }
}

/// Received, finished on time, late, in progress and overdue, with the on-time rate (2.1).
/// It has no CSV form: the monthly report is the indicators'.
pub async fn timeliness(
    services: &Services,
    asked: &Asked,
) -> Result<TimelinessReport, ServiceError> {
    if asked.csv {
        return Err(bad_param(
            "/format",
            "the CSV report is /v1/reports/indicators?format=csv",
            "Báo cáo dạng CSV là /v1/reports/indicators?format=csv.",
        ));
    }
    let report = sums_for(services, asked).await?;
    Ok(TimelinessReport {
        from: asked.from,
        to: asked.to,
        totals: timeliness_row(&report.totals, false),
        rows: report
            .rows
            .iter()
            .map(|s| timeliness_row(s, true))
            .collect(),
    })
}

/// The online-payment group of QĐ 766 over the period: procedures with fees payable
/// online (the procedures in scope as loaded now), dossiers owing fees paid online
/// (`motcua_core::fees::payment_indicators`).
#[derive(Debug, Serialize, ToSchema)]
pub struct PaymentReport {
    pub from: NaiveDate,
    pub to: NaiveDate,
    #[schema(value_type = Vec<Object>)]
    pub indicators: Vec<motcua_core::fees::PaymentIndicator>,
}

pub async fn payments(services: &Services, asked: &Asked) -> Result<PaymentReport, ServiceError> {
    use motcua_core::fees::{self, DossierFees, ProcedureFees};
    let until = asked.to + Duration::days(1);
    let procedures: Vec<ProcedureFees> = services
        .catalog
        .current_all()
        .into_iter()
        .filter(|p| asked.procedure.as_deref().is_none_or(|c| c == p.code()))
        .filter(|p| {
            asked
                .agency
                .as_deref()
                .is_none_or(|a| p.spec().agencies.iter().any(|x| x.id == a))
        })
        .map(|p| ProcedureFees {
            has_fees: fees::has_fees(p),
            online: p.spec().channels.iter().any(|c| c == "online"),
        })
        .collect();
    let mut db = services.store.session().await?;
    let dossiers: Vec<DossierFees> = db
        .owing_dossiers(
            vietnam_midnight(asked.from),
            vietnam_midnight(until),
            asked.agency.as_deref(),
            asked.procedure.as_deref(),
        )
        .await?
        .into_iter()
        .map(|paid_online| DossierFees { paid_online })
        .collect();
    Ok(PaymentReport {
        from: asked.from,
        to: asked.to,
        indicators: fees::payment_indicators(services.payments.is_some(), &procedures, &dossiers)
            .into(),
    })
}
