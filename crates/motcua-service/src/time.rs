//! Times are stored in UTC and shown in Vietnam's time, +07:00 (docs/DOMAIN.md).

use chrono::{DateTime, FixedOffset, Utc};

pub fn in_vietnam(t: DateTime<Utc>) -> DateTime<FixedOffset> {
    t.with_timezone(&motcua_core::calendar::vietnam_offset())
}
