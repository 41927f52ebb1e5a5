//! The working-day calendar and the legal clock with arbitrary instants, amounts and office
//! hours. Errors (a year the calendar has no data for) are fine; a panic or an overflow is a
//! bug. Invariants, for a clock started by `clock_start` as the engine starts it:
//! - the clock never starts before reception, and starts in office hours on a working day;
//! - a due date is never before its start and falls on a working day, in office hours;
//! - `n` working minutes after a start are exactly `n` working minutes after it;
//! - an extension, a supplement and an apology never bring a return date forward, and a
//!   step is never due after the return date;
//! - working time is additive over whole minutes.
#![no_main]

use arbitrary::Arbitrary;
use chrono::{DateTime, NaiveDateTime, NaiveTime, Timelike, Utc};
use libfuzzer_sys::fuzz_target;
use motcua_core::calendar::{from_vietnam, vietnam_offset, Calendar, OfficeHours};
use motcua_core::legal_clock::{self, Timing};
use motcua_core::procedure::{Extension, TimeLimit, TimeUnit};
use std::sync::OnceLock;

/// 2024-12-20T00:00:00Z: just before the first year the calendar has data for.
const DATA_START: i64 = 1_734_652_800;
/// A little over the three years of data (2025–2027), so the ends are crossed too.
const DATA_SPAN: i64 = 3 * 366 * 86_400 + 40 * 86_400;

#[derive(Arbitrary, Debug)]
struct Input {
    received: Instant,
    other: Instant,
    third: Instant,
    minutes: i64,
    hours: u32,
    days: u32,
    unit: u8,
    amount: u32,
    extension_amount: u32,
    extension_in_days: bool,
    share: f64,
    apologies: i32,
    office: Option<(Vec<(u16, u16)>, u16)>,
}

/// An instant inside the calendar's data (whole minutes half the time), or any instant.
#[derive(Arbitrary, Debug)]
enum Instant {
    InData(u32, u8),
    Any(i64, u32),
}

impl Instant {
    fn get(&self) -> Option<DateTime<Utc>> {
        match *self {
            Instant::InData(secs, minute_only) => {
                let mut secs = i64::from(secs) % DATA_SPAN;
                if minute_only.is_multiple_of(2) {
                    secs -= secs % 60;
                }
                DateTime::from_timestamp(DATA_START + secs, 0)
            }
            // Clamped rather than skipped, so that the ends of time are tried often.
            Instant::Any(secs, nanos) => DateTime::from_timestamp(
                secs.clamp(
                    DateTime::<Utc>::MIN_UTC.timestamp(),
                    DateTime::<Utc>::MAX_UTC.timestamp(),
                ),
                nanos % 1_000_000_000,
            ),
        }
    }
}

fn vietnam() -> &'static Calendar {
    static CALENDAR: OnceLock<Calendar> = OnceLock::new();
    CALENDAR.get_or_init(|| Calendar::vietnam().expect("the embedded calendar loads"))
}

fn minute_of_day(m: u16) -> NaiveTime {
    let m = u32::from(m) % (24 * 60);
    NaiveTime::from_hms_opt(m / 60, m % 60, 0).expect("a time of day")
}

fn unit(n: u8) -> TimeUnit {
    match n % 4 {
        0 => TimeUnit::WorkingHours,
        1 => TimeUnit::WorkingDays,
        2 => TimeUnit::Days,
        _ => TimeUnit::Months,
    }
}

