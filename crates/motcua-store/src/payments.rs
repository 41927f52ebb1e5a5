//! Bills and payments' SQL (`migrations/20261209000001_payments.sql`).

use crate::DbError;
use chrono::{DateTime, Utc};
use motcua_service::store::payments::{
    BillRecord, NewBill, NewPayment, PaymentRecord, PaymentSettled,
};
use serde_json::Value;
use sqlx::PgConnection;
use std::time::Duration;
use uuid::Uuid;

#[derive(sqlx::FromRow)]
struct BillRow {
    id: i64,
    dossier_id: Uuid,
    due: String,
    lines: Value,
    amount_vnd: i64,
    state: String,
    opened_at: DateTime<Utc>,
    paid_at: Option<DateTime<Utc>>,
    refund_due_at: Option<DateTime<Utc>>,
    refunded_at: Option<DateTime<Utc>>,
}

impl From<BillRow> for BillRecord {
    fn from(r: BillRow) -> Self {
        BillRecord {
            id: r.id,
            dossier_id: r.dossier_id,
            due: r.due,
            lines: r.lines,
            amount_vnd: r.amount_vnd,
            state: r.state,
            opened_at: r.opened_at,
            paid_at: r.paid_at,
            refund_due_at: r.refund_due_at,
            refunded_at: r.refunded_at,
        }
    }
}

#[derive(sqlx::FromRow)]
struct PaymentRow {
    id: i64,
    bill_id: i64,
    dossier_id: Uuid,
    reference: String,
    amount_vnd: i64,
    state: String,
    event_id: i64,
    redirect_url: Option<String>,
    transaction_code: Option<String>,
    bank_code: Option<String>,
    last_error: Option<String>,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
    paid_at: Option<DateTime<Utc>>,
    receipt_document_id: Option<Uuid>,
    receipt_stored_at: Option<DateTime<Utc>>,
}

impl From<PaymentRow> for PaymentRecord {
    fn from(r: PaymentRow) -> Self {
        PaymentRecord {
            id: r.id,
            bill_id: r.bill_id,
            dossier_id: r.dossier_id,
            reference: r.reference,
            amount_vnd: r.amount_vnd,
            state: r.state,
            event_id: r.event_id,
            redirect_url: r.redirect_url,
            transaction_code: r.transaction_code,
            bank_code: r.bank_code,
            last_error: r.last_error,
            created_at: r.created_at,
            updated_at: r.updated_at,
            paid_at: r.paid_at,
            receipt_document_id: r.receipt_document_id,
            receipt_stored_at: r.receipt_stored_at,
        }
    }
}

const BILL_COLUMNS: &str = "id, dossier_id, due, lines, amount_vnd, state, opened_at, paid_at, \
                            refund_due_at, refunded_at";
const PAYMENT_COLUMNS: &str = "id, bill_id, dossier_id, reference, amount_vnd, state, event_id, \
                               redirect_url, transaction_code, bank_code, last_error, \
                               created_at, updated_at, paid_at, receipt_document_id, \
                               receipt_stored_at";

pub async fn open_bill(
    conn: &mut PgConnection,
    bill: &NewBill<'_>,
) -> Result<Option<i64>, DbError> {
    let id: Option<(i64,)> = sqlx::query_as(
        "insert into dossier_bill (dossier_id, due, lines, amount_vnd, opened_at)
         values ($1, $2, $3, $4, $5)
         on conflict (dossier_id, due) do nothing
         returning id",
    )
    .bind(bill.dossier_id)
    .bind(bill.due)
    .bind(&bill.lines)
    .bind(bill.amount_vnd)
    .bind(bill.opened_at)
    .fetch_optional(conn)
    .await?;
    Ok(id.map(|(id,)| id))
}

pub async fn bills_of(
    conn: &mut PgConnection,
    dossier_id: Uuid,
) -> Result<Vec<BillRecord>, DbError> {
    let rows: Vec<BillRow> = sqlx::query_as(&format!(
        "select {BILL_COLUMNS} from dossier_bill where dossier_id = $1 order by id"
    ))
    .bind(dossier_id)
    .fetch_all(conn)
    .await?;
    Ok(crate::records(rows))
}

