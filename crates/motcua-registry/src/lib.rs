//! motcua-registry: the resident-data adapter. The engine reads citizens' data from the
//! national population register (CSDLQGvDC) through the [`Register`] trait; [`HttpRegister`]
//! speaks the register API of docs/ARCHITECTURE.md or the LGSP population-database query
//! ([`lgsp`], chosen by [`Protocol`]), with a timeout per attempt, bounded
//! retries with jitter, an overall deadline and a circuit breaker, so that a slow or absent
//! register gives a quick, clear "unavailable" instead of hanging requests.

mod breaker;
mod client;
mod error;
pub mod lgsp;

pub use breaker::{CircuitBreaker, CircuitState};
pub use client::{HttpRegister, HttpRegisterConfig, Protocol};
pub use error::RegistryError;
pub use lgsp::LgspConfig;

use motcua_core::pin::Pin;
use serde_json::{Map, Value};
use uuid::Uuid;

/// Why the register is read: sent as `X-Purpose` and `X-Requester`, and recorded.
#[derive(Debug, Clone)]
pub struct Purpose {
    pub procedure_code: String,
    pub dossier_id: Uuid,
    /// The subject of the actor (a citizen's PIN, a clerk's username).
    pub requester: String,
}

impl Purpose {
    pub fn header_value(&self) -> String {
        format!("{}/{}", self.procedure_code, self.dossier_id)
    }
}

/// What the register answered: only the fields asked for.
#[derive(Debug, Clone, PartialEq)]
pub struct ResidentRecord {
    pub fields: Map<String, Value>,
    /// The request id we sent, to find the call again in both sides' logs.
    pub request_id: Uuid,
}

/// A source of resident data.
#[async_trait::async_trait]
pub trait Register: Send + Sync {
    /// Reads `fields` of the resident `pin`, for `purpose`.
    async fn resident(
        &self,
        pin: &Pin,
        fields: &[String],
        purpose: &Purpose,
    ) -> Result<ResidentRecord, RegistryError>;

    /// Whether the register answered its last calls. Known from real reads only: the
    /// register holds personal data and is read for a recorded purpose, never probed.
    fn answering(&self) -> bool {
        true
    }

    /// The circuit breaker's state, for the metrics; a register without one is always
    /// closed.
    fn circuit(&self) -> CircuitState {
        CircuitState::Closed
    }
}
