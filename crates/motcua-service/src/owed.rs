//! The reports agencies owe (docs/INDICATORS.md, "Reports owed"): the monthly Đề án 06 report
//! and the half-yearly Nghị định 45/2020 report, each for a period, from the same figures as
//! the indicator report for that period (`reports::indicators_report`), as CSV (here) or PDF
//! (`report_pdf`), with Vietnamese headers; and their due dates, shown to the supervisor ahead
//! of time.
//!
//! Periods and due dates (the choices are in docs/INDICATORS.md):
//! - Đề án 06: a calendar month; due on day `MOTCUA_DEAN06_DUE_DAY` (default 22, some
//!   provinces 10) of the month after.
//! - NĐ 45/2020: six months, December to May and June to November; due on day
//!   `MOTCUA_ND45_DUE_DAY` (default 5, provincial plans 15) of June and of December.

use crate::reports::{self, IndicatorReport, IndicatorRow, ReportQuery};
use crate::time::in_vietnam;
use crate::{Code, FieldProblem, Said, ServiceError, Services};
use chrono::{Datelike, Months, NaiveDate};
use motcua_core::indicators::Id;
use motcua_core::principal::Principal;
use serde::Serialize;
use utoipa::ToSchema;

/// The two reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
pub enum Kind {
    /// Báo cáo tháng Đề án 06.
    #[serde(rename = "de-an-06")]
    DeAn06,
    /// Báo cáo 6 tháng theo Nghị định 45/2020/NĐ-CP.
    #[serde(rename = "nd-45")]
    Nd45,
}

impl Kind {
    pub fn parse(s: &str) -> Option<Kind> {
        match s {
            "de-an-06" => Some(Kind::DeAn06),
            "nd-45" => Some(Kind::Nd45),
            _ => None,
        }
    }

    pub fn code(self) -> &'static str {
        match self {
            Kind::DeAn06 => "de-an-06",
            Kind::Nd45 => "nd-45",
        }
    }

    pub fn title(self) -> &'static str {
        match self {
            Kind::DeAn06 => "Báo cáo tháng kết quả thực hiện Đề án 06",
            Kind::Nd45 => "Báo cáo 6 tháng thực hiện thủ tục hành chính trên môi trường điện tử (Nghị định 45/2020/NĐ-CP)",
        }
    }

    /// The columns after the agency's code and name: header, and the figure of a row.
    pub fn columns(self) -> &'static [(&'static str, Column)] {
        match self {
            Kind::DeAn06 => &[
                ("Tổng số hồ sơ", Column::Dossiers),
                ("Hồ sơ trực tuyến", Column::Online),
                (
                    "Hồ sơ sử dụng CSDL dân cư, VNeID",
                    Column::Num(Id::RegisterUsed),
                ),
                (
                    "Tỷ lệ sử dụng CSDL dân cư, VNeID",
                    Column::Ratio(Id::RegisterUsed),
                ),
                ("Hồ sơ tái sử dụng dữ liệu số hóa", Column::Num(Id::Reuse)),
                (
                    "Hồ sơ có kết quả điện tử",
                    Column::Num(Id::ElectronicResult),
                ),
            ],
            Kind::Nd45 => &[
                ("Tổng số hồ sơ", Column::Dossiers),
                ("Hồ sơ tiếp nhận", Column::Den(Id::Online)),
                (
                    "Hồ sơ trực tuyến (có kết quả điện tử)",
                    Column::Num(Id::Online),
                ),
                ("Hồ sơ số hóa", Column::Num(Id::Digitisation)),
                ("Tỷ lệ số hóa hồ sơ", Column::Ratio(Id::Digitisation)),
                (
                    "Hồ sơ có kết quả điện tử",
                    Column::Num(Id::ElectronicResult),
                ),
                ("Hồ sơ tái sử dụng dữ liệu số hóa", Column::Num(Id::Reuse)),
                (
                    "Hồ sơ kết nối Kho dữ liệu cá nhân",
                    Column::Num(Id::FromStore),
                ),
            ],
        }
    }
}

