//! Two engine processes on one database and one bucket (issue 9): clerks claiming through
//! both never get the same dossier, every dossier is claimed once, and both report metrics.

use motcua_tests::accounts::{pool_clerk, MINH};
use motcua_tests::api::{act, claim};
use motcua_tests::dossiers::submitted_copy;
use motcua_tests::{login, Engine, EngineOptions};
use serde_json::json;
use std::collections::HashSet;

const BACKLOG: usize = 24;
const CLERKS: usize = 6;

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn clerks_claiming_through_two_processes_never_collide() {
    let first = Engine::start().await;
    let second = Engine::start_with(EngineOptions {
        database_url: Some(first.database_url.clone()),
        s3: Some(first.s3.clone()),
        ..Default::default()
    })
    .await;
    let client = reqwest::Client::new();
    let citizen = login(&first, "citizen", MINH).await;
    let mut submitted = HashSet::new();
    for _ in 0..BACKLOG {
        submitted.insert(submitted_copy(&first, &client, &citizen).await);
    }

    // Engine tokens are signed with the secret every process shares: a clerk logged in
    // through one is known to the other.
    let mut clerks = Vec::new();
    for n in 1..=CLERKS {
        clerks.push(login(&first, "staff", &pool_clerk(n)).await);
    }
    let claims = clerks.iter().enumerate().map(|(n, clerk)| {
        let engine = if n % 2 == 0 { &first } else { &second };
        async move {
            let mut mine = Vec::new();
            loop {
                match claim(engine, clerk, "3.000465:submitted").await {
                    (204, _) => return mine,
                    (200, dossier) => {
                        let id = dossier["id"].as_str().unwrap().to_owned();
                        // Received at once, so the clerk's next claim is a new one.
                        let (status, received) =
                            act(engine, clerk, &id, "receive", json!({})).await;
                        assert_eq!(status, 200, "{received}");
                        mine.push(id);
                    }
                    (other, body) => panic!("claim answered {other}: {body}"),
                }
            }
        }
    });
    let per_clerk = futures::future::join_all(claims).await;
    let all: Vec<&String> = per_clerk.iter().flatten().collect();
    let distinct: HashSet<&String> = all.iter().copied().collect();
    assert_eq!(all.len(), BACKLOG, "claims: {per_clerk:?}");
    assert_eq!(
        distinct.len(),
        BACKLOG,
        "a dossier was claimed twice: {per_clerk:?}"
    );
    assert_eq!(
        distinct.into_iter().cloned().collect::<HashSet<String>>(),
        submitted
    );
    let through_second: usize = per_clerk.iter().skip(1).step_by(2).map(Vec::len).sum();
    assert!(through_second > 0, "the second process took part");

    // Each process reports its own requests.
    for engine in [&first, &second] {
        let text = engine.scrape_metrics().await.text().await.unwrap();
        assert!(
            text.contains(r#"route="/v1/queues/{queue}/claim",status="200""#),
            "{text}"
        );
        // Both read the same database: every dossier received, in processing.
        assert!(
            text.contains(&format!(
                r#"motcua_dossiers{{procedure="3.000465",state="processing"}} {BACKLOG}"#
            )),
            "{text}"
        );
    }
}
