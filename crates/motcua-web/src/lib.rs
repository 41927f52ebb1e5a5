//! What the engine's server-rendered pages share (the staff console, `motcua-console`, and
//! the citizen portal, `motcua-portal`): the session in a signed cookie (`session.rs`,
//! `keys.rs`) read once per request (`guard.rs`), the CSRF token every state-changing form
//! carries (`csrf.rs`), the headers every page answers with and the base stylesheet
//! (`headers.rs`, `base.css`), dates as Vietnamese readers write them (`dates.rs`), a
//! procedure's form rendered from its JSON Schema and read back as a merge patch
//! (`schema_form.rs`, `form_fields.rs`), multipart forms with a file (`multipart.rs`), and
//! the official slips' layout (`slips.rs`, `slip.css`).
//!
//! Each set of pages keeps its own cookie, path and keys ([`Settings`]): a console session
//! is no portal session, and the other way round. What a page shows and who may see it stay
//! with the pages and the use cases.

pub mod csrf;
pub mod dates;
pub mod download;
pub mod form_fields;
pub mod guard;
pub mod headers;
pub mod keys;
pub mod multipart;
pub mod schema_form;
pub mod session;
pub mod slips;

pub use keys::Keys;

/// The stylesheet's primitives both sets of pages build on: type, colours, focus, forms,
/// tables, notices and error summaries. Each serves it followed by its own rules.
pub const BASE_CSS: &str = include_str!("base.css");

/// The session cookie of one set of pages: its name and the path it is sent to.
#[derive(Debug, Clone, Copy)]
pub struct Cookie {
    pub name: &'static str,
    pub path: &'static str,
}

/// One set of pages' settings, fixed at start.
pub struct Settings {
    pub keys: Keys,
    pub cookie: Cookie,
    /// Cookies are `Secure` when the engine's public URL is https.
    pub secure: bool,
    /// The engine's public origin (`https://host[:port]`): a form posted from anywhere else
    /// is refused.
    pub origin: String,
    /// A session with no request for this long is over.
    pub idle_timeout_secs: i64,
    /// Served by `motcua dev`: the pages may say how to try what the engine's clock keeps
    /// closed (the portal's development banner). Never in `motcua serve`.
    pub development: bool,
}

impl Settings {
    /// From the engine's token secret (`MOTCUA_TOKEN_SECRET`, the same in every process),
    /// its public URL (`MOTCUA_PUBLIC_URL`), the pages' name (their keys' label) and cookie.
    pub fn new(token_secret: &[u8], public_url: &str, pages: &str, cookie: Cookie) -> Settings {
        let url = url::Url::parse(public_url).ok();
        Settings {
            keys: Keys::from_secret(token_secret, pages),
            cookie,
            secure: url.as_ref().is_some_and(|u| u.scheme() == "https"),
            origin: url
                .map(|u| u.origin().ascii_serialization())
                .unwrap_or_default(),
            idle_timeout_secs: session::IDLE_TIMEOUT_SECS,
            development: false,
        }
    }

    /// Marks the pages as served by `motcua dev`.
    pub fn with_development(mut self, development: bool) -> Settings {
        self.development = development;
        self
    }

    /// A session idle timeout other than the default 30 minutes (at least a second).
    pub fn with_idle_timeout(mut self, secs: i64) -> Settings {
        self.idle_timeout_secs = secs.max(1);
        self
    }

    /// The `Set-Cookie` value that starts (or keeps) `session`.
    pub fn session_cookie<T>(&self, session: &session::Session<T>) -> String
    where
        T: serde::Serialize + serde::de::DeserializeOwned,
    {
        session.cookie(&self.keys, &self.cookie, self.secure)
    }

    /// The `Set-Cookie` value that ends the session in this browser.
    pub fn cleared_cookie(&self) -> String {
        session::cleared_cookie(&self.cookie, self.secure)
    }
}

/// What a caught panic said, for the log.
pub fn panic_message(cause: &(dyn std::any::Any + Send)) -> String {
    cause
        .downcast_ref::<String>()
        .cloned()
        .or_else(|| cause.downcast_ref::<&str>().map(|s| (*s).to_owned()))
        .unwrap_or_else(|| "unknown panic".into())
}

/// Whether a login's `return_to` (a URL on the engine's origin, as the API keeps it) is a
/// page under `prefix` (`/console/`, `/portal/`).
pub fn returns_to(public_url: &str, return_to: &str, prefix: &str) -> bool {
    return_to
        .strip_prefix(public_url)
        .is_some_and(|path| path.starts_with(prefix))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_pages_under_the_prefix_on_the_engines_origin_are_returned_to() {
        let own = "http://127.0.0.1:8080";
        let console = |to| returns_to(own, to, "/console/");
        assert!(console("http://127.0.0.1:8080/console/"));
        assert!(console("http://127.0.0.1:8080/console/dossiers/x"));
        assert!(!console("http://127.0.0.1:8080/"));
        assert!(!console("http://127.0.0.1:8080/consoles/"));
        assert!(!console("http://127.0.0.1:80800/console/"));
        assert!(returns_to(
            own,
            "http://127.0.0.1:8080/portal/ho-so",
            "/portal/"
        ));
    }

    #[test]
    fn https_makes_cookies_secure_and_the_origin_has_no_path() {
        let cookie = Cookie {
            name: "motcua_portal",
            path: "/portal",
        };
        let settings = Settings::new(b"0123456789abcdef", "https://dvc.example.vn/", "p", cookie);
        assert!(settings.secure);
        assert_eq!(settings.origin, "https://dvc.example.vn");
        assert!(settings.cleared_cookie().ends_with("; Secure"));
        let plain = Settings::new(b"0123456789abcdef", "http://127.0.0.1:8080", "p", cookie);
        assert!(!plain.secure);
        assert_eq!(plain.with_idle_timeout(0).idle_timeout_secs, 1);
    }
}
