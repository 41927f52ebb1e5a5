//! One request of the matrix, with or without a token, and its answer's status and problem
//! code.

use motcua_tests::Engine;
use reqwest::Method;
use serde_json::Value;

#[derive(Debug, Clone)]
pub enum Body {
    None,
    Json(Value),
    MergePatch(Value),
    Bytes(&'static str, Vec<u8>),
}

#[derive(Debug, Clone)]
pub struct Request {
    pub method: Method,
    pub path: String,
    pub body: Body,
}

impl Request {
    pub fn get(path: String) -> Request {
        Request {
            method: Method::GET,
            path,
            body: Body::None,
        }
    }

    pub fn post(path: String, body: Body) -> Request {
        Request {
            method: Method::POST,
            path,
            body,
        }
    }
}

pub fn jpeg() -> Vec<u8> {
    [&[0xFF, 0xD8, 0xFF, 0xE0][..], &[0x42; 200][..]].concat()
}

pub fn pdf() -> Vec<u8> {
    b"%PDF-1.7 ket qua giai quyet".to_vec()
}

/// Sends `request` with `token` (none: no `Authorization` header at all).
pub async fn send(
    engine: &Engine,
    client: &reqwest::Client,
    token: Option<&str>,
    request: &Request,
) -> (u16, Value) {
    let mut builder = client.request(request.method.clone(), engine.at(&request.path));
    if let Some(token) = token {
        builder = builder.bearer_auth(token);
    }
    builder = match &request.body {
        Body::None => builder,
        Body::Json(v) => builder.json(v),
        Body::MergePatch(v) => builder
            .header("content-type", "application/merge-patch+json")
            .body(v.to_string()),
        Body::Bytes(content_type, bytes) => builder
            .header("content-type", *content_type)
            .body(bytes.clone()),
    };
    let answer = builder.send().await.expect("the engine answers");
    let status = answer.status().as_u16();
    let bytes = answer.bytes().await.unwrap_or_default();
    (
        status,
        serde_json::from_slice(&bytes).unwrap_or(Value::Null),
    )
}

pub fn code(body: &Value) -> Option<&str> {
    body.get("code").and_then(Value::as_str)
}
