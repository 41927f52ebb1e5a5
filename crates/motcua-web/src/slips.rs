//! The slips of TT 03/2025 (Mẫu 01–06) laid out as print-ready A4 pages, for the console
//! (a clerk prints them) and the portal (a citizen reads, prints or saves them): the agency
//! and the national motto at the top, the slip's title and number, numbered items,
//! signature blocks. The browser prints them ([`SLIP_CSS`]'s print rules drop everything
//! but the slip). What a slip says is the slip use case's (`motcua_service::slips`); only
//! the layout is here.

use crate::dates;
use chrono::DateTime;
use maud::{html, Markup};
use serde_json::Value;

/// The slips' rules: an A4 page, serif as the forms are typeset, and for print nothing but
/// the slip. Each set of pages serves them after the base stylesheet.
pub const SLIP_CSS: &str = include_str!("slip.css");

/// Text at a JSON pointer of the slip, or a dotted line to fill in by hand.
fn text(slip: &Value, pointer: &str) -> String {
    match slip.pointer(pointer) {
        Some(Value::String(s)) if !s.is_empty() => s.clone(),
        Some(Value::Number(n)) => n.to_string(),
        _ => "…………………………".to_owned(),
    }
}

/// `HH giờ MM phút, ngày dd/mm/yyyy`, as the forms write a moment.
fn moment(slip: &Value, pointer: &str) -> String {
    slip.pointer(pointer)
        .and_then(Value::as_str)
        .and_then(|t| DateTime::parse_from_rfc3339(t).ok())
        .map(|t| {
            t.with_timezone(&motcua_core::calendar::vietnam_offset())
                .format("%H giờ %M phút, ngày %d/%m/%Y")
                .to_string()
        })
        .unwrap_or_else(|| "…… giờ …… phút, ngày ……/……/………".to_owned())
}

/// `ngày dd tháng mm năm yyyy`, the date line under the motto.
fn date_line(slip: &Value, pointers: &[&str]) -> String {
    pointers
        .iter()
        .find_map(|p| slip.pointer(p).and_then(Value::as_str))
        .and_then(|t| DateTime::parse_from_rfc3339(t).ok())
        .map(|t| {
            t.with_timezone(&motcua_core::calendar::vietnam_offset())
                .format("ngày %d tháng %m năm %Y")
                .to_string()
        })
        .unwrap_or_else(|| "ngày …… tháng …… năm ………".to_owned())
}

/// The slip of `kind` (the slip use case's answer, `motcua_service::slips::slip`) as the
/// A4 page's content (`main.slip`, with the print rules of [`SLIP_CSS`]): the agency and
/// the national motto, the form's number and title, its items, the signature blocks.
/// `action` names a step of the control slip (Mẫu 06) in the pages' words. The slip is an
/// official form: its words are Vietnamese whatever the page's language.
pub fn document(slip: &Value, kind: &str, action: fn(&str) -> &str) -> Markup {
    let body = match kind {
        "receipt" => receipt(slip),
        "supplement" => supplement(slip),
        "refusal" => refusal(slip),
        "apology" => apology(slip),
        "control" => control(slip, action),
        _ => stop(slip),
    };
    let issued = date_line(
        slip,
        &[
            "/received_at",
            "/requested_at",
            "/refused_at",
            "/issued_at",
            "/at",
        ],
    );
    html! {
        main class="slip" id="main" lang="vi" data-kind=(kind) {
            div class="slip-head" {
                div class="slip-agency" {
                    p class="caps" { (text(slip, "/agency/name")) }
                    p class="caps strong" { "Bộ phận tiếp nhận và trả kết quả" }
                    p { "Số: " (text(slip, "/dossier_code")) }
                }
                div class="slip-motto" {
                    p class="caps strong" { "Cộng hòa xã hội chủ nghĩa Việt Nam" }
                    p class="strong motto" { "Độc lập - Tự do - Hạnh phúc" }
                    p class="date-line" { "……………, " (issued) }
                }
            }
            p class="slip-form" { (text(slip, "/form")) }
            h1 class="slip-title" { (text(slip, "/title")) }
            p class="slip-code" { "Mã hồ sơ: " strong { (text(slip, "/dossier_code")) } }
            (body)
            (signatures(kind, slip))
            p class="slip-basis" { "Căn cứ: " (text(slip, "/legal_basis")) }
        }
    }
}

