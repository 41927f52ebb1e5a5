//! The HTTP client of the population register: the engine's own register API
//! (docs/ARCHITECTURE.md, "The register API") or the population-database query through a
//! province's integration platform (LGSP, [`crate::lgsp`]). Both share the same resilience:
//! a timeout per attempt, retries with jitter, an overall deadline and a circuit breaker.

use crate::lgsp::{self, Answer, LgspConfig};
use crate::{CircuitBreaker, CircuitState, Purpose, Register, RegistryError, ResidentRecord};
use motcua_core::pin::Pin;
use rand::Rng;
use reqwest::StatusCode;
use serde_json::Value;
use std::time::{Duration, Instant};
use uuid::Uuid;

/// Which shape the register is spoken to in (`REGISTRY_PROTOCOL`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Protocol {
    /// `GET {base_url}/v1/residents/{pin}?fields=…` answered in JSON.
    Motcua,
    /// `POST {base_url}` with the LGSP query, answered in XML; `base_url` is the query's
    /// whole address on the province's platform.
    Lgsp(LgspConfig),
}

#[derive(Debug, Clone)]
pub struct HttpRegisterConfig {
    pub protocol: Protocol,
    pub base_url: String,
    pub token: String,
    /// Each attempt gives up after this.
    pub attempt_timeout: Duration,
    /// All attempts together give up after this: what a citizen waits at most.
    pub deadline: Duration,
    /// Attempts after the first, on failures that may pass (timeouts, 5xx, connection).
    pub retries: u32,
    pub breaker_threshold: u32,
    pub breaker_cooldown: Duration,
}

impl HttpRegisterConfig {
    pub fn new(base_url: &str, token: &str) -> Self {
        HttpRegisterConfig {
            protocol: Protocol::Motcua,
            base_url: base_url.trim_end_matches('/').to_owned(),
            token: token.to_owned(),
            attempt_timeout: Duration::from_millis(800),
            deadline: Duration::from_millis(2500),
            retries: 2,
            breaker_threshold: 5,
            breaker_cooldown: Duration::from_secs(10),
        }
    }

    /// The same register read through LGSP instead: `endpoint` is the query's address.
    pub fn lgsp(endpoint: &str, token: &str, lgsp: LgspConfig) -> Self {
        HttpRegisterConfig {
            protocol: Protocol::Lgsp(lgsp),
            ..HttpRegisterConfig::new(endpoint, token)
        }
    }
}

pub struct HttpRegister {
    config: HttpRegisterConfig,
    http: reqwest::Client,
    breaker: CircuitBreaker,
}

/// Whether a failed attempt is worth another: the read is idempotent, so any transient
/// failure may be retried.
enum Attempt {
    Done(Result<ResidentRecord, RegistryError>),
    Transient(String),
}

impl HttpRegister {
    pub fn new(config: HttpRegisterConfig) -> Result<Self, RegistryError> {
        let http = reqwest::Client::builder()
            .timeout(config.attempt_timeout)
            .connect_timeout(config.attempt_timeout)
            .build()
            .map_err(|e| RegistryError::Protocol(format!("cannot build the HTTP client: {e}")))?;
        let breaker = CircuitBreaker::new(config.breaker_threshold, config.breaker_cooldown);
        Ok(HttpRegister {
            config,
            http,
            breaker,
        })
    }

    async fn attempt(
        &self,
        pin: &Pin,
        fields: &[String],
        purpose: &Purpose,
        request_id: Uuid,
    ) -> Attempt {
        match &self.config.protocol {
            Protocol::Motcua => {
                self.attempt_motcua(pin, &fields.join(","), purpose, request_id)
                    .await
            }
            Protocol::Lgsp(lgsp) => {
                self.attempt_lgsp(lgsp, pin, fields, purpose, request_id)
                    .await
            }
        }
    }

    /// One LGSP query. A SOAP fault of the caller's side (`Client`), a 400 or a bad answer
    /// are final; a fault of the far side (`Server`), a 5xx or 429 may pass.
    async fn attempt_lgsp(
        &self,
        config: &LgspConfig,
        pin: &Pin,
        fields: &[String],
        purpose: &Purpose,
        request_id: Uuid,
    ) -> Attempt {
        let sent = self
            .http
            .post(&self.config.base_url)
            .bearer_auth(&self.config.token)
            .header(reqwest::header::ACCEPT, "text/xml, application/xml")
            .header("X-Request-Id", request_id.to_string())
            .json(&lgsp::request_body(
                config,
                pin.as_str(),
                purpose,
                request_id,
            ))
            .send()
            .await;
        let mut response = match sent {
            Ok(r) => r,
            Err(e) => return Attempt::Transient(transport_error(&e)),
        };
        let status = response.status();
        if status == StatusCode::UNAUTHORIZED || status == StatusCode::FORBIDDEN {
            return Attempt::Done(Err(RegistryError::Unauthorized));
        }
        let body = match read_limited(&mut response, lgsp::MAX_ANSWER_BYTES).await {
            Ok(body) => body,
            Err(Read::TooLarge) => {
                return Attempt::Done(Err(RegistryError::Protocol(format!(
                    "the answer is larger than {} bytes",
                    lgsp::MAX_ANSWER_BYTES
                ))))
            }
            Err(Read::Failed(why)) => return Attempt::Transient(why),
        };
        let answer = lgsp::parse_answer(&body, pin.as_str());
        let transient = status.is_server_error() || status == StatusCode::TOO_MANY_REQUESTS;
        Attempt::Done(match answer {
            Ok(Answer::Fault {
                client: true,
                message,
            }) => Err(RegistryError::Refused(message)),
            Ok(Answer::Fault {
                client: false,
                message,
            }) => return Attempt::Transient(format!("answered a fault: {message}")),
            _ if transient => return Attempt::Transient(format!("answered {status}")),
            Err(why) if status == StatusCode::BAD_REQUEST => Err(RegistryError::Refused(why)),
            _ if status != StatusCode::OK => Err(RegistryError::Protocol(format!(
                "unexpected status {status}"
            ))),
            Ok(Answer::Found(all)) => Ok(ResidentRecord {
                fields: lgsp::select(all, fields),
                request_id,
            }),
            Ok(Answer::NotFound) => Err(RegistryError::NotFound),
            Err(why) => Err(RegistryError::Protocol(why)),
        })
    }

