//! The last word on error answers: every 4xx and 5xx the engine sends is problem+json.
//!
//! Handlers and layers answer with [`ApiError`]. This layer, around the whole router, catches
//! whatever does not (a response built by a library, a header value that could not be built,
//! a layer added later) and gives the client the problem it gets everywhere else, with a code
//! from the status, keeping the answer's status and headers. A success answer is passed on
//! after one look at its status.

use crate::error::ApiError;
use axum::extract::Request;
use axum::http::{header, HeaderMap, HeaderName, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use motcua_service::Code;

/// A response extension for the rare error answer whose body is its own documented contract
/// and not a problem (`/readyz`'s 503 with its checks): this layer leaves it as it is.
#[derive(Clone, Copy, Debug)]
pub struct OwnErrorBody;

pub async fn ensure(request: Request, next: Next) -> Response {
    let response = next.run(request).await;
    if !needs_a_problem(&response) {
        return response;
    }
    let (parts, _body) = response.into_parts();
    let content_type = parts
        .headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("none");
    let request_id = parts
        .headers
        .get("x-request-id")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("-");
    // Not its body: it is unknown what it holds, and the logs carry no personal data. The
    // request id leads to the request's own lines (method, path, dossier).
    let log = format!(
        "an answer {status} with content-type {content_type}, not problem+json (request_id \
         {request_id}): replaced by a problem",
        status = parts.status.as_u16(),
    );
    let problem = if parts.status.is_server_error() {
        tracing::error!(error.message = %log, "error answer without a problem");
        ApiError::new(
            code_of(parts.status),
            "an unexpected error occurred; it has been logged",
        )
    } else {
        tracing::warn!(error.message = %log, "error answer without a problem");
        ApiError::new(
            code_of(parts.status),
            parts
                .status
                .canonical_reason()
                .unwrap_or("the request was refused")
                .to_lowercase(),
        )
    }
    // The answer's own status: `internal_error` and `request_refused` stand for several.
    .with_status(parts.status);
    let mut answer = problem.into_response();
    copy_headers(parts.headers, answer.headers_mut());
    // The old answer's extensions, and the problem's own (its Vietnamese) over them.
    let own = std::mem::replace(answer.extensions_mut(), parts.extensions);
    answer.extensions_mut().extend(own);
    answer
}

fn needs_a_problem(response: &Response) -> bool {
    let status = response.status();
    (status.is_client_error() || status.is_server_error())
        && !is_problem(response.headers())
        && response.extensions().get::<OwnErrorBody>().is_none()
}

fn is_problem(headers: &HeaderMap) -> bool {
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .is_some_and(|t| t.trim().eq_ignore_ascii_case("application/problem+json"))
}

/// The old answer's headers (`Allow`, `X-Request-Id`, the security headers…) except those
/// that described its body; a header the problem itself set (`Content-Type`,
/// `WWW-Authenticate`, `Retry-After`) wins over the old answer's.
fn copy_headers(from: HeaderMap, to: &mut HeaderMap) {
    let own: Vec<HeaderName> = to.keys().cloned().collect();
    let mut current: Option<HeaderName> = None;
    for (name, value) in from {
        // `None` repeats the previous name (a header with several values).
        if let Some(name) = name {
            current = Some(name);
        }
        let Some(name) = &current else { continue };
        let describes_body = [
            header::CONTENT_LENGTH,
            header::CONTENT_ENCODING,
            header::TRANSFER_ENCODING,
            header::CONTENT_DISPOSITION,
        ]
        .contains(name);
        if !describes_body && !own.contains(name) {
            to.append(name.clone(), value);
        }
    }
}

/// A stable code for an answer that came without one. Its status is the code's own but for
/// `InternalError` (any other 5xx) and `RequestRefused` (any other 4xx).
fn code_of(status: StatusCode) -> Code {
    match status {
        StatusCode::BAD_REQUEST => Code::BadRequest,
        StatusCode::UNAUTHORIZED => Code::Unauthorized,
        StatusCode::FORBIDDEN => Code::Forbidden,
        StatusCode::NOT_FOUND => Code::NotFound,
        StatusCode::METHOD_NOT_ALLOWED => Code::MethodNotAllowed,
        StatusCode::NOT_ACCEPTABLE => Code::NotAcceptable,
        StatusCode::REQUEST_TIMEOUT => Code::RequestTimeout,
        StatusCode::CONFLICT => Code::Conflict,
        StatusCode::GONE => Code::Gone,
        StatusCode::LENGTH_REQUIRED => Code::LengthRequired,
        StatusCode::PAYLOAD_TOO_LARGE => Code::BodyTooLarge,
        StatusCode::URI_TOO_LONG => Code::UriTooLong,
        StatusCode::UNSUPPORTED_MEDIA_TYPE => Code::UnsupportedMediaType,
        StatusCode::UNPROCESSABLE_ENTITY => Code::Unprocessable,
        StatusCode::TOO_MANY_REQUESTS => Code::RateLimited,
        StatusCode::REQUEST_HEADER_FIELDS_TOO_LARGE => Code::HeadersTooLarge,
        StatusCode::NOT_IMPLEMENTED => Code::NotImplemented,
        StatusCode::BAD_GATEWAY => Code::BadGateway,
        StatusCode::SERVICE_UNAVAILABLE => Code::ServiceUnavailable,
        StatusCode::GATEWAY_TIMEOUT => Code::GatewayTimeout,
        s if s.is_server_error() => Code::InternalError,
        _ => Code::RequestRefused,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::body::Body;
    use axum::routing::get;
    use axum::{middleware, Router};
    use tower::ServiceExt;

    async fn answer(path: &str) -> (Response, serde_json::Value) {
        let app = Router::new()
            .route(
                "/plain-500",
                get(|| async {
                    (
                        StatusCode::INTERNAL_SERVER_ERROR,
                        [("x-request-id", "r-1")],
                        "failed to parse header value",
                    )
                }),
            )
            .route(
                "/plain-405",
                get(|| async {
                    (
                        StatusCode::METHOD_NOT_ALLOWED,
                        axum::response::AppendHeaders([
                            (header::ALLOW, "GET"),
                            (header::ALLOW, "HEAD"),
                        ]),
                    )
                }),
            )
            .route(
                "/problem",
                get(|| async { ApiError::new(Code::Conflict, "changed") }),
            )
            .route(
                "/own",
                get(|| async {
                    (
                        StatusCode::SERVICE_UNAVAILABLE,
                        axum::Extension(OwnErrorBody),
                        axum::Json(serde_json::json!({"status": "not_ready"})),
                    )
                }),
            )
            .route("/ok", get(|| async { "fine" }))
            .layer(middleware::from_fn(ensure));
        let response = app
            .oneshot(Request::get(path).body(Body::empty()).unwrap())
            .await
            .unwrap();
        let (parts, body) = response.into_parts();
        let bytes = axum::body::to_bytes(body, 1 << 16).await.unwrap();
        let json = serde_json::from_slice(&bytes).unwrap_or(serde_json::Value::Null);
        (Response::from_parts(parts, Body::from(bytes)), json)
    }

    #[tokio::test]
    async fn a_plain_text_error_becomes_a_problem_with_its_status_and_headers() {
        let (response, body) = answer("/plain-500").await;
        assert_eq!(response.status(), StatusCode::INTERNAL_SERVER_ERROR);
        assert_eq!(
            response.headers()[header::CONTENT_TYPE],
            "application/problem+json"
        );
        assert_eq!(response.headers()["x-request-id"], "r-1");
        assert_eq!(body["code"], "internal_error");
        assert_eq!(body["status"], 500);
        assert!(!body.to_string().contains("parse header"), "{body}");

        let (response, body) = answer("/plain-405").await;
        assert_eq!(response.status(), StatusCode::METHOD_NOT_ALLOWED);
        assert_eq!(body["code"], "method_not_allowed");
        let allowed: Vec<_> = response.headers().get_all(header::ALLOW).iter().collect();
        assert_eq!(allowed, ["GET", "HEAD"]);
    }

    #[tokio::test]
    async fn problems_successes_and_own_error_bodies_pass_unchanged() {
        let (response, body) = answer("/problem").await;
        assert_eq!(response.status(), StatusCode::CONFLICT);
        assert_eq!(body["code"], "conflict");
        assert_eq!(body["detail"], "changed");

        let (response, body) = answer("/own").await;
        assert_eq!(response.status(), StatusCode::SERVICE_UNAVAILABLE);
        assert_eq!(body, serde_json::json!({"status": "not_ready"}));

        let (response, _) = answer("/ok").await;
        assert_eq!(response.status(), StatusCode::OK);
        assert_eq!(
            response.headers()[header::CONTENT_TYPE],
            "text/plain; charset=utf-8"
        );
    }
}
