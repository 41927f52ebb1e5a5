//! A procedure's page (`/portal/thu-tuc/{code}`): what a citizen reads before starting —
//! what it is for, who may apply, the fees, the time limit, the documents needed, how to
//! file, the legal basis — all from `procedure_info::ProcedureInfo`, and whether it takes
//! dossiers now.

use crate::citizen::{Citizen, Visitor};
use crate::error::PageError;
use crate::lang::t;
use crate::page::{self, Who};
use crate::words;
use crate::Engine;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Response};
use maud::{html, Markup};
use motcua_service::procedure_info::{self, DocumentNeeded, ProcedureInfo, Window};
use motcua_web::csrf;
use motcua_web::dates::date_time;
use uuid::Uuid;

pub async fn page<E: Engine>(
    State(engine): State<E>,
    Visitor(citizen): Visitor,
    Path(code): Path<String>,
) -> Response {
    let info = match procedure_info::get(engine.services(), &code) {
        Ok(info) => info,
        Err(e) => return PageError::service(&e, citizen.as_ref()).into_response(),
    };
    let who = citizen.as_ref().map(Who::of);
    let main = html! {
        @if engine.portal().development { (crate::dev::banner(std::slice::from_ref(&info))) }
        (start(&info, citizen.as_ref()))
        (body(&info))
    };
    page::layout(&info.name, who.as_ref(), main).into_response()
}

/// "Nộp hồ sơ trực tuyến": for a logged-in citizen a form (its token, and a key so that a
/// double click opens one draft); otherwise the way to log in first. Nothing while the
/// procedure takes no dossiers or none online.
fn start(p: &ProcedureInfo, citizen: Option<&Citizen>) -> Markup {
    let online = p.channels.iter().any(|c| c == "online");
    html! {
        @if online && p.window.is_open() {
            div class="start" id="start" {
                @match citizen {
                    Some(citizen) => form method="post" action=(format!("/portal/thu-tuc/{}/bat-dau", p.code)) {
                        input type="hidden" name=(csrf::FIELD) value=(citizen.csrf.as_str());
                        input type="hidden" name="key" value=(Uuid::now_v7());
                        button type="submit" id="start-button" class="start-button" { (t("Nộp hồ sơ trực tuyến", "Apply online")) }
                        p class="hint" { (t("Thông tin của bạn trong Cơ sở dữ liệu quốc gia về dân cư được điền sẵn; bạn có thể lưu và quay lại sau.", "Your data in the national population register is filled in for you; you can save and come back later.")) }
                    },
                    None => a class="button start-button" id="start-login"
                        href=(format!("/portal/dang-nhap?tiep=/portal/thu-tuc/{}", p.code)) { (t("Đăng nhập để nộp hồ sơ trực tuyến", "Log in to apply online")) },
                }
            }
        }
    }
}

