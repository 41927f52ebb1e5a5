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
mod token;
mod userinfo;

use crate::config::OidcClient;
use crate::keys::SigningKey;
use axum::routing::{get, post};
use axum::Router;
use grants::Grants;
use std::sync::Arc;

/// The provider's state, shared by its handlers.
pub struct Provider {
    /// No trailing slash; every endpoint URL is the issuer plus a path.
    pub issuer: String,
    pub clients: Vec<OidcClient>,
    pub key: SigningKey,
    pub grants: Grants,
}

impl Provider {
    pub fn new(issuer: String, clients: Vec<OidcClient>, key: SigningKey) -> Provider {
        Provider {
            issuer,
            clients,
            key,
            grants: Grants::default(),
        }
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
        .with_state(provider)
}
