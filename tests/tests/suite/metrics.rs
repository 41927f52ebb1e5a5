//! `/metrics` (issue 9, observability): request latency by route and status, dossiers by
//! procedure and state, the database pool, the calls to the register and the file store —
//! in the Prometheus text format; and the Grafana dashboard of `deploy/grafana`, which must
//! read only series the engine exposes.

use motcua_tests::accounts::{CLERK, MINH};
use motcua_tests::api::download;
use motcua_tests::dossiers::{
    filled_copy_draft, filled_draft, submitted_copy, submitted_correction, upload_diploma,
    CORRECTION,
};
use motcua_tests::engine::tempdir::TempDir;
use motcua_tests::garage::PrivateS3;
use motcua_tests::problem::problem;
use motcua_tests::stoppable_register::StoppableRegister;
use motcua_tests::{login, Engine, EngineOptions, TEST_METRICS_TOKEN};
use serde_json::Value;
use std::collections::BTreeSet;

async fn scrape(engine: &Engine) -> String {
    let answer = engine.scrape_metrics().await;
    assert_eq!(answer.status(), 200);
    assert!(answer.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("application/openmetrics-text"));
    answer.text().await.unwrap()
}

/// `/metrics` answered 401 problem+json, naming the scheme to use and showing no figure.
async fn assert_scrape_refused(answer: reqwest::Response, case: &str) {
    assert_eq!(answer.headers()["www-authenticate"], "Bearer", "{case}");
    let body = problem(answer, 401, case).await;
    assert_eq!(body["code"], "unauthorized", "{case}: {body}");
    assert_eq!(body["status"], 401, "{case}");
    assert!(
        !body.to_string().contains("motcua_"),
        "{case}: figures in the refusal: {body}"
    );
}

