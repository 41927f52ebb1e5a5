//! The authorization endpoint: the browser arrives here from the relying party, the person
//! logs in, and the browser goes back with a code (RFC 6749 §4.1, OIDC Core §3.1.2).
//!
//! The login form carries the request's parameters in hidden fields, and the `POST` checks
//! them all again exactly like the `GET` did: nothing is kept between the two, so the page can
//! sit open for any time and the simulator can restart in between.

use super::claims::Profile;
use super::clients::accepts_redirect_uri;
use super::grants::CodeGrant;
use super::params::Params;
use super::{login_page, pkce, Provider};
use crate::accounts::{self, mask_username, PASSWORD};
use crate::html;
use crate::register::{Population, Status};
use axum::body::Bytes;
use axum::extract::{RawQuery, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use std::sync::Arc;
use std::time::Instant;
use url::Url;

/// The scopes the provider knows; others are ignored (OIDC Core §3.1.2.1).
const SUPPORTED_SCOPES: &[&str] = &["openid", "profile"];

/// A checked authorization request.
#[derive(Debug, Clone)]
pub struct AuthorizeRequest {
    pub client_id: String,
    pub redirect_uri: String,
    /// The granted scopes, space-separated.
    pub scope: String,
    pub state: Option<String>,
    pub nonce: Option<String>,
    pub code_challenge: String,
    pub login_hint: Option<String>,
    /// The levels of assurance asked for (OIDC Core §3.1.2.1), space-separated.
    pub acr_values: Option<String>,
}

impl AuthorizeRequest {
    /// The parameters to send again with the login form.
    pub fn form_fields(&self) -> Vec<(&'static str, &str)> {
        let mut fields = vec![
            ("response_type", "code"),
            ("client_id", self.client_id.as_str()),
            ("redirect_uri", self.redirect_uri.as_str()),
            ("scope", self.scope.as_str()),
            ("code_challenge", self.code_challenge.as_str()),
            ("code_challenge_method", "S256"),
        ];
        if let Some(state) = &self.state {
            fields.push(("state", state));
        }
        if let Some(nonce) = &self.nonce {
            fields.push(("nonce", nonce));
        }
        if let Some(acr_values) = &self.acr_values {
            fields.push(("acr_values", acr_values));
        }
        fields
    }
}

/// Why an authorization request is refused.
#[derive(Debug)]
enum Refusal {
    /// The client or its redirect URI cannot be trusted: tell the person, never redirect
    /// (RFC 6749 §4.1.2.1), or the provider becomes an open redirector.
    Untrusted(String),
    /// Tell the client, through its verified redirect URI.
    ToClient {
        redirect_uri: String,
        state: Option<String>,
        error: &'static str,
        description: String,
    },
}

impl IntoResponse for Refusal {
    fn into_response(self) -> Response {
        match self {
            Refusal::Untrusted(reason) => {
                tracing::info!(%reason, "authorization request refused without redirect");
                html::page(
                    StatusCode::BAD_REQUEST,
                    "Yêu cầu không hợp lệ / Invalid request",
                    &format!(
                        "<h1>Yêu cầu không hợp lệ / Invalid request</h1>\n<p>{}</p>\n\
                         <p>Ứng dụng gửi bạn đến đây chưa được đăng ký đúng. \
                         The application that sent you here is not registered correctly.</p>",
                        html::escape(&reason)
                    ),
                )
            }
            Refusal::ToClient {
                redirect_uri,
                state,
                error,
                description,
            } => {
                tracing::info!(error, %description, "authorization request refused");
                let mut pairs = vec![
                    ("error", error),
                    ("error_description", description.as_str()),
                ];
                if let Some(state) = &state {
                    pairs.push(("state", state));
                }
                redirect_with(&redirect_uri, &pairs)
            }
        }
    }
}

/// `GET /authorize`: check the request, then show the login form.
pub async fn show_login(
    State(provider): State<Arc<Provider>>,
    RawQuery(query): RawQuery,
) -> Response {
    let params = Params::parse(query.unwrap_or_default().as_bytes());
    match check_request(&provider, &params) {
        Ok(request) => {
            let username = request.login_hint.clone().unwrap_or_default();
            login_page::render(&request, &username, None)
        }
        Err(refusal) => refusal.into_response(),
    }
}

/// `POST /authorize`: check the request again and the credentials; on success, send the
/// browser back with a code.
pub async fn log_in(
    State(provider): State<Arc<Provider>>,
    RawQuery(query): RawQuery,
    body: Bytes,
) -> Response {
    let mut params = Params::parse(&body);
    // A form without an `action` posts to the page's own URL, query string included: a client
    // that posts only the credentials still names its request that way.
    params.fill_from(Params::parse(query.unwrap_or_default().as_bytes()));
    let request = match check_request(&provider, &params) {
        Ok(request) => request,
        Err(refusal) => return refusal.into_response(),
    };
    let username = params.get("username").unwrap_or_default().trim();
    let password = params.get("password").unwrap_or_default();
    let Some(profile) = check_credentials(username, password) else {
        tracing::info!(user = %mask_username(username), client_id = %request.client_id, "login failed");
        // 200, not 401: a 401 must carry an HTTP authentication challenge, and a login form is
        // not one. What matters to a client is that no redirect (and no code) comes back.
        return login_page::render(
            &request,
            username,
            Some("Tên đăng nhập hoặc mật khẩu không đúng. / Wrong username or password."),
        );
    };
    let grant = CodeGrant {
        client_id: request.client_id.clone(),
        redirect_uri: request.redirect_uri.clone(),
        code_challenge: request.code_challenge.clone(),
        nonce: request.nonce.clone(),
        scope: request.scope.clone(),
        profile: profile.clone(),
        shape: provider.profile(),
        acr_values: request.acr_values.clone(),
        auth_time: chrono::Utc::now().timestamp(),
    };
    let code = provider.grants.issue_code(grant, Instant::now());
    tracing::info!(user = %profile.log_label(), client_id = %request.client_id, acr_values = ?request.acr_values, "login succeeded, code issued");
    let mut pairs = vec![("code", code.as_str())];
    if let Some(state) = &request.state {
        pairs.push(("state", state));
    }
    redirect_with(&request.redirect_uri, &pairs)
}

/// The person behind a username and password: a test account, or else a living resident of
/// the synthetic population (username = their number). VNeID closes the account of someone
/// who has died, so a deceased resident cannot log in, except the named test account made
/// for exactly that case.
fn check_credentials(username: &str, password: &str) -> Option<Profile> {
    if !super::clients::constant_time_eq(password.as_bytes(), PASSWORD.as_bytes()) {
        return None;
    }
    if let Some(account) = accounts::find(username) {
        return Some(Profile::of(account));
    }
    let resident = Population::shared().get(username)?;
    (resident.status() != Status::Deceased).then(|| Profile::resident(&resident))
}

fn check_request(provider: &Provider, params: &Params) -> Result<AuthorizeRequest, Refusal> {
    // First the client and where to answer it: until both are verified, errors go to the
    // person, not to a URI someone else chose.
    if params.is_repeated("client_id") || params.is_repeated("redirect_uri") {
        return Err(Refusal::Untrusted(
            "client_id or redirect_uri was sent more than once.".into(),
        ));
    }
    let client_id = params
        .get("client_id")
        .ok_or_else(|| Refusal::Untrusted("The request has no client_id.".into()))?;
    let client = provider
        .client(client_id)
        .ok_or_else(|| Refusal::Untrusted(format!("Unknown client_id {client_id:?}.")))?;
    // OIDC Core §3.1.2.1 makes redirect_uri required, even for a client with one URI.
    let redirect_uri = params
        .get("redirect_uri")
        .ok_or_else(|| Refusal::Untrusted("The request has no redirect_uri.".into()))?;
    if !accepts_redirect_uri(client, redirect_uri) {
        return Err(Refusal::Untrusted(format!(
            "redirect_uri {redirect_uri:?} is not registered for client {client_id:?}."
        )));
    }

    let state = params
        .get("state")
        .filter(|_| !params.is_repeated("state"))
        .map(str::to_owned);
    let refuse = |error: &'static str, description: &str| Refusal::ToClient {
        redirect_uri: redirect_uri.to_owned(),
        state: state.clone(),
        error,
        description: description.to_owned(),
    };

    if let Some(name) = params.repeated() {
        return Err(refuse(
            "invalid_request",
            &format!("parameter {name} was sent more than once"),
        ));
    }
    if params.get("request").is_some() {
        return Err(refuse(
            "request_not_supported",
            "request objects are not supported",
        ));
    }
    if params.get("request_uri").is_some() {
        return Err(refuse(
            "request_uri_not_supported",
            "request_uri is not supported",
        ));
    }
    match params.get("response_type") {
        None => return Err(refuse("invalid_request", "response_type is missing")),
        Some("code") => {}
        Some(_) => {
            return Err(refuse(
                "unsupported_response_type",
                "only the authorization code flow (response_type=code) is supported",
            ))
        }
    }
    if let Some(mode) = params.get("response_mode") {
        if mode != "query" {
            return Err(refuse(
                "invalid_request",
                "only response_mode=query is supported",
            ));
        }
    }
    let requested: Vec<&str> = params.get("scope").unwrap_or_default().split(' ').collect();
    if !requested.contains(&"openid") {
        return Err(refuse("invalid_scope", "the openid scope is required"));
    }
    let scope = SUPPORTED_SCOPES
        .iter()
        .filter(|s| requested.contains(s))
        .copied()
        .collect::<Vec<_>>()
        .join(" ");
    match params.get("code_challenge_method") {
        Some("S256") => {}
        Some("plain") => {
            return Err(refuse(
                "invalid_request",
                "code_challenge_method plain is not allowed: use S256",
            ))
        }
        Some(_) => {
            return Err(refuse(
                "invalid_request",
                "code_challenge_method must be S256",
            ))
        }
        None => {
            return Err(refuse(
                "invalid_request",
                "PKCE is required: send code_challenge with code_challenge_method=S256",
            ))
        }
    }
    let code_challenge = params
        .get("code_challenge")
        .ok_or_else(|| refuse("invalid_request", "code_challenge is missing"))?;
    if !pkce::is_s256_challenge(code_challenge) {
        return Err(refuse(
            "invalid_request",
            "code_challenge is not a base64url SHA-256 digest",
        ));
    }
    // There is no login session to reuse, so a login without the person is impossible.
    if params
        .get("prompt")
        .is_some_and(|p| p.split(' ').any(|v| v == "none"))
    {
        return Err(refuse(
            "login_required",
            "the simulator keeps no login session",
        ));
    }

    Ok(AuthorizeRequest {
        client_id: client.client_id.clone(),
        redirect_uri: redirect_uri.to_owned(),
        scope,
        state,
        nonce: params.get("nonce").map(str::to_owned),
        code_challenge: code_challenge.to_owned(),
        login_hint: params.get("login_hint").map(str::to_owned),
        acr_values: params.get("acr_values").map(str::to_owned),
    })
}

