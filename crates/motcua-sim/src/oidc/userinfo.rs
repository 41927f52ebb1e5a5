//! `GET`/`POST /userinfo` (OIDC Core §5.3): the profile claims for a Bearer access token.

use super::error::OAuthError;
use super::Provider;
use axum::extract::State;
use axum::http::{header, HeaderMap};
use axum::Json;
use std::sync::Arc;
use std::time::Instant;

pub async fn profile(
    State(provider): State<Arc<Provider>>,
    headers: HeaderMap,
) -> Result<Json<serde_json::Map<String, serde_json::Value>>, OAuthError> {
    let token = bearer_token(&headers)
        .ok_or_else(|| OAuthError::invalid_token("send the access token as a Bearer token"))?;
    let grant = provider
        .grants
        .access(token, Instant::now())
        .ok_or_else(|| OAuthError::invalid_token("the access token is unknown or expired"))?;
    tracing::info!(user = %grant.profile.log_label(), client_id = %grant.client_id, "userinfo served");
    Ok(Json(grant.shape.userinfo_claims(&grant.profile)))
}

fn bearer_token(headers: &HeaderMap) -> Option<&str> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.split_once(' ')?;
    scheme
        .eq_ignore_ascii_case("bearer")
        .then(|| token.trim())
        .filter(|t| !t.is_empty())
}