fn body(p: &ProcedureInfo) -> Markup {
    html! {
        @if let Some(window) = window_text(&p.window) {
            p class=(if p.window.is_open() { "notice" } else { "warning" }) id="window" { (window) }
        }
        @if let Some(summary) = &p.summary {
            p class="lead" id="summary" { (summary) }
        }
        @if !p.who_may_apply.is_empty() {
            section aria-labelledby="h-who" id="who-may-apply" {
                h2 id="h-who" { (t("Ai được nộp hồ sơ", "Who may apply")) }
                ul { @for line in &p.who_may_apply { li { (line) } } }
            }
        }
        section aria-labelledby="h-facts" {
            h2 id="h-facts" { (t("Thông tin chính", "Key facts")) }
            dl class="facts" id="facts" {
                dt { (t("Mã thủ tục", "Procedure code")) } dd { (p.code) }
                @if let Some(field) = &p.field { dt { (t("Lĩnh vực", "Field")) } dd { (field) } }
                dt { (t("Cơ quan giải quyết", "Agency")) }
                dd { @for (i, (_, name)) in p.agencies.iter().enumerate() { @if i > 0 { "; " } (name) } }
                dt { (t("Thời hạn giải quyết", "Time limit")) }
                dd id="time-limit" {
                    (time_limit(p).unwrap_or_else(|| t("Không quy định", "None set").to_owned()))
                    @if let Some((amount, unit, when)) = &p.extension {
                        br;
                        span class="muted" { (t("Có thể gia hạn thêm ", "May be extended by ")) (amount) " " (words::unit(unit)) (t(" khi: ", " when: ")) (when) }
                    }
                }
                dt { (t("Phí, lệ phí", "Fees and charges")) }
                dd id="fees" {
                    @if p.fees.is_empty() { (t("Không mất phí", "Free of charge")) }
                    @for fee in &p.fees {
                        @if let Some(name) = &fee.name { (name) } @else { (words::fee(&fee.kind)) }
                        ": " (words::money(fee.amount_vnd))
                        @if let Some(note) = &fee.note { " (" (note) ")" }
                        br;
                        span class="muted" { (words::fee_due(&fee.due)) }
                        @for reason in &fee.exempt {
                            br;
                            span class="muted" { (t("Miễn: ", "Exempt: ")) (reason) }
                        }
                        br;
                    }
                }
                @if let Some(result) = &p.result { dt { (t("Kết quả", "Result")) } dd { (result) } }
                dt { (t("Tài khoản cần có", "Account needed")) }
                dd { (t("Tài khoản định danh điện tử VNeID mức ", "VNeID electronic identity account, level ")) (p.assurance_level) }
            }
        }
        section aria-labelledby="h-documents" id="documents" {
            h2 id="h-documents" { (t("Giấy tờ cần có", "Documents needed")) }
            @if p.documents.is_empty() {
                p { (t("Không cần nộp giấy tờ: thông tin của bạn được lấy từ Cơ sở dữ liệu quốc gia về dân cư.", "No documents needed: your data is taken from the national population register.")) }
            } @else {
                ul class="documents" { @for d in &p.documents { (document(d)) } }
            }
        }
        section aria-labelledby="h-channels" {
            h2 id="h-channels" { (t("Cách nộp hồ sơ", "How to apply")) }
            ul id="channels" { @for c in &p.channels { li { (words::channel(c)) } } }
        }
        @if !p.legal_basis.is_empty() {
            section aria-labelledby="h-basis" {
                h2 id="h-basis" { (t("Căn cứ pháp lý", "Legal basis")) }
                ul id="legal-basis" { @for line in &p.legal_basis { li { (line) } } }
            }
        }
        p { a href="/portal/" { (t("← Về danh mục thủ tục", "← Back to the procedures")) } }
    }
}

fn document(d: &DocumentNeeded) -> Markup {
    let when = if d.fallback {
        t(
            "Chỉ khi CSDL dân cư không có thông tin của bạn",
            "Only when the population register has no data of yours",
        )
    } else if d.required_when.is_some() {
        t(
            "Chỉ trong một số trường hợp, tuỳ câu trả lời trong tờ khai",
            "Only in some cases, depending on your answers in the form",
        )
    } else if d.required {
        t("Bắt buộc", "Required")
    } else {
        t("Không bắt buộc", "Optional")
    };
    let types: Vec<&str> = d.accept.iter().map(|t| words::file_type(t)).collect();
    html! {
        li {
            span class="doc-name" { (d.name) }
            " " span class=(if d.required && d.required_when.is_none() && !d.fallback { "tag required" } else { "tag" }) { (when) }
            @if let Some(purpose) = &d.purpose { p class="hint" { (purpose) } }
            @if !types.is_empty() {
                p class="hint" { (t("Tệp ", "Files: ")) (types.join(", ")) (t(", tối đa ", ", at most ")) (words::size(d.max_bytes)) "." }
            }
        }
    }
}

/// "1 ngày làm việc".
pub fn time_limit(p: &ProcedureInfo) -> Option<String> {
    p.time_limit
        .as_ref()
        .map(|(amount, unit)| format!("{amount} {}", words::unit(unit)))
}

/// When a procedure takes dossiers, unless all year.
pub fn window_text(window: &Window) -> Option<String> {
    match window {
        Window::Always => None,
        Window::OpenUntil(until) => Some(format!(
            "{} {}.",
            t("Đang nhận hồ sơ đến", "Taking applications until"),
            date_time(*until)
        )),
        Window::Opens { from, until } => Some(format!(
            "{} {} {} {}.",
            t(
                "Chưa nhận hồ sơ. Mở nhận hồ sơ từ",
                "Not taking applications yet. Open from"
            ),
            date_time(*from),
            t("đến", "to"),
            date_time(*until)
        )),
        Window::Ended { from, until } => Some(format!(
            "{} {} {} {}{}",
            t(
                "Chưa nhận hồ sơ: đợt gần nhất từ",
                "Not taking applications: the last round, from"
            ),
            date_time(*from),
            t("đến", "to"),
            date_time(*until),
            t(
                " đã kết thúc; thời gian đợt tiếp theo sẽ được cơ quan công bố.",
                ", has ended; the agency will announce the next round."
            )
        )),
    }
}
