//! The figures agencies are judged by (Quyết định 766; docs/DOMAIN.md, "The scored indicators"):
//! `GET /v1/reports/digitisation`, `/timeliness` and `/indicators` (`motcua_service::reports`);
//! `format=csv` is the monthly report a supervisor hands in, rendered here.

use crate::error::ApiError;
use crate::extract::{Auth, Path, Query};
use crate::state::AppState;
use axum::extract::State;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use motcua_service::officials::{self, OfficialsReport};
use motcua_service::owed;
use motcua_service::report_csv;
use motcua_service::reports::{
    self, DigitisationReport, IndicatorReport, PaymentReport, ReportQuery, TimelinessReport,
};
use motcua_service::scorecard::{self, ScorecardReport};
use serde::Deserialize;
use utoipa::IntoParams;

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
    /// `true`: the agency and every unit under it in the agency tree (`MOTCUA_AGENCY_TREE`).
    subtree: Option<bool>,
}

impl From<ReportParams> for ReportQuery {
    fn from(p: ReportParams) -> Self {
        ReportQuery {
            from: p.from,
            to: p.to,
            agency: p.agency,
            procedure: p.procedure,
            format: p.format,
            subtree: p.subtree,
        }
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
    let asked = reports::ask(&state.services, &principal, params.into())?;
    let report = reports::indicators_report(&state.services, &asked).await?;
    if asked.csv() {
        return csv_report(&report);
    }
    Ok(axum::Json(report).into_response())
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
    let asked = reports::ask(&state.services, &principal, params.into())?;
    if asked.csv() {
        return csv_report(&reports::indicators_report(&state.services, &asked).await?);
    }
    let report = reports::digitisation(&state.services, &asked).await?;
    Ok(axum::Json(report).into_response())
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
    let asked = reports::ask(&state.services, &principal, params.into())?;
    let report = reports::timeliness(&state.services, &asked).await?;
    Ok(axum::Json(report).into_response())
}

#[utoipa::path(get, operation_id = "getScorecard", path = "/v1/reports/scorecard", tag = "reports", security(("bearer" = [])),
    params(ReportParams),
    responses((status = 200, body = ScorecardReport),
              (status = 401, body = crate::error::Problem, content_type = PROBLEM),
              (status = 403, body = crate::error::Problem, content_type = PROBLEM),
              (status = 422, body = crate::error::Problem, content_type = PROBLEM)))]
/// The whole QĐ 766 scorecard (six groups, 100 points) of the period: the scope's total and
/// each agency's (docs/INDICATORS.md).
pub async fn scorecard(
    State(state): State<AppState>,
    Auth(principal): Auth,
    Query(params): Query<ReportParams>,
) -> Result<Response, ApiError> {
    let asked = reports::ask(&state.services, &principal, params.into())?;
    let report = scorecard::scorecard(&state.services, &asked).await?;
    Ok(axum::Json(report).into_response())
}

#[utoipa::path(get, operation_id = "getOfficialsReport", path = "/v1/reports/officials", tag = "reports", security(("bearer" = [])),
    params(ReportParams),
    responses((status = 200, body = OfficialsReport),
              (status = 401, body = crate::error::Problem, content_type = PROBLEM),
              (status = 403, body = crate::error::Problem, content_type = PROBLEM),
              (status = 422, body = crate::error::Problem, content_type = PROBLEM)))]
/// Figures per official: actions in the period and how the dossiers they acted on ended.
/// Supervisors read every official of the agencies they read; other staff their own line.
pub async fn officials(
    State(state): State<AppState>,
    Auth(principal): Auth,
    Query(params): Query<ReportParams>,
) -> Result<Response, ApiError> {
    let asked = reports::ask(&state.services, &principal, params.into())?;
    let report = officials::officials(&state.services, &principal, &asked).await?;
    Ok(axum::Json(report).into_response())
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct PublicParams {
    /// First day, `YYYY-MM-DD`; default: the first of this month.
    from: Option<String>,
    /// Last day, included; default: today.
    to: Option<String>,
    /// One agency's electronic identifier …
    agency: Option<String>,
    /// … or a unit of the agency tree with everything under it (a province).
    unit: Option<String>,
    /// A procedure code; default: all.
    procedure: Option<String>,
}

#[utoipa::path(get, operation_id = "getPublicStatistics", path = "/v1/public/statistics", tag = "reports",
    params(PublicParams),
    responses((status = 200, body = ScorecardReport),
              (status = 422, body = crate::error::Problem, content_type = PROBLEM)))]
