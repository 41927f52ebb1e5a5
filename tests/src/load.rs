//! A small load generator for the failure tests: workers send requests in a loop until told
//! to stop, and every answer is kept with when it came, for the test to judge.

use std::future::Future;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::task::JoinHandle;

/// One answer of the load.
#[derive(Debug, Clone)]
pub struct Outcome {
    /// When the request was sent (an answer sent before a recovery may arrive after it).
    pub sent: Instant,
    pub at: Instant,
    /// What was asked, for the failure message.
    pub what: &'static str,
    /// The HTTP status; 0 when the engine did not answer at all.
    pub status: u16,
    pub problem_json: bool,
    /// The problem's `code`, for an error.
    pub code: Option<String>,
    pub retry_after: bool,
    /// The answer's JSON body (`null` when it had none).
    pub body: serde_json::Value,
}

impl Outcome {
    /// Sends `request` (with a 30 s timeout: a hang is an outcome, not a hung test) and
    /// keeps its answer.
    pub async fn of(what: &'static str, request: reqwest::RequestBuilder) -> Outcome {
        let sent = Instant::now();
        let answer = request.timeout(Duration::from_secs(30)).send().await;
        let at = Instant::now();
        let Ok(answer) = answer else {
            return Outcome {
                sent,
                at,
                what,
                status: 0,
                problem_json: false,
                code: None,
                retry_after: false,
                body: serde_json::Value::Null,
            };
        };
        let status = answer.status().as_u16();
        let problem_json = answer
            .headers()
            .get("content-type")
            .is_some_and(|v| v == "application/problem+json");
        let retry_after = answer.headers().contains_key("retry-after");
        let body: serde_json::Value = answer.json().await.unwrap_or_default();
        Outcome {
            sent,
            at,
            what,
            status,
            problem_json,
            code: body["code"].as_str().map(str::to_owned),
            retry_after,
            body,
        }
    }

    pub fn succeeded(&self) -> bool {
        (200..300).contains(&self.status)
    }
}

pub struct Load {
    stop: Arc<AtomicBool>,
    workers: Vec<JoinHandle<Vec<Outcome>>>,
}

impl Load {
    /// Starts `workers` loops; worker `n`'s `i`-th request is `request(n, i)`.
    pub fn start<F, Fut>(workers: usize, request: F) -> Load
    where
        F: Fn(usize, usize) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = Outcome> + Send + 'static,
    {
        let stop = Arc::new(AtomicBool::new(false));
        let request = Arc::new(request);
        let workers = (0..workers)
            .map(|n| {
                let (stop, request) = (stop.clone(), request.clone());
                tokio::spawn(async move {
                    let mut outcomes = Vec::new();
                    let mut i = 0;
                    while !stop.load(Ordering::SeqCst) {
                        outcomes.push(request(n, i).await);
                        i += 1;
                    }
                    outcomes
                })
            })
            .collect();
        Load { stop, workers }
    }

    /// Stops the workers after their current request and returns every answer, in order
    /// of arrival.
    pub async fn finish(self) -> Vec<Outcome> {
        self.stop.store(true, Ordering::SeqCst);
        let mut all = Vec::new();
        for worker in self.workers {
            all.extend(worker.await.expect("a load worker panicked"));
        }
        all.sort_by_key(|o| o.at);
        all
    }
}

/// The engine's promise under an outage: every answer is a success or a 503 problem+json
/// with a code; never a 500, never a dropped connection.
pub fn assert_only_successes_and_503_problems(outcomes: &[Outcome]) {
    let wrong: Vec<String> = outcomes
        .iter()
        .filter(|o| !(o.succeeded() || (o.status == 503 && o.problem_json && o.code.is_some())))
        .map(|o| format!("{} → {} {:?} {}", o.what, o.status, o.code, o.body))
        .collect();
    assert!(
        wrong.is_empty(),
        "{} of {} answers were neither a success nor a 503 problem:\n{}",
        wrong.len(),
        outcomes.len(),
        wrong.join("\n")
    );
}
