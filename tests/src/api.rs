//! The engine's HTTP API as the black-box tests call it: status and JSON body (or `null`),
//! panicking only when the engine does not answer at all.

use crate::{Engine, Session};
use serde_json::Value;

/// One request of `session`, with an optional JSON body.
pub async fn call(
    engine: &Engine,
    session: &Session,
    method: reqwest::Method,
    path: &str,
    body: Option<Value>,
) -> (u16, Value) {
    let mut request = reqwest::Client::new()
        .request(method, engine.at(path))
        .bearer_auth(&session.token);
    if let Some(body) = body {
        request = request.json(&body);
    }
    let answer = request.send().await.expect("the engine answers");
    let status = answer.status().as_u16();
    (status, answer.json().await.unwrap_or(Value::Null))
}

pub async fn get(engine: &Engine, session: &Session, path: &str) -> (u16, Value) {
    call(engine, session, reqwest::Method::GET, path, None).await
}

pub async fn post(engine: &Engine, session: &Session, path: &str, body: Value) -> (u16, Value) {
    call(engine, session, reqwest::Method::POST, path, Some(body)).await
}

/// `POST /v1/dossiers/{id}/actions/{action}`.
pub async fn act(
    engine: &Engine,
    session: &Session,
    id: &str,
    action: &str,
    body: Value,
) -> (u16, Value) {
    let path = format!("/v1/dossiers/{id}/actions/{action}");
    post(engine, session, &path, body).await
}

/// A JSON merge patch of the dossier's data.
pub async fn patch(engine: &Engine, session: &Session, id: &str, data: &Value) -> (u16, Value) {
    let answer = reqwest::Client::new()
        .patch(engine.at(&format!("/v1/dossiers/{id}")))
        .bearer_auth(&session.token)
        .header("content-type", "application/merge-patch+json")
        .body(data.to_string())
        .send()
        .await
        .expect("the engine answers");
    let status = answer.status().as_u16();
    (status, answer.json().await.unwrap_or(Value::Null))
}
