//! The register's HTTP side: `GET /v1/residents/{pin}` exactly as the contract says
//! (docs/ARCHITECTURE.md, "The register API"), and the simulator's own `/_sim/register/*`
//! switches.

use super::control::{Misbehaviour, RegisterCall, RegisterControl, HANG};
use super::pin::{check_shape, mask, mask_subject};
use super::record::FIELDS;
use super::Population;
use axum::body::Bytes;
use axum::extract::rejection::PathRejection;
use axum::extract::{Path, RawQuery, State};
use axum::http::{header, HeaderMap, HeaderName, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use chrono::{Datelike, Utc};
use rand::RngCore;
use serde::Deserialize;
use serde_json::{json, Map, Value};
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::watch;

const X_REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

pub(super) struct RegisterState {
    pub(super) population: &'static Population,
    pub(super) token: String,
    pub(super) control: RegisterControl,
}

pub(crate) fn routes(
    population: &'static Population,
    token: String,
    control: RegisterControl,
) -> Router {
    let state = Arc::new(RegisterState {
        population,
        token,
        control,
    });
    Router::new()
        .route("/v1/residents/{pin}", get(read_resident))
        .route(super::lgsp::PATH, post(super::lgsp::query))
        .route("/_sim/register/calls", get(list_calls))
        .route(
            "/_sim/register/switches",
            get(show_switches).post(set_switches),
        )
        .route("/_sim/register/reset", post(reset))
        .with_state(state)
}

/// A refusal: the status and the `{"error", "message"}` body.
pub(super) struct Refusal {
    pub(super) status: StatusCode,
    pub(super) error: &'static str,
    pub(super) message: String,
}

impl Refusal {
    pub(super) fn new(
        status: StatusCode,
        error: &'static str,
        message: impl Into<String>,
    ) -> Refusal {
        Refusal {
            status,
            error,
            message: message.into(),
        }
    }

    pub(super) fn bad_request(error: &'static str, message: impl Into<String>) -> Refusal {
        Refusal::new(StatusCode::BAD_REQUEST, error, message)
    }

    fn into_response(self) -> Response {
        let mut response = (
            self.status,
            Json(json!({ "error": self.error, "message": self.message })),
        )
            .into_response();
        let headers = response.headers_mut();
        if self.status == StatusCode::UNAUTHORIZED {
            headers.insert(
                header::WWW_AUTHENTICATE,
                HeaderValue::from_static("Bearer realm=\"register\""),
            );
        }
        if self.status == StatusCode::SERVICE_UNAVAILABLE {
            headers.insert(header::RETRY_AFTER, HeaderValue::from_static("1"));
        }
        response
    }
}

/// What a request said, as read at the door.
struct Asked {
    pin: String,
    /// Every value of the `fields` parameter (more than one is refused).
    fields_params: Vec<String>,
    fields: Vec<String>,
    purpose: Option<String>,
    requester: Option<String>,
    request_id: Option<String>,
    token: Option<String>,
}

impl Asked {
    fn read(
        pin: Result<Path<String>, PathRejection>,
        query: Option<String>,
        headers: &HeaderMap,
    ) -> Asked {
        let header = |name: &str| {
            headers
                .get(name)
                .and_then(|v| v.to_str().ok())
                .map(str::trim)
                .filter(|v| !v.is_empty())
                .map(str::to_owned)
        };
        let fields_params: Vec<String> =
            url::form_urlencoded::parse(query.unwrap_or_default().as_bytes())
                .filter(|(k, _)| k == "fields")
                .map(|(_, v)| v.into_owned())
                .collect();
        let fields = fields_params
            .first()
            .filter(|f| !f.trim().is_empty())
            .map(|f| f.split(',').map(|n| n.trim().to_owned()).collect())
            .unwrap_or_default();
        let token = header("authorization").and_then(|value| {
            let (scheme, token) = value.split_once(' ')?;
            scheme
                .eq_ignore_ascii_case("bearer")
                .then(|| token.trim().to_owned())
        });
        Asked {
            pin: pin.map(|Path(p)| p).unwrap_or_default(),
            fields_params,
            fields,
            purpose: header("x-purpose"),
            requester: header("x-requester"),
            request_id: header("x-request-id"),
            token,
        }
    }
}

/// `GET /v1/residents/{pin}?fields=…`
async fn read_resident(
    State(state): State<Arc<RegisterState>>,
    pin: Result<Path<String>, PathRejection>,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
) -> Response {
    let asked = Asked::read(pin, query, &headers);
    let control = &state.control;
    let seq = control.record(RegisterCall {
        seq: 0,
        protocol: "motcua",
        pin: asked.pin.clone(),
        fields: asked.fields.clone(),
        purpose: asked.purpose.clone(),
        requester: asked.requester.clone(),
        request_id: asked.request_id.clone(),
        status: None,
        error: None,
        at: Utc::now(),
    });
    // Subscribed before the switches are read, so a release in between is not missed.
    let released = control.released();
    let outcome = answer(&state, &asked, released).await;
    let (status, error) = match &outcome {
        Ok(_) => (StatusCode::OK, None),
        Err(refusal) => (refusal.status, Some(refusal.error)),
    };
    control.answered(seq, status, error);
    tracing::info!(
        pin = %mask(&asked.pin),
        fields = %asked.fields.join(","),
        purpose = asked.purpose.as_deref().unwrap_or("-"),
        requester = %asked.requester.as_deref().map(mask_subject).unwrap_or_else(|| "-".into()),
        request_id = asked.request_id.as_deref().unwrap_or("-"),
        status = status.as_u16(),
        error = error.unwrap_or("-"),
        "register read"
    );
    let mut response = match outcome {
        Ok(fields) => Json(Value::Object(fields)).into_response(),
        Err(refusal) => refusal.into_response(),
    };
    let request_id = asked
        .request_id
        .and_then(|id| HeaderValue::from_str(&id).ok())
        .unwrap_or_else(fresh_request_id);
    response.headers_mut().insert(X_REQUEST_ID, request_id);
    response
}

async fn answer(
    state: &RegisterState,
    asked: &Asked,
    released: watch::Receiver<u64>,
) -> Result<Map<String, Value>, Refusal> {
    misbehave(state, released).await?;
    let authorised = asked
        .token
        .as_deref()
        .is_some_and(|token| constant_time_eq(token.as_bytes(), state.token.as_bytes()));
    if !authorised {
        return Err(Refusal::new(
            StatusCode::UNAUTHORIZED,
            "unauthorized",
            "send the register token as Authorization: Bearer <token>",
        ));
    }
    let this_year = (Utc::now() + chrono::Duration::hours(7)).year();
    check_shape(&asked.pin, this_year).map_err(|why| Refusal::bad_request("malformed_pin", why))?;
    let purpose = asked.purpose.as_deref().ok_or_else(|| {
        Refusal::bad_request(
            "missing_purpose",
            "say why with X-Purpose: {procedure code}/{dossier id}",
        )
    })?;
    if !is_purpose(purpose) {
        return Err(Refusal::bad_request(
            "malformed_purpose",
            "X-Purpose must be {procedure code}/{dossier id}, e.g. 1.005142/0192…",
        ));
    }
    if asked.requester.is_none() {
        return Err(Refusal::bad_request(
            "missing_requester",
            "say who asks with X-Requester: {subject}",
        ));
    }
    let fields = checked_fields(asked)?;
    let resident = state.population.get(&asked.pin).ok_or_else(|| {
        Refusal::new(
            StatusCode::NOT_FOUND,
            "not_found",
            "the register has no person with this number",
        )
    })?;
    Ok(resident.fields(&fields))
}

/// The switches, whatever the protocol: latency, hang, outage and planned failures.
pub(super) async fn misbehave(
    state: &RegisterState,
    mut released: watch::Receiver<u64>,
) -> Result<(), Refusal> {
    let unavailable =
        |message: &str| Refusal::new(StatusCode::SERVICE_UNAVAILABLE, "unavailable", message);
    match state.control.on_arrival() {
        Misbehaviour::Outage => return Err(unavailable("the register is down (simulated outage)")),
        Misbehaviour::Hang => {
            wait(HANG, &mut released).await;
            return Err(unavailable(
                "the register did not answer in time (simulated hang)",
            ));
        }
        Misbehaviour::Delay(latency) => wait(latency, &mut released).await,
    }
    if let Some(status) = state.control.take_failure() {
        return Err(Refusal::new(
            status,
            "simulated_failure",
            format!("a failure planned with fail_next ({status})"),
        ));
    }
    Ok(())
}

/// Waits `duration`, or less if the switches are released (switched off, reset, shutdown).
async fn wait(duration: Duration, released: &mut watch::Receiver<u64>) {
    if duration.is_zero() {
        return;
    }
    tokio::select! {
        _ = tokio::time::sleep(duration) => {}
        _ = released.changed() => {}
    }
}

/// The asked field names: present, not empty, all known; repeated names are answered once.
fn checked_fields(asked: &Asked) -> Result<Vec<String>, Refusal> {
    match asked.fields_params.len() {
        0 => {
            return Err(Refusal::bad_request(
                "missing_fields",
                "name the fields wanted: ?fields=a,b,c",
            ))
        }
        1 => {}
        _ => {
            return Err(Refusal::bad_request(
                "malformed_fields",
                "give fields once, comma-separated",
            ))
        }
    }
    if asked.fields.is_empty() {
        return Err(Refusal::bad_request(
            "missing_fields",
            "fields is empty: name the fields wanted",
        ));
    }
    if asked.fields.iter().any(String::is_empty) {
        return Err(Refusal::bad_request(
            "malformed_fields",
            "fields has an empty name (two commas, or one at an end)",
        ));
    }
    let unknown: Vec<&str> = asked
        .fields
        .iter()
        .map(String::as_str)
        .filter(|f| !FIELDS.contains(f))
        .collect();
    if !unknown.is_empty() {
        return Err(Refusal::bad_request(
            "unknown_field",
            format!(
                "unknown field(s): {}; the register knows {}",
                unknown.join(", "),
                FIELDS.join(", ")
            ),
        ));
    }
    let mut fields: Vec<String> = Vec::with_capacity(asked.fields.len());
    for field in &asked.fields {
        if !fields.contains(field) {
            fields.push(field.clone());
        }
    }
    Ok(fields)
}

/// `{procedure code}/{dossier id}`: one slash, both sides non-empty, no spaces or odd
/// characters.
fn is_purpose(value: &str) -> bool {
    let Some((code, id)) = value.split_once('/') else {
        return false;
    };
    let code_ok = code
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || b"._-".contains(&b));
    let id_ok = id
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || b"._-:".contains(&b));
    !code.is_empty() && !id.is_empty() && code_ok && id_ok
}

