//! The national payment platform (Nền tảng thanh toán, "PayGov") as the engine uses it: the
//! wire messages (`INIT` to start a payment, the platform's callback, `QUERY` to ask a
//! payment's state, `RECEIPT` for the electronic receipt), their message authentication
//! code (`MaXacThuc`), the [`PaymentPlatform`] trait the engine calls and [`HttpPaygov`],
//! its HTTP client. `docs/INTEGRATIONS.md` (Payments) describes every field.
//!
//! `MaXacThuc` is the lowercase hex SHA-256 of the message's fields, in the order given by
//! each message's `mac_fields`, joined by `|`, followed by `|` and the partner's secret.

mod client;
mod message;

pub use client::{HttpPaygov, HttpPaygovConfig};
pub use message::{
    mac, mac_matches, Callback, InitReply, InitRequest, QueryReply, QueryRequest, ReceiptLine,
    ReceiptReply, ReceiptRequest, CURRENCY, SUCCESS, VERSION,
};

use async_trait::async_trait;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PaygovError {
    /// The platform answered that it will not take this message, and why: sending it again
    /// gets the same answer.
    #[error("refused: {0}")]
    Refused(String),
    /// No usable answer (down, timed out, a reply whose MAC does not match): may go through
    /// later.
    #[error("unavailable: {0}")]
    Unavailable(String),
}

/// The platform, as the engine calls it. Every call is authenticated with the partner's
/// secret, which the implementation holds.
#[async_trait]
pub trait PaymentPlatform: Send + Sync {
    /// The partner code (`MaDoiTac`) the messages carry.
    fn partner_code(&self) -> &str;
    /// Starts a payment: the URL the citizen is sent to.
    async fn init(&self, request: &InitRequest) -> Result<InitReply, PaygovError>;
    /// The payment's state at the platform.
    async fn query(&self, request: &QueryRequest) -> Result<QueryReply, PaygovError>;
    /// The electronic receipt (biên lai) of a paid payment, as a PDF.
    async fn receipt(&self, request: &ReceiptRequest) -> Result<Vec<u8>, PaygovError>;
    /// `MaXacThuc` of `fields` with the partner's secret.
    fn sign(&self, fields: &[&str]) -> String;
    /// Whether `given` is the MAC of `fields` (compared in constant time).
    fn verify(&self, fields: &[&str], given: &str) -> bool {
        message::same_mac(&self.sign(fields), given)
    }
}