/// A 302 to a verified redirect URI with `pairs` added to its query.
fn redirect_with(redirect_uri: &str, pairs: &[(&str, &str)]) -> Response {
    // The URI was verified, so it parses; the fallback only keeps this free of panics.
    let Ok(mut url) = Url::parse(redirect_uri) else {
        return Refusal::Untrusted(format!("redirect_uri {redirect_uri:?} is not a URL."))
            .into_response();
    };
    url.query_pairs_mut().extend_pairs(pairs);
    match HeaderValue::from_str(url.as_str()) {
        Ok(location) => {
            let mut response = StatusCode::FOUND.into_response();
            response.headers_mut().insert(header::LOCATION, location);
            response
                .headers_mut()
                .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
            response
        }
        // A serialised URL is ASCII; kept total rather than trusted.
        Err(_) => StatusCode::INTERNAL_SERVER_ERROR.into_response(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn credentials() {
        assert!(check_credentials("001207001234", "matkhau").is_some());
        assert!(check_credentials("001207001234", "matkhau ").is_none());
        assert!(check_credentials("nobody", "matkhau").is_none());
    }

    #[test]
    fn residents_of_the_population_log_in_as_level_2_citizens() {
        let population = Population::shared();
        let resident = population
            .iter()
            .find(|r| r.status() == Status::Alive && accounts::find(&r.pin()).is_none())
            .unwrap();
        let profile = check_credentials(&resident.pin(), "matkhau").unwrap();
        assert_eq!(profile.sub, resident.pin());
        assert_eq!(profile.name, resident.full_name());
        assert_eq!(profile.gender, resident.sex().as_str());
        assert_eq!(profile.birthdate, resident.birth_date().to_string());
        assert_eq!(profile.acr, "vneid:2");
        assert!(check_credentials(&resident.pin(), "sai").is_none());
        let dead = population
            .iter()
            .find(|r| r.status() == Status::Deceased && accounts::find(&r.pin()).is_none())
            .unwrap();
        assert!(check_credentials(&dead.pin(), "matkhau").is_none());
    }

    #[test]
    fn redirect_keeps_the_registered_query() {
        let response = redirect_with(
            "http://127.0.0.1:9/cb?x=1",
            &[("code", "a b"), ("state", "s&t")],
        );
        assert_eq!(response.status(), StatusCode::FOUND);
        assert_eq!(
            response.headers()[header::LOCATION],
            "http://127.0.0.1:9/cb?x=1&code=a+b&state=s%26t"
        );
    }
}
