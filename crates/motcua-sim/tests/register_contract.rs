//! The population register over plain HTTP, exactly as docs/ARCHITECTURE.md ("The register
//! API") says a client speaks to it, and the switches tests use to make it misbehave.

#![allow(clippy::unwrap_used)]

mod sending;

use motcua_sim::register::named;
use motcua_sim::{serve, RunningSim, SimConfig};
use reqwest::StatusCode;
use sending::Sent;
use serde_json::Value;
use std::time::{Duration, Instant};

const TOKEN: &str = "motcua-dev-registry-token";
const PURPOSE: &str = "1.005142/0192d7c4-7b1e-7a52-9a35-2f5b3c1d4e6f";
const REQUEST_ID: &str = "6f1c2a9e-3b7d-4c8e-9f10-112233445566";

async fn start() -> RunningSim {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    serve(listener, SimConfig::dev_default()).await.unwrap()
}

fn http() -> reqwest::Client {
    reqwest::Client::new()
}

fn resident_url(sim: &RunningSim, pin: &str, fields: &str) -> String {
    format!("{}/v1/residents/{pin}?fields={fields}", sim.register_url)
}

/// A request as the engine sends it.
fn lookup(sim: &RunningSim, pin: &str, fields: &str) -> reqwest::RequestBuilder {
    http()
        .get(resident_url(sim, pin, fields))
        .bearer_auth(TOKEN)
        .header("X-Purpose", PURPOSE)
        .header("X-Requester", named::STUDENT_HANOI)
        .header("X-Request-Id", REQUEST_ID)
}

async fn error_of(response: reqwest::Response) -> (StatusCode, String, String) {
    let status = response.status();
    let body: Value = response.json().await.unwrap();
    (
        status,
        body["error"].as_str().unwrap().to_owned(),
        body["message"].as_str().unwrap().to_owned(),
    )
}

#[tokio::test]
async fn answers_only_the_asked_fields() {
    let sim = start().await;
    let response = lookup(
        &sim,
        named::STUDENT_HANOI,
        "full_name,birth_date,sex,permanent_address",
    )
    .sent()
    .await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.headers()["x-request-id"], REQUEST_ID);
    let body: Value = response.json().await.unwrap();
    let mut keys: Vec<&str> = body
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    keys.sort_unstable();
    assert_eq!(
        keys,
        ["birth_date", "full_name", "permanent_address", "sex"]
    );
    assert_eq!(body["full_name"], "Nguyễn Đức Minh");
    assert_eq!(body["birth_date"], "2007-09-14");
    assert_eq!(body["sex"], "male");
    let address = &body["permanent_address"];
    assert_eq!(address["province_code"], "01");
    for part in ["commune_code", "detail", "text"] {
        assert!(
            address[part].as_str().is_some_and(|s| !s.is_empty()),
            "{part}"
        );
    }

    // Sensitive data only when asked for by name.
    let response = lookup(
        &sim,
        named::MINORITY_STUDENT,
        "ethnicity,status,id_card,father",
    )
    .sent()
    .await;
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["ethnicity"], "Tày");
    assert_eq!(body["status"], "alive");
    assert_eq!(body["id_card"]["number"], named::MINORITY_STUDENT);
    assert!(body["father"]["pin"].as_str().unwrap().starts_with("004"));
    assert!(body.get("religion").is_none());
}

#[tokio::test]
async fn a_bad_or_missing_token_is_401() {
    let sim = start().await;
    let url = resident_url(&sim, named::STUDENT_HANOI, "full_name");
    for request in [
        http().get(&url).bearer_auth("wrong-token"),
        http().get(&url),
        http()
            .get(&url)
            .header("Authorization", format!("Basic {TOKEN}")),
    ] {
        let response = request
            .header("X-Purpose", PURPOSE)
            .header("X-Requester", "x")
            .sent()
            .await;
        assert!(response.headers()["www-authenticate"]
            .to_str()
            .unwrap()
            .starts_with("Bearer"));
        let (status, error, _) = error_of(response).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
        assert_eq!(error, "unauthorized");
    }
}

#[tokio::test]
async fn a_malformed_number_is_400_saying_what_is_wrong() {
    let sim = start().await;
    for (pin, says) in [
        ("00120700123", "11 characters"),
        ("00120700123x", "not a digit"),
        ("003207001234", "003"),
        ("001807001234", "4th digit"),
        (named::BAD_CENTURY_DIGIT, "4th digit"),
    ] {
        let (status, error, message) =
            error_of(lookup(&sim, pin, "full_name").send().await.unwrap()).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{pin}");
        assert_eq!(error, "malformed_pin", "{pin}");
        assert!(message.contains(says), "{pin}: {message}");
    }
}

