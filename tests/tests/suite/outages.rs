//! Outages under load (issue 8, point 2): PostgreSQL restarted, the S3 server stopped and
//! started, the population register stopped and started, each while clients keep sending.
//! The engine answers every request with a success or a 503 problem (never a 500), says in
//! `/readyz` what is down, and recovers by itself once the service is back.

use motcua_tests::accounts::MINH;
use motcua_tests::api::download;
use motcua_tests::dossiers::{correction_data, filled_copy_draft, filled_draft, CORRECTION};
use motcua_tests::garage::PrivateS3;
use motcua_tests::load::{assert_only_successes_and_503_problems, Load, Outcome};
use motcua_tests::postgres::PrivateCluster;
use motcua_tests::stoppable_register::StoppableRegister;
use motcua_tests::{hex_sha256, login, Engine, EngineOptions};
use serde_json::{json, Value};
use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

const WORKERS: usize = 4;

async fn readiness(engine: &Engine) -> (u16, Value) {
    let answer = reqwest::get(engine.at("/readyz")).await.unwrap();
    let status = answer.status().as_u16();
    (status, answer.json().await.unwrap_or_default())
}

/// Polls `/readyz` until `wanted` holds of its answer; panics after `within`.
async fn wait_for_readiness(
    engine: &Engine,
    within: Duration,
    what: &str,
    wanted: impl Fn(u16, &Value) -> bool,
) -> Instant {
    let deadline = Instant::now() + within;
    loop {
        let (status, body) = readiness(engine).await;
        if wanted(status, &body) {
            return Instant::now();
        }
        assert!(
            Instant::now() < deadline,
            "{what}: /readyz still says {status} {body}"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

/// The load met the outage, and after `recovered` every answer was a success.
fn assert_met_and_recovered(outcomes: &[Outcome], recovered: Instant) {
    assert_only_successes_and_503_problems(outcomes);
    let refused = outcomes.iter().filter(|o| o.status == 503).count();
    assert!(
        refused > 0,
        "the load met the outage: no 503 among {}",
        outcomes.len()
    );
    let after: Vec<&Outcome> = outcomes.iter().filter(|o| o.sent > recovered).collect();
    assert!(
        after.len() >= WORKERS,
        "requests after recovery: {}",
        after.len()
    );
    let failed: Vec<String> = after
        .iter()
        .filter(|o| !o.succeeded())
        .map(|o| format!("{} → {} {:?}", o.what, o.status, o.code))
        .collect();
    assert!(failed.is_empty(), "after recovery: {failed:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_postgresql_restart_under_load_is_503_not_500_and_the_engine_recovers_by_itself() {
    let database = PrivateCluster::start().await;
    let engine = Engine::start_with(EngineOptions {
        database_url: Some(database.database_url()),
        ..Default::default()
    })
    .await;
    let client = reqwest::Client::new();
    let minh = login(&engine, "citizen", MINH).await;
    let draft = filled_copy_draft(&engine, &client, &minh).await;

    let (url, token) = (Arc::new(engine.url.clone()), Arc::new(minh.token.clone()));
    let load = Load::start(WORKERS, move |_, i| {
        let (client, url, token, draft) =
            (client.clone(), url.clone(), token.clone(), draft.clone());
        async move {
            match i % 3 {
                0 => {
                    let request = client
                        .get(format!("{url}/v1/dossiers/{draft}"))
                        .bearer_auth(&*token);
                    Outcome::of("read a dossier", request).await
                }
                1 => {
                    let request = client
                        .get(format!("{url}/v1/dossiers"))
                        .bearer_auth(&*token);
                    Outcome::of("list dossiers", request).await
                }
                _ => {
                    let request = client
                        .post(format!("{url}/v1/dossiers"))
                        .bearer_auth(&*token)
                        .json(&json!({ "procedure": "3.000465" }));
                    Outcome::of("create a draft", request).await
                }
            }
        }
    });
    tokio::time::sleep(Duration::from_secs(1)).await;
    database.stop().await;
    wait_for_readiness(
        &engine,
        Duration::from_secs(20),
        "database down",
        |status, body| {
            status == 503
                && body["checks"]["database"] == "down"
                && body["checks"]["storage"] == "ok"
        },
    )
    .await;
    tokio::time::sleep(Duration::from_secs(2)).await;
    database.start_again().await;
    let recovered = wait_for_readiness(
        &engine,
        Duration::from_secs(30),
        "database back",
        |status, body| status == 200 && body["checks"]["database"] == "ok",
    )
    .await;
    tokio::time::sleep(Duration::from_secs(2)).await;
    let outcomes = load.finish().await;
    assert_met_and_recovered(&outcomes, recovered);

    // Nothing acknowledged was lost: every draft answered 201 is there.
    let created: Vec<&str> = outcomes
        .iter()
        .filter(|o| o.status == 201)
        .filter_map(|o| o.body["id"].as_str())
        .collect();
    assert!(!created.is_empty());
    for id in created {
        let (status, _) =
            motcua_tests::api::get(&engine, &minh, &format!("/v1/dossiers/{id}")).await;
        assert_eq!(status, 200, "draft {id} acknowledged during the load");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn storage_stopped_under_load_is_503_and_every_acknowledged_upload_is_kept() {
    let mut storage = PrivateS3::start().await;
    let engine = Engine::start_with(EngineOptions {
        s3: Some(storage.settings()),
        ..Default::default()
    })
    .await;
    let client = reqwest::Client::new();
    let minh = login(&engine, "citizen", MINH).await;
    let mut drafts = Vec::new();
    for _ in 0..WORKERS {
        drafts.push(filled_draft(&engine, &client, &minh, CORRECTION, &correction_data()).await);
    }
    let drafts = Arc::new(drafts);

    let (url, token) = (Arc::new(engine.url.clone()), Arc::new(minh.token.clone()));
    let load_drafts = drafts.clone();
    let load = Load::start(WORKERS, move |n, i| {
        let (client, url, token, draft) = (
            client.clone(),
            url.clone(),
            token.clone(),
            load_drafts[n].clone(),
        );
        async move {
            if i % 2 == 0 {
                // Each upload's bytes name it, so the kept file can be matched to its answer.
                let bytes = format!("%PDF-1.7 van bang {n}-{i}").into_bytes();
                let request = client
                    .put(format!("{url}/v1/dossiers/{draft}/documents/diploma"))
                    .bearer_auth(&*token)
                    .header("content-type", "application/pdf")
                    .body(bytes);
                let mut outcome = Outcome::of("upload the diploma", request).await;
                outcome.body["sent_sha256"] =
                    json!(hex_sha256(format!("%PDF-1.7 van bang {n}-{i}").as_bytes()));
                outcome.body["dossier"] = json!(draft);
                outcome
            } else {
                let request = client
                    .get(format!("{url}/v1/dossiers/{draft}"))
                    .bearer_auth(&*token);
                Outcome::of("read a dossier", request).await
            }
        }
    });
    tokio::time::sleep(Duration::from_secs(1)).await;
    storage.stop().await;
    wait_for_readiness(
        &engine,
        Duration::from_secs(20),
        "storage down",
        |status, body| {
            status == 503
                && body["checks"]["storage"] == "down"
                && body["checks"]["database"] == "ok"
        },
    )
    .await;
    tokio::time::sleep(Duration::from_secs(2)).await;
    storage.restart().await;
    let recovered = wait_for_readiness(
        &engine,
        Duration::from_secs(30),
        "storage back",
        |status, _| status == 200,
    )
    .await;
    tokio::time::sleep(Duration::from_secs(2)).await;
    let outcomes = load.finish().await;
    assert_met_and_recovered(&outcomes, recovered);

    // The last acknowledged upload of each dossier is its document, and its bytes are whole.
    let mut last: HashMap<String, &Outcome> = HashMap::new();
    for o in outcomes.iter().filter(|o| o.status == 201) {
        last.insert(o.body["dossier"].as_str().unwrap().to_owned(), o);
    }
    assert_eq!(
        last.len(),
        WORKERS,
        "every dossier had an acknowledged upload"
    );
    for (dossier, upload) in last {
        assert_eq!(upload.body["sha256"], upload.body["sent_sha256"]);
        let (_, view) =
            motcua_tests::api::get(&engine, &minh, &format!("/v1/dossiers/{dossier}")).await;
        let documents = view["documents"].as_array().unwrap();
        assert_eq!(documents.len(), 1, "{dossier}: {documents:?}");
        let document_id = upload.body["id"].as_str().unwrap();
        let (_, bytes) = download(&engine, &minh, document_id).await;
        assert_eq!(
            hex_sha256(&bytes),
            upload.body["sent_sha256"].as_str().unwrap()
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn the_register_stopped_under_load_is_503_with_retry_after_and_no_draft_is_made() {
    let mut register = StoppableRegister::start().await;
    let engine = Engine::start_with(EngineOptions {
        registry: Some(register.registry()),
        ..Default::default()
    })
    .await;
    let minh = login(&engine, "citizen", MINH).await;
    let client = reqwest::Client::new();

    let (url, token) = (Arc::new(engine.url.clone()), Arc::new(minh.token.clone()));
    let load = Load::start(WORKERS, move |_, i| {
        let (client, url, token) = (client.clone(), url.clone(), token.clone());
        async move {
            if i % 2 == 0 {
                let request = client
                    .post(format!("{url}/v1/dossiers"))
                    .bearer_auth(&*token)
                    .json(&json!({ "procedure": "3.000465" }));
                Outcome::of("create a draft", request).await
            } else {
                let request = client
                    .get(format!("{url}/v1/dossiers?limit=1"))
                    .bearer_auth(&*token);
                Outcome::of("list dossiers", request).await
            }
        }
    });
    tokio::time::sleep(Duration::from_secs(1)).await;
    register.stop().await;
    // The register is reported, but the engine stays ready: everything else still works.
    wait_for_readiness(
        &engine,
        Duration::from_secs(20),
        "register down",
        |status, body| {
            status == 200 && body["status"] == "degraded" && body["checks"]["register"] == "down"
        },
    )
    .await;
    tokio::time::sleep(Duration::from_secs(2)).await;
    register.restart().await;
    // The engine's circuit breaker lets a trial call through after its cooldown.
    let recovered = wait_for_readiness(
        &engine,
        Duration::from_secs(40),
        "register back",
        |_, body| body["checks"]["register"] == "ok",
    )
    .await;
    tokio::time::sleep(Duration::from_secs(2)).await;
    let outcomes = load.finish().await;
    assert_met_and_recovered(&outcomes, recovered);
    for refused in outcomes.iter().filter(|o| o.status == 503) {
        assert_eq!(
            refused.what, "create a draft",
            "only drafts need the register"
        );
        assert!(refused.retry_after, "a 503 says when to try again");
    }
    // A refused draft was never made: the dossiers are exactly the acknowledged ones.
    let acknowledged = outcomes.iter().filter(|o| o.status == 201).count();
    let db = sqlx::PgPool::connect(&engine.database_url).await.unwrap();
    let made: i64 = sqlx::query_scalar("select count(*) from dossier")
        .fetch_one(&db)
        .await
        .unwrap();
    assert_eq!(made as usize, acknowledged);
}
