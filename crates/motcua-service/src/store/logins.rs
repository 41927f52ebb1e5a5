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
    /// The identity provider's name in the configuration; `None` for the default one.
    pub provider: Option<String>,
    /// The assurance level asked for with `acr_values`.
    pub required_level: Option<i16>,
    /// The login already went back once for a higher level.
    pub step_up: bool,
}

/// A citizen's login, as the engine keeps it for the portal.
#[derive(Debug, Clone)]
pub struct CitizenLogin {
    pub pin: String,
    pub provider: String,
    /// The provider's technical id of the account (`TechID`).
    pub tech_id: Option<String>,
    pub birth_date: Option<String>,
    pub assurance_level: i16,
}

#[async_trait]
pub trait LoginRecords {
    /// Keeps an attempt (and forgets those older than [`LOGIN_TTL_MINUTES`]).
    async fn save_login(&mut self, attempt: &LoginAttempt) -> Result<(), StoreError>;
    /// Takes the attempt of `state` out, once: a replayed callback finds nothing.
    async fn take_login(&mut self, state: &str) -> Result<Option<LoginAttempt>, StoreError>;
    /// Records a citizen's login at a provider (the last one per citizen and provider).
    async fn record_citizen_login(&mut self, login: &CitizenLogin) -> Result<(), StoreError>;
}
