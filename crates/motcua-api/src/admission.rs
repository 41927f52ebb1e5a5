//! Admission control: whether the engine takes on a request now. Past its capacity the
//! engine answers at once with 503 `overloaded` and `Retry-After`, instead of letting work
//! queue without bound, every request slower, until clients time out on work that is still
//! done.
//!
//! At most `max_in_flight` requests are served at once; a request that finds them all busy
//! waits in a short queue (at most `max_queued` requests, each for at most `queue_wait`) and
//! is refused when the queue is full or its wait runs out. A refused request has read
//! nothing and written nothing: it never reaches a handler, so never the database.
//!
//! Only the API under `/v1` is admitted (the router applies this layer there): `/healthz`,
//! `/readyz` and `/metrics` answer however busy the engine is, so that operators and the
//! balancer see an overloaded engine rather than a dead one. The limits are this process's:
//! with several `serve` processes each admits its own.

use crate::error::ApiError;
use motcua_service::{Code, ServiceError};
use std::num::NonZeroUsize;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;
use tokio::sync::{Semaphore, SemaphorePermit};

/// How much work the engine takes on at once (`MOTCUA_MAX_IN_FLIGHT`, `MOTCUA_MAX_QUEUED`,
/// `MOTCUA_QUEUE_WAIT_MS`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AdmissionSettings {
    /// Requests served at once.
    pub max_in_flight: NonZeroUsize,
    /// Requests waiting for one of those places; more are refused at once.
    pub max_queued: NonZeroUsize,
    /// How long a request may wait for a place before it is refused.
    pub queue_wait: Duration,
}

const fn at_least_one(n: usize) -> NonZeroUsize {
    match NonZeroUsize::new(n) {
        Some(n) => n,
        None => NonZeroUsize::MIN,
    }
}

impl Default for AdmissionSettings {
    /// 64 requests at once, about three per connection of the database pool (20): a request
    /// spends part of its time elsewhere (the register, storage, the client's upload), so
    /// the pool stays busy without a long line for connections. A queue of 512 absorbs a
    /// burst; 100 ms bounds what a waiting request adds to its answer.
    fn default() -> Self {
        AdmissionSettings {
            max_in_flight: at_least_one(64),
            max_queued: at_least_one(512),
            queue_wait: Duration::from_millis(100),
        }
    }
}

/// Why a request was refused; the label of `motcua_admission_refused_total`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// Every place was taken and so was the queue: refused at once.
    QueueFull,
    /// It waited `queue_wait` in the queue and no place came free.
    WaitExpired,
}

impl Refusal {
    pub const ALL: [Refusal; 2] = [Refusal::QueueFull, Refusal::WaitExpired];

    pub fn label(self) -> &'static str {
        match self {
            Refusal::QueueFull => "queue_full",
            Refusal::WaitExpired => "wait_expired",
        }
    }
}

/// The places and the queue of one process.
pub struct Admission {
    settings: AdmissionSettings,
    /// One permit per place, held for as long as the handler works on the request.
    places: Semaphore,
    /// Requests waiting for a place now.
    waiting: AtomicUsize,
}

/// One waiting request, counted until it leaves the queue, admitted or not, or its client
/// goes away (its future is dropped).
struct InQueue<'a>(&'a AtomicUsize);

impl Drop for InQueue<'_> {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::SeqCst);
    }
}

impl Admission {
    pub fn new(settings: AdmissionSettings) -> Self {
        Admission {
            settings,
            places: Semaphore::new(settings.max_in_flight.get()),
            waiting: AtomicUsize::new(0),
        }
    }

