//! Times are stored in UTC and shown in Vietnam's time, +07:00 (DOMAIN.md).

use chrono::{DateTime, FixedOffset, Utc};

/// UTC+07:00; Vietnam has no daylight saving time.
const VIETNAM_OFFSET_SECS: i32 = 7 * 3600;

pub fn in_vietnam(t: DateTime<Utc>) -> DateTime<FixedOffset> {
    match FixedOffset::east_opt(VIETNAM_OFFSET_SECS) {
        Some(offset) => t.with_timezone(&offset),
        None => t.fixed_offset(),
    }
}
