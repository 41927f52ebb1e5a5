//! Prometheus metrics at `/metrics`: request latency by route and status, admission (requests
//! served, waiting, refused as overloaded), dossiers by procedure and state, each agency's
//! queues (depth, overdue, oldest deadline), the database pool, the TCP connections (open,
//! refused at `MOTCUA_MAX_CONNECTIONS`), and the calls to the
//! population register and the file store (latency by operation and outcome, failures, the
//! register's circuit breaker). The registry lives in
//! the state (no global recorder), so every `serve` process reports its own requests and
//! calls and the same dossier counts.
//!
//! Labels are routes as the router matched them (`/v1/dossiers/{id}`), never the ids in a
//! path: a label per dossier would grow without bound and name people's files. The labels
//! of outside calls are fixed words chosen in code, never a storage key, a PIN or an error
//! message.

use crate::measured::{latency_histogram, OutsideCalls};
use axum::http::{header, HeaderMap};
use motcua_registry::CircuitState;
use motcua_service::figures;
use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::Histogram;
use prometheus_client::registry::Registry;
use sha2::{Digest, Sha256};
use std::time::Duration;
use subtle::ConstantTimeEq;

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

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RefusalLabels {
    reason: &'static str,
}

type LatencyFamily = Family<RequestLabels, Histogram, fn() -> Histogram>;

/// What a scrape reads from the engine before it answers.
pub struct Readings {
    /// Requests being served, and waiting for a place.
    pub in_flight: usize,
    pub waiting: usize,
    pub pool: figures::Pool,
    pub circuit: CircuitState,
    pub workload: figures::Workload,
}

pub struct Metrics {
    registry: Registry,
    requests: LatencyFamily,
    admission_in_flight: Gauge,
    admission_waiting: Gauge,
    admission_refused: Family<RefusalLabels, Counter>,
    dossiers: Family<DossierLabels, Gauge>,
    queue_depth: Family<QueueLabels, Gauge>,
    queue_overdue: Family<QueueLabels, Gauge>,
    queue_oldest_due: Family<QueueLabels, Gauge>,
    pool_connections: Gauge,
    pool_idle: Gauge,
    register_calls: OutsideCalls,
    register_circuit: Gauge,
    storage_calls: OutsideCalls,
    connections: Connections,
    outbox: crate::outbox_metrics::OutboxGauges,
}

/// The TCP connections the server loop holds and refuses. The loop sits below the router
/// (it accepts before any request exists), so it counts through a handle of its own:
/// [`Metrics::connections`].
#[derive(Clone, Default)]
pub struct Connections {
    open: Gauge,
    refused: Family<RefusalLabels, Counter>,
}

