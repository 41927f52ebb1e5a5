//! Fees and their payment through the national payment platform (docs/INTEGRATIONS.md,
//! Payments).
//!
//! The procedure file's `fees` make a dossier's bills (`motcua_core::fees`). A bill due at
//! reception or at the result is opened by the step that makes it due, in that step's
//! unit of work, with a `payment_requested` event; one due before submission is opened
//! when the citizen starts paying the draft. While a bill is open the dossier takes no step
//! that carries it on ([`gate`]); the submission of a draft waits for its bill likewise.
//!
//! A payment: the citizen starts it ([`start`]): a `payment_started` event, the payment
//! row and an outbox message `payment_init`, one unit of work; the outbox's deliverer
//! (`crate::outbox::paygov`) sends the platform's INIT and keeps the URL the citizen is sent
//! to. The platform's callback ([`callback`]) is believed only when its MAC, partner,
//! reference, amount and currency match; then the payment is paid (or failed), with a
//! `payment_received` event and an outbox message `payment_receipt` that fetches the
//! electronic receipt into the citizen's store. A callback that comes twice changes nothing
//! the second time. Payments still open after `reconcile_after` are asked about
//! ([`reconcile`] writes `payment_query` messages): a callback lost, or a payment failed
//! and captured later, ends paid all the same. When a dossier ends without its result after
//! it was paid (refused, stopped, withdrawn), its bills are marked refund due, with a
//! `payment_refund_due` event.

use crate::lookup::{find_visible, lock_visible, procedure_of};
use crate::store::events::NewEvent;
use crate::store::outbox::NewMessage;
use crate::store::payments::{
    BillRecord, NewBill, NewPayment, PaymentRecord, PaymentSettled, BILL_OPEN, BILL_PAID, FAILED,
    INITIATED, INITIATING, PAID,
};
use crate::store::Session;
use crate::{Code, ServiceError, Services};
use chrono::{DateTime, Utc};
use motcua_core::dossier::{Channel, Dossier, DRAFT};
use motcua_core::fees::{self, Bill};
use motcua_core::principal::Principal;
use motcua_core::procedure::{Action, FeeDue, Procedure};
use motcua_paygov::{Callback, PaymentPlatform, CURRENCY, SUCCESS};
use serde::Serialize;
use serde_json::{json, Value};
use std::sync::Arc;
use std::time::Duration;
use uuid::Uuid;

/// The outbox target of the payment platform's messages. Its messages have no dossier (no
/// order to keep with the national portal's) and refer to the payment's `payment_started`
/// event.
pub const TARGET: &str = "paygov";
/// Send the platform's INIT for a payment started.
pub const INIT: &str = "payment_init";
/// Ask the platform a payment's state (reconciliation).
pub const QUERY: &str = "payment_query";
/// Fetch a paid payment's electronic receipt into the citizen's store.
pub const RECEIPT: &str = "payment_receipt";

/// The timeline events of payments, on which notifications hook.
pub const EVENT_REQUESTED: &str = "payment_requested";
pub const EVENT_STARTED: &str = "payment_started";
pub const EVENT_RECEIVED: &str = "payment_received";
pub const EVENT_FAILED: &str = "payment_failed";
pub const EVENT_RECEIPT: &str = "payment_receipt_stored";
pub const EVENT_REFUND_DUE: &str = "payment_refund_due";

/// The platform and how the engine uses it.
pub struct Payments {
    pub platform: Arc<dyn PaymentPlatform>,
    /// A payment not settled this long after its last change is asked about.
    pub reconcile_after: Duration,
    /// The engine's public URL (the portal the citizen returns to).
    pub public_url: String,
}

/// A dossier's bills: those opened, and those still to fall due as the dossier is now.
#[derive(Debug, Serialize)]
pub struct BillsView {
    pub bills: Vec<BillRecord>,
    pub upcoming: Vec<Bill>,
    pub payments: Vec<PaymentRecord>,
    /// Whether the dossier waits for a payment now.
    pub payment_due: bool,
}

fn due_name(due: FeeDue) -> &'static str {
    due.as_str()
}

/// The dossier's bills, for whoever may see it.
pub async fn bills(
    services: &Services,
    principal: &Principal,
    id: Uuid,
) -> Result<BillsView, ServiceError> {
    let mut db = services.store.session().await?;
    let dossier = find_visible(&mut *db, principal, id).await?;
    let procedure = procedure_of(&services.catalog, &dossier)?;
    let kept = db.bills_of(id).await?;
    let payments = db.payments_of(id).await?;
    let upcoming: Vec<Bill> = fees::bills(procedure, &dossier.data)
        .into_iter()
        .filter(|b| !b.is_free() && !kept.iter().any(|k| k.due == due_name(b.due)))
        .collect();
    let before_submission_due =
        dossier.state == DRAFT && upcoming.iter().any(|b| b.due == FeeDue::BeforeSubmission);
    let payment_due = before_submission_due || kept.iter().any(|b| b.state == BILL_OPEN);
    Ok(BillsView {
        bills: kept,
        upcoming,
        payments,
        payment_due,
    })
}

