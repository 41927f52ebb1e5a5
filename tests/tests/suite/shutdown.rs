//! Graceful shutdown (issue 9, point 2): SIGTERM during a load of submissions and a slow
//! upload. `/readyz` turns 503 `draining` at once, connections are still taken for
//! `MOTCUA_SHUTDOWN_DELAY_SECS`, then none; every request sent before the signal is answered
//! (the upload still streaming when the port closes too), the process exits 0, and after a
//! restart every acknowledged submission is there once and nothing is half-written.

use futures::StreamExt;
use motcua_tests::engine::{EngineOptions, THPT_WINDOW_2025};
use motcua_tests::submissions::{self, assert_submitted_once_and_whole, submit};
use motcua_tests::{login, Engine, Session};
use serde_json::{json, Value};
use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

const DRAFTS_PER_CITIZEN: usize = 20;
const SIGNAL_AFTER_ACKS: usize = 10;
const WORKERS: usize = 6;
const DELAY_SECS: u64 = 2;
const GRACE_SECS: u64 = 20;
/// The slow upload: this many chunks, one every `CHUNK_EVERY`, outlasting the delay.
const CHUNKS: usize = 30;
const CHUNK_EVERY: Duration = Duration::from_millis(150);

/// A photo sent a chunk at a time, slowly: in flight across the moment the port closes.
async fn slow_upload(url: String, token: String) -> reqwest::Result<u16> {
    let mut bytes = vec![0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10, b'J', b'F', b'I', b'F'];
    bytes.resize(CHUNKS * 1024, 0x42);
    let chunks: Vec<Vec<u8>> = bytes.chunks(1024).map(<[u8]>::to_vec).collect();
    let body = futures::stream::iter(chunks).then(|chunk| async move {
        tokio::time::sleep(CHUNK_EVERY).await;
        Ok::<_, std::io::Error>(chunk)
    });
    let answer = reqwest::Client::new()
        .put(url)
        .bearer_auth(token)
        .header("content-type", "image/jpeg")
        .header("content-length", (CHUNKS * 1024).to_string())
        .body(reqwest::Body::wrap_stream(body))
        .send()
        .await?;
    Ok(answer.status().as_u16())
}

