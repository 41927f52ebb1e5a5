//! A draft's submission without a transaction: [`open`] reads the draft, its row's version
//! and what the request's `Idempotency-Key` holds (the caller reads its documents next);
//! [`record`] then writes, in one statement, the submitted dossier, its timeline's event,
//! its indicator facts, the key with its answer and the outbox's messages announcing the
//! new dossier (one per target, e.g. DVCQG), if the draft is still the version read.
//!
//! Why not a transaction that locks the draft, as other changes to a dossier do: the submit
//! is the request of the last day of a registration, when a million candidates press it,
//! and every statement is a round trip that wakes a PostgreSQL backend and switches tasks on
//! the engine's machine (docs/PERFORMANCE.md, "A submission without a transaction"). The
//! lock, `begin`, `commit` and the key's separate claim were four of six round trips. The
//! version check gives what the lock gave: a draft changed since it was read (its form, its
//! documents: `documents::attach` and `detach` touch the dossier's row) is not submitted,
//! and the caller reads it again. A statement is atomic, so a submission is written whole
//! or not at all; a key used at the same moment by another request makes the statement
//! fail, on the key's primary key or as a deadlock (the other request holding the key and
//! waiting for the dossier), and nothing is written.
//!
//! The rows are the same as the separate functions write: the event's and the facts'
//! columns and bindings are shared with `events::append` and `facts::upsert`.

use crate::dossiers::{self, DossierRow, DRAFT};
use crate::events::{self};
use crate::facts::{self};
use crate::idempotency::StoredKey;
use crate::{DbError, StoreError};
use motcua_service::outbox::DOSSIER_CREATED;
pub use motcua_service::store::submissions::{
    KeptAnswer, Opened, Recorded, RowVersion, Submission, SubmissionWrites,
};
use serde_json::Value;
use sqlx::{PgConnection, Row};
use std::sync::LazyLock;
use uuid::Uuid;

#[derive(sqlx::FromRow)]
struct OpenedRow {
    #[sqlx(flatten)]
    dossier: DossierRow,
    row_version: i64,
    key_sha256: Option<String>,
    key_status: Option<i16>,
    key_body: Option<Value>,
}

static OPEN: LazyLock<String> = LazyLock::new(|| {
    format!(
        "select d.*, k.request_sha256 as key_sha256, k.response_status as key_status,
                k.response_body as key_body
         from (select {columns}, xmin::text::bigint as row_version from dossier where id = $1) d
         left join idempotency_key k on k.principal = $2 and k.key = $3",
        columns = dossiers::COLUMNS
    )
});

/// Reads dossier `id` without locking it, with what `key` (the principal's scope and the
/// key) holds. `None`: there is no such dossier.
pub async fn open(
    conn: &mut PgConnection,
    id: Uuid,
    key: Option<(&str, &str)>,
) -> Result<Option<Opened>, DbError> {
    let row: Option<OpenedRow> = sqlx::query_as(OPEN.as_str())
        .bind(id)
        .bind(key.map(|(principal, _)| principal))
        .bind(key.map(|(_, key)| key))
        .fetch_optional(conn)
        .await?;
    let Some(row) = row else {
        return Ok(None);
    };
    Ok(Some(Opened {
        dossier: row.dossier.try_into()?,
        version: RowVersion::new(row.row_version),
        key: row.key_sha256.map(|request_sha256| StoredKey {
            request_sha256,
            response_status: row.key_status,
            response_body: row.key_body,
        }),
    }))
}

/// The parameters before the event's: the submission's seven.
const SUBMISSION_PARAMETERS: usize = 7;

