//! Load generator for the one-stop desk (docs/PERFORMANCE.md): starts the release engine
//! against a private PostgreSQL database and an in-process motcua-sim, fills the desk's
//! queue of the diploma copy (3.000465) with a backlog of submitted dossiers, then lets
//! `--clerks` desk clerks (distinct accounts of the simulator's pool) each claim the next
//! dossier and receive it, until the queue is empty. Every claim is
//! `FOR UPDATE SKIP LOCKED`; every reception is a workflow transition that starts the
//! legal clock and issues the receipt.
//!
//! Run it with `scripts/bench-claims [--backlog N] [--clerks C]`.

use motcua_bench::{ms, percentile};
use motcua_tests::accounts::{pool_clerk, MINH};
use motcua_tests::dossiers::submitted_copy;
use motcua_tests::{login, Engine};
use serde_json::{json, Value};
use std::time::{Duration, Instant};

struct Args {
    backlog: usize,
    clerks: usize,
}

fn args() -> Args {
    let mut parsed = Args {
        backlog: 3000,
        clerks: 16,
    };
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        let value = it.next().and_then(|v| v.parse().ok());
        match (flag.as_str(), value) {
            ("--backlog", Some(n)) => parsed.backlog = n,
            ("--clerks", Some(n)) if (1..=50).contains(&n) => parsed.clerks = n,
            _ => {
                eprintln!("usage: bench-claims [--backlog N] [--clerks 1..50]");
                std::process::exit(2);
            }
        }
    }
    parsed
}

async fn post(
    client: &reqwest::Client,
    url: String,
    token: &str,
    body: Option<Value>,
) -> (u16, Value) {
    let mut request = client.post(url).bearer_auth(token);
    if let Some(body) = body {
        request = request.json(&body);
    }
    let answer = request.send().await.expect("the engine answers");
    let status = answer.status().as_u16();
    (status, answer.json().await.unwrap_or(Value::Null))
}

#[tokio::main]
async fn main() {
    let args = args();
    eprintln!("starting the engine (release build) …");
    let engine = Engine::start().await;
    let client = reqwest::Client::new();
    let citizen = login(&engine, "citizen", MINH).await;

    eprintln!("submitting a backlog of {} dossiers …", args.backlog);
    let filled = Instant::now();
    let mut done = 0;
    while done < args.backlog {
        let batch = 16.min(args.backlog - done);
        futures::future::join_all((0..batch).map(|_| submitted_copy(&engine, &client, &citizen)))
            .await;
        done += batch;
    }
    eprintln!("  backlog ready in {:.1} s", filled.elapsed().as_secs_f64());

    let mut clerks = Vec::new();
    for n in 1..=args.clerks {
        clerks.push(login(&engine, "staff", &pool_clerk(n)).await);
    }
    let started = Instant::now();
    let work = clerks.iter().map(|clerk| {
        let (engine, client) = (&engine, &client);
        async move {
            let (mut claims, mut receptions) = (Vec::new(), Vec::new());
            loop {
                let t = Instant::now();
                let (status, dossier) = post(
                    client,
                    engine.at("/v1/queues/3.000465:submitted/claim"),
                    &clerk.token,
                    None,
                )
                .await;
                if status == 204 {
                    return (claims, receptions);
                }
                assert_eq!(status, 200, "{dossier}");
                claims.push(t.elapsed());
                let id = dossier["id"].as_str().expect("an id");
                let t = Instant::now();
                let (status, body) = post(
                    client,
                    engine.at(&format!("/v1/dossiers/{id}/actions/receive")),
                    &clerk.token,
                    Some(json!({})),
                )
                .await;
                assert_eq!(status, 200, "{body}");
                receptions.push(t.elapsed());
            }
        }
    });
    let results = futures::future::join_all(work).await;
    let wall = started.elapsed();
    let mut claims: Vec<Duration> = results.iter().flat_map(|r| r.0.clone()).collect();
    let mut receptions: Vec<Duration> = results.iter().flat_map(|r| r.1.clone()).collect();
    assert_eq!(
        claims.len(),
        args.backlog,
        "every dossier claimed exactly once"
    );
    claims.sort();
    receptions.sort();
    println!(
        "{} desk clerks claiming and receiving a backlog of {} diploma-copy dossiers",
        args.clerks, args.backlog
    );
    for (what, times) in [("claim  ", &claims), ("receive", &receptions)] {
        println!(
            "  {what} median {}  p90 {}  p99 {}  max {}",
            ms(percentile(times, 50.0)),
            ms(percentile(times, 90.0)),
            ms(percentile(times, 99.0)),
            ms(percentile(times, 100.0))
        );
    }
    println!(
        "  throughput {:.0} claims + receptions/s over {:.1} s",
        claims.len() as f64 / wall.as_secs_f64(),
        wall.as_secs_f64()
    );
}
