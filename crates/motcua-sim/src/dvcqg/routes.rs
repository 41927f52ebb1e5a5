//! The stand-in's HTTP side: the adapter's login and service endpoints, and the
//! simulator's own `/_sim/dvcqg/*` switches.

use super::control::{DvcqgCall, DvcqgControl, HANG};
use super::shape::{check_ho_so, check_tien_do, check_trang_thai};
use super::{DEV_AGENCY_CODE, DEV_PASSWORD, DEV_USERNAME};
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use chrono::Utc;
use rand::RngCore;
use serde::Deserialize;
use serde_json::{json, Value};
use std::time::Duration;

pub(crate) fn routes(control: DvcqgControl) -> Router {
    Router::new()
        .route("/dvcqg/login", post(login))
        .route("/dvcqg/api", post(service))
        .route("/_sim/dvcqg/calls", get(list_calls))
        .route(
            "/_sim/dvcqg/switches",
            get(show_switches).post(set_switches),
        )
        .route("/_sim/dvcqg/reset", post(reset))
        .with_state(control)
}

fn reply(status: StatusCode, code: &str, message: &str) -> Response {
    (
        status,
        Json(json!({ "error_code": code, "message": message })),
    )
        .into_response()
}

fn down() -> Response {
    reply(
        StatusCode::SERVICE_UNAVAILABLE,
        "-1",
        "Hệ thống đang bảo trì (service unavailable)",
    )
}

/// `POST /dvcqg/login {"username", "password"}`.
async fn login(State(control): State<DvcqgControl>, body: Option<Json<Value>>) -> Response {
    if control.switches().outage {
        return down();
    }
    let body = body.map(|Json(b)| b).unwrap_or(Value::Null);
    let field = |name: &str| body.get(name).and_then(Value::as_str).unwrap_or_default();
    if field("username") != DEV_USERNAME || field("password") != DEV_PASSWORD {
        return reply(
            StatusCode::OK,
            "-1",
            "Sai tên đăng nhập hoặc mật khẩu (wrong username or password)",
        );
    }
    let mut bytes = [0u8; 16];
    rand::thread_rng().fill_bytes(&mut bytes);
    let token: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    control.new_session(token.clone());
    Json(json!({ "error_code": "0", "message": "Thành công", "session": token })).into_response()
}

/// `POST /dvcqg/api`.
async fn service(
    State(control): State<DvcqgControl>,
    headers: HeaderMap,
    body: Option<Json<Value>>,
) -> Response {
    let switches = control.switches();
    if switches.outage {
        return down();
    }
    if switches.hang {
        let mut released = control.released();
        let _ = tokio::time::timeout(HANG, released.changed()).await;
        return down();
    }
    let body = body.map(|Json(b)| b).unwrap_or(Value::Null);
    let text = |name: &str| body.get(name).and_then(Value::as_str).map(str::to_owned);
    if !text("session").is_some_and(|s| control.session_valid(&s)) {
        return reply(
            StatusCode::UNAUTHORIZED,
            "-1",
            "Phiên làm việc không hợp lệ hoặc đã hết hạn (session invalid or expired)",
        );
    }
    let key = headers
        .get("idempotency-key")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let service = text("service").unwrap_or_default();
    // The catalogue is read, not written: answered at once, not recorded.
    if service == "LayDanhSachTTHC" {
        return Json(json!({
            "error_code": "0",
            "message": "Thành công",
            "result": control.catalogue(),
        }))
        .into_response();
    }
    let data = body
        .get("data")
        .and_then(Value::as_array)
        .and_then(|items| items.first())
        .cloned()
        .unwrap_or(Value::Null);
    let updating = match body.get("isUpdating").and_then(Value::as_str) {
        Some("True") => Some(true),
        Some("False") => Some(false),
        _ => None,
    };
    let mut call = DvcqgCall {
        seq: 0,
        service: service.clone(),
        updating,
        dossier_code: data
            .get("MaHoSo")
            .and_then(Value::as_str)
            .map(str::to_owned),
        key: key.clone(),
        data,
        status: 200,
        error_code: "0".into(),
        message: "Thành công".into(),
        replayed: false,
        at: Utc::now(),
    };
    if key.as_deref().is_some_and(|k| control.was_applied(k)) {
        call.replayed = true;
    } else if let Some(refusal) = judge(&control, &body, &call) {
        call.error_code = "-1".into();
        call.message = refusal;
    }
    let answer = reply(StatusCode::OK, &call.error_code, &call.message);
    control.record(call);
    if switches.latency_ms > 0 {
        let mut released = control.released();
        let _ = tokio::time::timeout(
            Duration::from_millis(switches.latency_ms),
            released.changed(),
        )
        .await;
    }
    answer
}

