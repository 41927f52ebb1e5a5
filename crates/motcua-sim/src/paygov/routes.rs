//! The payment stand-in's HTTP side: the partner endpoint, the citizen's payment page and
//! the simulator's own `/_sim/paygov/*` switches.

use super::control::{CallbackMode, PaygovControl, SentCallback};
use super::{mac, DEV_PARTNER_CODE, DEV_SECRET};
use axum::extract::{Form, Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use base64::Engine as _;
use serde::Deserialize;
use serde_json::{json, Value};

#[derive(Clone)]
struct Ctx {
    control: PaygovControl,
    http: reqwest::Client,
}

pub(crate) fn routes(control: PaygovControl) -> Router {
    let http = reqwest::Client::builder()
        .timeout(std::time::Duration::from_secs(10))
        .build()
        .unwrap_or_default();
    Router::new()
        .route("/paygov/api", post(api))
        .route("/paygov/pay/{reference}", get(page).post(settle))
        .route("/_sim/paygov/switches", post(set_switches))
        .route("/_sim/paygov/payments", get(list_payments))
        .with_state(Ctx { control, http })
}

fn text<'a>(body: &'a Value, name: &str) -> &'a str {
    body.get(name).and_then(Value::as_str).unwrap_or_default()
}

/// A signed answer: `fields` are the names, in MAC order, of the answer's fields.
fn signed(mut answer: Value, fields: &[&str]) -> Response {
    let values: Vec<String> = fields.iter().map(|f| text(&answer, f).to_owned()).collect();
    let refs: Vec<&str> = values.iter().map(String::as_str).collect();
    answer["MaXacThuc"] = json!(mac(&refs, DEV_SECRET));
    Json(answer).into_response()
}

/// Whether `body`'s `MaXacThuc` is the MAC of its `fields`.
fn authentic(body: &Value, fields: &[&str]) -> bool {
    let values: Vec<&str> = fields.iter().map(|f| text(body, f)).collect();
    text(body, "MaXacThuc").eq_ignore_ascii_case(&mac(&values, DEV_SECRET))
        && text(body, "MaDoiTac") == DEV_PARTNER_CODE
}

const INIT_FIELDS: [&str; 14] = [
    "LoaiBanTin",
    "PhienBan",
    "MaDoiTac",
    "MaThamChieu",
    "SoTien",
    "LoaiHinhThanhToan",
    "MaKenhThanhToan",
    "MaThietBi",
    "NgonNgu",
    "MaTienTe",
    "MaNganHang",
    "ThongTinGiaoDich",
    "ThoiGianGD",
    "Ip",
];
const QUERY_FIELDS: [&str; 5] = [
    "LoaiBanTin",
    "PhienBan",
    "MaDoiTac",
    "MaThamChieu",
    "ThoiGianGD",
];
const RECEIPT_FIELDS: [&str; 4] = ["LoaiBanTin", "PhienBan", "MaDoiTac", "MaThamChieu"];