/// A figure of a row.
#[derive(Debug, Clone, Copy)]
pub enum Column {
    Dossiers,
    Online,
    Num(Id),
    Den(Id),
    Ratio(Id),
}

impl Column {
    fn of(self, row: &IndicatorRow) -> String {
        let indicator = |id: Id| row.indicators.iter().find(|i| i.id == id);
        match self {
            Column::Dossiers => row.dossiers.to_string(),
            Column::Online => row.channels.online.to_string(),
            Column::Num(id) => indicator(id).map_or(0, |i| i.numerator).to_string(),
            Column::Den(id) => indicator(id).map_or(0, |i| i.denominator).to_string(),
            Column::Ratio(id) => indicator(id)
                .and_then(|i| i.ratio)
                .map_or_else(String::new, |r| format!("{:.4}", r)),
        }
    }
}

/// When the reports fall due (from the configuration).
#[derive(Debug, Clone, Copy)]
pub struct DueDays {
    pub de_an_06: u32,
    pub nd_45: u32,
}

impl Default for DueDays {
    fn default() -> Self {
        DueDays {
            de_an_06: 22,
            nd_45: 5,
        }
    }
}

/// One report owed: its period and due date.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Owed {
    pub kind: Kind,
    pub title: &'static str,
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub due_on: NaiveDate,
    /// Days from today to the due date (negative: past it).
    pub days_left: i64,
    /// `period` for `GET /v1/reports/owed/{kind}`.
    pub period: String,
}

fn day_of(year: i32, month: u32, day: u32) -> Option<NaiveDate> {
    let first = NaiveDate::from_ymd_opt(year, month, 1)?;
    let last = first.checked_add_months(Months::new(1))?.pred_opt()?;
    Some(first.with_day(day.min(last.day())).unwrap_or(last))
}

/// The period a `period` names: `YYYY-MM` for Đề án 06 (that month); `YYYY-06` or
/// `YYYY-12` for NĐ 45 (the six months before the due month: December to May, June to
/// November).
pub fn period(kind: Kind, period: &str) -> Option<(NaiveDate, NaiveDate)> {
    let month = NaiveDate::parse_from_str(&format!("{period}-01"), "%Y-%m-%d").ok()?;
    if !(1900..=9999).contains(&month.year()) {
        return None;
    }
    match kind {
        Kind::DeAn06 => Some((month, month.checked_add_months(Months::new(1))?.pred_opt()?)),
        Kind::Nd45 if month.month() == 6 || month.month() == 12 => {
            Some((month.checked_sub_months(Months::new(6))?, month.pred_opt()?))
        }
        Kind::Nd45 => None,
    }
}

/// The reports owed around `today`: for each kind, the last period's (due soon or just
/// past) and the one after.
pub fn owed(today: NaiveDate, due: DueDays) -> Vec<Owed> {
    let mut all = Vec::new();
    let this_month = today.with_day(1).unwrap_or(today);
    // Đề án 06: last month's report, due this month; this month's, due next month.
    for back in [1u32, 0] {
        let Some(month) = this_month.checked_sub_months(Months::new(back)) else {
            continue;
        };
        let Some(next) = month.checked_add_months(Months::new(1)) else {
            continue;
        };
        let Some(due_on) = day_of(next.year(), next.month(), due.de_an_06) else {
            continue;
        };
        let Some(to) = next.pred_opt() else { continue };
        all.push(Owed {
            kind: Kind::DeAn06,
            title: Kind::DeAn06.title(),
            from: month,
            to,
            due_on,
            days_left: (due_on - today).num_days(),
            period: month.format("%Y-%m").to_string(),
        });
    }
    // NĐ 45: the next two due months (June, December) from the last one on or after today
    // less half a year.
    let year = today.year();
    let mut candidates: Vec<(i32, u32)> =
        vec![(year - 1, 12), (year, 6), (year, 12), (year + 1, 6)];
    candidates.retain(|(y, m)| {
        day_of(*y, *m, due.nd_45).is_some_and(|d| d + chrono::Duration::days(31) >= today)
    });
    for (y, m) in candidates.into_iter().take(2) {
        let name = format!("{y:04}-{m:02}");
        let (Some((from, to)), Some(due_on)) = (period(Kind::Nd45, &name), day_of(y, m, due.nd_45))
        else {
            continue;
        };
        all.push(Owed {
            kind: Kind::Nd45,
            title: Kind::Nd45.title(),
            from,
            to,
            due_on,
            days_left: (due_on - today).num_days(),
            period: name,
        });
    }
    all.sort_by_key(|o| o.due_on);
    all
}