/// `GET /metrics` with this `Authorization` header, or none.
async fn metrics_with(engine: &Engine, authorization: Option<&str>) -> reqwest::Response {
    let mut request = reqwest::Client::new().get(engine.at("/metrics"));
    if let Some(value) = authorization {
        request = request.header("authorization", value);
    }
    request.send().await.unwrap()
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

fn register_reads(text: &str, outcome: &str) -> f64 {
    sample(
        text,
        &format!(
            r#"motcua_register_request_duration_seconds_count{{operation="resident",outcome="{outcome}"}}"#
        ),
    )
    .unwrap_or(0.0)
}

fn storage_calls(text: &str, operation: &str, outcome: &str) -> f64 {
    sample(
        text,
        &format!(
            r#"motcua_storage_request_duration_seconds_count{{operation="{operation}",outcome="{outcome}"}}"#
        ),
    )
    .unwrap_or(0.0)
}

#[tokio::test]
async fn register_reads_are_timed_by_outcome_and_an_outage_shows_as_failures_and_an_open_circuit() {
    let mut register = StoppableRegister::start().await;
    let engine = Engine::start_with(EngineOptions {
        registry: Some(register.registry()),
        ..Default::default()
    })
    .await;
    let client = reqwest::Client::new();
    let minh = login(&engine, "citizen", MINH).await;
    let before = scrape(&engine).await;
    assert_eq!(register_reads(&before, "ok"), 0.0, "{before}");
    assert_eq!(
        sample(
            &before,
            r#"motcua_register_errors_total{operation="resident",kind="unavailable"}"#
        ),
        Some(0.0),
        "failures read zero before the first one: {before}"
    );
    assert_eq!(sample(&before, "motcua_register_circuit_state"), Some(0.0));

    // The diploma copy fills the holder's name and number from the register.
    filled_copy_draft(&engine, &client, &minh).await;
    let text = scrape(&engine).await;
    assert_eq!(register_reads(&text, "ok"), 1.0, "{text}");
    assert!(sample(
        &text,
        r#"motcua_register_request_duration_seconds_sum{operation="resident",outcome="ok"}"#
    )
    .is_some_and(|s| s > 0.0));

    register.stop().await;
    let create = || async {
        let body = serde_json::json!({ "procedure": "3.000465" });
        motcua_tests::api::post(&engine, &minh, "/v1/dossiers", body)
            .await
            .0
    };
    assert_eq!(create().await, 503);
    let text = scrape(&engine).await;
    assert_eq!(register_reads(&text, "unavailable"), 1.0, "{text}");
    assert_eq!(
        sample(
            &text,
            r#"motcua_register_errors_total{operation="resident",kind="unavailable"}"#
        ),
        Some(1.0)
    );
    assert_eq!(sample(&text, "motcua_register_circuit_state"), Some(0.0));

    // Five failures in a row open the client's circuit: the next read fails at once.
    for _ in 0..4 {
        assert_eq!(create().await, 503);
    }
    let text = scrape(&engine).await;
    assert_eq!(
        sample(&text, "motcua_register_circuit_state"),
        Some(2.0),
        "{text}"
    );
    assert_eq!(create().await, 503);
    let text = scrape(&engine).await;
    assert_eq!(register_reads(&text, "unavailable"), 6.0);
    assert_eq!(
        sample(
            &text,
            r#"motcua_register_errors_total{operation="resident",kind="unavailable"}"#
        ),
        Some(6.0)
    );
    assert_eq!(register_reads(&text, "ok"), 1.0);
    assert!(!text.contains(MINH), "a PIN in the metrics");
}

#[tokio::test]
async fn uploads_and_downloads_are_timed_and_a_storage_outage_counts_as_failures() {
    let mut storage = PrivateS3::start().await;
    let engine = Engine::start_with(EngineOptions {
        s3: Some(storage.settings()),
        ..Default::default()
    })
    .await;
    let client = reqwest::Client::new();
    let minh = login(&engine, "citizen", MINH).await;
    let id = filled_draft(
        &engine,
        &client,
        &minh,
        CORRECTION,
        &motcua_tests::dossiers::correction_data(),
    )
    .await;
    let before = scrape(&engine).await;

    let (status, document) = upload_diploma(&engine, &minh, &id).await;
    assert_eq!(status, 201);
    let document_id = document["id"].as_str().unwrap();
    let (status, _) = download(&engine, &minh, document_id).await;
    assert_eq!(status, 200);

    let text = scrape(&engine).await;
    assert_eq!(
        storage_calls(&text, "put", "ok"),
        storage_calls(&before, "put", "ok") + 1.0,
        "{text}"
    );
    assert_eq!(
        storage_calls(&text, "get", "ok"),
        storage_calls(&before, "get", "ok") + 1.0
    );
    // Readiness asks the store too.
    assert!(storage_calls(&text, "check", "ok") >= 1.0);

    storage.stop().await;
    assert_eq!(upload_diploma(&engine, &minh, &id).await.0, 503);
    let text = scrape(&engine).await;
    assert_eq!(storage_calls(&text, "put", "unavailable"), 1.0, "{text}");
    assert_eq!(
        sample(
            &text,
            r#"motcua_storage_errors_total{operation="put",kind="unavailable"}"#
        ),
        Some(1.0)
    );
    assert!(
        !text.contains(&id),
        "a dossier id (in a key) in the metrics"
    );
    assert!(!text.contains(document_id), "a document id in the metrics");
}

/// The names of the metrics a PromQL expression reads (the engine's all start `motcua_`).
fn metric_names(expr: &str) -> Vec<String> {
    let mut names = Vec::new();
    let mut rest = expr;
    while let Some(at) = rest.find("motcua_") {
        let boundary = rest[..at]
            .chars()
            .next_back()
            .is_none_or(|c| !(c.is_ascii_alphanumeric() || c == '_'));
        let end = rest[at..]
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == ':'))
            .map_or(rest.len(), |n| at + n);
        if boundary {
            names.push(rest[at..end].to_owned());
        }
        rest = &rest[end..];
    }
    names
}

/// Every query of the dashboard: panels' targets (rows' panels too) and the variables'.
fn queries(node: &Value, out: &mut Vec<String>) {
    match node {
        Value::Object(map) => {
            for (key, value) in map {
                match (key.as_str(), value) {
                    ("expr" | "query" | "definition", Value::String(q)) => out.push(q.clone()),
                    _ => queries(value, out),
                }
            }
        }
        Value::Array(items) => items.iter().for_each(|item| queries(item, out)),
        _ => {}
    }
}

