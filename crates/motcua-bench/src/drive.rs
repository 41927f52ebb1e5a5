//! Driving load at the engine: closed loop (a fixed number of clients, each sending its next
//! request when the last one is answered) or open loop (requests arrive at a fixed rate
//! whatever the answers do). In the open loop a request's latency counts from when it was
//! due, not when it left: an engine that falls behind shows it in the percentiles instead of
//! slowing the arrivals down (no coordinated omission).

use hdrhistogram::Histogram;
use std::future::Future;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// How requests arrive.
#[derive(Debug, Clone, Copy)]
pub enum Arrivals {
    /// `clients` clients, each waiting for its answer before the next request.
    Closed { clients: usize },
    /// `per_second` requests a second, sent on time whatever happened to earlier ones.
    Open { per_second: f64 },
}

/// What one request came back with.
#[derive(Debug, Clone)]
pub struct Answer {
    /// 0 when the engine did not answer (connection refused, reset, timed out).
    pub status: u16,
    pub retry_after: Option<String>,
}

impl Answer {
    pub async fn of(request: reqwest::RequestBuilder) -> Answer {
        Answer::with_body(request).await.0
    }

    /// The answer and its body, for an operation whose next request needs something of it
    /// (an id). The body is read in any case, so the connection goes back to the pool.
    pub async fn with_body(request: reqwest::RequestBuilder) -> (Answer, bytes::Bytes) {
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
                    Answer {
                        status,
                        retry_after,
                    },
                    body,
                )
            }
            Err(_) => (
                Answer {
                    status: 0,
                    retry_after: None,
                },
                bytes::Bytes::new(),
            ),
        }
    }

    pub fn ok(&self) -> bool {
        (200..300).contains(&self.status)
    }
}

/// When to stop: after `operations` operations were started, or after `duration`, whichever
/// comes first.
#[derive(Debug, Clone, Copy)]
pub struct Plan {
    pub arrivals: Arrivals,
    pub operations: u64,
    pub duration: Duration,
}

/// The figures of one run.
pub struct Figures {
    pub succeeded: u64,
    /// 503 answers, and how many of them said when to come back.
    pub overloaded: u64,
    pub overloaded_with_retry_after: u64,
    pub retry_after_values: Vec<String>,
    /// Other answers: status → count (0: no answer).
    pub failed: Vec<(u16, u64)>,
    /// Open loop: operations not sent because too many were already waiting for answers.
    pub not_sent: u64,
    pub elapsed: Duration,
    /// Latency of the successful operations, microseconds.
    pub latency: Histogram<u64>,
    /// Latency of the 503 answers, microseconds.
    pub refusal_latency: Histogram<u64>,
}

impl Figures {
    pub fn goodput(&self) -> f64 {
        self.succeeded as f64 / self.elapsed.as_secs_f64()
    }

    pub fn percentile_ms(&self, p: f64) -> f64 {
        self.latency.value_at_quantile(p / 100.0) as f64 / 1000.0
    }

    /// One line a reader can compare across runs.
    pub fn summary(&self) -> String {
        let mut line = format!(
            "{} ok in {:.1} s = {:.0}/s; p50 {:.2} ms, p99 {:.2} ms, p99.9 {:.2} ms, max {:.2} ms",
            self.succeeded,
            self.elapsed.as_secs_f64(),
            self.goodput(),
            self.percentile_ms(50.0),
            self.percentile_ms(99.0),
            self.percentile_ms(99.9),
            self.latency.max() as f64 / 1000.0,
        );
        if self.overloaded > 0 {
            line += &format!(
                "; {} answered 503 ({} with Retry-After {:?}, p99 {:.2} ms)",
                self.overloaded,
                self.overloaded_with_retry_after,
                self.retry_after_values,
                self.refusal_latency.value_at_quantile(0.99) as f64 / 1000.0
            );
        }
        let errors: u64 = self.failed.iter().map(|(_, n)| n).sum();
        line += &format!("; errors {errors}");
        if errors > 0 {
            line += &format!(" {:?}", self.failed);
        }
        if self.not_sent > 0 {
            line += &format!("; {} not sent (generator's cap)", self.not_sent);
        }
        line
    }
}