/// The report's table: headers and rows (one per agency × procedure, the totals last), as the
/// indicator report of its period has them.
pub fn table(kind: Kind, report: &IndicatorReport) -> (Vec<String>, Vec<Vec<String>>) {
    let mut headers = vec![
        "Từ ngày".to_owned(),
        "Đến ngày".to_owned(),
        "Mã cơ quan".to_owned(),
        "Tên cơ quan".to_owned(),
        "Mã TTHC".to_owned(),
        "Tên thủ tục hành chính".to_owned(),
    ];
    headers.extend(kind.columns().iter().map(|(h, _)| (*h).to_owned()));
    let from = report.from.format("%d/%m/%Y").to_string();
    let to = report.to.format("%d/%m/%Y").to_string();
    let mut rows: Vec<Vec<String>> = report
        .rows
        .iter()
        .map(|row| {
            let mut cells = vec![
                from.clone(),
                to.clone(),
                row.agency.clone().unwrap_or_default(),
                row.agency_name.clone().unwrap_or_default(),
                row.procedure.clone().unwrap_or_default(),
                row.procedure_name.clone().unwrap_or_default(),
            ];
            cells.extend(kind.columns().iter().map(|(_, c)| c.of(row)));
            cells
        })
        .collect();
    let mut total = vec![
        from,
        to,
        String::new(),
        "Tổng cộng".to_owned(),
        String::new(),
        String::new(),
    ];
    total.extend(kind.columns().iter().map(|(_, c)| c.of(&report.totals)));
    rows.push(total);
    (headers, rows)
}

/// The report as CSV (UTF-8 with a byte-order mark, for spreadsheets).
pub fn csv(kind: Kind, report: &IndicatorReport) -> Result<Vec<u8>, ServiceError> {
    let (headers, rows) = table(kind, report);
    let mut out = csv::Writer::from_writer(vec![0xEF, 0xBB, 0xBF]);
    out.write_record(&headers).map_err(ServiceError::internal)?;
    for row in rows {
        out.write_record(&row).map_err(ServiceError::internal)?;
    }
    out.into_inner().map_err(ServiceError::internal)
}

/// The reports owed around today, for staff (the supervisor hands them in).
pub fn list(services: &Services, principal: &Principal) -> Result<Vec<Owed>, ServiceError> {
    if !matches!(principal, Principal::Staff { .. }) {
        return Err(ServiceError::new(
            Code::StaffOnly,
            "reports are for supervisors and the staff of an agency",
        ));
    }
    let today = in_vietnam(services.clock.now()).date_naive();
    Ok(owed(today, services.owed_due))
}

/// What is asked: the report, its period, the format (`csv` or `pdf`), and the scope as in
/// every report.
#[derive(Debug, Clone)]
pub struct Asked {
    pub kind: String,
    pub period: String,
    pub format: Option<String>,
    pub agency: Option<String>,
    pub subtree: Option<bool>,
}

/// A document and the name it is saved under.
pub struct File {
    pub file_name: String,
    pub content_type: &'static str,
    pub bytes: Vec<u8>,
}

fn refused(pointer: &str, message: &str, label: &str, vietnamese: &str) -> ServiceError {
    ServiceError::validation(
        "the report asked is not valid",
        vec![FieldProblem::new(pointer, message).said(Said::new(label, vietnamese))],
    )
}

