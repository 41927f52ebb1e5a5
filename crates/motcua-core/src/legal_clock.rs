//! The legal clock of one dossier (NĐ 118/2025; docs/DOMAIN.md, "The legal clock and the
//! calendar"), on top of the working-day [`Calendar`]: the return date from the procedure's time
//! limit, the time a supplement is owed taken out of it, each step's share of it, the
//! apology rule, and whether a step ended early, on time or late. Every date here is
//! computed from recorded instants; nothing is stored by hand.

use crate::calendar::{local_date, Calendar, CalendarError};
use crate::procedure::{Extension, TimeLimit, TimeUnit};
use chrono::{DateTime, Datelike, Days, Duration, Months, Utc};

/// One working day, in working minutes (8 working hours).
pub const WORKING_DAY_MINUTES: i64 = 8 * 60;

/// The return date (ngày hẹn trả) of a dossier whose processing clock started at
/// `clock_start` (already moved past 15:00 and days off by [`Calendar::clock_start`]).
pub fn due_at(
    calendar: &Calendar,
    limit: &TimeLimit,
    clock_start: DateTime<Utc>,
) -> Result<DateTime<Utc>, CalendarError> {
    match limit.unit {
        TimeUnit::WorkingHours => calendar.add_working_hours(clock_start, limit.amount),
        TimeUnit::WorkingDays => calendar.add_working_days(clock_start, limit.amount),
        // Calendar days and months end on a working day's close, later if that day is off.
        TimeUnit::Days => {
            let day = local_date(clock_start)
                .checked_add_days(Days::new(u64::from(limit.amount)))
                .ok_or(CalendarError::OutOfRange)?;
            calendar.close_on_or_after(day)
        }
        TimeUnit::Months => {
            let start = local_date(clock_start);
            let day = start
                .checked_add_months(Months::new(limit.amount))
                .ok_or(CalendarError::YearNotCovered(start.year()))?;
            calendar.close_on_or_after(day)
        }
    }
}

/// The return date after a complex case's extension (NĐ 23/2015 Điều 7: "+2 working days"):
/// the extra working time counted on from the current return date.
pub fn extended_due(
    calendar: &Calendar,
    extension: &Extension,
    due_at: DateTime<Utc>,
) -> Result<DateTime<Utc>, CalendarError> {
    let minutes = match extension.unit {
        TimeUnit::WorkingHours => i64::from(extension.amount) * 60,
        // The schema allows only working hours or days for an extension.
        _ => i64::from(extension.amount) * WORKING_DAY_MINUTES,
    };
    calendar.add_working_minutes(due_at, minutes)
}

/// By when the desk must acknowledge a dossier that came in at `at` (NĐ 118/2025): an
/// online one within 8 working hours, one taken at the counter within a working day.
pub fn acknowledgement_due(
    calendar: &Calendar,
    at_counter: bool,
    at: DateTime<Utc>,
) -> Result<DateTime<Utc>, CalendarError> {
    if at_counter {
        calendar.add_working_days(calendar.clock_start(at)?, 1)
    } else {
        calendar.ack_due_at(at)
    }
}

/// The return date once a supplement has been answered: the working time between the
/// request and the answer is not counted, so the date moves by exactly that much.
pub fn due_after_supplement(
    calendar: &Calendar,
    due_at: DateTime<Utc>,
    requested_at: DateTime<Utc>,
    answered_at: DateTime<Utc>,
) -> Result<DateTime<Utc>, CalendarError> {
    let owed = calendar.working_minutes_between(requested_at, answered_at)?;
    calendar.add_working_minutes(due_at, owed)
}

/// The procedure's time limit in working minutes for a clock started at `clock_start`: the
/// base of every step's share (a supplement or an apology moves the return date, not the
/// time a step may take).
pub fn limit_minutes(
    calendar: &Calendar,
    limit: &TimeLimit,
    clock_start: DateTime<Utc>,
) -> Result<i64, CalendarError> {
    calendar.working_minutes_between(clock_start, due_at(calendar, limit, clock_start)?)
}