struct Tally {
    succeeded: u64,
    overloaded: u64,
    overloaded_with_retry_after: u64,
    retry_after_values: Vec<String>,
    failed: std::collections::BTreeMap<u16, u64>,
    latency: Histogram<u64>,
    refusal_latency: Histogram<u64>,
    /// Since the last [`report_every`] line: successes and their latency.
    interval_succeeded: u64,
    interval_latency: Histogram<u64>,
}

impl Tally {
    fn new() -> Tally {
        Tally {
            interval_succeeded: 0,
            interval_latency: latency_histogram(),
            succeeded: 0,
            overloaded: 0,
            overloaded_with_retry_after: 0,
            retry_after_values: Vec::new(),
            failed: Default::default(),
            latency: latency_histogram(),
            refusal_latency: latency_histogram(),
        }
    }

    fn record(&mut self, answer: &Answer, took: Duration) {
        if answer.ok() {
            self.succeeded += 1;
            record(&mut self.latency, took);
            self.interval_succeeded += 1;
            record(&mut self.interval_latency, took);
        } else if answer.status == 503 {
            self.overloaded += 1;
            record(&mut self.refusal_latency, took);
            if let Some(value) = &answer.retry_after {
                self.overloaded_with_retry_after += 1;
                if !self.retry_after_values.contains(value) {
                    self.retry_after_values.push(value.clone());
                }
            }
        } else {
            *self.failed.entry(answer.status).or_default() += 1;
        }
    }
}

/// A latency histogram in microseconds: 1 µs to 100 s at three significant digits.
pub fn latency_histogram() -> Histogram<u64> {
    Histogram::new_with_bounds(1, 100_000_000, 3).expect("valid histogram bounds")
}

/// Records `took` in a [`latency_histogram`].
pub fn record(histogram: &mut Histogram<u64>, took: Duration) {
    let micros = u64::try_from(took.as_micros()).unwrap_or(u64::MAX).max(1);
    histogram.saturating_record(micros);
}

/// Latency histograms of the kinds of request an operation is made of, or of the kinds of
/// operation, beside the operation's own: for targets per kind. Successful requests, from
/// when each left to its answer, microseconds.
pub struct PerKind {
    names: Vec<String>,
    histograms: Mutex<Vec<Histogram<u64>>>,
}

impl PerKind {
    pub fn new(names: &[&str]) -> PerKind {
        PerKind {
            names: names.iter().map(|name| (*name).to_owned()).collect(),
            histograms: Mutex::new(names.iter().map(|_| latency_histogram()).collect()),
        }
    }

    /// Records `took` for kind `kind` (its index in the names).
    pub fn record(&self, kind: usize, took: Duration) {
        if let Some(histogram) = self
            .histograms
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .get_mut(kind)
        {
            record(histogram, took);
        }
    }

    /// One line per kind, its name padded to the longest.
    pub fn print(&self) {
        let width = self
            .names
            .iter()
            .map(|n| n.chars().count())
            .max()
            .unwrap_or(0)
            + 1;
        let histograms = self
            .histograms
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        for (name, h) in self.names.iter().zip(histograms.iter()) {
            let ms = |q: f64| h.value_at_quantile(q) as f64 / 1000.0;
            println!(
                "  {name:<width$}  {} ok; p50 {:.2} ms, p99 {:.2} ms, p99.9 {:.2} ms, max {:.2} ms",
                h.len(),
                ms(0.5),
                ms(0.99),
                ms(0.999),
                h.max() as f64 / 1000.0
            );
        }
    }
}

/// How often a long run prints the last interval's goodput and p99: a soak's decay, if
/// any, shows in these lines rather than hiding in the whole run's figures.
const REPORT_EVERY: Duration = Duration::from_secs(60);

async fn report_every(tally: Arc<Mutex<Tally>>, started_at: Instant) {
    let mut ticks = tokio::time::interval_at((started_at + REPORT_EVERY).into(), REPORT_EVERY);
    loop {
        ticks.tick().await;
        let (succeeded, p50, p99) = {
            let mut tally = lock(&tally);
            let figures = (
                tally.interval_succeeded,
                tally.interval_latency.value_at_quantile(0.5),
                tally.interval_latency.value_at_quantile(0.99),
            );
            tally.interval_succeeded = 0;
            tally.interval_latency.reset();
            figures
        };
        println!(
            "  at {:>5.0} s: {:.0}/s, p50 {:.2} ms, p99 {:.2} ms (the last {} s)",
            started_at.elapsed().as_secs_f64(),
            succeeded as f64 / REPORT_EVERY.as_secs_f64(),
            p50 as f64 / 1000.0,
            p99 as f64 / 1000.0,
            REPORT_EVERY.as_secs()
        );
    }
}

