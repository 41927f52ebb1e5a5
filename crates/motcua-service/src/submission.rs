//! Submitting a draft (nộp hồ sơ): a complete draft, in the procedure's window, gets its
//! dossier code and its acknowledgement deadline (8 working hours by the legal calendar)
//! and enters the procedure's flow, with its event and indicator facts.
//!
//! Without a transaction (`motcua_store::submissions`): the draft is read without a lock and
//! written in one statement if it is still the version read. The submit is the request of a
//! registration's last day, and each round trip counts (docs/PERFORMANCE.md, "A submission
//! without a transaction"); a draft changed meanwhile is read again.

use crate::checks::{form_problems, missing_documents, refuse_if_closed};
use crate::error::ServiceError;
use crate::idempotency::{self, Answered};
use crate::lookup::{procedure_of, trace_dossier};
use crate::store::events::NewEvent;
use crate::store::facts::DocumentFacts;
use crate::store::submissions::{Recorded, Submission, SubmissionWrites};
use crate::store::Session;
use crate::time::in_vietnam;
use crate::{Code, Services};
use chrono::{DateTime, FixedOffset};
use motcua_core::access::{self, SUBMIT};
use motcua_core::dossier::{Channel, DRAFT};
use motcua_core::dossier_code::DossierCode;
use motcua_core::principal::Principal;
use serde::Serialize;
use serde_json::{json, Value};
use utoipa::ToSchema;
use uuid::Uuid;

/// The status a submission is answered with, and replayed with under the same key.
const OK: u16 = 200;

/// How many times a submission reads the draft again when it changed between the read and
/// the write (saved from another tab at that instant, or submitted there).
const SUBMIT_ATTEMPTS: usize = 3;

#[derive(Debug, Serialize, ToSchema)]
pub struct SubmitAnswer {
    id: Uuid,
    code: String,
    state: String,
    status: Option<u8>,
    submitted_at: DateTime<FixedOffset>,
    /// 8 working hours after submission, by the legal calendar.
    ack_due_at: DateTime<FixedOffset>,
    /// Set when the desk receives the dossier.
    due_at: Option<DateTime<FixedOffset>>,
}

/// Submits the draft `id`, by its citizen or by the desk that took it at the counter. The
/// answer is a [`SubmitAnswer`] as JSON (the body a replay gives).
pub async fn submit(
    services: &Services,
    principal: &Principal,
    key: Option<String>,
    id: Uuid,
) -> Result<Answered<Value>, ServiceError> {
    let route = format!("POST /v1/dossiers/{id}/submit");
    let key = idempotency::Unclaimed::of(principal, key, &route, &Value::Null);
    let mut conn = services.store.session().await?;
    for _ in 0..SUBMIT_ATTEMPTS {
        match try_submit(services, &mut *conn, principal, key.as_ref(), id).await {
            Ok(Some(answer)) => return Ok(answer),
            Ok(None) => continue,
            Err(refusal) => {
                // A client's retry runs beside its first attempt, not after it: it may fail
                // (the window closed meanwhile, no code number at hand) where the first
                // succeeded. It gets the first attempt's answer then, as a replay.
                if let Some(key) = &key {
                    if let Ok(Some(replay)) = key.replay_if_done(&mut *conn).await {
                        return Ok(Answered::Replayed(replay));
                    }
                }
                return Err(refusal);
            }
        }
    }
    Err(ServiceError::new(
        Code::DossierChanging,
        "the draft kept changing while it was being submitted; submit it again",
    ))
}

