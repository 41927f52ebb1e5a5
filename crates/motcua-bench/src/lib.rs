//! The benchmark suite (`scripts/bench SCENARIO`, docs/PERFORMANCE.md): load against the
//! release engine, and beside each figure the ceiling, what PostgreSQL alone does with the
//! scenario's statements on the same machine in the same run.
//!
//! A crate of its own, beside the black-box suite's harness (`motcua-tests`) that it starts
//! the engine with: the tests do not link the benchmarks, and the benchmarks build in
//! release mode without the tests. The binaries (`src/bin/`) are what `scripts/bench`,
//! `scripts/bench-drafts`, `scripts/bench-claims` and `scripts/bench-submit-ab` run.

pub mod ceiling;
pub mod citizens;
pub mod claim;
pub mod connections;
pub mod console;
pub mod cpu;
pub mod deadline;
pub mod drafts;
pub mod drive;
pub mod journey;
pub mod mixed;
pub mod portal;
pub mod reports;

use motcua_tests::{Engine, EngineOptions};
use std::time::Duration;

/// How the ceiling is measured: pgbench's connections and run time.
#[derive(Debug, Clone, Copy)]
pub struct CeilingOptions {
    pub clients: usize,
    pub duration: Duration,
}

impl CeilingOptions {
    /// Rows pgbench may use up (drafts to submit, dossiers to claim): enough at 10,000/s.
    pub fn rows(&self) -> u64 {
        self.duration.as_secs().max(1) * 10_000
    }
}

/// What every scenario starts from: the release engine on a fresh database of the private
/// cluster, with motcua-sim in this process, and a pool of the benchmark's own.
pub struct Setup {
    pub engine: Engine,
    pub pool: sqlx::PgPool,
    pub ceiling: CeilingOptions,
}

impl Setup {
    /// The engine, the pool on its database and the ceiling's options, to be used apart.
    pub fn into_parts(self) -> (Engine, sqlx::PgPool, CeilingOptions) {
        (self.engine, self.pool, self.ceiling)
    }

    pub async fn start(options: EngineOptions, ceiling: CeilingOptions) -> Setup {
        let engine = Engine::start_with(options).await;
        let pool = sqlx::postgres::PgPoolOptions::new()
            .max_connections(4)
            .connect(&engine.database_url)
            .await
            .expect("the benchmark connects to the engine's database");
        citizens::define_synthetic_pin(&pool).await;
        Setup {
            engine,
            pool,
            ceiling,
        }
    }
}

/// The load generator's HTTP client: keeps its connections, no Nagle delay.
/// Runs a statement that copies the template's rows for the copies numbered `from` to
/// `to` (excluded): it binds the template as `$1` and the range as `$2` and `$3`.
pub async fn copy_range(
    tx: &mut sqlx::PgConnection,
    statement: &str,
    (template, from, to): (uuid::Uuid, i64, i64),
    what: &str,
) {
    sqlx::query(statement)
        .bind(template)
        .bind(from)
        .bind(to)
        .execute(tx)
        .await
        .unwrap_or_else(|e| panic!("{what}: {e}"));
}

pub fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .tcp_nodelay(true)
        .build()
        .expect("an HTTP client")
}

/// The `id` of the dossier in a JSON answer.
pub fn dossier_id(body: &[u8]) -> Option<uuid::Uuid> {
    serde_json::from_slice::<serde_json::Value>(body)
        .ok()?
        .get("id")?
        .as_str()?
        .parse()
        .ok()
}

/// The engine's goodput as a share of the ceiling.
pub fn print_ratio(figures: &drive::Figures, ceiling: &ceiling::Ceiling) {
    println!(
        "  ratio:   {:.2} × the ceiling ({:.0}/s of {:.0}/s)",
        figures.goodput() / ceiling.per_second,
        figures.goodput(),
        ceiling.per_second
    );
}

/// Prints where the CPU went during the engine's load (since `before`) and during the
/// ceiling's, per successful operation and per transaction.
pub fn print_cpu(
    before: &cpu::CpuTimes,
    after: &cpu::CpuTimes,
    figures: &drive::Figures,
    ceiling: &ceiling::Ceiling,
) {
    println!(
        "  cpu:     engine run: {}",
        before.per_operation(after, figures.succeeded)
    );
    println!("  cpu:     ceiling:    {}", ceiling.cpu);
}

/// The `p`th percentile (nearest rank) of sorted durations.
pub fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let rank = ((p / 100.0) * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1]
}

/// Milliseconds with two decimals.
pub fn ms(d: Duration) -> String {
    format!("{:.2} ms", d.as_secs_f64() * 1000.0)
}
