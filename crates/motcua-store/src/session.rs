//! The use cases' storage ([`Store`], [`Session`]) over a PostgreSQL pool. Each method of a
//! kind of record calls the function of its table's module that holds the SQL, on the
//! session's connection: the modules know nothing of the traits.

use crate::{
    contacts, documents, dossiers, events, facts, idempotency, logins, outbox, payments,
    procedures, queues, register_access, retention, satisfaction, staff, submissions, DbError,
    StoreError,
};
use async_trait::async_trait;
use chrono::{DateTime, NaiveDate, Utc};
use motcua_core::dossier::{ClockFacts, Dossier};
use motcua_service::store::contacts::Contact;
use motcua_service::store::documents::{
    Attachment, Document, DossierDocument, DossierResult, NewDocument,
};
use motcua_service::store::dossiers::{AgencyFilter, DraftData, NewDraft, Page, Step};
use motcua_service::store::events::{Event, NewEvent};
use motcua_service::store::facts::{DocumentFacts, Fact, Report, Scope};
use motcua_service::store::idempotency::{Claim, KeyRef};
use motcua_service::store::logins::{CitizenLogin, LoginAttempt};
use motcua_service::store::outbox::{Message, NewMessage, Selection, Settled, TargetFigures};
use motcua_service::store::payments::{
    BillRecord, NewBill, NewPayment, PaymentRecord, PaymentSettled,
};
use motcua_service::store::queues::{Queue, QueueFigures};
use motcua_service::store::register_access::{NewRegisterAccess, RegisterAccess};
use motcua_service::store::retention::Anonymised;
use motcua_service::store::staff::{StaffLogin, StaffMember};
use motcua_service::store::submissions::{Opened, Recorded, SubmissionWrites};
use motcua_service::store::{
    Connections, ContactRecords, DocumentRecords, DossierRecords, EventRecords, FactRecords,
    IdempotencyRecords, LoginRecords, OutboxRecords, PaymentRecords, QueueRecords,
    RegisterAccessRecords, RetentionRecords, SatisfactionRecords, Session, StaffRecords, Store,
    SubmissionRecords,
};
use serde_json::Value;
use sqlx::pool::PoolConnection;
use sqlx::{PgConnection, PgPool, Postgres, Transaction};
use std::ops::RangeInclusive;
use uuid::Uuid;

/// The storage of a pool: what the binary hands to the use cases.
#[derive(Clone)]
pub struct PgStore {
    pool: PgPool,
}

impl PgStore {
    pub fn new(pool: PgPool) -> Self {
        PgStore { pool }
    }

    pub fn pool(&self) -> &PgPool {
        &self.pool
    }
}

/// A connection of the pool, in a transaction ([`Store::begin`]) or not
/// ([`Store::session`]).
pub struct PgSession {
    held: Held,
}

enum Held {
    Transaction(Transaction<'static, Postgres>),
    Connection(PoolConnection<Postgres>),
}

impl PgSession {
    pub(crate) fn conn(&mut self) -> &mut PgConnection {
        match &mut self.held {
            Held::Transaction(tx) => tx,
            Held::Connection(conn) => conn,
        }
    }
}

#[async_trait]
impl Store for PgStore {
    async fn begin(&self) -> Result<Box<dyn Session>, StoreError> {
        let tx = self.pool.begin().await.map_err(DbError::from)?;
        Ok(Box::new(PgSession {
            held: Held::Transaction(tx),
        }))
    }

    async fn session(&self) -> Result<Box<dyn Session>, StoreError> {
        let conn = self.pool.acquire().await.map_err(DbError::from)?;
        Ok(Box::new(PgSession {
            held: Held::Connection(conn),
        }))
    }

    async fn ping(&self) -> bool {
        crate::ping(&self.pool).await
    }

    fn connections(&self) -> Connections {
        Connections {
            open: self.pool.size(),
            idle: self.pool.num_idle(),
        }
    }

