//! What a workflow step does to a dossier's legal clock and which slips it issues: the
//! procedure declares the effects, `motcua_core::legal_clock` computes the dates, this
//! module puts the two together for one transition.

use crate::error::ApiError;
use chrono::{DateTime, Utc};
use motcua_core::calendar::Calendar;
use motcua_core::legal_clock;
use motcua_core::procedure::{Action, Effect, Procedure, Role};
use motcua_store::dossiers::{ClockFacts, Dossier};
use serde_json::{json, Value};

/// The slips of TT 03/2025 a step can issue, by the name the API gives them.
pub const RECEIPT: &str = "receipt";
pub const SUPPLEMENT: &str = "supplement";
pub const REFUSAL: &str = "refusal";
pub const APOLOGY: &str = "apology";
pub const STOP: &str = "stop";

/// The dossier's clock after the step, and what else the step brings.
pub struct Planned {
    /// Where the dossier goes: the action's `to`, except that a supplement asked for at
    /// reception brings the completed dossier back to the desk, not past it.
    pub to_state: String,
    /// A new acknowledgement deadline, when the dossier goes back to the desk.
    pub ack_due_at: Option<DateTime<Utc>>,
    pub clock: ClockFacts,
    pub slips: Vec<&'static str>,
    pub publish_results: bool,
    /// How the step being left ended against its deadline (Mẫu 06).
    pub handover: Value,
}

/// A date past the calendar's last year cannot be counted: the operator must add the
/// year's file. Nothing is written meanwhile.
pub fn calendar_error(e: motcua_core::calendar::CalendarError) -> ApiError {
    ApiError::unavailable("the legal calendar", e)
}

/// When the step `state`, entered `now`, must be done.
fn step_due(
    calendar: &Calendar,
    procedure: &Procedure,
    ack_due_at: Option<DateTime<Utc>>,
    clock: &ClockFacts,
    state: &str,
    now: DateTime<Utc>,
) -> Result<Option<DateTime<Utc>>, ApiError> {
    let Some(spec) = procedure.state(state) else {
        return Ok(None);
    };
    if spec.is_final || spec.worked_by == Some(Role::Citizen) || clock.clock_paused_at.is_some() {
        return Ok(None);
    }
    if state == procedure.initial_state() {
        return Ok(ack_due_at);
    }
    if let Some(hours) = spec.limit.as_ref().and_then(|l| l.working_hours) {
        let start = calendar.clock_start(now).map_err(calendar_error)?;
        return Ok(Some(
            calendar
                .add_working_hours(start, hours)
                .map_err(calendar_error)?,
        ));
    }
    match (clock.clock_started_at, clock.due_at, spec.share) {
        (Some(start), Some(due), Some(share)) => {
            let limit = legal_clock::limit_minutes(calendar, &procedure.spec().time_limit, start)
                .map_err(calendar_error)?;
            Ok(Some(
                legal_clock::step_due_at(calendar, limit, due, share, now)
                    .map_err(calendar_error)?,
            ))
        }
        (_, due, _) => Ok(due),
    }
}

/// Plans `action` on `dossier` at `now`.
pub fn plan(
    calendar: &Calendar,
    procedure: &Procedure,
    dossier: &Dossier,
    action: &Action,
    now: DateTime<Utc>,
) -> Result<Planned, ApiError> {
    let mut clock = dossier.clock.clone();
    let mut slips = Vec::new();
    let mut to_state = action.to.clone();
    let mut ack_due_at = None;
    if action.has(Effect::ResumeClock) {
        match (clock.clock_paused_at, clock.due_at) {
            (Some(asked), Some(due)) => {
                clock.due_at = Some(
                    legal_clock::due_after_supplement(calendar, due, asked, now)
                        .map_err(calendar_error)?,
                );
            }
            // Asked for at reception: the clock never started. The completed dossier goes
            // back to the desk, to be received (or not) like a new one.
            (_, None) => {
                to_state = procedure.initial_state().to_owned();
                ack_due_at = Some(
                    legal_clock::acknowledgement_due(calendar, dossier.channel == "counter", now)
                        .map_err(calendar_error)?,
                );
            }
            (None, Some(_)) => {}
        }
        clock.clock_paused_at = None;
    }
    if action.has(Effect::StartClock) {
        let start = calendar.clock_start(now).map_err(calendar_error)?;
        clock.received_at = Some(now);
        clock.clock_started_at = Some(start);
        clock.due_at = Some(
            legal_clock::due_at(calendar, &procedure.spec().time_limit, start)
                .map_err(calendar_error)?,
        );
        slips.push(RECEIPT);
    }
    if action.has(Effect::ExtendDeadline) {
        if let (Some(extension), Some(due)) = (&procedure.spec().time_limit.extension, clock.due_at)
        {
            clock.due_at =
                Some(legal_clock::extended_due(calendar, extension, due).map_err(calendar_error)?);
        }
    }
    if action.has(Effect::PauseClock) {
        clock.clock_paused_at = Some(now);
        clock.supplement_requests += 1;
    }
    for (effect, slip) in [
        (Effect::SupplementSlip, SUPPLEMENT),
        (Effect::RefusalSlip, REFUSAL),
        (Effect::ApologySlip, APOLOGY),
        (Effect::StopNotice, STOP),
    ] {
        if action.has(effect) {
            slips.push(slip);
        }
    }
    let handover = handover(dossier, now);
    // Forwarding within a step hands the work to someone else; the step keeps its time.
    if to_state != dossier.state {
        clock.state_entered_at = Some(now);
        let ack = ack_due_at.or(dossier.ack_due_at);
        clock.step_due_at = step_due(calendar, procedure, ack, &clock, &to_state, now)?;
    }
    Ok(Planned {
        to_state,
        ack_due_at,
        clock,
        slips,
        publish_results: action.has(Effect::ResultToStore),
        handover,
    })
}

/// The step being left: when it began, by when it was due, how it ended.
pub fn handover(dossier: &Dossier, now: DateTime<Utc>) -> Value {
    let timing = dossier
        .clock
        .step_due_at
        .map(|due| legal_clock::timing(now, due));
    json!({
        "state": dossier.state,
        "entered_at": dossier.clock.state_entered_at,
        "due_at": dossier.clock.step_due_at,
        "timing": timing,
        "held_by": dossier.assigned_to,
    })
}
