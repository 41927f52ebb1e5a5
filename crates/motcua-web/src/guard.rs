//! The session read from its cookie once per request (refreshed as it goes, cleared when it
//! timed out), and a form posted from another site refused before anything else. The pages'
//! extractors then find the [`Visit`] (or that the session [`Ended`]) in the request.

use crate::csrf::CsrfToken;
use crate::session::{cookie_value, Found, Session};
use crate::Settings;
use axum::extract::Request;
use axum::http::header::{ORIGIN, SET_COOKIE};
use axum::http::request::Parts;
use axum::http::{HeaderValue, Method};
use axum::middleware::Next;
use axum::response::Response;
use chrono::Utc;
use serde::de::DeserializeOwned;
use serde::Serialize;

/// What a person is told of a form another site's page posted.
pub const FOREIGN: &str = "Biểu mẫu được gửi từ một trang web khác: không có gì thay đổi.";

/// The session of the request and the token its forms carry.
#[derive(Debug, Clone)]
pub struct Visit<T> {
    pub session: Session<T>,
    pub csrf: CsrfToken,
}

/// A session that timed out, for the login page to say so.
#[derive(Debug, Clone, Copy)]
pub struct Ended;

/// What the request's extensions say of its session: a visit, or none (`Err(true)` when
/// one timed out).
pub fn visit<T: Clone + Send + Sync + 'static>(parts: &Parts) -> Result<Visit<T>, bool> {
    parts
        .extensions
        .get::<Visit<T>>()
        .cloned()
        .ok_or_else(|| parts.extensions.get::<Ended>().is_some())
}

/// Reads the session of type `T`, refuses a form posted from another origin (with
/// `foreign`, the pages' own refusal), and writes the cookie again when the session was
/// refreshed or ended. The pages wrap it in a middleware function of their own.
pub async fn read_session<T>(
    settings: &Settings,
    foreign: impl FnOnce() -> Response,
    mut request: Request,
    next: Next,
) -> Response
where
    T: Serialize + DeserializeOwned + Clone + Send + Sync + 'static,
{
    if request.method() == Method::POST && !same_origin(&request, &settings.origin) {
        // Defence in depth beside the CSRF token: a browser names the page a form came
        // from, and a page of another site has no business posting here.
        return foreign();
    }
    let now = Utc::now().timestamp();
    let found = cookie_value(request.headers(), settings.cookie.name).map_or(Found::None, |v| {
        Session::<T>::decode(v, &settings.keys, now, settings.idle_timeout_secs)
    });
    let mut set_cookie = None;
    match found {
        Found::Active(mut session) => {
            if session.needs_refresh(now, settings.idle_timeout_secs) {
                session.seen_at = now;
                set_cookie = Some(settings.session_cookie(&session));
            }
            let csrf = CsrfToken::of(&settings.keys, &session.sid);
            request.extensions_mut().insert(Visit { session, csrf });
        }
        Found::Ended => {
            request.extensions_mut().insert(Ended);
            set_cookie = Some(settings.cleared_cookie());
        }
        Found::None => {}
    }
    let mut response = next.run(request).await;
    // A handler that set the cookie itself (logout) has the last word.
    if let Some(cookie) = set_cookie.filter(|_| !response.headers().contains_key(SET_COOKIE)) {
        if let Ok(value) = HeaderValue::from_str(&cookie) {
            response.headers_mut().insert(SET_COOKIE, value);
        }
    }
    response
}

/// Whether a POST came from one of the engine's own pages: its `Origin` (which browsers
/// send with every form post) is the engine's public origin. A client that sends none is
/// no browser on another site and still needs the CSRF token.
fn same_origin(request: &Request, origin: &str) -> bool {
    match request.headers().get(ORIGIN) {
        None => true,
        Some(sent) => sent.to_str().is_ok_and(|sent| sent == origin),
    }
}
