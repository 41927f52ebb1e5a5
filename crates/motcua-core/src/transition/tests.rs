//! `Transition::plan` and `apology` against the legal rules (NĐ 118/2025 on reception,
//! supplements and apologies; NĐ 23/2015 Điều 7 on a complex case's extension; TT 03/2025 on
//! the slips), on the procedures the engine ships. Office hours are 07:30–11:30 and
//! 13:00–17:00; 2026-12-07 is a Monday.

use super::*;
use crate::dossier::{Channel, DRAFT};
use crate::fixtures::{calendar, dossier_in, shipped, shipped_one, vn};
use crate::procedure::Effect;

fn plan_at(procedure: &Procedure, dossier: &Dossier, action: &str, at: &str) -> Transition {
    let action = procedure
        .action_from(&dossier.state, action)
        .unwrap_or_else(|| panic!("{action} from {}", dossier.state));
    Transition::plan(&calendar(), procedure, dossier, action, vn(at)).expect("plannable")
}

/// `action` planned at `at` on a dossier in `state` as [`dossier_in`] makes it.
fn plan_from(procedure: &Procedure, state: &str, action: &str, at: &str) -> Transition {
    plan_at(procedure, &dossier_in(procedure, state), action, at)
}

/// Every action of every shipped procedure, from each state it is taken in: it goes where
/// the procedure says (or back to the desk), closes the dossier exactly when that state is
/// final, issues the slips its effects name and no others, and hands over the step it
/// leaves.
#[test]
fn every_shipped_action_plans_as_its_effects_say() {
    let calendar = calendar();
    let now = vn("2026-12-09T10:00:00+07:00");
    let mut planned = 0;
    for procedure in shipped() {
        for action in &procedure.spec().workflow.actions {
            for from in &action.from {
                let dossier = dossier_in(&procedure, from);
                let t = Transition::plan(&calendar, &procedure, &dossier, action, now)
                    .unwrap_or_else(|e| panic!("{} {}: {e}", procedure.code(), action.name));
                let context = format!("{} {} from {from}", procedure.code(), action.name);
                let back_to_desk =
                    action.has(Effect::ResumeClock) && dossier.clock.due_at.is_none();
                let expected_to = if back_to_desk {
                    procedure.initial_state()
                } else {
                    action.to.as_str()
                };
                assert_eq!(t.to_state, expected_to, "{context}");
                assert_eq!(t.closes, procedure.is_final(expected_to), "{context}");
                let mut slips = Vec::new();
                if action.has(Effect::StartClock) {
                    slips.push(RECEIPT);
                }
                // Written out, not read from SLIP_EFFECTS: the table itself is under test.
                let named = [
                    (Effect::SupplementSlip, "supplement"),
                    (Effect::RefusalSlip, "refusal"),
                    (Effect::ApologySlip, "apology"),
                    (Effect::StopNotice, "stop"),
                ];
                slips.extend(
                    named
                        .iter()
                        .filter(|(e, _)| action.has(*e))
                        .map(|(_, s)| *s),
                );
                assert_eq!(t.slips, slips, "{context}");
                assert_eq!(
                    t.publish_results,
                    action.has(Effect::ResultToStore),
                    "{context}"
                );
                assert_eq!(t.handover["state"], json!(from), "{context}");
                if action.has(Effect::PauseClock) {
                    assert_eq!(t.clock.clock_paused_at, Some(now), "{context}");
                    assert_eq!(
                        t.clock.supplement_requests,
                        dossier.clock.supplement_requests + 1,
                        "{context}"
                    );
                    assert_eq!(
                        t.clock.step_due_at, None,
                        "{context}: the citizen has no deadline"
                    );
                }
                if action.has(Effect::ResumeClock) {
                    assert_eq!(t.clock.clock_paused_at, None, "{context}");
                }
                if t.to_state == dossier.state {
                    assert_eq!(
                        t.clock.state_entered_at, dossier.clock.state_entered_at,
                        "{context}"
                    );
                    assert_eq!(t.clock.step_due_at, dossier.clock.step_due_at, "{context}");
                } else {
                    assert_eq!(t.clock.state_entered_at, Some(now), "{context}");
                }
                if t.closes {
                    assert_eq!(
                        t.clock.step_due_at, None,
                        "{context}: a final state has no step"
                    );
                }
                planned += 1;
            }
        }
    }
    // 4 procedures: 12 + 7 + 13 + 12 actions, taken from 19 + 10 + 20 + 19 states.
    assert_eq!(planned, 68);
}