    async fn reserve_code_numbers(
        &self,
        agency_id: &str,
        day: NaiveDate,
        count: u32,
    ) -> Result<RangeInclusive<u32>, StoreError> {
        Ok(dossiers::reserve_code_numbers(&self.pool, agency_id, day, count).await?)
    }

    async fn procedure_versions(&self) -> Result<Vec<(String, i32, Value)>, StoreError> {
        Ok(procedures::all_versions(&self.pool).await?)
    }
}

#[async_trait]
impl Session for PgSession {
    async fn commit(self: Box<Self>) -> Result<(), StoreError> {
        match self.held {
            Held::Transaction(tx) => Ok(tx.commit().await.map_err(DbError::from)?),
            Held::Connection(_) => Ok(()),
        }
    }

    async fn rollback(self: Box<Self>) -> Result<(), StoreError> {
        match self.held {
            Held::Transaction(tx) => Ok(tx.rollback().await.map_err(DbError::from)?),
            Held::Connection(_) => Ok(()),
        }
    }
}

#[async_trait]
impl DocumentRecords for PgSession {
    async fn insert_document(&mut self, doc: NewDocument<'_>) -> Result<Document, StoreError> {
        Ok(documents::insert(self.conn(), doc).await?)
    }

    async fn document(&mut self, id: Uuid) -> Result<Option<Document>, StoreError> {
        Ok(documents::find(self.conn(), id).await?)
    }

    async fn documents_of_owner(
        &mut self,
        owner_pin: &str,
        before: Option<(DateTime<Utc>, Uuid)>,
        limit: i64,
    ) -> Result<Vec<Document>, StoreError> {
        Ok(documents::list_for_owner(self.conn(), owner_pin, before, limit).await?)
    }

    async fn delete_document_if_unreferenced(&mut self, id: Uuid) -> Result<bool, StoreError> {
        Ok(documents::delete_if_unreferenced(self.conn(), id).await?)
    }

    async fn unknown_storage_keys(&mut self, keys: &[String]) -> Result<Vec<String>, StoreError> {
        Ok(documents::unknown_storage_keys(self.conn(), keys).await?)
    }

    async fn dossier_documents(
        &mut self,
        dossier_id: Uuid,
    ) -> Result<Vec<DossierDocument>, StoreError> {
        Ok(documents::list_for_dossier(self.conn(), dossier_id).await?)
    }

    async fn attach(&mut self, a: Attachment<'_>) -> Result<Option<Uuid>, StoreError> {
        Ok(documents::attach(self.conn(), a).await?)
    }

    async fn detach(
        &mut self,
        dossier_id: Uuid,
        requirement: &str,
    ) -> Result<Option<Option<Uuid>>, StoreError> {
        Ok(documents::detach(self.conn(), dossier_id, requirement).await?)
    }

    async fn dossiers_of_agency_holding(
        &mut self,
        document_id: Uuid,
        agency: &str,
    ) -> Result<Vec<Uuid>, StoreError> {
        Ok(documents::dossiers_of_agency_holding(self.conn(), document_id, agency).await?)
    }

    async fn verification(
        &mut self,
        id: &str,
    ) -> Result<Option<motcua_service::store::documents::Verification>, StoreError> {
        Ok(documents::verification(self.conn(), id).await?)
    }

    async fn revoke_verification(
        &mut self,
        id: &str,
        at: DateTime<Utc>,
        reason: &str,
    ) -> Result<bool, StoreError> {
        Ok(documents::revoke_verification(self.conn(), id, at, reason).await?)
    }

    async fn record_verification_check(
        &mut self,
        verification_id: &str,
        at: DateTime<Utc>,
        address: &str,
        via: &str,
        outcome: &str,
    ) -> Result<(), StoreError> {
        Ok(documents::record_verification_check(
            self.conn(),
            verification_id,
            at,
            address,
            via,
            outcome,
        )
        .await?)
    }

    async fn record_verification(
        &mut self,
        v: &motcua_service::store::documents::NewVerification,
    ) -> Result<(), StoreError> {
        Ok(documents::record_verification(self.conn(), v).await?)
    }

