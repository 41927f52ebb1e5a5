use std::time::Duration;
use thiserror::Error;

#[derive(Debug, Error)]
pub enum RegistryError {
    /// The register does not know this person.
    #[error("the population register has no person with this number")]
    NotFound,
    /// The register refused the request as malformed (a bug on our side, or a bad number).
    #[error("the population register refused the request: {0}")]
    Refused(String),
    /// Our credentials were refused: an operator must fix REGISTRY_TOKEN.
    #[error("the population register refused our credentials")]
    Unauthorized,
    /// Down, slow, or the circuit is open: try again after `retry_after`.
    #[error("the population register is unavailable: {reason}")]
    Unavailable {
        reason: String,
        retry_after: Duration,
    },
    /// It answered something that does not follow the contract.
    #[error("the population register answered outside the contract: {0}")]
    Protocol(String),
}
