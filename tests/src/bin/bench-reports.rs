//! Benchmark of the reports at scale (docs/PERFORMANCE.md): starts the release engine on a
//! fresh database, fills it with `motcua generate --dossiers N`, then times
//! `GET /v1/reports/digitisation` for one agency and one month (the supervisor's monthly
//! question), the same for all agencies, and the whole-year indicators with CSV; and times
//! submissions on the full database against submissions on an empty one, in the same run.
//!
//! Run it with `scripts/bench-reports [--dossiers N] [--requests R]`.

use motcua_tests::bench::{ms, percentile};
use motcua_tests::dossiers::filled_copy_draft;
use motcua_tests::{login, Engine, Session};
use std::time::{Duration, Instant};

fn args() -> (u64, usize) {
    let (mut dossiers, mut requests) = (1_000_000, 300);
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        let value = it.next().and_then(|v| v.parse::<u64>().ok());
        match (flag.as_str(), value) {
            ("--dossiers", Some(n)) => dossiers = n,
            ("--requests", Some(n)) => requests = n as usize,
            _ => {
                eprintln!("usage: bench-reports [--dossiers N] [--requests R]");
                std::process::exit(2);
            }
        }
    }
    (dossiers, requests)
}

async fn time_gets(
    engine: &Engine,
    session: &Session,
    paths: &[String],
    requests: usize,
) -> Vec<Duration> {
    let client = reqwest::Client::new();
    let mut times = Vec::with_capacity(requests);
    for i in 0..requests {
        let t = Instant::now();
        let answer = client
            .get(engine.at(&paths[i % paths.len()]))
            .bearer_auth(&session.token)
            .send()
            .await
            .expect("the engine answers");
        assert_eq!(answer.status(), 200);
        let _ = answer.bytes().await;
        times.push(t.elapsed());
    }
    times.sort();
    times
}

fn line(what: &str, times: &[Duration]) {
    println!(
        "  {what}: median {}  p90 {}  p99 {}  max {}  ({} requests)",
        ms(percentile(times, 50.0)),
        ms(percentile(times, 90.0)),
        ms(percentile(times, 99.0)),
        ms(percentile(times, 100.0)),
        times.len()
    );
}

/// Times `count` submissions of prepared drafts (the deadline crunch's only write).
async fn time_submits(engine: &Engine, citizen: &Session, count: usize) -> Vec<Duration> {
    let client = reqwest::Client::new();
    let mut ids = Vec::new();
    for _ in 0..count {
        ids.push(filled_copy_draft(engine, &client, citizen).await);
    }
    let mut times = Vec::new();
    for id in ids {
        let t = Instant::now();
        motcua_tests::dossiers::submit(engine, &client, citizen, &id).await;
        times.push(t.elapsed());
    }
    times.sort();
    times
}

#[tokio::main]
async fn main() {
    let (dossiers, requests) = args();
    eprintln!("starting the engine (release build) …");
    let engine = Engine::start().await;
    let citizen = login(&engine, "citizen", "001207001234").await;
    let empty_submits = time_submits(&engine, &citizen, 300).await;

    eprintln!("generating {dossiers} dossiers …");
    let started = Instant::now();
    let status = std::process::Command::new(motcua_tests::engine::motcua_binary())
        .args(["generate", "--dossiers", &dossiers.to_string()])
        .env_clear()
        .env("DATABASE_URL", &engine.database_url)
        .env(
            "MOTCUA_PROCEDURES_DIR",
            motcua_tests::workspace_root().join("procedures"),
        )
        .status()
        .expect("motcua generate runs");
    assert!(status.success());
    let generation = started.elapsed();

    // Generating takes longer than an access token lives: log in again.
    let citizen = login(&engine, "citizen", "001207001234").await;
    let supervisor = login(&engine, "staff", "motcua.giamsat").await;
    let months: Vec<String> = (1..=12)
        .map(|m| {
            let last = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][m - 1];
            format!("from=2026-{m:02}-01&to=2026-{m:02}-{last}")
        })
        .collect();
    let one_agency: Vec<String> = months
        .iter()
        .map(|p| format!("/v1/reports/digitisation?agency=SGDDT-HN&{p}"))
        .collect();
    let small_agency: Vec<String> = months
        .iter()
        .map(|p| format!("/v1/reports/digitisation?agency=SGDDT-CM&{p}"))
        .collect();
    let all_agencies: Vec<String> = months
        .iter()
        .map(|p| format!("/v1/reports/indicators?{p}"))
        .collect();
    // Warm-up: the index pages into the cache, as on a server that has been running.
    time_gets(&engine, &supervisor, &one_agency, 24).await;
    let hn = time_gets(&engine, &supervisor, &one_agency, requests).await;
    let cm = time_gets(&engine, &supervisor, &small_agency, requests).await;
    let all = time_gets(&engine, &supervisor, &all_agencies, requests.min(60)).await;
    let full_submits = time_submits(&engine, &citizen, 300).await;

    println!(
        "{dossiers} generated dossiers (34 agencies, 12 months of 2026) in {:.0} s",
        generation.as_secs_f64()
    );
    line("digitisation, Hà Nội (largest agency), one month", &hn);
    line("digitisation, Cà Mau, one month", &cm);
    line("indicators, all agencies x procedures, one month", &all);
    line("submit on an empty database", &empty_submits);
    line("submit with the generated dossiers", &full_submits);
}
