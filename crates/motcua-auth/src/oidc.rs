//! The OpenID Connect relying party: authorization code flow with PKCE S256, state and
//! nonce, `acr_values` for the level a procedure needs, `client_secret_basic` (RFC 6749
//! §2.3.1 encoding) at the token endpoint, ID tokens checked against the keys the provider
//! publishes now (JWKS and discovery refreshed), and the person's claims read from the ID
//! token or `/userinfo` as the provider's [`ClaimMapping`] says.

use crate::claims::{ClaimMapping, ClaimsFrom};
use crate::pkce::{random_token, s256_challenge};
use crate::{refusal, AuthError, LoginKind, Principal};
use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;
use jsonwebtoken::jwk::{Jwk, JwkSet};
use jsonwebtoken::{decode, decode_header, Algorithm, DecodingKey, Validation};
use serde::Deserialize;
use serde_json::{Map, Value};
use std::time::{Duration, Instant};
use tokio::sync::RwLock;
use url::Url;

/// How to reach one identity provider (VNeID, the DVCQG single sign-on, a separate staff
/// provider) and how to read what it says.
#[derive(Debug, Clone)]
pub struct RelyingPartyConfig {
    /// The provider's name in the engine's configuration (`default` for `OIDC_*`, `staff`
    /// for `STAFF_OIDC_*`, the lower-case name of `<NAME>_OIDC_*`); kept with each login.
    pub name: String,
    pub issuer: String,
    pub client_id: String,
    pub client_secret: String,
    /// The engine's `/v1/auth/callback`, as registered with the provider.
    pub redirect_uri: String,
    /// Where the person's claims are and what they are called.
    pub mapping: ClaimMapping,
    /// How long a fetched discovery document and JWKS are trusted: after that the next login
    /// fetches them again, so a key the provider stopped publishing is refused from then on.
    pub refresh: Duration,
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
    /// The provider it went to ([`RelyingPartyConfig::name`]).
    pub provider: String,
    /// The assurance level asked for with `acr_values` (the procedure's), if any.
    pub level: Option<u8>,
    /// Whether this login already sent the citizen back for a higher level once.
    pub step_up: bool,
}

/// A checked login: who it is, and what the provider said besides.
#[derive(Debug, Clone)]
pub struct Login {
    pub principal: Principal,
    /// The provider's technical id of the account (`TechID`; `sub` for a standard provider).
    pub tech_id: Option<String>,
    /// The birth date as the provider gave it, `YYYY-MM-DD` when it could be read as a date.
    pub birth_date: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
struct Discovery {
    issuer: String,
    authorization_endpoint: String,
    token_endpoint: String,
    jwks_uri: String,
    #[serde(default)]
    userinfo_endpoint: Option<String>,
}

#[derive(Debug, Deserialize)]
struct TokenResponse {
    id_token: String,
    #[serde(default)]
    access_token: Option<String>,
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
    /// Every claim, the ones above included: what the mapping reads.
    #[serde(flatten)]
    all: Map<String, Value>,
}

struct Keys {
    set: JwkSet,
    fetched: Instant,
}

struct Fetched<T> {
    value: T,
    fetched: Instant,
}

/// Only these algorithms are accepted on ID tokens, whatever the token's header says.
const ALLOWED_ALGORITHMS: &[Algorithm] = &[Algorithm::RS256, Algorithm::PS256, Algorithm::ES256];

/// An unknown `kid` triggers at most one JWKS refresh per this interval, so forged tokens
/// with random key ids cannot make us hammer the provider.
const MIN_REFRESH: Duration = Duration::from_secs(10);

/// The default of [`RelyingPartyConfig::refresh`].
pub const DEFAULT_REFRESH: Duration = Duration::from_secs(300);

pub struct RelyingParty {
    config: RelyingPartyConfig,
    http: reqwest::Client,
    discovery: RwLock<Option<Fetched<Discovery>>>,
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