fn payment_required(bill: &BillRecord, doing: &str) -> ServiceError {
    ServiceError::new(
        Code::PaymentRequired,
        format!(
            "{doing} waits for the payment of the dossier's fees due {} ({} đồng): GET /v1/dossiers/{{id}}/bill, then POST /v1/dossiers/{{id}}/payments",
            bill.due, bill.amount_vnd
        ),
    )
}

/// Refuses `action` while the dossier has an open bill and the action carries it on.
pub async fn gate(
    tx: &mut dyn Session,
    procedure: &Procedure,
    dossier: &Dossier,
    action: &Action,
) -> Result<(), ServiceError> {
    if !fees::waits_for_payment(procedure, action) || procedure.spec().fees.is_empty() {
        return Ok(());
    }
    let bills = tx.bills_of(dossier.id).await?;
    match bills.iter().find(|b| b.state == BILL_OPEN) {
        Some(open) => Err(payment_required(open, &format!("`{}`", action.name))),
        None => Ok(()),
    }
}

/// Refuses the submission of a draft whose fees due before submission are not paid.
pub async fn gate_submission(
    tx: &mut dyn Session,
    procedure: &Procedure,
    draft: &Dossier,
) -> Result<(), ServiceError> {
    let bill = fees::bill(procedure, FeeDue::BeforeSubmission, &draft.data);
    if bill.is_free() {
        return Ok(());
    }
    let kept = tx.bills_of(draft.id).await?;
    let paid = kept.iter().any(|b| {
        b.due == due_name(FeeDue::BeforeSubmission)
            && b.state == BILL_PAID
            && u64::try_from(b.amount_vnd).is_ok_and(|a| a >= bill.total_vnd)
    });
    if paid {
        return Ok(());
    }
    Err(ServiceError::new(
        Code::PaymentRequired,
        format!(
            "the submission waits for the payment of the fees due before submission ({} đồng): POST /v1/dossiers/{{id}}/payments",
            bill.total_vnd
        ),
    ))
}

fn event<'a>(
    dossier: &'a Dossier,
    at: DateTime<Utc>,
    actor_kind: &'a str,
    actor: &'a str,
    action: &'a str,
    detail: Value,
) -> NewEvent<'a> {
    NewEvent {
        dossier_id: dossier.id,
        at,
        actor_kind,
        actor,
        action,
        from_state: Some(&dossier.state),
        to_state: &dossier.state,
        comment: None,
        detail,
    }
}

/// Opens the bill `due` of `dossier` if it has one to pay, with its `payment_requested`
/// event: the bill's id.
async fn open_bill(
    services: &Services,
    tx: &mut dyn Session,
    procedure: &Procedure,
    dossier: &Dossier,
    due: FeeDue,
    now: DateTime<Utc>,
) -> Result<Option<i64>, ServiceError> {
    let bill = fees::bill(procedure, due, &dossier.data);
    if bill.is_free() {
        return Ok(None);
    }
    let amount = i64::try_from(bill.total_vnd).map_err(ServiceError::internal)?;
    let lines = serde_json::to_value(&bill.lines).map_err(ServiceError::internal)?;
    let Some(id) = tx
        .open_bill(&NewBill {
            dossier_id: dossier.id,
            due: due_name(due),
            lines: lines.clone(),
            amount_vnd: amount,
            opened_at: now,
        })
        .await?
    else {
        return Ok(None);
    };
    let event_id = tx
        .append_event(event(
            dossier,
            now,
            "system",
            "fees",
            EVENT_REQUESTED,
            json!({ "bill": id, "due": due_name(due), "amount_vnd": amount, "lines": lines }),
        ))
        .await?;
    crate::notify::tell_citizen(tx, services, dossier, event_id, &[EVENT_REQUESTED]).await?;
    Ok(Some(id))
}

/// What a step taken (`action`, the dossier now `updated`) does to the bills: opens the
/// one it makes due, or marks what was paid refund due when it ends the dossier without
/// its result. In the step's unit of work.
pub async fn after_step(
    services: &Services,
    tx: &mut dyn Session,
    procedure: &Procedure,
    updated: &Dossier,
    action: &Action,
    now: DateTime<Utc>,
) -> Result<(), ServiceError> {
    if procedure.spec().fees.is_empty() {
        return Ok(());
    }
    // At the counter, the desk collects the fees itself (cash, card): no bill is kept.
    if let Some(due) = fees::falls_due_with(action).filter(|_| updated.channel != Channel::Counter)
    {
        open_bill(services, tx, procedure, updated, due, now).await?;
    }
    if fees::ends_without_result(procedure, action) {
        for bill in tx.mark_refunds_due(updated.id, now).await? {
            tx.append_event(event(
                updated,
                now,
                "system",
                "fees",
                EVENT_REFUND_DUE,
                json!({ "bill": bill }),
            ))
            .await?;
        }
    }
    Ok(())
}

