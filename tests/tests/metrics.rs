//! `/metrics` (issue 9, observability): request latency by route and status, dossiers by
//! procedure and state, the database pool — in the Prometheus text format.

use motcua_tests::dossiers::{filled_copy_draft, submitted_copy};
use motcua_tests::{login, Engine};

const MINH: &str = "001207001234";

async fn scrape(engine: &Engine) -> String {
    let answer = reqwest::get(engine.at("/metrics")).await.unwrap();
    assert_eq!(answer.status(), 200);
    assert!(answer.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("application/openmetrics-text"));
    answer.text().await.unwrap()
}

/// The value of the sample whose line starts with `series` (name and labels).
fn sample(text: &str, series: &str) -> Option<f64> {
    text.lines()
        .find_map(|line| line.strip_prefix(series)?.trim().parse().ok())
}

#[tokio::test]
async fn metrics_count_requests_by_route_and_dossiers_by_state() {
    let engine = Engine::start().await;
    let client = reqwest::Client::new();
    let minh = login(&engine, "citizen", MINH).await;
    let draft = filled_copy_draft(&engine, &client, &minh).await;
    submitted_copy(&engine, &client, &minh).await;
    for _ in 0..3 {
        let (status, _) =
            motcua_tests::api::get(&engine, &minh, &format!("/v1/dossiers/{draft}")).await;
        assert_eq!(status, 200);
    }
    let (status, _) = motcua_tests::api::get(
        &engine,
        &minh,
        "/v1/dossiers/00000000-0000-0000-0000-000000000000",
    )
    .await;
    assert_eq!(status, 404);

    let text = scrape(&engine).await;
    // Routes as matched, never the ids themselves.
    assert_eq!(
        sample(
            &text,
            r#"motcua_http_request_duration_seconds_count{method="GET",route="/v1/dossiers/{id}",status="200"}"#
        ),
        Some(3.0),
        "{text}"
    );
    assert_eq!(
        sample(
            &text,
            r#"motcua_http_request_duration_seconds_count{method="GET",route="/v1/dossiers/{id}",status="404"}"#
        ),
        Some(1.0)
    );
    assert!(!text.contains(&draft), "a dossier id in a label");
    assert!(!text.contains(MINH), "a PIN in the metrics");
    assert_eq!(
        sample(
            &text,
            r#"motcua_dossiers{procedure="3.000465",state="draft"}"#
        ),
        Some(1.0)
    );
    assert_eq!(
        sample(
            &text,
            r#"motcua_dossiers{procedure="3.000465",state="submitted"}"#
        ),
        Some(1.0)
    );
    assert!(sample(&text, "motcua_db_pool_connections").is_some_and(|n| n >= 1.0));
    // The submitted copy waits at the department's desk.
    assert_eq!(
        sample(
            &text,
            r#"motcua_queue_dossiers{agency="SGDDT-HN",procedure="3.000465",state="submitted"}"#
        ),
        Some(1.0),
        "{text}"
    );
    assert!(sample(
        &text,
        r#"motcua_queue_oldest_due_timestamp_seconds{agency="SGDDT-HN",procedure="3.000465",state="submitted"}"#
    )
    .is_some_and(|t| t > 1.7e9));

    // The draft withdrawn: its state's count follows at the next scrape.
    let (status, _) =
        motcua_tests::api::act(&engine, &minh, &draft, "withdraw", serde_json::json!({})).await;
    assert_eq!(status, 200);
    let text = scrape(&engine).await;
    assert_eq!(
        sample(
            &text,
            r#"motcua_dossiers{procedure="3.000465",state="draft"}"#
        ),
        None,
        "{text}"
    );
    assert_eq!(
        sample(
            &text,
            r#"motcua_dossiers{procedure="3.000465",state="withdrawn"}"#
        ),
        Some(1.0)
    );
}

#[tokio::test]
async fn every_log_line_of_a_request_names_its_request_id_and_dossier() {
    let mut engine = Engine::start_with(motcua_tests::EngineOptions {
        debug_log: true,
        ..Default::default()
    })
    .await;
    let client = reqwest::Client::new();
    let minh = login(&engine, "citizen", MINH).await;
    let draft = filled_copy_draft(&engine, &client, &minh).await;
    let answer = client
        .get(engine.at(&format!("/v1/dossiers/{draft}")))
        .bearer_auth(&minh.token)
        .header("x-request-id", "req-trace-0001")
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status(), 200);
    assert_eq!(answer.headers()["x-request-id"], "req-trace-0001");
    engine.kill();
    let text = engine.log();
    let lines: Vec<&str> = text
        .lines()
        .filter(|l| l.contains("req-trace-0001"))
        .collect();
    assert!(lines.len() >= 2, "the request's lines: {lines:?}");
    let finished: Vec<&&str> = lines.iter().filter(|l| l.contains("finished")).collect();
    assert!(!finished.is_empty(), "{lines:?}");
    for line in finished {
        assert!(line.contains(&format!("dossier={draft}")), "{line}");
    }
    assert!(!text.contains(MINH), "a full PIN in the log");
}