/// The figures the national portal publishes, for citizens and the press, without a login:
/// the QĐ 766 scorecard per agency and for the whole (an agency, a unit of the tree such as
/// a province, or every agency). No personal data: counts and shares only.
pub async fn public_statistics(
    State(state): State<AppState>,
    Query(params): Query<PublicParams>,
) -> Result<Response, ApiError> {
    let asked = reports::public(
        &state.services,
        ReportQuery {
            from: params.from,
            to: params.to,
            agency: params.agency,
            procedure: params.procedure,
            format: None,
            subtree: None,
        },
        params.unit,
    )?;
    let report = scorecard::scorecard(&state.services, &asked).await?;
    Ok(axum::Json(report).into_response())
}

#[utoipa::path(get, operation_id = "listOwedReports", path = "/v1/reports/owed", tag = "reports", security(("bearer" = [])),
    responses((status = 200, body = Vec<motcua_service::owed::Owed>),
              (status = 401, body = crate::error::Problem, content_type = PROBLEM),
              (status = 403, body = crate::error::Problem, content_type = PROBLEM)))]
/// The reports the agency owes around today (the monthly Đề án 06 report, the half-yearly
/// NĐ 45/2020 report), with each period and due date, soonest first.
pub async fn owed_list(
    State(state): State<AppState>,
    Auth(principal): Auth,
) -> Result<Response, ApiError> {
    Ok(axum::Json(owed::list(&state.services, &principal)?).into_response())
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct OwedParams {
    /// `YYYY-MM`: the month (Đề án 06), or the due month `YYYY-06` / `YYYY-12` (NĐ 45).
    period: String,
    /// `csv` (default) or `pdf`.
    format: Option<String>,
    agency: Option<String>,
    subtree: Option<bool>,
}

#[utoipa::path(get, operation_id = "getOwedReport", path = "/v1/reports/owed/{kind}", tag = "reports", security(("bearer" = [])),
    params(("kind" = String, Path, description = "`de-an-06` or `nd-45`"), OwedParams),
    responses((status = 200, description = "the report as CSV or PDF", content((String = "text/csv"), (Vec<u8> = "application/pdf"))),
              (status = 401, body = crate::error::Problem, content_type = PROBLEM),
              (status = 403, body = crate::error::Problem, content_type = PROBLEM),
              (status = 404, body = crate::error::Problem, content_type = PROBLEM),
              (status = 406, body = crate::error::Problem, content_type = PROBLEM),
              (status = 422, body = crate::error::Problem, content_type = PROBLEM)))]
/// One owed report for a period, from the figures of the indicator report for that period.
pub async fn owed_report(
    State(state): State<AppState>,
    Auth(principal): Auth,
    Path(kind): Path<String>,
    Query(params): Query<OwedParams>,
) -> Result<Response, ApiError> {
    let file = owed::document(
        &state.services,
        &principal,
        owed::Asked {
            kind,
            period: params.period,
            format: params.format,
            agency: params.agency,
            subtree: params.subtree,
        },
    )
    .await?;
    let mut response = (StatusCode::OK, file.bytes).into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(file.content_type),
    );
    if let Ok(value) =
        HeaderValue::from_str(&format!("attachment; filename=\"{}\"", file.file_name))
    {
        headers.insert(header::CONTENT_DISPOSITION, value);
    }
    Ok(response)
}

#[utoipa::path(get, operation_id = "getPaymentsReport", path = "/v1/reports/payments", tag = "reports", security(("bearer" = [])),
    params(ReportParams),
    responses((status = 200, body = PaymentReport),
              (status = 401, body = crate::error::Problem, content_type = PROBLEM),
              (status = 403, body = crate::error::Problem, content_type = PROBLEM),
              (status = 422, body = crate::error::Problem, content_type = PROBLEM)))]
/// The online-payment group of QĐ 766: procedures with fees payable online, dossiers owing
/// fees paid online.
pub async fn payments(
    State(state): State<AppState>,
    Auth(principal): Auth,
    Query(params): Query<ReportParams>,
) -> Result<Response, ApiError> {
    let asked = reports::ask(&state.services, &principal, params.into())?;
    let report = reports::payments(&state.services, &asked).await?;
    Ok(axum::Json(report).into_response())
}

/// The monthly report as a CSV download (`motcua_service::report_csv`, the console's too).
fn csv_report(report: &IndicatorReport) -> Result<Response, ApiError> {
    let file = report_csv::monthly(report)?;
    let mut response = (StatusCode::OK, file.bytes).into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/csv; charset=utf-8"),
    );
    if let Ok(value) =
        HeaderValue::from_str(&format!("attachment; filename=\"{}\"", file.file_name))
    {
        headers.insert(header::CONTENT_DISPOSITION, value);
    }
    Ok(response)
}