impl Connections {
    /// Why the server loop refuses connections; each starts at 0.
    pub const REFUSALS: [&'static str; 1] = ["at_capacity"];

    /// A connection was taken: one more open until [`Connections::closed`].
    pub fn opened(&self) {
        self.open.inc();
    }

    pub fn closed(&self) {
        self.open.dec();
    }

    /// A connection refused because `MOTCUA_MAX_CONNECTIONS` were open.
    pub fn refused_at_capacity(&self) {
        self.refused
            .get_or_create(&RefusalLabels {
                reason: "at_capacity",
            })
            .inc();
    }
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
        let admission_in_flight = Gauge::default();
        registry.register(
            "admission_in_flight",
            "Requests of the API being served now (at most MOTCUA_MAX_IN_FLIGHT)",
            admission_in_flight.clone(),
        );
        let admission_waiting = Gauge::default();
        registry.register(
            "admission_waiting",
            "Requests of the API waiting for a place now (at most MOTCUA_MAX_QUEUED)",
            admission_waiting.clone(),
        );
        let admission_refused = Family::<RefusalLabels, Counter>::default();
        registry.register(
            "admission_refused",
            "Requests refused with 503 overloaded, by reason: queue_full (refused at once), \
             wait_expired (after MOTCUA_QUEUE_WAIT_MS in the queue)",
            admission_refused.clone(),
        );
        // At zero from the start, so that rate() and alerts see a series before the first.
        for refusal in crate::admission::Refusal::ALL {
            drop(admission_refused.get_or_create(&RefusalLabels {
                reason: refusal.label(),
            }));
        }
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
        let register_calls = OutsideCalls::register(
            &mut registry,
            "register",
            "the population register (a read with its retries, as the citizen waits for it)",
            &crate::measured::REGISTER_FAILURES,
        );
        let register_circuit = Gauge::default();
        registry.register(
            "register_circuit_state",
            "The register client's circuit breaker: 0 closed, 1 half-open (one trial call), \
             2 open (reads fail at once)",
            register_circuit.clone(),
        );
        let storage_calls = OutsideCalls::register(
            &mut registry,
            "storage",
            "the file store",
            &crate::measured::STORAGE_FAILURES,
        );
        let connections = Connections::default();
        registry.register(
            "connections_open",
            "TCP connections open now, idle ones included (at most MOTCUA_MAX_CONNECTIONS)",
            connections.open.clone(),
        );
        registry.register(
            "connections_refused",
            "Connections closed at once with 503 overloaded, by reason: at_capacity \
             (MOTCUA_MAX_CONNECTIONS were open)",
            connections.refused.clone(),
        );
        for reason in Connections::REFUSALS {
            drop(connections.refused.get_or_create(&RefusalLabels { reason }));
        }
        let outbox = crate::outbox_metrics::OutboxGauges::register(&mut registry);
        Metrics {
            registry,
            requests,
            admission_in_flight,
            admission_waiting,
            admission_refused,
            dossiers,
            queue_depth,
            queue_overdue,
            queue_oldest_due,
            pool_connections,
            pool_idle,
            register_calls,
            register_circuit,
            storage_calls,
            connections,
            outbox,
        }
    }
}

impl Metrics {
    /// Everything, in the OpenMetrics text format.
    pub fn encode(&self) -> Result<String, std::fmt::Error> {
        let mut text = String::new();
        prometheus_client::encoding::text::encode(&mut text, &self.registry)?;
        Ok(text)
    }

    /// The server loop's handle on the connection counts.
    pub fn connections(&self) -> Connections {
        self.connections.clone()
    }

    /// Counts a request refused by admission control.
    pub fn count_refusal(&self, refusal: crate::admission::Refusal) {
        self.admission_refused
            .get_or_create(&RefusalLabels {
                reason: refusal.label(),
            })
            .inc();
    }

    /// `files`, timed into these metrics.
    pub fn measure_files(
        &self,
        files: std::sync::Arc<dyn motcua_files::FileStore>,
    ) -> std::sync::Arc<dyn motcua_files::FileStore> {
        std::sync::Arc::new(crate::measured::MeasuredFiles::new(
            files,
            self.storage_calls.clone(),
        ))
    }

    /// `register`, timed into these metrics.
    pub fn measure_register(
        &self,
        register: std::sync::Arc<dyn motcua_registry::Register>,
    ) -> std::sync::Arc<dyn motcua_registry::Register> {
        std::sync::Arc::new(crate::measured::MeasuredRegister::new(
            register,
            self.register_calls.clone(),
        ))
    }

    /// The dossiers and queues as the database holds them now.
    /// A request the router matched, `took` to answer with `status`.
    pub fn observe_request(&self, method: String, route: String, status: u16, took: Duration) {
        self.requests
            .get_or_create(&RequestLabels {
                method,
                route,
                status,
            })
            .observe(took.as_secs_f64());
    }

    /// Sets the gauges read at scrape time: the admission's, the database pool's, the
    /// register's circuit and the workload.
    pub fn refresh(&self, readings: Readings) {
        let count = |n: usize| i64::try_from(n).unwrap_or(i64::MAX);
        self.admission_in_flight.set(count(readings.in_flight));
        self.admission_waiting.set(count(readings.waiting));
        self.pool_connections
            .set(i64::from(readings.pool.connections));
        self.pool_idle.set(count(readings.pool.idle));
        self.register_circuit.set(match readings.circuit {
            CircuitState::Closed => 0,
            CircuitState::HalfOpen => 1,
            CircuitState::Open => 2,
        });
        self.show(readings.workload);
    }

