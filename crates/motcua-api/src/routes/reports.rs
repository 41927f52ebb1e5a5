//! The figures agencies are judged by (Quyết định 766; docs/DOMAIN.md, "The scored indicators"):
//! `GET /v1/reports/digitisation`, `/timeliness` and `/indicators`, from the per-dossier
//! facts (`dossier_fact`), per agency × procedure with totals; `format=csv` is the monthly
//! report a supervisor hands in. Supervisors read any agency; other staff their own.

use crate::error::{ApiError, FieldProblem};
use crate::extract::{Auth, Query};
use crate::state::AppState;
use crate::time::in_vietnam;
use axum::extract::State;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use chrono::{Datelike, Duration, NaiveDate};
use motcua_auth::Principal;
use motcua_core::calendar::vietnam_midnight;
use motcua_core::indicators::{Id, Indicator, ALL};
use motcua_service::Code;
use motcua_store::facts::{self, Report, Scope, Sums};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use utoipa::{IntoParams, ToSchema};

const PROBLEM: &str = "application/problem+json";

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct ReportParams {
    /// First day of the period, `YYYY-MM-DD` (Vietnam's dates); default: the first of this month.
    from: Option<String>,
    /// Last day of the period, included; default: today.
    to: Option<String>,
    /// An agency's electronic identifier; default: the caller's agency (all agencies for a
    /// supervisor).
    agency: Option<String>,
    /// A procedure code; default: all.
    procedure: Option<String>,
    /// `json` (default) or `csv`.
    format: Option<String>,
}

/// The period and scope a report covers, checked.
struct Asked {
    from: NaiveDate,
    to: NaiveDate,
    agency: Option<String>,
    procedure: Option<String>,
    csv: bool,
}

fn bad_param(pointer: &str, message: impl Into<String>) -> ApiError {
    ApiError::validation(
        "the report's parameters are not valid",
        vec![FieldProblem::new(pointer, message.into())],
    )
}

fn check(state: &AppState, principal: &Principal, params: ReportParams) -> Result<Asked, ApiError> {
    let Principal::Staff { agency, .. } = principal else {
        return Err(ApiError::new(
            Code::StaffOnly,
            "reports are for supervisors and the staff of an agency",
        ));
    };
    let supervisor = principal.holds(motcua_core::procedure::Role::Supervisor);
    let agency = match params.agency {
        Some(asked) if asked != *agency && !supervisor => {
            return Err(ApiError::new(
                Code::OtherAgency,
                "staff read their own agency's figures; supervisors read any agency's",
            ))
        }
        Some(asked) => Some(asked),
        None if supervisor => None,
        None => Some(agency.clone()),
    };
    let today = in_vietnam(state.clock.now()).date_naive();
    let date = |value: Option<String>, pointer: &str, default: NaiveDate| match value {
        None => Ok(default),
        // The years PostgreSQL's timestamps and the legal calendar can both hold with room
        // to spare; chrono alone would accept year 262142 and overflow a day later.
        Some(v) => NaiveDate::parse_from_str(&v, "%Y-%m-%d")
            .ok()
            .filter(|d| (1900..=9999).contains(&d.year()))
            .ok_or_else(|| bad_param(pointer, "a date, YYYY-MM-DD, between 1900 and 9999")),
    };
    let from = date(params.from, "/from", today.with_day(1).unwrap_or(today))?;
    let to = date(params.to, "/to", today)?;
    if to < from {
        return Err(bad_param("/to", "the period ends before it starts"));
    }
    if (to - from).num_days() > 366 * 5 {
        return Err(bad_param("/to", "a period of at most five years"));
    }
    let csv = match params.format.as_deref() {
        None | Some("json") => false,
        Some("csv") => true,
        Some(_) => return Err(bad_param("/format", "json or csv")),
    };
    Ok(Asked {
        from,
        to,
        agency,
        procedure: params.procedure,
        csv,
    })
}

