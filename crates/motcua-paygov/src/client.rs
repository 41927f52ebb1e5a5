//! The platform's HTTP client: every message is one JSON POST to the partner endpoint,
//! answered with JSON whose MAC is checked before anything is believed.

use crate::message::{
    mac, mac_matches, InitReply, InitRequest, QueryReply, QueryRequest, ReceiptReply,
    ReceiptRequest, SUCCESS,
};
use crate::{PaygovError, PaymentPlatform};
use async_trait::async_trait;
use base64::Engine as _;
use secrecy::{ExposeSecret, SecretString};
use serde::de::DeserializeOwned;
use serde::Serialize;
use std::time::Duration;

#[derive(Debug, Clone)]
pub struct HttpPaygovConfig {
    /// Where every message is posted.
    pub url: String,
    /// `MaDoiTac`: the province's partner code at the platform.
    pub partner_code: String,
    /// The partner's secret, which every MAC is made with.
    pub secret: SecretString,
    /// Each call gives up after this.
    pub timeout: Duration,
}

pub struct HttpPaygov {
    config: HttpPaygovConfig,
    http: reqwest::Client,
}

impl HttpPaygov {
    pub fn new(config: HttpPaygovConfig) -> Result<Self, PaygovError> {
        let http = reqwest::Client::builder()
            .timeout(config.timeout)
            .connect_timeout(config.timeout)
            .build()
            .map_err(|e| PaygovError::Unavailable(format!("cannot build the HTTP client: {e}")))?;
        Ok(HttpPaygov { config, http })
    }

    fn secret(&self) -> &str {
        self.config.secret.expose_secret()
    }

    async fn post<B: Serialize + Sync, R: DeserializeOwned>(
        &self,
        body: &B,
    ) -> Result<R, PaygovError> {
        let answer = self
            .http
            .post(&self.config.url)
            .json(body)
            .send()
            .await
            .map_err(|e| PaygovError::Unavailable(format!("no answer: {e}")))?;
        let status = answer.status();
        if status.is_server_error() || status.as_u16() == 429 {
            return Err(PaygovError::Unavailable(format!("HTTP {status}")));
        }
        if !status.is_success() {
            let text = answer.text().await.unwrap_or_default();
            return Err(PaygovError::Refused(format!(
                "HTTP {status}: {}",
                text.chars().take(300).collect::<String>()
            )));
        }
        answer.json::<R>().await.map_err(|e| {
            PaygovError::Unavailable(format!("an answer that is not the platform's: {e}"))
        })
    }

    fn check(&self, fields: &[&str], given: &str) -> Result<(), PaygovError> {
        if mac_matches(fields, self.secret(), given) {
            Ok(())
        } else {
            Err(PaygovError::Unavailable(
                "the answer's MaXacThuc does not match: not believed".into(),
            ))
        }
    }
}

#[async_trait]
impl PaymentPlatform for HttpPaygov {
    fn partner_code(&self) -> &str {
        &self.config.partner_code
    }

    async fn init(&self, request: &InitRequest) -> Result<InitReply, PaygovError> {
        let reply: InitReply = self.post(request).await?;
        self.check(&reply.mac_fields(), &reply.ma_xac_thuc)?;
        if reply.ma_loi != SUCCESS {
            return Err(PaygovError::Refused(format!(
                "MaLoi {}: {}",
                reply.ma_loi,
                reply.mo_ta_loi.as_deref().unwrap_or("")
            )));
        }
        if reply.ma_tham_chieu != request.ma_tham_chieu {
            return Err(PaygovError::Unavailable(
                "the answer names another payment".into(),
            ));
        }
        Ok(reply)
    }

    async fn query(&self, request: &QueryRequest) -> Result<QueryReply, PaygovError> {
        let reply: QueryReply = self.post(request).await?;
        self.check(&reply.mac_fields(), &reply.ma_xac_thuc)?;
        if reply.ma_tham_chieu != request.ma_tham_chieu {
            return Err(PaygovError::Unavailable(
                "the answer names another payment".into(),
            ));
        }
        Ok(reply)
    }

    async fn receipt(&self, request: &ReceiptRequest) -> Result<Vec<u8>, PaygovError> {
        let reply: ReceiptReply = self.post(request).await?;
        self.check(&reply.mac_fields(), &reply.ma_xac_thuc)?;
        if reply.ma_loi != SUCCESS {
            // Not ready yet, as a rule: asked again later.
            return Err(PaygovError::Unavailable(format!(
                "no receipt yet (MaLoi {})",
                reply.ma_loi
            )));
        }
        base64::engine::general_purpose::STANDARD
            .decode(reply.bien_lai.as_bytes())
            .map_err(|e| PaygovError::Unavailable(format!("a receipt that is not base64: {e}")))
    }

    fn sign(&self, fields: &[&str]) -> String {
        mac(fields, self.secret())
    }
}
