//! The outside services as the handlers see them: the population register and the file
//! store, each wrapped once (in [`crate::state::AppState::new`]) so that every call is timed
//! and its outcome counted in one place, whichever handler makes it.
//!
//! Only fixed words reach the labels: the operation and a kind of outcome. The key, the PIN
//! and the error's message stay out (they are in the logs where they belong).

use motcua_core::pin::Pin;
use motcua_files::{ByteStream, FileError, FileStore, PutError, Stored};
use motcua_registry::{CircuitState, Purpose, Register, RegistryError, ResidentRecord};
use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::histogram::exponential_buckets;
use prometheus_client::metrics::histogram::Histogram;
use prometheus_client::registry::Registry;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// The register's failures, created at zero in the metrics. `not_found` is not one: it is
/// the register's answer about a person.
pub(crate) const REGISTER_FAILURES: [(&str, &str); 4] = [
    ("resident", "unavailable"),
    ("resident", "refused"),
    ("resident", "unauthorized"),
    ("resident", "protocol"),
];

/// The file store's failures, created at zero. `get` of a missing object is one: the engine
/// only asks for keys its database holds, so a missing object is lost data.
pub(crate) const STORAGE_FAILURES: [(&str, &str); 6] = [
    ("put", "unavailable"),
    ("get", "unavailable"),
    ("get", "not_found"),
    ("delete", "unavailable"),
    ("list", "unavailable"),
    ("check", "unavailable"),
];

/// One call being timed. Dropped unfinished (the request was abandoned, e.g. the client went
/// away and the handler's future with it), it still records its time, as `cancelled`.
struct Call<'a> {
    calls: &'a OutsideCalls,
    operation: &'static str,
    started: Instant,
    finished: bool,
}

impl<'a> Call<'a> {
    fn start(calls: &'a OutsideCalls, operation: &'static str) -> Self {
        Call {
            calls,
            operation,
            started: Instant::now(),
            finished: false,
        }
    }

    fn finish(mut self, outcome: Outcome) {
        self.finished = true;
        self.calls
            .observe(self.operation, outcome, self.started.elapsed());
    }
}

impl Drop for Call<'_> {
    fn drop(&mut self) {
        if !self.finished {
            self.calls.observe(
                self.operation,
                Outcome::Answered("cancelled"),
                self.started.elapsed(),
            );
        }
    }
}

pub struct MeasuredRegister {
    inner: Arc<dyn Register>,
    calls: OutsideCalls,
}

impl MeasuredRegister {
    pub fn new(inner: Arc<dyn Register>, calls: OutsideCalls) -> Self {
        MeasuredRegister { inner, calls }
    }
}

fn register_outcome(answer: &Result<ResidentRecord, RegistryError>) -> Outcome {
    match answer {
        Ok(_) => Outcome::Ok,
        Err(RegistryError::NotFound) => Outcome::Answered("not_found"),
        // Also what an open circuit answers at once: `register_circuit_state` tells which.
        Err(RegistryError::Unavailable { .. }) => Outcome::Failed("unavailable"),
        Err(RegistryError::Refused(_)) => Outcome::Failed("refused"),
        Err(RegistryError::Unauthorized) => Outcome::Failed("unauthorized"),
        Err(RegistryError::Protocol(_)) => Outcome::Failed("protocol"),
    }
}

#[async_trait::async_trait]
impl Register for MeasuredRegister {
    /// Timed around the client's retries and backoff: what the citizen waits.
    async fn resident(
        &self,
        pin: &Pin,
        fields: &[String],
        purpose: &Purpose,
    ) -> Result<ResidentRecord, RegistryError> {
        let call = Call::start(&self.calls, "resident");
        let answer = self.inner.resident(pin, fields, purpose).await;
        call.finish(register_outcome(&answer));
        answer
    }

    fn answering(&self) -> bool {
        self.inner.answering()
    }

    fn circuit(&self) -> CircuitState {
        self.inner.circuit()
    }
}

pub struct MeasuredFiles {
    inner: Arc<dyn FileStore>,
    calls: OutsideCalls,
}

impl MeasuredFiles {
    pub fn new(inner: Arc<dyn FileStore>, calls: OutsideCalls) -> Self {
        MeasuredFiles { inner, calls }
    }
}

