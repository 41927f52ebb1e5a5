//! Admission control (issue 10, item 4): past its capacity the engine answers at once with
//! 503 `overloaded` and `Retry-After`, instead of queueing without bound; the requests it
//! admits are served in full, the ones it refuses did nothing, and the operators' endpoints
//! answer throughout.
//!
//! The engine is given two places and a queue of two, and the register is made slow, so
//! that each admitted draft holds its place for a while. The assertions compare the order
//! of answers, not durations.

use motcua_tests::accounts::MINH;
use motcua_tests::command::motcua;
use motcua_tests::dossiers::COPY;
use motcua_tests::load::Outcome;
use motcua_tests::{login, Engine, EngineOptions};
use serde_json::json;
use std::time::{Duration, Instant};

/// Concurrent draft requests: many times what two places and a queue of two can take.
const BURST: usize = 40;
/// Each admitted draft waits this long for the register: well inside the register client's
/// 800 ms attempt timeout, well beyond the queue's wait below.
const REGISTER_LATENCY: Duration = Duration::from_millis(600);

fn small_engine() -> EngineOptions {
    EngineOptions {
        extra_env: vec![
            ("MOTCUA_MAX_IN_FLIGHT".into(), "2".into()),
            ("MOTCUA_MAX_QUEUED".into(), "2".into()),
            ("MOTCUA_QUEUE_WAIT_MS".into(), "50".into()),
        ],
        ..Default::default()
    }
}

/// The value of the sample whose line starts with `series` (name and labels).
fn sample(text: &str, series: &str) -> Option<f64> {
    text.lines()
        .find_map(|line| line.strip_prefix(series)?.trim().parse().ok())
}

/// `/metrics`: its status, its text, and when it answered.
async fn scrape(engine: &Engine) -> (u16, String, Instant) {
    let answer = engine.scrape_metrics().await;
    let status = answer.status().as_u16();
    let text = answer.text().await.unwrap();
    (status, text, Instant::now())
}