/// The report for the period, from the indicator report of that period and scope (the
/// figures `GET /v1/reports/indicators?from=…&to=…` gives).
pub async fn document(
    services: &Services,
    principal: &Principal,
    asked: Asked,
) -> Result<File, ServiceError> {
    let kind = Kind::parse(&asked.kind)
        .ok_or_else(|| ServiceError::new(Code::NotFound, "no such report: de-an-06 or nd-45"))?;
    let (from, to) = period(kind, &asked.period).ok_or_else(|| {
        refused(
            "/period",
            "YYYY-MM (Đề án 06), YYYY-06 or YYYY-12 (NĐ 45)",
            "Kỳ báo cáo",
            "Nhập kỳ dạng YYYY-MM; báo cáo NĐ 45 là tháng 06 hoặc 12.",
        )
    })?;
    let pdf = match asked.format.as_deref() {
        None | Some("csv") => false,
        Some("pdf") => true,
        Some(_) => {
            return Err(refused(
                "/format",
                "csv or pdf",
                "Định dạng",
                "Chọn csv hoặc pdf.",
            ))
        }
    };
    let scope = reports::ask(
        services,
        principal,
        ReportQuery {
            from: Some(from.to_string()),
            to: Some(to.to_string()),
            agency: asked.agency,
            procedure: None,
            format: None,
            subtree: asked.subtree,
        },
    )?;
    let report = reports::indicators_report(services, &scope).await?;
    let name = format!("bao-cao-{}-{}", kind.code(), asked.period);
    if !pdf {
        return Ok(File {
            file_name: format!("{name}.csv"),
            content_type: "text/csv; charset=utf-8",
            bytes: csv(kind, &report)?,
        });
    }
    let Some(font) = &services.report_font else {
        return Err(ServiceError::new(
            Code::NotAcceptable,
            "no font is configured for PDF reports (MOTCUA_REPORT_FONT); ask for CSV",
        ));
    };
    let (headers, rows) = table(kind, &report);
    let due_on = owed(from, services.owed_due)
        .into_iter()
        .find(|o| o.kind == kind && o.from == from)
        .map(|o| o.due_on);
    let mut subtitle = vec![format!(
        "Kỳ báo cáo: từ ngày {} đến ngày {}",
        from.format("%d/%m/%Y"),
        to.format("%d/%m/%Y")
    )];
    if let Some(due) = due_on {
        subtitle.push(format!("Hạn nộp: {}", due.format("%d/%m/%Y")));
    }
    Ok(File {
        file_name: format!("{name}.pdf"),
        content_type: "application/pdf",
        bytes: crate::report_pdf::table(font, kind.title(), &subtitle, &headers, &rows)?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn periods_and_due_dates() {
        assert_eq!(
            period(Kind::DeAn06, "2026-11"),
            Some((d("2026-11-01"), d("2026-11-30")))
        );
        assert_eq!(
            period(Kind::Nd45, "2026-12"),
            Some((d("2026-06-01"), d("2026-11-30")))
        );
        assert_eq!(
            period(Kind::Nd45, "2026-06"),
            Some((d("2025-12-01"), d("2026-05-31")))
        );
        assert_eq!(period(Kind::Nd45, "2026-07"), None);
        assert_eq!(period(Kind::DeAn06, "2026-13"), None);
        let owed = owed(d("2026-12-07"), DueDays::default());
        let due: Vec<(Kind, NaiveDate)> = owed.iter().map(|o| (o.kind, o.due_on)).collect();
        assert_eq!(
            due,
            [
                (Kind::Nd45, d("2026-12-05")),
                (Kind::DeAn06, d("2026-12-22")),
                (Kind::DeAn06, d("2027-01-22")),
                (Kind::Nd45, d("2027-06-05")),
            ]
        );
        assert_eq!(owed[1].period, "2026-11");
        assert_eq!(owed[1].days_left, 15);
    }
}
