//! The headers every page answers with, the layers around a set of pages, and the
//! stylesheet's answer.

use axum::extract::Request;
use axum::http::header::{CACHE_CONTROL, CONTENT_SECURITY_POLICY, CONTENT_TYPE, REFERRER_POLICY};
use axum::http::HeaderValue;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::Router;
use std::any::Any;

/// The pages run no script and load nothing from elsewhere: a value that slipped past the
/// template's escaping still could not run. Documents are previewed from the engine itself.
const CONTENT_SECURITY_POLICY_PAGES: &str = "default-src 'none'; style-src 'self'; \
     img-src 'self'; frame-src 'self'; form-action 'self'; frame-ancestors 'none'; \
     base-uri 'none'";

/// Every page's answer: its own content security policy and referrer policy, and no cache
/// keeps it (pages carry citizens' data).
pub async fn pages(request: Request, next: Next) -> Response {
    let mut response = next.run(request).await;
    let headers = response.headers_mut();
    // A document sent for a preview has its own.
    if !headers.contains_key(CONTENT_SECURITY_POLICY) {
        headers.insert(
            CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(CONTENT_SECURITY_POLICY_PAGES),
        );
    }
    // Not the API's `no-referrer`: under it a browser sends `Origin: null` with the pages'
    // own forms, and the origin check could not tell them from another site's. The
    // referrer still never leaves the engine's origin.
    headers.insert(REFERRER_POLICY, HeaderValue::from_static("same-origin"));
    if !headers.contains_key(CACHE_CONTROL) {
        headers.insert(CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    response
}

/// A stylesheet written for the pages (no third-party CSS), kept by browsers a few minutes.
pub fn stylesheet(css: &'static str) -> Response {
    (
        [
            (
                CONTENT_TYPE,
                HeaderValue::from_static("text/css; charset=utf-8"),
            ),
            (
                CACHE_CONTROL,
                HeaderValue::from_static("public, max-age=300"),
            ),
        ],
        css,
    )
        .into_response()
}

/// The layers every set of pages has, outermost last: its headers; its requests in the logs
/// as the API's are (method, path), under a span naming the pages (the API's trace layer is
/// not around merged pages); and a panic turned into the pages' own error page.
pub fn around<S: Clone + Send + Sync + 'static>(
    pages: Router<S>,
    name: &'static str,
    panic_page: fn(Box<dyn Any + Send + 'static>) -> Response,
) -> Router<S> {
    pages
        .layer(axum::middleware::from_fn(self::pages))
        .layer(
            tower_http::trace::TraceLayer::new_for_http().make_span_with(
                move |request: &axum::http::Request<_>| {
                    tracing::info_span!(
                        "pages",
                        pages = name,
                        method = %request.method(),
                        path = %request.uri().path()
                    )
                },
            ),
        )
        .layer(tower_http::catch_panic::CatchPanicLayer::custom(panic_page))
}
