//! The dossier requests tests read the whole answer of (status, headers, problem body):
//! reqwest's `Response`, panicking only when the engine does not answer. [`crate::api`] has
//! the same calls answering status and JSON.

use crate::{Engine, Session};
use reqwest::Response;
use serde_json::{json, Value};

/// A client that does not follow redirects, to see the engine's own `302`s and `Location`s.
pub fn without_redirects() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("an HTTP client")
}

/// `POST /v1/dossiers` with `body`.
pub async fn create(engine: &Engine, session: &Session, body: &Value) -> Response {
    reqwest::Client::new()
        .post(engine.at("/v1/dossiers"))
        .bearer_auth(&session.token)
        .json(body)
        .send()
        .await
        .expect("the engine answers")
}

/// `POST /v1/dossiers`: a draft of `procedure`.
pub async fn create_draft(engine: &Engine, session: &Session, procedure: &str) -> Response {
    create(engine, session, &json!({ "procedure": procedure })).await
}

/// A JSON merge patch of the dossier's data.
pub async fn patch(engine: &Engine, session: &Session, id: &str, data: &Value) -> Response {
    reqwest::Client::new()
        .patch(engine.at(&format!("/v1/dossiers/{id}")))
        .bearer_auth(&session.token)
        .header("content-type", "application/merge-patch+json")
        .body(data.to_string())
        .send()
        .await
        .expect("the engine answers")
}

/// `POST /v1/dossiers/{id}/submit`, with an `Idempotency-Key` if given.
pub async fn submit(engine: &Engine, session: &Session, id: &str, key: Option<&str>) -> Response {
    let mut request = reqwest::Client::new()
        .post(engine.at(&format!("/v1/dossiers/{id}/submit")))
        .bearer_auth(&session.token);
    if let Some(key) = key {
        request = request.header("Idempotency-Key", key);
    }
    request.send().await.expect("the engine answers")
}

/// `GET path` as `session`.
pub async fn get(engine: &Engine, session: &Session, path: &str) -> Response {
    reqwest::Client::new()
        .get(engine.at(path))
        .bearer_auth(&session.token)
        .send()
        .await
        .expect("the engine answers")
}
