//! Dossiers (hồ sơ): drafts, submission, state changes.

use crate::{DbError, StoreError};
use chrono::{DateTime, NaiveDate, Utc};
use serde_json::Value;
use sqlx::{PgConnection, PgExecutor};
use std::ops::RangeInclusive;
use uuid::Uuid;

pub use motcua_core::dossier::{Channel, ClockFacts, Dossier, DRAFT};
pub use motcua_service::store::dossiers::{AgencyFilter, CounterIntake, NewDraft, PageAfter, Step};

/// A dossier's row as read; [`Dossier`] is what the rest of the engine sees.
#[derive(sqlx::FromRow)]
pub(crate) struct DossierRow {
    id: Uuid,
    procedure_code: String,
    procedure_version: i32,
    citizen_pin: String,
    agency_id: Option<String>,
    channel: String,
    state: String,
    data: Value,
    prefill: Value,
    code: Option<String>,
    submitted_at: Option<DateTime<Utc>>,
    ack_due_at: Option<DateTime<Utc>>,
    closed_at: Option<DateTime<Utc>>,
    flags: Vec<String>,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
    assigned_to: Option<String>,
    assigned_at: Option<DateTime<Utc>>,
    received_at: Option<DateTime<Utc>>,
    clock_started_at: Option<DateTime<Utc>>,
    clock_paused_at: Option<DateTime<Utc>>,
    state_entered_at: Option<DateTime<Utc>>,
    step_due_at: Option<DateTime<Utc>>,
    due_at: Option<DateTime<Utc>>,
    original_due_at: Option<DateTime<Utc>>,
    supplement_requests: i32,
    apologies: i32,
    taken_by: Option<String>,
    anonymised_at: Option<DateTime<Utc>>,
    national_code: Option<String>,
}

impl TryFrom<DossierRow> for Dossier {
    type Error = DbError;

    fn try_from(r: DossierRow) -> Result<Dossier, DbError> {
        let channel = Channel::from_name(&r.channel).ok_or(DbError(StoreError::Corrupt(
            "a dossier has a channel the engine does not know",
        )))?;
        Ok(Dossier {
            id: r.id,
            procedure_code: r.procedure_code,
            procedure_version: r.procedure_version,
            citizen_pin: r.citizen_pin,
            agency_id: r.agency_id,
            channel,
            state: r.state,
            data: r.data,
            prefill: r.prefill,
            code: r.code,
            submitted_at: r.submitted_at,
            ack_due_at: r.ack_due_at,
            closed_at: r.closed_at,
            flags: r.flags,
            created_at: r.created_at,
            updated_at: r.updated_at,
            assigned_to: r.assigned_to,
            assigned_at: r.assigned_at,
            clock: ClockFacts {
                received_at: r.received_at,
                clock_started_at: r.clock_started_at,
                clock_paused_at: r.clock_paused_at,
                state_entered_at: r.state_entered_at,
                step_due_at: r.step_due_at,
                due_at: r.due_at,
                original_due_at: r.original_due_at,
                supplement_requests: r.supplement_requests,
                apologies: r.apologies,
            },
            taken_by: r.taken_by,
            anonymised_at: r.anonymised_at,
            national_code: r.national_code,
        })
    }
}

/// The row an update returned, or [`StoreError::Conflict`] when it matched none (the
/// dossier moved on meanwhile).
pub(crate) fn updated(row: Option<DossierRow>) -> Result<Dossier, DbError> {
    row.ok_or(DbError(StoreError::Conflict))?.try_into()
}

/// The row found, if any, as a [`Dossier`].
pub(crate) fn found(row: Option<DossierRow>) -> Result<Option<Dossier>, DbError> {
    row.map(Dossier::try_from).transpose()
}

/// Each row as a [`Dossier`].
pub(crate) fn from_rows(rows: Vec<DossierRow>) -> Result<Vec<Dossier>, DbError> {
    rows.into_iter().map(Dossier::try_from).collect()
}

pub(crate) const COLUMNS: &str = "id, procedure_code, procedure_version, citizen_pin, agency_id, channel, \
    state, data, prefill, code, submitted_at, ack_due_at, closed_at, flags, created_at, updated_at, \
    assigned_to, assigned_at, received_at, clock_started_at, clock_paused_at, state_entered_at, \
    step_due_at, due_at, original_due_at, supplement_requests, apologies, taken_by, anonymised_at, \
    national_code";

