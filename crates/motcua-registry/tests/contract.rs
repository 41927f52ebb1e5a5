//! The client against a register that follows the contract of docs/ARCHITECTURE.md ("The
//! register API") to the letter, written here from the contract (not the simulator),
//! including its failure modes.

#![allow(clippy::unwrap_used)] // test code: a failed unwrap is a failed test

use axum::extract::{Path, Query};
use axum::http::{HeaderMap, StatusCode};
use axum::routing::get;
use axum::{Json, Router};
use motcua_core::pin::Pin;
use motcua_registry::{HttpRegister, HttpRegisterConfig, Purpose, Register, RegistryError};
use serde_json::{json, Value};
use std::collections::HashMap;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

#[derive(Default)]
struct Seen {
    calls: Mutex<Vec<(String, String, String)>>,
    failures_left: AtomicU32,
    hang: std::sync::atomic::AtomicBool,
}

async fn contract_register(seen: Arc<Seen>) -> String {
    let app = Router::new().route(
        "/v1/residents/{pin}",
        get({
            let seen = seen.clone();
            move |Path(pin): Path<String>,
                  Query(q): Query<HashMap<String, String>>,
                  headers: HeaderMap| {
                let seen = seen.clone();
                async move {
                    if seen.hang.load(Ordering::SeqCst) {
                        tokio::time::sleep(Duration::from_secs(30)).await;
                    }
                    if seen.failures_left.load(Ordering::SeqCst) > 0 {
                        seen.failures_left.fetch_sub(1, Ordering::SeqCst);
                        return (StatusCode::INTERNAL_SERVER_ERROR, Json(json!({})));
                    }
                    let header = |n: &str| {
                        headers
                            .get(n)
                            .and_then(|v| v.to_str().ok())
                            .unwrap_or("")
                            .to_owned()
                    };
                    if header("authorization") != "Bearer secret" {
                        return (
                            StatusCode::UNAUTHORIZED,
                            Json(json!({ "error": "bad token" })),
                        );
                    }
                    let fields = q.get("fields").cloned().unwrap_or_default();
                    seen.calls.lock().unwrap().push((
                        header("x-purpose"),
                        fields.clone(),
                        header("x-requester"),
                    ));
                    if pin == "001207009999" {
                        return (StatusCode::NOT_FOUND, Json(json!({ "error": "unknown" })));
                    }
                    let all =
                        json!({ "pin": pin, "full_name": "Nguyễn Văn A", "ethnicity": "Kinh" });
                    let only: serde_json::Map<String, Value> = fields
                        .split(',')
                        .filter_map(|f| all.get(f).map(|v| (f.to_owned(), v.clone())))
                        .collect();
                    (StatusCode::OK, Json(Value::Object(only)))
                }
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await });
    url
}

fn purpose() -> Purpose {
    Purpose {
        procedure_code: "1.005142".into(),
        dossier_id: uuid::Uuid::nil(),
        requester: "001207001234".into(),
    }
}

fn client(url: &str, token: &str) -> HttpRegister {
    let mut config = HttpRegisterConfig::new(url, token);
    config.attempt_timeout = Duration::from_millis(300);
    config.deadline = Duration::from_millis(1500);
    config.breaker_threshold = 2;
    HttpRegister::new(config).unwrap()
}

fn pin(s: &str) -> Pin {
    Pin::parse(s).unwrap()
}

#[tokio::test]
async fn sends_purpose_and_only_the_fields_asked() {
    let seen = Arc::new(Seen::default());
    let url = contract_register(seen.clone()).await;
    let record = client(&url, "secret")
        .resident(
            &pin("001207001234"),
            &["full_name".into(), "ethnicity".into()],
            &purpose(),
        )
        .await
        .unwrap();
    assert_eq!(
        Value::Object(record.fields),
        json!({ "full_name": "Nguyễn Văn A", "ethnicity": "Kinh" })
    );
    let calls = seen.calls.lock().unwrap().clone();
    assert_eq!(
        calls,
        vec![(
            "1.005142/00000000-0000-0000-0000-000000000000".to_owned(),
            "full_name,ethnicity".to_owned(),
            "001207001234".to_owned()
        )]
    );
}

#[tokio::test]
async fn not_found_and_bad_token_are_told_apart() {
    let seen = Arc::new(Seen::default());
    let url = contract_register(seen).await;
    let err = client(&url, "secret")
        .resident(&pin("001207009999"), &["pin".into()], &purpose())
        .await;
    assert!(matches!(err, Err(RegistryError::NotFound)), "{err:?}");
    let err = client(&url, "wrong")
        .resident(&pin("001207001234"), &["pin".into()], &purpose())
        .await;
    assert!(matches!(err, Err(RegistryError::Unauthorized)), "{err:?}");
}

#[tokio::test]
async fn transient_failures_are_retried() {
    let seen = Arc::new(Seen::default());
    seen.failures_left.store(2, Ordering::SeqCst);
    let url = contract_register(seen.clone()).await;
    let ok = client(&url, "secret")
        .resident(&pin("001207001234"), &["pin".into()], &purpose())
        .await;
    assert!(ok.is_ok(), "{ok:?}");
}

#[tokio::test]
async fn a_hanging_register_gives_unavailable_within_the_deadline_then_the_circuit_opens() {
    let seen = Arc::new(Seen::default());
    seen.hang.store(true, Ordering::SeqCst);
    let url = contract_register(seen).await;
    let register = client(&url, "secret");
    for _ in 0..2 {
        let took = unavailable_after(&register).await;
        assert!(took < Duration::from_secs(3), "took {took:?}");
    }
    let took = unavailable_after(&register).await;
    assert!(
        took < Duration::from_millis(50),
        "the open circuit answers at once, not after {took:?}"
    );
}

/// Asks `register` for a resident, expecting it unavailable; answers how long that took.
async fn unavailable_after(register: &HttpRegister) -> Duration {
    let started = Instant::now();
    let err = register
        .resident(&pin("001207001234"), &["pin".into()], &purpose())
        .await;
    assert!(
        matches!(err, Err(RegistryError::Unavailable { .. })),
        "{err:?}"
    );
    started.elapsed()
}

#[tokio::test]
async fn nothing_listening_is_unavailable() {
    unavailable_after(&client("http://127.0.0.1:9", "secret")).await;
}
