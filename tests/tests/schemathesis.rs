//! OpenAPI-driven fuzzing (issue 8): schemathesis generates requests from `/openapi.json`,
//! valid and invalid, for every operation, as a citizen and as a desk clerk. No answer may
//! be a 5xx, every answer must match its documented status, content type and schema, and
//! every error must be problem+json (`tests/schemathesis/hooks.py`).

use motcua_tests::engine::THPT_WINDOW_2025;
use motcua_tests::{login, schemathesis, Engine, EngineOptions};

/// Cases per operation and phase: enough to reach every documented answer of the small API,
/// few enough that the two runs take a couple of minutes on the CI's two cores.
const MAX_EXAMPLES: u32 = 25;

async fn fuzz_as(kind: &str, username: &str) {
    // Installing (once) before the engine starts: pip may take a minute.
    tokio::task::spawn_blocking(schemathesis::executable)
        .await
        .unwrap();
    let engine = Engine::start_with(EngineOptions {
        // In the THPT registration window, drafts of the exam registration can be created.
        clock: Some(THPT_WINDOW_2025.into()),
        // Fuzzing logs in, creates and submits far faster than any person.
        extra_env: ["LOGIN", "DRAFTS", "SUBMITS"]
            .iter()
            .map(|what| (format!("MOTCUA_RATE_LIMIT_{what}"), "1000000".to_owned()))
            .collect(),
        ..Default::default()
    })
    .await;
    let session = login(&engine, kind, username).await;
    let url = engine.url.clone();
    let report = tokio::task::spawn_blocking(move || {
        schemathesis::run_against(&url, &session.token, MAX_EXAMPLES)
    })
    .await
    .unwrap();
    println!(
        "schemathesis {} as {kind} {username}, {:.0?}:\n{}",
        schemathesis::VERSION,
        report.elapsed,
        report.text
    );
    assert!(
        report.passed,
        "schemathesis found failures as {kind} {username}: see its report above"
    );
}

#[tokio::test]
async fn the_api_keeps_its_openapi_contract_for_a_citizen() {
    fuzz_as("citizen", "001207001234").await;
}

#[tokio::test]
async fn the_api_keeps_its_openapi_contract_for_a_desk_clerk() {
    fuzz_as("staff", "motcua.tiepnhan").await;
}
