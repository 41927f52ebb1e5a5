//! Arbitrary bytes as a procedure file, through `Procedure::parse` as `motcua procedures
//! check` and the engine's start read them (`crates/motcua/src/procedures_dir.rs`). Errors
//! are expected; a panic is a bug. A file that loads is then used the way dossiers use it
//! (forms, rules, the legal clock, the workflow), since a file that loads but panics when
//! used takes every dossier of its procedure down with it.
#![no_main]

use chrono::{DateTime, NaiveDate, Utc};
use libfuzzer_sys::fuzz_target;
use motcua_core::calendar::Calendar;
use motcua_core::legal_clock;
use motcua_core::procedure::Procedure;
use serde_json::{json, Value};
use std::sync::OnceLock;

fn calendar() -> &'static Calendar {
    static CALENDAR: OnceLock<Calendar> = OnceLock::new();
    CALENDAR.get_or_init(|| Calendar::vietnam().expect("the embedded calendar loads"))
}

fuzz_target!(|data: &[u8]| {
    // The binary reads files with `read_to_string`: invalid UTF-8 never reaches the parser.
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    match Procedure::parse("fuzz.json", text) {
        Ok(procedure) => use_it(&procedure),
        Err(problems) => {
            assert!(!problems.is_empty(), "a refused file names its problems");
            for p in &problems {
                assert!(
                    p.pointer.is_empty() || p.pointer.starts_with('/'),
                    "a problem's pointer is a JSON pointer: {p}"
                );
            }
        }
    }
});

fn use_it(procedure: &Procedure) {
    let on = NaiveDate::from_ymd_opt(2026, 6, 15).expect("a real day");
    let mid_2026: DateTime<Utc> = DateTime::from_timestamp(1_781_500_000, 0).expect("an instant");
    for data in [json!({}), Value::Null, json!({"receiving_agency": "x"})] {
        let _ = procedure.validate_draft(&data);
        let _ = procedure.validate_submission(&data);
        let _ = procedure.check_rules(&data, on);
        let _ = procedure.receiving_agency(&data);
    }
    let _ = procedure.register_fields();
    let coverage = procedure.prefill_coverage();
    assert!((0.0..=1.0).contains(&coverage), "coverage {coverage}");
    let _ = procedure.is_open_at(mid_2026);
    let initial = procedure.initial_state();
    assert!(
        procedure.state(initial).is_some(),
        "a loaded workflow has its initial state"
    );
    for action in procedure.actions_from(initial) {
        assert!(
            procedure.state(&action.to).is_some(),
            "action {} leads to a declared state",
            action.name
        );
    }
    let calendar = calendar();
    let Ok(start) = calendar.clock_start(mid_2026) else {
        return;
    };
    let limit = &procedure.spec().time_limit;
    if let Ok(due) = legal_clock::due_at(calendar, limit, start) {
        assert!(due >= start, "due {due} before its start {start}");
        if let Some(extension) = &limit.extension {
            if let Ok(extended) = legal_clock::extended_due(calendar, extension, due) {
                assert!(extended >= due, "an extension never shortens");
            }
        }
    }
    if let Ok(minutes) = legal_clock::limit_minutes(calendar, limit, start) {
        assert!(minutes >= 0);
    }
    for state in procedure.spec().workflow.states.values() {
        if let Some(hours) = state.limit.as_ref().and_then(|l| l.working_hours) {
            let _ = calendar.add_working_hours(start, hours);
        }
    }
}