#[tokio::test]
async fn the_purpose_and_the_requester_are_required() {
    let sim = start().await;
    let url = resident_url(&sim, named::STUDENT_HANOI, "full_name");
    let missing = http()
        .get(&url)
        .bearer_auth(TOKEN)
        .header("X-Requester", "x")
        .sent()
        .await;
    let (status, error, _) = error_of(missing).await;
    assert_eq!(
        (status, error.as_str()),
        (StatusCode::BAD_REQUEST, "missing_purpose")
    );
    for purpose in ["1.005142", "1.005142/", "/abc", "1.005142/a b"] {
        let response = http()
            .get(&url)
            .bearer_auth(TOKEN)
            .header("X-Purpose", purpose)
            .header("X-Requester", "x")
            .sent()
            .await;
        let (status, error, _) = error_of(response).await;
        assert_eq!(
            (status, error.as_str()),
            (StatusCode::BAD_REQUEST, "malformed_purpose"),
            "{purpose}"
        );
    }
    let no_requester = http()
        .get(&url)
        .bearer_auth(TOKEN)
        .header("X-Purpose", PURPOSE)
        .sent()
        .await;
    let (status, error, _) = error_of(no_requester).await;
    assert_eq!(
        (status, error.as_str()),
        (StatusCode::BAD_REQUEST, "missing_requester")
    );
}

#[tokio::test]
async fn fields_must_be_named_and_known() {
    let sim = start().await;
    let without = http()
        .get(format!(
            "{}/v1/residents/{}",
            sim.register_url,
            named::STUDENT_HANOI
        ))
        .bearer_auth(TOKEN)
        .header("X-Purpose", PURPOSE)
        .header("X-Requester", "x")
        .sent()
        .await;
    let (status, error, _) = error_of(without).await;
    assert_eq!(
        (status, error.as_str()),
        (StatusCode::BAD_REQUEST, "missing_fields")
    );
    let (status, error, _) =
        error_of(lookup(&sim, named::STUDENT_HANOI, "").send().await.unwrap()).await;
    assert_eq!(
        (status, error.as_str()),
        (StatusCode::BAD_REQUEST, "missing_fields")
    );
    let (status, error, message) = error_of(
        lookup(&sim, named::STUDENT_HANOI, "full_name,blood_type")
            .sent()
            .await,
    )
    .await;
    assert_eq!(
        (status, error.as_str()),
        (StatusCode::BAD_REQUEST, "unknown_field")
    );
    assert!(message.contains("blood_type"), "{message}");
}

#[tokio::test]
async fn an_unknown_person_is_404_and_the_statuses_are_told() {
    let sim = start().await;
    let (status, error, _) = error_of(
        lookup(&sim, named::NOT_IN_REGISTER, "full_name")
            .sent()
            .await,
    )
    .await;
    assert_eq!(
        (status, error.as_str()),
        (StatusCode::NOT_FOUND, "not_found")
    );

    let dead: Value = lookup(&sim, named::DECEASED, "status,date_of_death")
        .sent()
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(dead["status"], "deceased");
    assert_eq!(dead["date_of_death"], "2024-12-03");
    let reviewed: Value = lookup(&sim, named::UNDER_REVIEW, "status")
        .sent()
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(reviewed["status"], "under_review");
}

#[tokio::test]
async fn calls_are_recorded_with_purpose_fields_and_outcome() {
    let sim = start().await;
    let control = sim.register();
    lookup(&sim, named::STUDENT_HANOI, "full_name,sex")
        .sent()
        .await;
    http()
        .get(resident_url(&sim, named::STUDENT_HCMC, "pin"))
        .bearer_auth("wrong")
        .sent()
        .await;
    let calls = control.calls();
    assert_eq!(calls.len(), 2);
    let first = &calls[0];
    assert_eq!(first.pin, named::STUDENT_HANOI);
    assert_eq!(first.fields, ["full_name", "sex"]);
    assert_eq!(first.purpose.as_deref(), Some(PURPOSE));
    assert_eq!(first.requester.as_deref(), Some(named::STUDENT_HANOI));
    assert_eq!(first.request_id.as_deref(), Some(REQUEST_ID));
    assert_eq!(first.status, Some(200));
    assert!(first.at <= calls[1].at);
    // Refused calls are recorded too.
    assert_eq!(calls[1].pin, named::STUDENT_HCMC);
    assert_eq!(calls[1].status, Some(401));
    assert_eq!(calls[1].purpose, None);

    // The same over HTTP, and a reset forgets them.
    let listed: Value = http()
        .get(format!("{}/_sim/register/calls", sim.register_url))
        .sent()
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(listed[0]["purpose"], PURPOSE);
    assert_eq!(listed[0]["fields"], serde_json::json!(["full_name", "sex"]));
    assert_eq!(listed[1]["status"], 401);
    let reset = http()
        .post(format!("{}/_sim/register/reset", sim.register_url))
        .sent()
        .await;
    assert!(reset.status().is_success());
    assert!(control.calls().is_empty());
}

#[tokio::test]
async fn latency_delays_every_answer() {
    let sim = start().await;
    sim.register().set_latency(Duration::from_millis(400));
    let started = Instant::now();
    let response = lookup(&sim, named::STUDENT_HANOI, "pin").sent().await;
    assert_eq!(response.status(), StatusCode::OK);
    assert!(
        started.elapsed() >= Duration::from_millis(400),
        "{:?}",
        started.elapsed()
    );
    sim.register().set_latency(Duration::ZERO);
    let started = Instant::now();
    lookup(&sim, named::STUDENT_HANOI, "pin").sent().await;
    assert!(started.elapsed() < Duration::from_millis(400));
}

