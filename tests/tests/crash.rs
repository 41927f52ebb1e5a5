//! A crash in the middle of a submission load (issue 8, point 1): the engine is killed with
//! SIGKILL while citizens submit, started again, and every acknowledged submission is there
//! exactly once, nothing is half-written, and a retry with the same `Idempotency-Key` gets
//! the first answer.

use motcua_tests::dossiers::filled_copy_draft;
use motcua_tests::{login, Engine, Session};
use serde_json::Value;
use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// Citizens with the assurance level the diploma copy asks for.
const CITIZENS: [&str; 3] = ["001207001234", "004207005678", "001307002468"];
const DRAFTS_PER_CITIZEN: usize = 40;
/// The engine is killed once this many submissions were acknowledged.
const KILL_AFTER_ACKS: usize = 20;
const WORKERS: usize = 8;

/// One submission the load sends: whose, which dossier, with which key.
#[derive(Clone)]
struct Submission {
    token: String,
    dossier: String,
    key: String,
}

async fn submit(
    client: &reqwest::Client,
    url: &str,
    s: &Submission,
) -> reqwest::Result<(u16, Value, bool)> {
    let answer = client
        .post(format!("{url}/v1/dossiers/{}/submit", s.dossier))
        .bearer_auth(&s.token)
        .header("idempotency-key", &s.key)
        .timeout(Duration::from_secs(30))
        .send()
        .await?;
    let status = answer.status().as_u16();
    let replayed = answer.headers().contains_key("idempotent-replayed");
    let body = answer.json().await.unwrap_or(Value::Null);
    Ok((status, body, replayed))
}

#[tokio::test]
async fn a_sigkill_mid_load_loses_and_duplicates_no_acknowledged_submission() {
    let mut engine = Engine::start().await;
    let client = reqwest::Client::new();
    let mut submissions = Vec::new();
    for pin in CITIZENS {
        let citizen: Session = login(&engine, "citizen", pin).await;
        for _ in 0..DRAFTS_PER_CITIZEN {
            let dossier = filled_copy_draft(&engine, &client, &citizen).await;
            submissions.push(Submission {
                token: citizen.token.clone(),
                key: format!("submit-{dossier}"),
                dossier,
            });
        }
    }
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
                    Ok((200, body, _)) => {
                        acknowledged
                            .lock()
                            .unwrap()
                            .insert(next.dossier.clone(), body);
                        acks.fetch_add(1, Ordering::SeqCst);
                    }
                    // The engine is gone: this one is unanswered and will be retried.
                    Err(_) => {}
                    Ok((status, body, _)) => panic!("submission answered {status}: {body}"),
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
        let (status, again, replayed) = submit(&client, &engine.url, s).await.unwrap();
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
        let (status, body, _) = submit(&client, &engine.url, s).await.unwrap();
        assert_eq!(status, 200, "retry of unanswered {}: {body}", s.dossier);
    }

    // Nothing half-written and nothing twice, read in the database itself.
    let db = sqlx::PgPool::connect(&engine.database_url).await.unwrap();
    let submitted: i64 = sqlx::query_scalar("select count(*) from dossier where state <> 'draft'")
        .fetch_one(&db)
        .await
        .unwrap();
    assert_eq!(
        submitted as usize, total,
        "every dossier submitted once retried"
    );
    let distinct_codes: i64 =
        sqlx::query_scalar("select count(distinct code) from dossier where code is not null")
            .fetch_one(&db)
            .await
            .unwrap();
    assert_eq!(distinct_codes as usize, total, "one code per dossier");
    let without_one_submit_event: i64 = sqlx::query_scalar(
        "select count(*) from dossier d
         where (select count(*) from dossier_event e
                where e.dossier_id = d.id and e.action = 'submit')
               <> case when d.state = 'draft' then 0 else 1 end",
    )
    .fetch_one(&db)
    .await
    .unwrap();
    assert_eq!(
        without_one_submit_event, 0,
        "each submitted dossier has one submit event"
    );
    let without_facts: i64 = sqlx::query_scalar(
        "select count(*) from dossier d where d.state <> 'draft'
         and not exists (select 1 from dossier_fact f where f.dossier_id = d.id)",
    )
    .fetch_one(&db)
    .await
    .unwrap();
    assert_eq!(
        without_facts, 0,
        "each submitted dossier is in the report facts"
    );
    let keys_without_answer: i64 =
        sqlx::query_scalar("select count(*) from idempotency_key where response_status is null")
            .fetch_one(&db)
            .await
            .unwrap();
    assert_eq!(
        keys_without_answer, 0,
        "no key is left claimed without its answer"
    );
}
