//! The figures agencies are judged by (Quyết định 766; docs/DOMAIN.md, "The scored indicators"):
//! `GET /v1/reports/digitisation`, `/timeliness` and `/indicators` (`motcua_service::reports`);
//! `format=csv` is the monthly report a supervisor hands in, rendered here.

use crate::error::ApiError;
use crate::extract::{Auth, Query};
use crate::state::AppState;
use axum::extract::State;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use motcua_service::report_csv;
use motcua_service::reports::{
    self, DigitisationReport, IndicatorReport, PaymentReport, ReportQuery, TimelinessReport,
};
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
}

impl From<ReportParams> for ReportQuery {
    fn from(p: ReportParams) -> Self {
        ReportQuery {
            from: p.from,
            to: p.to,
            agency: p.agency,
            procedure: p.procedure,
            format: p.format,
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
