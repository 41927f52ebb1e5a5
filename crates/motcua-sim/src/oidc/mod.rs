//! The VNeID-style OpenID Connect provider.

mod authorize;
mod claims;
mod clients;
mod discovery;
mod error;
mod grants;
mod jwks;
mod login_page;
mod params;
mod pkce;
pub mod profile;
mod switches;
mod token;
mod userinfo;

use crate::config::OidcClient;
use crate::keys::{KeyRing, SigningKey};
use axum::routing::{get, post};
use axum::Router;
use grants::Grants;
use profile::OidcProfile;
use std::sync::Arc;
use std::sync::{Mutex, PoisonError};

/// The provider's state, shared by its handlers.
pub struct Provider {
    /// No trailing slash; every endpoint URL is the issuer plus a path.
    pub issuer: String,
    pub clients: Vec<OidcClient>,
    pub keys: KeyRing,
    pub grants: Grants,
    /// Which provider the simulator acts as; switched at `/_sim/oidc/switches`.
    profile: Mutex<OidcProfile>,
}

impl Provider {
    pub fn new(
        issuer: String,
        clients: Vec<OidcClient>,
        key: SigningKey,
        profile: OidcProfile,
    ) -> Provider {
        Provider {
            issuer,
            clients,
            keys: KeyRing::new(key),
            grants: Grants::default(),
            profile: Mutex::new(profile),
        }
    }

    pub fn profile(&self) -> OidcProfile {
        *self.profile.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn set_profile(&self, profile: OidcProfile) {
        *self.profile.lock().unwrap_or_else(PoisonError::into_inner) = profile;
    }

    fn client(&self, client_id: &str) -> Option<&OidcClient> {
        self.clients.iter().find(|c| c.client_id == client_id)
    }

    fn endpoint(&self, path: &str) -> String {
        format!("{}{path}", self.issuer)
    }
}

pub fn routes(provider: Arc<Provider>) -> Router {
    Router::new()
        .route(
            "/.well-known/openid-configuration",
            get(discovery::configuration),
        )
        .route(
            "/authorize",
            get(authorize::show_login).post(authorize::log_in),
        )
        .route("/token", post(token::exchange_code))
        .route("/jwks", get(jwks::key_set))
        .route("/userinfo", get(userinfo::profile).post(userinfo::profile))
        .route(
            "/_sim/oidc/switches",
            get(switches::show).post(switches::set),
        )
        .with_state(provider)
}
