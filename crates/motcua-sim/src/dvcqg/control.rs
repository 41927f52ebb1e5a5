//! The DVCQG stand-in's switches, its sessions and its record: tests make it refuse, time
//! out or go down, and read what it received and kept, in order.

use chrono::{DateTime, Utc};
use serde::Serialize;
use serde_json::Value;
use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant};
use tokio::sync::watch;

/// How long a hung request waits before answering anyway: beyond any client's patience.
pub const HANG: Duration = Duration::from_secs(60);

/// One request to the service endpoint, as the stand-in saw it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DvcqgCall {
    /// Order of arrival, from 1.
    pub seq: u64,
    pub service: String,
    /// `isUpdating` of `DongBoHoSoMC`.
    pub updating: Option<bool>,
    /// `MaHoSo` of the first item.
    pub dossier_code: Option<String>,
    /// The `Idempotency-Key` header.
    pub key: Option<String>,
    /// The first item of `data`, as sent.
    pub data: Value,
    /// The HTTP status and the `error_code` and `message` answered.
    pub status: u16,
    pub error_code: String,
    pub message: String,
    /// A re-send of a key already taken: answered as before, not applied again.
    pub replayed: bool,
    pub at: DateTime<Utc>,
}

impl DvcqgCall {
    /// Taken and applied (not a refusal, not a replay).
    pub fn applied(&self) -> bool {
        self.status == 200 && self.error_code == "0" && !self.replayed
    }
}

/// The switches' current values.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Switches {
    /// Every request answers 503 at once (the gateway in front of a stopped adapter).
    pub outage: bool,
    /// Requests get no answer in useful time ([`HANG`]) and are not applied.
    pub hang: bool,
    /// Requests are applied, then answered this late: past the client's timeout, the answer
    /// is lost after the change was made.
    pub latency_ms: u64,
    /// The next payloads refused with `error_code` -1 and this message.
    pub refuse_next: Option<(u32, String)>,
}

/// A handle on the stand-in's state; clones share it.
#[derive(Clone)]
pub struct DvcqgControl {
    inner: Arc<Inner>,
}

struct Inner {
    switches: Mutex<Switches>,
    state: Mutex<State>,
    release: watch::Sender<u64>,
}

#[derive(Default)]
struct State {
    calls: Vec<DvcqgCall>,
    /// Session tokens and when they were given.
    sessions: HashMap<String, Instant>,
    session_lifetime: Option<Duration>,
    logins: u64,
    /// Keys of the calls applied, and what they were answered.
    applied_keys: HashSet<String>,
    /// The dossiers created, by code.
    dossiers: HashSet<String>,
    /// The dossiers filed on the national portal itself (and pushed to the province), by
    /// their national code: their statuses are taken.
    national_dossiers: HashSet<String>,
    /// The national catalogue (`LayDanhSachTTHC`); `None`: [`default_catalogue`].
    catalogue: Option<Vec<Value>>,
}

/// The national codes of the procedures motcua ships, as the catalogue lists them.
fn default_catalogue() -> Vec<Value> {
    [
        (
            "1.004889",
            "Công nhận văn bằng tốt nghiệp các cấp học phổ thông do cơ sở giáo dục nước ngoài cấp",
        ),
        ("1.005142", "Đăng ký dự thi tốt nghiệp trung học phổ thông"),
        ("3.000465", "Cấp bản sao văn bằng, chứng chỉ từ sổ gốc"),
        ("3.000466", "Chỉnh sửa nội dung văn bằng, chứng chỉ"),
    ]
    .into_iter()
    .map(|(code, name)| serde_json::json!({ "MaTTHC": code, "TenTTHC": name }))
    .collect()
}

/// Plain data no panic leaves half-written: a poisoned lock is still usable.
fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

impl Default for DvcqgControl {
    fn default() -> Self {
        DvcqgControl::new()
    }
}

/// Sessions last this long unless a test shortens them.
const SESSION_LIFETIME: Duration = Duration::from_secs(1800);

impl DvcqgControl {
    pub fn new() -> Self {
        DvcqgControl {
            inner: Arc::new(Inner {
                switches: Mutex::new(Switches::default()),
                state: Mutex::new(State::default()),
                release: watch::Sender::new(0),
            }),
        }
    }

    pub fn set_outage(&self, on: bool) {
        lock(&self.inner.switches).outage = on;
    }

    pub fn set_hang(&self, on: bool) {
        lock(&self.inner.switches).hang = on;
        if !on {
            self.release();
        }
    }

