//! Logging in through the simulator, and tokens that must be refused.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use jsonwebtoken::{encode, EncodingKey, Header};
use motcua_tests::{login, Engine, TEST_TOKEN_SECRET};
use serde_json::{json, Value};

async fn me(engine: &Engine, token: &str) -> reqwest::Response {
    reqwest::Client::new()
        .get(engine.at("/v1/me"))
        .bearer_auth(token)
        .send()
        .await
        .unwrap()
}

async fn assert_refused(engine: &Engine, token: &str, why: &str) {
    let response = me(engine, token).await;
    assert_eq!(response.status(), 401, "{why}");
    assert_eq!(
        response.headers()["content-type"].to_str().unwrap(),
        "application/problem+json",
        "{why}"
    );
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["status"], 401, "{why}");
    assert!(body["code"].is_string(), "{why}");
}

fn claims(exp_offset: i64) -> Value {
    let now = chrono::Utc::now().timestamp();
    json!({
        "iss": "motcua", "aud": "motcua-api", "sub": "001207001234",
        "exp": now + exp_offset, "nbf": now - 60, "iat": now - 60,
        "kind": "citizen", "name": "x", "assurance_level": 2
    })
}

#[tokio::test]
async fn citizen_logs_in_with_code_and_pkce_and_sees_pin_and_level() {
    let engine = Engine::start().await;
    let session = login(&engine, "citizen", "001207001234").await;
    let response = me(&engine, &session.token).await;
    assert_eq!(response.status(), 200);
    let me: Value = response.json().await.unwrap();
    assert_eq!(me["kind"], "citizen");
    assert_eq!(me["subject"], "001207001234");
    assert_eq!(me["assurance_level"], 2);
}

#[tokio::test]
async fn staff_log_in_with_roles_and_agency() {
    let engine = Engine::start().await;
    let session = login(&engine, "staff", "motcua.tiepnhan").await;
    let me: Value = me(&engine, &session.token).await.json().await.unwrap();
    assert_eq!(me["kind"], "staff");
    assert_eq!(me["agency"], "SGDDT-HN");
    assert_eq!(me["roles"], json!(["desk_clerk"]));
}

#[tokio::test]
async fn expired_forged_and_unsigned_tokens_get_401_problems() {
    let engine = Engine::start().await;
    let key = EncodingKey::from_secret(TEST_TOKEN_SECRET.as_bytes());

    // The right key proves the signature is fine and only the expiry refuses it.
    let good = encode(&Header::default(), &claims(600), &key).unwrap();
    assert_eq!(
        me(&engine, &good).await.status(),
        200,
        "control token should pass"
    );

    let expired = encode(&Header::default(), &claims(-600), &key).unwrap();
    assert_refused(&engine, &expired, "expired").await;

    let forged = encode(
        &Header::default(),
        &claims(600),
        &EncodingKey::from_secret(b"some-other-secret-of-at-least-32-bytes!!"),
    )
    .unwrap();
    assert_refused(&engine, &forged, "wrongly signed").await;

    let header = URL_SAFE_NO_PAD.encode(br#"{"alg":"none","typ":"JWT"}"#);
    let payload = URL_SAFE_NO_PAD.encode(claims(600).to_string());
    assert_refused(&engine, &format!("{header}.{payload}."), "alg none").await;

    assert_refused(&engine, "not-a-token", "garbage").await;
    let missing = reqwest::get(engine.at("/v1/me")).await.unwrap();
    assert_eq!(missing.status(), 401);
}

#[tokio::test]
async fn a_callback_with_a_forged_state_is_refused() {
    let engine = Engine::start().await;
    let response = reqwest::get(engine.at("/v1/auth/callback?code=abc&state=forged"))
        .await
        .unwrap();
    assert_eq!(response.status(), 400);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["code"], "login_failed");
}