/// The slip's title and code, for the page's `<title>`.
pub fn title(slip: &Value) -> String {
    format!("{} – {}", text(slip, "/title"), text(slip, "/dossier_code"))
}

/// Who the slip is for, as every form opens.
fn applicant(slip: &Value) -> Markup {
    html! {
        p { "Ông/Bà: " strong { (text(slip, "/applicant/full_name")) } }
        p { "Số định danh cá nhân: " (text(slip, "/applicant/pin")) }
        p { "Địa chỉ: " (text(slip, "/applicant/address")) }
        p { "Số điện thoại: " (text(slip, "/applicant/phone")) " · Thư điện tử: " (text(slip, "/applicant/email")) }
        p { "Nội dung yêu cầu giải quyết: " (text(slip, "/procedure/name")) }
    }
}

fn receipt(slip: &Value) -> Markup {
    let documents = slip
        .pointer("/documents")
        .and_then(Value::as_array)
        .map(Vec::as_slice)
        .unwrap_or_default();
    html! {
        p { (text(slip, "/agency/name")) " tiếp nhận hồ sơ của:" }
        (applicant(slip))
        ol class="slip-items" {
            li {
                "Thành phần hồ sơ nộp gồm:"
                @if documents.is_empty() {
                    " tờ khai điện tử."
                } @else {
                    ol class="slip-documents" {
                        @for doc in documents { li { (text(doc, "/name")) } }
                    }
                }
            }
            li { "Số lượng hồ sơ: 01 bộ." }
            li { "Thời gian giải quyết hồ sơ theo quy định là: " (text(slip, "/time_limit/amount")) " " (time_unit(&text(slip, "/time_limit/unit"))) "." }
            li { "Thời gian nhận hồ sơ: " (moment(slip, "/received_at")) "." }
            li { "Thời gian trả kết quả giải quyết hồ sơ: " strong { (moment(slip, "/due_at")) } "." }
            li { "Đăng ký nhận kết quả tại: " (vietnamese_half(&text(slip, "/where_to_receive"))) "." }
        }
    }
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

/// A time limit's unit, as a procedure file names it.
fn time_unit(unit: &str) -> &str {
    match unit {
        "working_hours" => "giờ làm việc",
        "working_days" => "ngày làm việc",
        "days" => "ngày",
        "months" => "tháng",
        other => other,
    }
}

/// The Vietnamese half of the engine's bilingual texts (`"tiếng Việt / English"`).
fn vietnamese_half(text: &str) -> &str {
    text.split_once(" / ").map_or(text, |(vi, _)| vi)
}

fn supplement(slip: &Value) -> Markup {
    html! {
        p { (text(slip, "/agency/name")) " tiếp nhận hồ sơ của:" }
        (applicant(slip))
        p { "Sau khi xem xét, đề nghị Ông/Bà bổ sung, hoàn thiện hồ sơ gồm những nội dung sau:" }
        ol class="slip-items" {
            @for item in list_of(slip, "/items") { li { (item) } }
        }
        p { "Lý do: " (text(slip, "/reason")) }
        p class="note" { (vietnamese_half(&text(slip, "/note"))) }
        p { "Thời điểm yêu cầu: " (moment(slip, "/requested_at")) "." }
    }
}

fn refusal(slip: &Value) -> Markup {
    html! {
        p { (text(slip, "/agency/name")) " tiếp nhận hồ sơ của:" }
        (applicant(slip))
        p { "Sau khi xem xét, căn cứ quy định hiện hành, cơ quan từ chối tiếp nhận, giải quyết hồ sơ này với lý do:" }
        p class="reason" { (text(slip, "/reasons")) }
        p { "Thời điểm: " (moment(slip, "/refused_at")) "." }
        p { "Xin thông báo để Ông/Bà được biết và thực hiện." }
    }
}

fn apology(slip: &Value) -> Markup {
    html! {
        p { (text(slip, "/agency/name")) " tiếp nhận hồ sơ của:" }
        (applicant(slip))
        ol class="slip-items" {
            li { "Thời gian hẹn trả kết quả giải quyết hồ sơ trước đây: " (moment(slip, "/previous_due_at")) "." }
            li { "Lý do chậm trả kết quả: " (text(slip, "/reason")) }
            li { "Thời gian hẹn trả kết quả lần sau: " strong { (moment(slip, "/new_due_at")) } "." }
        }
        p { "Cơ quan xin lỗi Ông/Bà vì sự chậm trễ này và hẹn trả kết quả vào thời gian nêu trên." }
    }
}

fn stop(slip: &Value) -> Markup {
    html! {
        (applicant(slip))
        p { "Cơ quan thông báo dừng giải quyết hồ sơ nêu trên." }
        p { "Lý do: " (text(slip, "/reason")) }
        p { "Thời điểm: " (moment(slip, "/at")) "." }
    }
}

fn control(slip: &Value, action: fn(&str) -> &str) -> Markup {
    let rows = slip
        .pointer("/handovers")
        .and_then(Value::as_array)
        .map(Vec::as_slice)
        .unwrap_or_default();
    html! {
        (applicant(slip))
        table class="slip-table" {
            thead { tr {
                th scope="col" { "TT" }
                th scope="col" { "Thời điểm" }
                th scope="col" { "Bước" }
                th scope="col" { "Người thực hiện" }
                th scope="col" { "Hạn của bước" }
                th scope="col" { "Kết quả" }
            } }
            tbody {
                @for (i, row) in rows.iter().enumerate() {
                    tr {
                        td { (i + 1) }
                        td { (dates::date_time_text(&text(row, "/at"))) }
                        td { (action(&text(row, "/action"))) }
                        td { (text(row, "/by")) }
                        td { (row.pointer("/step_due_at").and_then(Value::as_str).map(dates::date_time_text).unwrap_or_default()) }
                        td { (timing(row.pointer("/timing").and_then(Value::as_str))) }
                    }
                }
            }
        }
    }
}

fn timing(timing: Option<&str>) -> &'static str {
    match timing {
        Some("early") => "Trước hạn",
        Some("on_time") => "Đúng hạn",
        Some("late") => "Quá hạn",
        _ => "",
    }
}