fn refused_total(metrics: &str) -> f64 {
    ["queue_full", "wait_expired"]
        .iter()
        .map(|reason| {
            let series = format!(r#"motcua_admission_refused_total{{reason="{reason}"}}"#);
            sample(metrics, &series).unwrap_or_else(|| panic!("no {series} in:\n{metrics}"))
        })
        .sum()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn past_capacity_requests_are_refused_at_once_and_the_admitted_ones_are_served() {
    let engine = Engine::start_with(small_engine()).await;
    let minh = login(&engine, "citizen", MINH).await;
    let client = reqwest::Client::new();
    let (_, before, _) = scrape(&engine).await;
    assert_eq!(refused_total(&before), 0.0);
    let register_calls_before = engine.register.calls().len();

    engine.register.set_latency(REGISTER_LATENCY);
    let burst: Vec<_> = (0..BURST)
        .map(|_| {
            let request = client
                .post(engine.at("/v1/dossiers"))
                .bearer_auth(&minh.token)
                .json(&json!({ "procedure": COPY }));
            tokio::spawn(Outcome::of("create a draft", request))
        })
        .collect();

    // Once an admitted draft is waiting for the register, the engine is full: the
    // operators' endpoints still answer.
    let deadline = Instant::now() + Duration::from_secs(20);
    while !engine
        .register
        .calls()
        .iter()
        .skip(register_calls_before)
        .any(|call| call.status.is_none())
    {
        assert!(Instant::now() < deadline, "no draft reached the register");
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    let ready = reqwest::get(engine.at("/readyz")).await.unwrap();
    let ready_at = Instant::now();
    assert_eq!(ready.status(), 200, "{}", ready.text().await.unwrap());
    let (status, during, metrics_at) = scrape(&engine).await;
    assert_eq!(status, 200, "{during}");
    let in_flight = sample(&during, "motcua_admission_in_flight").unwrap();
    assert!(
        (1.0..=2.0).contains(&in_flight),
        "in flight during the burst: {in_flight}"
    );
    assert!(sample(&during, "motcua_admission_waiting").unwrap() <= 2.0);

    let mut outcomes = Vec::new();
    for request in burst {
        outcomes.push(request.await.unwrap());
    }
    let admitted: Vec<&Outcome> = outcomes.iter().filter(|o| o.status == 201).collect();
    let refused: Vec<&Outcome> = outcomes.iter().filter(|o| o.status == 503).collect();
    let other: Vec<String> = outcomes
        .iter()
        .filter(|o| o.status != 201 && o.status != 503)
        .map(|o| format!("{} {:?} {}", o.status, o.code, o.body))
        .collect();
    assert!(other.is_empty(), "neither 201 nor 503: {other:?}");
    assert!(!admitted.is_empty(), "nothing was admitted");
    assert!(
        refused.len() > admitted.len(),
        "{} refused, {} admitted: two places and a queue of two took most of {BURST}",
        refused.len(),
        admitted.len()
    );
    for refusal in &refused {
        assert!(refusal.problem_json, "{:?}", refusal.body);
        assert_eq!(
            refusal.code.as_deref(),
            Some("overloaded"),
            "{}",
            refusal.body
        );
        assert_eq!(refusal.body["status"], 503);
        assert!(refusal.retry_after, "no Retry-After: {}", refusal.body);
    }

    // Refused at once: every refusal, and the operators' answers, came before the first
    // admitted draft was done.
    let first_admitted = admitted.iter().map(|o| o.at).min().unwrap();
    let started = outcomes.iter().map(|o| o.sent).min().unwrap();
    let late: Vec<String> = refused
        .iter()
        .filter(|o| o.at >= first_admitted)
        .map(|o| {
            format!(
                "sent at +{:?}, answered at +{:?}",
                o.sent - started,
                o.at - started
            )
        })
        .collect();
    assert!(
        late.is_empty(),
        "refusals answered after the first admitted draft (+{:?}): {late:?}",
        first_admitted - started
    );
    assert!(ready_at < first_admitted, "/readyz waited for the burst");
    assert!(metrics_at < first_admitted, "/metrics waited for the burst");

    // A refused request did nothing: only the admitted ones read the register.
    let register_calls = engine.register.calls().len() - register_calls_before;
    assert_eq!(register_calls, admitted.len());

    // Once the burst is over, a request is admitted again.
    engine.register.set_latency(Duration::ZERO);
    let after = Outcome::of(
        "create a draft",
        client
            .post(engine.at("/v1/dossiers"))
            .bearer_auth(&minh.token)
            .json(&json!({ "procedure": COPY })),
    )
    .await;
    assert_eq!(after.status, 201, "after the burst: {}", after.body);

    // /metrics counted exactly the refusals the clients saw, and nothing holds a place.
    let (_, metrics, _) = scrape(&engine).await;
    assert_eq!(refused_total(&metrics), refused.len() as f64, "{metrics}");
    assert_eq!(sample(&metrics, "motcua_admission_in_flight"), Some(0.0));
    assert_eq!(sample(&metrics, "motcua_admission_waiting"), Some(0.0));

    // No half-written dossier: the database holds exactly the acknowledged drafts.
    let mut acknowledged: Vec<String> = admitted
        .iter()
        .chain([&&after])
        .map(|o| o.body["id"].as_str().expect("a draft id").to_owned())
        .collect();
    acknowledged.sort();
    let mut stored: Vec<String> = {
        use sqlx::Connection;
        let mut conn = sqlx::PgConnection::connect(&engine.database_url)
            .await
            .unwrap();
        sqlx::query_scalar("select id::text from dossier")
            .fetch_all(&mut conn)
            .await
            .unwrap()
    };
    stored.sort();
    assert_eq!(stored, acknowledged);
}

/// `serve` names each admission variable with a wrong value, in its one refusal.
#[test]
fn serve_refuses_admission_and_pool_limits_of_zero_or_not_numbers() {
    let (started, printed) = motcua(
        &["serve"],
        &[
            ("MOTCUA_MAX_IN_FLIGHT", "0"),
            ("MOTCUA_MAX_QUEUED", "many"),
            ("MOTCUA_QUEUE_WAIT_MS", "0"),
            ("MOTCUA_DB_MAX_CONNECTIONS", "0"),
        ],
    );
    assert!(!started, "serve started:\n{printed}");
    for wrong in [
        "MOTCUA_MAX_IN_FLIGHT=0 must be at least 1",
        "MOTCUA_MAX_QUEUED=\"many\" is not a whole number",
        "MOTCUA_QUEUE_WAIT_MS=0 must be at least 1",
        "MOTCUA_DB_MAX_CONNECTIONS=0 must be at least 1",
    ] {
        assert!(printed.contains(wrong), "{wrong:?} not in:\n{printed}");
    }
}
