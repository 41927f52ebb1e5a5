//! Fees and online payment (`motcua_service::payments`): a dossier's bill, the citizen
//! starting a payment, and the national payment platform's callback.

use crate::error::ApiError;
use crate::extract::{Auth, Json, Path};
use crate::state::AppState;
use axum::extract::State;
use axum::http::StatusCode;
use motcua_service::payments::{self, CallbackOutcome};
use serde_json::{json, Value};
use uuid::Uuid;

const PROBLEM: &str = "application/problem+json";

#[utoipa::path(get, operation_id = "getBill", path = "/v1/dossiers/{id}/bill", tag = "payments", security(("bearer" = [])),
    params(("id" = Uuid, Path)),
    responses((status = 200, description = "`bills` opened (each with its lines, amount and state: open, paid, refund_due, refunded), `upcoming` bills not due yet, `payments` made, and `payment_due`: whether the dossier waits for a payment now", body = Object),
              (status = 401, body = crate::error::Problem, content_type = PROBLEM),
              (status = 404, body = crate::error::Problem, content_type = PROBLEM)))]
/// The dossier's fees: what is owed, when, and what was paid.
pub async fn bill(
    State(state): State<AppState>,
    Auth(principal): Auth,
    Path(id): Path<Uuid>,
) -> Result<Json<Value>, ApiError> {
    let view = payments::bills(&state.services, &principal, id).await?;
    Ok(Json(serde_json::to_value(view).map_err(|e| {
        ApiError::from(motcua_service::ServiceError::internal(e))
    })?))
}

#[utoipa::path(post, operation_id = "startPayment", path = "/v1/dossiers/{id}/payments", tag = "payments", security(("bearer" = [])),
    params(("id" = Uuid, Path)),
    responses((status = 201, description = "The payment started: `redirect_url` appears once the platform gave it (read the bill again)", body = Object),
              (status = 200, description = "A payment of this bill is already under way: that one", body = Object),
              (status = 401, body = crate::error::Problem, content_type = PROBLEM),
              (status = 403, body = crate::error::Problem, content_type = PROBLEM),
              (status = 404, body = crate::error::Problem, content_type = PROBLEM),
              (status = 409, description = "nothing to pay now", body = crate::error::Problem, content_type = PROBLEM),
              (status = 503, description = "online payment is not configured", body = crate::error::Problem, content_type = PROBLEM)))]
/// The citizen starts paying the dossier's fees through the national payment platform.
pub async fn start(
    State(state): State<AppState>,
    Auth(principal): Auth,
    Path(id): Path<Uuid>,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    let (created, payment) = payments::start(&state.services, &principal, id).await?;
    let status = if created {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    Ok((status, Json(json!(payment))))
}

#[utoipa::path(post, operation_id = "paymentCallback", path = "/v1/paygov/callback", tag = "payments",
    request_body(content = Object, description = "The platform's callback: LoaiBanTin, MaLoi, MaDoiTac, MaThamChieu, SoTien, MaTienTe, MaGiaoDich, MaNganHang, ThoiGianGD, ThongTinGiaoDich, MaXacThuc"),
    responses((status = 200, description = "Taken (or taken before): `{\"MaLoi\": \"00\"}`", body = Object),
              (status = 409, description = "MAC, partner, reference, amount or currency wrong: nothing changed", body = crate::error::Problem, content_type = PROBLEM),
              (status = 503, description = "online payment is not configured", body = crate::error::Problem, content_type = PROBLEM)))]
/// The national payment platform tells a payment's outcome. Authenticated by its MAC.
pub async fn callback(
    State(state): State<AppState>,
    Json(callback): Json<motcua_paygov::Callback>,
) -> Result<Json<Value>, ApiError> {
    let outcome = payments::callback(&state.services, &callback).await?;
    let said = match outcome {
        CallbackOutcome::Paid => "paid",
        CallbackOutcome::Failed => "failed",
        CallbackOutcome::AlreadyKnown => "already known",
    };
    Ok(Json(json!({ "MaLoi": "00", "MoTaLoi": said })))
}
