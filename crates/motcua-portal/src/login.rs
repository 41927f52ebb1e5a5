//! Logging in and out. The portal has no login of its own: its button starts the API's
//! OpenID Connect flow for citizens (`/v1/auth/login?kind=citizen&return_to=/portal/...`),
//! so the identity provider (VNeID), PKCE, the state cookie and the login's checks are the
//! API's. The API's callback, seeing a login that returns to the portal ([`returns_here`]),
//! hands it to [`complete`], which starts the portal's session instead of putting an access
//! token in a URL fragment that pages without JavaScript could not read.

use crate::citizen::{Citizen, CitizenSession};
use crate::lang::t;
use crate::page;
use crate::Engine;
use axum::extract::{Query, State};
use axum::http::header::{LOCATION, SET_COOKIE};
use axum::http::{HeaderValue, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use chrono::Utc;
use maud::html;
use motcua_core::principal::Principal;
use motcua_web::csrf::Checked;
use motcua_web::session::Session;
use serde::Deserialize;

/// Where a citizen goes after logging in when no page asked for the login.
const HOME: &str = "/portal/ho-so";

/// Whether a login's `return_to` (a URL on the engine's origin, as the API keeps it) is a
/// page of the portal.
pub fn returns_here(public_url: &str, return_to: &str) -> bool {
    motcua_web::returns_to(public_url, return_to, "/portal/")
}

/// The end of a login that returns to the portal: a citizen gets a session and goes to the
/// page they were going to; a member of staff is told, on the login page, that the portal
/// is for citizens.
pub fn complete<E: Engine>(engine: &E, principal: &Principal, return_to: &str) -> Response {
    let settings = &engine.portal();
    let Some(who) = CitizenSession::of(principal) else {
        // Told on the portal's own login page (styled, under the portal's headers), with no
        // session: the callback's answer is the API's.
        return Redirect::to("/portal/dang-nhap?ly_do=can-bo").into_response();
    };
    let session = Session::begin(who, Utc::now().timestamp());
    // The API checked that `return_to` is on the engine's origin: only its path is kept.
    let target = url::Url::parse(return_to)
        .ok()
        .map(|u| match u.query() {
            Some(q) => format!("{}?{q}", u.path()),
            None => u.path().to_owned(),
        })
        .filter(|path| own_page(path))
        .unwrap_or_else(|| HOME.to_owned());
    let mut response = StatusCode::SEE_OTHER.into_response();
    if let Ok(location) = HeaderValue::from_str(&target) {
        response.headers_mut().insert(LOCATION, location);
    }
    if let Ok(cookie) = HeaderValue::from_str(&settings.session_cookie(&session)) {
        response.headers_mut().insert(SET_COOKIE, cookie);
    }
    response
}

/// A path of the portal's own, safe to send a browser back to.
fn own_page(path: &str) -> bool {
    path.starts_with("/portal/")
        && !path.starts_with("/portal//")
        && !path.contains('\\')
        && !path.chars().any(char::is_control)
}

/// The API's citizen login, back to `next` afterwards. A login that starts from a
/// procedure's page names the procedure, so the identity provider is asked for the
/// assurance level that procedure needs instead of sending the citizen back a second time.
pub fn start(next: &str) -> String {
    let next = if own_page(next) { next } else { HOME };
    let mut query = url::form_urlencoded::Serializer::new(String::new());
    query
        .append_pair("kind", "citizen")
        .append_pair("return_to", next);
    if let Some(code) = procedure_of(next) {
        query.append_pair("procedure", code);
    }
    format!("/v1/auth/login?{}", query.finish())
}

/// The procedure code of a procedure's page (`/portal/thu-tuc/{code}`), when it looks like
/// one; anything else is left to the page itself to refuse.
fn procedure_of(page: &str) -> Option<&str> {
    let code = page.strip_prefix("/portal/thu-tuc/")?;
    let code = code.split(['/', '?', '#']).next()?;
    let looks_like_a_code = !code.is_empty()
        && code.len() <= 32
        && code
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '.' || c == '-');
    looks_like_a_code.then_some(code)
}

#[derive(Deserialize)]
pub struct LoginQuery {
    /// The page to go to after the login.
    tiep: Option<String>,
    /// Why one is back here: `het-han` (the session timed out), `dang-xuat` (logged out),
    /// `can-bo` (a member of staff logged in).
    ly_do: Option<String>,
}

/// The login page: why one logs in, and the button.
pub async fn page(Query(query): Query<LoginQuery>) -> Response {
    let notice = match query.ly_do.as_deref() {
        Some("het-han") => Some(t(
            "Phiên đăng nhập đã hết hạn do lâu không thao tác. Vui lòng đăng nhập lại.",
            "Your session ended after a time without activity. Please log in again.",
        )),
        Some("dang-xuat") => Some(t("Bạn đã đăng xuất.", "You are logged out.")),
        Some("can-bo") => Some(t(
            "Cổng dịch vụ công dành cho công dân. Cán bộ làm việc trên Bảng điều khiển một cửa \
             (/console/).",
            "The public services portal is for citizens. Staff work in the one-stop console \
             (/console/).",
        )),
        _ => None,
    };
    let next = query.tiep.as_deref().unwrap_or(HOME);
    let body = html! {
        @if let Some(notice) = notice {
            p class="notice" role="status" id="notice" { (notice) }
        }
        p { (t("Đăng nhập để nộp hồ sơ trực tuyến và theo dõi hồ sơ của bạn. Bạn dùng tài khoản định danh điện tử VNeID.", "Log in to apply online and follow your dossiers. You use your VNeID electronic identity account.")) }
        p { a class="button" id="login" href=(start(next)) { (t("Đăng nhập bằng VNeID", "Log in with VNeID")) } }
        p { a href="/portal/" { (t("Xem danh mục thủ tục (không cần đăng nhập)", "See the procedures (no login needed)")) } }
    };
    page::layout(crate::lang::words().log_in, None, body).into_response()
}

/// `/portal` without the slash: to the catalogue.
pub async fn to_start() -> Redirect {
    Redirect::to("/portal/")
}

#[derive(Deserialize)]
pub struct NoFields {}

/// Logging out: the cookie is cleared (a forged logout is refused like any other form).
pub async fn logout<E: Engine>(State(engine): State<E>, _: Checked<Citizen, NoFields>) -> Response {
    let mut response = Redirect::to("/portal/dang-nhap?ly_do=dang-xuat").into_response();
    if let Ok(cookie) = HeaderValue::from_str(&engine.portal().cleared_cookie()) {
        response.headers_mut().insert(SET_COOKIE, cookie);
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_login_returns_only_to_the_portals_own_pages() {
        assert_eq!(
            start("/portal/ho-so/abc"),
            "/v1/auth/login?kind=citizen&return_to=%2Fportal%2Fho-so%2Fabc"
        );
        assert!(start("/portal/thu-tuc/1.005142").ends_with("&procedure=1.005142"));
        assert!(!start("/portal/thu-tuc/%3Cx%3E").contains("procedure="));
        assert!(!start("/portal/ho-so/abc").contains("procedure="));
        for elsewhere in [
            "https://evil.example/",
            "//evil.example",
            "/console/",
            "/portal//x",
        ] {
            assert!(
                start(elsewhere).ends_with("return_to=%2Fportal%2Fho-so"),
                "{elsewhere}"
            );
        }
    }
}
