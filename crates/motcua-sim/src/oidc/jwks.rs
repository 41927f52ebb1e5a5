//! `GET /jwks`: the public key that verifies ID tokens.

use super::Provider;
use axum::extract::State;
use axum::Json;
use serde_json::{json, Value};
use std::sync::Arc;

pub async fn key_set(State(provider): State<Arc<Provider>>) -> Json<Value> {
    Json(json!({ "keys": [provider.key.public] }))
}