    pub fn set_latency(&self, latency: Duration) {
        lock(&self.inner.switches).latency_ms =
            u64::try_from(latency.as_millis()).unwrap_or(u64::MAX);
        if latency.is_zero() {
            self.release();
        }
    }

    /// The next `count` payloads are refused with `message`.
    pub fn refuse_next(&self, count: u32, message: &str) {
        lock(&self.inner.switches).refuse_next = (count > 0).then(|| (count, message.to_owned()));
    }

    /// Sessions given from now on (and those held) expire after `lifetime`.
    pub fn set_session_lifetime(&self, lifetime: Duration) {
        lock(&self.inner.state).session_lifetime = Some(lifetime);
    }

    /// Every switch off; the record, the sessions and the dossiers forgotten.
    pub fn reset(&self) {
        *lock(&self.inner.switches) = Switches::default();
        *lock(&self.inner.state) = State::default();
        self.release();
    }

    pub fn switches(&self) -> Switches {
        lock(&self.inner.switches).clone()
    }

    /// Every call to the service endpoint, oldest first.
    pub fn calls(&self) -> Vec<DvcqgCall> {
        lock(&self.inner.state).calls.clone()
    }

    /// Every session given so far stops being accepted (as when the adapter restarts).
    pub fn expire_sessions(&self) {
        lock(&self.inner.state).sessions.clear();
    }

    /// A dossier filed on the national portal with this code: its statuses are taken.
    pub fn file_national_dossier(&self, national_code: &str) {
        lock(&self.inner.state)
            .national_dossiers
            .insert(national_code.to_owned());
    }

    /// The national catalogue answered from now on: each item's `MaTTHC` and `TenTTHC`.
    pub fn set_catalogue(&self, procedures: &[(&str, &str)]) {
        lock(&self.inner.state).catalogue = Some(
            procedures
                .iter()
                .map(|(code, name)| serde_json::json!({ "MaTTHC": code, "TenTTHC": name }))
                .collect(),
        );
    }

    pub(crate) fn catalogue(&self) -> Vec<Value> {
        lock(&self.inner.state)
            .catalogue
            .clone()
            .unwrap_or_else(default_catalogue)
    }

    pub(crate) fn national_dossier_exists(&self, code: &str) -> bool {
        lock(&self.inner.state).national_dossiers.contains(code)
    }

    /// How many sessions were given.
    pub fn logins(&self) -> u64 {
        lock(&self.inner.state).logins
    }

    pub(crate) fn release(&self) {
        self.inner.release.send_modify(|g| *g += 1);
    }

    pub(crate) fn released(&self) -> watch::Receiver<u64> {
        self.inner.release.subscribe()
    }

    pub(crate) fn new_session(&self, token: String) {
        let mut state = lock(&self.inner.state);
        state.logins += 1;
        state.sessions.insert(token, Instant::now());
    }

    pub(crate) fn session_valid(&self, token: &str) -> bool {
        let state = lock(&self.inner.state);
        let lifetime = state.session_lifetime.unwrap_or(SESSION_LIFETIME);
        state
            .sessions
            .get(token)
            .is_some_and(|since| since.elapsed() < lifetime)
    }

    /// Takes one planned refusal, if any is left.
    pub(crate) fn take_refusal(&self) -> Option<String> {
        let mut switches = lock(&self.inner.switches);
        let (count, message) = switches.refuse_next.as_mut()?;
        let message = message.clone();
        *count = count.saturating_sub(1);
        if *count == 0 {
            switches.refuse_next = None;
        }
        Some(message)
    }

    pub(crate) fn was_applied(&self, key: &str) -> bool {
        lock(&self.inner.state).applied_keys.contains(key)
    }

    pub(crate) fn dossier_exists(&self, code: &str) -> bool {
        lock(&self.inner.state).dossiers.contains(code)
    }

    /// Records a call; an applied one remembers its key and, for a creation, its dossier.
    pub(crate) fn record(&self, mut call: DvcqgCall) {
        let mut state = lock(&self.inner.state);
        call.seq = state.calls.len() as u64 + 1;
        if call.applied() {
            if let Some(key) = &call.key {
                state.applied_keys.insert(key.clone());
            }
            if call.updating == Some(false) {
                if let Some(code) = &call.dossier_code {
                    state.dossiers.insert(code.clone());
                }
            }
        }
        state.calls.push(call);
    }
}
