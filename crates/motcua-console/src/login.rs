//! Logging in and out. The console has no login of its own: its button starts the API's
//! OpenID Connect flow for staff (`/v1/auth/login?kind=staff&return_to=/console/`), so the
//! identity provider, PKCE, the state cookie and the login's checks are the API's. The
//! API's callback, seeing a login that returns to the console ([`returns_here`]), hands it
//! to [`complete`] instead of putting an access token in a URL fragment that pages without
//! JavaScript could not read.

use crate::csrf::Checked;
use crate::error::PageError;
use crate::page;
use crate::staff::StaffSession;
use crate::Engine;
use axum::extract::{Query, State};
use axum::http::header::{LOCATION, SET_COOKIE};
use axum::http::{HeaderValue, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use chrono::Utc;
use maud::html;
use motcua_core::principal::Principal;
use motcua_web::session::Session;
use serde::Deserialize;

/// Where the login's button sends the browser: the API's staff login, back to the queues.
pub const START: &str = "/v1/auth/login?kind=staff&return_to=/console/";

/// Whether a login's `return_to` (a URL on the engine's origin, as the API keeps it) is a
/// page of the console.
pub fn returns_here(public_url: &str, return_to: &str) -> bool {
    motcua_web::returns_to(public_url, return_to, "/console/")
}

/// The end of a login that returns to the console: a member of staff gets a session and
/// goes to their queues; anyone else is told the console is for staff.
pub fn complete<E: Engine>(engine: &E, principal: &Principal) -> Response {
    let settings = &engine.console();
    let Some(who) = StaffSession::of(principal) else {
        return PageError::new(
            StatusCode::FORBIDDEN,
            "Bảng điều khiển một cửa chỉ dành cho cán bộ. Công dân nộp và theo dõi hồ sơ \
             trên Cổng dịch vụ công.",
        )
        .into_response();
    };
    let session = Session::begin(who, Utc::now().timestamp());
    let cookie = settings.session_cookie(&session);
    let mut response = StatusCode::SEE_OTHER.into_response();
    response
        .headers_mut()
        .insert(LOCATION, HeaderValue::from_static("/console/"));
    if let Ok(cookie) = HeaderValue::from_str(&cookie) {
        response.headers_mut().insert(SET_COOKIE, cookie);
    }
    response
}

#[derive(Deserialize)]
pub struct LoginQuery {
    ended: Option<String>,
}

/// The login page: why one logs in, and the button.
pub async fn page(Query(query): Query<LoginQuery>) -> Response {
    let notice = match query.ended.as_deref() {
        Some("idle") => {
            Some("Phiên làm việc đã hết hạn do không hoạt động. Vui lòng đăng nhập lại.")
        }
        Some("logout") => Some("Bạn đã đăng xuất."),
        _ => None,
    };
    let body = html! {
        @if let Some(notice) = notice {
            p class="notice" role="status" { (notice) }
        }
        p { "Dành cho cán bộ bộ phận một cửa, chuyên viên, lãnh đạo và giám sát. Đăng nhập bằng tài khoản cán bộ của cơ quan." }
        p { a class="button" id="login" href=(START) { "Đăng nhập bằng tài khoản cán bộ" } }
    };
    page::layout("Đăng nhập", None, body).into_response()
}

/// `/console` without the slash: to the queues (or from there to the login).
pub async fn to_start() -> Redirect {
    Redirect::to("/console/")
}

#[derive(Deserialize)]
pub struct NoFields {}

/// Logging out: the cookie is cleared (a forged logout is refused like any other form).
pub async fn logout<E: Engine>(State(engine): State<E>, _: Checked<NoFields>) -> Response {
    let mut response = Redirect::to("/console/login?ended=logout").into_response();
    if let Ok(cookie) = HeaderValue::from_str(&engine.console().cleared_cookie()) {
        response.headers_mut().insert(SET_COOKIE, cookie);
    }
    response
}
