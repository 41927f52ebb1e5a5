//! Load generator for draft creation with the register local (docs/PERFORMANCE.md): starts
//! the release engine against a private PostgreSQL database and an in-process motcua-sim
//! (identity provider and population register), logs one level-2 citizen in, and times
//! `POST /v1/dossiers` for the THPT exam registration — each one reads the register,
//! records the read and writes the prefilled draft.
//!
//! Run it with `scripts/bench-drafts [--requests N] [--concurrency C]`.

use motcua_bench::{ms, percentile};
use motcua_tests::accounts::MINH;
use motcua_tests::{login, Engine};
use serde_json::json;
use std::sync::Arc;
use std::time::Instant;

struct Args {
    requests: usize,
    concurrency: usize,
}

fn args() -> Args {
    let mut parsed = Args {
        requests: 3000,
        concurrency: 1,
    };
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        let value = it.next().and_then(|v| v.parse().ok());
        match (flag.as_str(), value) {
            ("--requests", Some(n)) => parsed.requests = n,
            ("--concurrency", Some(n)) => parsed.concurrency = n,
            _ => {
                eprintln!("usage: bench-drafts [--requests N] [--concurrency C]");
                std::process::exit(2);
            }
        }
    }
    parsed
}

#[tokio::main]
async fn main() {
    let args = args();
    eprintln!("starting the engine (release build) …");
    let engine = Engine::start_in_thpt_window().await;
    let session = login(&engine, "citizen", MINH).await;
    let client = reqwest::Client::new();
    let url = engine.at("/v1/dossiers");

    // Warm-up: connections, the database's caches, the register's first call.
    for _ in 0..50 {
        let r = client
            .post(&url)
            .bearer_auth(&session.token)
            .json(&json!({ "procedure": "1.005142" }))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 201, "{}", r.text().await.unwrap_or_default());
    }

    let next = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let started = Instant::now();
    let mut workers = Vec::new();
    for _ in 0..args.concurrency {
        let (client, url, token, next) = (
            client.clone(),
            url.clone(),
            session.token.clone(),
            next.clone(),
        );
        let total = args.requests;
        workers.push(tokio::spawn(async move {
            let mut times = Vec::new();
            while next.fetch_add(1, std::sync::atomic::Ordering::Relaxed) < total {
                let t = Instant::now();
                let r = client
                    .post(&url)
                    .bearer_auth(&token)
                    .json(&json!({ "procedure": "1.005142" }))
                    .send()
                    .await
                    .unwrap();
                let status = r.status();
                let _ = r.bytes().await;
                assert_eq!(status, 201);
                times.push(t.elapsed());
            }
            times
        }));
    }
    let mut times = Vec::new();
    for w in workers {
        times.extend(w.await.unwrap());
    }
    let wall = started.elapsed();
    times.sort();
    let calls = engine.register.calls().len();
    println!(
        "POST /v1/dossiers (THPT, prefilled from the local register): {} requests, concurrency {}",
        times.len(),
        args.concurrency
    );
    println!(
        "  median {}  p90 {}  p99 {}  max {}",
        ms(percentile(&times, 50.0)),
        ms(percentile(&times, 90.0)),
        ms(percentile(&times, 99.0)),
        ms(percentile(&times, 100.0))
    );
    println!(
        "  throughput {:.0} drafts/s over {:.1} s; register calls seen by the simulator: {calls}",
        times.len() as f64 / wall.as_secs_f64(),
        wall.as_secs_f64()
    );
}
