//! The reports page (báo cáo): the Quyết định 766 indicators per agency × procedure for a
//! period, the digitisation ratio by month against its target (an SVG chart), the on-time
//! rate, the agency's overdue dossiers, and the monthly report as CSV. Every figure is the
//! API's report use cases' (`motcua_service::reports`, the CSV `report_csv`), asked with
//! the session's principal: supervisors read any agency, other staff their own, as the
//! API's reports allow.

mod chart;

use crate::dates;
use crate::error::{explain, status_of, PageError};
use crate::page::{self, Who};
use crate::staff::Staff;
use crate::{words, Engine};
use axum::extract::{Query, State};
use axum::http::header::{CONTENT_DISPOSITION, CONTENT_TYPE};
use axum::http::{HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Datelike, Months, NaiveDate, Utc};
use maud::{html, Markup};
use motcua_core::indicators::{Id, Indicator};
use motcua_core::procedure::Role;
use motcua_service::dossier_reads::{self, ListQuery};
use motcua_service::reports::{self, Asked, IndicatorReport, IndicatorRow, ReportQuery};
use motcua_service::view::DossierView;
use motcua_service::{report_csv, ServiceError, Services};
use serde::Deserialize;
use serde_json::Value;
use std::collections::BTreeMap;

/// The chart shows at most this many months (the period's last ones).
const MAX_MONTHS: usize = 24;

/// How many overdue dossiers the page lists.
const OVERDUE_LISTED: i64 = 50;

/// The period and scope as the page's form sends them: dates `dd/mm/yyyy`.
#[derive(Debug, Default, Deserialize)]
pub struct ReportForm {
    from: Option<String>,
    to: Option<String>,
    agency: Option<String>,
    procedure: Option<String>,
}

fn filled(value: &Option<String>) -> Option<String> {
    value
        .as_deref()
        .map(str::trim)
        .filter(|v| !v.is_empty())
        .map(str::to_owned)
}

/// A date typed `dd/mm/yyyy` as the use case takes it (`YYYY-MM-DD`); anything else as it
/// is, for the use case to refuse at its field.
fn iso_date(value: &Option<String>) -> Option<String> {
    filled(value).map(|v| {
        motcua_web::schema_form::parse_date(&v).map_or(v, |d| d.format("%Y-%m-%d").to_string())
    })
}

impl ReportForm {
    fn query(&self) -> ReportQuery {
        ReportQuery {
            from: iso_date(&self.from),
            to: iso_date(&self.to),
            agency: filled(&self.agency),
            procedure: filled(&self.procedure),
            format: None,
            subtree: None,
        }
    }
}

pub async fn page<E: Engine>(
    State(engine): State<E>,
    staff: Staff,
    Query(form): Query<ReportForm>,
) -> Response {
    let services = engine.services();
    let query = form.query();
    let asked = match reports::ask(services, &staff.principal, query.clone()) {
        Ok(asked) => asked,
        Err(error) => return render(&engine, &staff, &form, Err(&error)),
    };
    match gather(&engine, &staff, &query, &asked).await {
        Ok(figures) => render(&engine, &staff, &form, Ok(&figures)),
        Err(error) => PageError::service(&error, &staff).into_response(),
    }
}

/// Everything the page shows for a period.
struct Figures {
    asked: Asked,
    /// The scope as asked (the CSV link asks the same).
    query: ReportQuery,
    indicators: IndicatorReport,
    timeliness: Value,
    months: Vec<chart::Month>,
    /// Months left out of the chart (a period longer than [`MAX_MONTHS`]).
    months_left_out: usize,
    target: f64,
    overdue: Vec<DossierView>,
    /// More overdue dossiers than listed.
    more_overdue: bool,
    now: DateTime<Utc>,
}