/// The signature blocks: who signs on each side of the slip.
fn signatures(kind: &str, slip: &Value) -> Markup {
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
    html! {
        div class="signatures" {
            div class="signature" {
                @if !left.is_empty() {
                    p class="caps strong" { (left) }
                    p class="hint" { "(Ký và ghi rõ họ tên)" }
                }
            }
            div class="signature" {
                p class="caps strong" { (right) }
                p class="hint" { "(Ký và ghi rõ họ tên)" }
                p class="signer" { (signer) }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn the_receipt_is_laid_out_with_its_facts_and_blanks_to_fill_by_hand() {
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
        let page = document(&slip, "receipt", |a| a).into_string();
        assert!(page.contains("Giấy tiếp nhận hồ sơ và hẹn trả kết quả"));
        assert!(page.contains("G01.123-261207-0001"));
        assert!(page.contains("1 ngày làm việc"));
        assert!(page.contains("09 giờ 30 phút, ngày 07/12/2026"));
        assert!(page.contains("Bộ phận Một cửa.") && !page.contains("one-stop desk"));
        // Not given: a dotted line to fill in by hand.
        assert!(page.contains("Số định danh cá nhân: …………………………"));
        assert_eq!(vietnamese_half("chỉ tiếng Việt"), "chỉ tiếng Việt");
    }
}
