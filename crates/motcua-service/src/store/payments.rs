//! Bills and payments (`migrations/20261209000001_payments.sql`).

use super::StoreError;
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use serde::Serialize;
use serde_json::Value;
use uuid::Uuid;

/// Bill states.
pub const BILL_OPEN: &str = "open";
pub const BILL_PAID: &str = "paid";
pub const BILL_REFUND_DUE: &str = "refund_due";
pub const BILL_REFUNDED: &str = "refunded";

/// Payment states.
pub const INITIATING: &str = "initiating";
pub const INITIATED: &str = "initiated";
pub const PAID: &str = "paid";
pub const FAILED: &str = "failed";

/// A bill to write.
pub struct NewBill<'a> {
    pub dossier_id: Uuid,
    pub due: &'a str,
    pub lines: Value,
    pub amount_vnd: i64,
    pub opened_at: DateTime<Utc>,
}

#[derive(Debug, Clone, Serialize)]
pub struct BillRecord {
    pub id: i64,
    #[serde(skip)]
    pub dossier_id: Uuid,
    pub due: String,
    pub lines: Value,
    pub amount_vnd: i64,
    pub state: String,
    pub opened_at: DateTime<Utc>,
    pub paid_at: Option<DateTime<Utc>>,
    pub refund_due_at: Option<DateTime<Utc>>,
    pub refunded_at: Option<DateTime<Utc>>,
}

/// A payment to write.
pub struct NewPayment<'a> {
    pub bill_id: i64,
    pub dossier_id: Uuid,
    pub reference: &'a str,
    pub amount_vnd: i64,
    pub event_id: i64,
}

#[derive(Debug, Clone, Serialize)]
pub struct PaymentRecord {
    #[serde(skip)]
    pub id: i64,
    #[serde(skip)]
    pub bill_id: i64,
    #[serde(skip)]
    pub dossier_id: Uuid,
    pub reference: String,
    pub amount_vnd: i64,
    pub state: String,
    #[serde(skip)]
    pub event_id: i64,
    pub redirect_url: Option<String>,
    pub transaction_code: Option<String>,
    pub bank_code: Option<String>,
    pub last_error: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub paid_at: Option<DateTime<Utc>>,
    /// The electronic receipt in the citizen's store, once fetched.
    pub receipt_document_id: Option<Uuid>,
    pub receipt_stored_at: Option<DateTime<Utc>>,
}

/// How a payment was settled by the platform.
pub struct PaymentSettled<'a> {
    pub state: &'a str,
    pub transaction_code: Option<&'a str>,
    pub bank_code: Option<&'a str>,
    pub error: Option<&'a str>,
    pub at: DateTime<Utc>,
}

#[async_trait]
pub trait PaymentRecords {
    /// Writes a bill; `None` when the dossier already has one for that moment.
    async fn open_bill(&mut self, bill: &NewBill<'_>) -> Result<Option<i64>, StoreError>;
    /// The dossier's bills, in the order they fell due.
    async fn bills_of(&mut self, dossier_id: Uuid) -> Result<Vec<BillRecord>, StoreError>;
    /// Marks bill `id` paid (an open one only); whether it changed.
    async fn mark_bill_paid(&mut self, id: i64, at: DateTime<Utc>) -> Result<bool, StoreError>;
    /// Marks the dossier's paid bills refund due; the ids changed.
    async fn mark_refunds_due(
        &mut self,
        dossier_id: Uuid,
        at: DateTime<Utc>,
    ) -> Result<Vec<i64>, StoreError>;
    /// Marks bill `id` refunded (a refund-due one only); whether it changed.
    async fn mark_refunded(&mut self, id: i64, at: DateTime<Utc>) -> Result<bool, StoreError>;
    async fn record_payment(&mut self, payment: &NewPayment<'_>) -> Result<i64, StoreError>;
    /// The payments of the dossier, newest first.
    async fn payments_of(&mut self, dossier_id: Uuid) -> Result<Vec<PaymentRecord>, StoreError>;
    /// The payment of `reference`, locked for the rest of the unit of work.
    async fn lock_payment(&mut self, reference: &str) -> Result<Option<PaymentRecord>, StoreError>;
    /// The payment started by event `event_id`, locked for the rest of the unit of work.
    async fn lock_payment_of_event(
        &mut self,
        event_id: i64,
    ) -> Result<Option<PaymentRecord>, StoreError>;
    /// The platform gave the payment's URL: initiating → initiated.
    async fn payment_initiated(&mut self, id: i64, redirect_url: &str) -> Result<(), StoreError>;
    async fn settle_payment(
        &mut self,
        id: i64,
        settled: &PaymentSettled<'_>,
    ) -> Result<(), StoreError>;
    async fn payment_receipt_stored(
        &mut self,
        id: i64,
        document_id: Uuid,
        at: DateTime<Utc>,
    ) -> Result<(), StoreError>;
    /// Payments not settled whose last change (or last query) is older than `older_than`,
    /// created in the last week, marked queried now: at most `limit`.
    /// For every dossier submitted in `[from, until)` (of `agency`, of `procedure` when
    /// given) that has a bill: whether every bill of it was paid online.
    async fn owing_dossiers(
        &mut self,
        from: DateTime<Utc>,
        until: DateTime<Utc>,
        agency: Option<&str>,
        procedure: Option<&str>,
    ) -> Result<Vec<bool>, StoreError>;
    async fn take_payments_to_reconcile(
        &mut self,
        older_than: std::time::Duration,
        limit: i64,
    ) -> Result<Vec<PaymentRecord>, StoreError>;
}
