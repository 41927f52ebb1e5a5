//! Who the relying parties are: their redirect URIs and their credentials.

use crate::config::OidcClient;
use axum::http::{header, HeaderMap};
use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use url::Url;

/// Whether `requested` may receive this client's authorization responses.
///
/// A registered URI on a loopback host matches a request that differs only in the port
/// (RFC 8252 §7.3): a native app or a developer's engine binds whatever port is free. Every
/// other URI must match exactly, as a simple string comparison (RFC 6749 §3.1.2.3).
pub fn accepts_redirect_uri(client: &OidcClient, requested: &str) -> bool {
    client
        .redirect_uris
        .iter()
        .any(|registered| registered == requested || same_loopback_endpoint(registered, requested))
}

fn same_loopback_endpoint(registered: &str, requested: &str) -> bool {
    let (Ok(registered), Ok(requested)) = (Url::parse(registered), Url::parse(requested)) else {
        return false;
    };
    is_loopback(&registered)
        && registered.scheme() == requested.scheme()
        && registered.host() == requested.host()
        && registered.username() == requested.username()
        && registered.password() == requested.password()
        && registered.path() == requested.path()
        && registered.query() == requested.query()
        && requested.fragment().is_none()
}

fn is_loopback(url: &Url) -> bool {
    match url.host() {
        Some(url::Host::Domain(name)) => name.eq_ignore_ascii_case("localhost"),
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        None => false,
    }
}

/// Why a client could not be authenticated at the token endpoint.
#[derive(Debug, PartialEq, Eq)]
pub enum ClientAuthError {
    /// No `Authorization: Basic` header: the only method the provider offers.
    Missing,
    /// Malformed header, unknown client or wrong secret (not told apart, on purpose).
    Invalid,
}

/// Authenticates the caller by `client_secret_basic` (RFC 6749 §2.3.1).
pub fn authenticate<'a>(
    clients: &'a [OidcClient],
    headers: &HeaderMap,
) -> Result<&'a OidcClient, ClientAuthError> {
    let value = headers
        .get(header::AUTHORIZATION)
        .ok_or(ClientAuthError::Missing)?
        .to_str()
        .map_err(|_| ClientAuthError::Invalid)?;
    let (scheme, encoded) = value.split_once(' ').ok_or(ClientAuthError::Invalid)?;
    if !scheme.eq_ignore_ascii_case("basic") {
        return Err(ClientAuthError::Missing);
    }
    let decoded = STANDARD
        .decode(encoded.trim())
        .map_err(|_| ClientAuthError::Invalid)?;
    let decoded = String::from_utf8(decoded).map_err(|_| ClientAuthError::Invalid)?;
    let (id, secret) = decoded.split_once(':').ok_or(ClientAuthError::Invalid)?;
    // RFC 6749 §2.3.1: both halves are form-urlencoded before they are joined, and read
    // back that way only: a client that skips the encoding fails with a secret holding `%`,
    // `+` or `:` here as it would at a strict provider.
    let (id_decoded, secret_decoded) = (form_decode(id), form_decode(secret));
    let client = clients
        .iter()
        .find(|c| c.client_id == id_decoded)
        .ok_or(ClientAuthError::Invalid)?;
    let expected = client.client_secret.as_bytes();
    if constant_time_eq(expected, secret_decoded.as_bytes()) {
        Ok(client)
    } else {
        Err(ClientAuthError::Invalid)
    }
}

fn form_decode(text: &str) -> String {
    url::form_urlencoded::parse(format!("x={text}").as_bytes())
        .next()
        .map(|(_, v)| v.into_owned())
        .unwrap_or_default()
}

