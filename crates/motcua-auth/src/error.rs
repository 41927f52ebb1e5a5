use thiserror::Error;

#[derive(Debug, Error)]
pub enum AuthError {
    /// The bearer token is missing, malformed, forged, expired or not yet valid.
    #[error("invalid access token: {0}")]
    InvalidToken(String),
    /// The identity provider's answer did not pass our checks.
    #[error("the identity provider's ID token was refused: {0}")]
    IdTokenRefused(String),
    /// The login flow was broken off, replayed or tampered with (state, cookie, code).
    #[error("login refused: {0}")]
    LoginRefused(String),
    /// The identity provider could not be reached or answered nonsense.
    #[error("identity provider unavailable: {0}")]
    ProviderUnavailable(String),
}