fn panels(dashboard: &Value) -> Vec<&Value> {
    let mut out = Vec::new();
    for panel in dashboard["panels"].as_array().unwrap() {
        out.push(panel);
        if let Some(inner) = panel["panels"].as_array() {
            out.extend(inner);
        }
    }
    out
}

#[test]
fn the_dashboard_queries_through_its_datasource_variable() {
    let path = motcua_tests::workspace_root().join("deploy/grafana/motcua.json");
    let dashboard: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let variables = dashboard["templating"]["list"].as_array().unwrap();
    assert!(variables.iter().any(|v| v["name"] == "datasource"
        && v["type"] == "datasource"
        && v["query"] == "prometheus"));
    let mut ids = BTreeSet::new();
    for panel in panels(&dashboard) {
        let title = &panel["title"];
        assert!(
            ids.insert(panel["id"].as_u64().unwrap()),
            "{title}: id twice"
        );
        let grid = &panel["gridPos"];
        assert!(
            grid["x"].as_u64().unwrap() + grid["w"].as_u64().unwrap() <= 24,
            "{title}: wider than the dashboard"
        );
        if panel["type"] == "row" {
            continue;
        }
        assert_eq!(panel["datasource"]["uid"], "${datasource}", "{title}");
        let targets = panel["targets"].as_array().unwrap();
        assert!(!targets.is_empty(), "{title}: no query");
        for target in targets {
            assert_eq!(target["datasource"]["uid"], "${datasource}", "{title}");
            assert!(target["expr"].as_str().is_some_and(|e| !e.is_empty()));
        }
    }
}

#[tokio::test]
async fn the_dashboard_reads_only_what_the_engine_exposes_and_shows_all_of_it() {
    let path = motcua_tests::workspace_root().join("deploy/grafana/motcua.json");
    let dashboard: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let mut all = Vec::new();
    queries(&dashboard, &mut all);
    let used: BTreeSet<String> = all.iter().flat_map(|q| metric_names(q)).collect();
    assert!(used.len() > 10, "{used:?}");

    // Traffic that makes every series appear: requests, a register read, an upload, a
    // dossier waiting in a queue; readiness checks the store, failures start at zero.
    let engine = Engine::start().await;
    let client = reqwest::Client::new();
    let minh = login(&engine, "citizen", MINH).await;
    submitted_correction(&engine, &client, &minh).await;
    let text = scrape(&engine).await;
    let exposed: BTreeSet<&str> = text
        .lines()
        .filter(|line| !line.starts_with('#') && !line.is_empty())
        .filter_map(|line| line.split(['{', ' ']).next())
        .collect();
    let missing: Vec<&String> = used
        .iter()
        .filter(|name| !exposed.contains(name.as_str()))
        .collect();
    assert!(
        missing.is_empty(),
        "the dashboard reads series the engine does not expose: {missing:?}\n{text}"
    );

    // And the other way: a metric added to the engine gets a panel.
    let families: Vec<&str> = text
        .lines()
        .filter_map(|line| line.strip_prefix("# TYPE "))
        .filter_map(|line| line.split(' ').next())
        .collect();
    assert!(families.len() >= 10, "{families:?}");
    let shown = |family: &str| {
        used.iter().any(|name| {
            name == family
                || ["_bucket", "_sum", "_count", "_total"]
                    .iter()
                    .any(|suffix| *name == format!("{family}{suffix}"))
        })
    };
    let unshown: Vec<&&str> = families.iter().filter(|f| !shown(f)).collect();
    assert!(
        unshown.is_empty(),
        "metrics without a panel in deploy/grafana/motcua.json: {unshown:?}"
    );
}

#[test]
fn metric_names_are_read_out_of_promql() {
    assert_eq!(
        metric_names(
            r#"histogram_quantile(0.99, sum by (le) (rate(motcua_a_bucket{job=~"$job"}[5m]))) / motcua_b"#
        ),
        ["motcua_a_bucket", "motcua_b"]
    );
    assert!(metric_names("label_values(x_motcua_c, job)").is_empty());
}

