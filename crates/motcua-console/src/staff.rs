//! Who is asking: the session read from its cookie once per request (refreshed as it goes,
//! cleared when it timed out), and [`Staff`], the extractor every page takes. A request
//! without a session is sent to the login page; nothing behind it runs.

use crate::csrf::CsrfToken;
use crate::error::PageError;
use crate::session::{cleared_cookie, cookie_value, Found, Session};
use crate::Engine;
use axum::extract::{FromRequestParts, Request, State};
use axum::http::header::{ORIGIN, SET_COOKIE};
use axum::http::request::Parts;
use axum::http::{HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};
use chrono::Utc;
use motcua_core::principal::Principal;

/// A session that timed out, for the login page to say so.
#[derive(Clone, Copy)]
struct Ended;

/// Reads the session, refuses a form posted from another origin, and writes the cookie
/// again when the session was refreshed or ended.
pub async fn with_session<E: Engine>(
    State(engine): State<E>,
    mut request: Request,
    next: Next,
) -> Response {
    let settings = engine.console();
    if request.method() == Method::POST && !same_origin(&request, &settings.origin) {
        // Defence in depth beside the CSRF token: a browser names the page a form came
        // from, and a page of another site has no business posting here.
        return PageError::new(
            StatusCode::FORBIDDEN,
            "Biểu mẫu được gửi từ một trang web khác: không có gì thay đổi.",
        )
        .into_response();
    }
    let now = Utc::now().timestamp();
    let found = cookie_value(request.headers()).map_or(Found::None, |value| {
        Session::decode(value, &settings.keys, now, settings.idle_timeout_secs)
    });
    let mut set_cookie = None;
    match found {
        Found::Active(mut session) => {
            if session.needs_refresh(now, settings.idle_timeout_secs) {
                session.seen_at = now;
                set_cookie = Some(session.cookie(&settings.keys, settings.secure));
            }
            let token = CsrfToken::of(&settings.keys, &session);
            request.extensions_mut().insert(token);
            request.extensions_mut().insert(session);
        }
        Found::Ended => {
            request.extensions_mut().insert(Ended);
            set_cookie = Some(cleared_cookie(settings.secure));
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

/// A logged-in member of staff: the session, its principal, and the token its forms carry.
pub struct Staff {
    pub session: Session,
    pub principal: Principal,
    pub csrf: CsrfToken,
}

impl<S: Send + Sync> FromRequestParts<S> for Staff {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Response> {
        let session = parts.extensions.get::<Session>().cloned();
        let csrf = parts.extensions.get::<CsrfToken>().cloned();
        match (session, csrf) {
            (Some(session), Some(csrf)) => Ok(Staff {
                principal: session.principal(),
                session,
                csrf,
            }),
            _ if parts.extensions.get::<Ended>().is_some() => {
                Err(Redirect::to("/console/login?ended=idle").into_response())
            }
            _ => Err(Redirect::to("/console/login").into_response()),
        }
    }
}
