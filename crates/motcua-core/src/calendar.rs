//! The working-day calendar and the legal clock (docs/DOMAIN.md, "The legal clock and the
//! calendar").
//!
//! Working days are Monday to Friday, minus public holidays, plus the Saturdays the
//! government declares working days. The holidays of each year are a data file
//! (`calendar/{year}.json`, embedded) with its sources, because Tết and the compensation
//! days are announced year by year. One working day is 8 working hours inside the office
//! hours; something received after 15:00 counts from the next working day.

use chrono::{DateTime, Datelike, Duration, NaiveDate, NaiveTime, Utc, Weekday};
use chrono::{FixedOffset, NaiveDateTime, Offset};
use serde::Deserialize;
use std::collections::{BTreeMap, BTreeSet};

/// The years shipped with the engine.
const EMBEDDED_YEARS: &[&str] = &[
    include_str!("../calendar/2025.json"),
    include_str!("../calendar/2026.json"),
    include_str!("../calendar/2027.json"),
];

/// Vietnam is UTC+07:00 all year.
const VIETNAM_OFFSET_SECS: i32 = 7 * 3600;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CalendarError {
    #[error("the legal calendar has no data for {0}; add calendar/{0}.json")]
    YearNotCovered(i32),
    #[error("calendar file is not valid: {0}")]
    BadFile(String),
    #[error("office hours must be ordered, non-empty periods")]
    BadOfficeHours,
    /// A count so large that its end is past any date chrono can hold.
    #[error("the time to count is beyond any date the calendar can reach")]
    OutOfRange,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct YearFile {
    year: i32,
    sources: Vec<String>,
    holidays: Vec<HolidayRange>,
    makeup_working_days: Vec<MakeupDay>,
    #[serde(default)]
    notes: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct HolidayRange {
    from: NaiveDate,
    to: NaiveDate,
    #[allow(dead_code)] // kept for people reading the file and for error messages
    name: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct MakeupDay {
    date: NaiveDate,
    #[allow(dead_code)]
    name: String,
}

#[derive(Debug, Clone, Default)]
struct Year {
    holidays: BTreeSet<NaiveDate>,
    makeup: BTreeSet<NaiveDate>,
}

/// Office hours as periods of a working day, in Vietnam's local time.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OfficeHours {
    periods: Vec<(NaiveTime, NaiveTime)>,
    /// Received after this time, the clock starts on the next working day.
    cutoff: NaiveTime,
}

fn hm(h: u32, m: u32) -> NaiveTime {
    NaiveTime::from_hms_opt(h, m, 0).unwrap_or(NaiveTime::MIN)
}

impl Default for OfficeHours {
    /// 07:30–11:30 and 13:00–17:00: 8 working hours, so that one working day is 8 hours.
    fn default() -> Self {
        OfficeHours {
            periods: vec![(hm(7, 30), hm(11, 30)), (hm(13, 0), hm(17, 0))],
            cutoff: hm(15, 0),
        }
    }
}

impl OfficeHours {
    pub fn new(
        periods: Vec<(NaiveTime, NaiveTime)>,
        cutoff: NaiveTime,
    ) -> Result<Self, CalendarError> {
        let ordered = periods.iter().all(|(a, b)| a < b)
            && periods.windows(2).all(|w| w[0].1 <= w[1].0)
            && !periods.is_empty();
        if !ordered {
            return Err(CalendarError::BadOfficeHours);
        }
        Ok(OfficeHours { periods, cutoff })
    }

    fn opening(&self) -> NaiveTime {
        self.periods.first().map(|p| p.0).unwrap_or(NaiveTime::MIN)
    }

    fn closing(&self) -> NaiveTime {
        self.periods.last().map(|p| p.1).unwrap_or(NaiveTime::MIN)
    }
}

#[derive(Debug, Clone)]
pub struct Calendar {
    years: BTreeMap<i32, Year>,
    office: OfficeHours,
}

/// Vietnam's time, UTC+07:00 (no daylight saving time).
pub fn vietnam_offset() -> FixedOffset {
    FixedOffset::east_opt(VIETNAM_OFFSET_SECS).unwrap_or(Utc.fix())
}

/// The instant Vietnam's `day` begins.
pub fn vietnam_midnight(day: NaiveDate) -> DateTime<Utc> {
    utc(day.and_time(NaiveTime::MIN))
}

/// The instant of a local (UTC+07:00) date and time.
pub fn from_vietnam(t: NaiveDateTime) -> DateTime<Utc> {
    utc(t)
}

/// The local (UTC+07:00) date of an instant.
pub fn local_date(t: DateTime<Utc>) -> NaiveDate {
    local(t).date()
}

// Both conversions saturate at the ends of chrono's range (7 hours from either end), where
// no year has calendar data: the callers then get `YearNotCovered` instead of a panic.
fn local(t: DateTime<Utc>) -> NaiveDateTime {
    t.naive_utc()
        .checked_add_signed(Duration::seconds(i64::from(VIETNAM_OFFSET_SECS)))
        .unwrap_or(NaiveDateTime::MAX)
}

fn utc(t: NaiveDateTime) -> DateTime<Utc> {
    // A fixed offset has exactly one mapping.
    t.checked_sub_signed(Duration::seconds(i64::from(VIETNAM_OFFSET_SECS)))
        .unwrap_or(NaiveDateTime::MIN)
        .and_utc()
}

impl Calendar {
    /// The years shipped with the engine, with the default office hours.
    pub fn vietnam() -> Result<Calendar, CalendarError> {
        Calendar::from_years(EMBEDDED_YEARS)
    }

    pub fn from_years(files: &[&str]) -> Result<Calendar, CalendarError> {
        let mut years = BTreeMap::new();
        for text in files {
            let file: YearFile =
                serde_json::from_str(text).map_err(|e| CalendarError::BadFile(e.to_string()))?;
            if file.sources.is_empty() {
                return Err(CalendarError::BadFile(format!(
                    "{} names no source",
                    file.year
                )));
            }
            let _ = file.notes;
            let mut year = Year::default();
            for range in &file.holidays {
                if range.from > range.to || range.from.year() != file.year {
                    return Err(CalendarError::BadFile(format!(
                        "{}: bad range {}",
                        file.year, range.name
                    )));
                }
                year.holidays
                    .extend(range.from.iter_days().take_while(|d| *d <= range.to));
            }
            for makeup in &file.makeup_working_days {
                year.makeup.insert(makeup.date);
            }
            years.insert(file.year, year);
        }
        Ok(Calendar {
            years,
            office: OfficeHours::default(),
        })
    }

    pub fn with_office_hours(mut self, office: OfficeHours) -> Calendar {
        self.office = office;
        self
    }

    /// Whether deadlines count this day (ngày làm việc).
    pub fn is_working_day(&self, day: NaiveDate) -> Result<bool, CalendarError> {
        let year = self
            .years
            .get(&day.year())
            .ok_or(CalendarError::YearNotCovered(day.year()))?;
        if year.makeup.contains(&day) {
            return Ok(true);
        }
        if matches!(day.weekday(), Weekday::Sat | Weekday::Sun) {
            return Ok(false);
        }
        Ok(!year.holidays.contains(&day))
    }

    fn next_working_day(&self, after: NaiveDate) -> Result<NaiveDate, CalendarError> {
        let mut day = after;
        loop {
            day = day
                .succ_opt()
                .ok_or(CalendarError::YearNotCovered(after.year()))?;
            if self.is_working_day(day)? {
                return Ok(day);
            }
        }
    }

    /// When the legal clock starts for something received at `received_at`: at once
    /// during office hours up to 15:00; at the next opening otherwise (after 15:00, on a
    /// day off, or outside office hours).
    pub fn clock_start(&self, received_at: DateTime<Utc>) -> Result<DateTime<Utc>, CalendarError> {
        let at = local(received_at);
        let (day, time) = (at.date(), at.time());
        if self.is_working_day(day)? && time <= self.office.cutoff {
            if time < self.office.opening() {
                return Ok(utc(day.and_time(self.office.opening())));
            }
            for (open, close) in &self.office.periods {
                if time < *open {
                    return Ok(utc(day.and_time(*open)));
                }
                if time < *close {
                    return Ok(received_at);
                }
            }
        }
        let next = self.next_working_day(day)?;
        Ok(utc(next.and_time(self.office.opening())))
    }

    /// `hours` working hours after `start`, walking office periods across days. Ending
    /// exactly at a closing time gives that closing time.
    pub fn add_working_hours(
        &self,
        start: DateTime<Utc>,
        hours: u32,
    ) -> Result<DateTime<Utc>, CalendarError> {
        self.add_working_minutes(start, i64::from(hours) * 60)
    }

    /// `minutes` working minutes after `start` (none or fewer: `start` itself).
    pub fn add_working_minutes(
        &self,
        start: DateTime<Utc>,
        minutes: i64,
    ) -> Result<DateTime<Utc>, CalendarError> {
        if minutes <= 0 {
            return Ok(start);
        }
        let mut remaining = Duration::try_minutes(minutes).ok_or(CalendarError::OutOfRange)?;
        let mut cursor = local(start);
        loop {
            let day = cursor.date();
            if self.is_working_day(day)? {
                for (open, close) in &self.office.periods {
                    let (open, close) = (day.and_time(*open), day.and_time(*close));
                    if cursor >= close {
                        continue;
                    }
                    let from = cursor.max(open);
                    let available = close - from;
                    if remaining <= available {
                        return Ok(utc(from + remaining));
                    }
                    remaining -= available;
                    cursor = close;
                }
            }
            cursor = self.next_working_day(day)?.and_time(NaiveTime::MIN);
        }
    }

    /// The acknowledgement deadline of an online dossier: 8 working hours from when the
    /// clock starts (NĐ 118/2025: "không muộn hơn 08 giờ làm việc").
    pub fn ack_due_at(&self, submitted_at: DateTime<Utc>) -> Result<DateTime<Utc>, CalendarError> {
        self.add_working_hours(self.clock_start(submitted_at)?, 8)
    }

    /// A limit of `days` working days from `start` (already a clock start): the day of
    /// `start` counts as the first, and the due time is the close of office hours on the
    /// last one. So 1 working day from a morning reception is that day's close: the
    /// "same day" of same-day services.
    pub fn add_working_days(
        &self,
        start: DateTime<Utc>,
        days: u32,
    ) -> Result<DateTime<Utc>, CalendarError> {
        let mut day = local(start).date();
        if !self.is_working_day(day)? {
            day = self.next_working_day(day)?;
        }
        for _ in 1..days.max(1) {
            day = self.next_working_day(day)?;
        }
        Ok(utc(day.and_time(self.office.closing())))
    }

    /// The close of office hours on `day`, or on the first working day after it: where a
    /// limit counted in calendar days or months ends.
    pub fn close_on_or_after(&self, day: NaiveDate) -> Result<DateTime<Utc>, CalendarError> {
        let day = if self.is_working_day(day)? {
            day
        } else {
            self.next_working_day(day)?
        };
        Ok(utc(day.and_time(self.office.closing())))
    }

    /// Working time between two instants (zero if `to` is not after `from`), to the minute.
    pub fn working_minutes_between(
        &self,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> Result<i64, CalendarError> {
        if to <= from {
            return Ok(0);
        }
        let (from, to) = (local(from), local(to));
        let mut total = Duration::zero();
        let mut day = from.date();
        while day <= to.date() {
            if self.is_working_day(day)? {
                for (open, close) in &self.office.periods {
                    let start = day.and_time(*open).max(from);
                    let end = day.and_time(*close).min(to);
                    if end > start {
                        total += end - start;
                    }
                }
            }
            day = day
                .succ_opt()
                .ok_or(CalendarError::YearNotCovered(day.year()))?;
        }
        Ok(total.num_minutes())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vn(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().to_utc()
    }

    fn show(t: DateTime<Utc>) -> String {
        t.with_timezone(&vietnam_offset()).to_rfc3339()
    }

    fn cal() -> Calendar {
        Calendar::vietnam().unwrap()
    }

    #[test]
    fn friday_at_16_is_acknowledged_by_monday_17() {
        let due = cal().ack_due_at(vn("2026-11-20T16:00:00+07:00")).unwrap();
        assert_eq!(show(due), "2026-11-23T17:00:00+07:00");
    }

    #[test]
    fn the_eve_of_tet_runs_past_the_holiday() {
        let due = cal().ack_due_at(vn("2026-02-13T16:00:00+07:00")).unwrap();
        assert_eq!(show(due), "2026-02-23T17:00:00+07:00");
    }

    #[test]
    fn a_tuesday_morning_is_acknowledged_by_wednesday_morning() {
        let due = cal().ack_due_at(vn("2026-11-24T10:00:00+07:00")).unwrap();
        assert_eq!(show(due), "2026-11-25T10:00:00+07:00");
    }

    #[test]
    fn the_15_00_rule() {
        let c = cal();
        assert_eq!(
            show(c.clock_start(vn("2026-11-24T14:59:00+07:00")).unwrap()),
            "2026-11-24T14:59:00+07:00"
        );
        assert_eq!(
            show(c.clock_start(vn("2026-11-24T15:01:00+07:00")).unwrap()),
            "2026-11-25T07:30:00+07:00"
        );
        assert_eq!(
            show(c.clock_start(vn("2026-11-24T12:00:00+07:00")).unwrap()),
            "2026-11-24T13:00:00+07:00"
        );
        assert_eq!(
            show(c.clock_start(vn("2026-11-24T06:00:00+07:00")).unwrap()),
            "2026-11-24T07:30:00+07:00"
        );
    }

    #[test]
    fn weekends_holidays_and_makeup_saturdays() {
        let c = cal();
        let day = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).unwrap();
        assert!(!c.is_working_day(day(2026, 11, 21)).unwrap(), "Saturday");
        assert!(!c.is_working_day(day(2026, 2, 16)).unwrap(), "Tết");
        assert!(!c.is_working_day(day(2025, 9, 2)).unwrap(), "Quốc khánh");
        assert!(
            c.is_working_day(day(2025, 4, 26)).unwrap(),
            "make-up Saturday"
        );
        assert!(
            c.is_working_day(day(2026, 2, 23)).unwrap(),
            "back after Tết"
        );
    }

    #[test]
    fn a_year_without_data_is_an_error_not_a_guess() {
        let c = cal();
        let day = NaiveDate::from_ymd_opt(2030, 1, 2).unwrap();
        assert_eq!(
            c.is_working_day(day),
            Err(CalendarError::YearNotCovered(2030))
        );
        // Walking off the end of the data is an error too.
        assert!(c
            .add_working_hours(vn("2027-12-31T16:00:00+07:00"), 8)
            .is_err());
    }

    #[test]
    fn working_days_and_elapsed_time() {
        let c = cal();
        let start = vn("2026-11-23T09:00:00+07:00");
        assert_eq!(
            show(c.add_working_days(start, 1).unwrap()),
            "2026-11-23T17:00:00+07:00"
        );
        assert_eq!(
            show(c.add_working_days(start, 5).unwrap()),
            "2026-11-27T17:00:00+07:00"
        );
        assert_eq!(
            show(c.add_working_days(start, 6).unwrap()),
            "2026-11-30T17:00:00+07:00"
        );
        let minutes = c
            .working_minutes_between(
                vn("2026-11-20T16:00:00+07:00"),
                vn("2026-11-23T09:30:00+07:00"),
            )
            .unwrap();
        assert_eq!(minutes, 60 + 120);
    }

    // Found by fuzz/fuzz_targets/calendar.rs: `Duration::minutes` panics past i64::MAX / 60.
    #[test]
    fn an_absurd_number_of_minutes_is_an_error_not_a_panic() {
        let start = vn("2026-11-23T09:00:00+07:00");
        assert_eq!(
            cal().add_working_minutes(start, i64::MAX),
            Err(CalendarError::OutOfRange)
        );
    }

    // Found by the calendar fuzz target: converting the last (first) 7 hours of chrono's
    // range to (from) Vietnam's time overflowed.
    #[test]
    fn the_ends_of_time_are_years_without_data_not_panics() {
        let c = cal();
        assert!(matches!(
            c.clock_start(DateTime::<Utc>::MAX_UTC),
            Err(CalendarError::YearNotCovered(_))
        ));
        assert!(matches!(
            c.add_working_days(DateTime::<Utc>::MAX_UTC, 1),
            Err(CalendarError::YearNotCovered(_))
        ));
        assert_eq!(
            local_date(DateTime::<Utc>::MAX_UTC),
            NaiveDateTime::MAX.date()
        );
        assert_eq!(from_vietnam(NaiveDateTime::MIN), DateTime::<Utc>::MIN_UTC);
        assert_eq!(vietnam_midnight(NaiveDate::MIN), DateTime::<Utc>::MIN_UTC);
    }
}
