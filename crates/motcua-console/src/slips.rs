//! The slips of TT 03/2025 (Mẫu 01–06) as print-ready pages: the agency and the national
//! motto at the top, the slip's title and number, numbered items, signature blocks. The
//! browser prints them (the print stylesheet drops the console's header and buttons). What
//! a slip says is the API's slip use case's; only the layout is the console's.

use crate::dates;
use crate::dossier::dossier_id;
use crate::error::PageError;
use crate::staff::Staff;
use crate::Engine;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Response};
use chrono::DateTime;
use maud::{html, Markup, DOCTYPE};
use motcua_service::slips::{self, SlipList};
use serde_json::Value;

/// The slips issued for a dossier, as links, for the dossier's page.
pub fn list(id: uuid::Uuid, slips: &SlipList) -> Markup {
    html! {
        section aria-labelledby="h-slips" id="slips" {
            h2 id="h-slips" { "Phiếu đã ban hành" }
            @if slips.items.is_empty() {
                p { "Chưa có phiếu nào." }
            } @else {
                ul {
                    @for slip in &slips.items {
                        li {
                            a href=(format!("/console/dossiers/{id}/slips/{}", slip.kind)) data-slip=(slip.kind) {
                                (slip.form) ": " (slip.title)
                            }
                            " — " (dates::date_time(slip.issued_at))
                        }
                    }
                }
            }
        }
    }
}

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

pub async fn page<E: Engine>(
    State(engine): State<E>,
    staff: Staff,
    Path((id, kind)): Path<(String, String)>,
) -> Response {
    let id = match dossier_id(&id, &staff) {
        Ok(id) => id,
        Err(e) => return e.into_response(),
    };
    let slip = match slips::slip(engine.services(), &staff.principal, id, &kind).await {
        Ok(slip) => slip,
        Err(e) => return PageError::service(&e, &staff).into_response(),
    };
    let body = match kind.as_str() {
        "receipt" => receipt(&slip),
        "supplement" => supplement(&slip),
        "refusal" => refusal(&slip),
        "apology" => apology(&slip),
        "control" => control(&slip),
        _ => stop(&slip),
    };
    let signatures = signatures(&kind, &slip);
    let issued = date_line(
        &slip,
        &[
            "/received_at",
            "/requested_at",
            "/refused_at",
            "/issued_at",
            "/at",
        ],
    );
    let title = text(&slip, "/title");
    html! {
        (DOCTYPE)
        html lang="vi" {
            head {
                meta charset="utf-8";
                title { (title) " – " (text(&slip, "/dossier_code")) }
                link rel="stylesheet" href="/console/style.css";
            }
            body class="slip-page" {
                nav class="slip-tools" {
                    a href=(format!("/console/dossiers/{id}")) { "← Về hồ sơ" }
                    " · In phiếu bằng lệnh In của trình duyệt (Ctrl+P)."
                }
                main class="slip" id="main" data-kind=(kind) {
                    div class="slip-head" {
                        div class="slip-agency" {
                            p class="caps" { (text(&slip, "/agency/name")) }
                            p class="caps strong" { "Bộ phận tiếp nhận và trả kết quả" }
                            p { "Số: " (text(&slip, "/dossier_code")) }
                        }
                        div class="slip-motto" {
                            p class="caps strong" { "Cộng hòa xã hội chủ nghĩa Việt Nam" }
                            p class="strong motto" { "Độc lập - Tự do - Hạnh phúc" }
                            p class="date-line" { "……………, " (issued) }
                        }
                    }
                    p class="slip-form" { (text(&slip, "/form")) }
                    h1 class="slip-title" { (title) }
                    p class="slip-code" { "Mã hồ sơ: " strong { (text(&slip, "/dossier_code")) } }
                    (body)
                    (signatures)
                    p class="slip-basis" { "Căn cứ: " (text(&slip, "/legal_basis")) }
                }
            }
        }
    }
    .into_response()
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
            li { "Thời gian giải quyết hồ sơ theo quy định là: " (text(slip, "/time_limit/amount")) " " (crate::words::time_unit(&text(slip, "/time_limit/unit"))) "." }
            li { "Thời gian nhận hồ sơ: " (moment(slip, "/received_at")) "." }
            li { "Thời gian trả kết quả giải quyết hồ sơ: " strong { (moment(slip, "/due_at")) } "." }
            li { "Đăng ký nhận kết quả tại: " (crate::words::vietnamese_half(&text(slip, "/where_to_receive"))) "." }
        }
    }
}

fn list_of(slip: &Value, pointer: &str) -> Vec<String> {
    motcua_service::view::strings_of(slip.pointer(pointer))
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
        p class="note" { (crate::words::vietnamese_half(&text(slip, "/note"))) }
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

fn control(slip: &Value) -> Markup {
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
                        td { (crate::words::action(&text(row, "/action"))) }
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