async fn gather<E: Engine>(
    engine: &E,
    staff: &Staff,
    query: &ReportQuery,
    asked: &Asked,
) -> Result<Figures, ServiceError> {
    let services = engine.services();
    let indicators = reports::indicators_report(services, asked).await?;
    let timeliness = serde_json::to_value(reports::timeliness(services, asked).await?)
        .map_err(ServiceError::internal)?;
    let (months, months_left_out) = by_month(services, staff, query, asked).await?;
    let overdue = dossier_reads::list(
        services,
        &staff.principal,
        ListQuery {
            limit: OVERDUE_LISTED,
            after: None,
            state: None,
            procedure: query.procedure.as_deref(),
            overdue: true,
            held_by_me: false,
        },
    )
    .await?;
    Ok(Figures {
        asked: asked.clone(),
        query: query.clone(),
        indicators,
        timeliness,
        months,
        months_left_out,
        target: services.digitisation_target,
        more_overdue: overdue.more_after.is_some(),
        now: services.clock.now(),
        overdue: overdue.items,
    })
}

/// The digitisation report of each month of the period (its first and last months cut to
/// the period), the last [`MAX_MONTHS`] of them.
async fn by_month(
    services: &Services,
    staff: &Staff,
    query: &ReportQuery,
    asked: &Asked,
) -> Result<(Vec<chart::Month>, usize), ServiceError> {
    let mut starts = Vec::new();
    let mut month = asked.from().with_day(1).unwrap_or(asked.from());
    while month <= asked.to() {
        starts.push(month);
        month = match month.checked_add_months(Months::new(1)) {
            Some(next) => next,
            None => break,
        };
    }
    let left_out = starts.len().saturating_sub(MAX_MONTHS);
    let mut months = Vec::new();
    for start in starts.into_iter().skip(left_out) {
        let end = start
            .checked_add_months(Months::new(1))
            .and_then(|n| n.pred_opt())
            .unwrap_or(start);
        let (from, to) = (start.max(asked.from()), end.min(asked.to()));
        let month_query = ReportQuery {
            from: Some(from.format("%Y-%m-%d").to_string()),
            to: Some(to.format("%Y-%m-%d").to_string()),
            ..query.clone()
        };
        let month_asked = reports::ask(services, &staff.principal, month_query)?;
        let report = serde_json::to_value(reports::digitisation(services, &month_asked).await?)
            .map_err(ServiceError::internal)?;
        months.push(chart::Month {
            label: start.format("%m/%Y").to_string(),
            dossiers: report["dossiers"].as_i64().unwrap_or(0),
            digitised: report["digitised"].as_i64().unwrap_or(0),
            ratio: report["ratio"].as_f64(),
        });
    }
    Ok((months, left_out))
}

/// The agencies and procedures the form offers, by id, with their names.
fn names<E: Engine>(engine: &E) -> (BTreeMap<String, String>, BTreeMap<String, String>) {
    let mut agencies = BTreeMap::new();
    let mut procedures = BTreeMap::new();
    for p in engine.services().catalog.current_all() {
        procedures.insert(p.code().to_owned(), p.spec().name.vi.clone());
        for a in &p.spec().agencies {
            agencies.insert(a.id.clone(), a.name.clone());
        }
    }
    (agencies, procedures)
}

fn render<E: Engine>(
    engine: &E,
    staff: &Staff,
    form: &ReportForm,
    figures: Result<&Figures, &ServiceError>,
) -> Response {
    let status = match figures {
        Ok(_) => StatusCode::OK,
        Err(e) => status_of(e.code),
    };
    let body = html! {
        @if let Err(error) = figures {
            div class="error-summary" role="alert" id="refusal" {
                h2 { "Không lập được báo cáo" }
                p { (problem_message(error)) }
            }
        }
        (period_form(engine, staff, form, figures.err()))
        @if let Ok(figures) = figures {
            (report(figures))
        }
    };
    (
        status,
        page::layout("Báo cáo chỉ số", Some(&Who::of(staff)), body),
    )
        .into_response()
}

/// A refusal of the report's parameters, in Vietnamese.
fn problem_message(error: &ServiceError) -> String {
    match error.errors.first().map(|p| p.pointer.as_str()) {
        Some("/from" | "/to") if error.errors[0].message.contains("ends before") => {
            "Ngày kết thúc phải sau hoặc trùng ngày bắt đầu.".to_owned()
        }
        Some("/to") if error.errors[0].message.contains("five years") => {
            "Kỳ báo cáo dài tối đa 5 năm.".to_owned()
        }
        Some("/from" | "/to") => "Nhập ngày theo dạng dd/mm/yyyy, ví dụ 01/11/2026.".to_owned(),
        _ => explain(error),
    }
}

