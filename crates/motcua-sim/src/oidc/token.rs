//! The token endpoint: the relying party trades a code and its PKCE verifier for an ID token
//! and an access token (RFC 6749 §4.1.3, RFC 7636 §4.5, OIDC Core §3.1.3).

use super::claims::{sign_id_token, IdTokenRequest};
use super::clients::{authenticate, ClientAuthError};
use super::error::OAuthError;
use super::grants::{AccessGrant, CodeRefusal, ACCESS_TOKEN_LIFETIME};
use super::params::Params;
use super::{pkce, Provider};
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::json;
use std::sync::Arc;
use std::time::Instant;

/// `POST /token`.
pub async fn exchange_code(
    State(provider): State<Arc<Provider>>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, OAuthError> {
    let client = match authenticate(&provider.clients, &headers) {
        Ok(client) => client,
        Err(ClientAuthError::Missing) => {
            return Err(OAuthError::invalid_client(
                "authenticate the client with HTTP Basic (client_secret_basic)",
            ))
        }
        Err(ClientAuthError::Invalid) => {
            return Err(OAuthError::invalid_client("client authentication failed"))
        }
    };
    let params = Params::parse(&body);
    if let Some(name) = params.repeated() {
        return Err(OAuthError::invalid_request(format!(
            "parameter {name} was sent more than once"
        )));
    }
    if params
        .get("client_id")
        .is_some_and(|id| id != client.client_id)
    {
        return Err(OAuthError::invalid_request(
            "client_id differs from the authenticated client",
        ));
    }
    match params.get("grant_type") {
        Some("authorization_code") => {}
        None => return Err(OAuthError::invalid_request("grant_type is missing")),
        Some(_) => {
            return Err(OAuthError::unsupported_grant_type(
                "only authorization_code is supported",
            ))
        }
    }
    let code = params
        .get("code")
        .ok_or_else(|| OAuthError::invalid_request("code is missing"))?;
    let redirect_uri = params
        .get("redirect_uri")
        .ok_or_else(|| OAuthError::invalid_request("redirect_uri is missing"))?;
    let verifier = params
        .get("code_verifier")
        .ok_or_else(|| OAuthError::invalid_request("code_verifier is missing"))?;

    let now = Instant::now();
    // Spent from here on, whatever the checks below decide.
    let grant = provider.grants.redeem_code(code, now).map_err(|refusal| {
        OAuthError::invalid_grant(match refusal {
            CodeRefusal::Unknown => "unknown code",
            CodeRefusal::Expired => "the code has expired",
            CodeRefusal::Replayed => "the code was already used",
        })
    })?;
    if grant.client_id != client.client_id {
        return Err(OAuthError::invalid_grant(
            "the code was issued to another client",
        ));
    }
    if grant.redirect_uri != redirect_uri {
        return Err(OAuthError::invalid_grant(
            "redirect_uri differs from the authorization request",
        ));
    }
    if !pkce::verify_s256(verifier, &grant.code_challenge) {
        return Err(OAuthError::invalid_grant(
            "code_verifier does not match the code_challenge",
        ));
    }

    let access_token = provider.grants.issue_access_token(
        code,
        AccessGrant {
            client_id: grant.client_id.clone(),
            profile: grant.profile.clone(),
            shape: grant.shape,
        },
        now,
    );
    let id_token = sign_id_token(
        &provider.keys.signing(),
        &IdTokenRequest {
            issuer: &provider.issuer,
            client_id: &grant.client_id,
            claims: grant.shape.id_token_claims(&grant.profile),
            nonce: grant.nonce.as_deref(),
            auth_time: grant.auth_time,
            access_token: &access_token,
            now: chrono::Utc::now().timestamp(),
        },
    );
    let id_token = match id_token {
        Ok(token) => token,
        Err(e) => {
            tracing::error!(error.message = %e, error.cause_chain = ?e, "cannot sign an ID token");
            return Ok(server_error());
        }
    };
    tracing::info!(
        user = %grant.profile.log_label(),
        client_id = %grant.client_id,
        profile = grant.shape.as_str(),
        acr_values = ?grant.acr_values,
        "tokens issued"
    );
    let body = json!({
        "access_token": access_token,
        "token_type": "Bearer",
        "expires_in": ACCESS_TOKEN_LIFETIME.as_secs(),
        "id_token": id_token,
        "scope": grant.scope,
    });
    let mut response = Json(body).into_response();
    // RFC 6749 §5.1: token responses must not be cached.
    let headers = response.headers_mut();
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    headers.insert(header::PRAGMA, HeaderValue::from_static("no-cache"));
    Ok(response)
}

fn server_error() -> Response {
    (
        StatusCode::INTERNAL_SERVER_ERROR,
        Json(json!({ "error": "server_error" })),
    )
        .into_response()
}
