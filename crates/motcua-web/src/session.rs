//! A set of pages' session: who is logged in, in a cookie the engine signs (HMAC-SHA256 with a
//! key derived from the token secret, see `keys.rs`), so that any engine process reads it
//! and none keeps a table of sessions. What the cookie says of the person (`T`: a staff
//! member for the console, a citizen for the portal) is the pages' own; the stamps around
//! it (a random id, the login and the last request) and their checks are shared.
//!
//! The cookie is `HttpOnly` (no script reads it), `SameSite=Lax` (sent on the top-level
//! navigation back from the identity provider, never on another site's POST), `Secure` when
//! the engine's public URL is https, and scoped to its pages' path. It ends after the idle
//! timeout without a request and, however busy, [`MAX_AGE_SECS`] after the login. Logging
//! out clears it; as with the API's access tokens, a copy taken before stays valid until it
//! expires, which the short idle timeout bounds.

use crate::keys::Keys;
use crate::Cookie;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

/// A session with no request for this long is over: a desk left unattended, a phone put
/// down. The default idle timeout.
pub const IDLE_TIMEOUT_SECS: i64 = 30 * 60;

/// A session ends this long after its login, whatever happened since: a working day.
pub const MAX_AGE_SECS: i64 = 10 * 60 * 60;

/// The cookie is written again (its idle clock reset) at most this often, not on every
/// request (and at least twice per idle timeout, should that be shorter).
const REFRESH_AFTER_SECS: i64 = 60;

/// A signed cookie is a few hundred bytes; anything much longer is not one of ours.
const MAX_COOKIE_BYTES: usize = 4096;

/// Who is logged in (`who`), as the cookie carries it, with the session's stamps.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Session<T> {
    #[serde(flatten)]
    pub who: T,
    /// A random id of this login: the CSRF token is derived from it, so it stays the same
    /// while the cookie is refreshed and changes with every login.
    pub sid: String,
    /// Unix seconds: the login, and the last request seen.
    pub login_at: i64,
    pub seen_at: i64,
}

/// What the request's cookie says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Found<T> {
    /// No cookie, or one the engine did not sign.
    None,
    /// A session that timed out: the login page says so.
    Ended,
    Active(Session<T>),
}

impl<T: Serialize + DeserializeOwned> Session<T> {
    /// A new session, with an id of its own, for someone who logged in at `now`.
    pub fn begin(who: T, now: i64) -> Session<T> {
        let sid: [u8; 16] = rand::random();
        Session {
            who,
            sid: URL_SAFE_NO_PAD.encode(sid),
            login_at: now,
            seen_at: now,
        }
    }

    /// `payload.signature`, both base64url.
    pub fn encode(&self, keys: &Keys) -> String {
        // The sessions' payloads are structs of strings and integers: they always serialise.
        let json = serde_json::to_vec(self).unwrap_or_default();
        let payload = URL_SAFE_NO_PAD.encode(json);
        let tag = URL_SAFE_NO_PAD.encode(keys.session.sign(payload.as_bytes()));
        format!("{payload}.{tag}")
    }

    /// The session a cookie value holds, if the engine signed it and it has not ended (had
    /// a request in the last `idle_secs`, and is not older than [`MAX_AGE_SECS`]).
    pub fn decode(value: &str, keys: &Keys, now: i64, idle_secs: i64) -> Found<T> {
        if value.len() > MAX_COOKIE_BYTES {
            return Found::None;
        }
        let Some((payload, tag)) = value.split_once('.') else {
            return Found::None;
        };
        let Ok(tag) = URL_SAFE_NO_PAD.decode(tag) else {
            return Found::None;
        };
        if !keys.session.verify(payload.as_bytes(), &tag) {
            return Found::None;
        }
        let Some(session) = URL_SAFE_NO_PAD
            .decode(payload)
            .ok()
            .and_then(|json| serde_json::from_slice::<Session<T>>(&json).ok())
        else {
            return Found::None;
        };
        if now - session.seen_at > idle_secs || now - session.login_at > MAX_AGE_SECS {
            return Found::Ended;
        }
        Found::Active(session)
    }

    /// Whether the cookie should be written again now, to keep the session alive.
    pub fn needs_refresh(&self, now: i64, idle_secs: i64) -> bool {
        now - self.seen_at >= REFRESH_AFTER_SECS.min(idle_secs / 2)
    }

    /// The `Set-Cookie` value that keeps this session.
    pub fn cookie(&self, keys: &Keys, cookie: &Cookie, secure: bool) -> String {
        let max_age = (self.login_at + MAX_AGE_SECS - self.seen_at).max(0);
        cookie_header(cookie, &self.encode(keys), max_age, secure)
    }
}

/// The `Set-Cookie` value that ends the session in this browser.
pub fn cleared_cookie(cookie: &Cookie, secure: bool) -> String {
    cookie_header(cookie, "", 0, secure)
}

