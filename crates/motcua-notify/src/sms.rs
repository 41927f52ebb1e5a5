//! SMS through an HTTP gateway (a telecom's brand-name SMS API, or the province's): `POST`
//! of `{"to": "+84…", "text": "…", "reference": "…"}` with a bearer token and the
//! message's `Idempotency-Key`. 2xx: taken; 4xx (but 408 and 429): refused; anything else,
//! or no answer in time: unavailable.

use super::SendError;
use async_trait::async_trait;
use secrecy::{ExposeSecret, SecretString};
use serde::Serialize;
use std::time::Duration;

#[derive(Debug, Clone, Serialize)]
pub struct Sms {
    /// `+84…`.
    pub to: String,
    pub text: String,
    /// The same at every attempt, sent as `Idempotency-Key` too.
    pub reference: String,
}

#[async_trait]
pub trait SmsGateway: Send + Sync {
    async fn send(&self, sms: &Sms) -> Result<(), SendError>;
}

#[derive(Clone)]
pub struct SmsConfig {
    pub url: String,
    pub token: SecretString,
    pub timeout: Duration,
}

pub struct HttpSmsGateway {
    client: reqwest::Client,
    config: SmsConfig,
}

impl HttpSmsGateway {
    pub fn new(config: SmsConfig) -> Result<Self, String> {
        let client = reqwest::Client::builder()
            .timeout(config.timeout)
            .build()
            .map_err(|e| e.to_string())?;
        Ok(HttpSmsGateway { client, config })
    }
}

#[async_trait]
impl SmsGateway for HttpSmsGateway {
    async fn send(&self, sms: &Sms) -> Result<(), SendError> {
        let answer = self
            .client
            .post(&self.config.url)
            .bearer_auth(self.config.token.expose_secret())
            .header("Idempotency-Key", &sms.reference)
            .json(sms)
            .send()
            .await
            .map_err(|e| SendError::Unavailable(format!("the SMS gateway: {e}")))?;
        let status = answer.status();
        if status.is_success() {
            return Ok(());
        }
        let body: String = answer
            .text()
            .await
            .unwrap_or_default()
            .chars()
            .take(300)
            .collect();
        let why = format!("the SMS gateway answered {status}: {body}");
        if status.is_client_error() && status.as_u16() != 408 && status.as_u16() != 429 {
            Err(SendError::Refused(why))
        } else {
            Err(SendError::Unavailable(why))
        }
    }
}