/// `action` planned at `at` on the dossier as the step `before` left it.
fn then(procedure: &Procedure, before: &Transition, action: &str, at: &str) -> Transition {
    let mut dossier = dossier_in(procedure, &before.to_state);
    dossier.clock = before.clock.clone();
    plan_at(procedure, &dossier, action, at)
}

/// When a planned step says the dossier was received, its clock started, and it is due.
fn reception(t: &Transition) -> [Option<DateTime<Utc>>; 3] {
    [
        t.clock.received_at,
        t.clock.clock_started_at,
        t.clock.due_at,
    ]
}

/// Instants written in Vietnam's time, as [`reception`] gives them.
fn instants(texts: [&str; 3]) -> [Option<DateTime<Utc>>; 3] {
    texts.map(|t| Some(vn(t)))
}

#[test]
fn reception_starts_the_clock_and_sets_the_return_date_in_working_days() {
    // 3.000466: 5 working days. Received Monday 09:00, the day counts as the first: the
    // result is due at Friday's close.
    let p = shipped_one("3.000466");
    let t = plan_from(&p, "submitted", "receive", "2026-12-07T09:00:00+07:00");
    assert_eq!(t.to_state, "processing");
    assert_eq!(
        reception(&t),
        instants([
            "2026-12-07T09:00:00+07:00",
            "2026-12-07T09:00:00+07:00",
            "2026-12-11T17:00:00+07:00"
        ])
    );
    assert_eq!(t.slips, vec![RECEIPT]);
    // Processing's share is 60 % of the working time from the clock's start to the return
    // date (6.5 hours on Monday, 8 on each of the next four days: 38.5 hours): 23.1 hours,
    // so 6.5 + 8 + 8 and 36 minutes on Thursday.
    assert_eq!(t.clock.step_due_at, Some(vn("2026-12-10T08:06:00+07:00")));
}

#[test]
fn received_after_15_00_the_clock_starts_the_next_working_day() {
    let p = shipped_one("3.000466");
    // Friday 15:30: received then, counted from Monday's opening, due the next Friday.
    let t = plan_from(&p, "submitted", "receive", "2026-12-11T15:30:00+07:00");
    assert_eq!(
        reception(&t),
        instants([
            "2026-12-11T15:30:00+07:00",
            "2026-12-14T07:30:00+07:00",
            "2026-12-18T17:00:00+07:00"
        ])
    );
}

#[test]
fn a_complex_case_extends_the_return_date_by_two_working_days() {
    // 3.000465: 1 working day, + 2 for a complex case (NĐ 23/2015 Điều 7), once.
    let p = shipped_one("3.000465");
    let received = plan_from(&p, "submitted", "receive", "2026-12-07T09:00:00+07:00");
    assert_eq!(received.clock.due_at, Some(vn("2026-12-07T17:00:00+07:00")));
    let t = then(
        &p,
        &received,
        "extend_for_complex_case",
        "2026-12-07T10:00:00+07:00",
    );
    assert_eq!(t.to_state, "processing");
    assert_eq!(t.clock.due_at, Some(vn("2026-12-09T17:00:00+07:00")));
    assert!(p.action("extend_for_complex_case").is_some_and(|a| a.once));
}