/// Why the call is refused, if it is.
fn judge(control: &DvcqgControl, body: &Value, call: &DvcqgCall) -> Option<String> {
    if body.get("madonvi").and_then(Value::as_str) != Some(DEV_AGENCY_CODE) {
        return Some("Mã đơn vị không hợp lệ (unknown madonvi)".into());
    }
    let items = body.get("data").and_then(Value::as_array);
    if items.map_or(0, Vec::len) != 1 {
        return Some("data phải có đúng một phần tử (data must hold one item)".into());
    }
    let problems = match call.service.as_str() {
        "DongBoHoSoMC" if call.updating.is_none() => {
            vec!["isUpdating phải là \"True\" hoặc \"False\"".to_owned()]
        }
        "DongBoHoSoMC" => check_ho_so(&call.data),
        "CapNhatTienDoHoSoMC" => check_tien_do(&call.data),
        "DongBoTrangThaiHoSo" if body.get("type").and_then(Value::as_str) != Some("2") => {
            vec!["type phải là \"2\" (a dossier filed on the national portal)".to_owned()]
        }
        "DongBoTrangThaiHoSo" => check_trang_thai(&call.data),
        other => vec![format!(
            "Dịch vụ không được hỗ trợ: {other:?} (unknown service)"
        )],
    };
    if !problems.is_empty() {
        return Some(format!(
            "Dữ liệu không hợp lệ (invalid payload): {}",
            problems.join("; ")
        ));
    }
    let code = call.dossier_code.clone().unwrap_or_default();
    if call.service == "DongBoTrangThaiHoSo" {
        if !control.national_dossier_exists(&code) {
            return Some(format!(
                "Không tìm thấy hồ sơ {code} trên Cổng (not filed on the national portal)"
            ));
        }
        return control.take_refusal();
    }
    let exists = control.dossier_exists(&code);
    match (call.service.as_str(), call.updating) {
        ("DongBoHoSoMC", Some(false)) if exists => {
            return Some(format!("Hồ sơ {code} đã tồn tại (already exists)"))
        }
        ("DongBoHoSoMC", Some(true)) | ("CapNhatTienDoHoSoMC", _) if !exists => {
            return Some(format!("Không tìm thấy hồ sơ {code} (unknown dossier)"))
        }
        _ => {}
    }
    control.take_refusal()
}

async fn list_calls(State(control): State<DvcqgControl>) -> Json<Vec<DvcqgCall>> {
    Json(control.calls())
}

async fn show_switches(State(control): State<DvcqgControl>) -> Json<Value> {
    Json(json!(control.switches()))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SwitchRequest {
    outage: Option<bool>,
    hang: Option<bool>,
    latency_ms: Option<u64>,
    refuse_next: Option<RefuseNext>,
    session_lifetime_ms: Option<u64>,
    expire_sessions: Option<bool>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RefuseNext {
    count: u32,
    message: String,
}

async fn set_switches(
    State(control): State<DvcqgControl>,
    Json(request): Json<SwitchRequest>,
) -> Json<Value> {
    if let Some(on) = request.outage {
        control.set_outage(on);
    }
    if let Some(on) = request.hang {
        control.set_hang(on);
    }
    if let Some(ms) = request.latency_ms {
        control.set_latency(Duration::from_millis(ms));
    }
    if let Some(refuse) = request.refuse_next {
        control.refuse_next(refuse.count, &refuse.message);
    }
    if let Some(ms) = request.session_lifetime_ms {
        control.set_session_lifetime(Duration::from_millis(ms));
    }
    if request.expire_sessions == Some(true) {
        control.expire_sessions();
    }
    Json(json!(control.switches()))
}

async fn reset(State(control): State<DvcqgControl>) -> StatusCode {
    control.reset();
    StatusCode::NO_CONTENT
}
