//! The OpenID Connect relying party: authorization code flow with PKCE S256, state and
//! nonce, `client_secret_basic` at the token endpoint, and ID tokens checked against the
//! provider's JWKS.

use crate::pkce::{random_token, s256_challenge};
use crate::{AuthError, LoginKind, Principal};
use jsonwebtoken::jwk::JwkSet;
use jsonwebtoken::{decode, decode_header, Algorithm, DecodingKey, Validation};
use serde::Deserialize;
use std::time::{Duration, Instant};
use tokio::sync::RwLock;
use url::Url;

/// How to reach one identity provider (VNeID, or a separate staff provider).
#[derive(Debug, Clone)]
pub struct RelyingPartyConfig {
    pub issuer: String,
    pub client_id: String,
    pub client_secret: String,
    /// The engine's `/v1/auth/callback`, as registered with the provider.
    pub redirect_uri: String,
}

/// What the engine keeps between `/v1/auth/login` and `/v1/auth/callback`: never sent to
/// the browser except `state`, which keys it.
#[derive(Debug, Clone)]
pub struct PendingLogin {
    pub state: String,
    pub nonce: String,
    pub code_verifier: String,
    pub kind: LoginKind,
    pub return_to: Option<String>,
}

#[derive(Debug, Deserialize)]
struct Discovery {
    issuer: String,
    authorization_endpoint: String,
    token_endpoint: String,
    jwks_uri: String,
}

#[derive(Debug, Deserialize)]
struct TokenResponse {
    id_token: String,
}

#[derive(Debug, Deserialize)]
struct IdClaims {
    sub: String,
    nonce: Option<String>,
    #[serde(default)]
    name: Option<String>,
    #[serde(default)]
    acr: Option<String>,
    #[serde(default)]
    roles: Option<Vec<String>>,
    #[serde(default)]
    agency: Option<String>,
}

struct Keys {
    set: JwkSet,
    fetched: Instant,
}

/// Only these algorithms are accepted on ID tokens, whatever the token's header says.
const ALLOWED_ALGORITHMS: &[Algorithm] = &[Algorithm::RS256, Algorithm::PS256, Algorithm::ES256];

/// An unknown `kid` triggers at most one JWKS refresh per this interval, so forged tokens
/// with random key ids cannot make us hammer the provider.
const MIN_REFRESH: Duration = Duration::from_secs(10);

pub struct RelyingParty {
    config: RelyingPartyConfig,
    http: reqwest::Client,
    discovery: RwLock<Option<Discovery>>,
    keys: RwLock<Option<Keys>>,
}

impl RelyingParty {
    pub fn new(config: RelyingPartyConfig) -> Result<Self, AuthError> {
        let http = reqwest::Client::builder()
            .timeout(Duration::from_secs(10))
            .connect_timeout(Duration::from_secs(3))
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .map_err(|e| AuthError::ProviderUnavailable(e.to_string()))?;
        Ok(RelyingParty {
            config,
            http,
            discovery: RwLock::new(None),
            keys: RwLock::new(None),
        })
    }

    pub fn issuer(&self) -> &str {
        &self.config.issuer
    }

    /// Starts a login: the URL to send the browser to, and what to keep until the callback.
    pub async fn begin_login(
        &self,
        kind: LoginKind,
        return_to: Option<String>,
    ) -> Result<(Url, PendingLogin), AuthError> {
        let authorization_endpoint = self
            .with_discovery(|d| d.authorization_endpoint.clone())
            .await?;
        let pending = PendingLogin {
            state: random_token(),
            nonce: random_token(),
            code_verifier: random_token(),
            kind,
            return_to,
        };
        let mut url = Url::parse(&authorization_endpoint).map_err(|e| {
            AuthError::ProviderUnavailable(format!("bad authorization_endpoint: {e}"))
        })?;
        url.query_pairs_mut()
            .append_pair("response_type", "code")
            .append_pair("client_id", &self.config.client_id)
            .append_pair("redirect_uri", &self.config.redirect_uri)
            .append_pair("scope", "openid profile")
            .append_pair("state", &pending.state)
            .append_pair("nonce", &pending.nonce)
            .append_pair("code_challenge", &s256_challenge(&pending.code_verifier))
            .append_pair("code_challenge_method", "S256");
        Ok((url, pending))
    }

