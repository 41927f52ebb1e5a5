//! The one-stop console (bảng điều khiển một cửa): the pages staff work in, rendered on the
//! server from compile-time templates (maud, which escapes every value it writes), in
//! Vietnamese, working without JavaScript.
//!
//! It is an interface beside the REST API: each page calls the same use cases of
//! `motcua-service` the API's handlers call, with the principal of the console's session,
//! and holds no rule of its own. Staff log in through the API's OpenID Connect flow
//! (`/v1/auth/login?kind=staff&return_to=/console/`); the API's callback hands a login that
//! returns here to [`login::complete`], which starts the console's session (a signed
//! cookie, `session.rs`). Every form that changes something carries a CSRF token
//! (`csrf.rs`). Desk clerks take dossiers at the counter (`counter/`); every member of
//! staff reads the indicator reports their role allows (`reports/`). See docs/CONSOLE.md.

mod counter;
mod csrf;
mod documents;
mod dossier;
mod error;
pub mod login;
mod numbers;
mod page;
mod queues;
mod reports;
mod slips;
mod staff;
mod words;

use axum::extract::DefaultBodyLimit;
use axum::routing::{get, post};
use axum::Router;
use motcua_service::Services;
// Shared with the portal (motcua-web): dates as Vietnamese readers write them.
use motcua_web::dates;

/// Where the console is served.
pub const PREFIX: &str = "/console";

/// A result uploaded through the console's form, with the rest of the form: the service
/// checks a result against its own limit; this bounds what the form may send at all.
const MAX_FORM_BYTES: usize = 20 * 1024 * 1024;

/// How long a form's body may send nothing.
const BODY_IDLE_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(30);

/// What the console needs from the engine that serves it: the use cases' context and the
/// console's own settings. The API's state implements it, so both share one `Services`.
pub trait Engine: Clone + Send + Sync + 'static {
    fn services(&self) -> &Services;
    fn console(&self) -> &Settings;
}

/// The console's session cookie: `motcua_console`, sent to the console's pages only.
const COOKIE: motcua_web::Cookie = motcua_web::Cookie {
    name: "motcua_console",
    path: "/console",
};

/// The console's settings, fixed at start: its keys (labelled `motcua-console`), cookie,
/// origin and idle timeout (`MOTCUA_CONSOLE_IDLE_TIMEOUT_SECS`).
pub use motcua_web::Settings;

/// The console's settings from the engine's token secret (`MOTCUA_TOKEN_SECRET`, the same in
/// every process) and its public URL (`MOTCUA_PUBLIC_URL`); `with_idle_timeout` sets
/// another idle timeout than the default 30 minutes.
pub fn settings(token_secret: &[u8], public_url: &str) -> Settings {
    Settings::new(token_secret, public_url, "motcua-console", COOKIE)
}

/// The console's routes, under [`PREFIX`], for the engine to merge into its router.
pub fn router<E: Engine>(engine: E) -> Router {
    let pages = Router::new()
        .route("/console", get(login::to_start))
        .route("/console/", get(queues::page::<E>))
        .route("/console/login", get(login::page))
        .route("/console/logout", post(login::logout::<E>))
        .route("/console/style.css", get(page::stylesheet))
        .route("/console/queues/{queue}/claim", post(queues::claim::<E>))
        .route("/console/dossiers/{id}", get(dossier::page::<E>))
        .route(
            "/console/dossiers/{id}/actions/{action}",
            post(dossier::act::<E>),
        )
        .route(
            "/console/dossiers/{id}/release",
            post(dossier::release::<E>),
        )
        .route("/console/dossiers/{id}/assign", post(dossier::assign::<E>))
        .route(
            "/console/dossiers/{id}/result",
            post(documents::attach_result::<E>),
        )
        .route("/console/documents/{id}", get(documents::download::<E>))
        .route(
            "/console/counter",
            get(counter::start_page::<E>).post(counter::start::<E>),
        )
        .route("/console/counter/{id}", get(counter::draft_page::<E>))
        .route("/console/counter/{id}/form", post(counter::save::<E>))
        .route(
            "/console/counter/{id}/documents/{key}/paper",
            post(counter::paper::<E>),
        )
        .route(
            "/console/counter/{id}/documents/{key}",
            post(counter::upload::<E>),
        )
        .route("/console/reports", get(reports::page::<E>))
        .route("/console/reports/indicators.csv", get(reports::csv::<E>))
        .route("/console/dossiers/{id}/slips/{kind}", get(slips::page::<E>))
        .route(
            "/console/{*rest}",
            get(error::not_found).post(error::not_found),
        )
        .layer(DefaultBodyLimit::max(MAX_FORM_BYTES))
        // A form that stops sending is abandoned, as the API abandons a stalled body: it
        // must not hold a connection or an upload open.
        .layer(tower_http::timeout::RequestBodyTimeoutLayer::new(
            BODY_IDLE_TIMEOUT,
        ))
        .layer(axum::middleware::from_fn_with_state(
            engine.clone(),
            staff::with_session::<E>,
        ));
    motcua_web::headers::around(pages, "console", error::panic_page).with_state(engine)
}
