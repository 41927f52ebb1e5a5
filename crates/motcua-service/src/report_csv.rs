//! The monthly report as a CSV file: one row per agency × procedure of the indicator
//! report, every indicator's numerator, denominator, ratio and score. The API's
//! `format=csv` and the console's download are this one file, so both hand in the same
//! report.

use crate::reports::IndicatorReport;
use crate::ServiceError;
use motcua_core::indicators::ALL;

/// A CSV file and the name it is saved under.
pub struct CsvFile {
    /// `bao-cao-chi-so-{from}-{to}.csv`: ASCII, fit for a `Content-Disposition` header.
    pub file_name: String,
    /// UTF-8 with a byte-order mark, so that spreadsheet programs show the Vietnamese names
    /// as they are.
    pub bytes: Vec<u8>,
}

/// The monthly report of `report`.
pub fn monthly(report: &IndicatorReport) -> Result<CsvFile, ServiceError> {
    let mut out = csv::Writer::from_writer(Vec::from("\u{feff}".as_bytes()));
    out.write_record(header()).map_err(ServiceError::internal)?;
    let number = |v: Option<f64>| v.map(|v| format!("{v:.4}")).unwrap_or_else(|| "N/A".into());
    let text = |v: &Option<String>| v.clone().unwrap_or_default();
    for row in &report.rows {
        let mut record = vec![
            report.from.to_string(),
            report.to.to_string(),
            text(&row.agency),
            text(&row.agency_name),
            text(&row.procedure),
            text(&row.procedure_name),
            row.dossiers.to_string(),
            row.channels.online.to_string(),
            row.channels.counter.to_string(),
            row.channels.post.to_string(),
        ];
        for i in &row.indicators {
            record.push(i.numerator.to_string());
            record.push(i.denominator.to_string());
            record.push(number(i.ratio));
            record.push(number(i.score));
        }
        record.push(number(row.prefill_coverage));
        out.write_record(&record).map_err(ServiceError::internal)?;
    }
    let bytes = out.into_inner().map_err(ServiceError::internal)?;
    Ok(CsvFile {
        file_name: format!("bao-cao-chi-so-{}-{}.csv", report.from, report.to),
        bytes,
    })
}

/// The columns: the row's agency and procedure, its dossiers by channel, then each
/// indicator's numerator, denominator, ratio and score.
fn header() -> Vec<String> {
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
    header
}
