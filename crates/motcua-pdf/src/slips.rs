//! The slips of TT 03/2025 (Mẫu 01–06) as [`Sheet`]s: the same words as their HTML pages
//! (`motcua_web::slips`), from the slip use case's answer (`motcua_service::slips::slip`).

use crate::sheet::{Para, Sheet};
use chrono::DateTime;
use serde_json::Value;

fn text(slip: &Value, pointer: &str) -> String {
    match slip.pointer(pointer) {
        Some(Value::String(s)) if !s.is_empty() => s.clone(),
        Some(Value::Number(n)) => n.to_string(),
        _ => "…………………………".to_owned(),
    }
}

fn moment(slip: &Value, pointer: &str) -> String {
    slip.pointer(pointer)
        .and_then(Value::as_str)
        .and_then(|t| DateTime::parse_from_rfc3339(t).ok())
        .map(|t| {
            t.with_timezone(&vietnam())
                .format("%H giờ %M phút, ngày %d/%m/%Y")
                .to_string()
        })
        .unwrap_or_else(|| "…… giờ …… phút, ngày ……/……/………".to_owned())
}

fn vietnam() -> chrono::FixedOffset {
    motcua_core::calendar::vietnam_offset()
}

/// `ngày dd tháng mm năm yyyy` of the first of `pointers` that holds a moment.
pub fn date_line(slip: &Value, pointers: &[&str]) -> String {
    pointers
        .iter()
        .find_map(|p| slip.pointer(p).and_then(Value::as_str))
        .and_then(|t| DateTime::parse_from_rfc3339(t).ok())
        .map(|t| {
            t.with_timezone(&vietnam())
                .format("ngày %d tháng %m năm %Y")
                .to_string()
        })
        .unwrap_or_else(|| "ngày …… tháng …… năm ………".to_owned())
}

fn time_unit(unit: &str) -> &str {
    match unit {
        "working_hours" => "giờ làm việc",
        "working_days" => "ngày làm việc",
        "days" => "ngày",
        "months" => "tháng",
        other => other,
    }
}

fn vietnamese_half(text: &str) -> &str {
    text.split_once(" / ").map_or(text, |(vi, _)| vi)
}

fn applicant(slip: &Value) -> Vec<Para> {
    vec![
        Para::bold(format!("Ông/Bà: {}", text(slip, "/applicant/full_name"))),
        Para::text(format!(
            "Số định danh cá nhân: {}",
            text(slip, "/applicant/pin")
        )),
        Para::text(format!("Địa chỉ: {}", text(slip, "/applicant/address"))),
        Para::text(format!(
            "Số điện thoại: {} · Thư điện tử: {}",
            text(slip, "/applicant/phone"),
            text(slip, "/applicant/email")
        )),
        Para::text(format!(
            "Nội dung yêu cầu giải quyết: {}",
            text(slip, "/procedure/name")
        )),
    ]
}

fn list_of(slip: &Value, pointer: &str) -> Vec<String> {
    slip.pointer(pointer)
        .and_then(Value::as_array)
        .map(|items| {
            items
                .iter()
                .filter_map(Value::as_str)
                .map(str::to_owned)
                .collect()
        })
        .unwrap_or_default()
}

