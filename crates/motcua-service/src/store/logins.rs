//! Logins in flight: the state of an OpenID Connect code flow between the redirect to the
//! provider and the callback.

use super::StoreError;
use async_trait::async_trait;

/// How long a citizen may take on the provider's login page.
pub const LOGIN_TTL_MINUTES: i32 = 10;

#[derive(Debug, Clone)]
pub struct LoginAttempt {
    pub state: String,
    pub nonce: String,
    pub code_verifier: String,
    pub kind: String,
    pub return_to: Option<String>,
}

#[async_trait]
pub trait LoginRecords {
    /// Keeps an attempt (and forgets those older than [`LOGIN_TTL_MINUTES`]).
    async fn save_login(&mut self, attempt: &LoginAttempt) -> Result<(), StoreError>;
    /// Takes the attempt of `state` out, once: a replayed callback finds nothing.
    async fn take_login(&mut self, state: &str) -> Result<Option<LoginAttempt>, StoreError>;
}