    pub fn name(&self) -> &str {
        &self.config.name
    }

    /// Starts a login: the URL to send the browser to, and what to keep until the callback.
    /// With `level`, the provider is asked for that assurance level (`acr_values`).
    pub async fn begin_login(
        &self,
        kind: LoginKind,
        return_to: Option<String>,
        level: Option<u8>,
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
            provider: self.config.name.clone(),
            level,
            step_up: false,
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
        if let Some(acr) = level.and_then(|l| self.config.mapping.acr_value(l)) {
            url.query_pairs_mut().append_pair("acr_values", acr);
        }
        Ok((url, pending))
    }

    /// Sends a citizen whose login came back below `level` to the provider again, asking
    /// for `level` and a fresh authentication (`prompt=login`); the login is marked so that
    /// it happens once.
    pub async fn step_up(
        &self,
        previous: &PendingLogin,
        level: u8,
    ) -> Result<(Url, PendingLogin), AuthError> {
        let (mut url, mut pending) = self
            .begin_login(previous.kind, previous.return_to.clone(), Some(level))
            .await?;
        url.query_pairs_mut().append_pair("prompt", "login");
        pending.step_up = true;
        Ok((url, pending))
    }

    /// Finishes a login: exchanges the code, checks the ID token and reads the person's
    /// claims where the mapping says (the ID token, or `/userinfo`).
    pub async fn complete_login(
        &self,
        code: &str,
        pending: &PendingLogin,
    ) -> Result<Login, AuthError> {
        let token_endpoint = self.with_discovery(|d| d.token_endpoint.clone()).await?;
        let response = self
            .http
            .post(&token_endpoint)
            .header(
                reqwest::header::AUTHORIZATION,
                basic_authorization(&self.config.client_id, &self.config.client_secret),
            )
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
        let person = match self.config.mapping.claims_from {
            ClaimsFrom::IdToken => claims.all,
            ClaimsFrom::Userinfo => {
                let access_token = tokens.access_token.as_deref().ok_or_else(|| {
                    AuthError::LoginRefused("the provider gave no access token for userinfo".into())
                })?;
                self.userinfo(access_token, &claims.sub).await?
            }
        };
        self.config.mapping.login(&person, pending.kind)
    }

    /// The provider's `/userinfo` for `access_token`, which must be about `sub` (OIDC Core
    /// §5.3.2: otherwise it is not to be used).
    async fn userinfo(
        &self,
        access_token: &str,
        sub: &str,
    ) -> Result<Map<String, Value>, AuthError> {
        let endpoint = self
            .with_discovery(|d| d.userinfo_endpoint.clone())
            .await?
            .ok_or_else(|| {
                AuthError::ProviderUnavailable("the provider names no userinfo_endpoint".into())
            })?;
        let answer: Map<String, Value> = self
            .http
            .get(&endpoint)
            .bearer_auth(access_token)
            .send()
            .await
            .and_then(|r| r.error_for_status())
            .map_err(|e| AuthError::ProviderUnavailable(format!("userinfo: {e}")))?
            .json()
            .await
            .map_err(|e| AuthError::ProviderUnavailable(format!("userinfo: {e}")))?;
        if answer.get("sub").and_then(Value::as_str) != Some(sub) {
            return Err(AuthError::IdTokenRefused(
                "userinfo is about another subject than the ID token".into(),
            ));
        }
        Ok(answer)
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

    /// The provider's key `kid`, as long as the provider publishes it. The JWKS is fetched
    /// again once it is older than the refresh interval (a key the provider dropped is then
    /// refused), and on an unknown `kid` (providers rotate keys), no more often than
    /// [`MIN_REFRESH`].
    async fn published_key(&self, kid: &str) -> Result<Jwk, AuthError> {
        if let Some(keys) = self.keys.read().await.as_ref() {
            if keys.fetched.elapsed() < self.config.refresh {
                if let Some(jwk) = keys.set.find(kid) {
                    return Ok(jwk.clone());
                }
            }
        }
        let mut guard = self.keys.write().await;
        let due = match guard.as_ref() {
            None => true,
            Some(k) => {
                k.fetched.elapsed() >= self.config.refresh
                    || (k.set.find(kid).is_none() && k.fetched.elapsed() >= MIN_REFRESH)
            }
        };
        if due {
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
                AuthError::IdTokenRefused(format!(
                    "unknown key id {:?}: the provider does not publish it",
                    refusal::clipped(kid, 64)
                ))
            })
    }

