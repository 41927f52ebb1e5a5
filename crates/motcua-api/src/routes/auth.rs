//! Login through the identity provider, and who am I.

use crate::error::ApiError;
use crate::extract::{Auth, Json, Query};
use crate::state::AppState;
use axum::extract::State;
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use motcua_auth::{LoginKind, PendingLogin, Principal};
use motcua_service::logins::{self, LoginInFlight};
use motcua_service::Code;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

/// The cookie that binds a login to the browser that started it (login CSRF).
const LOGIN_COOKIE: &str = "motcua_login";

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct LoginParams {
    /// `citizen` (default) or `staff`.
    #[param(value_type = Option<String>)]
    kind: Option<LoginKind>,
    /// Where to send the browser with the token after login: a path of this engine or a URL
    /// on its public origin.
    return_to: Option<String>,
    /// Which configured identity provider (`OIDC_PROVIDERS`); default: the `OIDC_*` one.
    provider: Option<String>,
    /// The procedure the citizen logs in for: the provider is asked (`acr_values`) for the
    /// assurance level it needs, and a login that comes back lower is sent back once.
    procedure: Option<String>,
    /// An assurance level to ask for (1 or 2), when no procedure says.
    level: Option<u8>,
}

#[utoipa::path(get, operation_id = "startLogin", path = "/v1/auth/login", tag = "identity", params(LoginParams),
    responses((status = 302, description = "to the identity provider (with `acr_values` when a procedure or level is given)"),
              (status = 400, description = "`invalid_return_to`; `login_failed`: no provider of that name, or a level other than 1 or 2",
               body = crate::error::Problem, content_type = "application/problem+json"),
              (status = 404, description = "`procedure_not_found`: `procedure` names no procedure",
               body = crate::error::Problem, content_type = "application/problem+json"),
              (status = 429, description = "`rate_limited`: too many logins from this account or address; `Retry-After` says when to retry",
               body = crate::error::Problem, content_type = "application/problem+json"),
              (status = 503, body = crate::error::Problem, content_type = "application/problem+json")))]
pub async fn login(
    State(state): State<AppState>,
    Query(params): Query<LoginParams>,
) -> Result<Response, ApiError> {
    let kind = params.kind.unwrap_or(LoginKind::Citizen);
    let return_to = params
        .return_to
        .map(|r| checked_return_to(&state.public_url, &r))
        .transpose()?;
    let provider = state
        .named_provider(kind, params.provider.as_deref())
        .ok_or_else(|| {
            ApiError::new(
                Code::LoginFailed,
                "no identity provider of that name is configured (OIDC_PROVIDERS)",
            )
        })?;
    let level = match (&params.procedure, params.level) {
        (Some(code), _) => Some(
            state
                .services
                .catalog
                .current(code)
                .ok_or_else(|| {
                    ApiError::new(Code::ProcedureNotFound, "no procedure with this code")
                })?
                .assurance_level(),
        ),
        (None, Some(level @ 1..=2)) => Some(level),
        (None, Some(_)) => {
            return Err(ApiError::new(
                Code::LoginFailed,
                "level must be 1 or 2 (the VNeID levels of assurance)",
            ))
        }
        (None, None) => None,
    };
    let (url, pending) = provider.begin_login(kind, return_to, level).await?;
    to_provider(&state, url, pending).await
}

/// Keeps a login in flight and sends the browser to the provider, with the cookie that
/// binds the login to it.
async fn to_provider(
    state: &AppState,
    url: url::Url,
    pending: PendingLogin,
) -> Result<Response, ApiError> {
    let login = LoginInFlight {
        state: pending.state.clone(),
        nonce: pending.nonce,
        code_verifier: pending.code_verifier,
        kind: pending.kind,
        return_to: pending.return_to,
        provider: Some(pending.provider),
        required_level: pending.level,
        step_up: pending.step_up,
    };
    logins::keep(&state.services, login).await?;
    let secure = state.secure_cookies || serves_https(&state.public_url);
    let cookie = login_cookie_header(&pending.state, secure);
    let mut response = redirect(StatusCode::FOUND, url.as_str())?;
    let cookie = HeaderValue::from_str(&cookie)
        .map_err(|_| ApiError::internal("the login cookie is not a valid header value"))?;
    response.headers_mut().insert(header::SET_COOKIE, cookie);
    Ok(response)
}

