//! The engine's background jobs (the orphan sweep, the facts' day sums, retention, the rate
//! limits' upkeep), started as one set with the engine and stopped as one when it stops.
//!
//! A job runs a round every period. Stopping lets the round in progress finish, up to
//! [`ROUND_GRACE`], and the jobs stop in the reverse of the order they started, after the
//! HTTP server has answered its last request: a job never sees the database pool closing
//! under it, and the process does not exit in the middle of a retention run that a bare
//! `tokio::spawn` would have cut at any statement.

use std::future::Future;
use std::time::Duration;
use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;

/// How long a stopping job may take to finish the round it is in; after it the round is
/// abandoned (each round's statements commit on their own, so what is left undone is done
/// by the next round, here or in another engine).
pub const ROUND_GRACE: Duration = Duration::from_secs(5);

struct Job {
    name: &'static str,
    stop: CancellationToken,
    task: JoinHandle<()>,
}

/// The running jobs.
#[derive(Default)]
pub struct Jobs {
    started: Vec<Job>,
}

impl Jobs {
    /// Starts `round` every `period` (the first at once), until the jobs are stopped.
    pub fn every<F, Fut>(&mut self, name: &'static str, period: Duration, mut round: F)
    where
        F: FnMut() -> Fut + Send + 'static,
        Fut: Future<Output = ()> + Send + 'static,
    {
        let stop = CancellationToken::new();
        let stopped = stop.clone();
        let task = tokio::spawn(async move {
            let mut ticks = tokio::time::interval(period);
            ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            loop {
                tokio::select! {
                    () = stopped.cancelled() => break,
                    _ = ticks.tick() => round().await,
                }
            }
        });
        self.started.push(Job { name, stop, task });
    }

    /// Stops every job, the last started first, each after the round it is in.
    pub async fn stop(self) {
        for job in self.started.into_iter().rev() {
            job.stop.cancel();
            let mut task = job.task;
            match tokio::time::timeout(ROUND_GRACE, &mut task).await {
                Ok(Ok(())) => tracing::debug!(job = job.name, "background job stopped"),
                Ok(Err(e)) => {
                    tracing::error!(job = job.name, error.message = %e, "background job failed")
                }
                Err(_) => {
                    task.abort();
                    tracing::warn!(
                        job = job.name,
                        grace_secs = ROUND_GRACE.as_secs(),
                        "background job still busy at shutdown: its round was abandoned"
                    );
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::{Arc, Mutex};

    /// Writes "{name} stopped" when the job's task lets go of its round.
    struct Stopped(&'static str, Arc<Mutex<Vec<String>>>);

    impl Drop for Stopped {
        fn drop(&mut self) {
            self.1.lock().unwrap().push(format!("{} stopped", self.0));
        }
    }

    #[tokio::test(start_paused = true)]
    async fn stopping_waits_for_the_round_in_progress_and_goes_in_reverse_order() {
        let log = Arc::new(Mutex::new(Vec::new()));
        let mut jobs = Jobs::default();
        for name in ["first", "second"] {
            let log = log.clone();
            let stopped = Stopped(name, log.clone());
            jobs.every(name, Duration::from_secs(60), move || {
                let _ = &stopped;
                let log = log.clone();
                async move {
                    log.lock().unwrap().push(format!("{name} begins"));
                    tokio::time::sleep(Duration::from_secs(1)).await;
                    log.lock().unwrap().push(format!("{name} ends"));
                }
            });
        }
        // Both are in their first round.
        tokio::time::sleep(Duration::from_millis(10)).await;
        jobs.stop().await;
        let log = log.lock().unwrap().clone();
        assert_eq!(log[..2], ["first begins", "second begins"]);
        let position = |entry: &str| log.iter().position(|e| e == entry).unwrap();
        assert!(position("second ends") < position("second stopped"));
        assert!(position("first ends") < position("first stopped"));
        assert!(position("second stopped") < position("first stopped"));
    }

    #[tokio::test(start_paused = true)]
    async fn a_round_past_the_grace_is_abandoned() {
        let finished = Arc::new(Mutex::new(false));
        let mut jobs = Jobs::default();
        let flag = finished.clone();
        jobs.every("slow", Duration::from_secs(60), move || {
            let flag = flag.clone();
            async move {
                tokio::time::sleep(ROUND_GRACE * 3).await;
                *flag.lock().unwrap() = true;
            }
        });
        tokio::time::sleep(Duration::from_millis(10)).await;
        let started = tokio::time::Instant::now();
        jobs.stop().await;
        assert!(started.elapsed() <= ROUND_GRACE + Duration::from_millis(10));
        assert!(!*finished.lock().unwrap());
    }
}