fn platform(services: &Services) -> Result<&Payments, ServiceError> {
    services.payments.as_deref().ok_or_else(|| {
        ServiceError::new(
            Code::PaymentsUnavailable,
            "online payment is not configured (PAYGOV_URL)",
        )
    })
}

/// The citizen starts paying the dossier's open bill: the payment (201), or the one already
/// under way for that bill.
pub async fn start(
    services: &Services,
    principal: &Principal,
    id: Uuid,
) -> Result<(bool, PaymentRecord), ServiceError> {
    platform(services)?;
    let pin = crate::checks::citizen_only(
        principal,
        "the citizen whose dossier it is pays its fees online; staff record a payment at the counter",
    )?;
    let now = services.clock.now();
    let mut tx = services.store.begin().await?;
    let dossier = lock_visible(&mut *tx, principal, id).await?;
    if dossier.citizen_pin != pin.as_str() {
        return Err(ServiceError::dossier_not_found());
    }
    let procedure = procedure_of(&services.catalog, &dossier)?;
    if dossier.state == DRAFT {
        open_bill(
            services,
            &mut *tx,
            procedure,
            &dossier,
            FeeDue::BeforeSubmission,
            now,
        )
        .await?;
    }
    let bills = tx.bills_of(id).await?;
    let Some(bill) = bills.into_iter().find(|b| b.state == BILL_OPEN) else {
        return Err(ServiceError::new(
            Code::NothingToPay,
            "the dossier has no fee to pay now",
        ));
    };
    let payments = tx.payments_of(id).await?;
    if let Some(under_way) = payments
        .iter()
        .find(|p| p.bill_id == bill.id && (p.state == INITIATING || p.state == INITIATED))
    {
        let under_way = under_way.clone();
        tx.commit().await?;
        return Ok((false, under_way));
    }
    let reference = reference(&dossier, now, payments.len());
    let event_id = tx
        .append_event(event(
            &dossier,
            now,
            "citizen",
            principal.subject(),
            EVENT_STARTED,
            json!({ "bill": bill.id, "reference": reference, "amount_vnd": bill.amount_vnd }),
        ))
        .await?;
    tx.record_payment(&NewPayment {
        bill_id: bill.id,
        dossier_id: id,
        reference: &reference,
        amount_vnd: bill.amount_vnd,
        event_id,
    })
    .await?;
    tx.enqueue(&[NewMessage {
        target: TARGET,
        kind: INIT,
        dossier_id: None,
        event_id: Some(event_id),
    }])
    .await?;
    let payment = tx
        .lock_payment(&reference)
        .await?
        .ok_or_else(|| ServiceError::internal("the payment just written is not found"))?;
    tx.commit().await?;
    Ok((true, payment))
}

/// `MaThamChieu`: the dossier's code (or id) and the time, unique per payment.
fn reference(dossier: &Dossier, now: DateTime<Utc>, earlier: usize) -> String {
    let base = dossier
        .code
        .clone()
        .unwrap_or_else(|| dossier.id.simple().to_string()[..12].to_owned());
    let at = crate::time::in_vietnam(now).format("%Y%m%d%H%M%S");
    format!("{base}-{at}-{}", earlier + 1)
}

/// What a callback came to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CallbackOutcome {
    Paid,
    Failed,
    /// The same outcome told again: nothing changed.
    AlreadyKnown,
}

fn refused(why: impl Into<String>) -> ServiceError {
    ServiceError::new(Code::PaymentCallbackRefused, why)
}