/// The login cookie: `Secure` when the engine is served over HTTPS (`MOTCUA_PUBLIC_URL`,
/// even if a TLS proxy talks plain HTTP to the engine), so that a browser never sends it
/// over plain HTTP, where anyone on the path could read it and finish the login.
fn login_cookie_header(login_state: &str, secure: bool) -> String {
    let secure = if secure { "; Secure" } else { "" };
    format!(
        "{LOGIN_COOKIE}={login_state}; HttpOnly; SameSite=Lax; Path=/v1/auth; Max-Age={}{secure}",
        logins::LOGIN_TTL_MINUTES * 60
    )
}

/// Whether the engine's public URL (`MOTCUA_PUBLIC_URL`) is HTTPS.
fn serves_https(public_url: &str) -> bool {
    url::Url::parse(public_url).is_ok_and(|url| url.scheme() == "https")
}

/// A redirect to `target`, or a problem if `target` cannot be a `Location` header (a control
/// character): never axum's plain-text 500, and never a panic.
fn redirect(status: StatusCode, target: &str) -> Result<Response, ApiError> {
    let location = HeaderValue::try_from(target).map_err(|_| {
        // The target is not logged: the callback's carries an access token.
        ApiError::internal("a redirect's target is not a valid Location header")
    })?;
    Ok((status, [(header::LOCATION, location)]).into_response())
}

/// Only paths of this engine or URLs on its public origin: anything else would make the
/// login an open redirect that hands tokens to a stranger.
fn checked_return_to(public_url: &str, return_to: &str) -> Result<String, ApiError> {
    let refuse = || {
        ApiError::new(
            Code::InvalidReturnTo,
            "return_to must be a path of this service or a URL on its origin",
        )
    };
    // It ends up in the callback's Location header, which cannot carry them: refused here,
    // before the citizen spends a login on it.
    if return_to.chars().any(char::is_control) {
        return Err(ApiError::new(
            Code::InvalidReturnTo,
            "return_to must not contain control characters (CR, LF, TAB, 0x00-0x1F, 0x7F)",
        ));
    }
    if return_to.starts_with('/') && !return_to.starts_with("//") && !return_to.contains('\\') {
        return Ok(format!("{public_url}{return_to}"));
    }
    let target = url::Url::parse(return_to).map_err(|_| refuse())?;
    let own = url::Url::parse(public_url).map_err(|_| refuse())?;
    if target.origin() == own.origin() {
        Ok(target.into())
    } else {
        Err(refuse())
    }
}

#[derive(Debug, Deserialize, IntoParams)]
pub struct CallbackParams {
    code: Option<String>,
    state: Option<String>,
    error: Option<String>,
    error_description: Option<String>,
}

/// The engine's access token after a checked login.
#[derive(Debug, Serialize, ToSchema)]
pub struct TokenAnswer {
    access_token: String,
    token_type: &'static str,
    expires_in: i64,
    principal: Me,
}

#[utoipa::path(get, operation_id = "completeLogin", path = "/v1/auth/callback", tag = "identity", params(CallbackParams),
    responses((status = 200, body = TokenAnswer), (status = 302, description = "to return_to with the token in the fragment"),
              (status = 400, body = crate::error::Problem, content_type = "application/problem+json"),
              (status = 401, body = crate::error::Problem, content_type = "application/problem+json"),
              (status = 403, body = crate::error::Problem, content_type = "application/problem+json"),
              (status = 429, description = "`rate_limited`: too many logins from this address; `Retry-After` says when to retry",
               body = crate::error::Problem, content_type = "application/problem+json")))]