/// `POST /paygov/api`: INIT, QUERY or RECEIPT.
async fn api(State(ctx): State<Ctx>, headers: HeaderMap, body: Option<Json<Value>>) -> Response {
    let body = body.map(|Json(b)| b).unwrap_or(Value::Null);
    let reference = text(&body, "MaThamChieu").to_owned();
    match text(&body, "LoaiBanTin") {
        "INIT" => {
            if !authentic(&body, &INIT_FIELDS) {
                return error(&reference, "97", "Sai chữ ký (MaXacThuc)");
            }
            if let Some(code) = ctx.control.init_refusal() {
                return error(&reference, &code, "Giao dịch bị từ chối");
            }
            let amount = text(&body, "SoTien");
            if amount.parse::<u64>().map_or(true, |a| a == 0) || text(&body, "MaTienTe") != "VND" {
                return error(&reference, "03", "Số tiền hoặc loại tiền không hợp lệ");
            }
            ctx.control.take_init(&reference, amount, body.clone());
            let host = headers
                .get("host")
                .and_then(|h| h.to_str().ok())
                .unwrap_or("127.0.0.1");
            signed(
                json!({
                    "MaLoi": "00", "MaThamChieu": reference,
                    "UrlThanhToan": format!("http://{host}/paygov/pay/{reference}"),
                }),
                &["MaLoi", "MaThamChieu", "UrlThanhToan"],
            )
        }
        "QUERY" => {
            if !authentic(&body, &QUERY_FIELDS) {
                return error(&reference, "97", "Sai chữ ký (MaXacThuc)");
            }
            ctx.control.record_query(&reference);
            let Some(payment) = ctx.control.payment(&reference) else {
                return error(&reference, "04", "Không tìm thấy giao dịch");
            };
            let status = match payment.state.as_str() {
                "paid" => "1",
                "failed" => "4",
                _ => "0",
            };
            signed(
                json!({
                    "MaLoi": "00", "MaThamChieu": reference, "TrangThaiGD": status,
                    "SoTien": payment.amount, "MaGiaoDich": payment.transaction,
                    "MaNganHang": if payment.transaction.is_empty() { "" } else { "NCB" },
                }),
                &[
                    "MaLoi",
                    "MaThamChieu",
                    "TrangThaiGD",
                    "SoTien",
                    "MaGiaoDich",
                    "MaNganHang",
                ],
            )
        }
        "RECEIPT" => {
            if !authentic(&body, &RECEIPT_FIELDS) {
                return error(&reference, "97", "Sai chữ ký (MaXacThuc)");
            }
            match ctx.control.payment(&reference) {
                Some(p) if p.state == "paid" => {
                    let pdf = receipt_pdf(&p.reference, &p.amount, &p.transaction);
                    signed(
                        json!({
                            "MaLoi": "00", "MaThamChieu": reference,
                            "BienLai": base64::engine::general_purpose::STANDARD.encode(pdf),
                        }),
                        &["MaLoi", "MaThamChieu", "BienLai"],
                    )
                }
                _ => error(&reference, "05", "Giao dịch chưa được thanh toán"),
            }
        }
        _ => (
            StatusCode::BAD_REQUEST,
            Json(json!({ "MaLoi": "99", "MoTaLoi": "LoaiBanTin không hợp lệ" })),
        )
            .into_response(),
    }
}

fn error(reference: &str, code: &str, description: &str) -> Response {
    signed(
        json!({ "MaLoi": code, "MoTaLoi": description, "MaThamChieu": reference, "BienLai": "" }),
        &["MaLoi", "MaThamChieu", "UrlThanhToan"],
    )
}

/// A minimal one-page PDF naming the payment (the platform's receipt stands in).
fn receipt_pdf(reference: &str, amount: &str, transaction: &str) -> Vec<u8> {
    let line = format!("BIEN LAI THU PHI, LE PHI - {reference} - {amount} VND - {transaction}");
    let stream = format!("BT /F1 10 Tf 40 800 Td ({line}) Tj ET");
    format!(
        "%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n\
         2 0 obj << /Type /Pages /Kids [3 0 R] /Count 1 >> endobj\n\
         3 0 obj << /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R \
         /Resources << /Font << /F1 5 0 R >> >> >> endobj\n\
         4 0 obj << /Length {} >> stream\n{stream}\nendstream endobj\n\
         5 0 obj << /Type /Font /Subtype /Type1 /BaseFont /Helvetica >> endobj\n\
         trailer << /Root 1 0 R >>\n%%EOF\n",
        stream.len()
    )
    .into_bytes()
}