    /// A place for one request, held until the permit is dropped; or why there is none.
    pub async fn admit(&self) -> Result<SemaphorePermit<'_>, Refusal> {
        // tokio's semaphore hands a released permit to the first waiter, so this cannot
        // overtake a request already in the queue.
        if let Ok(place) = self.places.try_acquire() {
            return Ok(place);
        }
        let max_queued = self.settings.max_queued.get();
        self.waiting
            .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| {
                (n < max_queued).then_some(n + 1)
            })
            .map_err(|_| Refusal::QueueFull)?;
        let _in_queue = InQueue(&self.waiting);
        match tokio::time::timeout(self.settings.queue_wait, self.places.acquire()).await {
            Ok(Ok(place)) => Ok(place),
            // `Ok(Err(_))` would be a closed semaphore; this one is never closed.
            Ok(Err(_)) | Err(_) => Err(Refusal::WaitExpired),
        }
    }

    /// Requests being served now.
    pub fn in_flight(&self) -> usize {
        self.settings.max_in_flight.get() - self.places.available_permits()
    }

    /// Requests waiting for a place now.
    pub fn waiting(&self) -> usize {
        self.waiting.load(Ordering::SeqCst)
    }
}

/// The refusal: nothing was done, and the client may send the same request again shortly.
pub fn overloaded() -> ApiError {
    ServiceError::new(
        Code::Overloaded,
        "the engine is at capacity and did not take this request on; nothing was done — \
         send it again in a moment",
    )
    .with_retry_after(Duration::from_secs(1))
    .into()
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::StatusCode;

    fn admission(max_in_flight: usize, max_queued: usize, wait_ms: u64) -> Admission {
        Admission::new(AdmissionSettings {
            max_in_flight: NonZeroUsize::new(max_in_flight).unwrap(),
            max_queued: NonZeroUsize::new(max_queued).unwrap(),
            queue_wait: Duration::from_millis(wait_ms),
        })
    }

    #[tokio::test]
    async fn past_the_places_and_the_queue_a_request_is_refused_at_once() {
        let admission = admission(2, 1, 60_000);
        let first = admission.admit().await.unwrap();
        let _second = admission.admit().await.unwrap();
        assert_eq!(admission.in_flight(), 2);
        let queued = admission.admit();
        tokio::pin!(queued);
        // Polled once: it joins the queue and waits.
        assert!(futures::poll!(queued.as_mut()).is_pending());
        assert_eq!(admission.waiting(), 1);
        // The queue is full: refused without waiting (the wait is a minute).
        let refused = tokio::time::timeout(Duration::from_secs(5), admission.admit()).await;
        assert!(matches!(refused, Ok(Err(Refusal::QueueFull))));
        // A place comes free: the queued request gets it.
        drop(first);
        let third = queued.await.unwrap();
        assert_eq!((admission.in_flight(), admission.waiting()), (2, 0));
        drop(third);
        assert_eq!(admission.in_flight(), 1);
    }

    #[tokio::test]
    async fn a_request_that_waits_too_long_is_refused_and_leaves_the_queue() {
        let admission = admission(1, 4, 20);
        let _only = admission.admit().await.unwrap();
        let refused = admission.admit().await;
        assert!(matches!(refused, Err(Refusal::WaitExpired)));
        assert_eq!(admission.waiting(), 0);
    }

    #[tokio::test]
    async fn a_client_that_goes_away_leaves_the_queue() {
        let admission = admission(1, 1, 60_000);
        let _only = admission.admit().await.unwrap();
        {
            let queued = admission.admit();
            tokio::pin!(queued);
            assert!(futures::poll!(queued.as_mut()).is_pending());
            assert_eq!(admission.waiting(), 1);
        }
        assert_eq!(admission.waiting(), 0);
    }

    #[test]
    fn the_refusal_is_a_503_problem_saying_when_to_come_back() {
        let error = overloaded();
        assert_eq!(error.status, StatusCode::SERVICE_UNAVAILABLE);
        assert_eq!(error.problem.code, Code::Overloaded);
        let retry = error.problem.extra.and_then(|e| e.retry_after);
        assert_eq!(retry, Some(Duration::from_secs(1)));
    }
}
