//! Sending what the engine tells citizens: e-mail over SMTP ([`SmtpMailer`]) and SMS
//! through an HTTP gateway ([`HttpSmsGateway`]), each behind a trait so that the outbox's
//! deliverers (`motcua_service::notify`) do not care which, and the tests use real-shaped
//! stand-ins (a real SMTP server; the simulator's SMS gateway).
//!
//! A send either went through, was refused (the address is wrong: sending it again gets the
//! same answer) or failed for now (the server is down, timed out, overloaded).

mod mail;
mod sms;

pub use mail::{Email, Mailer, SmtpConfig, SmtpMailer};
pub use sms::{HttpSmsGateway, Sms, SmsConfig, SmsGateway};

/// Why a message did not go.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SendError {
    /// The server will not take this message, and why: trying again changes nothing.
    #[error("refused: {0}")]
    Refused(String),
    /// No usable answer: try again later.
    #[error("unavailable: {0}")]
    Unavailable(String),
}