    async fn record_result(
        &mut self,
        dossier_id: Uuid,
        document_id: Uuid,
        issued_by: &str,
    ) -> Result<(), StoreError> {
        Ok(documents::record_result(self.conn(), dossier_id, document_id, issued_by).await?)
    }

    async fn dossier_results(
        &mut self,
        dossier_id: Uuid,
    ) -> Result<Vec<DossierResult>, StoreError> {
        Ok(documents::results(self.conn(), dossier_id).await?)
    }

    async fn has_result(&mut self, dossier_id: Uuid) -> Result<bool, StoreError> {
        Ok(documents::has_result(self.conn(), dossier_id).await?)
    }

    async fn publish_results(
        &mut self,
        dossier_id: Uuid,
        at: DateTime<Utc>,
    ) -> Result<Vec<Uuid>, StoreError> {
        Ok(documents::publish_results(self.conn(), dossier_id, at).await?)
    }

    async fn is_published_result(&mut self, document_id: Uuid) -> Result<bool, StoreError> {
        Ok(documents::is_published_result(self.conn(), document_id).await?)
    }

    async fn holds_result_of(
        &mut self,
        owner_pin: &str,
        procedure_code: &str,
    ) -> Result<bool, StoreError> {
        Ok(documents::holds_result_of(self.conn(), owner_pin, procedure_code).await?)
    }
}

#[async_trait]
impl DossierRecords for PgSession {
    async fn insert_draft(&mut self, draft: NewDraft<'_>) -> Result<Dossier, StoreError> {
        Ok(dossiers::insert_draft(self.conn(), draft).await?)
    }

    async fn dossier(&mut self, id: Uuid) -> Result<Option<Dossier>, StoreError> {
        Ok(dossiers::find(self.conn(), id).await?)
    }

    async fn dossier_by_national_code(
        &mut self,
        national_code: &str,
    ) -> Result<Option<Dossier>, StoreError> {
        Ok(dossiers::find_national(self.conn(), national_code).await?)
    }

    async fn dossier_for_update(&mut self, id: Uuid) -> Result<Option<Dossier>, StoreError> {
        Ok(dossiers::find_for_update(self.conn(), id).await?)
    }

    async fn dossiers_of_citizen(
        &mut self,
        citizen_pin: &str,
        page: Page,
    ) -> Result<Vec<Dossier>, StoreError> {
        let Page { after, limit } = page;
        Ok(dossiers::list_for_citizen(self.conn(), citizen_pin, after, limit).await?)
    }

    async fn dossiers_of_agency(
        &mut self,
        agency_id: &str,
        filter: AgencyFilter<'_>,
        page: Page,
    ) -> Result<Vec<Dossier>, StoreError> {
        let Page { after, limit } = page;
        Ok(dossiers::list_for_agency(self.conn(), agency_id, filter, after, limit).await?)
    }

    async fn update_data(&mut self, id: Uuid, draft: DraftData<'_>) -> Result<Dossier, StoreError> {
        let DraftData {
            data,
            prefill,
            flags,
        } = draft;
        Ok(dossiers::update_data(self.conn(), id, data, prefill, flags).await?)
    }

    async fn count_by_procedure_and_state(
        &mut self,
    ) -> Result<Vec<(String, String, i64)>, StoreError> {
        Ok(dossiers::count_by_procedure_and_state(self.conn()).await?)
    }

    async fn record_step(&mut self, step: Step<'_>) -> Result<Dossier, StoreError> {
        Ok(dossiers::record_step(self.conn(), step).await?)
    }

    async fn record_clock(&mut self, id: Uuid, clock: &ClockFacts) -> Result<Dossier, StoreError> {
        Ok(dossiers::record_clock(self.conn(), id, clock).await?)
    }

    async fn abandon_draft(
        &mut self,
        id: Uuid,
        to_state: &str,
        at: DateTime<Utc>,
    ) -> Result<Dossier, StoreError> {
        Ok(dossiers::abandon_draft(self.conn(), id, to_state, at).await?)
    }

