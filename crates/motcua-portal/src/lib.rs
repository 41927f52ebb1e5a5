//! The citizen portal (cổng dịch vụ công): the pages citizens use, most of them on a phone,
//! rendered on the server from compile-time templates (maud, which escapes every value it
//! writes), in Vietnamese or English (`lang.rs`), working without JavaScript.
//!
//! It is an interface beside the REST API and the staff console: each page calls the use
//! cases of `motcua-service` with the principal of the portal's session, and holds no rule
//! of its own. Anyone reads the catalogue (`catalogue.rs`) and a procedure's page
//! (`procedure.rs`); a citizen logs in through the API's OpenID Connect flow
//! (`/v1/auth/login?kind=citizen&return_to=/portal/...`), whose callback hands the login to
//! [`login::complete`], starts a dossier (`start.rs`), fills its form page by page from the
//! procedure's JSON Schema (`form/`), adds its documents (`documents.rs`), checks and
//! submits it (`form/check.rs`), and follows it (`dossiers.rs`, `dossier.rs`, `tasks.rs`):
//! answering a supplement, withdrawing, downloading results (`after.rs`), opening the
//! slips issued (`slips.rs`). The
//! session cookie, the CSRF tokens, the pages' headers, the base stylesheet and dates are
//! motcua-web's, shared with the console. See docs/PORTAL.md.

mod access;
mod after;
mod answers;
mod catalogue;
mod citizen;
mod dev;
mod documents;
mod dossier;
mod dossiers;
mod editing;
mod error;
mod form;
mod lang;
pub mod login;
mod notifications;
mod page;
mod procedure;
mod slips;
mod start;
mod tasks;
mod words;

use axum::extract::DefaultBodyLimit;
use axum::routing::{get, post};
use axum::Router;
use motcua_service::Services;

/// Where the portal is served.
pub const PREFIX: &str = "/portal";

/// The largest form the portal reads: a document of 10 MiB (the shipped procedures' most)
/// with its form's fields.
const MAX_FORM_BYTES: usize = 11 * 1024 * 1024;

/// The portal's session cookie: `motcua_portal`, sent to the portal's pages only.
const COOKIE: motcua_web::Cookie = motcua_web::Cookie {
    name: "motcua_portal",
    path: "/portal",
};

/// What the portal needs from the engine that serves it: the use cases' context and the
/// portal's own settings. The API's state implements it, so all share one `Services`.
pub trait Engine: Clone + Send + Sync + 'static {
    fn services(&self) -> &Services;
    fn portal(&self) -> &Settings;
}

/// The portal's settings, fixed at start: its keys (labelled `motcua-portal`, so that no
/// console cookie or token is taken here), cookie, origin and idle timeout
/// (`MOTCUA_PORTAL_IDLE_TIMEOUT_SECS`).
pub use motcua_web::Settings;

/// The portal's settings from the engine's token secret (`MOTCUA_TOKEN_SECRET`, the same in
/// every process) and its public URL (`MOTCUA_PUBLIC_URL`); `with_idle_timeout` sets
/// another idle timeout than the default 30 minutes.
pub fn settings(token_secret: &[u8], public_url: &str) -> Settings {
    Settings::new(token_secret, public_url, "motcua-portal", COOKIE)
}

/// The portal's routes, under [`PREFIX`], for the engine to merge into its router.
pub fn router<E: Engine>(engine: E) -> Router {
    let pages = Router::new()
        .route("/portal", get(login::to_start))
        .route("/portal/", get(catalogue::page::<E>))
        .route("/portal/style.css", get(page::stylesheet))
        .route("/portal/dang-nhap", get(login::page))
        .route("/portal/ngon-ngu", get(lang::choose))
        .route("/portal/dang-xuat", post(login::logout::<E>))
        .route("/portal/thu-tuc/{code}", get(procedure::page::<E>))
        .route("/portal/ho-so", get(dossiers::page::<E>))
        .route("/portal/thu-tuc/{code}/bat-dau", post(start::start::<E>))
        .route("/portal/ho-so/{id}", get(dossier::page::<E>))
        .route(
            "/portal/ho-so/{id}/to-khai/{n}",
            get(form::page::<E>).post(form::save::<E>),
        )
        .route("/portal/ho-so/{id}/giay-to", get(documents::page::<E>))
        .route(
            "/portal/ho-so/{id}/giay-to/{key}",
            post(documents::upload::<E>),
        )
        .route(
            "/portal/ho-so/{id}/giay-to/{key}/dung-lai",
            post(documents::reuse::<E>),
        )
        .route("/portal/ho-so/{id}/kiem-tra", get(form::check::page::<E>))
        .route("/portal/ho-so/{id}/nop", post(form::check::submit::<E>))
        .route("/portal/ho-so/{id}/thao-tac", post(after::act::<E>))
        .route("/portal/ho-so/{id}/phieu/{kind}", get(slips::page::<E>))
        .route("/portal/tai-lieu/{id}", get(documents::download::<E>))
        .route(
            "/portal/{*rest}",
            get(error::not_found).post(error::not_found),
        )
        .layer(axum::middleware::from_fn_with_state(
            engine.clone(),
            citizen::with_session::<E>,
        ))
        .layer(axum::middleware::from_fn(lang::scope))
        .layer(DefaultBodyLimit::max(MAX_FORM_BYTES));
    motcua_web::headers::around(pages, "portal", error::panic_page).with_state(engine)
}