/// The problem of the form's field `pointer`, if it is the refused one.
fn problem_at(error: Option<&ServiceError>, pointer: &str) -> Option<String> {
    let error = error?;
    error
        .errors
        .iter()
        .any(|p| p.pointer == pointer)
        .then(|| problem_message(error))
}

fn period_form<E: Engine>(
    engine: &E,
    staff: &Staff,
    form: &ReportForm,
    error: Option<&ServiceError>,
) -> Markup {
    let supervisor = staff.principal.holds(Role::Supervisor);
    let (agencies, procedures) = names(engine);
    let now = engine
        .services()
        .clock
        .now()
        .with_timezone(&motcua_core::calendar::vietnam_offset())
        .date_naive();
    let first = now.with_day(1).unwrap_or(now);
    let shown = |value: &Option<String>, default: NaiveDate| {
        filled(value).unwrap_or_else(|| default.format("%d/%m/%Y").to_string())
    };
    let chosen_agency = filled(&form.agency).unwrap_or_default();
    let chosen_procedure = filled(&form.procedure).unwrap_or_default();
    html! {
        form method="get" action="/console/reports" id="form-period" class="action" novalidate {
            h2 { "Kỳ báo cáo" }
            div class="row" {
                div {
                    label for="from" { "Từ ngày" }
                    (crate::counter::field_error(problem_at(error, "/from").as_deref(), "from-error"))
                    input type="text" id="from" name="from" placeholder="dd/mm/yyyy" autocomplete="off"
                        value=(shown(&form.from, first));
                }
                div {
                    label for="to" { "Đến ngày" }
                    (crate::counter::field_error(problem_at(error, "/to").as_deref(), "to-error"))
                    input type="text" id="to" name="to" placeholder="dd/mm/yyyy" autocomplete="off"
                        value=(shown(&form.to, now));
                }
                div {
                    label for="agency" { "Cơ quan" }
                    @if supervisor {
                        select id="agency" name="agency" {
                            option value="" { "Tất cả cơ quan" }
                            @for (id, name) in &agencies {
                                option value=(id) selected[*id == chosen_agency] { (name) " (" (id) ")" }
                            }
                        }
                    } @else {
                        select id="agency" name="agency" {
                            option value=(staff.session.agency) {
                                (agencies.get(&staff.session.agency).map_or(staff.session.agency.as_str(), String::as_str))
                            }
                        }
                    }
                }
                div {
                    label for="procedure" { "Thủ tục" }
                    select id="procedure" name="procedure" {
                        option value="" { "Tất cả thủ tục" }
                        @for (code, name) in &procedures {
                            option value=(code) selected[*code == chosen_procedure] { (code) " – " (name) }
                        }
                    }
                }
            }
            button type="submit" { "Xem báo cáo" }
        }
    }
}

fn indicator_name(id: Id) -> &'static str {
    match id {
        Id::OnTime => "Giải quyết đúng hạn",
        Id::Online => "Nộp trực tuyến",
        Id::ElectronicResult => "Kết quả điện tử",
        Id::Digitisation => "Số hoá hồ sơ",
        Id::Reuse => "Tái sử dụng dữ liệu",
        Id::FromStore => "Dùng kho dữ liệu công dân",
        Id::RegisterUsed => "Khai thác CSDL dân cư, VNeID",
    }
}

