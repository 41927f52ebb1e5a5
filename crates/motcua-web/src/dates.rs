//! Dates and times as Vietnamese readers write them: dd/mm/yyyy, hours in Vietnam's zone
//! (UTC+7), and working time as the legal clock counts it.

use chrono::{DateTime, FixedOffset, Utc};
use motcua_core::calendar::{vietnam_offset, Calendar};

/// `dd/mm/yyyy HH:MM` in Vietnam's time.
pub fn date_time(t: DateTime<FixedOffset>) -> String {
    t.with_timezone(&vietnam_offset())
        .format("%d/%m/%Y %H:%M")
        .to_string()
}

/// The same, for an RFC 3339 text as the engine's views write times; anything else is
/// shown as it is.
pub fn date_time_text(text: &str) -> String {
    DateTime::parse_from_rfc3339(text).map_or_else(|_| text.to_owned(), date_time)
}

/// An ISO date (`YYYY-MM-DD`) as `dd/mm/yyyy`; anything else as it is.
pub fn date_text(text: &str) -> String {
    chrono::NaiveDate::parse_from_str(text, "%Y-%m-%d")
        .map_or_else(|_| text.to_owned(), |d| d.format("%d/%m/%Y").to_string())
}

/// Working time from `now` to `due`, as the calendar counts it (office hours of working
/// days), or how long past due: for "còn lại" columns.
pub struct TimeLeft {
    pub overdue: bool,
    pub text: String,
}

/// The working day of the one-stop desks: 07:30–11:30 and 13:00–17:00.
const WORKING_MINUTES_A_DAY: i64 = 8 * 60;

pub fn time_left(calendar: &Calendar, now: DateTime<Utc>, due: DateTime<Utc>) -> TimeLeft {
    let (from, to, overdue) = if due >= now {
        (now, due, false)
    } else {
        (due, now, true)
    };
    let text = match calendar.working_minutes_between(from, to) {
        Ok(minutes) => working_time(minutes),
        // A date beyond the calendar's years: say so rather than guess.
        Err(_) => "không tính được (ngoài lịch làm việc)".to_owned(),
    };
    TimeLeft {
        overdue,
        text: if overdue {
            format!("Quá hạn {text}")
        } else {
            format!("Còn {text}")
        },
    }
}

/// `2 ngày 3 giờ 15 phút làm việc`.
fn working_time(minutes: i64) -> String {
    let days = minutes / WORKING_MINUTES_A_DAY;
    let hours = minutes % WORKING_MINUTES_A_DAY / 60;
    let mins = minutes % 60;
    let mut parts = Vec::new();
    if days > 0 {
        parts.push(format!("{days} ngày"));
    }
    if hours > 0 {
        parts.push(format!("{hours} giờ"));
    }
    if mins > 0 || parts.is_empty() {
        parts.push(format!("{mins} phút"));
    }
    format!("{} làm việc", parts.join(" "))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_are_day_month_year_in_vietnam() {
        assert_eq!(date_time_text("2026-11-23T10:00:00Z"), "23/11/2026 17:00");
        assert_eq!(date_text("2008-03-15"), "15/03/2008");
        assert_eq!(date_text("not a date"), "not a date");
    }

    #[test]
    fn working_time_counts_days_of_eight_hours() {
        assert_eq!(working_time(0), "0 phút làm việc");
        assert_eq!(working_time(480 + 75), "1 ngày 1 giờ 15 phút làm việc");
        assert_eq!(working_time(120), "2 giờ làm việc");
    }

    #[test]
    fn time_left_runs_over_working_hours_only() {
        let calendar = Calendar::vietnam().unwrap();
        let at = |s: &str| DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc);
        // Monday 16:00 to Tuesday 08:00: one hour on Monday, half an hour on Tuesday.
        let left = time_left(
            &calendar,
            at("2026-11-23T16:00:00+07:00"),
            at("2026-11-24T08:00:00+07:00"),
        );
        assert!(!left.overdue);
        assert_eq!(left.text, "Còn 1 giờ 30 phút làm việc");
        let late = time_left(
            &calendar,
            at("2026-11-24T08:00:00+07:00"),
            at("2026-11-23T16:00:00+07:00"),
        );
        assert!(late.overdue);
        assert!(late.text.starts_with("Quá hạn"));
    }
}