    /// Finishes a login: exchanges the code and checks the ID token.
    pub async fn complete_login(
        &self,
        code: &str,
        pending: &PendingLogin,
    ) -> Result<Principal, AuthError> {
        let token_endpoint = self.with_discovery(|d| d.token_endpoint.clone()).await?;
        let response = self
            .http
            .post(&token_endpoint)
            .basic_auth(&self.config.client_id, Some(&self.config.client_secret))
            .form(&[
                ("grant_type", "authorization_code"),
                ("code", code),
                ("redirect_uri", self.config.redirect_uri.as_str()),
                ("code_verifier", pending.code_verifier.as_str()),
            ])
            .send()
            .await
            .map_err(|e| AuthError::ProviderUnavailable(format!("token endpoint: {e}")))?;
        let status = response.status();
        if status.is_client_error() {
            let body = response.text().await.unwrap_or_default();
            return Err(AuthError::LoginRefused(format!(
                "the provider refused the code ({status}): {}",
                body.chars().take(200).collect::<String>()
            )));
        }
        if !status.is_success() {
            return Err(AuthError::ProviderUnavailable(format!(
                "token endpoint answered {status}"
            )));
        }
        let tokens: TokenResponse = response
            .json()
            .await
            .map_err(|e| AuthError::ProviderUnavailable(format!("token response: {e}")))?;
        let claims = self
            .verify_id_token(&tokens.id_token, &pending.nonce)
            .await?;
        principal_from_claims(claims, pending.kind)
    }

    async fn verify_id_token(&self, id_token: &str, nonce: &str) -> Result<IdClaims, AuthError> {
        let header = decode_header(id_token)
            .map_err(|e| AuthError::IdTokenRefused(format!("malformed: {e}")))?;
        if !ALLOWED_ALGORITHMS.contains(&header.alg) {
            return Err(AuthError::IdTokenRefused(format!(
                "algorithm {:?} not allowed",
                header.alg
            )));
        }
        let kid = header
            .kid
            .ok_or_else(|| AuthError::IdTokenRefused("no kid in the header".into()))?;
        let key = self.decoding_key(&kid).await?;
        let issuer = self.with_discovery(|d| d.issuer.clone()).await?;
        let mut validation = Validation::new(header.alg);
        validation.set_issuer(&[issuer]);
        validation.set_audience(&[&self.config.client_id]);
        validation.set_required_spec_claims(&["exp", "iss", "aud", "sub"]);
        validation.leeway = 30;
        let data = decode::<IdClaims>(id_token, &key, &validation)
            .map_err(|e| AuthError::IdTokenRefused(e.to_string()))?;
        if data.claims.nonce.as_deref() != Some(nonce) {
            return Err(AuthError::IdTokenRefused("nonce does not match".into()));
        }
        Ok(data.claims)
    }

    /// The key for `kid` from the cached JWKS; on an unknown `kid` the set is fetched again
    /// once (providers rotate keys), no more often than [`MIN_REFRESH`].
    async fn decoding_key(&self, kid: &str) -> Result<DecodingKey, AuthError> {
        if let Some(keys) = self.keys.read().await.as_ref() {
            if let Some(jwk) = keys.set.find(kid) {
                return DecodingKey::from_jwk(jwk)
                    .map_err(|e| AuthError::IdTokenRefused(format!("unusable key: {e}")));
            }
        }
        let mut guard = self.keys.write().await;
        let stale = guard
            .as_ref()
            .is_none_or(|k| k.fetched.elapsed() >= MIN_REFRESH);
        if stale {
            let jwks_uri = self.with_discovery(|d| d.jwks_uri.clone()).await?;
            let set: JwkSet = self
                .http
                .get(&jwks_uri)
                .send()
                .await
                .and_then(|r| r.error_for_status())
                .map_err(|e| AuthError::ProviderUnavailable(format!("jwks: {e}")))?
                .json()
                .await
                .map_err(|e| AuthError::ProviderUnavailable(format!("jwks: {e}")))?;
            *guard = Some(Keys {
                set,
                fetched: Instant::now(),
            });
        }
        let jwk = guard
            .as_ref()
            .and_then(|k| k.set.find(kid))
            .ok_or_else(|| AuthError::IdTokenRefused(format!("unknown key id {kid:?}")))?;
        DecodingKey::from_jwk(jwk)
            .map_err(|e| AuthError::IdTokenRefused(format!("unusable key: {e}")))
    }