pub async fn mark_bill_paid(
    conn: &mut PgConnection,
    id: i64,
    at: DateTime<Utc>,
) -> Result<bool, DbError> {
    let done = sqlx::query(
        "update dossier_bill set state = 'paid', paid_at = $2 where id = $1 and state = 'open'",
    )
    .bind(id)
    .bind(at)
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

pub async fn mark_refunds_due(
    conn: &mut PgConnection,
    dossier_id: Uuid,
    at: DateTime<Utc>,
) -> Result<Vec<i64>, DbError> {
    let ids: Vec<(i64,)> = sqlx::query_as(
        "update dossier_bill set state = 'refund_due', refund_due_at = $2
          where dossier_id = $1 and state = 'paid'
         returning id",
    )
    .bind(dossier_id)
    .bind(at)
    .fetch_all(conn)
    .await?;
    Ok(ids.into_iter().map(|(id,)| id).collect())
}

pub async fn mark_refunded(
    conn: &mut PgConnection,
    id: i64,
    at: DateTime<Utc>,
) -> Result<bool, DbError> {
    let done = sqlx::query(
        "update dossier_bill set state = 'refunded', refunded_at = $2
          where id = $1 and state = 'refund_due'",
    )
    .bind(id)
    .bind(at)
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

pub async fn record_payment(
    conn: &mut PgConnection,
    payment: &NewPayment<'_>,
) -> Result<i64, DbError> {
    let (id,): (i64,) = sqlx::query_as(
        "insert into payment (bill_id, dossier_id, reference, amount_vnd, event_id)
         values ($1, $2, $3, $4, $5) returning id",
    )
    .bind(payment.bill_id)
    .bind(payment.dossier_id)
    .bind(payment.reference)
    .bind(payment.amount_vnd)
    .bind(payment.event_id)
    .fetch_one(conn)
    .await?;
    Ok(id)
}

pub async fn payments_of(
    conn: &mut PgConnection,
    dossier_id: Uuid,
) -> Result<Vec<PaymentRecord>, DbError> {
    let rows: Vec<PaymentRow> = sqlx::query_as(&format!(
        "select {PAYMENT_COLUMNS} from payment where dossier_id = $1 order by id desc"
    ))
    .bind(dossier_id)
    .fetch_all(conn)
    .await?;
    Ok(crate::records(rows))
}

pub async fn lock_payment(
    conn: &mut PgConnection,
    reference: &str,
) -> Result<Option<PaymentRecord>, DbError> {
    let row: Option<PaymentRow> = sqlx::query_as(&format!(
        "select {PAYMENT_COLUMNS} from payment where reference = $1 for update"
    ))
    .bind(reference)
    .fetch_optional(conn)
    .await?;
    Ok(row.map(PaymentRecord::from))
}

pub async fn lock_payment_of_event(
    conn: &mut PgConnection,
    event_id: i64,
) -> Result<Option<PaymentRecord>, DbError> {
    let row: Option<PaymentRow> = sqlx::query_as(&format!(
        "select {PAYMENT_COLUMNS} from payment where event_id = $1 for update"
    ))
    .bind(event_id)
    .fetch_optional(conn)
    .await?;
    Ok(row.map(PaymentRecord::from))
}

pub async fn payment_initiated(
    conn: &mut PgConnection,
    id: i64,
    redirect_url: &str,
) -> Result<(), DbError> {
    sqlx::query(
        "update payment set state = 'initiated', redirect_url = $2, updated_at = now()
          where id = $1 and state = 'initiating'",
    )
    .bind(id)
    .bind(redirect_url)
    .execute(conn)
    .await?;
    Ok(())
}

pub async fn settle_payment(
    conn: &mut PgConnection,
    id: i64,
    settled: &PaymentSettled<'_>,
) -> Result<(), DbError> {
    sqlx::query(
        "update payment
            set state = $2,
                transaction_code = coalesce($3, transaction_code),
                bank_code = coalesce($4, bank_code),
                last_error = $5,
                paid_at = case when $2 = 'paid' then $6 else paid_at end,
                updated_at = now()
          where id = $1 and state <> 'paid'",
    )
    .bind(id)
    .bind(settled.state)
    .bind(settled.transaction_code)
    .bind(settled.bank_code)
    .bind(settled.error)
    .bind(settled.at)
    .execute(conn)
    .await?;
    Ok(())
}

pub async fn payment_receipt_stored(
    conn: &mut PgConnection,
    id: i64,
    document_id: Uuid,
    at: DateTime<Utc>,
) -> Result<(), DbError> {
    sqlx::query(
        "update payment set receipt_document_id = $2, receipt_stored_at = $3 where id = $1",
    )
    .bind(id)
    .bind(document_id)
    .bind(at)
    .execute(conn)
    .await?;
    Ok(())
}

pub async fn take_to_reconcile(
    conn: &mut PgConnection,
    older_than: Duration,
    limit: i64,
) -> Result<Vec<PaymentRecord>, DbError> {
    let rows: Vec<PaymentRow> = sqlx::query_as(&format!(
        "update payment set queried_at = now()
          where id in (
                select id from payment
                 where state in ('initiated', 'failed')
                   and greatest(updated_at, coalesce(queried_at, updated_at))
                       <= now() - make_interval(secs => $1)
                   and created_at > now() - interval '7 days'
                 order by updated_at
                 limit $2
                   for update skip locked)
         returning {PAYMENT_COLUMNS}"
    ))
    .bind(older_than.as_secs_f64())
    .bind(limit)
    .fetch_all(conn)
    .await?;
    Ok(crate::records(rows))
}

pub async fn owing_dossiers(
    conn: &mut PgConnection,
    from: DateTime<Utc>,
    until: DateTime<Utc>,
    agency: Option<&str>,
    procedure: Option<&str>,
) -> Result<Vec<bool>, DbError> {
    let rows: Vec<(bool,)> = sqlx::query_as(
        "select bool_and(b.state in ('paid', 'refund_due', 'refunded'))
           from dossier d join dossier_bill b on b.dossier_id = d.id
          where d.submitted_at >= $1 and d.submitted_at < $2
            and ($3::text is null or d.agency_id = $3)
            and ($4::text is null or d.procedure_code = $4)
          group by d.id",
    )
    .bind(from)
    .bind(until)
    .bind(agency)
    .bind(procedure)
    .fetch_all(conn)
    .await?;
    Ok(rows.into_iter().map(|(paid,)| paid).collect())
}