/// One attempt at a submission (`motcua_store::submissions`: read without a lock, write if
/// the draft is still as read). `Ok(None)`: the draft changed, or the key was used, after
/// it was read; nothing was written.
async fn try_submit(
    services: &Services,
    conn: &mut dyn Session,
    principal: &Principal,
    key: Option<&idempotency::Unclaimed>,
    id: Uuid,
) -> Result<Option<Answered<Value>>, ServiceError> {
    trace_dossier(id);
    let opened = conn
        .open_submission(id, key.map(|k| k.key_ref()))
        .await?
        .filter(|opened| access::may_see(principal, &opened.dossier))
        .ok_or_else(ServiceError::dossier_not_found)?;
    // Read in the same statement as the dossier: a draft seen submitted means its key is
    // seen too, so a retry of a submission that went through is replayed, not refused.
    if let (Some(key), Some(stored)) = (key, opened.key) {
        if let Some(replay) = key.judge(stored)? {
            return Ok(Some(Answered::Replayed(replay)));
        }
    }
    let dossier = opened.dossier;
    if dossier.state == DRAFT && !access::may_submit(principal, &dossier) {
        return Err(ServiceError::new(
            Code::RoleNotAllowed,
            "a draft is submitted by its citizen, or by the desk that took it at the counter",
        ));
    }
    if dossier.state != DRAFT {
        return Err(ServiceError::new(
            Code::AlreadySubmitted,
            format!(
                "this dossier was already submitted (state {:?})",
                dossier.state
            ),
        ));
    }
    let procedure = procedure_of(&services.catalog, &dossier)?;
    let now = services.clock.now();
    refuse_if_closed(procedure, now)?;
    let mut problems = form_problems(procedure, &dossier.data, in_vietnam(now).date_naive());
    let present = conn.dossier_documents(id).await?;
    problems.extend(missing_documents(conn, procedure, &dossier, &present).await?);
    if !problems.is_empty() {
        return Err(ServiceError::validation(
            "the dossier is not complete; nothing was submitted",
            problems,
        ));
    }
    // Fees due before submission are paid first (at the counter, the desk collects them).
    if dossier.channel != Channel::Counter {
        crate::payments::gate_submission(conn, procedure, &dossier).await?;
    }
    // A counter dossier belongs to the desk that took it.
    let agency = match &dossier.agency_id {
        Some(agency) => agency.clone(),
        None => procedure.receiving_agency(&dossier.data).to_owned(),
    };
    let reception_day = in_vietnam(now).date_naive();
    let sequence = services.code_numbers.next(&agency, reception_day).await?;
    let code =
        DossierCode::new(&agency, reception_day, sequence).map_err(ServiceError::internal)?;
    let ack_due_at = motcua_core::legal_clock::acknowledgement_due(
        &services.calendar,
        dossier.channel == Channel::Counter,
        now,
    )?;
    let initial = procedure.initial_state().to_owned();
    let code = code.to_string();
    let submission = Submission {
        id,
        version: opened.version,
        agency_id: &agency,
        state: &initial,
        code: &code,
        submitted_at: now,
        ack_due_at,
    };
    let submitted = submission.applied_to(dossier);
    let answer = SubmitAnswer {
        id,
        code: code.clone(),
        status: procedure.portal_status(&initial),
        state: initial.clone(),
        submitted_at: in_vietnam(now),
        ack_due_at: in_vietnam(ack_due_at),
        due_at: submitted.clock.due_at.map(in_vietnam),
    };
    let body = serde_json::to_value(&answer).map_err(ServiceError::internal)?;
    // Results are published only by a workflow step, which a draft has not taken.
    let attached = DocumentFacts::of(&present, false);
    let fact = crate::facts::of(procedure, &submitted, &attached)
        .ok_or_else(|| ServiceError::internal("a submitted dossier has an agency and a time"))?;
    let recorded = conn
        .record_submission(SubmissionWrites {
            submission,
            event: NewEvent {
                dossier_id: id,
                at: now,
                actor_kind: principal.kind().as_str(),
                actor: principal.subject(),
                action: SUBMIT,
                from_state: Some(DRAFT),
                to_state: &initial,
                comment: None,
                detail: json!({ "code": code, "channel": submitted.channel }),
            },
            fact,
            answer: key.map(|k| k.answer(OK, &body)),
            outbox_targets: services.outbox_targets.as_slice(),
        })
        .await?;
    Ok(match recorded {
        Recorded::Submitted => Some(Answered::Fresh(body)),
        Recorded::Changed | Recorded::KeyTaken => None,
    })
}

/// What would keep draft `id` from being submitted now, without submitting it: the form's
/// schema and named rules, then the documents missing, each said in Vietnamese (the same
/// checks as [`submit`]). A page asks it to tell a citizen what is left before they press
/// "submit", and which of a page's answers the engine refuses.
pub async fn problems(
    services: &Services,
    principal: &Principal,
    id: Uuid,
) -> Result<Vec<crate::FieldProblem>, ServiceError> {
    let mut db = services.store.session().await?;
    let dossier = crate::lookup::find_visible(&mut *db, principal, id).await?;
    let procedure = procedure_of(&services.catalog, &dossier)?;
    let on = in_vietnam(services.clock.now()).date_naive();
    let mut problems = form_problems(procedure, &dossier.data, on);
    let present = db.dossier_documents(id).await?;
    problems.extend(missing_documents(&mut *db, procedure, &dossier, &present).await?);
    Ok(problems)
}