/// The most requests an open-loop run keeps waiting for answers at once; past it the
/// generator itself would be the bottleneck, and says so (`not_sent`).
const MAX_OUTSTANDING: usize = 20_000;

/// Runs `operation(n)` for n = 0, 1, 2, … as `plan` says and measures the answers. Each `n`
/// is used once, so an operation can pick its own draft, citizen or dossier by it.
pub async fn drive<F, Fut>(plan: Plan, operation: F) -> Figures
where
    F: Fn(u64) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = Answer> + Send + 'static,
{
    let operation = Arc::new(operation);
    let tally = Arc::new(Mutex::new(Tally::new()));
    let started_at = Instant::now();
    let reporter = (plan.duration >= 2 * REPORT_EVERY).then(|| {
        let tally = tally.clone();
        tokio::spawn(report_every(tally, started_at))
    });
    let deadline = started_at + plan.duration;
    let mut not_sent = 0;
    match plan.arrivals {
        Arrivals::Closed { clients } => {
            let next = Arc::new(AtomicU64::new(0));
            let workers = (0..clients).map(|_| {
                let (operation, tally, next) = (operation.clone(), tally.clone(), next.clone());
                tokio::spawn(async move {
                    loop {
                        let n = next.fetch_add(1, Ordering::Relaxed);
                        if n >= plan.operations || Instant::now() >= deadline {
                            return;
                        }
                        let sent = Instant::now();
                        let answer = operation(n).await;
                        let took = sent.elapsed();
                        lock(&tally).record(&answer, took);
                    }
                })
            });
            for worker in futures::future::join_all(workers).await {
                worker.expect("a load worker panicked");
            }
        }
        Arrivals::Open { per_second } => {
            let outstanding = Arc::new(AtomicUsize::new(0));
            let mut tasks = tokio::task::JoinSet::new();
            let interval = Duration::from_secs_f64(1.0 / per_second);
            let mut n = 0u64;
            while n < plan.operations {
                let due = started_at + interval.mul_f64(n as f64);
                if due >= deadline {
                    break;
                }
                tokio::time::sleep_until(due.into()).await;
                // Everything due by now leaves now (the timer wakes about once a millisecond).
                let now = Instant::now();
                while n < plan.operations && started_at + interval.mul_f64(n as f64) <= now {
                    let due = started_at + interval.mul_f64(n as f64);
                    if outstanding.load(Ordering::Relaxed) >= MAX_OUTSTANDING {
                        not_sent += 1;
                        n += 1;
                        continue;
                    }
                    outstanding.fetch_add(1, Ordering::Relaxed);
                    let (operation, tally, outstanding) =
                        (operation.clone(), tally.clone(), outstanding.clone());
                    tasks.spawn(async move {
                        let answer = operation(n).await;
                        let took = due.elapsed();
                        lock(&tally).record(&answer, took);
                        outstanding.fetch_sub(1, Ordering::Relaxed);
                    });
                    n += 1;
                }
                // Reap finished tasks so the set does not grow with the run.
                while let Some(done) = tasks.try_join_next() {
                    done.expect("a load task panicked");
                }
            }
            while let Some(done) = tasks.join_next().await {
                done.expect("a load task panicked");
            }
        }
    }
    let elapsed = started_at.elapsed();
    if let Some(reporter) = reporter {
        reporter.abort();
    }
    let mut tally = lock(&tally);
    Figures {
        succeeded: tally.succeeded,
        overloaded: tally.overloaded,
        overloaded_with_retry_after: tally.overloaded_with_retry_after,
        retry_after_values: std::mem::take(&mut tally.retry_after_values),
        failed: tally.failed.iter().map(|(s, n)| (*s, *n)).collect(),
        not_sent,
        elapsed,
        latency: std::mem::replace(&mut tally.latency, latency_histogram()),
        refusal_latency: std::mem::replace(&mut tally.refusal_latency, latency_histogram()),
    }
}

fn lock(tally: &Mutex<Tally>) -> std::sync::MutexGuard<'_, Tally> {
    tally
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}