/// When a step that may use `share` of the time limit (`limit_minutes`), entered at
/// `entered_at`, should be done; never after the return date `due_at`.
pub fn step_due_at(
    calendar: &Calendar,
    limit_minutes: i64,
    due_at: DateTime<Utc>,
    share: f64,
    entered_at: DateTime<Utc>,
) -> Result<DateTime<Utc>, CalendarError> {
    // Shares are fractions of minutes counted in the hundreds or thousands: rounding up
    // to the minute is exact enough and never shortens a step.
    let minutes = (limit_minutes as f64 * share.clamp(0.0, 1.0)).ceil() as i64;
    let start = calendar.clock_start(entered_at)?.max(entered_at);
    Ok(calendar.add_working_minutes(start, minutes)?.min(due_at))
}

/// Why an apology (Mẫu 04: xin lỗi và hẹn lại) cannot be issued.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ApologyRefused {
    #[error("an apology was already issued for this dossier; only one is allowed")]
    AlreadyIssued,
    #[error(
        "an apology must be issued at least one working day before the return date {due}; \
         the last moment was {latest}"
    )]
    TooLate {
        due: DateTime<Utc>,
        latest: DateTime<Utc>,
    },
    #[error("the new return date must be after the current one ({due})")]
    NotLater { due: DateTime<Utc> },
    #[error("the processing clock is not running: there is no return date to move")]
    NoRunningClock,
    #[error(transparent)]
    Calendar(#[from] CalendarError),
}

/// Whether an apology moving the return date `due_at` to `new_due_at` may be issued `now`.
pub fn check_apology(
    calendar: &Calendar,
    now: DateTime<Utc>,
    due_at: DateTime<Utc>,
    new_due_at: DateTime<Utc>,
    apologies_issued: i32,
) -> Result<(), ApologyRefused> {
    if apologies_issued > 0 {
        return Err(ApologyRefused::AlreadyIssued);
    }
    if calendar.working_minutes_between(now, due_at)? < WORKING_DAY_MINUTES {
        return Err(ApologyRefused::TooLate {
            due: due_at,
            latest: latest_apology(calendar, due_at)?,
        });
    }
    if new_due_at <= due_at {
        return Err(ApologyRefused::NotLater { due: due_at });
    }
    Ok(())
}

/// The last instant an apology can be issued: one working day before the return date.
fn latest_apology(
    calendar: &Calendar,
    due_at: DateTime<Utc>,
) -> Result<DateTime<Utc>, CalendarError> {
    // Walk back day by day: working days before `due_at` until one working day remains.
    let day_before = |t: DateTime<Utc>| {
        t.checked_sub_signed(Duration::days(1))
            .ok_or(CalendarError::OutOfRange)
    };
    let mut at = day_before(due_at)?;
    for _ in 0..60 {
        if calendar.working_minutes_between(at, due_at)? >= WORKING_DAY_MINUTES {
            return Ok(at);
        }
        at = day_before(at)?;
    }
    Ok(at)
}

/// How a step or a whole dossier ended against its deadline (Mẫu 06: trước hạn, đúng hạn,
/// quá hạn).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Timing {
    /// Done before the day it was due.
    Early,
    /// Done on the day it was due, by the deadline.
    OnTime,
    Late,
}

