//! What the unit tests of the rules share: the procedures the engine ships, people, and
//! dossiers in a given state.

use crate::calendar::Calendar;
use crate::dossier::{Channel, ClockFacts, Dossier, DRAFT};
use crate::pin::Pin;
use crate::principal::Principal;
use crate::procedure::{Procedure, Role};
use chrono::{DateTime, Utc};
use serde_json::json;

pub const AGENCY: &str = "UBND-HN-HOANKIEM";
pub const CITIZEN_PIN: &str = "001207001234";

/// Every procedure in `procedures/`, as the engine loads them.
pub fn shipped() -> Vec<Procedure> {
    [
        (
            "1.004889.json",
            include_str!("../../../procedures/1.004889.json"),
        ),
        (
            "1.005142.json",
            include_str!("../../../procedures/1.005142.json"),
        ),
        (
            "3.000465.json",
            include_str!("../../../procedures/3.000465.json"),
        ),
        (
            "3.000466.json",
            include_str!("../../../procedures/3.000466.json"),
        ),
    ]
    .into_iter()
    .map(|(name, text)| Procedure::parse(name, text).unwrap_or_else(|e| panic!("{name}: {e:?}")))
    .collect()
}

pub fn shipped_one(code: &str) -> Procedure {
    shipped()
        .into_iter()
        .find(|p| p.code() == code)
        .unwrap_or_else(|| panic!("no shipped procedure {code}"))
}

pub fn calendar() -> Calendar {
    Calendar::vietnam().expect("the embedded calendar loads")
}

/// An instant written in Vietnam's time, e.g. `2026-12-07T09:00:00+07:00`.
pub fn vn(text: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(text)
        .expect("an RFC 3339 instant")
        .to_utc()
}

pub fn citizen(pin: &str) -> Principal {
    Principal::Citizen {
        pin: Pin::parse(pin).expect("a valid PIN"),
        name: "Nguyễn Văn A".into(),
        assurance_level: 2,
    }
}

pub fn staff(subject: &str, agency: &str, roles: &[Role]) -> Principal {
    Principal::Staff {
        subject: subject.into(),
        name: subject.into(),
        roles: roles.to_vec(),
        agency: agency.into(),
    }
}

/// A dossier of `procedure`'s citizen [`CITIZEN_PIN`], submitted online to [`AGENCY`], in
/// `state`, with the clock a dossier in that state has: not started at the desk, paused
/// while the citizen owes something, running otherwise; closed in a final state.
pub fn dossier_in(procedure: &Procedure, state: &str) -> Dossier {
    let submitted = vn("2026-12-07T08:00:00+07:00");
    let received = vn("2026-12-07T09:00:00+07:00");
    let spec = procedure.state(state);
    let mut clock = ClockFacts {
        state_entered_at: Some(received),
        ..ClockFacts::default()
    };
    let at_desk = state == procedure.initial_state() || state == DRAFT;
    if !at_desk {
        clock.received_at = Some(received);
        clock.clock_started_at = Some(received);
        clock.due_at = Some(vn("2026-12-11T17:00:00+07:00"));
        clock.step_due_at = Some(vn("2026-12-10T09:00:00+07:00"));
    }
    if spec.is_some_and(|s| s.worked_by == Some(Role::Citizen)) {
        clock.clock_paused_at = Some(vn("2026-12-08T09:00:00+07:00"));
        clock.supplement_requests = 1;
        clock.step_due_at = None;
    }
    let is_final = spec.is_some_and(|s| s.is_final);
    Dossier {
        id: uuid::Uuid::nil(),
        procedure_code: procedure.code().into(),
        procedure_version: procedure.version(),
        citizen_pin: CITIZEN_PIN.into(),
        agency_id: (state != DRAFT).then(|| AGENCY.into()),
        channel: Channel::Online,
        state: state.into(),
        data: json!({}),
        prefill: json!({}),
        code: (state != DRAFT).then(|| "000.00.00.H26-261207-0001".into()),
        submitted_at: (state != DRAFT).then_some(submitted),
        ack_due_at: (state != DRAFT).then_some(vn("2026-12-08T08:00:00+07:00")),
        closed_at: is_final.then_some(received),
        flags: Vec::new(),
        created_at: submitted,
        updated_at: submitted,
        assigned_to: None,
        assigned_at: None,
        clock,
        taken_by: None,
        anonymised_at: None,
        national_code: None,
    }
}
