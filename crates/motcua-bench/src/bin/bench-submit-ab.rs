//! A/B benchmark of submission (docs/PERFORMANCE.md): the same submissions against this
//! source tree's engine and against a baseline build (`--baseline PATH`, e.g. the commit
//! before the indicator facts), each on its own fresh database, in one run, alternating
//! one submission on each, so that the machine's noise falls on both alike. Prints both
//! distributions and their ratio.
//!
//! Run it with `scripts/bench-submit-ab --baseline PATH [--submits N]`.

use motcua_bench::{ms, percentile};
use motcua_tests::accounts::MINH;
use motcua_tests::dossiers::filled_copy_draft;
use motcua_tests::{login, Engine, EngineOptions, Session};
use std::path::PathBuf;
use std::time::{Duration, Instant};

fn args() -> (PathBuf, usize) {
    let (mut baseline, mut submits) = (None, 1000);
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        match (flag.as_str(), it.next()) {
            ("--baseline", Some(path)) => baseline = Some(PathBuf::from(path)),
            ("--submits", Some(n)) if n.parse::<usize>().is_ok() => {
                submits = n.parse().unwrap_or(submits);
            }
            _ => {
                eprintln!("usage: bench-submit-ab --baseline PATH [--submits N]");
                std::process::exit(2);
            }
        }
    }
    let Some(baseline) = baseline else {
        eprintln!("usage: bench-submit-ab --baseline PATH [--submits N]");
        std::process::exit(2);
    };
    (baseline, submits)
}

/// `count` filled drafts of the diploma copy, ready to submit.
async fn drafts(engine: &Engine, citizen: &Session, count: usize) -> Vec<String> {
    let client = reqwest::Client::new();
    let mut ids = Vec::new();
    for _ in 0..count {
        ids.push(filled_copy_draft(engine, &client, citizen).await);
    }
    ids
}

async fn submit(
    client: &reqwest::Client,
    engine: &Engine,
    citizen: &Session,
    id: &str,
) -> Duration {
    let t = Instant::now();
    motcua_tests::dossiers::submit(engine, client, citizen, id).await;
    t.elapsed()
}

#[tokio::main]
async fn main() {
    let (baseline_binary, submits) = args();
    eprintln!(
        "starting both engines (this tree's release build, and {}) …",
        baseline_binary.display()
    );
    let current = Engine::start().await;
    let baseline = Engine::start_with(EngineOptions {
        binary: Some(baseline_binary),
        ..Default::default()
    })
    .await;
    let (a, b) = (
        login(&current, "citizen", MINH).await,
        login(&baseline, "citizen", MINH).await,
    );
    let warm = 50;
    let (ids_a, ids_b) = (
        drafts(&current, &a, submits + warm).await,
        drafts(&baseline, &b, submits + warm).await,
    );
    let client = reqwest::Client::new();
    let (mut times_a, mut times_b) = (Vec::new(), Vec::new());
    for (i, (ia, ib)) in ids_a.iter().zip(&ids_b).enumerate() {
        let ta = submit(&client, &current, &a, ia).await;
        let tb = submit(&client, &baseline, &b, ib).await;
        if i >= warm {
            times_a.push(ta);
            times_b.push(tb);
        }
    }
    times_a.sort();
    times_b.sort();
    println!("POST /v1/dossiers/{{id}}/submit, {submits} each, alternating, one connection each");
    for (what, times) in [("this tree", &times_a), ("baseline ", &times_b)] {
        println!(
            "  {what}: median {}  p90 {}  p99 {}",
            ms(percentile(times, 50.0)),
            ms(percentile(times, 90.0)),
            ms(percentile(times, 99.0))
        );
    }
    let ratio = |p| percentile(&times_a, p).as_secs_f64() / percentile(&times_b, p).as_secs_f64();
    println!(
        "  ratio this tree / baseline: median {:.2}  p90 {:.2}  p99 {:.2}",
        ratio(50.0),
        ratio(90.0),
        ratio(99.0)
    );
}
