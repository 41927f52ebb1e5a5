//! What the provider remembers between requests: authorization codes and access tokens.
//! Memory is enough: a restarted stand-in simply makes people log in again.

use super::claims::Profile;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use rand::RngCore;
use std::collections::HashMap;
use std::sync::{Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant};

/// How long a code may wait for its exchange. Short, because it travels through the browser.
pub const CODE_LIFETIME: Duration = Duration::from_secs(60);
/// How long an access token opens `/userinfo`.
pub const ACCESS_TOKEN_LIFETIME: Duration = Duration::from_secs(300);

/// 256 random bits, base64url: unguessable codes and tokens.
pub fn random_token() -> String {
    let mut bytes = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    URL_SAFE_NO_PAD.encode(bytes)
}

/// Everything the login fixed that the token request must match.
#[derive(Debug, Clone)]
pub struct CodeGrant {
    pub client_id: String,
    pub redirect_uri: String,
    pub code_challenge: String,
    pub nonce: Option<String>,
    pub scope: String,
    /// Who logged in, as the tokens will say.
    pub profile: Profile,
    /// Which provider the simulator acted as when the person logged in.
    pub shape: super::profile::OidcProfile,
    /// The `acr_values` the relying party asked for, as sent.
    pub acr_values: Option<String>,
    /// When the person entered their password (`auth_time`), seconds since the epoch.
    pub auth_time: i64,
}

struct CodeEntry {
    grant: CodeGrant,
    expires: Instant,
    /// Set at the first exchange attempt; the entry stays until it expires so that a replay
    /// is recognised as one (and revokes what the first exchange issued).
    redeemed: bool,
    issued_access_token: Option<String>,
}

/// Why a code cannot be exchanged. The caller answers `invalid_grant` for all of them.
#[derive(Debug, PartialEq, Eq)]
pub enum CodeRefusal {
    Unknown,
    Expired,
    Replayed,
}

/// The access a token gives to `/userinfo`.
#[derive(Debug, Clone)]
pub struct AccessGrant {
    pub client_id: String,
    pub profile: Profile,
    pub shape: super::profile::OidcProfile,
}

struct TokenEntry {
    grant: AccessGrant,
    expires: Instant,
}

#[derive(Default)]
pub struct Grants {
    codes: Mutex<HashMap<String, CodeEntry>>,
    tokens: Mutex<HashMap<String, TokenEntry>>,
}

/// The maps hold plain data that no panic can leave half-written, so a poisoned lock is still
/// safe to use.
fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

impl Grants {
    /// Stores a new single-use code and returns it.
    pub fn issue_code(&self, grant: CodeGrant, now: Instant) -> String {
        let code = random_token();
        let mut codes = lock(&self.codes);
        codes.retain(|_, entry| entry.expires > now);
        codes.insert(
            code.clone(),
            CodeEntry {
                grant,
                expires: now + CODE_LIFETIME,
                redeemed: false,
                issued_access_token: None,
            },
        );
        code
    }

    /// Takes the code for one exchange attempt. Whatever the attempt's outcome, the code is
    /// spent: a stolen code tried with a wrong verifier must not stay usable for guessing.
    /// On a replay, the access token issued by the first exchange is revoked
    /// (RFC 6749 §4.1.2).
    pub fn redeem_code(&self, code: &str, now: Instant) -> Result<CodeGrant, CodeRefusal> {
        let revoked = {
            let mut codes = lock(&self.codes);
            if codes.get(code).is_some_and(|entry| entry.expires <= now) {
                codes.remove(code);
                return Err(CodeRefusal::Expired);
            }
            codes.retain(|_, entry| entry.expires > now);
            let entry = codes.get_mut(code).ok_or(CodeRefusal::Unknown)?;
            if !entry.redeemed {
                entry.redeemed = true;
                return Ok(entry.grant.clone());
            }
            entry.issued_access_token.take()
        };
        if let Some(token) = revoked {
            lock(&self.tokens).remove(&token);
        }
        Err(CodeRefusal::Replayed)
    }

    /// Issues an access token for a redeemed code, remembered with the code so that a replay
    /// can revoke it.
    pub fn issue_access_token(&self, code: &str, grant: AccessGrant, now: Instant) -> String {
        let token = random_token();
        {
            let mut tokens = lock(&self.tokens);
            tokens.retain(|_, entry| entry.expires > now);
            tokens.insert(
                token.clone(),
                TokenEntry {
                    grant,
                    expires: now + ACCESS_TOKEN_LIFETIME,
                },
            );
        }
        if let Some(entry) = lock(&self.codes).get_mut(code) {
            entry.issued_access_token = Some(token.clone());
        }
        token
    }

    /// The grant behind a live access token.
    pub fn access(&self, token: &str, now: Instant) -> Option<AccessGrant> {
        lock(&self.tokens)
            .get(token)
            .filter(|entry| entry.expires > now)
            .map(|entry| entry.grant.clone())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::accounts;

    fn profile() -> Profile {
        Profile::of(&accounts::accounts()[0])
    }

    fn grant() -> CodeGrant {
        CodeGrant {
            client_id: "motcua".into(),
            redirect_uri: "http://127.0.0.1:1/cb".into(),
            code_challenge: "c".into(),
            nonce: Some("n".into()),
            scope: "openid".into(),
            profile: profile(),
            shape: Default::default(),
            acr_values: None,
            auth_time: 0,
        }
    }

    fn access() -> AccessGrant {
        AccessGrant {
            client_id: "motcua".into(),
            profile: profile(),
            shape: Default::default(),
        }
    }

    #[test]
    fn tokens_are_long_and_distinct() {
        let a = random_token();
        assert_eq!(a.len(), 43);
        assert_ne!(a, random_token());
    }

    #[test]
    fn a_code_works_once() {
        let grants = Grants::default();
        let now = Instant::now();
        let code = grants.issue_code(grant(), now);
        assert!(grants.redeem_code(&code, now).is_ok());
        assert_eq!(
            grants.redeem_code(&code, now).unwrap_err(),
            CodeRefusal::Replayed
        );
        assert_eq!(
            grants.redeem_code("nope", now).unwrap_err(),
            CodeRefusal::Unknown
        );
    }

    #[test]
    fn a_code_expires_after_a_minute() {
        let grants = Grants::default();
        let now = Instant::now();
        let code = grants.issue_code(grant(), now);
        let later = now + CODE_LIFETIME;
        assert_eq!(
            grants.redeem_code(&code, later).unwrap_err(),
            CodeRefusal::Expired
        );
        // ... and is forgotten.
        assert_eq!(
            grants.redeem_code(&code, later).unwrap_err(),
            CodeRefusal::Unknown
        );
    }

    #[test]
    fn replaying_a_code_revokes_its_access_token() {
        let grants = Grants::default();
        let now = Instant::now();
        let code = grants.issue_code(grant(), now);
        grants.redeem_code(&code, now).unwrap();
        let token = grants.issue_access_token(&code, access(), now);
        assert!(grants.access(&token, now).is_some());
        assert!(grants.redeem_code(&code, now).is_err());
        assert!(grants.access(&token, now).is_none());
    }

    #[test]
    fn access_tokens_expire() {
        let grants = Grants::default();
        let now = Instant::now();
        let token = grants.issue_access_token("no-code", access(), now);
        assert!(grants.access(&token, now + ACCESS_TOKEN_LIFETIME).is_none());
    }
}
