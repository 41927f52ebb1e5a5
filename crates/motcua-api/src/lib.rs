//! The HTTP API of motcua: the axum router, its handlers, problem+json errors, OpenAPI.
//!
//! Handlers parse the request, ask `core` what the rules say, write through `store` in one
//! transaction, and map the result. `router` is a plain function so tests can drive it.

pub mod admission;
pub mod error;
pub mod extract;
pub mod language;
pub mod layers;
pub mod measured;
pub mod metrics;
pub mod openapi;
mod outbox_metrics;
pub mod pagination;
pub mod problem_only;
pub mod rate_limits;
pub mod replayed;
pub mod request_limits;
pub mod routes;
pub mod security_headers;
pub use motcua_service::staff;
pub mod state;
pub mod storable_text;
pub mod upload_body;

// The use cases the handlers call, by the paths they have always had here.
pub use motcua_service::view as dossier_view;
pub use motcua_service::{catalog, clock, code_numbers, facts, register, retention, sweep, time};
pub use motcua_service::{Catalog, Clock};
pub use state::{AppState, Shared};

use axum::extract::DefaultBodyLimit;
use axum::http::Request;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post, put};
use axum::{middleware, Router};
use error::ApiError;
use motcua_service::Code;
use routes::{
    actions, auth, counter, documents, dossiers, dvcqg, me, notifications, operations, outbox,
    payments, procedures, queues, reports, satisfaction, slips, verifications,
};
use std::any::Any;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::timeout::RequestBodyTimeoutLayer;
use tower_http::trace::TraceLayer;

/// Request bodies above this are refused with 413 unless configured otherwise.
pub const DEFAULT_BODY_LIMIT: usize = 1024 * 1024;

/// How much a request may send, and how slowly.
#[derive(Debug, Clone, Copy)]
pub struct BodyLimits {
    /// JSON bodies (uploads have their requirement's own `max_bytes`).
    pub max_bytes: usize,
    /// A body that sends nothing for this long is abandoned with 408: a client that went
    /// silent must not hold a connection, a database transaction or an upload open.
    pub idle_timeout: std::time::Duration,
}

impl Default for BodyLimits {
    fn default() -> Self {
        BodyLimits {
            max_bytes: DEFAULT_BODY_LIMIT,
            idle_timeout: std::time::Duration::from_secs(30),
        }
    }
}