fn cookie_header(cookie: &Cookie, value: &str, max_age: i64, secure: bool) -> String {
    let secure = if secure { "; Secure" } else { "" };
    let Cookie { name, path } = cookie;
    format!("{name}={value}; HttpOnly; SameSite=Lax; Path={path}; Max-Age={max_age}{secure}")
}

/// The value of the cookie `name` among the request's cookies.
pub fn cookie_value<'a>(headers: &'a axum::http::HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(axum::http::header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(found, _)| *found == name)
        .map(|(_, value)| value)
}

#[cfg(test)]
mod tests {
    use super::*;

    const CONSOLE: Cookie = Cookie {
        name: "motcua_console",
        path: "/console",
    };

    #[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
    struct Clerk {
        sub: String,
        agency: String,
    }

    fn keys() -> Keys {
        Keys::from_secret(b"0123456789abcdef0123456789abcdef", "motcua-console")
    }

    fn clerk() -> Clerk {
        Clerk {
            sub: "motcua.tiepnhan".into(),
            agency: "SGDDT-HN".into(),
        }
    }

    #[test]
    fn a_signed_session_reads_back_until_it_is_idle_or_too_old() {
        let session = Session::begin(clerk(), 1_000);
        let value = session.encode(&keys());
        assert_eq!(
            Session::decode(
                &value,
                &keys(),
                1_000 + IDLE_TIMEOUT_SECS,
                IDLE_TIMEOUT_SECS
            ),
            Found::Active(session.clone())
        );
        assert_eq!(
            Session::<Clerk>::decode(
                &value,
                &keys(),
                1_001 + IDLE_TIMEOUT_SECS,
                IDLE_TIMEOUT_SECS
            ),
            Found::Ended
        );
        // A shorter idle timeout set by configuration ends it sooner, and refreshes sooner.
        assert_eq!(
            Session::<Clerk>::decode(&value, &keys(), 1_005, 4),
            Found::Ended
        );
        assert!(session.needs_refresh(1_002, 4) && !session.needs_refresh(1_001, 4));
        let mut busy = session.clone();
        busy.seen_at = 1_000 + MAX_AGE_SECS;
        let value = busy.encode(&keys());
        assert_eq!(
            Session::<Clerk>::decode(&value, &keys(), 1_001 + MAX_AGE_SECS, IDLE_TIMEOUT_SECS),
            Found::Ended
        );
    }

    #[test]
    fn a_changed_or_foreign_cookie_is_no_session() {
        let session = Session::begin(clerk(), 1_000);
        let value = session.encode(&keys());
        let (payload, tag) = value.split_once('.').unwrap();
        // Another agency written into the payload, the old signature kept.
        let mut forged = session.clone();
        forged.who.agency = "SGDDT-HCM".into();
        let forged_payload = forged.encode(&keys());
        let forged_payload = forged_payload.split_once('.').unwrap().0;
        for bad in [
            format!("{forged_payload}.{tag}"),
            format!("{payload}."),
            payload.to_owned(),
            String::new(),
            "x".repeat(MAX_COOKIE_BYTES + 1),
        ] {
            assert_eq!(
                Session::<Clerk>::decode(&bad, &keys(), 1_000, IDLE_TIMEOUT_SECS),
                Found::None,
                "{bad}"
            );
        }
        let other = Keys::from_secret(b"another secret of thirty-two bytes", "motcua-console");
        assert_eq!(
            Session::<Clerk>::decode(&value, &other, 1_000, IDLE_TIMEOUT_SECS),
            Found::None
        );
        // The same secret, another set of pages: not a session there.
        let portal = Keys::from_secret(b"0123456789abcdef0123456789abcdef", "motcua-portal");
        assert_eq!(
            Session::<Clerk>::decode(&value, &portal, 1_000, IDLE_TIMEOUT_SECS),
            Found::None
        );
    }

    #[test]
    fn each_login_has_its_own_id() {
        let (a, b) = (Session::begin(clerk(), 0), Session::begin(clerk(), 0));
        assert_ne!(a.sid, b.sid);
    }

    #[test]
    fn the_cookie_is_http_only_lax_scoped_and_secure_under_https() {
        let session = Session::begin(clerk(), 0);
        let plain = session.cookie(&keys(), &CONSOLE, false);
        assert!(plain.starts_with("motcua_console="));
        assert!(plain.contains("; HttpOnly; SameSite=Lax; Path=/console"));
        assert!(!plain.contains("Secure"));
        assert!(session
            .cookie(&keys(), &CONSOLE, true)
            .ends_with("; Secure"));
        assert!(cleared_cookie(&CONSOLE, false).contains("Max-Age=0"));
    }

    #[test]
    fn the_cookie_is_found_by_its_name() {
        let mut headers = axum::http::HeaderMap::new();
        headers.insert(
            axum::http::header::COOKIE,
            axum::http::HeaderValue::from_static("a=1; motcua_console=v.t; motcua_portal=p.q"),
        );
        assert_eq!(cookie_value(&headers, "motcua_console"), Some("v.t"));
        assert_eq!(cookie_value(&headers, "motcua_portal"), Some("p.q"));
        assert_eq!(cookie_value(&headers, "motcua"), None);
    }
}