fn report(f: &Figures) -> Markup {
    let mut csv_query = url::form_urlencoded::Serializer::new(String::new());
    csv_query
        .append_pair("from", &f.asked.from().format("%Y-%m-%d").to_string())
        .append_pair("to", &f.asked.to().format("%Y-%m-%d").to_string());
    if let Some(agency) = &f.query.agency {
        csv_query.append_pair("agency", agency);
    }
    if let Some(procedure) = &f.query.procedure {
        csv_query.append_pair("procedure", procedure);
    }
    let csv_query = csv_query.finish();
    html! {
        p id="period" {
            "Kỳ báo cáo: từ " strong { (f.asked.from().format("%d/%m/%Y")) }
            " đến " strong { (f.asked.to().format("%d/%m/%Y")) } "."
        }
        section aria-labelledby="h-indicators" id="indicators" {
            h2 id="h-indicators" { "Chỉ số theo Quyết định 766/QĐ-TTg" }
            (indicator_table(&f.indicators))
            p {
                a class="button secondary" id="csv" href=(format!("/console/reports/indicators.csv?{csv_query}"))
                    download { "Tải báo cáo tháng (CSV)" }
            }
        }
        section aria-labelledby="h-digitisation" id="digitisation" {
            h2 id="h-digitisation" { "Số hoá hồ sơ theo tháng" }
            @if f.months_left_out > 0 {
                p class="muted" { "Biểu đồ chỉ gồm " (MAX_MONTHS) " tháng cuối của kỳ báo cáo." }
            }
            (chart::digitisation(&f.months, f.target))
        }
        section aria-labelledby="h-timeliness" id="timeliness" {
            h2 id="h-timeliness" { "Giải quyết đúng hạn" }
            (timeliness_table(&f.timeliness))
        }
        section aria-labelledby="h-overdue" id="overdue" {
            h2 id="h-overdue" { "Hồ sơ đang quá hạn của cơ quan" }
            (overdue_table(&f.overdue, f.more_overdue, f.now))
        }
    }
}

fn indicator_cell(i: &Indicator) -> Markup {
    html! {
        td class="num" data-indicator=(i.id.code()) {
            @match i.ratio {
                Some(r) => {
                    (chart::percent(r))
                    br;
                    span class="muted" { (i.numerator) "/" (i.denominator) }
                    @match i.meets_target {
                        Some(true) => { br; span class="ok" { "Đạt" } },
                        Some(false) => { br; strong class="late" { "Chưa đạt" } },
                        None => {},
                    }
                },
                None => span class="muted" { "—" },
            }
        }
    }
}

fn indicator_row(row: &IndicatorRow, total: bool) -> Markup {
    html! {
        tr class=[total.then_some("total")] {
            @if total {
                th scope="row" colspan="2" { "Tổng cộng" }
            } @else {
                th scope="row" { (row.agency_name.as_deref().or(row.agency.as_deref()).unwrap_or("—")) }
                td { (row.procedure_name.as_deref().unwrap_or("")) br; span class="muted" { (row.procedure.as_deref().unwrap_or("")) } }
            }
            td class="num" { (row.dossiers) }
            @for i in &row.indicators { (indicator_cell(i)) }
        }
    }
}

fn indicator_table(report: &IndicatorReport) -> Markup {
    html! {
        // Wider than the page at times: a region the keyboard can scroll.
        div class="scroll" role="region" aria-labelledby="h-indicators" tabindex="0" {
            table class="compact" id="indicator-table" {
                thead { tr {
                    th scope="col" { "Cơ quan" }
                    th scope="col" { "Thủ tục" }
                    th scope="col" class="num" { "Số hồ sơ" }
                    @for i in &report.totals.indicators {
                        th scope="col" class="num" { (i.id.code()) br; span class="small" { (indicator_name(i.id)) } }
                    }
                } }
                tbody {
                    @for row in &report.rows { (indicator_row(row, false)) }
                    @if report.rows.is_empty() {
                        tr { td colspan="10" { "Không có hồ sơ trong kỳ báo cáo." } }
                    }
                }
                tfoot { (indicator_row(&report.totals, true)) }
            }
        }
    }
}