pub async fn insert_draft(
    conn: &mut PgConnection,
    draft: NewDraft<'_>,
) -> Result<Dossier, DbError> {
    sqlx::query_as::<_, DossierRow>(&format!(
        "insert into dossier (id, procedure_code, procedure_version, citizen_pin, state, data, prefill,
                              flags, channel, agency_id, taken_by, national_code)
         values ($1, $2, $3, $4, '{DRAFT}', $5, $6, $7, $8, $9, $10, $11) returning {COLUMNS}"
    ))
    .bind(draft.id)
    .bind(draft.procedure_code)
    .bind(draft.procedure_version)
    .bind(draft.citizen_pin)
    .bind(draft.data)
    .bind(draft.prefill)
    .bind(draft.flags)
    .bind(if draft.counter.is_some() { "counter" } else { "online" })
    .bind(draft.counter.as_ref().map(|c| c.agency_id))
    .bind(draft.counter.as_ref().map(|c| c.clerk))
    .bind(draft.national_code)
    .fetch_one(conn)
    .await?
    .try_into()
}

/// The dossier pushed from the national portal with code `national_code`, if any.
pub async fn find_national(
    executor: impl PgExecutor<'_>,
    national_code: &str,
) -> Result<Option<Dossier>, DbError> {
    let row = sqlx::query_as(&format!(
        "select {COLUMNS} from dossier where national_code = $1"
    ))
    .bind(national_code)
    .fetch_optional(executor)
    .await?;
    found(row)
}

pub async fn find(executor: impl PgExecutor<'_>, id: Uuid) -> Result<Option<Dossier>, DbError> {
    let row = sqlx::query_as(&format!("select {COLUMNS} from dossier where id = $1"))
        .bind(id)
        .fetch_optional(executor)
        .await?;
    found(row)
}

/// Reads a dossier and locks it for the rest of the transaction, so that two changes to the
/// same dossier happen one after the other.
pub async fn find_for_update(
    conn: &mut PgConnection,
    id: Uuid,
) -> Result<Option<Dossier>, DbError> {
    let row = sqlx::query_as(&format!(
        "select {COLUMNS} from dossier where id = $1 for update"
    ))
    .bind(id)
    .fetch_optional(conn)
    .await?;
    found(row)
}

/// A citizen's own dossiers, newest first.
pub async fn list_for_citizen(
    executor: impl PgExecutor<'_>,
    citizen_pin: &str,
    after: Option<PageAfter>,
    limit: i64,
) -> Result<Vec<Dossier>, DbError> {
    from_rows(
        sqlx::query_as(&format!(
            "select {COLUMNS} from dossier
         where citizen_pin = $1
           and ($2::timestamptz is null or (created_at, id) < ($2, $3))
         order by created_at desc, id desc
         limit $4"
        ))
        .bind(citizen_pin)
        .bind(after.map(|a| a.created_at))
        .bind(after.map(|a| a.id))
        .bind(limit)
        .fetch_all(executor)
        .await?,
    )
}

/// Replaces a draft's data, its prefill provenance and its flags.
pub async fn update_data(
    conn: &mut PgConnection,
    id: Uuid,
    data: &Value,
    prefill: &Value,
    flags: &[String],
) -> Result<Dossier, DbError> {
    sqlx::query_as::<_, DossierRow>(&format!(
        "update dossier set data = $2, prefill = $3, flags = $4, updated_at = now()
         where id = $1 returning {COLUMNS}"
    ))
    .bind(id)
    .bind(data)
    .bind(prefill)
    .bind(flags)
    .fetch_one(conn)
    .await?
    .try_into()
}

/// Reserves the next `count` numbers (at least one) of the agency's sequence for the
/// reception day and answers them. The engine reserves them on the pool of
/// `crate::connect_code_numbers`, committed at once and not inside a submission's
/// transaction (that function says why), and hands them out itself (motcua-service's
/// `code_numbers`): no number is given twice; one reserved and not given leaves a gap.
pub async fn reserve_code_numbers(
    executor: impl PgExecutor<'_>,
    agency_id: &str,
    day: NaiveDate,
    count: u32,
) -> Result<RangeInclusive<u32>, DbError> {
    let count = i32::try_from(count.max(1)).unwrap_or(i32::MAX);
    let (last,): (i32,) = sqlx::query_as(
        "insert into dossier_code_sequence (agency_id, day, last_value) values ($1, $2, $3)
         on conflict (agency_id, day)
         do update set last_value = dossier_code_sequence.last_value + excluded.last_value
         returning last_value",
    )
    .bind(agency_id)
    .bind(day)
    .bind(count)
    .fetch_one(executor)
    .await?;
    let first = last - count + 1;
    match (u32::try_from(first), u32::try_from(last)) {
        (Ok(first), Ok(last)) if first >= 1 => Ok(first..=last),
        _ => Err(DbError(StoreError::Corrupt(
            "a dossier code sequence holds a number below 1",
        ))),
    }
}

/// How many dossiers each procedure has in each state (for the metrics).
pub async fn count_by_procedure_and_state(
    executor: impl PgExecutor<'_>,
) -> Result<Vec<(String, String, i64)>, DbError> {
    Ok(sqlx::query_as(
        "select procedure_code, state, count(*) from dossier
         group by procedure_code, state order by procedure_code, state",
    )
    .fetch_all(executor)
    .await?)
}