    /// Reads a value of the provider's discovery document, fetching it on first use so that
    /// the engine starts even while the provider is briefly down.
    async fn with_discovery<T>(&self, read: impl Fn(&Discovery) -> T) -> Result<T, AuthError> {
        if let Some(d) = self.discovery.read().await.as_ref() {
            return Ok(read(d));
        }
        let mut guard = self.discovery.write().await;
        if guard.is_none() {
            let url = format!(
                "{}/.well-known/openid-configuration",
                self.config.issuer.trim_end_matches('/')
            );
            let discovery: Discovery = self
                .http
                .get(&url)
                .send()
                .await
                .and_then(|r| r.error_for_status())
                .map_err(|e| AuthError::ProviderUnavailable(format!("discovery: {e}")))?
                .json()
                .await
                .map_err(|e| AuthError::ProviderUnavailable(format!("discovery: {e}")))?;
            if discovery.issuer.trim_end_matches('/') != self.config.issuer.trim_end_matches('/') {
                return Err(AuthError::ProviderUnavailable(format!(
                    "discovery names issuer {:?}, configured {:?}",
                    discovery.issuer, self.config.issuer
                )));
            }
            *guard = Some(discovery);
        }
        guard
            .as_ref()
            .map(read)
            .ok_or_else(|| AuthError::ProviderUnavailable("discovery missing".into()))
    }
}

/// The VNeID `acr` values and the assurance level each stands for. A missing or unknown
/// `acr` counts as the lowest level (TOOLING.md: providers set it only when the login step
/// does).
fn assurance_level(acr: Option<&str>) -> u8 {
    match acr {
        Some("vneid:2") | Some("LoA2") => 2,
        _ => 1,
    }
}

fn principal_from_claims(claims: IdClaims, kind: LoginKind) -> Result<Principal, AuthError> {
    let name = claims.name.unwrap_or_default();
    match kind {
        LoginKind::Citizen => {
            if claims.roles.as_ref().is_some_and(|r| !r.is_empty()) {
                return Err(AuthError::LoginRefused(
                    "a staff account cannot log in as a citizen".into(),
                ));
            }
            let pin = motcua_core::pin::Pin::parse(&claims.sub).map_err(|e| {
                AuthError::IdTokenRefused(format!(
                    "sub is not a personal identification number: {e}"
                ))
            })?;
            Ok(Principal::Citizen {
                pin: pin.as_str().to_owned(),
                name,
                assurance_level: assurance_level(claims.acr.as_deref()),
            })
        }
        LoginKind::Staff => {
            let roles = claims
                .roles
                .filter(|r| !r.is_empty())
                .ok_or_else(|| AuthError::LoginRefused("this account has no staff roles".into()))?;
            let agency = claims
                .agency
                .filter(|a| !a.is_empty())
                .ok_or_else(|| AuthError::LoginRefused("this account has no agency".into()))?;
            Ok(Principal::Staff {
                subject: claims.sub,
                name,
                roles,
                agency,
            })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn acr_maps_to_levels() {
        assert_eq!(assurance_level(Some("vneid:2")), 2);
        assert_eq!(assurance_level(Some("vneid:1")), 1);
        assert_eq!(assurance_level(None), 1);
        assert_eq!(assurance_level(Some("something")), 1);
    }
}
