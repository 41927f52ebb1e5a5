//! An SMS gateway stand-in (a telecom's brand-name SMS API as the engine calls it, see
//! `motcua_notify::sms`): `POST /sms/send` with a bearer token and `{"to", "text",
//! "reference"}`, `Idempotency-Key` recognised (a re-send is answered as before, not sent
//! twice). It keeps what it "sent", checks that a number is a Vietnamese mobile one and that
//! the text fits three segments, and can be down (503), hang (no answer in useful time),
//! or refuse a number. Switches at `/_sim/sms/switches`; the record at `/_sim/sms/messages`.

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::json;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;
use tokio::sync::watch;

/// The token `motcua dev` and the tests use.
pub const DEV_TOKEN: &str = "dev-sms-gateway-token-0123456789abcdef";
/// Where it takes messages.
pub const SEND_PATH: &str = "/sms/send";
/// How long a hung request waits.
pub const HANG: Duration = Duration::from_secs(60);

/// One message the gateway took (a replay is not recorded again).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SentSms {
    pub to: String,
    pub text: String,
    pub reference: Option<String>,
    pub at: DateTime<Utc>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SmsSwitches {
    /// Every request answers 503.
    #[serde(default)]
    pub outage: bool,
    /// Requests get no answer in useful time ([`HANG`]) and nothing is sent.
    #[serde(default)]
    pub hang: bool,
}

#[derive(Default)]
struct Inner {
    switches: SmsSwitches,
    sent: Vec<SentSms>,
}

/// A handle on the stand-in's state; clones share it.
#[derive(Clone)]
pub struct SmsControl {
    inner: Arc<Mutex<Inner>>,
    release: watch::Sender<u64>,
}

impl Default for SmsControl {
    fn default() -> Self {
        SmsControl::new()
    }
}

impl SmsControl {
    pub fn new() -> Self {
        SmsControl {
            inner: Arc::default(),
            release: watch::channel(0).0,
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(PoisonError::into_inner)
    }

    pub fn set(&self, switches: SmsSwitches) {
        self.lock().switches = switches;
        if !self.lock().switches.hang {
            self.release();
        }
    }

    pub fn switches(&self) -> SmsSwitches {
        self.lock().switches.clone()
    }

    /// Every message sent, in order.
    pub fn sent(&self) -> Vec<SentSms> {
        self.lock().sent.clone()
    }

    /// Answers the hung requests now (with 503).
    pub fn release(&self) {
        self.release.send_modify(|n| *n += 1);
    }
}

#[derive(Deserialize)]
struct Body {
    to: String,
    text: String,
    reference: Option<String>,
}

fn problem(status: StatusCode, why: &str) -> Response {
    (status, Json(json!({ "error": why }))).into_response()
}

async fn send(State(control): State<SmsControl>, headers: HeaderMap, body: String) -> Response {
    let authorised = headers
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v == format!("Bearer {DEV_TOKEN}"));
    if !authorised {
        return problem(StatusCode::UNAUTHORIZED, "bad token");
    }
    let switches = control.switches();
    if switches.outage {
        return problem(StatusCode::SERVICE_UNAVAILABLE, "gateway down");
    }
    if switches.hang {
        let mut release = control.release.subscribe();
        let _ = tokio::time::timeout(HANG, release.changed()).await;
        return problem(StatusCode::SERVICE_UNAVAILABLE, "gateway hung");
    }
    let Ok(body) = serde_json::from_str::<Body>(&body) else {
        return problem(
            StatusCode::BAD_REQUEST,
            "expected {\"to\", \"text\", \"reference\"}",
        );
    };
    let national = body.to.strip_prefix("+84").unwrap_or_default();
    if national.len() != 9 || !national.chars().all(|c| c.is_ascii_digit()) {
        return problem(
            StatusCode::BAD_REQUEST,
            "not a Vietnamese mobile number (+84…)",
        );
    }
    if body.text.trim().is_empty() || body.text.chars().count() > 459 {
        return problem(
            StatusCode::BAD_REQUEST,
            "the text is empty or over three segments",
        );
    }
    let key = headers
        .get("idempotency-key")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned)
        .or(body.reference.clone());
    let mut inner = control.lock();
    let replay = key.is_some() && inner.sent.iter().any(|s| s.reference == key);
    if !replay {
        inner.sent.push(SentSms {
            to: body.to,
            text: body.text,
            reference: key,
            at: Utc::now(),
        });
    }
    (
        StatusCode::OK,
        Json(json!({ "status": "accepted", "replayed": replay })),
    )
        .into_response()
}

async fn messages(State(control): State<SmsControl>) -> Json<Vec<SentSms>> {
    Json(control.sent())
}

async fn get_switches(State(control): State<SmsControl>) -> Json<SmsSwitches> {
    Json(control.switches())
}

async fn put_switches(
    State(control): State<SmsControl>,
    Json(switches): Json<SmsSwitches>,
) -> Json<SmsSwitches> {
    control.set(switches);
    Json(control.switches())
}

pub fn routes(control: SmsControl) -> Router {
    Router::new()
        .route(SEND_PATH, post(send))
        .route("/_sim/sms/messages", get(messages))
        .route("/_sim/sms/switches", get(get_switches).put(put_switches))
        .with_state(control)
}
