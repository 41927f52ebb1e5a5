//! Limits on what a request may carry before a handler sees it: the size of its headers and
//! target, and how long its body may stall. (The body's size is `DefaultBodyLimit`'s job, and
//! an upload's the requirement's `max_bytes`.)

use crate::error::ApiError;
use axum::extract::{Request, State};
use axum::http::{header, Method};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use motcua_service::Code;

/// Headers (names and values together) above this are refused with 431: a browser's or an
/// app's real headers, a bearer token included, stay far below it.
pub const MAX_HEADER_BYTES: usize = 16 * 1024;
/// A request target above this is refused with 414.
pub const MAX_URI_BYTES: usize = 8 * 1024;

/// Refuses a request whose target, headers or announced body is too large, before a byte of
/// the body is read. `max_body_bytes` is the JSON bodies' limit; `PUT` carries files, which
/// their handlers hold to each requirement's own limit.
pub async fn refuse_oversized(
    State(max_body_bytes): State<usize>,
    request: Request,
    next: Next,
) -> Response {
    let uri_bytes = request.uri().to_string().len();
    if uri_bytes > MAX_URI_BYTES {
        return ApiError::new(
            Code::UriTooLong,
            format!("the request target is {uri_bytes} bytes; the limit is {MAX_URI_BYTES}"),
        )
        .into_response();
    }
    let header_bytes: usize = request
        .headers()
        .iter()
        .map(|(name, value)| name.as_str().len() + value.len())
        .sum();
    if header_bytes > MAX_HEADER_BYTES {
        return ApiError::new(
            Code::HeadersTooLarge,
            format!(
                "the request's headers are {header_bytes} bytes; the limit is {MAX_HEADER_BYTES}"
            ),
        )
        .into_response();
    }
    let announced = request
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    let over = announced.filter(|n| *n > max_body_bytes as u64);
    if let (Some(announced), false) = (over, request.method() == Method::PUT) {
        return ApiError::new(
            Code::BodyTooLarge,
            format!("the body announces {announced} bytes; the limit is {max_body_bytes}"),
        )
        .into_response();
    }
    next.run(request).await
}

/// Whether reading a body failed because it stalled longer than the idle timeout
/// (`tower_http`'s `RequestBodyTimeoutLayer`), rather than because the client went away.
pub fn body_timed_out(error: &(dyn std::error::Error + 'static)) -> bool {
    let mut cause = Some(error);
    while let Some(e) = cause {
        if e.is::<tower_http::timeout::TimeoutError>() {
            return true;
        }
        cause = e.source();
    }
    false
}

/// The answer to a body that stalled: nothing of it was kept.
pub fn body_stalled() -> ApiError {
    ApiError::new(
        Code::BodyTimeout,
        "the request body stopped arriving; nothing was kept — send it again",
    )
}