fn timeliness_table(report: &Value) -> Markup {
    let rows = report["rows"]
        .as_array()
        .map(Vec::as_slice)
        .unwrap_or_default();
    let number = |row: &Value, key: &str| row[key].as_i64().unwrap_or(0);
    let rate = |row: &Value| {
        row["on_time_rate"]
            .as_f64()
            .map_or("—".to_owned(), chart::percent)
    };
    html! {
        table class="compact" id="timeliness-table" {
            thead { tr {
                th scope="col" { "Cơ quan" }
                th scope="col" { "Thủ tục" }
                th scope="col" class="num" { "Đã tiếp nhận" }
                th scope="col" class="num" { "Đã giải quyết" }
                th scope="col" class="num" { "Đúng hạn" }
                th scope="col" class="num" { "Trễ hạn" }
                th scope="col" class="num" { "Đang giải quyết" }
                th scope="col" class="num" { "Đang quá hạn" }
                th scope="col" class="num" { "Tỷ lệ đúng hạn" }
            } }
            tbody {
                @for row in rows {
                    tr {
                        th scope="row" { (row["agency"].as_str().unwrap_or("—")) }
                        td { (row["procedure"].as_str().unwrap_or("—")) }
                        td class="num" { (number(row, "received")) }
                        td class="num" { (number(row, "finished")) }
                        td class="num" { (number(row, "finished_on_time")) }
                        td class="num" { (number(row, "finished_late")) }
                        td class="num" { (number(row, "in_progress")) }
                        td class="num" { (number(row, "in_progress_overdue")) }
                        td class="num" { (rate(row)) }
                    }
                }
            }
            tfoot {
                @let t = &report["totals"];
                tr class="total" {
                    th scope="row" colspan="2" { "Tổng cộng" }
                    td class="num" { (number(t, "received")) }
                    td class="num" { (number(t, "finished")) }
                    td class="num" { (number(t, "finished_on_time")) }
                    td class="num" { (number(t, "finished_late")) }
                    td class="num" { (number(t, "in_progress")) }
                    td class="num" { (number(t, "in_progress_overdue")) }
                    td class="num" id="on-time-rate" { strong { (rate(t)) } }
                }
            }
        }
    }
}

fn overdue_table(items: &[DossierView], more: bool, now: DateTime<Utc>) -> Markup {
    html! {
        @if items.is_empty() {
            p id="overdue-none" { "Không có hồ sơ nào đang quá hạn." }
        } @else {
            table class="compact" id="overdue-table" {
                thead { tr {
                    th scope="col" { "Mã hồ sơ" }
                    th scope="col" { "Thủ tục" }
                    th scope="col" { "Trạng thái" }
                    th scope="col" { "Cán bộ đang xử lý" }
                    th scope="col" { "Hạn trả kết quả" }
                } }
                tbody {
                    @for d in items {
                        tr class="overdue" {
                            td { a href=(format!("/console/dossiers/{}", d.id)) { (d.code.as_deref().unwrap_or("(chưa có mã)")) } }
                            td { (d.procedure.code) }
                            td { (words::state(&d.state)) }
                            td { (d.assigned_to.as_deref().unwrap_or("Chưa có người nhận")) }
                            td {
                                @if let Some(due) = d.due_at {
                                    (dates::date_time(due))
                                    @if due.with_timezone(&Utc) < now { " " strong class="late" { "(quá hạn)" } }
                                } @else { "—" }
                            }
                        }
                    }
                }
            }
            @if more {
                p class="muted" { "Chỉ liệt kê " (OVERDUE_LISTED) " hồ sơ quá hạn mới nhất." }
            }
        }
    }
}

/// The monthly report as CSV: the API's (`report_csv`), for the period and scope asked.
pub async fn csv<E: Engine>(
    State(engine): State<E>,
    staff: Staff,
    Query(form): Query<ReportForm>,
) -> Response {
    let services = engine.services();
    let built = async {
        let asked = reports::ask(services, &staff.principal, form.query())?;
        let report = reports::indicators_report(services, &asked).await?;
        report_csv::monthly(&report)
    }
    .await;
    let file = match built {
        Ok(file) => file,
        Err(e) => return PageError::service(&e, &staff).into_response(),
    };
    let mut response = (StatusCode::OK, file.bytes).into_response();
    let headers = response.headers_mut();
    headers.insert(
        CONTENT_TYPE,
        HeaderValue::from_static("text/csv; charset=utf-8"),
    );
    if let Ok(value) =
        HeaderValue::from_str(&format!("attachment; filename=\"{}\"", file.file_name))
    {
        headers.insert(CONTENT_DISPOSITION, value);
    }
    response
}
