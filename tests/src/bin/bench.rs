//! The benchmark suite: `scripts/bench SCENARIO [options]` (docs/PERFORMANCE.md).
//!
//! Scenarios: deadline (the last day's submits of ready drafts). Options:
//!   --operations N       operations to run at most (default 100000)
//!   --seconds S          run time at most (default 60)
//!   --clients C          closed loop: C clients (default 32)
//!   --rate R             open loop: R operations a second instead
//!   --ceiling-clients C  pgbench connections (default 16)
//!   --ceiling-seconds S  pgbench run time (default 20)

use motcua_tests::bench::drive::{Arrivals, Plan};
use motcua_tests::bench::{deadline, CeilingOptions, Setup};
use motcua_tests::engine::THPT_WINDOW_2025;
use motcua_tests::EngineOptions;
use std::time::Duration;

fn usage() -> ! {
    eprintln!(
        "usage: bench deadline [--operations N] [--seconds S] [--clients C | --rate R] \
         [--ceiling-clients C] [--ceiling-seconds S]"
    );
    std::process::exit(2);
}

struct Args {
    scenario: String,
    plan: Plan,
    ceiling: CeilingOptions,
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
            "--ceiling-clients" => ceiling.clients = value as usize,
            "--ceiling-seconds" => ceiling.duration = Duration::from_secs_f64(value),
            _ => usage(),
        }
    }
    Args {
        scenario,
        plan,
        ceiling,
    }
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let Args {
        scenario,
        plan,
        ceiling,
    } = args();
    eprintln!("starting the engine (release build) …");
    match scenario.as_str() {
        "deadline" => {
            let setup = Setup::start(
                EngineOptions {
                    clock: Some(THPT_WINDOW_2025.into()),
                    ..Default::default()
                },
                ceiling,
            )
            .await;
            deadline::run(setup, plan).await
        }
        _ => usage(),
    }
}
