//! Prometheus metrics at `/metrics`: request latency by route and status, dossiers by
//! procedure and state, each agency's queues (depth, overdue, oldest deadline), and the
//! database pool. The registry lives in the state (no global
//! recorder), so every `serve` process reports its own requests and the same dossier counts.
//!
//! Labels are routes as the router matched them (`/v1/dossiers/{id}`), never the ids in a
//! path: a label per dossier would grow without bound and name people's files.

use crate::error::ApiError;
use crate::state::AppState;
use axum::extract::{MatchedPath, Request, State};
use axum::http::{header, HeaderValue};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::{exponential_buckets, Histogram};
use prometheus_client::registry::Registry;
use std::time::Instant;

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RequestLabels {
    method: String,
    route: String,
    status: u16,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct DossierLabels {
    procedure: String,
    state: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct QueueLabels {
    agency: String,
    procedure: String,
    state: String,
}

type LatencyFamily = Family<RequestLabels, Histogram, fn() -> Histogram>;

pub struct Metrics {
    registry: Registry,
    requests: LatencyFamily,
    dossiers: Family<DossierLabels, Gauge>,
    queue_depth: Family<QueueLabels, Gauge>,
    queue_overdue: Family<QueueLabels, Gauge>,
    queue_oldest_due: Family<QueueLabels, Gauge>,
    pool_connections: Gauge,
    pool_idle: Gauge,
}

/// 1 ms to about 16 s, doubling: the API's answers, and the slow ones a report can take.
fn latency_histogram() -> Histogram {
    Histogram::new(exponential_buckets(0.001, 2.0, 15))
}

impl Default for Metrics {
    fn default() -> Self {
        let mut registry = Registry::with_prefix("motcua");
        let requests = LatencyFamily::new_with_constructor(latency_histogram);
        registry.register(
            "http_request_duration_seconds",
            "Time to answer a request, by method, route and status",
            requests.clone(),
        );
        let dossiers = Family::<DossierLabels, Gauge>::default();
        registry.register(
            "dossiers",
            "Dossiers by procedure and state (read from the database at each scrape)",
            dossiers.clone(),
        );
        let queue_depth = Family::<QueueLabels, Gauge>::default();
        registry.register(
            "queue_dossiers",
            "Open dossiers waiting in each agency's queue (procedure and state)",
            queue_depth.clone(),
        );
        let queue_overdue = Family::<QueueLabels, Gauge>::default();
        registry.register(
            "queue_overdue_dossiers",
            "Of those, past their step's deadline",
            queue_overdue.clone(),
        );
        let queue_oldest_due = Family::<QueueLabels, Gauge>::default();
        registry.register(
            "queue_oldest_due_timestamp_seconds",
            "The earliest step deadline in the queue, as a Unix time",
            queue_oldest_due.clone(),
        );
        let pool_connections = Gauge::default();
        registry.register(
            "db_pool_connections",
            "Open connections of this process's database pool",
            pool_connections.clone(),
        );
        let pool_idle = Gauge::default();
        registry.register(
            "db_pool_idle_connections",
            "Idle connections of this process's database pool",
            pool_idle.clone(),
        );
        Metrics {
            registry,
            requests,
            dossiers,
            queue_depth,
            queue_overdue,
            queue_oldest_due,
            pool_connections,
            pool_idle,
        }
    }
}

/// The middleware timing every routed request (a route layer: it runs once the router has
/// matched, so the route is known).
pub async fn record(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let started = Instant::now();
    let method = request.method().as_str().to_owned();
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map(|path| path.as_str().to_owned())
        .unwrap_or_else(|| "unmatched".into());
    let response = next.run(request).await;
    state
        .metrics
        .requests
        .get_or_create(&RequestLabels {
            method,
            route,
            status: response.status().as_u16(),
        })
        .observe(started.elapsed().as_secs_f64());
    response
}

/// `GET /metrics`: the Prometheus text format.
pub async fn scrape(State(state): State<AppState>) -> Result<Response, ApiError> {
    let metrics = &state.metrics;
    metrics.pool_connections.set(i64::from(state.pool.size()));
    metrics
        .pool_idle
        .set(i64::try_from(state.pool.num_idle()).unwrap_or(i64::MAX));
    let counts = motcua_store::dossiers::count_by_procedure_and_state(&state.pool).await?;
    // A state that emptied since the last scrape must read 0, not its old count.
    metrics.dossiers.clear();
    for (procedure, dossier_state, count) in counts {
        metrics
            .dossiers
            .get_or_create(&DossierLabels {
                procedure,
                state: dossier_state,
            })
            .set(count);
    }
    let queues = motcua_store::queues::all_figures(&state.pool, state.clock.now()).await?;
    for family in [
        &metrics.queue_depth,
        &metrics.queue_overdue,
        &metrics.queue_oldest_due,
    ] {
        family.clear();
    }
    for (agency, figures) in queues {
        let labels = QueueLabels {
            agency,
            procedure: figures.procedure_code,
            state: figures.state,
        };
        metrics
            .queue_depth
            .get_or_create(&labels)
            .set(figures.count);
        metrics
            .queue_overdue
            .get_or_create(&labels)
            .set(figures.overdue);
        if let Some(due) = figures.oldest_due_at {
            metrics
                .queue_oldest_due
                .get_or_create(&labels)
                .set(due.timestamp());
        }
    }
    let mut text = String::new();
    prometheus_client::encoding::text::encode(&mut text, &metrics.registry)
        .map_err(ApiError::internal)?;
    let mut response = text.into_response();
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/openmetrics-text; version=1.0.0; charset=utf-8"),
    );
    Ok(response)
}
