//! The engine's HTTP API as the black-box tests call it: status and JSON body (or `null`),
//! panicking only when the engine does not answer at all.

use crate::{Engine, Session};
use serde_json::Value;

/// Sends `request`: its status and JSON body (or `null`).
async fn answer(request: reqwest::RequestBuilder) -> (u16, Value) {
    let answer = request.send().await.expect("the engine answers");
    let status = answer.status().as_u16();
    (status, answer.json().await.unwrap_or(Value::Null))
}

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
    answer(request).await
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

/// `POST /v1/queues/{queue}/claim`: the next dossier of the queue for `session` (200), or
/// none left (204).
pub async fn claim(engine: &Engine, session: &Session, queue: &str) -> (u16, Value) {
    let path = format!("/v1/queues/{queue}/claim");
    call(engine, session, reqwest::Method::POST, &path, None).await
}

/// A JSON merge patch of the dossier's data.
pub async fn patch(engine: &Engine, session: &Session, id: &str, data: &Value) -> (u16, Value) {
    let request = reqwest::Client::new()
        .patch(engine.at(&format!("/v1/dossiers/{id}")))
        .bearer_auth(&session.token)
        .header("content-type", "application/merge-patch+json")
        .body(data.to_string());
    answer(request).await
}

/// `PUT` of a file's bytes as `content_type` (a dossier's document, a result).
pub async fn put_file(
    engine: &Engine,
    session: &Session,
    path: &str,
    content_type: &str,
    bytes: Vec<u8>,
) -> (u16, Value) {
    let request = reqwest::Client::new()
        .put(engine.at(path))
        .bearer_auth(&session.token)
        .header("content-type", content_type)
        .body(bytes);
    answer(request).await
}

/// The actions of dossier `id`'s timeline (`GET /v1/dossiers/{id}/events`), oldest first.
pub async fn timeline_actions(engine: &Engine, session: &Session, id: &str) -> Vec<String> {
    let (_, events) = get(engine, session, &format!("/v1/dossiers/{id}/events")).await;
    events
        .as_array()
        .expect("a timeline")
        .iter()
        .map(|e| e["action"].as_str().expect("an action").to_owned())
        .collect()
}

/// The results in `citizen`'s document store (`GET /v1/me/documents`, kind `result`).
pub async fn results_in_store(engine: &Engine, citizen: &Session) -> Vec<Value> {
    let (_, store) = get(engine, citizen, "/v1/me/documents").await;
    store["items"]
        .as_array()
        .expect("a list of documents")
        .iter()
        .filter(|d| d["kind"] == "result")
        .cloned()
        .collect()
}

/// The ids of [`results_in_store`].
pub async fn result_ids_in_store(engine: &Engine, citizen: &Session) -> Vec<Value> {
    let results = results_in_store(engine, citizen).await;
    results.iter().map(|d| d["id"].clone()).collect()
}

/// [`put_file`], expecting 201 (stored): the engine's answer.
pub async fn stored_file(
    engine: &Engine,
    session: &Session,
    path: &str,
    content_type: &str,
    bytes: Vec<u8>,
) -> Value {
    let (status, body) = put_file(engine, session, path, content_type, bytes).await;
    assert_eq!(status, 201, "PUT {path}: {body}");
    body
}

/// `GET /v1/attachments/{document}/content`: the status and the bytes.
pub async fn download(engine: &Engine, session: &Session, document: &str) -> (u16, Vec<u8>) {
    let answer = reqwest::Client::new()
        .get(engine.at(&format!("/v1/attachments/{document}/content")))
        .bearer_auth(&session.token)
        .send()
        .await
        .expect("the engine answers");
    let status = answer.status().as_u16();
    (status, answer.bytes().await.unwrap().to_vec())
}
