//! `/_sim/oidc/switches`: which provider the simulator acts as, and its signing keys, changed
//! while it runs (the register's switches are at `/_sim/register/switches`).
//!
//! `POST` a JSON object with any of:
//! - `"profile"`: `"standard"`, `"vneid"` or `"dvcqg"` (module [`super::profile`]);
//! - `"rotate_key": true`: a new key signs from now on; the replaced one stays published;
//! - `"drop_old_keys": true`: the replaced keys leave the JWKS (done after a rotation in the
//!   same request);
//! - `"sign_with_retired": bool`: sign with the last dropped key, as whoever kept a copy of
//!   it would; a relying party must refuse those tokens once it has refreshed the JWKS.
//!
//! The answer (and `GET`) is the current state.

use super::profile::OidcProfile;
use super::Provider;
use crate::keys::SigningKey;
use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use serde::Deserialize;
use serde_json::{json, Value};
use std::sync::Arc;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Change {
    profile: Option<String>,
    #[serde(default)]
    rotate_key: bool,
    #[serde(default)]
    drop_old_keys: bool,
    sign_with_retired: Option<bool>,
}

fn state(provider: &Provider) -> Value {
    json!({
        "profile": provider.profile().as_str(),
        "keys": provider.keys.describe(),
    })
}

/// `GET /_sim/oidc/switches`.
pub async fn show(State(provider): State<Arc<Provider>>) -> Json<Value> {
    Json(state(&provider))
}

/// `POST /_sim/oidc/switches`.
pub async fn set(
    State(provider): State<Arc<Provider>>,
    body: axum::body::Bytes,
) -> Result<Json<Value>, (StatusCode, Json<Value>)> {
    let refuse = |why: String| (StatusCode::BAD_REQUEST, Json(json!({ "error": why })));
    let change: Change =
        serde_json::from_slice(&body).map_err(|e| refuse(format!("bad switches: {e}")))?;
    let profile = change
        .profile
        .as_deref()
        .map(|p| {
            OidcProfile::parse(p)
                .ok_or_else(|| refuse(format!("unknown profile {p:?}: standard, vneid or dvcqg")))
        })
        .transpose()?;
    if change.rotate_key {
        let key = tokio::task::spawn_blocking(SigningKey::generate)
            .await
            .map_err(|e| refuse(format!("key generation failed: {e}")))?
            .map_err(|e| refuse(format!("key generation failed: {e}")))?;
        provider.keys.rotate(key);
    }
    if change.drop_old_keys {
        provider.keys.drop_previous();
    }
    if let Some(on) = change.sign_with_retired {
        provider.keys.sign_with_retired(on);
    }
    if let Some(profile) = profile {
        provider.set_profile(profile);
    }
    tracing::info!(state = %state(&provider), "identity provider switches changed");
    Ok(Json(state(&provider)))
}