/// Each write after the dossier's reads from `submitted`, so that nothing is written when
/// the dossier was no longer the draft read.
static RECORD: LazyLock<String> = LazyLock::new(|| {
    let event_first = SUBMISSION_PARAMETERS + 1;
    let fact_first = event_first + events::PARAMETERS;
    let answer_first = fact_first + facts::PARAMETERS;
    format!(
        "with submitted as (
             update dossier set agency_id = $2, state = $3, code = $4, submitted_at = $5,
                    ack_due_at = $6, state_entered_at = $5, step_due_at = $6, updated_at = now()
              where id = $1 and state = '{DRAFT}' and xmin::text::bigint = $7
              returning id),
         event as (
             insert into dossier_event ({event_columns})
             select {event_values} from submitted where submitted.id = ${event_first}
             returning id),
         fact as (
             insert into dossier_fact ({fact_columns})
             select {fact_values} from submitted where submitted.id = ${fact_first}
             {on_conflict}
             returning 1),
         answer as (
             insert into idempotency_key (principal, key, request_sha256, response_status,
                                          response_body)
             select ${a1}, ${a2}, ${a3}, ${a4}, ${a5} from submitted where ${a1}::text is not null
             returning 1),
         outbox as (
             insert into outbox_message (target, kind, dossier_id, event_id)
             select t, '{DOSSIER_CREATED}', $1, event.id
               from event, unnest(${targets}::text[]) with ordinality as u(t, n)
              order by n
             returning 1)
         select (select count(*) from submitted), (select count(*) from event),
                (select count(*) from fact), (select count(*) from answer),
                (select count(*) from outbox)",
        event_columns = events::COLUMNS,
        event_values = crate::placeholders(event_first, events::PARAMETERS),
        fact_columns = facts::COLUMNS,
        fact_values = crate::placeholders(fact_first, facts::PARAMETERS),
        on_conflict = facts::ON_CONFLICT_REWRITE,
        a1 = answer_first,
        a2 = answer_first + 1,
        a3 = answer_first + 2,
        a4 = answer_first + 3,
        a5 = answer_first + 4,
        targets = answer_first + 5,
    )
});

/// SQLSTATE 40P01.
const DEADLOCK_DETECTED: &str = "40P01";

/// Writes the submission of a draft as [`open`] read it, in one statement: all of it, or
/// nothing when the row changed meanwhile or the key was used meanwhile.
pub async fn record(
    conn: &mut PgConnection,
    writes: SubmissionWrites<'_>,
) -> Result<Recorded, DbError> {
    let s = &writes.submission;
    // Each write takes its row's dossier id from its own binding; with another id than the
    // submission's it would write nothing, and the statement would commit the rest.
    if writes.event.dossier_id != s.id || writes.fact.dossier_id != s.id {
        return Err(DbError(StoreError::Incomplete(
            "a submission's event and facts belong to its dossier",
        )));
    }
    let query = sqlx::query(RECORD.as_str())
        .bind(s.id)
        .bind(s.agency_id)
        .bind(s.state)
        .bind(s.code)
        .bind(s.submitted_at)
        .bind(s.ack_due_at)
        .bind(s.version.number());
    let query = events::bind(query, writes.event);
    let query = facts::bind(query, &writes.fact);
    let answer = writes.answer.as_ref();
    let row = match query
        .bind(answer.map(|a| a.principal))
        .bind(answer.map(|a| a.key))
        .bind(answer.map(|a| a.request_sha256))
        .bind(answer.map(|a| i16::try_from(a.status).unwrap_or(200)))
        .bind(answer.map(|a| a.body))
        .bind(writes.outbox_targets)
        .fetch_one(conn)
        .await
    {
        Ok(row) => row,
        Err(sqlx::Error::Database(e)) if e.constraint() == Some("idempotency_key_pkey") => {
            return Ok(Recorded::KeyTaken)
        }
        // A request that claims the same key before locking the dossier (an action on the
        // draft) and this statement, which locks the dossier before inserting the key, can
        // wait for each other; PostgreSQL breaks the cycle by failing one statement.
        Err(sqlx::Error::Database(e)) if e.code().as_deref() == Some(DEADLOCK_DETECTED) => {
            return Ok(Recorded::KeyTaken)
        }
        Err(e) => return Err(e.into()),
    };
    let count = |column: usize| row.try_get::<i64, _>(column);
    let (submitted, event, fact, answered) = (count(0)?, count(1)?, count(2)?, count(3)?);
    let told = count(4)?;
    if submitted == 0 {
        return Ok(Recorded::Changed);
    }
    // Each write reads the one row of `submitted`, so after the check above this cannot
    // differ; if it ever does, the statement has committed and the error says what is
    // missing rather than claiming the submission.
    let targets = i64::try_from(writes.outbox_targets.len()).unwrap_or(i64::MAX);
    if (event, fact, answered, told) != (1, 1, i64::from(answer.is_some()), targets) {
        return Err(DbError(StoreError::Corrupt(
            "a submission was written without its event, facts, idempotency answer or outbox messages",
        )));
    }
    Ok(Recorded::Submitted)
}