#[test]
fn a_supplement_during_processing_moves_the_return_date_by_the_time_the_citizen_took() {
    let p = shipped_one("3.000466");
    let asked = plan_from(
        &p,
        "processing",
        "request_supplement",
        "2026-12-08T09:00:00+07:00",
    );
    assert_eq!(asked.to_state, "supplement");
    assert_eq!(
        asked.clock.clock_paused_at,
        Some(vn("2026-12-08T09:00:00+07:00"))
    );
    assert_eq!(asked.slips, vec![SUPPLEMENT]);
    assert_eq!(
        asked.clock.due_at,
        dossier_in(&p, "processing").clock.due_at,
        "the date moves only when it comes"
    );
    // Answered Thursday 09:00: two working days (16 working hours) owed by the citizen.
    let resumed = then(&p, &asked, "resubmit", "2026-12-10T09:00:00+07:00");
    assert_eq!(resumed.to_state, "processing");
    assert_eq!(resumed.clock.clock_paused_at, None);
    assert_eq!(resumed.clock.due_at, Some(vn("2026-12-15T17:00:00+07:00")));
    assert_eq!(resumed.clock.supplement_requests, 1);
}

#[test]
fn a_supplement_asked_at_the_desk_brings_the_completed_dossier_back_to_the_desk() {
    // The clock never started: the completed dossier is received (or not) like a new one,
    // acknowledged within 8 working hours online.
    let p = shipped_one("1.004889");
    let asked = plan_from(
        &p,
        "submitted",
        "request_supplement",
        "2026-12-07T10:00:00+07:00",
    );
    assert_eq!(asked.clock.clock_started_at, None);
    let resumed = then(&p, &asked, "resubmit", "2026-12-08T10:00:00+07:00");
    assert_eq!(resumed.to_state, "submitted");
    assert_eq!(resumed.ack_due_at, Some(vn("2026-12-09T10:00:00+07:00")));
    assert_eq!(resumed.clock.step_due_at, resumed.ack_due_at);
    assert_eq!(resumed.clock.due_at, None);
    // Taken at the counter, the desk has the working day.
    let mut waiting = dossier_in(&p, &asked.to_state);
    waiting.clock = asked.clock;
    waiting.channel = Channel::Counter;
    let at_counter = plan_at(&p, &waiting, "resubmit", "2026-12-08T10:00:00+07:00");
    assert_eq!(at_counter.ack_due_at, Some(vn("2026-12-08T17:00:00+07:00")));
}

#[test]
fn forwarding_within_a_step_keeps_the_step_s_time() {
    let p = shipped_one("1.004889");
    let dossier = dossier_in(&p, "processing");
    let t = plan_at(&p, &dossier, "forward", "2026-12-09T10:00:00+07:00");
    assert_eq!(t.to_state, "processing");
    assert_eq!(t.clock, dossier.clock);
}

#[test]
fn the_step_left_is_handed_over_with_how_it_ended() {
    let p = shipped_one("1.004889");
    let mut dossier = dossier_in(&p, "processing");
    dossier.assigned_to = Some("chuyenvien1".into());
    let late = plan_at(&p, &dossier, "propose", "2026-12-10T10:00:00+07:00");
    assert_eq!(late.handover["state"], json!("processing"));
    assert_eq!(late.handover["held_by"], json!("chuyenvien1"));
    assert_eq!(
        late.handover["timing"],
        json!(legal_clock::timing(
            vn("2026-12-10T10:00:00+07:00"),
            vn("2026-12-10T09:00:00+07:00")
        ))
    );
    let early = plan_at(&p, &dossier, "propose", "2026-12-09T10:00:00+07:00");
    assert_ne!(early.handover["timing"], late.handover["timing"]);
    // Approval's share is 20 % of 15 working days: 24 working hours, capped by the return
    // date (2026-12-11 17:00 in the fixture).
    assert_eq!(
        early.clock.step_due_at,
        Some(vn("2026-12-11T17:00:00+07:00"))
    );
}

#[test]
fn refusing_returning_and_withdrawing_close_the_dossier() {
    let p = shipped_one("1.005142");
    let refused = plan_from(&p, "submitted", "refuse", "2026-12-07T10:00:00+07:00");
    assert!(refused.closes);
    assert_eq!(refused.slips, vec![REFUSAL]);
    let returned = plan_from(
        &p,
        "confirmed",
        "return_result",
        "2026-12-09T10:00:00+07:00",
    );
    assert!(returned.closes);
    assert!(returned.slips.is_empty());
    let withdrawn = plan_from(&p, "checking", "withdraw", "2026-12-09T10:00:00+07:00");
    assert!(withdrawn.closes);
    assert_eq!(withdrawn.slips, vec![STOP]);
    let confirmed = plan_from(&p, "checking", "confirm", "2026-12-09T10:00:00+07:00");
    assert!(confirmed.publish_results);
    assert!(!confirmed.closes);
}