pub async fn record_step(conn: &mut PgConnection, step: Step<'_>) -> Result<Dossier, DbError> {
    let c = step.clock;
    let row = sqlx::query_as::<_, DossierRow>(&format!(
        "update dossier set state = $3, updated_at = now(),
                closed_at = case when $4 then $5 else closed_at end,
                assigned_to = null, assigned_at = null,
                received_at = $6, clock_started_at = $7, clock_paused_at = $8,
                state_entered_at = $9, step_due_at = $10, due_at = $11, original_due_at = $12,
                supplement_requests = $13, apologies = $14,
                ack_due_at = coalesce($15, ack_due_at)
         where id = $1 and state = $2 returning {COLUMNS}"
    ))
    .bind(step.id)
    .bind(step.from_state)
    .bind(step.to_state)
    .bind(step.closes)
    .bind(step.at)
    .bind(c.received_at)
    .bind(c.clock_started_at)
    .bind(c.clock_paused_at)
    .bind(c.state_entered_at)
    .bind(c.step_due_at)
    .bind(c.due_at)
    .bind(c.original_due_at)
    .bind(c.supplement_requests)
    .bind(c.apologies)
    .bind(step.ack_due_at)
    .fetch_optional(conn)
    .await?;
    updated(row)
}

/// Changes only the clock facts (an apology moves the return date), in the same state and
/// with the same holder.
pub async fn record_clock(
    conn: &mut PgConnection,
    id: Uuid,
    c: &ClockFacts,
) -> Result<Dossier, DbError> {
    let row = sqlx::query_as::<_, DossierRow>(&format!(
        "update dossier set updated_at = now(), step_due_at = $2, due_at = $3,
                original_due_at = $4, apologies = $5
         where id = $1 returning {COLUMNS}"
    ))
    .bind(id)
    .bind(c.step_due_at)
    .bind(c.due_at)
    .bind(c.original_due_at)
    .bind(c.apologies)
    .fetch_optional(conn)
    .await?;
    updated(row)
}

/// Withdrawing a draft: it never entered the workflow, so there is no clock to keep.
pub async fn abandon_draft(
    conn: &mut PgConnection,
    id: Uuid,
    to_state: &str,
    at: DateTime<Utc>,
) -> Result<Dossier, DbError> {
    let row = sqlx::query_as::<_, DossierRow>(&format!(
        "update dossier set state = $2, closed_at = $3, state_entered_at = $3, updated_at = now()
         where id = $1 and state = '{DRAFT}' returning {COLUMNS}"
    ))
    .bind(id)
    .bind(to_state)
    .bind(at)
    .fetch_optional(conn)
    .await?;
    updated(row)
}

/// An agency's submitted dossiers, newest first, filtered in SQL.
pub async fn list_for_agency(
    executor: impl PgExecutor<'_>,
    agency_id: &str,
    filter: AgencyFilter<'_>,
    after: Option<PageAfter>,
    limit: i64,
) -> Result<Vec<Dossier>, DbError> {
    // The dossiers a member of staff holds are found through `dossier_holder`: a handful,
    // where the agency may have a million (`assigned_to` has no index, see the migration).
    let held = match filter.held_by {
        Some(_) => {
            "id in (select dossier_id from dossier_holder
                    where agency_id = $1 and assigned_to = $8) and"
        }
        None => "",
    };
    from_rows(
        sqlx::query_as(&format!(
            "select {COLUMNS} from dossier
         where {held} agency_id = $1
           and ($2::text is null or state = $2)
           and ($3::text is null or procedure_code = $3)
           and ($4::timestamptz is null or (closed_at is null and clock_paused_at is null
                                             and coalesce(due_at, ack_due_at) < $4))
           and ($5::timestamptz is null or (created_at, id) < ($5, $6))
           and ($8::text is null or assigned_to = $8)
         order by created_at desc, id desc
         limit $7"
        ))
        .bind(agency_id)
        .bind(filter.state)
        .bind(filter.procedure_code)
        .bind(filter.overdue_at)
        .bind(after.map(|a| a.created_at))
        .bind(after.map(|a| a.id))
        .bind(limit)
        .bind(filter.held_by)
        .fetch_all(executor)
        .await?,
    )
}

/// Submitted dossiers in id order, `limit` after `after` (to walk them all in batches).
/// Anonymised dossiers are left out: their form and documents are gone, so their facts,
/// written while they were whole, are the only true account of them and stay as they are.
pub async fn submitted_batch(
    executor: impl PgExecutor<'_>,
    after: Option<Uuid>,
    limit: i64,
) -> Result<Vec<Dossier>, DbError> {
    from_rows(
        sqlx::query_as(&format!(
            "select {COLUMNS} from dossier
         where submitted_at is not null and anonymised_at is null
           and ($1::uuid is null or id > $1)
         order by id limit $2"
        ))
        .bind(after)
        .bind(limit)
        .fetch_all(executor)
        .await?,
    )
}