    /// Reads a value of the provider's discovery document, fetching it on first use (so that
    /// the engine starts even while the provider is briefly down) and again once it is older
    /// than the refresh interval; a failed refresh keeps the previous document.
    async fn with_discovery<T>(&self, read: impl Fn(&Discovery) -> T) -> Result<T, AuthError> {
        if let Some(d) = self.discovery.read().await.as_ref() {
            if d.fetched.elapsed() < self.config.refresh {
                return Ok(read(&d.value));
            }
        }
        let mut guard = self.discovery.write().await;
        let due = guard
            .as_ref()
            .is_none_or(|d| d.fetched.elapsed() >= self.config.refresh);
        if due {
            match self.fetch_discovery().await {
                Ok(discovery) => {
                    *guard = Some(Fetched {
                        value: discovery,
                        fetched: Instant::now(),
                    })
                }
                Err(e) if guard.is_some() => {
                    tracing::warn!(provider = %self.config.name, error = %e, "discovery refresh failed; the previous document is kept");
                }
                Err(e) => return Err(e),
            }
        }
        guard
            .as_ref()
            .map(|d| read(&d.value))
            .ok_or_else(|| AuthError::ProviderUnavailable("discovery missing".into()))
    }

    async fn fetch_discovery(&self) -> Result<Discovery, AuthError> {
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
        Ok(discovery)
    }
}

/// `client_secret_basic` as RFC 6749 §2.3.1 has it: the client id and the secret are each
/// form-urlencoded, then joined with `:` and base64-encoded. (reqwest's `basic_auth` skips
/// the first step, which breaks a secret holding `%`, `+`, `:` or a space.)
fn basic_authorization(client_id: &str, client_secret: &str) -> String {
    let encode = |s: &str| url::form_urlencoded::byte_serialize(s.as_bytes()).collect::<String>();
    format!(
        "Basic {}",
        STANDARD.encode(format!("{}:{}", encode(client_id), encode(client_secret)))
    )
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
    let mut claims = decode::<IdClaims>(id_token, &key, &validation)
        .map_err(|e| AuthError::IdTokenRefused(refusal::reason(&e)))?
        .claims;
    // `flatten` leaves out the fields read above; the mapping may name `sub`.
    claims
        .all
        .insert("sub".to_owned(), Value::String(claims.sub.clone()));
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
        let passed = check(&signed(&good_claims(), PROVIDER_KEY)).unwrap();
        assert_eq!(passed.sub, "001207001234");
        // What the claim mapping reads has `sub` and the other claims.
        assert_eq!(passed.all["sub"], "001207001234");
        assert_eq!(passed.all["acr"], "vneid:2");
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
    fn the_client_secret_is_form_urlencoded_before_base64() {
        // RFC 6749 §2.3.1, with the reserved characters a generated secret may hold.
        let header = basic_authorization("motcua app", "s3:cr%t+/é");
        let encoded = header.strip_prefix("Basic ").unwrap();
        let decoded = String::from_utf8(STANDARD.decode(encoded).unwrap()).unwrap();
        assert_eq!(decoded, "motcua+app:s3%3Acr%25t%2B%2F%C3%A9");
        // Plain secrets are unchanged by the encoding.
        let plain = basic_authorization("motcua", "motcua-dev-secret");
        assert_eq!(
            plain,
            format!("Basic {}", STANDARD.encode("motcua:motcua-dev-secret"))
        );
    }
}
