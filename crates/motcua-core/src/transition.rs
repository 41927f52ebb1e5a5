//! What one workflow step does to a dossier: the state it goes to, its legal clock after
//! the step and the slips it issues. The procedure declares the effects of each action,
//! [`crate::legal_clock`] computes the dates, [`Transition::plan`] puts the two together.

use crate::calendar::{Calendar, CalendarError};
use crate::dossier::{Channel, ClockFacts, Dossier};
use crate::legal_clock::{self, ApologyRefused};
use crate::procedure::{Action, Effect, Procedure, Role};
use chrono::{DateTime, Utc};
use serde_json::{json, Value};

/// The slips of TT 03/2025 a step can issue, by the name the API gives them.
pub const RECEIPT: &str = "receipt";
pub const SUPPLEMENT: &str = "supplement";
pub const REFUSAL: &str = "refusal";
pub const APOLOGY: &str = "apology";
pub const STOP: &str = "stop";

/// The slips an action's effects issue, besides the receipt that starting the clock gives.
pub const SLIP_EFFECTS: [(Effect, &str); 4] = [
    (Effect::SupplementSlip, SUPPLEMENT),
    (Effect::RefusalSlip, REFUSAL),
    (Effect::ApologySlip, APOLOGY),
    (Effect::StopNotice, STOP),
];

/// One step of a dossier, planned: what to record.
#[derive(Debug, Clone, PartialEq)]
pub struct Transition {
    /// Where the dossier goes: the action's `to`, except that a supplement asked for at
    /// reception brings the completed dossier back to the desk, not past it.
    pub to_state: String,
    /// `to_state` is final: the dossier closes.
    pub closes: bool,
    /// A new acknowledgement deadline, when the dossier goes back to the desk.
    pub ack_due_at: Option<DateTime<Utc>>,
    pub clock: ClockFacts,
    pub slips: Vec<&'static str>,
    /// The step publishes the attached results to the citizen's store.
    pub publish_results: bool,
    /// How the step being left ended against its deadline (Mẫu 06).
    pub handover: Value,
}

impl Transition {
    /// Plans `action` on `dossier` at `now`. A date past the calendar's last year cannot be
    /// counted: the operator must add the year's file, and nothing is recorded meanwhile.
    pub fn plan(
        calendar: &Calendar,
        procedure: &Procedure,
        dossier: &Dossier,
        action: &Action,
        now: DateTime<Utc>,
    ) -> Result<Transition, CalendarError> {
        let mut clock = dossier.clock.clone();
        let mut slips = Vec::new();
        let mut to_state = action.to.clone();
        let mut ack_due_at = None;
        if action.has(Effect::ResumeClock) {
            match (clock.clock_paused_at, clock.due_at) {
                (Some(asked), Some(due)) => {
                    clock.due_at = Some(legal_clock::due_after_supplement(
                        calendar, due, asked, now,
                    )?);
                }
                // Asked for at reception: the clock never started. The completed dossier
                // goes back to the desk, to be received (or not) like a new one.
                (_, None) => {
                    to_state = procedure.initial_state().to_owned();
                    let at_counter = dossier.channel == Channel::Counter;
                    ack_due_at = Some(legal_clock::acknowledgement_due(calendar, at_counter, now)?);
                }
                (None, Some(_)) => {}
            }
            clock.clock_paused_at = None;
        }
        if action.has(Effect::StartClock) {
            let start = calendar.clock_start(now)?;
            clock.received_at = Some(now);
            clock.clock_started_at = Some(start);
            clock.due_at = Some(legal_clock::due_at(
                calendar,
                &procedure.spec().time_limit,
                start,
            )?);
            slips.push(RECEIPT);
        }
        if action.has(Effect::ExtendDeadline) {
            if let (Some(extension), Some(due)) =
                (&procedure.spec().time_limit.extension, clock.due_at)
            {
                clock.due_at = Some(legal_clock::extended_due(calendar, extension, due)?);
            }
        }
        if action.has(Effect::PauseClock) {
            clock.clock_paused_at = Some(now);
            clock.supplement_requests += 1;
        }
        slips.extend(
            SLIP_EFFECTS
                .iter()
                .filter(|(effect, _)| action.has(*effect))
                .map(|(_, slip)| *slip),
        );
        let handover = handover(dossier, now);
        // Forwarding within a step hands the work to someone else; the step keeps its time.
        if to_state != dossier.state {
            clock.state_entered_at = Some(now);
            let ack = ack_due_at.or(dossier.ack_due_at);
            clock.step_due_at = step_due(calendar, procedure, ack, &clock, &to_state, now)?;
        }
        Ok(Transition {
            closes: procedure.is_final(&to_state),
            to_state,
            ack_due_at,
            clock,
            slips,
            publish_results: action.has(Effect::ResultToStore),
            handover,
        })
    }
}

/// When the step `state`, entered `now`, must be done.
fn step_due(
    calendar: &Calendar,
    procedure: &Procedure,
    ack_due_at: Option<DateTime<Utc>>,
    clock: &ClockFacts,
    state: &str,
    now: DateTime<Utc>,
) -> Result<Option<DateTime<Utc>>, CalendarError> {
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
        let start = calendar.clock_start(now)?;
        return Ok(Some(calendar.add_working_hours(start, hours)?));
    }
    match (clock.clock_started_at, clock.due_at, spec.share) {
        (Some(start), Some(due), Some(share)) => {
            let limit = legal_clock::limit_minutes(calendar, &procedure.spec().time_limit, start)?;
            Ok(Some(legal_clock::step_due_at(
                calendar, limit, due, share, now,
            )?))
        }
        (_, due, _) => Ok(due),
    }
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

/// The clock after an apology (xin lỗi và hẹn lại, Mẫu 04) that moves the return date to
/// `new_due` at `now`: once per dossier, while the clock runs, at least one working day
/// before the current return date. The step's own deadline cannot lie past the new date.
pub fn apology(
    calendar: &Calendar,
    dossier: &Dossier,
    new_due: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Result<ClockFacts, ApologyRefused> {
    let due = match dossier.clock.due_at {
        Some(due) if dossier.clock_runs() => due,
        _ => return Err(ApologyRefused::NoRunningClock),
    };
    legal_clock::check_apology(calendar, now, due, new_due, dossier.clock.apologies)?;
    let mut clock = dossier.clock.clone();
    clock.original_due_at = clock.original_due_at.or(Some(due));
    clock.due_at = Some(new_due);
    clock.apologies += 1;
    if clock.step_due_at.is_some_and(|s| s > new_due) {
        clock.step_due_at = Some(new_due);
    }
    Ok(clock)
}

#[cfg(test)]
mod tests;
