//! A submission's writes, in one statement: the draft becomes a submitted dossier, its
//! timeline gets the event, its indicator facts are written, and the `Idempotency-Key`'s
//! answer is kept.
//!
//! One statement rather than four because the submit is the request of the last day of a
//! registration, when a million candidates press it: every statement is a round trip that
//! wakes a PostgreSQL backend and switches tasks on the engine's machine, and the four
//! writes were a third of a submission's round trips (docs/PERFORMANCE.md, "Where a
//! submission's time goes"). The rows are the same as the separate functions write: the
//! event's and the facts' columns and bindings are shared with `events::append` and
//! `facts::upsert`; the key's answer is set as `idempotency::save` sets it.

use crate::dossiers::{Dossier, DRAFT};
use crate::events::{self, NewEvent};
use crate::facts::{self, Fact};
use crate::StoreError;
use chrono::{DateTime, Utc};
use serde_json::Value;
use sqlx::{PgConnection, Row};
use std::sync::LazyLock;
use uuid::Uuid;

/// What the submission changes in the dossier's row.
pub struct Submission<'a> {
    pub id: Uuid,
    pub agency_id: &'a str,
    /// The procedure's first workflow state.
    pub state: &'a str,
    pub code: &'a str,
    pub submitted_at: DateTime<Utc>,
    pub ack_due_at: DateTime<Utc>,
}

impl Submission<'_> {
    /// `draft` as [`record`] leaves it, for what is computed from the submitted dossier
    /// before it is written (its facts). Only `updated_at` differs from the row: the
    /// database sets it to its own time. Takes the draft rather than copying its form.
    pub fn applied_to(&self, draft: Dossier) -> Dossier {
        let mut submitted = draft;
        submitted.agency_id = Some(self.agency_id.to_owned());
        submitted.state = self.state.to_owned();
        submitted.code = Some(self.code.to_owned());
        submitted.submitted_at = Some(self.submitted_at);
        submitted.ack_due_at = Some(self.ack_due_at);
        submitted.clock.state_entered_at = Some(self.submitted_at);
        submitted.clock.step_due_at = Some(self.ack_due_at);
        submitted.updated_at = self.submitted_at;
        submitted
    }
}

/// The answer to keep for a claimed `Idempotency-Key` (`idempotency::claim`).
pub struct KeptAnswer<'a> {
    pub principal: &'a str,
    pub key: &'a str,
    pub status: u16,
    pub body: &'a Value,
}

/// Everything a submission writes.
pub struct SubmissionWrites<'a> {
    pub submission: Submission<'a>,
    pub event: NewEvent<'a>,
    pub fact: Fact<'a>,
    pub answer: Option<KeptAnswer<'a>>,
}

/// The parameters before the event's: the submission's six.
const SUBMISSION_PARAMETERS: usize = 6;

/// Each write after the dossier's reads its id from `submitted`, so that nothing is
/// written when the dossier was no longer a draft; the counts tell [`record`] that every
/// write was made.
static RECORD: LazyLock<String> = LazyLock::new(|| {
    let event_first = SUBMISSION_PARAMETERS + 1;
    let fact_first = event_first + events::PARAMETERS;
    let answer_first = fact_first + facts::PARAMETERS;
    format!(
        "with submitted as (
             update dossier set agency_id = $2, state = $3, code = $4, submitted_at = $5,
                    ack_due_at = $6, state_entered_at = $5, step_due_at = $6, updated_at = now()
              where id = $1 and state = '{DRAFT}' returning id),
         event as (
             insert into dossier_event ({event_columns})
             select {event_values} from submitted where submitted.id = ${event_first}
             returning 1),
         fact as (
             insert into dossier_fact ({fact_columns})
             select {fact_values} from submitted where submitted.id = ${fact_first}
             {on_conflict}
             returning 1),
         answer as (
             update idempotency_key set response_status = ${a1}, response_body = ${a2}
              where principal = ${a3} and key = ${a4} and exists (select 1 from submitted)
             returning 1)
         select (select count(*) from submitted), (select count(*) from event),
                (select count(*) from fact), (select count(*) from answer)",
        event_columns = events::COLUMNS,
        event_values = crate::placeholders(event_first, events::PARAMETERS),
        fact_columns = facts::COLUMNS,
        fact_values = crate::placeholders(fact_first, facts::PARAMETERS),
        on_conflict = facts::ON_CONFLICT_REWRITE,
        a1 = answer_first,
        a2 = answer_first + 1,
        a3 = answer_first + 2,
        a4 = answer_first + 3,
    )
});

/// Writes the submission of a draft the caller has locked (`dossiers::find_for_update`).
/// Fails with [`StoreError::Conflict`], writing nothing, if it is no longer a draft.
pub async fn record(
    conn: &mut PgConnection,
    writes: SubmissionWrites<'_>,
) -> Result<(), StoreError> {
    let s = &writes.submission;
    let query = sqlx::query(RECORD.as_str())
        .bind(s.id)
        .bind(s.agency_id)
        .bind(s.state)
        .bind(s.code)
        .bind(s.submitted_at)
        .bind(s.ack_due_at);
    let query = events::bind(query, writes.event);
    let query = facts::bind(query, &writes.fact);
    let answer = writes.answer.as_ref();
    let row = query
        .bind(answer.map(|a| i16::try_from(a.status).unwrap_or(200)))
        .bind(answer.map(|a| a.body))
        .bind(answer.map(|a| a.principal))
        .bind(answer.map(|a| a.key))
        .fetch_one(conn)
        .await?;
    let count = |column: usize| row.try_get::<i64, _>(column);
    let (submitted, event, fact, answered) = (count(0)?, count(1)?, count(2)?, count(3)?);
    if submitted == 0 {
        return Err(StoreError::Conflict);
    }
    // Rows are written for the ids the caller gave; ids other than the dossier's would
    // leave writes out, and the transaction must then not commit.
    let expected_answers = i64::from(answer.is_some());
    if (event, fact, answered) != (1, 1, expected_answers) {
        return Err(StoreError::Incomplete(
            "a submission's event, facts or idempotency answer was not written",
        ));
    }
    Ok(())
}
