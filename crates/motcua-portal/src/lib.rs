//! The citizen portal (cổng dịch vụ công): the pages citizens use, most of them on a phone,
//! rendered on the server from compile-time templates (maud, which escapes every value it
//! writes), in Vietnamese, working without JavaScript.
//!
//! It is an interface beside the REST API and the staff console: each page calls the use
//! cases of `motcua-service` with the principal of the portal's session, and holds no rule
//! of its own. Anyone reads the catalogue (`catalogue.rs`) and a procedure's page
//! (`procedure.rs`); a citizen logs in through the API's OpenID Connect flow
//! (`/v1/auth/login?kind=citizen&return_to=/portal/...`), whose callback hands the login to
//! [`login::complete`], and then follows their dossiers (`dossiers.rs`, `dossier.rs`). The
//! session cookie, the CSRF tokens, the pages' headers, the base stylesheet and dates are
//! motcua-web's, shared with the console. See docs/PORTAL.md.

mod access;
mod answers;
mod catalogue;
mod citizen;
mod dossier;
mod dossiers;
mod error;
pub mod login;
mod page;
mod procedure;
mod words;

use axum::routing::{get, post};
use axum::Router;
use motcua_service::Services;

/// Where the portal is served.
pub const PREFIX: &str = "/portal";

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
        .route("/portal/dang-xuat", post(login::logout::<E>))
        .route("/portal/thu-tuc/{code}", get(procedure::page::<E>))
        .route("/portal/ho-so", get(dossiers::page::<E>))
        .route("/portal/ho-so/{id}", get(dossier::page::<E>))
        .route(
            "/portal/{*rest}",
            get(error::not_found).post(error::not_found),
        )
        .layer(axum::middleware::from_fn_with_state(
            engine.clone(),
            citizen::with_session::<E>,
        ));
    motcua_web::headers::around(pages, "portal", error::panic_page).with_state(engine)
}
