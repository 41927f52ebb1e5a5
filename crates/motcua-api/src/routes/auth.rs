//! Login through the identity provider, and who am I.

use crate::error::ApiError;
use crate::extract::{Auth, Json, Query};
use crate::state::AppState;
use axum::extract::State;
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use motcua_auth::{LoginKind, PendingLogin, Principal};
use motcua_store::logins::{self, LoginAttempt};
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
}

#[utoipa::path(get, path = "/v1/auth/login", tag = "identity", params(LoginParams),
    responses((status = 302, description = "to the identity provider"),
              (status = 400, body = crate::error::Problem, content_type = "application/problem+json"),
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
    let (url, pending) = state
        .login_provider(kind)
        .begin_login(kind, return_to)
        .await?;
    logins::save(
        &state.pool,
        &LoginAttempt {
            state: pending.state.clone(),
            nonce: pending.nonce,
            code_verifier: pending.code_verifier,
            kind: kind.as_str().to_owned(),
            return_to: pending.return_to,
        },
    )
    .await?;
    let cookie = format!(
        "{LOGIN_COOKIE}={}; HttpOnly; SameSite=Lax; Path=/v1/auth; Max-Age={}",
        pending.state,
        logins::LOGIN_TTL_MINUTES * 60
    );
    let mut response = Redirect::to(url.as_str()).into_response();
    *response.status_mut() = StatusCode::FOUND;
    if let Ok(value) = HeaderValue::from_str(&cookie) {
        response.headers_mut().insert(header::SET_COOKIE, value);
    }
    Ok(response)
}

/// Only paths of this engine or URLs on its public origin: anything else would make the
/// login an open redirect that hands tokens to a stranger.
fn checked_return_to(public_url: &str, return_to: &str) -> Result<String, ApiError> {
    let refuse = || {
        ApiError::new(
            StatusCode::BAD_REQUEST,
            "invalid_return_to",
            "return_to must be a path of this service or a URL on its origin",
        )
    };
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

#[utoipa::path(get, path = "/v1/auth/callback", tag = "identity", params(CallbackParams),
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
    let bad = |detail: String| ApiError::new(StatusCode::BAD_REQUEST, "login_failed", detail);
    if let Some(error) = params.error {
        return Err(bad(format!(
            "the identity provider answered {error}: {}",
            params.error_description.unwrap_or_default()
        )));
    }
    let (Some(code), Some(login_state)) = (params.code, params.state) else {
        return Err(bad("code and state are required".into()));
    };
    if login_cookie(&headers).as_deref() != Some(login_state.as_str()) {
        return Err(bad("this login was not started by this browser".into()));
    }
    let attempt = logins::take(&state.pool, &login_state)
        .await?
        .ok_or_else(|| bad("unknown, used or expired login state".into()))?;
    let kind = match attempt.kind.as_str() {
        "staff" => LoginKind::Staff,
        _ => LoginKind::Citizen,
    };
    let pending = PendingLogin {
        state: attempt.state,
        nonce: attempt.nonce,
        code_verifier: attempt.code_verifier,
        kind,
        return_to: attempt.return_to,
    };
    let principal = state
        .login_provider(kind)
        .complete_login(&code, &pending)
        .await?;
    // Only now is the account known: its own login budget is spent here.
    state
        .rate_limits
        .spend_login_of(&principal.scope_key())
        .map_err(crate::rate_limits::too_many_logins)?;
    let access_token = state.tokens.issue(&principal)?;
    tracing::info!(kind = kind.as_str(), subject = %masked_subject(&principal), "login");
    let expires_in = state.tokens.lifetime_secs();
    match pending.return_to {
        Some(return_to) => {
            let target = format!(
                "{return_to}#access_token={access_token}&token_type=Bearer&expires_in={expires_in}"
            );
            Ok(Redirect::to(&target).into_response())
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
        Principal::Citizen { pin, .. } => mask(pin),
        Principal::Staff { subject, .. } => subject.clone(),
    }
}

fn mask(pin: &str) -> String {
    match motcua_core::pin::Pin::parse(pin) {
        Ok(p) => p.masked(),
        Err(_) => "***".into(),
    }
}

/// `GET /v1/me`.
#[derive(Debug, Serialize, ToSchema)]
pub struct Me {
    kind: &'static str,
    subject: String,
    name: String,
    assurance_level: Option<u8>,
    roles: Vec<String>,
    agency: Option<String>,
}

impl From<&Principal> for Me {
    fn from(p: &Principal) -> Self {
        match p {
            Principal::Citizen {
                pin,
                name,
                assurance_level,
            } => Me {
                kind: "citizen",
                subject: pin.clone(),
                name: name.clone(),
                assurance_level: Some(*assurance_level),
                roles: Vec::new(),
                agency: None,
            },
            Principal::Staff {
                subject,
                name,
                roles,
                agency,
            } => Me {
                kind: "staff",
                subject: subject.clone(),
                name: name.clone(),
                assurance_level: None,
                roles: roles.clone(),
                agency: Some(agency.clone()),
            },
        }
    }
}

#[utoipa::path(get, path = "/v1/me", tag = "identity", security(("bearer" = [])),
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
}
