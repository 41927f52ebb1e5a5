//! The HTTP client of the DVCQG adapter, as provinces reach it through their integration
//! platform (LGSP): a login for a session token, then one POST a call.

use crate::payload::{
    HoSo, ThuTuc, TienDo, TrangThaiHoSo, DANH_SACH_TTHC, DONG_BO_HO_SO, TIEN_DO_HO_SO,
    TRANG_THAI_HO_SO,
};
use crate::{Dvcqg, DvcqgError};
use reqwest::StatusCode;
use secrecy::{ExposeSecret, SecretString};
use serde_json::{json, Map, Value};
use std::time::{Duration, Instant};
use tokio::sync::Mutex;

#[derive(Debug, Clone)]
pub struct HttpDvcqgConfig {
    /// Where every `{"service": …}` call is posted (the adapter's integration endpoint).
    pub service_url: String,
    /// Where the session is obtained with the account's username and password.
    pub login_url: String,
    pub username: String,
    pub password: SecretString,
    /// The province's unit code at DVCQG (`madonvi`), sent with every call.
    pub agency_code: String,
    /// Each call (and the login) gives up after this.
    pub timeout: Duration,
    /// A session is renewed after this long, and at once whenever a call is refused with
    /// 401 (the adapter's gateway saying the session expired).
    pub session_lifetime: Duration,
}

pub struct HttpDvcqg {
    config: HttpDvcqgConfig,
    http: reqwest::Client,
    /// The session in use and when it was obtained; one login at a time renews it.
    session: Mutex<Option<(String, Instant)>>,
}

/// How a call ended, before the session is judged.
enum Answer {
    /// The reply's JSON when it succeeded.
    Done(Result<Value, DvcqgError>),
    /// 401: the session is not (or no longer) accepted.
    SessionRefused,
}

impl HttpDvcqg {
    pub fn new(config: HttpDvcqgConfig) -> Result<Self, DvcqgError> {
        let http = reqwest::Client::builder()
            .timeout(config.timeout)
            .connect_timeout(config.timeout)
            .build()
            .map_err(|e| DvcqgError::Unavailable(format!("cannot build the HTTP client: {e}")))?;
        Ok(HttpDvcqg {
            config,
            http,
            session: Mutex::new(None),
        })
    }

    /// The session to call with: the one held while it is young enough, else a new one.
    async fn session(&self) -> Result<String, DvcqgError> {
        let mut held = self.session.lock().await;
        if let Some((token, since)) = held.as_ref() {
            if since.elapsed() < self.config.session_lifetime {
                return Ok(token.clone());
            }
        }
        let token = self.login().await?;
        *held = Some((token.clone(), Instant::now()));
        Ok(token)
    }

    /// Forgets `token` if it is still the one held (another task may have renewed it).
    async fn forget(&self, token: &str) {
        let mut held = self.session.lock().await;
        if held.as_ref().is_some_and(|(t, _)| t == token) {
            *held = None;
        }
    }

    /// A refused login is not the message's fault: the outbox keeps it and tries later,
    /// while an operator fixes the account (the reason says so in the outbox list).
    async fn login(&self) -> Result<String, DvcqgError> {
        let sent = self
            .http
            .post(&self.config.login_url)
            .json(&json!({
                "username": self.config.username,
                "password": self.config.password.expose_secret(),
            }))
            .send()
            .await
            .map_err(|e| DvcqgError::Unavailable(format!("login: {}", transport(&e))))?;
        let status = sent.status();
        let body: Value = sent.json().await.unwrap_or(Value::Null);
        if !status.is_success() {
            return Err(DvcqgError::Unavailable(format!(
                "login answered HTTP {}",
                status.as_u16()
            )));
        }
        match (
            succeeded(&body),
            body.get("session").and_then(Value::as_str),
        ) {
            (true, Some(token)) if !token.is_empty() => Ok(token.to_owned()),
            _ => Err(DvcqgError::Unavailable(format!(
                "login refused (check DVCQG_USERNAME and DVCQG_PASSWORD): {}",
                message(&body)
            ))),
        }
    }

    /// Posts `call` (its `service` and data) with the session and the unit code; renews the
    /// session once if it is refused.
    async fn call(&self, call: Map<String, Value>, delivery_key: &str) -> Result<(), DvcqgError> {
        self.ask(call, Some(delivery_key)).await.map(|_| ())
    }

    /// Posts `call` and gives the successful reply; renews the session once if it is
    /// refused.
    async fn ask(
        &self,
        call: Map<String, Value>,
        delivery_key: Option<&str>,
    ) -> Result<Value, DvcqgError> {
        for _ in 0..2 {
            let token = self.session().await?;
            let mut body = call.clone();
            body.insert("session".into(), Value::String(token.clone()));
            body.insert(
                "madonvi".into(),
                Value::String(self.config.agency_code.clone()),
            );
            match self.post(&body, delivery_key).await {
                Answer::Done(result) => return result,
                Answer::SessionRefused => {
                    tracing::info!("DVCQG refused the session; logging in again");
                    self.forget(&token).await;
                }
            }
        }
        Err(DvcqgError::Unavailable(
            "DVCQG refused a fresh session too".into(),
        ))
    }

