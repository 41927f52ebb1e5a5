//! Headers every answer carries. The engine serves JSON and files with citizens' data: no
//! browser may sniff a type, frame a page, cache an answer or leak the URL onward.
//! A handler that needs otherwise (the landing page's own policy) sets the header itself.

use axum::http::header::{
    CACHE_CONTROL, CONTENT_SECURITY_POLICY, REFERRER_POLICY, STRICT_TRANSPORT_SECURITY,
    X_CONTENT_TYPE_OPTIONS, X_FRAME_OPTIONS,
};
use axum::http::HeaderValue;
use axum::Router;
use tower_http::set_header::SetResponseHeaderLayer;

/// The API's policy: it serves no page, so nothing may load or run in it.
pub const API_CONTENT_SECURITY_POLICY: &str = "default-src 'none'; frame-ancestors 'none'";

const HEADERS: [(axum::http::HeaderName, &str); 6] = [
    (X_CONTENT_TYPE_OPTIONS, "nosniff"),
    (X_FRAME_OPTIONS, "DENY"),
    (REFERRER_POLICY, "no-referrer"),
    (CONTENT_SECURITY_POLICY, API_CONTENT_SECURITY_POLICY),
    // Answers carry personal data; a shared or browser cache must not keep them.
    (CACHE_CONTROL, "no-store"),
    // Browsers ignore it over plain HTTP (motcua dev); behind TLS it pins HTTPS.
    (
        STRICT_TRANSPORT_SECURITY,
        "max-age=31536000; includeSubDomains",
    ),
];

pub fn add<S: Clone + Send + Sync + 'static>(router: Router<S>) -> Router<S> {
    HEADERS.into_iter().fold(router, |router, (name, value)| {
        router.layer(SetResponseHeaderLayer::if_not_present(
            name,
            HeaderValue::from_static(value),
        ))
    })
}
