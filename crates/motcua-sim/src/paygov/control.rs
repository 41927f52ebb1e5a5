//! The payment stand-in's state, switches and record.

use serde::Serialize;
use serde_json::{json, Value};
use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

/// What the stand-in does with the callback of a payment settled.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CallbackMode {
    /// One genuine callback.
    #[default]
    Normal,
    /// None at all (lost on the way): only a QUERY finds the outcome.
    Lose,
    /// The genuine callback, sent twice.
    Twice,
    /// A callback whose MAC is wrong, instead of the genuine one.
    Forged,
}

/// A payment the platform knows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SimPayment {
    pub reference: String,
    pub amount: String,
    /// `pending`, `paid` or `failed`.
    pub state: String,
    pub transaction: String,
    /// The INIT as received (its receipt data included).
    pub init: Value,
}

/// A callback the stand-in sent, and the partner's answer.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SentCallback {
    pub reference: String,
    pub body: Value,
    /// The HTTP status answered, or 0 when the partner did not answer.
    pub status: u16,
}

#[derive(Default)]
struct State {
    payments: HashMap<String, SimPayment>,
    callback_url: Option<String>,
    mode: CallbackMode,
    sent: Vec<SentCallback>,
    queries: Vec<String>,
    /// INITs refused with this `MaLoi` while set.
    refuse_init: Option<String>,
    next_transaction: u64,
}

/// A handle on the stand-in's state; clones share it.
#[derive(Clone, Default)]
pub struct PaygovControl {
    state: Arc<Mutex<State>>,
}

impl PaygovControl {
    pub fn new() -> Self {
        Self::default()
    }

    fn state(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Where callbacks go (the partner registers it with the platform).
    pub fn set_callback_url(&self, url: &str) {
        self.state().callback_url = Some(url.to_owned());
    }

    pub fn set_mode(&self, mode: CallbackMode) {
        self.state().mode = mode;
    }

    pub fn mode(&self) -> CallbackMode {
        self.state().mode
    }

    /// INITs are refused with `code` (or taken again with `None`).
    pub fn refuse_init(&self, code: Option<&str>) {
        self.state().refuse_init = code.map(str::to_owned);
    }

    pub(crate) fn init_refusal(&self) -> Option<String> {
        self.state().refuse_init.clone()
    }

    pub fn payments(&self) -> Vec<SimPayment> {
        let mut all: Vec<SimPayment> = self.state().payments.values().cloned().collect();
        all.sort_by(|a, b| a.reference.cmp(&b.reference));
        all
    }

    pub fn payment(&self, reference: &str) -> Option<SimPayment> {
        self.state().payments.get(reference).cloned()
    }

    /// The callbacks sent, in order.
    pub fn callbacks(&self) -> Vec<SentCallback> {
        self.state().sent.clone()
    }

    /// The references QUERY asked about, in order.
    pub fn queries(&self) -> Vec<String> {
        self.state().queries.clone()
    }

    pub(crate) fn record_query(&self, reference: &str) {
        self.state().queries.push(reference.to_owned());
    }

    /// Takes an INIT: a new payment, or the one of that reference (INIT sent again).
    pub(crate) fn take_init(&self, reference: &str, amount: &str, init: Value) {
        let mut state = self.state();
        state
            .payments
            .entry(reference.to_owned())
            .or_insert_with(|| SimPayment {
                reference: reference.to_owned(),
                amount: amount.to_owned(),
                state: "pending".into(),
                transaction: String::new(),
                init,
            });
    }

    /// Settles `reference` paid or failed at the platform: the callback to send (by the
    /// current mode), and where to. `None` when the payment is unknown.
    pub(crate) fn settle(&self, reference: &str, paid: bool) -> Option<(Option<String>, Value)> {
        let mut state = self.state();
        state.next_transaction += 1;
        let transaction = format!("GD{:010}", state.next_transaction);
        let url = state.callback_url.clone();
        let payment = state.payments.get_mut(reference)?;
        payment.state = if paid { "paid" } else { "failed" }.into();
        if paid {
            payment.transaction = transaction;
        }
        let payment = payment.clone();
        let partner = payment
            .init
            .get("MaDoiTac")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_owned();
        Some((url, callback_body(&payment, &partner, paid)))
    }

    pub(crate) fn record_sent(&self, sent: SentCallback) {
        self.state().sent.push(sent);
    }
}

/// The genuine callback of `payment`.
fn callback_body(payment: &SimPayment, partner: &str, paid: bool) -> Value {
    let ma_loi = if paid { "00" } else { "12" };
    let time = platform_time();
    let fields = [
        "PAY",
        ma_loi,
        partner,
        &payment.reference,
        &payment.amount,
        "VND",
        &payment.transaction,
        "NCB",
        &time,
        "Thanh toan phi, le phi",
    ];
    json!({
        "LoaiBanTin": fields[0], "MaLoi": fields[1], "MaDoiTac": fields[2],
        "MaThamChieu": fields[3], "SoTien": fields[4], "MaTienTe": fields[5],
        "MaGiaoDich": fields[6], "MaNganHang": fields[7], "ThoiGianGD": fields[8],
        "ThongTinGiaoDich": fields[9],
        "MaXacThuc": super::mac(&fields, super::DEV_SECRET),
    })
}

/// The platform's time format, in Vietnam's time (UTC+7).
pub(crate) fn platform_time() -> String {
    (chrono::Utc::now() + chrono::Duration::hours(7))
        .format("%Y%m%d%H%M%S")
        .to_string()
}