    async fn submitted_batch(
        &mut self,
        after: Option<Uuid>,
        limit: i64,
    ) -> Result<Vec<Dossier>, StoreError> {
        Ok(dossiers::submitted_batch(self.conn(), after, limit).await?)
    }
}

#[async_trait]
impl EventRecords for PgSession {
    async fn append_event(&mut self, event: NewEvent<'_>) -> Result<i64, StoreError> {
        Ok(events::append(self.conn(), event).await?)
    }

    async fn events_of(&mut self, dossier_id: Uuid) -> Result<Vec<Event>, StoreError> {
        Ok(events::list_for_dossier(self.conn(), dossier_id).await?)
    }

    async fn count_action(&mut self, dossier_id: Uuid, action: &str) -> Result<i64, StoreError> {
        Ok(events::count_action(self.conn(), dossier_id, action).await?)
    }
}

#[async_trait]
impl FactRecords for PgSession {
    async fn upsert_fact(&mut self, fact: &Fact<'_>) -> Result<(), StoreError> {
        Ok(facts::upsert(self.conn(), fact).await?)
    }

    async fn copy_in_facts(&mut self, facts: &[Fact<'_>]) -> Result<(), StoreError> {
        Ok(facts::copy_in(self.conn(), facts).await?)
    }

    async fn sums(&mut self, scope: Scope<'_>) -> Result<Report, StoreError> {
        Ok(facts::sums(self.conn(), scope).await?)
    }

    async fn compact_facts(&mut self) -> Result<i64, StoreError> {
        Ok(facts::compact(self.conn()).await?)
    }

    async fn official_sums(
        &mut self,
        scope: Scope<'_>,
    ) -> Result<Vec<facts::OfficialSums>, StoreError> {
        Ok(facts::official_sums(self.conn(), scope).await?)
    }

    async fn document_facts(&mut self, dossier_id: Uuid) -> Result<DocumentFacts, StoreError> {
        Ok(facts::document_facts(self.conn(), dossier_id).await?)
    }
}

#[async_trait]
impl SatisfactionRecords for PgSession {
    async fn rating(
        &mut self,
        dossier_id: Uuid,
    ) -> Result<Option<satisfaction::RatingRecord>, StoreError> {
        Ok(satisfaction::rating(self.conn(), dossier_id).await?)
    }

    async fn put_rating(&mut self, rating: &satisfaction::RatingRecord) -> Result<(), StoreError> {
        Ok(satisfaction::put_rating(self.conn(), rating).await?)
    }

    async fn rating_counts(
        &mut self,
        agencies: Option<&[String]>,
        from: DateTime<Utc>,
        until: DateTime<Utc>,
    ) -> Result<Vec<satisfaction::RatingCount>, StoreError> {
        Ok(satisfaction::rating_counts(self.conn(), agencies, from, until).await?)
    }

    async fn insert_feedback(
        &mut self,
        f: &satisfaction::FeedbackRecord,
    ) -> Result<(), StoreError> {
        Ok(satisfaction::insert_feedback(self.conn(), f).await?)
    }

    async fn feedback_for_update(
        &mut self,
        id: Uuid,
    ) -> Result<Option<satisfaction::FeedbackRecord>, StoreError> {
        Ok(satisfaction::feedback(self.conn(), id, true).await?)
    }

    async fn feedback(
        &mut self,
        id: Uuid,
    ) -> Result<Option<satisfaction::FeedbackRecord>, StoreError> {
        Ok(satisfaction::feedback(self.conn(), id, false).await?)
    }

    async fn update_feedback(
        &mut self,
        f: &satisfaction::FeedbackRecord,
    ) -> Result<(), StoreError> {
        Ok(satisfaction::update_feedback(self.conn(), f).await?)
    }

    async fn agency_feedback(
        &mut self,
        agencies: Option<&[String]>,
        overdue: bool,
        now: DateTime<Utc>,
        limit: i64,
    ) -> Result<Vec<satisfaction::FeedbackRecord>, StoreError> {
        Ok(satisfaction::agency_feedback(self.conn(), agencies, overdue, now, limit).await?)
    }

