//! E-mail over SMTP with lettre: one pooled transport, a timeout per command, STARTTLS or
//! TLS as the URL says (`smtp://host:587?tls=required`, `smtps://host:465`, or plain
//! `smtp://host:25` inside a trusted network).

use super::SendError;
use async_trait::async_trait;
use lettre::message::header::ContentType;
use lettre::message::Mailbox;
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use secrecy::{ExposeSecret, SecretString};
use std::time::Duration;

/// A message to one citizen.
#[derive(Debug, Clone)]
pub struct Email {
    pub to: String,
    pub subject: String,
    pub body: String,
    /// `Message-ID`, the same at every attempt: a mailbox that got the message before a
    /// crash recognises the second copy.
    pub message_id: String,
}

#[async_trait]
pub trait Mailer: Send + Sync {
    async fn send(&self, email: &Email) -> Result<(), SendError>;
}

#[derive(Clone)]
pub struct SmtpConfig {
    /// `smtp://[user@]host[:port][?tls=required|opportunistic]` or `smtps://…`.
    pub url: String,
    pub password: Option<SecretString>,
    /// `From`: `Một cửa tỉnh <motcua@example.gov.vn>`.
    pub from: String,
    pub timeout: Duration,
}

pub struct SmtpMailer {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
}

impl SmtpMailer {
    pub fn new(config: &SmtpConfig) -> Result<Self, String> {
        let from: Mailbox = config
            .from
            .parse()
            .map_err(|e| format!("the sender address {:?} is not one: {e}", config.from))?;
        let mut builder = AsyncSmtpTransport::<Tokio1Executor>::from_url(&config.url)
            .map_err(|e| format!("the SMTP URL is not one: {e}"))?
            .timeout(Some(config.timeout));
        if let Some(password) = &config.password {
            let user = url_user(&config.url).unwrap_or_default();
            builder =
                builder.credentials(lettre::transport::smtp::authentication::Credentials::new(
                    user,
                    password.expose_secret().to_owned(),
                ));
        }
        Ok(SmtpMailer {
            transport: builder.build(),
            from,
        })
    }
}

/// The user name of `smtp://user@host`.
fn url_user(url: &str) -> Option<String> {
    let rest = url.split_once("://")?.1;
    let (user, _) = rest.split_once('@')?;
    Some(user.split(':').next().unwrap_or(user).to_owned())
}

#[async_trait]
impl Mailer for SmtpMailer {
    async fn send(&self, email: &Email) -> Result<(), SendError> {
        let to: Mailbox = email
            .to
            .parse()
            .map_err(|e| SendError::Refused(format!("the address is not one: {e}")))?;
        let message = Message::builder()
            .from(self.from.clone())
            .to(to)
            .subject(email.subject.clone())
            .message_id(Some(email.message_id.clone()))
            .header(ContentType::TEXT_PLAIN)
            .body(email.body.clone())
            .map_err(|e| SendError::Refused(format!("the message cannot be built: {e}")))?;
        match self.transport.send(message).await {
            Ok(_) => Ok(()),
            Err(e) if e.is_permanent() => Err(SendError::Refused(e.to_string())),
            Err(e) => Err(SendError::Unavailable(e.to_string())),
        }
    }
}
