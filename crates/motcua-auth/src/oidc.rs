//! The OpenID Connect relying party: authorization code flow with PKCE S256, state and
//! nonce, `client_secret_basic` at the token endpoint, and ID tokens checked against the
//! provider's JWKS.

use crate::pkce::{random_token, s256_challenge};
use crate::{refusal, AuthError, LoginKind, Principal};
use jsonwebtoken::jwk::{Jwk, JwkSet};
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
    /// A string or an array (already checked to contain our client id by `jsonwebtoken`).
    #[serde(default)]
    aud: serde_json::Value,
    #[serde(default)]
    azp: Option<String>,
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
        let header = decode_header(id_token).map_err(|e| {
            AuthError::IdTokenRefused(format!("malformed: {}", refusal::reason(&e)))
        })?;
        if !ALLOWED_ALGORITHMS.contains(&header.alg) {
            return Err(AuthError::IdTokenRefused(format!(
                "algorithm {:?} not allowed",
                header.alg
            )));
        }
        let kid = header
            .kid
            .ok_or_else(|| AuthError::IdTokenRefused("no kid in the header".into()))?;
        let jwk = self.published_key(&kid).await?;
        let issuer = self.with_discovery(|d| d.issuer.clone()).await?;
        check_id_token(
            id_token,
            header.alg,
            &jwk,
            &Expected {
                issuer: &issuer,
                client_id: &self.config.client_id,
                nonce,
            },
        )
    }

    /// The provider's key `kid` from the cached JWKS; on an unknown `kid` the set is fetched
    /// again once (providers rotate keys), no more often than [`MIN_REFRESH`].
    async fn published_key(&self, kid: &str) -> Result<Jwk, AuthError> {
        if let Some(keys) = self.keys.read().await.as_ref() {
            if let Some(jwk) = keys.set.find(kid) {
                return Ok(jwk.clone());
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
        guard
            .as_ref()
            .and_then(|k| k.set.find(kid))
            .cloned()
            .ok_or_else(|| {
                AuthError::IdTokenRefused(format!("unknown key id {:?}", refusal::clipped(kid, 64)))
            })
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

/// What the ID token of this login must say.
struct Expected<'a> {
    issuer: &'a str,
    client_id: &'a str,
    nonce: &'a str,
}

/// Checks an ID token against the provider's key: signature, issuer, audience, time window,
/// nonce and authorized party (OIDC Core §3.1.3.7).
fn check_id_token(
    id_token: &str,
    alg: Algorithm,
    jwk: &Jwk,
    expected: &Expected<'_>,
) -> Result<IdClaims, AuthError> {
    // A key published for one algorithm is not to be used with another, even of its family.
    if let Some(declared) = jwk.common.key_algorithm {
        if declared.to_string() != format!("{alg:?}") {
            return Err(AuthError::IdTokenRefused(format!(
                "the key is for {declared}, the token says {alg:?}"
            )));
        }
    }
    let key = DecodingKey::from_jwk(jwk)
        .map_err(|e| AuthError::IdTokenRefused(format!("unusable key: {}", refusal::reason(&e))))?;
    let mut validation = Validation::new(alg);
    validation.set_issuer(&[expected.issuer]);
    validation.set_audience(&[expected.client_id]);
    validation.set_required_spec_claims(&["exp", "iss", "aud", "sub"]);
    validation.validate_nbf = true;
    validation.leeway = 30;
    let claims = decode::<IdClaims>(id_token, &key, &validation)
        .map_err(|e| AuthError::IdTokenRefused(refusal::reason(&e)))?
        .claims;
    if claims.nonce.as_deref() != Some(expected.nonce) {
        return Err(AuthError::IdTokenRefused("nonce does not match".into()));
    }
    // With several audiences the token must say it was issued for us (`azp`); whenever it
    // names an authorized party, that must be us.
    let audiences = match &claims.aud {
        serde_json::Value::Array(list) => list.len(),
        _ => 1,
    };
    match claims.azp.as_deref() {
        Some(azp) if azp != expected.client_id => {
            return Err(AuthError::IdTokenRefused(
                "issued for another authorized party (azp)".into(),
            ))
        }
        None if audiences > 1 => {
            return Err(AuthError::IdTokenRefused(
                "several audiences and no azp".into(),
            ))
        }
        _ => {}
    }
    Ok(claims)
}

/// The VNeID `acr` values and the assurance level each stands for. A missing or unknown
/// `acr` counts as the lowest level (certified providers set it only when the login step
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
                pin,
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
                roles: crate::known_roles(&roles),
                agency,
            })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    use jsonwebtoken::{encode, EncodingKey, Header};
    use serde_json::{json, Value};

    // Two throwaway P-256 keys made for these tests only: the provider's and a stranger's.
    const PROVIDER_KEY: &str = "-----BEGIN PRIVATE KEY-----
MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgaP3QVOFPWB8ILO3n
Gpfyht4W31eAGo8t7M3VOMo4I66hRANCAASnFAoURHeX32s6G2B6Ar6wTIS3nSim
espwGRHJvW9VE3LzmFiYSHufudIEava5WElzFM9N16JzEgNPV1lKVXvJ
-----END PRIVATE KEY-----
";
    const STRANGER_KEY: &str = "-----BEGIN PRIVATE KEY-----
MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgMZTVM7SW3pyqPsTd
oFaEOC8m88wC56Sev6EPqFNMd+qhRANCAAQLdx/wKQKi5AtvEh5UnhRMJaFopYfN
MyLAFSlfN6RCf18DubLpyJmEMoQQMvjUWWOMP8GTcqLhpUERUgiqqGix
-----END PRIVATE KEY-----
";

    fn provider_jwk(alg: &str) -> Jwk {
        serde_json::from_value(json!({
            "kty": "EC", "crv": "P-256", "kid": "k1", "alg": alg, "use": "sig",
            "x": "pxQKFER3l99rOhtgegK-sEyEt50opnrKcBkRyb1vVRM",
            "y": "cvOYWJhIe5-50gRq9rlYSXMUz03XonMSA09XWUpVe8k"
        }))
        .unwrap()
    }

    fn good_claims() -> Value {
        let now = chrono::Utc::now().timestamp();
        json!({
            "iss": "https://idp.example", "aud": "motcua", "sub": "001207001234",
            "exp": now + 300, "iat": now, "nonce": "n-1", "acr": "vneid:2"
        })
    }

    fn signed(claims: &Value, pem: &str) -> String {
        let mut header = Header::new(Algorithm::ES256);
        header.kid = Some("k1".into());
        encode(
            &header,
            claims,
            &EncodingKey::from_ec_pem(pem.as_bytes()).unwrap(),
        )
        .unwrap()
    }

    fn check(token: &str) -> Result<IdClaims, AuthError> {
        check_id_token(
            token,
            Algorithm::ES256,
            &provider_jwk("ES256"),
            &Expected {
                issuer: "https://idp.example",
                client_id: "motcua",
                nonce: "n-1",
            },
        )
    }

    fn with(changes: Value) -> Value {
        let mut claims = good_claims();
        for (k, v) in changes.as_object().unwrap() {
            if v.is_null() {
                claims.as_object_mut().unwrap().remove(k);
            } else {
                claims[k] = v.clone();
            }
        }
        claims
    }

    #[test]
    fn the_providers_token_passes_and_every_tampered_one_is_refused() {
        assert_eq!(
            check(&signed(&good_claims(), PROVIDER_KEY)).unwrap().sub,
            "001207001234"
        );
        let now = chrono::Utc::now().timestamp();
        let refused = [
            ("wrong nonce", with(json!({"nonce": "n-2"}))),
            ("no nonce", with(json!({"nonce": null}))),
            ("wrong aud", with(json!({"aud": "someone-else"}))),
            ("no aud", with(json!({"aud": null}))),
            ("wrong iss", with(json!({"iss": "https://evil.example"}))),
            ("expired", with(json!({"exp": now - 120}))),
            ("no exp", with(json!({"exp": null}))),
            ("nbf ahead", with(json!({"nbf": now + 600}))),
            ("azp of another", with(json!({"azp": "other-client"}))),
            (
                "several aud, no azp",
                with(json!({"aud": ["motcua", "other"]})),
            ),
        ];
        for (case, claims) in refused {
            let answer = check(&signed(&claims, PROVIDER_KEY));
            assert!(
                matches!(answer, Err(AuthError::IdTokenRefused(_))),
                "{case}: {answer:?}"
            );
        }
        assert!(
            check(&signed(&good_claims(), STRANGER_KEY)).is_err(),
            "stranger's key"
        );
        let several = with(json!({"aud": ["motcua", "other"], "azp": "motcua"}));
        assert!(
            check(&signed(&several, PROVIDER_KEY)).is_ok(),
            "several aud with our azp"
        );
    }

    #[test]
    fn a_key_published_for_another_algorithm_is_not_used() {
        let token = signed(&good_claims(), PROVIDER_KEY);
        let answer = check_id_token(
            &token,
            Algorithm::ES256,
            &provider_jwk("ES384"),
            &Expected {
                issuer: "https://idp.example",
                client_id: "motcua",
                nonce: "n-1",
            },
        );
        assert!(matches!(answer, Err(AuthError::IdTokenRefused(_))));
    }

    #[test]
    fn acr_maps_to_levels() {
        assert_eq!(assurance_level(Some("vneid:2")), 2);
        assert_eq!(assurance_level(Some("vneid:1")), 1);
        assert_eq!(assurance_level(None), 1);
        assert_eq!(assurance_level(Some("something")), 1);
    }
}