/// `/metrics` shows every agency's queues and the outside services' failures: only the
/// scraper configured with `MOTCUA_METRICS_TOKEN` reads it. Any other caller, a logged-in
/// citizen or clerk included, gets 401 with `WWW-Authenticate: Bearer`.
#[tokio::test]
async fn metrics_are_served_to_the_configured_scraper_only() {
    let engine = Engine::start().await;
    let clerk = login(&engine, "staff", CLERK).await;
    let one_more = format!("Bearer {TEST_METRICS_TOKEN}x");
    let one_less = format!(
        "Bearer {}",
        &TEST_METRICS_TOKEN[..TEST_METRICS_TOKEN.len() - 1]
    );
    let without_scheme = TEST_METRICS_TOKEN.to_owned();
    let as_basic = format!("Basic {TEST_METRICS_TOKEN}");
    let a_clerks_token = format!("Bearer {}", clerk.token);
    let refusals: [(&str, Option<&str>); 7] = [
        ("no credential", None),
        ("another token", Some("Bearer not-the-scraper-token-at-all")),
        ("the token and one character more", Some(&one_more)),
        ("the token but its last character", Some(&one_less)),
        ("the token without its scheme", Some(&without_scheme)),
        ("the token as Basic", Some(&as_basic)),
        ("a clerk's access token", Some(&a_clerks_token)),
    ];
    for (case, authorization) in refusals {
        assert_scrape_refused(metrics_with(&engine, authorization).await, case).await;
    }
    // With it, as before.
    let text = scrape(&engine).await;
    assert!(
        sample(
            &text,
            r#"motcua_http_request_duration_seconds_count{method="GET",route="/metrics",status="401"}"#
        )
        .is_some_and(|n| n >= 7.0),
        "{text}"
    );
}

/// Like the other secrets, the scraper's token may be a mounted file
/// (`MOTCUA_METRICS_TOKEN_FILE`).
#[tokio::test]
async fn the_scraper_token_may_come_from_a_file() {
    let dir = TempDir::new();
    let file = dir.0.join("metrics-token");
    let token = "token-from-a-mounted-file-0123456789";
    std::fs::write(&file, format!("{token}\n")).unwrap();
    let engine = Engine::start_with(EngineOptions {
        extra_env: vec![
            // Empty is unset: the harness's own token gives way to the file.
            ("MOTCUA_METRICS_TOKEN".into(), String::new()),
            (
                "MOTCUA_METRICS_TOKEN_FILE".into(),
                file.to_string_lossy().into_owned(),
            ),
        ],
        ..Default::default()
    })
    .await;
    let answer = metrics_with(&engine, Some(&format!("Bearer {token}"))).await;
    assert_eq!(answer.status(), 200);
    assert_scrape_refused(engine.scrape_metrics().await, "the harness's usual token").await;
}

/// A process killed when dropped, passed or failed.
struct Killed(std::process::Child);

impl Drop for Killed {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// `serve` without `MOTCUA_METRICS_TOKEN` starts (an engine without Prometheus needs none)
/// and refuses every scrape: no token at all is no open door.
#[tokio::test]
async fn serve_without_a_scraper_token_starts_and_refuses_every_scrape() {
    let engine = Engine::start().await;
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let url = format!("http://127.0.0.1:{port}");
    // The engine's own services (database, bucket, simulator), as `serve`.
    let _serve = Killed(
        engine
            .command(&["serve"])
            .env("MOTCUA_METRICS_TOKEN", "")
            .env("MOTCUA_LISTEN", format!("127.0.0.1:{port}"))
            .env("MOTCUA_PUBLIC_URL", &url)
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap(),
    );
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    loop {
        if let Ok(answer) = reqwest::get(format!("{url}/readyz")).await {
            if answer.status() == 200 {
                break;
            }
        }
        assert!(
            std::time::Instant::now() < deadline,
            "serve did not become ready"
        );
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    let client = reqwest::Client::new();
    for (case, token) in [
        ("no credential", None),
        ("the test engines' token", Some(TEST_METRICS_TOKEN)),
        ("an empty token", Some("")),
    ] {
        let mut request = client.get(format!("{url}/metrics"));
        if let Some(token) = token {
            request = request.header("authorization", format!("Bearer {token}"));
        }
        assert_scrape_refused(request.send().await.unwrap(), case).await;
    }
}