    async fn attempt_motcua(
        &self,
        pin: &Pin,
        fields: &str,
        purpose: &Purpose,
        request_id: Uuid,
    ) -> Attempt {
        let url = format!("{}/v1/residents/{}", self.config.base_url, pin.as_str());
        let sent = self
            .http
            .get(&url)
            .query(&[("fields", fields)])
            .bearer_auth(&self.config.token)
            .header("X-Purpose", purpose.header_value())
            .header("X-Requester", &purpose.requester)
            .header("X-Request-Id", request_id.to_string())
            .send()
            .await;
        let response = match sent {
            Ok(r) => r,
            Err(e) => return Attempt::Transient(transport_error(&e)),
        };
        let status = response.status();
        if status.is_server_error() || status == StatusCode::TOO_MANY_REQUESTS {
            return Attempt::Transient(format!("answered {status}"));
        }
        let body = match response.text().await {
            Ok(b) => b,
            Err(e) => return Attempt::Transient(e.to_string()),
        };
        Attempt::Done(match status {
            StatusCode::OK => match serde_json::from_str::<Value>(&body) {
                Ok(Value::Object(fields)) => Ok(ResidentRecord { fields, request_id }),
                _ => Err(RegistryError::Protocol(
                    "the answer is not a JSON object".into(),
                )),
            },
            StatusCode::NOT_FOUND => Err(RegistryError::NotFound),
            StatusCode::UNAUTHORIZED | StatusCode::FORBIDDEN => Err(RegistryError::Unauthorized),
            StatusCode::BAD_REQUEST => {
                Err(RegistryError::Refused(body.chars().take(300).collect()))
            }
            other => Err(RegistryError::Protocol(format!(
                "unexpected status {other}"
            ))),
        })
    }
}

fn transport_error(e: &reqwest::Error) -> String {
    if e.is_timeout() {
        "timed out".into()
    } else {
        e.to_string()
    }
}

enum Read {
    TooLarge,
    Failed(String),
}

/// The body, refused as soon as it passes `limit` bytes (said or counted).
async fn read_limited(response: &mut reqwest::Response, limit: usize) -> Result<Vec<u8>, Read> {
    if response
        .content_length()
        .is_some_and(|length| length > limit as u64)
    {
        return Err(Read::TooLarge);
    }
    let mut body = Vec::new();
    loop {
        match response.chunk().await {
            Ok(Some(chunk)) => {
                if body.len() + chunk.len() > limit {
                    return Err(Read::TooLarge);
                }
                body.extend_from_slice(&chunk);
            }
            Ok(None) => return Ok(body),
            Err(e) => return Err(Read::Failed(transport_error(&e))),
        }
    }
}

/// Full jitter: a random wait up to the exponential bound, so that many clients retrying at
/// once do not hit the register together.
fn backoff(attempt: u32) -> Duration {
    let cap_ms = 100u64 << attempt.min(5);
    Duration::from_millis(rand::thread_rng().gen_range(cap_ms / 4..=cap_ms))
}

#[async_trait::async_trait]
impl Register for HttpRegister {
    async fn resident(
        &self,
        pin: &Pin,
        fields: &[String],
        purpose: &Purpose,
    ) -> Result<ResidentRecord, RegistryError> {
        let unavailable = |reason: String, retry_after: Duration| RegistryError::Unavailable {
            reason,
            retry_after: retry_after.max(Duration::from_secs(1)),
        };
        if let Err(wait) = self.breaker.allow() {
            return Err(unavailable(
                "the circuit is open after repeated failures".into(),
                wait,
            ));
        }
        let request_id = Uuid::new_v4();
        let started = Instant::now();
        let mut last = String::new();
        for attempt in 0..=self.config.retries {
            let remaining = self.config.deadline.saturating_sub(started.elapsed());
            if remaining.is_zero() {
                break;
            }
            match tokio::time::timeout(remaining, self.attempt(pin, fields, purpose, request_id))
                .await
            {
                Ok(Attempt::Done(result)) => {
                    // A clear answer, even "not found", shows the register is up.
                    self.breaker.record_success();
                    return result;
                }
                Ok(Attempt::Transient(why)) => last = why,
                Err(_) => last = "timed out".into(),
            }
            tracing::warn!(attempt, reason = %last, pin = %pin.masked(), "register read failed");
            if attempt < self.config.retries {
                let wait =
                    backoff(attempt).min(self.config.deadline.saturating_sub(started.elapsed()));
                tokio::time::sleep(wait).await;
            }
        }
        self.breaker.record_failure();
        Err(unavailable(last, Duration::from_secs(5)))
    }

    fn answering(&self) -> bool {
        self.breaker.is_healthy()
    }

    fn circuit(&self) -> CircuitState {
        self.breaker.state()
    }
}