pub async fn callback(
    State(state): State<AppState>,
    headers: HeaderMap,
    Query(params): Query<CallbackParams>,
) -> Result<Response, ApiError> {
    let (code, login_state) = provider_answer(&headers, params)?;
    let login = logins::take(&state.services, &login_state)
        .await?
        .ok_or_else(|| login_failed("unknown, used or expired login state".into()))?;
    let kind = login.kind;
    // Logins kept before providers were named went to the default one of their kind.
    let provider_name = login.provider.clone();
    let pending = pending_login(login);
    let provider = state
        .named_provider(kind, provider_name.as_deref())
        .ok_or_else(|| {
            login_failed("the login's identity provider is no longer configured".into())
        })?;
    let outcome = provider.complete_login(&code, &pending).await?;
    let principal = outcome.principal;
    // Below the level the procedure needs: back to the provider once, asking for it. A
    // second time the citizen is logged in at the level they have, and the procedure's own
    // check tells them what to do.
    if let (
        Principal::Citizen {
            assurance_level, ..
        },
        Some(required),
    ) = (&principal, pending.level)
    {
        if *assurance_level < required && !pending.step_up {
            tracing::info!(
                subject = %masked_subject(&principal),
                provider = provider.name(),
                level = assurance_level,
                required,
                "login below the level asked for: back to the provider"
            );
            let (url, again) = provider.step_up(&pending, required).await?;
            return to_provider(&state, url, again).await;
        }
    }
    if let Principal::Citizen {
        pin,
        assurance_level,
        ..
    } = &principal
    {
        logins::record_citizen(
            &state.services,
            logins::CitizenLoginRecord {
                pin: pin.as_str(),
                provider: provider.name(),
                tech_id: outcome.tech_id.as_deref(),
                birth_date: outcome.birth_date.as_deref(),
                assurance_level: *assurance_level,
            },
        )
        .await?;
    }
    // Only now is the account known: its own login budget is spent here.
    state
        .rate_limits
        .spend_login_of(&principal.scope_key())
        .map_err(crate::rate_limits::too_many_logins)?;
    crate::staff::record_login(&state.services, &principal).await?;
    let access_token = state.tokens.issue(&principal)?;
    tracing::info!(kind = kind.as_str(), subject = %masked_subject(&principal), "login");
    // A login the console or the portal started ends in its session cookie: their pages work
    // without JavaScript, so a token in the URL's fragment would be of no use to them.
    if let Some(return_to) = &pending.return_to {
        let page = if motcua_console::login::returns_here(&state.public_url, return_to) {
            Some(motcua_console::login::complete(&state, &principal))
        } else if motcua_portal::login::returns_here(&state.public_url, return_to) {
            Some(motcua_portal::login::complete(
                &state, &principal, return_to,
            ))
        } else {
            None
        };
        if let Some(mut page) = page {
            // Their refusal (a citizen at the console, staff at the portal) is a page for a
            // person, not a problem for a client: the problem layer leaves it as it is.
            page.extensions_mut()
                .insert(crate::problem_only::OwnErrorBody);
            return Ok(page);
        }
    }
    let expires_in = state.tokens.lifetime_secs();
    match pending.return_to {
        Some(return_to) => {
            let target = format!(
                "{return_to}#access_token={access_token}&token_type=Bearer&expires_in={expires_in}"
            );
            redirect(StatusCode::SEE_OTHER, &target)
        }
        None => Ok(Json(TokenAnswer {
            access_token,
            token_type: "Bearer",
            expires_in,
            principal: Me::from(&principal),
        })
        .into_response()),
    }
}

fn login_failed(detail: String) -> ApiError {
    ApiError::new(Code::LoginFailed, detail)
}

/// The identity provider's answer at the callback: its code and the login's state, if the
/// provider gave them and this browser started that login (its cookie holds the state).
fn provider_answer(
    headers: &HeaderMap,
    params: CallbackParams,
) -> Result<(String, String), ApiError> {
    if let Some(error) = params.error {
        return Err(login_failed(format!(
            "the identity provider answered {error}: {}",
            params.error_description.unwrap_or_default()
        )));
    }
    let (Some(code), Some(login_state)) = (params.code, params.state) else {
        return Err(login_failed("code and state are required".into()));
    };
    if login_cookie(headers).as_deref() != Some(login_state.as_str()) {
        return Err(login_failed(
            "this login was not started by this browser".into(),
        ));
    }
    Ok((code, login_state))
}

