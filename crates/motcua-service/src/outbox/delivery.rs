//! Delivering the outbox: a worker locks a batch of due messages that head their dossier for
//! their target (`for update skip locked`: workers of every process share the work, and a
//! dossier's later message to a target waits for its earlier one), hands each to its
//! target's [`Deliverer`] and writes the outcome, all in one transaction.
//!
//! The locks are held while the target is called. A worker that dies mid-batch (kill -9)
//! leaves its messages pending and unlocked, and they are sent again: with the same
//! `delivery_key` as before, so that the target recognises one it already took.
//!
//! Outcomes: delivered; refused (the target answered that this message is wrong: sending it
//! again gets the same answer, so it is dead at once, with the reason, for an operator to fix
//! and retry); unavailable (down, timed out, overloaded: tried again after a backoff, and dead
//! after the last attempt). Once a target is found unavailable, the batch's other messages to
//! it are not tried but wait as long, without counting an attempt: one probe, not a hundred
//! timeouts, while it is down.

use super::backoff::Backoff;
use crate::store::outbox::{Message, Settled};
use crate::store::Session;
use crate::{ServiceError, Services};
use async_trait::async_trait;
use rand::Rng;
use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// What an attempt came to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    Delivered,
    /// The target answered that it will not take this message, and why.
    Refused(String),
    /// No usable answer; may go through later.
    Unavailable(String),
}

/// Sends the messages of one target.
#[async_trait]
pub trait Deliverer: Send + Sync {
    /// The target's name, as the messages carry it.
    fn target(&self) -> &'static str;
    /// Sends `message`, reading what it needs through `session` (the batch's transaction).
    async fn deliver(
        &self,
        services: &Services,
        session: &mut dyn Session,
        message: &Message,
    ) -> Outcome;
}

/// The delivery workers' settings and the targets they serve.
#[derive(Clone)]
pub struct Delivery {
    pub deliverers: Vec<Arc<dyn Deliverer>>,
    /// Messages locked and sent per transaction.
    pub batch: i64,
    /// Attempts before a message that keeps failing is dead.
    pub max_attempts: i32,
    pub backoff: Backoff,
}

/// What one batch did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct BatchReport {
    pub taken: usize,
    pub delivered: usize,
    pub retrying: usize,
    pub dead: usize,
    /// Not tried: their target was found unavailable earlier in the batch.
    pub deferred: usize,
}

impl Delivery {
    fn deliverer(&self, target: &str) -> Option<&Arc<dyn Deliverer>> {
        self.deliverers.iter().find(|d| d.target() == target)
    }

    /// One batch: lock, send, write the outcomes, commit.
    pub async fn deliver_batch(&self, services: &Services) -> Result<BatchReport, ServiceError> {
        let targets: Vec<&str> = self.deliverers.iter().map(|d| d.target()).collect();
        let mut tx = services.store.begin().await?;
        let messages = tx.lock_due_messages(&targets, self.batch).await?;
        let mut report = BatchReport {
            taken: messages.len(),
            ..Default::default()
        };
        // A target found unavailable in this batch: its wait and why.
        let mut down: HashMap<String, (Duration, String)> = HashMap::new();
        for message in &messages {
            let settled = if let Some((wait, why)) = down.get(&message.target) {
                report.deferred += 1;
                Settled::Retry {
                    after: *wait,
                    error: format!("not tried: {why}"),
                    counted: false,
                }
            } else {
                let outcome = match self.deliverer(&message.target) {
                    Some(deliverer) => deliverer.deliver(services, &mut *tx, message).await,
                    None => Outcome::Unavailable(format!("no deliverer for {}", message.target)),
                };
                self.judge(message, outcome, &mut down, &mut report)
            };
            tx.settle_message(message.id, &settled).await?;
        }
        tx.commit().await?;
        Ok(report)
    }

    /// The outcome of an attempt as written back.
    fn judge(
        &self,
        message: &Message,
        outcome: Outcome,
        down: &mut HashMap<String, (Duration, String)>,
        report: &mut BatchReport,
    ) -> Settled {
        let attempt = message.attempts.saturating_add(1);
        match outcome {
            Outcome::Delivered => {
                report.delivered += 1;
                Settled::Delivered
            }
            Outcome::Refused(reason) => {
                report.dead += 1;
                tracing::warn!(
                    outbox.id = message.id, target = %message.target, kind = %message.kind,
                    reason = %reason, "outbox message refused: dead until an operator retries it"
                );
                Settled::Dead {
                    error: format!("refused: {reason}"),
                }
            }
            Outcome::Unavailable(reason) if attempt >= self.max_attempts => {
                report.dead += 1;
                tracing::warn!(
                    outbox.id = message.id, target = %message.target, attempts = attempt,
                    reason = %reason, "outbox message failed its last attempt: dead"
                );
                Settled::Dead {
                    error: format!("gave up after {attempt} attempts: {reason}"),
                }
            }
            Outcome::Unavailable(reason) => {
                report.retrying += 1;
                let failures = u32::try_from(attempt).unwrap_or(1);
                let wait = self
                    .backoff
                    .after(failures, rand::thread_rng().gen_range(0.0..1.0));
                tracing::info!(
                    outbox.id = message.id, target = %message.target, attempts = attempt,
                    retry_in_ms = wait.as_millis() as u64, reason = %reason,
                    "outbox delivery failed; will retry"
                );
                let why = format!("{} unavailable: {reason}", message.target);
                down.insert(message.target.clone(), (wait, why.clone()));
                Settled::Retry {
                    after: wait,
                    error: reason,
                    counted: true,
                }
            }
        }
    }

    /// Batches until one comes back short of a full batch or `budget` has passed: what one
    /// tick of a worker does. Errors are logged; the next tick tries again.
    pub async fn deliver_round(&self, services: &Services, budget: Duration) -> BatchReport {
        let started = Instant::now();
        let mut total = BatchReport::default();
        loop {
            match self.deliver_batch(services).await {
                Ok(report) => {
                    total.taken += report.taken;
                    total.delivered += report.delivered;
                    total.retrying += report.retrying;
                    total.dead += report.dead;
                    total.deferred += report.deferred;
                    let full = i64::try_from(report.taken).unwrap_or(i64::MAX) >= self.batch;
                    // A batch that found its target down ends the round: its messages wait.
                    if !full || report.retrying > 0 || started.elapsed() >= budget {
                        return total;
                    }
                }
                Err(e) => {
                    tracing::warn!(
                        error.message = %e.detail, "outbox delivery round failed; it will run again"
                    );
                    return total;
                }
            }
        }
    }
}
