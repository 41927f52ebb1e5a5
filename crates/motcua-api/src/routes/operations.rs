//! Health, readiness, the OpenAPI document, and a small landing page for people.

use crate::openapi::ApiDoc;
use crate::state::AppState;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse};
use serde_json::json;
use utoipa::OpenApi;

/// The process is up.
pub async fn healthz() -> impl IntoResponse {
    axum::Json(json!({ "status": "ok" }))
}

/// The engine can serve: the database and the document storage answer, procedures are
/// loaded. The register is reported too, from its last calls, but does not make the engine
/// unready: without it only new drafts wait, and taking every process out of the balancer
/// would stop everything else as well.
pub async fn readyz(State(state): State<AppState>) -> impl IntoResponse {
    let database = motcua_store::ping(&state.pool).await;
    let procedures = !state.catalog.is_empty();
    let storage = state.files.check().await.is_ok();
    let register = state.register.answering();
    let ready = database && procedures && storage;
    let status = if ready {
        StatusCode::OK
    } else {
        StatusCode::SERVICE_UNAVAILABLE
    };
    let word = |ok: bool| if ok { "ok" } else { "down" };
    let overall = match (ready, register) {
        (true, true) => "ready",
        (true, false) => "degraded",
        (false, _) => "not_ready",
    };
    (
        status,
        // The 503 is this JSON, which balancers and operators read: not a problem.
        axum::Extension(crate::problem_only::OwnErrorBody),
        axum::Json(json!({
            "status": overall,
            "checks": {
                "database": word(database),
                "storage": word(storage),
                "procedures": word(procedures),
                "register": word(register)
            }
        })),
    )
}

pub async fn openapi() -> impl IntoResponse {
    axum::Json(ApiDoc::openapi())
}

/// A landing page so that a person can try the login: it starts `/v1/auth/login` and shows
/// who logged in. The engine is an API; a portal's own front end replaces this page.
pub async fn index() -> impl IntoResponse {
    (
        [(
            axum::http::header::CONTENT_SECURITY_POLICY,
            // The page's own inline script and style, and calls to this engine; nothing else.
            "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; \
             connect-src 'self'; frame-ancestors 'none'",
        )],
        Html(include_str!("index.html")),
    )
}