fn file_outcome<T>(result: &Result<T, FileError>) -> Outcome {
    match result {
        Ok(_) => Outcome::Ok,
        Err(FileError::NotFound) => Outcome::Failed("not_found"),
        Err(FileError::Unavailable(_)) => Outcome::Failed("unavailable"),
    }
}

#[async_trait::async_trait]
impl FileStore for MeasuredFiles {
    /// The store reads the body as the client sends it, so a put's time includes the
    /// client's upload: a slow phone shows here as a slow put.
    async fn put(
        &self,
        key: &str,
        content_type: &str,
        body: ByteStream,
        max_bytes: u64,
    ) -> Result<Stored, PutError> {
        let call = Call::start(&self.calls, "put");
        let result = self.inner.put(key, content_type, body, max_bytes).await;
        call.finish(match &result {
            Ok(_) => Outcome::Ok,
            Err(PutError::TooLarge { .. }) => Outcome::Answered("too_large"),
            // The client's body failed, or the caller refused what it carried.
            Err(PutError::Body(_)) => Outcome::Answered("body_error"),
            Err(PutError::Unavailable(_)) => Outcome::Failed("unavailable"),
        });
        result
    }

    /// Timed until the store hands the stream back (the object found and its first bytes
    /// on their way), not until the last byte reaches the client: that pace is the
    /// client's, and the request's own latency covers it.
    async fn get(&self, key: &str) -> Result<ByteStream, FileError> {
        let call = Call::start(&self.calls, "get");
        let result = self.inner.get(key).await;
        call.finish(file_outcome(&result));
        result
    }

    async fn delete(&self, key: &str) -> Result<(), FileError> {
        let call = Call::start(&self.calls, "delete");
        let result = self.inner.delete(key).await;
        call.finish(file_outcome(&result));
        result
    }

    async fn list(&self, prefix: &str) -> Result<Vec<String>, FileError> {
        let call = Call::start(&self.calls, "list");
        let result = self.inner.list(prefix).await;
        call.finish(file_outcome(&result));
        result
    }

    async fn check(&self) -> Result<(), FileError> {
        let call = Call::start(&self.calls, "check");
        let result = self.inner.check().await;
        call.finish(file_outcome(&result));
        result
    }

    /// `unsigned` is no failure: the local folder cannot sign, and S3 signing is local
    /// computation whose rare failure the store logs.
    async fn signed_url(
        &self,
        key: &str,
        ttl: Duration,
        content_disposition: &str,
    ) -> Option<String> {
        let call = Call::start(&self.calls, "signed_url");
        let url = self.inner.signed_url(key, ttl, content_disposition).await;
        call.finish(if url.is_some() {
            Outcome::Ok
        } else {
            Outcome::Answered("unsigned")
        });
        url
    }
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct CallLabels {
    operation: &'static str,
    outcome: &'static str,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct ErrorLabels {
    operation: &'static str,
    kind: &'static str,
}

/// 1 ms to about 16 s, doubling: the API's answers, and the slow ones a report can take.
pub(crate) fn latency_histogram() -> Histogram {
    Histogram::new(exponential_buckets(0.001, 2.0, 15))
}

/// How a call to an outside service ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outcome {
    Ok,
    /// The service worked but the answer is not a success, and not the service's fault: a
    /// person the register does not know, an upload over its limit, a caller that went away.
    Answered(&'static str),
    /// The service failed; also counted in the service's `errors_total`.
    Failed(&'static str),
}

impl Outcome {
    fn label(self) -> &'static str {
        match self {
            Outcome::Ok => "ok",
            Outcome::Answered(label) | Outcome::Failed(label) => label,
        }
    }
}

/// The timings and failures of the calls to one outside service.
#[derive(Clone)]
pub struct OutsideCalls {
    durations: Family<CallLabels, Histogram, fn() -> Histogram>,
    errors: Family<ErrorLabels, Counter>,
}

impl OutsideCalls {
    /// Registers `{service}_request_duration_seconds` and `{service}_errors_total`. The
    /// failures that can happen are created at zero, so that `rate()` and alerts see a
    /// series before the first failure rather than nothing.
    pub(crate) fn register(
        registry: &mut Registry,
        service: &str,
        description: &str,
        failures: &[(&'static str, &'static str)],
    ) -> Self {
        let durations = Family::<CallLabels, Histogram, fn() -> Histogram>::new_with_constructor(
            latency_histogram,
        );
        registry.register(
            format!("{service}_request_duration_seconds"),
            format!("Time of each call to {description}, by operation and outcome"),
            durations.clone(),
        );
        let errors = Family::<ErrorLabels, Counter>::default();
        registry.register(
            format!("{service}_errors"),
            format!("Failed calls to {description}, by operation and kind of failure"),
            errors.clone(),
        );
        for &(operation, kind) in failures {
            drop(errors.get_or_create(&ErrorLabels { operation, kind }));
        }
        OutsideCalls { durations, errors }
    }