pub fn timing(done_at: DateTime<Utc>, due_at: DateTime<Utc>) -> Timing {
    if done_at > due_at {
        Timing::Late
    } else if local_date(done_at) < local_date(due_at) {
        Timing::Early
    } else {
        Timing::OnTime
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vn(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().to_utc()
    }

    fn show(t: DateTime<Utc>) -> String {
        t.with_timezone(&crate::calendar::vietnam_offset())
            .to_rfc3339()
    }

    fn cal() -> Calendar {
        Calendar::vietnam().unwrap()
    }

    fn days(amount: u32) -> TimeLimit {
        TimeLimit {
            amount,
            unit: TimeUnit::WorkingDays,
            cutoff: None,
            extension: None,
        }
    }

    #[test]
    fn received_friday_at_16_is_counted_from_monday() {
        let cal = cal();
        let start = cal.clock_start(vn("2026-11-20T16:00:00+07:00")).unwrap();
        assert_eq!(show(start), "2026-11-23T07:30:00+07:00");
        // 5 working days: Monday to Friday of the next week.
        let due = due_at(&cal, &days(5), start).unwrap();
        assert_eq!(show(due), "2026-11-27T17:00:00+07:00");
    }

    #[test]
    fn a_same_day_copy_received_friday_at_15_05_is_due_the_next_working_day() {
        let cal = cal();
        let one_day = days(1);
        let monday = due_at(
            &cal,
            &one_day,
            cal.clock_start(vn("2026-11-20T15:05:00+07:00")).unwrap(),
        )
        .unwrap();
        assert_eq!(show(monday), "2026-11-23T17:00:00+07:00");
        // Around Giỗ Tổ (Monday 27/04/2026 off): Tuesday.
        let tuesday = due_at(
            &cal,
            &one_day,
            cal.clock_start(vn("2026-04-24T15:05:00+07:00")).unwrap(),
        )
        .unwrap();
        assert_eq!(show(tuesday), "2026-04-28T17:00:00+07:00");
        let same_day = due_at(
            &cal,
            &one_day,
            cal.clock_start(vn("2026-11-20T14:55:00+07:00")).unwrap(),
        )
        .unwrap();
        assert_eq!(show(same_day), "2026-11-20T17:00:00+07:00");
    }

    #[test]
    fn a_complex_case_extension_adds_working_days_past_the_weekend() {
        let cal = cal();
        let extension = Extension {
            amount: 2,
            unit: TimeUnit::WorkingDays,
            when: "complex case".into(),
        };
        let due = vn("2026-11-20T17:00:00+07:00");
        let extended = extended_due(&cal, &extension, due).unwrap();
        assert_eq!(show(extended), "2026-11-24T17:00:00+07:00");
    }

    #[test]
    fn received_friday_before_15_counts_friday() {
        let cal = cal();
        let start = cal.clock_start(vn("2026-11-20T14:59:00+07:00")).unwrap();
        let due = due_at(&cal, &days(5), start).unwrap();
        assert_eq!(show(due), "2026-11-26T17:00:00+07:00");
    }

    #[test]
    fn a_supplement_of_three_working_days_moves_the_due_date_by_three_working_days() {
        let cal = cal();
        let start = vn("2026-11-23T08:00:00+07:00");
        let due = due_at(&cal, &days(5), start).unwrap();
        assert_eq!(show(due), "2026-11-27T17:00:00+07:00");
        // Asked Tuesday 09:00, answered Friday 09:00: three working days owed.
        let moved = due_after_supplement(
            &cal,
            due,
            vn("2026-11-24T09:00:00+07:00"),
            vn("2026-11-27T09:00:00+07:00"),
        )
        .unwrap();
        assert_eq!(show(moved), "2026-12-02T17:00:00+07:00");
        // Over a weekend the weekend does not count: Friday 09:00 to Monday 09:00 is one.
        let moved = due_after_supplement(
            &cal,
            due,
            vn("2026-11-27T09:00:00+07:00"),
            vn("2026-11-30T09:00:00+07:00"),
        )
        .unwrap();
        assert_eq!(show(moved), "2026-11-30T17:00:00+07:00");
    }

    #[test]
    fn tet_is_skipped() {
        // Tết 2026 for public bodies: Saturday 14/02 to Sunday 22/02.
        let cal = cal();
        let start = cal.clock_start(vn("2026-02-13T10:00:00+07:00")).unwrap();
        let due = due_at(&cal, &days(2), start).unwrap();
        assert_eq!(show(due), "2026-02-23T17:00:00+07:00");
        // Received on the eve of Tết after 15:00: counted from the Monday after.
        let start = cal.clock_start(vn("2026-02-13T15:30:00+07:00")).unwrap();
        assert_eq!(show(start), "2026-02-23T07:30:00+07:00");
    }

    #[test]
    fn a_deadline_crossing_into_2027_is_counted_over_its_tet() {
        let cal = cal();
        let start = cal.clock_start(vn("2026-12-30T10:00:00+07:00")).unwrap();
        let due = due_at(&cal, &days(15), start).unwrap();
        // 30 and 31 December, then 1 January off: 13 working days from 4 January.
        assert_eq!(show(due), "2027-01-20T17:00:00+07:00");
        let start = vn("2027-02-04T10:00:00+07:00");
        let due = due_at(&cal, &days(2), start).unwrap();
        assert_eq!(show(due), "2027-02-12T17:00:00+07:00");
    }

    #[test]
    fn calendar_days_and_months_end_on_a_working_day() {
        let cal = cal();
        let start = vn("2026-11-23T08:00:00+07:00");
        let limit = |amount, unit| TimeLimit {
            amount,
            unit,
            cutoff: None,
            extension: None,
        };
        // 5 days from Monday is Saturday: the next working day, Monday.
        let due = due_at(&cal, &limit(5, TimeUnit::Days), start).unwrap();
        assert_eq!(show(due), "2026-11-30T17:00:00+07:00");
        let due = due_at(&cal, &limit(1, TimeUnit::Months), start).unwrap();
        assert_eq!(show(due), "2026-12-23T17:00:00+07:00");
        let due = due_at(&cal, &limit(8, TimeUnit::WorkingHours), start).unwrap();
        assert_eq!(show(due), "2026-11-24T08:00:00+07:00");
    }

    #[test]
    fn a_step_gets_its_share_and_never_ends_after_the_return_date() {
        let cal = cal();
        let start = vn("2026-11-23T07:30:00+07:00");
        let due = due_at(&cal, &days(5), start).unwrap();
        let limit = limit_minutes(&cal, &days(5), start).unwrap();
        assert_eq!(limit, 40 * 60);
        // 60 % of 40 working hours is 24: three working days.
        let step = step_due_at(&cal, limit, due, 0.6, start).unwrap();
        assert_eq!(show(step), "2026-11-25T17:00:00+07:00");
        let late_entry = vn("2026-11-27T16:00:00+07:00");
        let step = step_due_at(&cal, limit, due, 0.6, late_entry).unwrap();
        assert_eq!(step, due);
        // A supplement moved the return date a week: the step still gets its 24 hours.
        let moved = vn("2026-12-04T17:00:00+07:00");
        let step = step_due_at(&cal, limit, moved, 0.6, start).unwrap();
        assert_eq!(show(step), "2026-11-25T17:00:00+07:00");
    }

    #[test]
    fn one_apology_at_least_a_working_day_before_the_due_date() {
        let cal = cal();
        let due = vn("2026-11-27T17:00:00+07:00");
        let later = vn("2026-12-04T17:00:00+07:00");
        assert_eq!(
            check_apology(&cal, vn("2026-11-25T10:00:00+07:00"), due, later, 0),
            Ok(())
        );
        // Exactly one working day before is still in time.
        assert_eq!(
            check_apology(&cal, vn("2026-11-26T17:00:00+07:00"), due, later, 0),
            Ok(())
        );
        // On the due date it is too late.
        let refused = check_apology(&cal, vn("2026-11-27T08:00:00+07:00"), due, later, 0);
        assert!(
            matches!(refused, Err(ApologyRefused::TooLate { .. })),
            "{refused:?}"
        );
        // A second one is refused.
        assert_eq!(
            check_apology(&cal, vn("2026-11-25T10:00:00+07:00"), due, later, 1),
            Err(ApologyRefused::AlreadyIssued)
        );
        // The new date must move the return date later.
        assert_eq!(
            check_apology(&cal, vn("2026-11-25T10:00:00+07:00"), due, due, 0),
            Err(ApologyRefused::NotLater { due })
        );
    }

    // Found by fuzz/fuzz_targets/calendar.rs: a limit in calendar days is an unbounded
    // integer in a procedure file, and adding 4 billion days to a date panicked.
    #[test]
    fn a_limit_of_billions_of_days_is_an_error_not_a_panic() {
        let limit = TimeLimit {
            amount: u32::MAX,
            unit: TimeUnit::Days,
            cutoff: None,
            extension: None,
        };
        assert_eq!(
            due_at(&cal(), &limit, vn("2026-11-23T08:00:00+07:00")),
            Err(CalendarError::OutOfRange)
        );
    }

    // Found by the calendar fuzz target: the latest apology walked back a day from the
    // first instant chrono has.
    #[test]
    fn an_apology_at_the_start_of_time_is_refused_not_a_panic() {
        let first = DateTime::<Utc>::MIN_UTC;
        assert_eq!(
            check_apology(&cal(), first, first, first, 0),
            Err(ApologyRefused::Calendar(CalendarError::OutOfRange))
        );
        assert_eq!(
            timing(DateTime::<Utc>::MAX_UTC, DateTime::<Utc>::MAX_UTC),
            Timing::OnTime
        );
    }

    #[test]
    fn timing_of_a_step() {
        let due = vn("2026-11-27T17:00:00+07:00");
        assert_eq!(timing(vn("2026-11-26T10:00:00+07:00"), due), Timing::Early);
        assert_eq!(timing(vn("2026-11-27T10:00:00+07:00"), due), Timing::OnTime);
        assert_eq!(timing(vn("2026-11-27T17:01:00+07:00"), due), Timing::Late);
    }
}
