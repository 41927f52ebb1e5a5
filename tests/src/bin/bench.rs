//! The benchmark suite: `scripts/bench SCENARIO [options]` (docs/PERFORMANCE.md).
//!
//! Scenarios: deadline (the last day's submits of ready drafts), claim (desk clerks claiming
//! and receiving from a backlog of diploma-copy dossiers), journey (citizens creating,
//! filling and submitting a diploma copy), mixed (deadline and claim at once). Options:
//!   --operations N       operations to run at most (default 100000)
//!   --seconds S          run time at most (default 60)
//!   --clients C          closed loop: C clients (default 32; claim: C clerks, at most 50)
//!   --rate R             open loop: R operations a second instead
//!   --backlog N          claim, mixed: dossiers in the desk's queue (default 100000)
//!   --clerks C           mixed: desk clerks claiming, closed loop (default 16, at most 50)
//!   --ceiling-clients C  pgbench connections (default 16)
//!   --ceiling-seconds S  pgbench run time (default 20)

use motcua_tests::bench::drive::{Arrivals, Plan};
use motcua_tests::bench::{claim, deadline, journey, mixed, CeilingOptions, Setup};
use motcua_tests::engine::THPT_WINDOW_2025;
use motcua_tests::EngineOptions;
use std::time::Duration;

fn usage() -> ! {
    eprintln!(
        "usage: bench deadline|claim|journey|mixed [--operations N] [--seconds S] \
         [--clients C | --rate R] [--backlog N] [--clerks C] [--ceiling-clients C] \
         [--ceiling-seconds S]"
    );
    std::process::exit(2);
}

struct Args {
    scenario: String,
    plan: Plan,
    ceiling: CeilingOptions,
    backlog: u64,
    clerks: usize,
}

fn args() -> Args {
    let mut it = std::env::args().skip(1);
    let scenario = it.next().unwrap_or_else(|| usage());
    let mut plan = Plan {
        arrivals: Arrivals::Closed { clients: 32 },
        operations: 100_000,
        duration: Duration::from_secs(60),
    };
    let mut ceiling = CeilingOptions {
        clients: 16,
        duration: Duration::from_secs(20),
    };
    let mut backlog = 100_000;
    let mut clerks = 16;
    while let Some(flag) = it.next() {
        let value: f64 = it
            .next()
            .and_then(|v| v.parse().ok())
            .filter(|v: &f64| *v > 0.0)
            .unwrap_or_else(|| usage());
        match flag.as_str() {
            "--operations" => plan.operations = value as u64,
            "--seconds" => plan.duration = Duration::from_secs_f64(value),
            "--clients" => {
                plan.arrivals = Arrivals::Closed {
                    clients: value as usize,
                }
            }
            "--rate" => plan.arrivals = Arrivals::Open { per_second: value },
            "--backlog" => backlog = value as u64,
            "--clerks" if value <= claim::CLERK_ACCOUNTS as f64 => clerks = value as usize,
            "--ceiling-clients" => ceiling.clients = value as usize,
            "--ceiling-seconds" => ceiling.duration = Duration::from_secs_f64(value),
            _ => usage(),
        }
    }
    Args {
        scenario,
        plan,
        ceiling,
        backlog,
        clerks,
    }
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let Args {
        scenario,
        plan,
        ceiling,
        backlog,
        clerks,
    } = args();
    if !["deadline", "claim", "journey", "mixed"].contains(&scenario.as_str()) {
        usage();
    }
    eprintln!("starting the engine (release build) …");
    // Every scenario runs on the last days of the THPT registration: the deadline needs its
    // window open, and the others run beside it in `mixed`.
    let setup = Setup::start(
        EngineOptions {
            clock: Some(THPT_WINDOW_2025.into()),
            ..Default::default()
        },
        ceiling,
    )
    .await;
    match scenario.as_str() {
        "deadline" => deadline::run(setup, plan).await,
        "claim" => claim::run(setup, plan, backlog).await,
        "journey" => journey::run(setup, plan).await,
        "mixed" => mixed::run(setup, plan, backlog, clerks).await,
        _ => usage(),
    }
}