/// `GET /paygov/pay/{reference}`: the page the citizen pays on.
async fn page(State(ctx): State<Ctx>, Path(reference): Path<String>) -> Response {
    let Some(payment) = ctx.control.payment(&reference) else {
        return (StatusCode::NOT_FOUND, "Không tìm thấy giao dịch").into_response();
    };
    let reference = crate::html::escape(&payment.reference);
    Html(format!(
        "<!doctype html><html lang=\"vi\"><meta charset=\"utf-8\"><title>Thanh toán</title>\
         <h1>Thanh toán phí, lệ phí</h1><p>Mã tham chiếu: {reference}</p><p>Số tiền: {} VND</p>\
         <form method=\"post\"><button name=\"outcome\" value=\"paid\">Thanh toán</button>\
         <button name=\"outcome\" value=\"failed\">Hủy</button></form></html>",
        crate::html::escape(&payment.amount)
    ))
    .into_response()
}

#[derive(Deserialize)]
struct Outcome {
    outcome: String,
}

/// `POST /paygov/pay/{reference}` (`outcome=paid|failed`): settles it and sends the
/// callback as the switches say.
async fn settle(
    State(ctx): State<Ctx>,
    Path(reference): Path<String>,
    Form(outcome): Form<Outcome>,
) -> Response {
    let paid = match outcome.outcome.as_str() {
        "paid" => true,
        "failed" => false,
        _ => return (StatusCode::BAD_REQUEST, "outcome=paid|failed").into_response(),
    };
    let Some((url, body)) = ctx.control.settle(&reference, paid) else {
        return (StatusCode::NOT_FOUND, "Không tìm thấy giao dịch").into_response();
    };
    send_callbacks(&ctx, &reference, url, body).await;
    Html(if paid {
        "<!doctype html><p>Giao dịch thành công.</p>"
    } else {
        "<!doctype html><p>Giao dịch không thành công.</p>"
    })
    .into_response()
}

async fn send_callbacks(ctx: &Ctx, reference: &str, url: Option<String>, body: Value) {
    let Some(url) = url else {
        tracing::warn!("no callback URL set: the callback is not sent");
        return;
    };
    let bodies = match ctx.control.mode() {
        CallbackMode::Normal => vec![body],
        CallbackMode::Lose => vec![],
        CallbackMode::Twice => vec![body.clone(), body],
        CallbackMode::Forged => {
            let mut forged = body;
            forged["MaXacThuc"] = json!(mac(&["forged"], "not-the-secret"));
            vec![forged]
        }
    };
    for body in bodies {
        let status = match ctx.http.post(&url).json(&body).send().await {
            Ok(answer) => answer.status().as_u16(),
            Err(_) => 0,
        };
        ctx.control.record_sent(SentCallback {
            reference: reference.to_owned(),
            body,
            status,
        });
    }
}

#[derive(Deserialize)]
struct Switches {
    mode: Option<CallbackMode>,
    callback_url: Option<String>,
}

/// `POST /_sim/paygov/switches {"mode": "normal|lose|twice|forged", "callback_url"}`.
async fn set_switches(State(ctx): State<Ctx>, Json(switches): Json<Switches>) -> Response {
    if let Some(mode) = switches.mode {
        ctx.control.set_mode(mode);
    }
    if let Some(url) = switches.callback_url {
        ctx.control.set_callback_url(&url);
    }
    Json(json!({ "mode": ctx.control.mode() })).into_response()
}

async fn list_payments(State(ctx): State<Ctx>) -> Response {
    Json(json!({ "payments": ctx.control.payments(), "callbacks": ctx.control.callbacks() }))
        .into_response()
}

impl PaygovControl {
    /// Settles `reference` at the platform as a bank would later (paid or failed), and sends
    /// the callback by the current mode to `callback_url` if set. Whether it was known.
    pub async fn settle_later(&self, reference: &str, paid: bool) -> bool {
        let Some((url, body)) = self.settle(reference, paid) else {
            return false;
        };
        let ctx = Ctx {
            control: self.clone(),
            http: reqwest::Client::new(),
        };
        send_callbacks(&ctx, reference, url, body).await;
        true
    }
}