    async fn feedback_sums(
        &mut self,
        agencies: Option<&[String]>,
        from: DateTime<Utc>,
        until: DateTime<Utc>,
        judged_at: DateTime<Utc>,
    ) -> Result<Vec<satisfaction::FeedbackSums>, StoreError> {
        Ok(satisfaction::feedback_sums(self.conn(), agencies, from, until, judged_at).await?)
    }
}

#[async_trait]
impl IdempotencyRecords for PgSession {
    async fn claim_key(
        &mut self,
        key: KeyRef<'_>,
        request_sha256: &str,
    ) -> Result<Claim, StoreError> {
        Ok(idempotency::claim(self.conn(), key.principal, key.key, request_sha256).await?)
    }

    async fn peek_key(
        &mut self,
        key: KeyRef<'_>,
        request_sha256: &str,
    ) -> Result<Option<Claim>, StoreError> {
        Ok(idempotency::peek(self.conn(), key.principal, key.key, request_sha256).await?)
    }

    async fn save_answer(
        &mut self,
        key: KeyRef<'_>,
        status: u16,
        body: &Value,
    ) -> Result<(), StoreError> {
        Ok(idempotency::save(self.conn(), key.principal, key.key, status, body).await?)
    }
}

#[async_trait]
impl LoginRecords for PgSession {
    async fn save_login(&mut self, attempt: &LoginAttempt) -> Result<(), StoreError> {
        Ok(logins::save(self.conn(), attempt).await?)
    }

    async fn take_login(&mut self, state: &str) -> Result<Option<LoginAttempt>, StoreError> {
        Ok(logins::take(self.conn(), state).await?)
    }

    async fn record_citizen_login(&mut self, login: &CitizenLogin) -> Result<(), StoreError> {
        Ok(logins::record_citizen(self.conn(), login).await?)
    }
}

#[async_trait]
impl ContactRecords for PgSession {
    async fn contact(&mut self, citizen_pin: &str) -> Result<Option<Contact>, StoreError> {
        Ok(contacts::get(self.conn(), citizen_pin).await?)
    }

    async fn save_contact(
        &mut self,
        citizen_pin: &str,
        contact: &Contact,
    ) -> Result<(), StoreError> {
        Ok(contacts::save(self.conn(), citizen_pin, contact).await?)
    }
}

#[async_trait]
impl OutboxRecords for PgSession {
    async fn enqueue(&mut self, messages: &[NewMessage<'_>]) -> Result<(), StoreError> {
        Ok(outbox::enqueue(self.conn(), messages).await?)
    }

    async fn lock_due_messages(
        &mut self,
        targets: &[&str],
        limit: i64,
    ) -> Result<Vec<Message>, StoreError> {
        Ok(outbox::lock_due(self.conn(), targets, limit).await?)
    }

    async fn settle_message(&mut self, id: i64, outcome: &Settled) -> Result<(), StoreError> {
        Ok(outbox::settle(self.conn(), id, outcome).await?)
    }

    async fn list_messages(&mut self, selection: &Selection) -> Result<Vec<Message>, StoreError> {
        Ok(outbox::list(self.conn(), selection).await?)
    }

    async fn retry_messages(&mut self, selection: &Selection) -> Result<Vec<i64>, StoreError> {
        Ok(outbox::retry(self.conn(), selection).await?)
    }

    async fn drop_messages(&mut self, selection: &Selection) -> Result<Vec<i64>, StoreError> {
        Ok(outbox::drop(self.conn(), selection).await?)
    }

    async fn outbox_figures(&mut self) -> Result<Vec<TargetFigures>, StoreError> {
        Ok(outbox::figures(self.conn()).await?)
    }

    async fn forget_settled_messages(
        &mut self,
        older_than: std::time::Duration,
    ) -> Result<u64, StoreError> {
        Ok(outbox::forget_settled(self.conn(), older_than).await?)
    }
}

#[async_trait]
impl PaymentRecords for PgSession {
    async fn open_bill(&mut self, bill: &NewBill<'_>) -> Result<Option<i64>, StoreError> {
        Ok(payments::open_bill(self.conn(), bill).await?)
    }