    fn show(&self, workload: figures::Workload) {
        self.outbox.show(&workload.outbox);
        // A state or a queue that emptied since the last scrape must read 0, not its old count.
        self.dossiers.clear();
        for count in workload.dossiers {
            self.dossiers
                .get_or_create(&DossierLabels {
                    procedure: count.procedure,
                    state: count.state,
                })
                .set(count.count);
        }
        for family in [
            &self.queue_depth,
            &self.queue_overdue,
            &self.queue_oldest_due,
        ] {
            family.clear();
        }
        for queue in workload.queues {
            let figures = queue.figures;
            let labels = QueueLabels {
                agency: queue.agency,
                procedure: figures.procedure_code,
                state: figures.state,
            };
            self.queue_depth.get_or_create(&labels).set(figures.count);
            self.queue_overdue
                .get_or_create(&labels)
                .set(figures.overdue);
            if let Some(due) = figures.oldest_due_at {
                self.queue_oldest_due
                    .get_or_create(&labels)
                    .set(due.timestamp());
            }
        }
    }
}

/// Who may read `/metrics`: the scraper that sends `Authorization: Bearer` with the token the
/// operator configured (`MOTCUA_METRICS_TOKEN`); with none configured, nobody. The figures
/// name no person but show every agency's workload and the outside services' failures.
///
/// Only the token's SHA-256 is kept, and a token sent is compared by its SHA-256 in constant
/// time: neither the time taken nor the token's length tells a guesser how close it came.
#[derive(Clone, Default)]
pub struct Scraper {
    token_sha256: Option<[u8; 32]>,
}

impl Scraper {
    /// `None`: `/metrics` refuses every request.
    pub fn with_token(token: Option<&str>) -> Self {
        Scraper {
            token_sha256: token.map(|t| Sha256::digest(t.as_bytes()).into()),
        }
    }

    pub fn is_configured(&self) -> bool {
        self.token_sha256.is_some()
    }

    /// Whether `headers` carry the scraper's bearer token.
    pub fn admits(&self, headers: &HeaderMap) -> bool {
        let Some(expected) = &self.token_sha256 else {
            return false;
        };
        let Some(sent) = headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.split_once(' '))
            .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("bearer"))
            .map(|(_, token)| token.trim())
        else {
            return false;
        };
        Sha256::digest(sent.as_bytes())
            .as_slice()
            .ct_eq(expected)
            .into()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn with_authorization(value: &str) -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert(header::AUTHORIZATION, HeaderValue::from_str(value).unwrap());
        headers
    }

    #[test]
    fn only_the_scrapers_bearer_token_is_admitted() {
        let token = "scraper-token-0123456789";
        let scraper = Scraper::with_token(Some(token));
        assert!(scraper.admits(&with_authorization(&format!("Bearer {token}"))));
        assert!(scraper.admits(&with_authorization(&format!("bearer {token}"))));
        for refused in [
            "Bearer scraper-token-012345678",
            "Bearer scraper-token-01234567890",
            "Bearer ",
            "Bearer",
            "Basic c2NyYXBlcjpzZWNyZXQ=",
            token,
        ] {
            assert!(!scraper.admits(&with_authorization(refused)), "{refused}");
        }
        assert!(!scraper.admits(&HeaderMap::new()));
    }

    #[test]
    fn without_a_configured_token_nobody_is_admitted() {
        let scraper = Scraper::with_token(None);
        assert!(!scraper.is_configured());
        assert!(!scraper.admits(&with_authorization("Bearer ")));
        assert!(!scraper.admits(&with_authorization("Bearer anything-at-all-here")));
    }
}