    pub fn observe(&self, operation: &'static str, outcome: Outcome, took: Duration) {
        self.durations
            .get_or_create(&CallLabels {
                operation,
                outcome: outcome.label(),
            })
            .observe(took.as_secs_f64());
        if let Outcome::Failed(kind) = outcome {
            self.errors
                .get_or_create(&ErrorLabels { operation, kind })
                .inc();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::metrics::Metrics;
    use serde_json::Map;
    use std::sync::atomic::{AtomicBool, Ordering};

    /// A store whose calls all succeed, or all fail while `down`.
    #[derive(Default)]
    struct FakeStore {
        down: AtomicBool,
    }

    impl FakeStore {
        fn answer<T>(&self, value: T) -> Result<T, FileError> {
            if self.down.load(Ordering::SeqCst) {
                Err(FileError::Unavailable(
                    "connection refused to 10.0.0.9".into(),
                ))
            } else {
                Ok(value)
            }
        }
    }

    #[async_trait::async_trait]
    impl FileStore for FakeStore {
        async fn put(
            &self,
            key: &str,
            _content_type: &str,
            _body: ByteStream,
            max_bytes: u64,
        ) -> Result<Stored, PutError> {
            if max_bytes == 0 {
                return Err(PutError::TooLarge { limit: 0 });
            }
            self.answer(Stored {
                key: key.to_owned(),
                size: 1,
                sha256: String::new(),
            })
            .map_err(|e| PutError::Unavailable(e.to_string()))
        }
        async fn get(&self, _key: &str) -> Result<ByteStream, FileError> {
            self.answer(Box::pin(futures::stream::empty()) as ByteStream)
        }
        async fn delete(&self, _key: &str) -> Result<(), FileError> {
            self.answer(())
        }
        async fn list(&self, _prefix: &str) -> Result<Vec<String>, FileError> {
            self.answer(Vec::new())
        }
        async fn check(&self) -> Result<(), FileError> {
            self.answer(())
        }
        async fn signed_url(&self, _: &str, _: Duration, _: &str) -> Option<String> {
            None
        }
    }

    struct FakeRegister(fn() -> Result<ResidentRecord, RegistryError>);

    #[async_trait::async_trait]
    impl Register for FakeRegister {
        async fn resident(
            &self,
            _pin: &Pin,
            _fields: &[String],
            _purpose: &Purpose,
        ) -> Result<ResidentRecord, RegistryError> {
            (self.0)()
        }
        fn answering(&self) -> bool {
            false
        }
        fn circuit(&self) -> CircuitState {
            CircuitState::Open
        }
    }

    fn text(metrics: &Metrics) -> String {
        metrics.encode().unwrap()
    }

    fn sample(text: &str, series: &str) -> Option<f64> {
        text.lines()
            .find_map(|line| line.strip_prefix(series)?.trim().parse().ok())
    }

    const KEY: &str =
        "dossiers/0190b3c8-0000-7000-8000-000000000001/0190b3c8-0000-7000-8000-000000000002";

    #[tokio::test]
    async fn file_store_calls_are_timed_by_operation_and_outcome_without_the_key() {
        let metrics = Metrics::default();
        let store = Arc::new(FakeStore::default());
        let files = metrics.measure_files(store.clone());
        let body = || Box::pin(futures::stream::empty()) as ByteStream;
        files.put(KEY, "image/jpeg", body(), 10).await.unwrap();
        files.put(KEY, "image/jpeg", body(), 0).await.unwrap_err();
        drop(files.get(KEY).await.unwrap());
        assert!(files
            .signed_url(KEY, Duration::from_secs(1), "attachment")
            .await
            .is_none());
        store.down.store(true, Ordering::SeqCst);
        files.put(KEY, "image/jpeg", body(), 10).await.unwrap_err();
        files.check().await.unwrap_err();
        files.check().await.unwrap_err();

        let text = text(&metrics);
        let count = |labels: &str| {
            sample(
                &text,
                &format!("motcua_storage_request_duration_seconds_count{{{labels}}}"),
            )
        };
        assert_eq!(
            count(r#"operation="put",outcome="ok""#),
            Some(1.0),
            "{text}"
        );
        assert_eq!(count(r#"operation="put",outcome="too_large""#), Some(1.0));
        assert_eq!(count(r#"operation="put",outcome="unavailable""#), Some(1.0));
        assert_eq!(count(r#"operation="get",outcome="ok""#), Some(1.0));
        assert_eq!(
            count(r#"operation="signed_url",outcome="unsigned""#),
            Some(1.0)
        );
        assert_eq!(
            count(r#"operation="check",outcome="unavailable""#),
            Some(2.0)
        );
        let errors =
            |labels: &str| sample(&text, &format!("motcua_storage_errors_total{{{labels}}}"));
        assert_eq!(errors(r#"operation="put",kind="unavailable""#), Some(1.0));
        assert_eq!(errors(r#"operation="check",kind="unavailable""#), Some(2.0));
        // The caller's refusal is no failure of the store; failures not seen read zero.
        assert_eq!(errors(r#"operation="put",kind="too_large""#), None);
        assert_eq!(errors(r#"operation="get",kind="not_found""#), Some(0.0));
        assert!(!text.contains("0190b3c8"), "a key in the metrics");
        assert!(
            !text.contains("10.0.0.9"),
            "an error message in the metrics"
        );
    }

    #[tokio::test]
    async fn register_reads_are_timed_and_the_wrapper_keeps_the_clients_state() {
        let metrics = Metrics::default();
        let pin = Pin::parse("001207001234").unwrap();
        let purpose = Purpose {
            procedure_code: "3.000465".into(),
            dossier_id: uuid::Uuid::nil(),
            requester: pin.as_str().to_owned(),
        };
        for answer in [
            (|| {
                Ok(ResidentRecord {
                    fields: Map::new(),
                    request_id: uuid::Uuid::nil(),
                })
            }) as fn() -> _,
            || Err(RegistryError::NotFound),
            || {
                Err(RegistryError::Unavailable {
                    reason: "timed out".into(),
                    retry_after: Duration::from_secs(5),
                })
            },
        ] {
            let register = metrics.measure_register(Arc::new(FakeRegister(answer)));
            let _ = register.resident(&pin, &[], &purpose).await;
            assert!(!register.answering());
            assert_eq!(register.circuit(), CircuitState::Open);
        }
        let text = text(&metrics);
        for (outcome, n) in [("ok", 1.0), ("not_found", 1.0), ("unavailable", 1.0)] {
            assert_eq!(
                sample(
                    &text,
                    &format!(
                        "motcua_register_request_duration_seconds_count{{operation=\"resident\",outcome=\"{outcome}\"}}"
                    )
                ),
                Some(n),
                "{text}"
            );
        }
        assert_eq!(
            sample(
                &text,
                r#"motcua_register_errors_total{operation="resident",kind="unavailable"}"#
            ),
            Some(1.0)
        );
        assert_eq!(
            sample(
                &text,
                r#"motcua_register_errors_total{operation="resident",kind="refused"}"#
            ),
            Some(0.0)
        );
        assert!(!text.contains("001207001234"), "a PIN in the metrics");
    }

    #[tokio::test]
    async fn an_abandoned_call_is_recorded_as_cancelled() {
        let metrics = Metrics::default();
        struct Hangs;
        #[async_trait::async_trait]
        impl Register for Hangs {
            async fn resident(
                &self,
                _: &Pin,
                _: &[String],
                _: &Purpose,
            ) -> Result<ResidentRecord, RegistryError> {
                futures::future::pending().await
            }
        }
        let register = metrics.measure_register(Arc::new(Hangs));
        let pin = Pin::parse("001207001234").unwrap();
        let purpose = Purpose {
            procedure_code: "3.000465".into(),
            dossier_id: uuid::Uuid::nil(),
            requester: "x".into(),
        };
        let abandoned = tokio::time::timeout(
            Duration::from_millis(10),
            register.resident(&pin, &[], &purpose),
        )
        .await;
        assert!(abandoned.is_err());
        assert_eq!(
            sample(
                &text(&metrics),
                r#"motcua_register_request_duration_seconds_count{operation="resident",outcome="cancelled"}"#
            ),
            Some(1.0)
        );
    }
}