    async fn bills_of(&mut self, dossier_id: Uuid) -> Result<Vec<BillRecord>, StoreError> {
        Ok(payments::bills_of(self.conn(), dossier_id).await?)
    }

    async fn mark_bill_paid(&mut self, id: i64, at: DateTime<Utc>) -> Result<bool, StoreError> {
        Ok(payments::mark_bill_paid(self.conn(), id, at).await?)
    }

    async fn mark_refunds_due(
        &mut self,
        dossier_id: Uuid,
        at: DateTime<Utc>,
    ) -> Result<Vec<i64>, StoreError> {
        Ok(payments::mark_refunds_due(self.conn(), dossier_id, at).await?)
    }

    async fn mark_refunded(&mut self, id: i64, at: DateTime<Utc>) -> Result<bool, StoreError> {
        Ok(payments::mark_refunded(self.conn(), id, at).await?)
    }

    async fn record_payment(&mut self, payment: &NewPayment<'_>) -> Result<i64, StoreError> {
        Ok(payments::record_payment(self.conn(), payment).await?)
    }

    async fn payments_of(&mut self, dossier_id: Uuid) -> Result<Vec<PaymentRecord>, StoreError> {
        Ok(payments::payments_of(self.conn(), dossier_id).await?)
    }

    async fn lock_payment(&mut self, reference: &str) -> Result<Option<PaymentRecord>, StoreError> {
        Ok(payments::lock_payment(self.conn(), reference).await?)
    }

    async fn lock_payment_of_event(
        &mut self,
        event_id: i64,
    ) -> Result<Option<PaymentRecord>, StoreError> {
        Ok(payments::lock_payment_of_event(self.conn(), event_id).await?)
    }

    async fn payment_initiated(&mut self, id: i64, redirect_url: &str) -> Result<(), StoreError> {
        Ok(payments::payment_initiated(self.conn(), id, redirect_url).await?)
    }

    async fn settle_payment(
        &mut self,
        id: i64,
        settled: &PaymentSettled<'_>,
    ) -> Result<(), StoreError> {
        Ok(payments::settle_payment(self.conn(), id, settled).await?)
    }

    async fn payment_receipt_stored(
        &mut self,
        id: i64,
        document_id: Uuid,
        at: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        Ok(payments::payment_receipt_stored(self.conn(), id, document_id, at).await?)
    }

    async fn owing_dossiers(
        &mut self,
        from: DateTime<Utc>,
        until: DateTime<Utc>,
        agency: Option<&str>,
        procedure: Option<&str>,
    ) -> Result<Vec<bool>, StoreError> {
        Ok(payments::owing_dossiers(self.conn(), from, until, agency, procedure).await?)
    }

    async fn take_payments_to_reconcile(
        &mut self,
        older_than: std::time::Duration,
        limit: i64,
    ) -> Result<Vec<PaymentRecord>, StoreError> {
        Ok(payments::take_to_reconcile(self.conn(), older_than, limit).await?)
    }
}

#[async_trait]
impl QueueRecords for PgSession {
    async fn queue_figures(
        &mut self,
        agency_id: &str,
        queues: &[(String, String)],
        now: DateTime<Utc>,
        counted_up_to: Option<i64>,
    ) -> Result<Vec<QueueFigures>, StoreError> {
        let figures = match counted_up_to {
            None => queues::figures(self.conn(), agency_id, queues, now).await?,
            Some(limit) => {
                queues::figures_up_to(self.conn(), agency_id, queues, now, limit).await?
            }
        };
        Ok(figures)
    }

    async fn all_queue_figures(
        &mut self,
        now: DateTime<Utc>,
    ) -> Result<Vec<(String, QueueFigures)>, StoreError> {
        Ok(queues::all_figures(self.conn(), now).await?)
    }

