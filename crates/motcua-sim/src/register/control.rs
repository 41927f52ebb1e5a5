//! The register's switches and its record of calls: tests make the register slow, failing,
//! down or hung, and check what the engine asked for and why.

use axum::http::StatusCode;
use chrono::{DateTime, Utc};
use serde::Serialize;
use std::collections::VecDeque;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::Duration;
use tokio::sync::watch;

/// How long a hung request waits before answering anyway: far beyond any client's patience.
pub const HANG: Duration = Duration::from_secs(60);
/// Calls kept; older ones are forgotten, so a long-running simulator does not grow.
const KEPT_CALLS: usize = 10_000;

/// One request to `GET /v1/residents/{pin}` (or the LGSP query), as the register saw it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RegisterCall {
    /// Order of arrival, from 1.
    pub seq: u64,
    /// `motcua` (the register API) or `lgsp` (the population-database query through LGSP).
    pub protocol: &'static str,
    /// The number as requested (whole: this record is for tests, not a log).
    pub pin: String,
    /// The `fields` parameter split at commas; empty when it was missing.
    pub fields: Vec<String>,
    /// `X-Purpose`, `X-Requester` and `X-Request-Id` as sent; through LGSP, `MaDVC/MaHoSo`,
    /// `MaCanBo` and `MaYeuCau` (and `fields` is empty: the query names none).
    pub purpose: Option<String>,
    pub requester: Option<String>,
    pub request_id: Option<String>,
    /// The status answered; `None` while the request is still waiting (latency, hang).
    pub status: Option<u16>,
    /// The `error` of a refusal.
    pub error: Option<String>,
    /// When the request arrived.
    pub at: DateTime<Utc>,
}

/// The switches' current values.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Switches {
    #[serde(serialize_with = "millis")]
    pub latency: Duration,
    pub outage: bool,
    pub hang: bool,
    /// Requests still to fail, and with what status.
    pub fail_next: Option<FailNext>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct FailNext {
    pub count: u32,
    pub status: u16,
}

fn millis<S: serde::Serializer>(d: &Duration, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_u128(d.as_millis())
}

impl Default for Switches {
    fn default() -> Self {
        Switches {
            latency: Duration::ZERO,
            outage: false,
            hang: false,
            fail_next: None,
        }
    }
}

/// A handle on the register's switches and call record; clones share them.
#[derive(Clone)]
pub struct RegisterControl {
    inner: Arc<Inner>,
}

struct Inner {
    switches: Mutex<Switches>,
    calls: Mutex<Calls>,
    /// Bumped to wake every request waiting in a hang or latency (switch off, reset, shutdown).
    release: watch::Sender<u64>,
}

#[derive(Default)]
struct Calls {
    next_seq: u64,
    kept: VecDeque<RegisterCall>,
}

/// The state is plain data that no panic leaves half-written, so a poisoned lock is still
/// safe to use.
fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

/// What a request must do before the register looks at it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Misbehaviour {
    /// Answer 503 at once.
    Outage,
    /// Wait [`HANG`] (or until released), then answer 503.
    Hang,
    /// Wait, then go on.
    Delay(Duration),
}

impl Default for RegisterControl {
    fn default() -> Self {
        RegisterControl::new()
    }
}

impl RegisterControl {
    pub fn new() -> RegisterControl {
        RegisterControl {
            inner: Arc::new(Inner {
                switches: Mutex::new(Switches::default()),
                calls: Mutex::new(Calls::default()),
                release: watch::Sender::new(0),
            }),
        }
    }

    /// Every answer waits this long first.
    pub fn set_latency(&self, latency: Duration) {
        lock(&self.inner.switches).latency = latency;
        if latency.is_zero() {
            self.release();
        }
    }

    /// The next `count` requests answer `status` (a 4xx or 5xx; anything else is taken as
    /// 500) before anything is checked.
    pub fn fail_next(&self, count: u32, status: u16) {
        let status = if (400..=599).contains(&status) {
            status
        } else {
            500
        };
        lock(&self.inner.switches).fail_next = (count > 0).then_some(FailNext { count, status });
    }

    /// While on, every request answers 503 at once.
    pub fn set_outage(&self, on: bool) {
        lock(&self.inner.switches).outage = on;
    }

    /// While on, requests get no answer in useful time (60 s). Switching it off lets the
    /// waiting requests answer 503.
    pub fn set_hang(&self, on: bool) {
        lock(&self.inner.switches).hang = on;
        if !on {
            self.release();
        }
    }

    /// Every switch off and the call record emptied.
    pub fn reset(&self) {
        *lock(&self.inner.switches) = Switches::default();
        *lock(&self.inner.calls) = Calls::default();
        self.release();
    }

