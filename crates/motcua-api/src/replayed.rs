//! The first answer to a request with the same `Idempotency-Key`, given again: its status
//! and body as they were, marked `Idempotent-Replayed: true`.

use axum::http::{HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use motcua_service::idempotency::{Answered, Replay};

pub fn response(replay: Replay) -> Response {
    let status = StatusCode::from_u16(replay.status).unwrap_or(StatusCode::OK);
    let mut response = (status, axum::Json(replay.body)).into_response();
    response
        .headers_mut()
        .insert("idempotent-replayed", HeaderValue::from_static("true"));
    response
}

/// A use case's own answer with `status`, or the replayed first one.
pub fn or_fresh<T: serde::Serialize>(answered: Answered<T>, status: StatusCode) -> Response {
    match answered {
        Answered::Fresh(answer) => (status, axum::Json(answer)).into_response(),
        Answered::Replayed(replay) => response(replay),
    }
}