/// Compares secrets without returning early, so response time says nothing about how much of
/// a guessed secret was right.
pub fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn client() -> OidcClient {
        OidcClient {
            client_id: "motcua".into(),
            client_secret: "s3:cr%t".into(),
            redirect_uris: vec![
                "http://127.0.0.1/v1/auth/callback".into(),
                "http://localhost/v1/auth/callback".into(),
                "http://[::1]/cb".into(),
                "https://dichvucong.example/v1/auth/callback".into(),
            ],
        }
    }

    #[test]
    fn loopback_redirects_match_any_port() {
        let c = client();
        assert!(accepts_redirect_uri(
            &c,
            "http://127.0.0.1:39123/v1/auth/callback"
        ));
        assert!(accepts_redirect_uri(
            &c,
            "http://127.0.0.1/v1/auth/callback"
        ));
        assert!(accepts_redirect_uri(
            &c,
            "http://localhost:8080/v1/auth/callback"
        ));
        assert!(accepts_redirect_uri(&c, "http://[::1]:5000/cb"));
    }

    #[test]
    fn loopback_match_still_checks_everything_but_the_port() {
        let c = client();
        assert!(!accepts_redirect_uri(
            &c,
            "http://127.0.0.1:1/v1/auth/other"
        ));
        assert!(!accepts_redirect_uri(
            &c,
            "https://127.0.0.1:1/v1/auth/callback"
        ));
        assert!(!accepts_redirect_uri(
            &c,
            "http://127.0.0.1:1/v1/auth/callback?x=1"
        ));
        assert!(!accepts_redirect_uri(
            &c,
            "http://127.0.0.1:1/v1/auth/callback#f"
        ));
        assert!(!accepts_redirect_uri(
            &c,
            "http://localhost.evil.example:1/v1/auth/callback"
        ));
        assert!(!accepts_redirect_uri(
            &c,
            "http://user@127.0.0.1:1/v1/auth/callback"
        ));
        // The host must be the registered one, not just any loopback name.
        assert!(!accepts_redirect_uri(
            &c,
            "http://127.0.0.2:1/v1/auth/callback"
        ));
    }

    #[test]
    fn other_redirects_match_exactly() {
        let c = client();
        assert!(accepts_redirect_uri(
            &c,
            "https://dichvucong.example/v1/auth/callback"
        ));
        assert!(!accepts_redirect_uri(
            &c,
            "https://dichvucong.example:8443/v1/auth/callback"
        ));
        assert!(!accepts_redirect_uri(
            &c,
            "https://dichvucong.example/v1/auth/callback/"
        ));
        assert!(!accepts_redirect_uri(
            &c,
            "https://DICHVUCONG.example/v1/auth/callback"
        ));
    }

    fn basic(id: &str, secret: &str) -> HeaderMap {
        let encode =
            |s: &str| url::form_urlencoded::byte_serialize(s.as_bytes()).collect::<String>();
        let value = STANDARD.encode(format!("{}:{}", encode(id), encode(secret)));
        let mut headers = HeaderMap::new();
        headers.insert(
            header::AUTHORIZATION,
            HeaderValue::from_str(&format!("Basic {value}")).unwrap(),
        );
        headers
    }

    #[test]
    fn basic_authentication() {
        let clients = [client()];
        assert!(authenticate(&clients, &basic("motcua", "s3:cr%t")).is_ok());
        assert_eq!(
            authenticate(&clients, &basic("motcua", "wrong")).unwrap_err(),
            ClientAuthError::Invalid
        );
        assert_eq!(
            authenticate(&clients, &basic("other", "s3:cr%t")).unwrap_err(),
            ClientAuthError::Invalid
        );
        assert_eq!(
            authenticate(&clients, &HeaderMap::new()).unwrap_err(),
            ClientAuthError::Missing
        );
        let mut garbage = HeaderMap::new();
        garbage.insert(header::AUTHORIZATION, HeaderValue::from_static("Basic !!!"));
        assert_eq!(
            authenticate(&clients, &garbage).unwrap_err(),
            ClientAuthError::Invalid
        );
    }

    #[test]
    fn unencoded_secret_with_plain_characters_also_works() {
        // Most clients (reqwest's basic_auth among them) do not form-encode; for secrets made
        // of unreserved characters the two encodings agree.
        let clients = [OidcClient {
            client_secret: "motcua-dev-secret".into(),
            ..client()
        }];
        let mut headers = HeaderMap::new();
        let value = STANDARD.encode("motcua:motcua-dev-secret");
        headers.insert(
            header::AUTHORIZATION,
            HeaderValue::from_str(&format!("Basic {value}")).unwrap(),
        );
        assert!(authenticate(&clients, &headers).is_ok());
    }

    #[test]
    fn an_unencoded_secret_with_reserved_characters_is_refused() {
        let clients = [OidcClient {
            client_secret: "s3cr+t%41".into(),
            ..client()
        }];
        assert!(authenticate(&clients, &basic("motcua", "s3cr+t%41")).is_ok());
        let mut headers = HeaderMap::new();
        // Read back as form-urlencoded, `+` is a space and `%41` an `A`: not the secret.
        let value = STANDARD.encode("motcua:s3cr+t%41");
        headers.insert(
            header::AUTHORIZATION,
            HeaderValue::from_str(&format!("Basic {value}")).unwrap(),
        );
        assert_eq!(
            authenticate(&clients, &headers).unwrap_err(),
            ClientAuthError::Invalid
        );
    }
}