async fn sums_for(state: &AppState, asked: &Asked) -> Result<Report, ApiError> {
    let until = asked.to + Duration::days(1);
    Ok(facts::sums(
        &state.pool,
        Scope {
            agency_id: asked.agency.as_deref(),
            procedure_code: asked.procedure.as_deref(),
            from: asked.from,
            until,
            // Unfinished dossiers are judged at the period's end, or now if it is not over.
            judged_at: vietnam_midnight(until).min(state.clock.now()),
        },
    )
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
    online: i64,
    counter: i64,
    post: i64,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct IndicatorRow {
    /// `null` in the totals.
    agency: Option<String>,
    agency_name: Option<String>,
    procedure: Option<String>,
    procedure_name: Option<String>,
    dossiers: i64,
    channels: Channels,
    #[schema(value_type = Vec<Object>)]
    indicators: Vec<Indicator>,
    /// Share of the citizen-data fields of the forms that the register filled.
    prefill_coverage: Option<f64>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct IndicatorReport {
    from: NaiveDate,
    to: NaiveDate,
    rows: Vec<IndicatorRow>,
    totals: IndicatorRow,
}

/// Names for the rows: agencies and procedures as the procedure files give them.
struct Names {
    agencies: BTreeMap<String, String>,
    procedures: BTreeMap<String, String>,
}

impl Names {
    fn of(state: &AppState) -> Names {
        let mut agencies = BTreeMap::new();
        let mut procedures = BTreeMap::new();
        for p in state.catalog.current_all() {
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

#[utoipa::path(get, operation_id = "getIndicatorsReport", path = "/v1/reports/indicators", tag = "reports", security(("bearer" = [])),
    params(ReportParams),
    responses((status = 200, description = "the report; with `format=csv`, the monthly report as CSV, one row per agency × procedure",
               content((IndicatorReport = "application/json"), (String = "text/csv"))),
              (status = 401, body = crate::error::Problem, content_type = PROBLEM),
              (status = 403, body = crate::error::Problem, content_type = PROBLEM),
              (status = 422, body = crate::error::Problem, content_type = PROBLEM)))]
/// Every computed 766 indicator per agency × procedure, with totals.
pub async fn indicators_report(
    State(state): State<AppState>,
    Auth(principal): Auth,
    Query(params): Query<ReportParams>,
) -> Result<Response, ApiError> {
    let asked = check(&state, &principal, params)?;
    let report = sums_for(&state, &asked).await?;
    let names = Names::of(&state);
    if asked.csv {
        return csv_report(&asked, &report.rows, &names);
    }
    let report = IndicatorReport {
        from: asked.from,
        to: asked.to,
        rows: report.rows.iter().map(|s| row(s, Some(&names))).collect(),
        totals: row(&report.totals, None),
    };
    Ok(axum::Json(report).into_response())
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

#[utoipa::path(get, operation_id = "getDigitisationReport", path = "/v1/reports/digitisation", tag = "reports", security(("bearer" = [])),
    params(ReportParams),
    responses((status = 200, description = "the report; with `format=csv`, the monthly report as CSV",
               content((DigitisationReport = "application/json"), (String = "text/csv"))),
              (status = 401, body = crate::error::Problem, content_type = PROBLEM),
              (status = 403, body = crate::error::Problem, content_type = PROBLEM),
              (status = 422, body = crate::error::Problem, content_type = PROBLEM)))]
/// Indicator 4.2 against the target (80 %, or the operator's `MOTCUA_DIGITISATION_TARGET`),
/// with 4.1 and 4.3 beside it. The indicator report keeps the rule's 80 % scoring
/// threshold.
pub async fn digitisation(
    State(state): State<AppState>,
    Auth(principal): Auth,
    Query(params): Query<ReportParams>,
) -> Result<Response, ApiError> {
    let asked = check(&state, &principal, params)?;
    let report = sums_for(&state, &asked).await?;
    if asked.csv {
        return csv_report(&asked, &report.rows, &Names::of(&state));
    }
    let target = state.digitisation_target;
    let whole = digitisation_row(&report.totals, false, target);
    Ok(axum::Json(DigitisationReport {
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
    .into_response())
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

#[utoipa::path(get, operation_id = "getTimelinessReport", path = "/v1/reports/timeliness", tag = "reports", security(("bearer" = [])),
    params(ReportParams),
    responses((status = 200, body = TimelinessReport),
              (status = 401, body = crate::error::Problem, content_type = PROBLEM),
              (status = 403, body = crate::error::Problem, content_type = PROBLEM),
              (status = 422, body = crate::error::Problem, content_type = PROBLEM)))]
/// Received, finished on time, late, in progress and overdue, with the on-time rate (2.1).
pub async fn timeliness(
    State(state): State<AppState>,
    Auth(principal): Auth,
    Query(params): Query<ReportParams>,
) -> Result<Response, ApiError> {
    let asked = check(&state, &principal, params)?;
    if asked.csv {
        return Err(bad_param(
            "/format",
            "the CSV report is /v1/reports/indicators?format=csv",
        ));
    }
    let report = sums_for(&state, &asked).await?;
    Ok(axum::Json(TimelinessReport {
        from: asked.from,
        to: asked.to,
        totals: timeliness_row(&report.totals, false),
        rows: report
            .rows
            .iter()
            .map(|s| timeliness_row(s, true))
            .collect(),
    })
    .into_response())
}

/// The monthly report: one row per agency × procedure, every indicator's numerator,
/// denominator, ratio and score. UTF-8 with a byte-order mark, so that spreadsheet programs
/// show the Vietnamese names as they are.
fn csv_report(asked: &Asked, sums: &[Sums], names: &Names) -> Result<Response, ApiError> {
    let mut header = vec![
        "Từ ngày".to_owned(),
        "Đến ngày".to_owned(),
        "Mã cơ quan".to_owned(),
        "Tên cơ quan".to_owned(),
        "Mã TTHC".to_owned(),
        "Tên thủ tục hành chính".to_owned(),
        "Số hồ sơ".to_owned(),
        "Trực tuyến".to_owned(),
        "Trực tiếp".to_owned(),
        "Bưu chính".to_owned(),
    ];
    for id in ALL {
        let code = id.code();
        header.push(format!("{code} tử số"));
        header.push(format!("{code} mẫu số"));
        header.push(format!("{code} tỷ lệ"));
        header.push(format!("{code} điểm"));
    }
    header.push("Tỷ lệ điền sẵn từ CSDL dân cư".to_owned());
    let mut out = csv::Writer::from_writer(Vec::from("\u{feff}".as_bytes()));
    out.write_record(&header).map_err(ApiError::internal)?;
    let number = |v: Option<f64>| v.map(|v| format!("{v:.4}")).unwrap_or_else(|| "N/A".into());
    for s in sums {
        let mut record = vec![
            asked.from.to_string(),
            asked.to.to_string(),
            s.agency_id.clone(),
            names
                .agencies
                .get(&s.agency_id)
                .cloned()
                .unwrap_or_default(),
            s.procedure_code.clone(),
            names
                .procedures
                .get(&s.procedure_code)
                .cloned()
                .unwrap_or_default(),
            s.dossiers.to_string(),
            s.online.to_string(),
            s.counter.to_string(),
            s.post.to_string(),
        ];
        for i in indicators(s) {
            record.push(i.numerator.to_string());
            record.push(i.denominator.to_string());
            record.push(number(i.ratio));
            record.push(number(i.score));
        }
        record.push(number(ratio(s.prefilled, s.prefill_fields)));
        out.write_record(&record).map_err(ApiError::internal)?;
    }
    let body = out.into_inner().map_err(ApiError::internal)?;
    let file = format!("bao-cao-chi-so-{}-{}.csv", asked.from, asked.to);
    let mut response = (StatusCode::OK, body).into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/csv; charset=utf-8"),
    );
    if let Ok(value) = HeaderValue::from_str(&format!("attachment; filename=\"{file}\"")) {
        headers.insert(header::CONTENT_DISPOSITION, value);
    }
    Ok(response)
}
