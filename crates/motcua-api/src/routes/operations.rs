//! Health, readiness, the metrics, the OpenAPI document, and a small landing page for
//! people.

use crate::error::ApiError;
use crate::metrics::Readings;
use crate::openapi::ApiDoc;
use crate::state::AppState;
use axum::extract::State;
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use motcua_service::figures;
use serde_json::json;
use utoipa::OpenApi;

/// The process is up.
pub async fn healthz() -> impl IntoResponse {
    axum::Json(json!({ "status": "ok" }))
}

/// The engine can serve (`motcua_service::health`): the database and the document storage
/// answer, procedures are loaded. The register is reported too, but does not make the
/// engine unready.
pub async fn readyz(State(state): State<AppState>) -> impl IntoResponse {
    let health = motcua_service::health::health(&state.services).await;
    let status = if health.ready() {
        StatusCode::OK
    } else {
        StatusCode::SERVICE_UNAVAILABLE
    };
    let word = |ok: bool| if ok { "ok" } else { "down" };
    (
        status,
        // The 503 is this JSON, which balancers and operators read: not a problem.
        axum::Extension(crate::problem_only::OwnErrorBody),
        axum::Json(json!({
            "status": health.status(),
            "checks": {
                "database": word(health.database),
                "storage": word(health.storage),
                "procedures": word(health.procedures),
                "register": word(health.register)
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

/// `GET /metrics`: the Prometheus text format, to the configured scraper only.
pub async fn scrape(
    State(state): State<AppState>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    if !state.metrics_scraper.admits(&headers) {
        return Err(ApiError::unauthorized(
            "/metrics is served to the configured scraper only: send its token as \
             Authorization: Bearer",
        ));
    }
    let workload = figures::workload(&state.services).await?;
    state.metrics.refresh(Readings {
        in_flight: state.admission.in_flight(),
        waiting: state.admission.waiting(),
        pool: figures::pool(&state.services),
        circuit: state.services.register.circuit(),
        workload,
    });
    let text = state.metrics.encode().map_err(ApiError::internal)?;
    let mut response = text.into_response();
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/openmetrics-text; version=1.0.0; charset=utf-8"),
    );
    Ok(response)
}
