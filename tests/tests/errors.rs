//! Bad input gets a precise problem+json answer, never a panic or a plain-text error.

use motcua_tests::{login, Engine, EngineOptions};
use serde_json::Value;

async fn assert_problem(response: reqwest::Response, status: u16, code: &str) {
    assert_eq!(response.status(), status, "expected {status} {code}");
    assert_eq!(
        response.headers()["content-type"].to_str().unwrap(),
        "application/problem+json"
    );
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["code"], code, "{body}");
    assert_eq!(body["status"], status);
    assert!(body["title"].is_string() && body["detail"].is_string() && body["type"].is_string());
}

#[tokio::test]
async fn malformed_bodies_wrong_types_and_unknown_routes_are_problems() {
    let engine = Engine::start_with(EngineOptions {
        extra_env: vec![("MOTCUA_MAX_BODY_BYTES".into(), "65536".into())],
        ..Default::default()
    })
    .await;
    let citizen = login(&engine, "citizen", "001207001234").await;
    let http = reqwest::Client::new();
    let post = |body: Vec<u8>, content_type: &str| {
        http.post(engine.at("/v1/dossiers"))
            .bearer_auth(&citizen.token)
            .header("content-type", content_type)
            .body(body)
            .send()
    };

    assert_problem(
        post(b"{\"procedure\":".to_vec(), "application/json")
            .await
            .unwrap(),
        400,
        "malformed_json",
    )
    .await;
    assert_problem(
        post(vec![b'"', 0xff, 0xfe, b'"'], "application/json")
            .await
            .unwrap(),
        400,
        "malformed_json",
    )
    .await;
    assert_problem(
        post(b"procedure=1".to_vec(), "text/plain").await.unwrap(),
        415,
        "unsupported_media_type",
    )
    .await;
    assert_problem(
        post(
            br#"{"procedure":"1.005142","extra":1}"#.to_vec(),
            "application/json",
        )
        .await
        .unwrap(),
        422,
        "invalid_body",
    )
    .await;
    assert_problem(
        post(br#"{"procedure":7}"#.to_vec(), "application/json")
            .await
            .unwrap(),
        422,
        "invalid_body",
    )
    .await;
    // A fresh connection: the server closes one whose oversized body it did not read.
    let huge = format!(r#"{{"procedure":"{}"}}"#, "x".repeat(200 * 1024));
    let too_large = reqwest::Client::new()
        .post(engine.at("/v1/dossiers"))
        .bearer_auth(&citizen.token)
        .header("content-type", "application/json")
        .body(huge)
        .send()
        .await
        .unwrap();
    assert_problem(too_large, 413, "body_too_large").await;
    assert_problem(
        post(br#"{"procedure":"9.999999"}"#.to_vec(), "application/json")
            .await
            .unwrap(),
        404,
        "procedure_not_found",
    )
    .await;

    assert_problem(
        http.get(engine.at("/v1/nowhere")).send().await.unwrap(),
        404,
        "not_found",
    )
    .await;
    assert_problem(
        http.delete(engine.at("/v1/me")).send().await.unwrap(),
        405,
        "method_not_allowed",
    )
    .await;
    assert_problem(
        http.get(engine.at("/v1/dossiers/not-a-uuid"))
            .bearer_auth(&citizen.token)
            .send()
            .await
            .unwrap(),
        400,
        "invalid_path",
    )
    .await;
    assert_problem(
        http.get(engine.at("/v1/dossiers?limit=100000"))
            .bearer_auth(&citizen.token)
            .send()
            .await
            .unwrap(),
        400,
        "invalid_limit",
    )
    .await;
    assert_problem(
        http.get(engine.at(&format!("/v1/dossiers/{}", uuid::Uuid::new_v4())))
            .bearer_auth(&citizen.token)
            .send()
            .await
            .unwrap(),
        404,
        "dossier_not_found",
    )
    .await;
}

#[tokio::test]
async fn operations_endpoints_answer() {
    let engine = Engine::start().await;
    assert_eq!(
        reqwest::get(engine.at("/healthz")).await.unwrap().status(),
        200
    );
    let ready: Value = reqwest::get(engine.at("/readyz"))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(ready["checks"]["database"], "ok");
    let openapi: Value = reqwest::get(engine.at("/openapi.json"))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(openapi["openapi"].as_str().unwrap().starts_with("3."));
    for path in [
        "/v1/dossiers",
        "/v1/dossiers/{id}/submit",
        "/v1/auth/login",
        "/v1/me",
    ] {
        assert!(
            openapi["paths"][path].is_object(),
            "{path} missing from /openapi.json"
        );
    }
    let procedures: Value = reqwest::get(engine.at("/v1/procedures"))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let codes: Vec<&str> = procedures
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["code"].as_str().unwrap())
        .collect();
    assert_eq!(codes, ["1.004889", "1.005142", "3.000465", "3.000466"]);
}