/// The login kept since `/v1/auth/login`, as the identity provider's client checks it.
fn pending_login(login: LoginInFlight) -> PendingLogin {
    PendingLogin {
        state: login.state,
        nonce: login.nonce,
        code_verifier: login.code_verifier,
        kind: login.kind,
        return_to: login.return_to,
        provider: login.provider.unwrap_or_default(),
        level: login.required_level,
        step_up: login.step_up,
    }
}

fn login_cookie(headers: &HeaderMap) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(name, _)| *name == LOGIN_COOKIE)
        .map(|(_, value)| value.to_owned())
}

/// A PIN is personal data: logs carry only its ends.
pub fn masked_subject(principal: &Principal) -> String {
    match principal {
        Principal::Citizen { pin, .. } => pin.masked(),
        Principal::Staff { subject, .. } => subject.clone(),
    }
}

/// `GET /v1/me`.
#[derive(Debug, Serialize, ToSchema)]
pub struct Me {
    kind: &'static str,
    subject: String,
    name: String,
    assurance_level: Option<u8>,
    roles: Vec<&'static str>,
    agency: Option<String>,
}

impl From<&Principal> for Me {
    fn from(p: &Principal) -> Self {
        Me {
            kind: p.kind().as_str(),
            subject: p.subject().to_owned(),
            name: p.name().to_owned(),
            assurance_level: match p {
                Principal::Citizen {
                    assurance_level, ..
                } => Some(*assurance_level),
                Principal::Staff { .. } => None,
            },
            roles: p.role_names(),
            agency: p.agency().map(str::to_owned),
        }
    }
}

#[utoipa::path(get, operation_id = "getMe", path = "/v1/me", tag = "identity", security(("bearer" = [])),
    responses((status = 200, body = Me), (status = 401, body = crate::error::Problem, content_type = "application/problem+json")))]
pub async fn me(Auth(principal): Auth) -> Json<Me> {
    Json(Me::from(&principal))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn return_to_stays_on_our_origin() {
        let own = "http://127.0.0.1:8080";
        assert_eq!(
            checked_return_to(own, "/").unwrap(),
            "http://127.0.0.1:8080/"
        );
        assert!(checked_return_to(own, "http://127.0.0.1:8080/x").is_ok());
        assert!(checked_return_to(own, "//evil.example/x").is_err());
        assert!(checked_return_to(own, "https://evil.example/").is_err());
        assert!(checked_return_to(own, "/\\evil.example").is_err());
    }

    #[test]
    fn return_to_with_control_characters_is_refused() {
        let own = "http://127.0.0.1:8080";
        for bad in [
            "/x\r\nSet-Cookie: a=b",
            "/x\n",
            "/x\u{1}",
            "/x\u{7f}",
            "/x\t",
            "http://127.0.0.1:8080/x\r\n",
            "http://127.0.0.1:8080/x\u{1}",
        ] {
            let refused = checked_return_to(own, bad).unwrap_err();
            assert_eq!(refused.problem.code, Code::InvalidReturnTo, "{bad:?}");
            assert_eq!(refused.status, StatusCode::BAD_REQUEST, "{bad:?}");
        }
    }

    #[test]
    fn the_login_cookie_is_secure_under_https_only() {
        assert!(serves_https("https://dichvucong.example.vn"));
        assert!(serves_https("HTTPS://dichvucong.example.vn"));
        assert!(!serves_https("http://127.0.0.1:8080"));
        assert!(login_cookie_header("s", true).ends_with("; Secure"));
        assert!(!login_cookie_header("s", false).contains("Secure"));
    }

    #[test]
    fn a_redirect_to_a_control_character_is_a_problem_not_a_panic() {
        let refused = redirect(StatusCode::SEE_OTHER, "/x\r\n").unwrap_err();
        assert_eq!(refused.status, StatusCode::INTERNAL_SERVER_ERROR);
        let ok = redirect(StatusCode::FOUND, "/x").unwrap();
        assert_eq!(ok.status(), StatusCode::FOUND);
        assert_eq!(ok.headers()[header::LOCATION], "/x");
    }
}
