//! The benchmark suite (`scripts/bench SCENARIO`, docs/PERFORMANCE.md): load against the
//! release engine, and beside each figure the ceiling, what PostgreSQL alone does with the
//! scenario's statements on the same machine in the same run.

pub mod ceiling;
pub mod citizens;
pub mod claim;
pub mod deadline;
pub mod drafts;
pub mod drive;
pub mod journey;
pub mod mixed;

use crate::{Engine, EngineOptions};
use std::time::Duration;

/// How the ceiling is measured: pgbench's connections and run time.
#[derive(Debug, Clone, Copy)]
pub struct CeilingOptions {
    pub clients: usize,
    pub duration: Duration,
}

/// What every scenario starts from: the release engine on a fresh database of the private
/// cluster, with motcua-sim in this process, and a pool of the benchmark's own.
pub struct Setup {
    pub engine: Engine,
    pub pool: sqlx::PgPool,
    pub ceiling: CeilingOptions,
}

impl Setup {
    pub async fn start(options: EngineOptions, ceiling: CeilingOptions) -> Setup {
        let engine = Engine::start_with(options).await;
        let pool = sqlx::postgres::PgPoolOptions::new()
            .max_connections(4)
            .connect(&engine.database_url)
            .await
            .expect("the benchmark connects to the engine's database");
        Setup {
            engine,
            pool,
            ceiling,
        }
    }
}

/// The load generator's HTTP client: keeps its connections, no Nagle delay.
pub fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .tcp_nodelay(true)
        .build()
        .expect("an HTTP client")
}

/// Sends `request` and answers like [`drive::Answer::of`], with the answer's body, for an
/// operation whose next request needs something of it (an id).
pub async fn answer_with_body(request: reqwest::RequestBuilder) -> (drive::Answer, bytes::Bytes) {
    match request.timeout(Duration::from_secs(30)).send().await {
        Ok(response) => {
            let status = response.status().as_u16();
            let retry_after = response
                .headers()
                .get("retry-after")
                .and_then(|v| v.to_str().ok())
                .map(str::to_owned);
            let body = response.bytes().await.unwrap_or_default();
            (
                drive::Answer {
                    status,
                    retry_after,
                },
                body,
            )
        }
        Err(_) => (
            drive::Answer {
                status: 0,
                retry_after: None,
            },
            bytes::Bytes::new(),
        ),
    }
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

/// The `p`th percentile (nearest rank) of sorted durations.
pub fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let rank = ((p / 100.0) * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1]
}

/// Milliseconds with two decimals.
pub fn ms(d: Duration) -> String {
    format!("{:.2} ms", d.as_secs_f64() * 1000.0)
}