    async fn post(&self, body: &Map<String, Value>, delivery_key: Option<&str>) -> Answer {
        let mut request = self.http.post(&self.config.service_url).json(body);
        if let Some(key) = delivery_key {
            request = request.header("Idempotency-Key", key);
        }
        let sent = match request.send().await {
            Ok(sent) => sent,
            Err(e) => return Answer::Done(Err(DvcqgError::Unavailable(transport(&e)))),
        };
        let status = sent.status();
        if status == StatusCode::UNAUTHORIZED {
            return Answer::SessionRefused;
        }
        if status.is_server_error() || status == StatusCode::TOO_MANY_REQUESTS {
            return Answer::Done(Err(DvcqgError::Unavailable(format!(
                "HTTP {}",
                status.as_u16()
            ))));
        }
        let text = match sent.text().await {
            Ok(text) => text,
            Err(e) => return Answer::Done(Err(DvcqgError::Unavailable(transport(&e)))),
        };
        let reply: Value = serde_json::from_str(&text).unwrap_or(Value::Null);
        if !status.is_success() {
            return Answer::Done(Err(DvcqgError::Refused(format!(
                "HTTP {}: {}",
                status.as_u16(),
                message(&reply)
            ))));
        }
        if succeeded(&reply) {
            Answer::Done(Ok(reply))
        } else {
            Answer::Done(Err(DvcqgError::Refused(format!(
                "error_code {}: {}",
                error_code(&reply).unwrap_or_else(|| "missing".into()),
                message(&reply)
            ))))
        }
    }
}

/// A transport failure, briefly (timeouts and refused connections are the usual ones).
fn transport(e: &reqwest::Error) -> String {
    if e.is_timeout() {
        "no answer in time".into()
    } else if e.is_connect() {
        "cannot connect".into()
    } else {
        format!("transport error: {e}")
    }
}

/// `error_code` as text: the adapters send it as a string or a number.
fn error_code(reply: &Value) -> Option<String> {
    match reply.get("error_code")? {
        Value::String(s) => Some(s.trim().to_owned()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// `"0"` and `"00"` are success (both are seen).
fn succeeded(reply: &Value) -> bool {
    error_code(reply).is_some_and(|c| !c.is_empty() && c.chars().all(|ch| ch == '0'))
}

/// The reply's `message`, at most 500 characters (it is kept in the outbox).
fn message(reply: &Value) -> String {
    let text = match reply.get("message") {
        Some(Value::String(s)) => s.clone(),
        Some(other) => other.to_string(),
        None if reply.is_null() => "no JSON answer".into(),
        None => "no message".into(),
    };
    text.chars().take(500).collect()
}

fn call_of(service: &str, data: Value) -> Map<String, Value> {
    let mut call = Map::new();
    call.insert("service".into(), Value::String(service.to_owned()));
    call.insert("data".into(), Value::Array(vec![data]));
    call
}

#[async_trait::async_trait]
impl Dvcqg for HttpDvcqg {
    async fn sync_dossier(
        &self,
        dossier: &HoSo,
        updating: bool,
        delivery_key: &str,
    ) -> Result<(), DvcqgError> {
        let data = serde_json::to_value(dossier)
            .map_err(|e| DvcqgError::Refused(format!("cannot write the dossier: {e}")))?;
        let mut call = call_of(DONG_BO_HO_SO, data);
        // As the adapters take it: a string.
        let updating = if updating { "True" } else { "False" };
        call.insert("isUpdating".into(), Value::String(updating.into()));
        self.call(call, delivery_key).await
    }

    async fn report_progress(&self, step: &TienDo, delivery_key: &str) -> Result<(), DvcqgError> {
        let data = serde_json::to_value(step)
            .map_err(|e| DvcqgError::Refused(format!("cannot write the step: {e}")))?;
        self.call(call_of(TIEN_DO_HO_SO, data), delivery_key).await
    }

    async fn report_status(
        &self,
        status: &TrangThaiHoSo,
        delivery_key: &str,
    ) -> Result<(), DvcqgError> {
        let data = serde_json::to_value(status)
            .map_err(|e| DvcqgError::Refused(format!("cannot write the status: {e}")))?;
        let mut call = call_of(TRANG_THAI_HO_SO, data);
        // Type 2: a dossier filed on the national portal.
        call.insert("type".into(), Value::String("2".into()));
        self.call(call, delivery_key).await
    }

    async fn catalogue(&self) -> Result<Vec<ThuTuc>, DvcqgError> {
        let mut call = Map::new();
        call.insert("service".into(), Value::String(DANH_SACH_TTHC.into()));
        let reply = self.ask(call, None).await?;
        let items = reply
            .get("result")
            .cloned()
            .ok_or_else(|| DvcqgError::Refused("the catalogue's reply has no result".into()))?;
        serde_json::from_value(items)
            .map_err(|e| DvcqgError::Refused(format!("the catalogue's reply is not a list: {e}")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn success_is_any_run_of_zeros_as_text_or_number() {
        for ok in [
            json!({"error_code": "0"}),
            json!({"error_code": "00"}),
            json!({"error_code": 0}),
        ] {
            assert!(succeeded(&ok), "{ok}");
        }
        for refused in [
            json!({"error_code": "-1"}),
            json!({"error_code": ""}),
            json!({"error_code": 1}),
            json!({}),
            Value::Null,
        ] {
            assert!(!succeeded(&refused), "{refused}");
        }
    }
}