/// The platform's callback: believed only when everything matches; nothing changes
/// otherwise.
pub async fn callback(
    services: &Services,
    callback: &Callback,
) -> Result<CallbackOutcome, ServiceError> {
    let payments = platform(services)?;
    if !payments
        .platform
        .verify(&callback.mac_fields(), &callback.ma_xac_thuc)
    {
        tracing::warn!(reference = %callback.ma_tham_chieu, "payment callback with a wrong MAC refused");
        return Err(refused("MaXacThuc does not match"));
    }
    if callback.ma_doi_tac != payments.platform.partner_code() {
        return Err(refused("MaDoiTac is not this engine's partner code"));
    }
    if callback.ma_tien_te != CURRENCY {
        return Err(refused("MaTienTe is not VND"));
    }
    let now = services.clock.now();
    let mut tx = services.store.begin().await?;
    let Some(payment) = tx.lock_payment(&callback.ma_tham_chieu).await? else {
        return Err(refused("no payment has this MaThamChieu"));
    };
    if callback.so_tien.trim() != payment.amount_vnd.to_string() {
        tracing::warn!(reference = %payment.reference, "payment callback with a wrong amount refused");
        return Err(refused(format!(
            "SoTien {} is not the payment's amount",
            callback.so_tien.chars().take(20).collect::<String>()
        )));
    }
    let outcome = if callback.ma_loi == SUCCESS {
        if payment.state == PAID {
            if payment.transaction_code.as_deref() == Some(callback.ma_giao_dich.as_str()) {
                CallbackOutcome::AlreadyKnown
            } else {
                return Err(refused("the payment was paid by another transaction"));
            }
        } else {
            mark_paid(
                services,
                &mut *tx,
                &payment,
                Some(&callback.ma_giao_dich),
                Some(&callback.ma_ngan_hang),
                now,
                "callback",
            )
            .await?;
            CallbackOutcome::Paid
        }
    } else if payment.state == PAID {
        // A failure told after the payment was paid (late, or out of order) changes nothing.
        CallbackOutcome::AlreadyKnown
    } else if payment.state == FAILED && payment.last_error.as_deref() == Some(&callback.ma_loi) {
        CallbackOutcome::AlreadyKnown
    } else {
        mark_failed(services, &mut *tx, &payment, &callback.ma_loi, now).await?;
        CallbackOutcome::Failed
    };
    tx.commit().await?;
    Ok(outcome)
}

async fn dossier_of(
    tx: &mut dyn Session,
    payment: &PaymentRecord,
) -> Result<Dossier, ServiceError> {
    tx.dossier(payment.dossier_id)
        .await?
        .ok_or_else(|| ServiceError::internal("a payment's dossier is not found"))
}

/// The payment is paid (by the callback or the reconciliation `how`): its bill is paid,
/// the timeline says so, and the receipt is fetched.
pub(crate) async fn mark_paid(
    services: &Services,
    tx: &mut dyn Session,
    payment: &PaymentRecord,
    transaction_code: Option<&str>,
    bank_code: Option<&str>,
    now: DateTime<Utc>,
    how: &str,
) -> Result<(), ServiceError> {
    tx.settle_payment(
        payment.id,
        &PaymentSettled {
            state: PAID,
            transaction_code,
            bank_code,
            error: None,
            at: now,
        },
    )
    .await?;
    tx.mark_bill_paid(payment.bill_id, now).await?;
    let dossier = dossier_of(tx, payment).await?;
    let event_id = tx
        .append_event(event(
            &dossier,
            now,
            "system",
            "paygov",
            EVENT_RECEIVED,
            json!({
                "reference": payment.reference, "amount_vnd": payment.amount_vnd,
                "transaction": transaction_code, "bank": bank_code, "via": how,
            }),
        ))
        .await?;
    crate::notify::tell_citizen(tx, services, &dossier, event_id, &[EVENT_RECEIVED]).await?;
    tx.enqueue(&[NewMessage {
        target: TARGET,
        kind: RECEIPT,
        dossier_id: None,
        event_id: Some(payment.event_id),
    }])
    .await?;
    Ok(())
}

pub(crate) async fn mark_failed(
    _services: &Services,
    tx: &mut dyn Session,
    payment: &PaymentRecord,
    error: &str,
    now: DateTime<Utc>,
) -> Result<(), ServiceError> {
    tx.settle_payment(
        payment.id,
        &PaymentSettled {
            state: FAILED,
            transaction_code: None,
            bank_code: None,
            error: Some(error),
            at: now,
        },
    )
    .await?;
    let dossier = dossier_of(tx, payment).await?;
    tx.append_event(event(
        &dossier,
        now,
        "system",
        "paygov",
        EVENT_FAILED,
        json!({ "reference": payment.reference, "error": error }),
    ))
    .await?;
    Ok(())
}

/// Writes a `payment_query` message for every payment not settled after
/// `reconcile_after`: how many.
pub async fn reconcile(services: &Services) -> Result<usize, ServiceError> {
    let Some(payments) = services.payments.as_deref() else {
        return Ok(0);
    };
    let mut tx = services.store.begin().await?;
    let open = tx
        .take_payments_to_reconcile(payments.reconcile_after, 200)
        .await?;
    let messages: Vec<NewMessage<'_>> = open
        .iter()
        .map(|p| NewMessage {
            target: TARGET,
            kind: QUERY,
            dossier_id: None,
            event_id: Some(p.event_id),
        })
        .collect();
    tx.enqueue(&messages).await?;
    tx.commit().await?;
    if !open.is_empty() {
        tracing::info!(payments = open.len(), "open payments asked about");
    }
    Ok(open.len())
}