/// The slip of `kind` as a page; `action` names a step of the control slip (Mẫu 06).
pub fn sheet(slip: &Value, kind: &str) -> Sheet {
    let agency = text(slip, "/agency/name");
    let mut body = Vec::new();
    match kind {
        "receipt" => {
            body.push(Para::text(format!("{agency} tiếp nhận hồ sơ của:")));
            body.extend(applicant(slip));
            let documents: Vec<String> = slip
                .pointer("/documents")
                .and_then(Value::as_array)
                .map(|d| d.iter().map(|doc| text(doc, "/name")).collect())
                .unwrap_or_default();
            if documents.is_empty() {
                body.push(Para::text("1. Thành phần hồ sơ nộp gồm: tờ khai điện tử."));
            } else {
                body.push(Para::text("1. Thành phần hồ sơ nộp gồm:"));
                for (i, doc) in documents.iter().enumerate() {
                    body.push(Para::item(format!("{}) {doc}", i + 1)));
                }
            }
            body.push(Para::text("2. Số lượng hồ sơ: 01 bộ."));
            body.push(Para::text(format!(
                "3. Thời gian giải quyết hồ sơ theo quy định là: {} {}.",
                text(slip, "/time_limit/amount"),
                time_unit(&text(slip, "/time_limit/unit"))
            )));
            body.push(Para::text(format!(
                "4. Thời gian nhận hồ sơ: {}.",
                moment(slip, "/received_at")
            )));
            body.push(Para::bold(format!(
                "5. Thời gian trả kết quả giải quyết hồ sơ: {}.",
                moment(slip, "/due_at")
            )));
            body.push(Para::text(format!(
                "6. Đăng ký nhận kết quả tại: {}.",
                vietnamese_half(&text(slip, "/where_to_receive"))
            )));
        }
        "supplement" => {
            body.push(Para::text(format!("{agency} tiếp nhận hồ sơ của:")));
            body.extend(applicant(slip));
            body.push(Para::text(
                "Sau khi xem xét, đề nghị Ông/Bà bổ sung, hoàn thiện hồ sơ gồm những nội dung sau:",
            ));
            for (i, item) in list_of(slip, "/items").iter().enumerate() {
                body.push(Para::item(format!("{}. {item}", i + 1)));
            }
            body.push(Para::text(format!("Lý do: {}", text(slip, "/reason"))));
            body.push(Para::text(vietnamese_half(&text(slip, "/note")).to_owned()));
            body.push(Para::text(format!(
                "Thời điểm yêu cầu: {}.",
                moment(slip, "/requested_at")
            )));
        }
        "refusal" => {
            body.push(Para::text(format!("{agency} tiếp nhận hồ sơ của:")));
            body.extend(applicant(slip));
            body.push(Para::text("Sau khi xem xét, căn cứ quy định hiện hành, cơ quan từ chối tiếp nhận, giải quyết hồ sơ này với lý do:"));
            body.push(Para::item(text(slip, "/reasons")));
            body.push(Para::text(format!(
                "Thời điểm: {}.",
                moment(slip, "/refused_at")
            )));
            body.push(Para::text(
                "Xin thông báo để Ông/Bà được biết và thực hiện.",
            ));
        }
        "apology" => {
            body.push(Para::text(format!("{agency} tiếp nhận hồ sơ của:")));
            body.extend(applicant(slip));
            body.push(Para::text(format!(
                "1. Thời gian hẹn trả kết quả giải quyết hồ sơ trước đây: {}.",
                moment(slip, "/previous_due_at")
            )));
            body.push(Para::text(format!(
                "2. Lý do chậm trả kết quả: {}",
                text(slip, "/reason")
            )));
            body.push(Para::bold(format!(
                "3. Thời gian hẹn trả kết quả lần sau: {}.",
                moment(slip, "/new_due_at")
            )));
            body.push(Para::text("Cơ quan xin lỗi Ông/Bà vì sự chậm trễ này và hẹn trả kết quả vào thời gian nêu trên."));
        }
        "control" => {
            body.extend(applicant(slip));
            let rows = slip
                .pointer("/handovers")
                .and_then(Value::as_array)
                .cloned()
                .unwrap_or_default();
            for (i, row) in rows.iter().enumerate() {
                body.push(Para::item(format!(
                    "{}. {} — {} — {}",
                    i + 1,
                    text(row, "/at"),
                    text(row, "/action"),
                    text(row, "/by")
                )));
            }
        }
        _ => {
            body.extend(applicant(slip));
            body.push(Para::text(
                "Cơ quan thông báo dừng giải quyết hồ sơ nêu trên.",
            ));
            body.push(Para::text(format!("Lý do: {}", text(slip, "/reason"))));
            body.push(Para::text(format!("Thời điểm: {}.", moment(slip, "/at"))));
        }
    }
    let hint = "(Ký và ghi rõ họ tên)".to_owned();
    let (left, right, signer) = match kind {
        "receipt" => (
            "Người nộp hồ sơ",
            "Người tiếp nhận hồ sơ",
            text(slip, "/received_by"),
        ),
        "supplement" => (
            "Người nộp hồ sơ",
            "Người hướng dẫn",
            text(slip, "/requested_by"),
        ),
        "refusal" => (
            "Người nộp hồ sơ",
            "Người tiếp nhận hồ sơ",
            text(slip, "/refused_by"),
        ),
        "apology" => ("", "Thủ trưởng cơ quan", text(slip, "/issued_by")),
        "control" => ("Người nhận kết quả", "Bộ phận trả kết quả", String::new()),
        _ => ("", "Thủ trưởng cơ quan", text(slip, "/by")),
    };
    let code = text(slip, "/dossier_code");
    Sheet {
        agency: agency.clone(),
        unit: "Bộ phận tiếp nhận và trả kết quả".into(),
        number: format!("Số: {code}"),
        date_line: format!(
            "……………, {}",
            date_line(
                slip,
                &[
                    "/received_at",
                    "/requested_at",
                    "/refused_at",
                    "/issued_at",
                    "/at"
                ]
            )
        ),
        form: text(slip, "/form"),
        title: text(slip, "/title"),
        subtitle: format!("Mã hồ sơ: {code}"),
        body,
        left_signature: (!left.is_empty()).then(|| (left.to_owned(), hint.clone(), String::new())),
        right_signature: Some((right.to_owned(), hint, signer)),
        basis: format!("Căn cứ: {}", text(slip, "/legal_basis")),
        qr: Some((code.clone(), format!("Mã hồ sơ: {code}"))),
        meta_title: format!("{} – {code}", text(slip, "/title")),
        created: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn the_receipt_says_what_its_html_page_says_with_blanks_to_fill_by_hand() {
        let slip = json!({
            "form": "Mẫu số 01",
            "title": "Giấy tiếp nhận hồ sơ và hẹn trả kết quả",
            "dossier_code": "G01.123-261207-0001",
            "agency": { "name": "Sở Giáo dục và Đào tạo Hà Nội" },
            "applicant": { "full_name": "Nguyễn Đức Minh" },
            "time_limit": { "amount": 1, "unit": "working_days" },
            "received_at": "2026-12-07T09:30:00+07:00",
            "where_to_receive": "Bộ phận Một cửa / the one-stop desk",
        });
        let sheet = sheet(&slip, "receipt");
        let body: Vec<&str> = sheet.body.iter().map(|p| p.text.as_str()).collect();
        assert!(body.contains(&"Ông/Bà: Nguyễn Đức Minh"));
        assert!(body.contains(&"3. Thời gian giải quyết hồ sơ theo quy định là: 1 ngày làm việc."));
        assert!(body.contains(&"4. Thời gian nhận hồ sơ: 09 giờ 30 phút, ngày 07/12/2026."));
        assert!(body.contains(&"6. Đăng ký nhận kết quả tại: Bộ phận Một cửa."));
        assert!(body.contains(&"Số định danh cá nhân: …………………………"));
        assert_eq!(sheet.date_line, "……………, ngày 07 tháng 12 năm 2026");
        assert_eq!(
            sheet.qr.as_ref().map(|(payload, _)| payload.as_str()),
            Some("G01.123-261207-0001")
        );
        assert!(sheet.left_signature.is_some());
    }

    #[test]
    fn an_apology_has_no_applicant_signature_block() {
        let sheet = sheet(&json!({ "issued_by": "Thủ trưởng" }), "apology");
        assert!(sheet.left_signature.is_none());
        assert_eq!(
            sheet.right_signature.map(|(role, _, name)| (role, name)),
            Some(("Thủ trưởng cơ quan".to_owned(), "Thủ trưởng".to_owned()))
        );
    }
}