#[tokio::test]
async fn planned_failures_come_first_then_answers_again() {
    let sim = start().await;
    sim.register().fail_next(2, 503);
    for _ in 0..2 {
        let response = lookup(&sim, named::STUDENT_HANOI, "pin").sent().await;
        let (status, error, _) = error_of(response).await;
        assert_eq!(
            (status, error.as_str()),
            (StatusCode::SERVICE_UNAVAILABLE, "simulated_failure")
        );
    }
    let response = lookup(&sim, named::STUDENT_HANOI, "pin").sent().await;
    assert_eq!(response.status(), StatusCode::OK);
    let statuses: Vec<_> = sim.register().calls().iter().map(|c| c.status).collect();
    assert_eq!(statuses, [Some(503), Some(503), Some(200)]);
}

#[tokio::test]
async fn an_outage_answers_503_at_once_even_with_latency() {
    let sim = start().await;
    sim.register().set_latency(Duration::from_secs(5));
    sim.register().set_outage(true);
    let started = Instant::now();
    let response = lookup(&sim, named::STUDENT_HANOI, "pin").sent().await;
    assert!(started.elapsed() < Duration::from_secs(2));
    assert_eq!(response.headers()["retry-after"], "1");
    let (status, error, _) = error_of(response).await;
    assert_eq!(
        (status, error.as_str()),
        (StatusCode::SERVICE_UNAVAILABLE, "unavailable")
    );
    sim.register().reset();
    let response = lookup(&sim, named::STUDENT_HANOI, "pin").sent().await;
    assert_eq!(response.status(), StatusCode::OK);
}

#[tokio::test]
async fn a_hang_gives_no_answer_until_switched_off() {
    let sim = start().await;
    let control = sim.register();
    control.set_hang(true);
    let hung = lookup(&sim, named::STUDENT_HANOI, "pin")
        .timeout(Duration::from_millis(500))
        .send()
        .await;
    assert!(hung.unwrap_err().is_timeout());
    // Switching the hang off releases a waiting request (with a 503) and answers again.
    let waiting = tokio::spawn(lookup(&sim, named::STUDENT_HANOI, "pin").send());
    tokio::time::sleep(Duration::from_millis(200)).await;
    control.set_hang(false);
    let released = tokio::time::timeout(Duration::from_secs(5), waiting)
        .await
        .unwrap()
        .unwrap()
        .unwrap();
    assert_eq!(released.status(), StatusCode::SERVICE_UNAVAILABLE);
    let response = lookup(&sim, named::STUDENT_HANOI, "pin").sent().await;
    assert_eq!(response.status(), StatusCode::OK);
    // The shutdown does not wait a minute for the hung request either.
    control.set_hang(true);
    let _stuck = tokio::spawn(lookup(&sim, named::STUDENT_HANOI, "pin").send());
    tokio::time::sleep(Duration::from_millis(200)).await;
    let started = Instant::now();
    sim.shutdown().await.unwrap();
    assert!(started.elapsed() < Duration::from_secs(5));
}

#[tokio::test]
async fn switches_can_be_set_over_http() {
    let sim = start().await;
    let switches = format!("{}/_sim/register/switches", sim.register_url);
    let set = http()
        .post(&switches)
        .json(&serde_json::json!({ "outage": true }))
        .sent()
        .await;
    assert_eq!(set.status(), StatusCode::OK);
    let response = lookup(&sim, named::STUDENT_HANOI, "pin").sent().await;
    assert_eq!(response.status(), StatusCode::SERVICE_UNAVAILABLE);

    let set = http()
        .post(&switches)
        .json(&serde_json::json!({ "outage": false, "fail_next": { "count": 1, "status": 500 } }))
        .sent()
        .await;
    let state: Value = set.json().await.unwrap();
    assert_eq!(state["fail_next"]["count"], 1);
    let response = lookup(&sim, named::STUDENT_HANOI, "pin").sent().await;
    assert_eq!(response.status(), StatusCode::INTERNAL_SERVER_ERROR);
    let response = lookup(&sim, named::STUDENT_HANOI, "pin").sent().await;
    assert_eq!(response.status(), StatusCode::OK);

    let refused = http()
        .post(&switches)
        .json(&serde_json::json!({ "outrage": true }))
        .sent()
        .await;
    assert_eq!(refused.status(), StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn the_token_is_configurable() {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let config = SimConfig {
        register_token: "another-token".into(),
        ..SimConfig::dev_default()
    };
    let sim = serve(listener, config).await.unwrap();
    let old = lookup(&sim, named::STUDENT_HANOI, "pin").sent().await;
    assert_eq!(old.status(), StatusCode::UNAUTHORIZED);
    let new = http()
        .get(resident_url(&sim, named::STUDENT_HANOI, "pin"))
        .bearer_auth("another-token")
        .header("X-Purpose", PURPOSE)
        .header("X-Requester", "x")
        .sent()
        .await;
    assert_eq!(new.status(), StatusCode::OK);
}
