//! Logins in flight, from `/v1/auth/login` to `/v1/auth/callback`: what the identity
//! provider's answer is checked against (the state, the nonce, the PKCE verifier) is kept
//! by the engine, not the browser, for `LOGIN_TTL_MINUTES`, and used once.

use crate::error::ServiceError;
use crate::store::logins::{CitizenLogin, LoginAttempt};
use crate::Services;
use motcua_core::principal::LoginKind;

/// How long a citizen may take on the provider's login page.
pub use crate::store::logins::LOGIN_TTL_MINUTES;

/// A login started with the identity provider and not finished yet.
pub struct LoginInFlight {
    pub state: String,
    pub nonce: String,
    pub code_verifier: String,
    pub kind: LoginKind,
    /// Where the browser goes with the token after the login.
    pub return_to: Option<String>,
    /// The identity provider it went to (its name in the configuration).
    pub provider: Option<String>,
    /// The assurance level asked for with `acr_values`.
    pub required_level: Option<u8>,
    /// Whether it already went back once for a higher level.
    pub step_up: bool,
}

/// A citizen's login, kept for the portal: the provider's technical id of the account.
pub struct CitizenLoginRecord<'a> {
    pub pin: &'a str,
    pub provider: &'a str,
    pub tech_id: Option<&'a str>,
    pub birth_date: Option<&'a str>,
    pub assurance_level: u8,
}

/// Records a citizen's login at a provider (the last per citizen and provider).
pub async fn record_citizen(
    services: &Services,
    login: CitizenLoginRecord<'_>,
) -> Result<(), ServiceError> {
    let record = CitizenLogin {
        pin: login.pin.to_owned(),
        provider: login.provider.to_owned(),
        tech_id: login.tech_id.map(str::to_owned),
        birth_date: login.birth_date.map(str::to_owned),
        assurance_level: i16::from(login.assurance_level),
    };
    services
        .store
        .session()
        .await?
        .record_citizen_login(&record)
        .await?;
    Ok(())
}

/// Keeps a started login until its callback (old ones are swept meanwhile).
pub async fn keep(services: &Services, login: LoginInFlight) -> Result<(), ServiceError> {
    let attempt = LoginAttempt {
        state: login.state,
        nonce: login.nonce,
        code_verifier: login.code_verifier,
        kind: login.kind.as_str().to_owned(),
        return_to: login.return_to,
        provider: login.provider,
        required_level: login.required_level.map(i16::from),
        step_up: login.step_up,
    };
    services.store.session().await?.save_login(&attempt).await?;
    Ok(())
}

/// Takes the login started with `state`, if it is still fresh: a second call finds nothing,
/// so that an answer of the provider is used once.
pub async fn take(services: &Services, state: &str) -> Result<Option<LoginInFlight>, ServiceError> {
    let Some(attempt) = services.store.session().await?.take_login(state).await? else {
        return Ok(None);
    };
    let kind = match attempt.kind.as_str() {
        "staff" => LoginKind::Staff,
        _ => LoginKind::Citizen,
    };
    Ok(Some(LoginInFlight {
        state: attempt.state,
        nonce: attempt.nonce,
        code_verifier: attempt.code_verifier,
        kind,
        return_to: attempt.return_to,
        provider: attempt.provider,
        required_level: attempt.required_level.and_then(|l| u8::try_from(l).ok()),
        step_up: attempt.step_up,
    }))
}
