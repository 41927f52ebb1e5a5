//! `GET /jwks`: the public keys that verify ID tokens (the current one, and a replaced one
//! until it is dropped).

use super::Provider;
use axum::extract::State;
use axum::Json;
use serde_json::{json, Value};
use std::sync::Arc;

pub async fn key_set(State(provider): State<Arc<Provider>>) -> Json<Value> {
    Json(json!({ "keys": provider.keys.published() }))
}
