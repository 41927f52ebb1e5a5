//! A crash in the middle of a submission load (issue 8, point 1): the engine is killed with
//! SIGKILL while citizens submit, started again, and every acknowledged submission is there
//! exactly once, nothing is half-written, and a retry with the same `Idempotency-Key` gets
//! the first answer.

use motcua_tests::submissions::{self, assert_submitted_once_and_whole, submit, Answer};
use motcua_tests::Engine;
use serde_json::Value;
use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

const DRAFTS_PER_CITIZEN: usize = 40;
/// The engine is killed once this many submissions were acknowledged.
const KILL_AFTER_ACKS: usize = 20;
const WORKERS: usize = 8;

#[tokio::test]
async fn a_sigkill_mid_load_loses_and_duplicates_no_acknowledged_submission() {
    let mut engine = Engine::start().await;
    let client = reqwest::Client::new();
    let (submissions, _) = submissions::filled_copies(&engine, &client, DRAFTS_PER_CITIZEN).await;
    let total = submissions.len();

    // The load: workers take submissions off a shared queue; the test kills the engine as
    // soon as enough were acknowledged, with the rest in flight or not yet sent.
    let queue = Arc::new(Mutex::new(submissions.clone()));
    let acknowledged: Arc<Mutex<HashMap<String, Value>>> = Arc::default();
    let acks = Arc::new(AtomicUsize::new(0));
    let url = engine.url.clone();
    let mut workers = Vec::new();
    for _ in 0..WORKERS {
        let (queue, acknowledged, acks, client, url) = (
            queue.clone(),
            acknowledged.clone(),
            acks.clone(),
            client.clone(),
            url.clone(),
        );
        workers.push(tokio::spawn(async move {
            loop {
                let Some(next) = queue.lock().unwrap().pop() else {
                    return;
                };
                match submit(&client, &url, &next).await {
                    Ok(Answer {
                        status: 200, body, ..
                    }) => {
                        acknowledged
                            .lock()
                            .unwrap()
                            .insert(next.dossier.clone(), body);
                        acks.fetch_add(1, Ordering::SeqCst);
                    }
                    // The engine is gone: this one is unanswered and will be retried.
                    Err(_) => {}
                    Ok(Answer { status, body, .. }) => {
                        panic!("submission answered {status}: {body}")
                    }
                }
            }
        }));
    }
    let deadline = std::time::Instant::now() + Duration::from_secs(120);
    while acks.load(Ordering::SeqCst) < KILL_AFTER_ACKS {
        assert!(
            std::time::Instant::now() < deadline && !workers.iter().all(|w| w.is_finished()),
            "the load stopped before {KILL_AFTER_ACKS} acknowledgements"
        );
        tokio::time::sleep(Duration::from_millis(1)).await;
    }
    engine.kill();
    for worker in workers {
        worker.await.unwrap();
    }
    let acknowledged = acknowledged.lock().unwrap().clone();
    assert!(
        acknowledged.len() >= KILL_AFTER_ACKS && acknowledged.len() < total,
        "the kill landed mid-load: {} of {total} acknowledged",
        acknowledged.len()
    );

    eprintln!(
        "killed with {} of {total} submissions acknowledged",
        acknowledged.len()
    );
    engine.restart().await;

    // Every acknowledged submission is there, with the code it was acknowledged with, and a
    // retry with its key replays exactly the first answer.
    for s in &submissions {
        let Some(first) = acknowledged.get(&s.dossier) else {
            continue;
        };
        let Answer {
            status,
            body: again,
            replayed,
        } = submit(&client, &engine.url, s).await.unwrap();
        assert_eq!(status, 200, "retry of {}", s.dossier);
        assert!(
            replayed,
            "the retry of {} was replayed, not redone",
            s.dossier
        );
        assert_eq!(&again, first, "the retry's answer is the first one");
        let dossier: Value = client
            .get(engine.at(&format!("/v1/dossiers/{}", s.dossier)))
            .bearer_auth(&s.token)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_eq!(dossier["code"], first["code"]);
        assert_ne!(dossier["state"], "draft");
    }
    // The unanswered ones are retried with their keys: each is submitted once, whether it
    // had committed before the kill (a replay) or not (done now).
    for s in submissions
        .iter()
        .filter(|s| !acknowledged.contains_key(&s.dossier))
    {
        let answer = submit(&client, &engine.url, s).await.unwrap();
        assert_eq!(
            answer.status, 200,
            "retry of unanswered {}: {}",
            s.dossier, answer.body
        );
    }

    // Nothing half-written and nothing twice, read in the database itself.
    assert_submitted_once_and_whole(&engine.database_url, total).await;
}