/// Where the photo of a new THPT draft of `citizen` is uploaded.
async fn photo_url(engine: &Engine, citizen: &Session) -> String {
    let body = json!({ "procedure": "1.005142" });
    let (status, thpt) = motcua_tests::api::post(engine, citizen, "/v1/dossiers", body).await;
    assert_eq!(status, 201, "{thpt}");
    engine.at(&format!(
        "/v1/dossiers/{}/documents/photo",
        thpt["id"].as_str().unwrap()
    ))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigterm_mid_load_finishes_every_request_in_flight_and_exits_zero() {
    let mut engine = Engine::start_with(EngineOptions {
        clock: Some(THPT_WINDOW_2025.into()),
        extra_env: vec![
            ("MOTCUA_SHUTDOWN_DELAY_SECS".into(), DELAY_SECS.to_string()),
            ("MOTCUA_SHUTDOWN_GRACE_SECS".into(), GRACE_SECS.to_string()),
        ],
        ..Default::default()
    })
    .await;
    let client = reqwest::Client::new();
    let (submissions, sessions) =
        submissions::filled_copies(&engine, &client, DRAFTS_PER_CITIZEN).await;
    let total = submissions.len();
    let photo_url = photo_url(&engine, &sessions[0]).await;

    // The load: each worker records when it sent each submission and what came back.
    let queue = Arc::new(Mutex::new(submissions.clone()));
    type Outcome = (Instant, Option<(u16, Value)>);
    let outcomes: Arc<Mutex<HashMap<String, Outcome>>> = Arc::default();
    let acks = Arc::new(AtomicUsize::new(0));
    let mut workers = Vec::new();
    for _ in 0..WORKERS {
        let (queue, outcomes, acks, client, url) = (
            queue.clone(),
            outcomes.clone(),
            acks.clone(),
            client.clone(),
            engine.url.clone(),
        );
        workers.push(tokio::spawn(async move {
            loop {
                let Some(next) = queue.lock().unwrap().pop() else {
                    return;
                };
                let sent = Instant::now();
                let answer = submit(&client, &url, &next)
                    .await
                    .ok()
                    .map(|a| (a.status, a.body));
                if matches!(answer, Some((200, _))) {
                    acks.fetch_add(1, Ordering::SeqCst);
                }
                let gone = answer.is_none();
                outcomes
                    .lock()
                    .unwrap()
                    .insert(next.dossier.clone(), (sent, answer));
                if gone {
                    return;
                }
            }
        }));
    }
    let upload = tokio::spawn(slow_upload(photo_url, sessions[0].token.clone()));
    let deadline = Instant::now() + Duration::from_secs(120);
    while acks.load(Ordering::SeqCst) < SIGNAL_AFTER_ACKS {
        assert!(Instant::now() < deadline, "the load did not get going");
        tokio::time::sleep(Duration::from_millis(1)).await;
    }
    assert!(!upload.is_finished(), "the slow upload is still in flight");
    let signalled = Instant::now();
    engine.terminate();

    // Unready at once, while connections are still taken.
    let mut draining = None;
    while draining.is_none() && signalled.elapsed() < Duration::from_millis(1500) {
        if let Ok(r) = client.get(engine.at("/readyz")).send().await {
            if r.status() == 503 {
                draining = Some(r.json::<Value>().await.unwrap());
            }
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert_eq!(
        draining,
        Some(json!({ "status": "draining" })),
        "/readyz turned 503 draining within 1.5 s of the signal"
    );
    // After the delay no new connection is taken, while the upload still streams.
    let mut refused_after = None;
    while refused_after.is_none() && signalled.elapsed() < Duration::from_secs(DELAY_SECS + 3) {
        let fresh = reqwest::Client::builder()
            .pool_max_idle_per_host(0)
            .build()
            .unwrap();
        if fresh.get(engine.at("/healthz")).send().await.is_err() {
            refused_after = Some(signalled.elapsed());
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let refused_after = refused_after.expect("new connections were still taken after the delay");
    assert!(
        refused_after >= Duration::from_secs(DELAY_SECS) - Duration::from_millis(100),
        "connections were refused only after the delay, not at {refused_after:?}"
    );
    assert!(
        !upload.is_finished(),
        "the upload was still in flight when the port closed"
    );
    assert_eq!(
        upload
            .await
            .unwrap()
            .expect("the upload in flight was answered"),
        201,
        "the upload in flight when the port closed finished"
    );
    for worker in workers {
        worker.await.unwrap();
    }
    let status = engine
        .exit_within(Duration::from_secs(GRACE_SECS))
        .await
        .expect("the engine exited within the grace");
    assert!(status.success(), "the engine exited with {status}");

    let outcomes = outcomes.lock().unwrap().clone();
    let mut acknowledged = HashMap::new();
    for (dossier, (sent, answer)) in &outcomes {
        match answer {
            Some((200, body)) => {
                acknowledged.insert(dossier.clone(), body.clone());
            }
            Some((status, body)) => panic!("submission {dossier} answered {status}: {body}"),
            None => assert!(
                *sent > signalled,
                "submission {dossier}, sent before the signal, got no answer"
            ),
        }
    }
    eprintln!(
        "SIGTERM with {} of {total} acknowledged by exit; port closed after {refused_after:?}",
        acknowledged.len()
    );

    engine.restart().await;
    for s in &submissions {
        let answer = submit(&client, &engine.url, s).await.unwrap();
        assert_eq!(
            answer.status, 200,
            "retry of {}: {}",
            s.dossier, answer.body
        );
        if let Some(first) = acknowledged.get(&s.dossier) {
            assert_eq!(
                &answer.body, first,
                "the retry of {} replays its answer",
                s.dossier
            );
        }
    }
    assert_submitted_once_and_whole(&engine.database_url, total).await;
}

/// The grace is a bound: a request still running when it is over is cut off, and the
/// process exits 0 anyway, soon after the grace, not when the request would have ended.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_request_outlasting_the_grace_is_cut_off_and_the_engine_exits_zero() {
    let mut engine = Engine::start_with(EngineOptions {
        clock: Some(THPT_WINDOW_2025.into()),
        extra_env: vec![("MOTCUA_SHUTDOWN_GRACE_SECS".into(), "1".into())],
        ..Default::default()
    })
    .await;
    let citizen = login(&engine, "citizen", submissions::CITIZENS[0]).await;
    let upload = tokio::spawn(slow_upload(
        photo_url(&engine, &citizen).await,
        citizen.token.clone(),
    ));
    tokio::time::sleep(Duration::from_millis(500)).await;
    let signalled = Instant::now();
    engine.terminate();
    let status = engine
        .exit_within(Duration::from_secs(4))
        .await
        .expect("the engine exited within 4 s of a 1 s grace");
    assert!(status.success(), "the engine exited with {status}");
    let took = signalled.elapsed();
    assert!(
        took >= Duration::from_millis(900),
        "the engine waited for the grace before cutting off, not {took:?}"
    );
    let answer = upload.await.unwrap();
    assert!(
        !matches!(answer, Ok(201)),
        "the upload outlasting the grace was cut off, not finished: {answer:?}"
    );
}