    async fn claim_next(
        &mut self,
        queue: Queue<'_>,
        staff: &str,
        at: DateTime<Utc>,
    ) -> Result<Option<Dossier>, StoreError> {
        Ok(queues::claim_next(self.conn(), queue, staff, at).await?)
    }

    async fn assign(
        &mut self,
        id: Uuid,
        staff: Option<&str>,
        at: DateTime<Utc>,
    ) -> Result<Dossier, StoreError> {
        Ok(queues::assign(self.conn(), id, staff, at).await?)
    }
}

#[async_trait]
impl RegisterAccessRecords for PgSession {
    async fn record_register_access(
        &mut self,
        access: NewRegisterAccess<'_>,
    ) -> Result<(), StoreError> {
        Ok(register_access::record(self.conn(), access).await?)
    }

    async fn register_accesses_of(
        &mut self,
        subject_pin: &str,
        before: Option<i64>,
        limit: i64,
    ) -> Result<Vec<RegisterAccess>, StoreError> {
        Ok(register_access::list_for_subject(self.conn(), subject_pin, before, limit).await?)
    }
}

#[async_trait]
impl RetentionRecords for PgSession {
    async fn lock_expired(
        &mut self,
        procedure_code: &str,
        closed_by: DateTime<Utc>,
        limit: i64,
    ) -> Result<Vec<Uuid>, StoreError> {
        Ok(retention::lock_expired(self.conn(), procedure_code, closed_by, limit).await?)
    }

    async fn count_expired(
        &mut self,
        procedure_code: &str,
        closed_by: DateTime<Utc>,
    ) -> Result<i64, StoreError> {
        Ok(retention::count_expired(self.conn(), procedure_code, closed_by).await?)
    }

    async fn unknown_procedures(&mut self, known: &[String]) -> Result<Vec<String>, StoreError> {
        Ok(retention::unknown_procedures(self.conn(), known).await?)
    }

    async fn anonymise(
        &mut self,
        ids: &[Uuid],
        at: DateTime<Utc>,
        detail: &Value,
    ) -> Result<Anonymised, StoreError> {
        Ok(retention::anonymise(self.conn(), ids, at, detail).await?)
    }

    async fn objects_to_remove(&mut self, limit: i64) -> Result<Vec<(Uuid, String)>, StoreError> {
        Ok(retention::objects_to_remove(self.conn(), limit).await?)
    }

    async fn count_objects_to_remove(&mut self) -> Result<u64, StoreError> {
        Ok(retention::count_objects_to_remove(self.conn()).await?)
    }

    async fn mark_object_removed(&mut self, id: Uuid, at: DateTime<Utc>) -> Result<(), StoreError> {
        Ok(retention::mark_object_removed(self.conn(), id, at).await?)
    }

    async fn forget_idempotency_keys(
        &mut self,
        window: chrono::TimeDelta,
    ) -> Result<u64, StoreError> {
        Ok(retention::forget_idempotency_keys(self.conn(), window).await?)
    }
}

#[async_trait]
impl StaffRecords for PgSession {
    async fn record_staff_login(&mut self, login: StaffLogin<'_>) -> Result<(), StoreError> {
        Ok(staff::record_login(self.conn(), login).await?)
    }

    async fn staff_member(&mut self, username: &str) -> Result<Option<StaffMember>, StoreError> {
        Ok(staff::find(self.conn(), username).await?)
    }
}

#[async_trait]
impl SubmissionRecords for PgSession {
    async fn open_submission(
        &mut self,
        id: Uuid,
        key: Option<KeyRef<'_>>,
    ) -> Result<Option<Opened>, StoreError> {
        let key = key.map(|k| (k.principal, k.key));
        Ok(submissions::open(self.conn(), id, key).await?)
    }

    async fn record_submission(
        &mut self,
        writes: SubmissionWrites<'_>,
    ) -> Result<Recorded, StoreError> {
        Ok(submissions::record(self.conn(), writes).await?)
    }
}