pub fn router(state: AppState, body: BodyLimits) -> Router {
    let v1 = Router::new()
        .route("/auth/login", get(auth::login))
        .route("/auth/callback", get(auth::callback))
        .route("/me", get(auth::me))
        .route("/procedures", get(procedures::list))
        .route("/procedures/{code}", get(procedures::get))
        .route("/dossiers", post(dossiers::create).get(dossiers::list))
        .route("/dossiers/{id}", get(dossiers::get).patch(dossiers::patch))
        .route("/dossiers/{id}/submit", post(dossiers::submit))
        .route("/dossiers/{id}/prefill", post(dossiers::refresh_prefill))
        .route("/me/access-log", get(me::access_log))
        .route("/me/documents", get(me::documents))
        .route(
            "/me/contact",
            get(notifications::get_contact).put(notifications::set_contact),
        )
        .route(
            "/dossiers/{id}/notifications",
            get(notifications::of_dossier),
        )
        .route(
            "/dossiers/{id}/documents/{requirement}",
            put(documents::upload)
                .post(documents::attach_existing)
                .delete(documents::remove),
        )
        .route("/attachments/{id}/content", get(documents::download))
        .route(
            "/dossiers/{id}/results/{result_code}",
            put(documents::attach_result),
        )
        .route(
            "/dossiers/{id}/results/{result_code}/pdf",
            post(documents::issue_result_pdf),
        )
        .route("/dossiers/{id}/actions/{action}", post(actions::act))
        .route("/dossiers/{id}/events", get(dossiers::timeline))
        .route("/dossiers/{id}/slips", get(slips::list))
        .route("/dossiers/{id}/slips/{kind}", get(slips::get))
        .route("/dossiers/{id}/slips/{kind}/pdf", get(slips::pdf))
        .route("/dossiers/{id}/release", post(queues::release))
        .route("/dossiers/{id}/assign", post(queues::assign))
        .route("/queues", get(queues::list))
        .route("/queues/{queue}/claim", post(queues::claim))
        .route("/counter/dossiers", post(counter::create))
        .route("/reports/indicators", get(reports::indicators_report))
        .route("/reports/digitisation", get(reports::digitisation))
        .route("/reports/timeliness", get(reports::timeliness))
        .route("/reports/scorecard", get(reports::scorecard))
        .route("/reports/officials", get(reports::officials))
        .route("/reports/ratings", get(satisfaction::ratings))
        .route("/public/statistics", get(reports::public_statistics))
        .route("/reports/owed", get(reports::owed_list))
        .route("/reports/owed/{kind}", get(reports::owed_report))
        .route("/ratings/questions", get(satisfaction::questions))
        .route(
            "/dossiers/{id}/rating",
            get(satisfaction::rating).put(satisfaction::rate),
        )
        .route(
            "/feedback",
            get(satisfaction::list).post(satisfaction::send),
        )
        .route("/feedback/{id}", get(satisfaction::get))
        .route("/feedback/{id}/classify", post(satisfaction::classify))
        .route("/feedback/{id}/answer", post(satisfaction::answer))
        .route("/feedback/{id}/rating", put(satisfaction::rate_answer))
        .route("/reports/payments", get(reports::payments))
        .route("/outbox", get(outbox::list))
        .route("/outbox/{id}/retry", post(outbox::retry))
        .route("/outbox/{id}/drop", post(outbox::drop))
        .route("/dvcqg/dossiers", post(dvcqg::receive))
        .route("/dossiers/{id}/bill", get(payments::bill))
        .route("/dossiers/{id}/payments", post(payments::start))
        .route("/paygov/callback", post(payments::callback))
        .route(
            "/verifications/{id}",
            get(verifications::get).post(verifications::check_file),
        )
        .route(
            "/verifications/{id}/revocation",
            post(verifications::revoke),
        )
        // Only the API waits for a place: /healthz, /readyz and /metrics below answer
        // however busy the engine is. Inside the rate limits, so that a client over its
        // budget is refused without taking a place or a queue slot from others.
        .route_layer(middleware::from_fn_with_state(state.clone(), layers::admit))
        // A route layer: it runs after routing, so it sees which route matched.
        .route_layer(middleware::from_fn_with_state(
            state.clone(),
            layers::limit_rate,
        ));
    let app = Router::new()
        .route("/", get(operations::index))
        .route("/healthz", get(operations::healthz))
        .route("/readyz", get(operations::readyz))
        .route("/openapi.json", get(operations::openapi))
        .route("/metrics", get(operations::scrape))
        .nest("/v1", v1)
        // The public check a result's QR code opens, limited per address like its API.
        .merge(
            Router::new()
                .route("/xac-minh/{id}", get(verifications::html_page))
                .route_layer(middleware::from_fn_with_state(
                    state.clone(),
                    layers::limit_rate,
                )),
        )
        // Before anything else a route does (inside the metrics, which count its refusals).
        .route_layer(middleware::from_fn(storable_text::refuse_unstorable))
        .route_layer(middleware::from_fn_with_state(
            state.clone(),
            layers::time_request,
        ))
        .fallback(not_found)
        .method_not_allowed_fallback(method_not_allowed)
        .layer(DefaultBodyLimit::max(body.max_bytes))
        .layer(RequestBodyTimeoutLayer::new(body.idle_timeout))
        .layer(middleware::from_fn_with_state(
            body.max_bytes,
            request_limits::refuse_oversized,
        ))
        .layer(
            TraceLayer::new_for_http().make_span_with(|request: &Request<_>| {
                let request_id = request
                    .headers()
                    .get("x-request-id")
                    .and_then(|v| v.to_str().ok())
                    .unwrap_or("-");
                // `dossier` is filled in by the handlers that look one up.
                tracing::info_span!(
                    "request",
                    method = %request.method(),
                    path = %request.uri().path(),
                    request_id,
                    dossier = tracing::field::Empty
                )
            }),
        )
        .layer(PropagateRequestIdLayer::x_request_id())
        .layer(SetRequestIdLayer::x_request_id(MakeRequestUuid))
        .layer(CatchPanicLayer::custom(panic_to_problem))
        // Around everything that answers: whatever error answer is not a problem yet
        // becomes one (a success is passed on after one look at its status).
        .layer(middleware::from_fn(problem_only::ensure))
        // Every problem, the last layer's included, in the language the request prefers.
        .layer(middleware::from_fn(language::answer_in_language));
    // The console's and the portal's pages answer HTML, errors included, with their own
    // layers: merged outside the API's problem+json, metrics and admission layers, inside
    // its headers.
    let app = app
        .with_state(state.clone())
        .merge(motcua_console::router(state.clone()))
        .merge(motcua_portal::router(state));
    // Outermost, so that even a refusal by a layer above carries them.
    security_headers::add(app)
}

/// The router of a server too busy to take a connection: every request gets the
/// admission's 503 `overloaded` with the headers every answer carries.
pub fn overloaded_router() -> Router {
    security_headers::add(
        Router::new()
            .fallback(|| async { admission::overloaded() })
            .layer(middleware::from_fn(language::answer_in_language)),
    )
}

async fn not_found() -> ApiError {
    ApiError::new(Code::NotFound, "no such resource")
}

async fn method_not_allowed() -> ApiError {
    ApiError::new(
        Code::MethodNotAllowed,
        "this resource does not take that method",
    )
}

/// A panic is a bug: it is logged and the client gets the same opaque 500 as any other.
fn panic_to_problem(cause: Box<dyn Any + Send + 'static>) -> Response {
    let message = cause
        .downcast_ref::<String>()
        .cloned()
        .or_else(|| cause.downcast_ref::<&str>().map(|s| (*s).to_owned()))
        .unwrap_or_else(|| "unknown panic".into());
    ApiError::internal(format!("panic: {message}")).into_response()
}