fuzz_target!(|input: Input| {
    let custom;
    let (calendar, periods) = match &input.office {
        Some((periods, cutoff)) => {
            let periods: Vec<(NaiveTime, NaiveTime)> = periods
                .iter()
                .take(4)
                .map(|(a, b)| (minute_of_day(*a), minute_of_day(*b)))
                .collect();
            let Ok(office) = OfficeHours::new(periods.clone(), minute_of_day(*cutoff)) else {
                return;
            };
            custom = vietnam().clone().with_office_hours(office);
            (&custom, periods)
        }
        None => (vietnam(), default_periods()),
    };
    let Some(received) = input.received.get() else {
        return;
    };
    let other = input.other.get();
    let third = input.third.get();

    // Nothing panics, whatever the instants and amounts.
    let _ = calendar.clock_start(received);
    let _ = calendar.add_working_minutes(received, input.minutes);
    let _ = calendar.add_working_hours(received, input.hours);
    let _ = calendar.add_working_days(received, input.days);
    let _ = calendar.ack_due_at(received);
    let _ = legal_clock::acknowledgement_due(calendar, input.unit.is_multiple_of(2), received);
    let limit = TimeLimit {
        amount: input.amount,
        unit: unit(input.unit),
        cutoff: None,
        extension: None,
    };
    let _ = legal_clock::due_at(calendar, &limit, received);
    let extension = Extension {
        amount: input.extension_amount,
        unit: if input.extension_in_days {
            TimeUnit::WorkingDays
        } else {
            TimeUnit::WorkingHours
        },
        when: String::new(),
    };
    let _ = legal_clock::extended_due(calendar, &extension, received);
    if let Some(other) = other {
        let _ = calendar.working_minutes_between(received, other);
        let _ = legal_clock::check_apology(calendar, received, other, received, input.apologies);
        let _ = legal_clock::check_apology(calendar, other, received, other, input.apologies);
        let timing = legal_clock::timing(received, other);
        assert_eq!(
            timing == Timing::Late,
            received > other,
            "late iff after the due time"
        );
        if let Some(third) = third {
            let _ = legal_clock::due_after_supplement(calendar, received, other, third);
            let _ = legal_clock::step_due_at(calendar, input.minutes, other, input.share, third);
        }
        if let Some(day) = other.checked_add_signed(chrono::Duration::hours(7)) {
            let _ = calendar.close_on_or_after(day.date_naive());
        }
    }

    // The invariants, from a clock started the way the engine starts it.
    let Ok(start) = calendar.clock_start(received) else {
        return;
    };
    assert!(
        start >= received,
        "clock {start} starts before reception {received}"
    );
    assert_working_time(calendar, &periods, start, true, "clock start");

    let minutes = input.minutes.rem_euclid(60 * 8 * 400);
    if let Ok(end) = calendar.add_working_minutes(start, minutes) {
        assert!(end >= start);
        if minutes > 0 {
            assert_working_time(calendar, &periods, end, false, "working minutes");
        }
        if let Ok(counted) = calendar.working_minutes_between(start, end) {
            assert_eq!(
                counted, minutes,
                "{minutes} working minutes from {start} end at {end}"
            );
        }
    }
    if let Ok(due) = calendar.add_working_days(start, input.days) {
        assert!(
            due >= start,
            "{} working days from {start} due {due}",
            input.days
        );
        assert_working_time(calendar, &periods, due, false, "working days");
    }
    // Procedure files give limits of at least 1 (the meta-schema's minimum).
    let limit = TimeLimit {
        amount: limit.amount.max(1),
        ..limit
    };
    let Ok(due) = legal_clock::due_at(calendar, &limit, start) else {
        return;
    };
    assert!(due >= start, "{limit:?} from {start} due {due}");
    assert_working_time(calendar, &periods, due, false, "due date");
    if let Ok(extended) = legal_clock::extended_due(calendar, &extension, due) {
        assert!(
            extended >= due,
            "extension {extension:?} moved {due} back to {extended}"
        );
    }
    let Some(other) = other else { return };
    if let Ok(limit_minutes) = legal_clock::limit_minutes(calendar, &limit, start) {
        assert!(limit_minutes >= 0);
        if let Ok(step) = legal_clock::step_due_at(calendar, limit_minutes, due, input.share, other)
        {
            assert!(step <= due, "a step due {step} after the return date {due}");
        }
    }
    if let Some(third) = third {
        if let Ok(moved) = legal_clock::due_after_supplement(calendar, due, other, third) {
            assert!(moved >= due, "a supplement moved {due} back to {moved}");
        }
        let mut instants = [start, other, third];
        instants.sort();
        let [a, b, c] = instants;
        if instants
            .iter()
            .all(|t| t.second() == 0 && t.nanosecond() == 0)
        {
            let whole = calendar.working_minutes_between(a, c);
            let first = calendar.working_minutes_between(a, b);
            let second = calendar.working_minutes_between(b, c);
            if let (Ok(whole), Ok(first), Ok(second)) = (whole, first, second) {
                assert_eq!(whole, first + second, "working time {a}..{b}..{c}");
            }
        }
    }
});

fn default_periods() -> Vec<(NaiveTime, NaiveTime)> {
    let t = |h, m| NaiveTime::from_hms_opt(h, m, 0).expect("a time of day");
    vec![(t(7, 30), t(11, 30)), (t(13, 0), t(17, 0))]
}

/// `at` is on a working day, in an office period: from its opening on (`opening_ok`, a
/// clock start) or after its opening up to its close (an end).
fn assert_working_time(
    calendar: &Calendar,
    periods: &[(NaiveTime, NaiveTime)],
    at: DateTime<Utc>,
    opening_ok: bool,
    what: &str,
) {
    let local: NaiveDateTime = at.with_timezone(&vietnam_offset()).naive_local();
    assert_eq!(
        calendar.is_working_day(local.date()),
        Ok(true),
        "{what} {local} is not on a working day"
    );
    let time = local.time();
    let inside = periods.iter().any(|(open, close)| {
        if opening_ok {
            *open <= time && time < *close
        } else {
            *open < time && time <= *close
        }
    });
    assert!(inside, "{what} {local} is outside office hours {periods:?}");
    assert_eq!(from_vietnam(local), at);
}
