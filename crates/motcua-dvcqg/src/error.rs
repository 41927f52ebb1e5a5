use thiserror::Error;

/// Why a call did not go through; the outbox decides from it whether to try again.
#[derive(Debug, Clone, Error, PartialEq, Eq)]
pub enum DvcqgError {
    /// DVCQG answered and refused what was sent (`error_code` other than 0, or a 4xx other
    /// than an expired session): sending the same again gets the same answer.
    #[error("DVCQG refused it: {0}")]
    Refused(String),
    /// No answer, or one saying to come back later (down, timed out, 5xx, 429, the login
    /// failing): the same message may go through later.
    #[error("DVCQG is unavailable: {0}")]
    Unavailable(String),
}