    pub fn switches(&self) -> Switches {
        lock(&self.inner.switches).clone()
    }

    /// Every call kept, oldest first.
    pub fn calls(&self) -> Vec<RegisterCall> {
        lock(&self.inner.calls).kept.iter().cloned().collect()
    }

    /// Wakes every request waiting in a hang or a latency.
    pub(crate) fn release(&self) {
        self.inner
            .release
            .send_modify(|generation| *generation += 1);
    }

    pub(crate) fn released(&self) -> watch::Receiver<u64> {
        self.inner.release.subscribe()
    }

    /// What the switches say about the request arriving now.
    pub(crate) fn on_arrival(&self) -> Misbehaviour {
        let switches = lock(&self.inner.switches);
        if switches.outage {
            Misbehaviour::Outage
        } else if switches.hang {
            Misbehaviour::Hang
        } else {
            Misbehaviour::Delay(switches.latency)
        }
    }

    /// Takes one of the planned failures, if any is left.
    pub(crate) fn take_failure(&self) -> Option<StatusCode> {
        let mut switches = lock(&self.inner.switches);
        let plan = switches.fail_next.as_mut()?;
        let status = StatusCode::from_u16(plan.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        plan.count = plan.count.saturating_sub(1);
        if plan.count == 0 {
            switches.fail_next = None;
        }
        Some(status)
    }

    /// Records an arriving call and returns its number, to fill in the answer later.
    pub(crate) fn record(&self, mut call: RegisterCall) -> u64 {
        let mut calls = lock(&self.inner.calls);
        calls.next_seq += 1;
        call.seq = calls.next_seq;
        calls.kept.push_back(call);
        while calls.kept.len() > KEPT_CALLS {
            calls.kept.pop_front();
        }
        calls.next_seq
    }

    pub(crate) fn answered(&self, seq: u64, status: StatusCode, error: Option<&str>) {
        let mut calls = lock(&self.inner.calls);
        // Recent calls are at the back; a reset in between may have forgotten this one.
        if let Some(call) = calls.kept.iter_mut().rev().find(|c| c.seq == seq) {
            call.status = Some(status.as_u16());
            call.error = error.map(str::to_owned);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn call() -> RegisterCall {
        RegisterCall {
            seq: 0,
            protocol: "motcua",
            pin: "001207001234".into(),
            fields: vec!["pin".into()],
            purpose: None,
            requester: None,
            request_id: None,
            status: None,
            error: None,
            at: Utc::now(),
        }
    }

    #[test]
    fn planned_failures_run_out() {
        let control = RegisterControl::new();
        control.fail_next(2, 503);
        assert_eq!(
            control.take_failure(),
            Some(StatusCode::SERVICE_UNAVAILABLE)
        );
        assert_eq!(
            control.take_failure(),
            Some(StatusCode::SERVICE_UNAVAILABLE)
        );
        assert_eq!(control.take_failure(), None);
        control.fail_next(1, 200);
        assert_eq!(
            control.take_failure(),
            Some(StatusCode::INTERNAL_SERVER_ERROR)
        );
    }

    #[test]
    fn outage_wins_over_hang_and_latency() {
        let control = RegisterControl::new();
        control.set_latency(Duration::from_millis(5));
        assert_eq!(
            control.on_arrival(),
            Misbehaviour::Delay(Duration::from_millis(5))
        );
        control.set_hang(true);
        assert_eq!(control.on_arrival(), Misbehaviour::Hang);
        control.set_outage(true);
        assert_eq!(control.on_arrival(), Misbehaviour::Outage);
        control.reset();
        assert_eq!(control.on_arrival(), Misbehaviour::Delay(Duration::ZERO));
    }

    #[test]
    fn calls_are_numbered_answered_and_reset() {
        let control = RegisterControl::new();
        let seq = control.record(call());
        assert_eq!(control.calls()[0].status, None);
        control.answered(seq, StatusCode::OK, None);
        assert_eq!(control.calls()[0].status, Some(200));
        assert_eq!(control.record(call()), 2);
        control.reset();
        assert!(control.calls().is_empty());
    }

    #[tokio::test]
    async fn switching_the_hang_off_wakes_waiters() {
        let control = RegisterControl::new();
        let mut released = control.released();
        control.set_hang(true);
        let waiter = tokio::spawn(async move { released.changed().await.is_ok() });
        control.set_hang(false);
        let woke = tokio::time::timeout(Duration::from_secs(5), waiter).await;
        assert!(woke.unwrap().unwrap());
    }
}