#[test]
fn a_date_past_the_calendar_s_last_year_is_not_counted() {
    let p = shipped_one("1.004889");
    let action = p.action_from("submitted", "receive").expect("receive");
    let refused = Transition::plan(
        &calendar(),
        &p,
        &dossier_in(&p, "submitted"),
        action,
        vn("2027-12-30T09:00:00+07:00"),
    );
    assert!(
        matches!(refused, Err(CalendarError::YearNotCovered(2028))),
        "{refused:?}"
    );
}

/// The apology asked `at` (Vietnam time) for a new return date `new_due`.
fn apologise(dossier: &Dossier, new_due: &str, at: &str) -> Result<ClockFacts, ApologyRefused> {
    apology(&calendar(), dossier, vn(new_due), vn(at))
}

#[test]
fn an_apology_moves_the_return_date_once_and_at_least_a_working_day_ahead() {
    let p = shipped_one("3.000466");
    let dossier = dossier_in(&p, "processing");
    let new_due = "2026-12-15T17:00:00+07:00";
    let monday = "2026-12-07T10:00:00+07:00";
    let clock = apologise(&dossier, new_due, monday).expect("in time");
    assert_eq!(clock.due_at, Some(vn(new_due)));
    assert_eq!(clock.original_due_at, dossier.clock.due_at);
    assert_eq!(clock.apologies, 1);
    assert_eq!(
        clock.step_due_at, dossier.clock.step_due_at,
        "the step's own deadline is earlier"
    );
    let mut apologised = dossier.clone();
    apologised.clock = clock;
    let refusals = [
        (
            &apologised,
            "2026-12-18T17:00:00+07:00",
            "2026-12-08T10:00:00+07:00",
            "once",
        ),
        // Less than one working day before Friday 17:00.
        (&dossier, new_due, "2026-12-11T10:00:00+07:00", "too late"),
        (&dossier, "2026-12-10T17:00:00+07:00", monday, "not later"),
        (
            &dossier_in(&p, "supplement"),
            new_due,
            "2026-12-08T10:00:00+07:00",
            "paused",
        ),
        (
            &dossier_in(&p, "submitted"),
            new_due,
            monday,
            "not received",
        ),
    ];
    let found: Vec<_> = refusals
        .iter()
        .map(|(d, due, at, why)| (*why, apologise(d, due, at).err()))
        .collect();
    assert!(
        matches!(found[0].1, Some(ApologyRefused::AlreadyIssued)),
        "{found:?}"
    );
    assert!(
        matches!(found[1].1, Some(ApologyRefused::TooLate { .. })),
        "{found:?}"
    );
    assert!(
        matches!(found[2].1, Some(ApologyRefused::NotLater { .. })),
        "{found:?}"
    );
    assert!(
        matches!(found[3].1, Some(ApologyRefused::NoRunningClock)),
        "{found:?}"
    );
    assert!(
        matches!(found[4].1, Some(ApologyRefused::NoRunningClock)),
        "{found:?}"
    );
}

#[test]
fn an_apology_brings_a_later_step_deadline_back_to_the_new_date() {
    let p = shipped_one("3.000466");
    let mut dossier = dossier_in(&p, "processing");
    dossier.clock.step_due_at = Some(vn("2026-12-18T17:00:00+07:00"));
    let new_due = "2026-12-15T17:00:00+07:00";
    let clock = apologise(&dossier, new_due, "2026-12-07T10:00:00+07:00").expect("in time");
    assert_eq!(clock.step_due_at, Some(vn(new_due)));
}

#[test]
fn a_draft_has_no_workflow_action() {
    for p in shipped() {
        assert_eq!(p.actions_from(DRAFT).count(), 0, "{}", p.code());
    }
}