pub(super) fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// A request id for a caller that sent none, so that the answer can still be traced.
fn fresh_request_id() -> HeaderValue {
    let mut bytes = [0u8; 8];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    let hex: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    HeaderValue::from_str(&format!("sim-{hex}")).unwrap_or(HeaderValue::from_static("sim"))
}

/// `GET /_sim/register/calls`
async fn list_calls(State(state): State<Arc<RegisterState>>) -> Response {
    Json(state.control.calls()).into_response()
}

/// `GET /_sim/register/switches`
async fn show_switches(State(state): State<Arc<RegisterState>>) -> Response {
    Json(state.control.switches()).into_response()
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct SwitchesBody {
    latency_ms: Option<u64>,
    outage: Option<bool>,
    hang: Option<bool>,
    fail_next: Option<FailNextBody>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct FailNextBody {
    count: u32,
    status: u16,
}

/// `POST /_sim/register/switches`: sets the switches named in the body, leaves the others.
async fn set_switches(State(state): State<Arc<RegisterState>>, body: Bytes) -> Response {
    let body: SwitchesBody = match serde_json::from_slice(&body) {
        Ok(body) => body,
        Err(e) => {
            return Refusal::bad_request(
                "malformed_switches",
                format!(
                    "expected {{\"latency_ms\", \"outage\", \"hang\", \"fail_next\": {{\"count\", \"status\"}}}}: {e}"
                ),
            )
            .into_response()
        }
    };
    if let Some(plan) = &body.fail_next {
        if !(400..=599).contains(&plan.status) {
            return Refusal::bad_request(
                "malformed_switches",
                "fail_next.status must be a 4xx or 5xx status",
            )
            .into_response();
        }
    }
    let control = &state.control;
    if let Some(ms) = body.latency_ms {
        control.set_latency(Duration::from_millis(ms));
    }
    if let Some(on) = body.outage {
        control.set_outage(on);
    }
    if let Some(on) = body.hang {
        control.set_hang(on);
    }
    if let Some(plan) = body.fail_next {
        control.fail_next(plan.count, plan.status);
    }
    tracing::info!(switches = ?control.switches(), "register switches set");
    Json(control.switches()).into_response()
}

/// `POST /_sim/register/reset`
async fn reset(State(state): State<Arc<RegisterState>>) -> Response {
    state.control.reset();
    tracing::info!("register switches reset, calls forgotten");
    StatusCode::NO_CONTENT.into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn purposes_are_code_slash_id() {
        assert!(is_purpose("1.005142/0192d7c4-7b1e-7a52-9a35-2f5b3c1d4e6f"));
        assert!(is_purpose("3.000465/42"));
        assert!(!is_purpose("1.005142"));
        assert!(!is_purpose("/42"));
        assert!(!is_purpose("1.005142/"));
        assert!(!is_purpose("1.005142/a/b"));
        assert!(!is_purpose("1.005142/a b"));
    }

    #[test]
    fn tokens_compare_whole() {
        assert!(constant_time_eq(b"abc", b"abc"));
        assert!(!constant_time_eq(b"abc", b"abd"));
        assert!(!constant_time_eq(b"abc", b"ab"));
    }
}
