//! The engine's clock. Production reads the system clock; `motcua dev` can start it at a
//! chosen instant (`MOTCUA_DEV_CLOCK`) so that people and tests can try what happens on a
//! Friday afternoon or on the eve of Tết. Time still flows from there.

use chrono::{DateTime, TimeDelta, Utc};

#[derive(Debug, Clone, Copy, Default)]
pub struct Clock {
    shift: TimeDelta,
}

impl Clock {
    pub fn system() -> Clock {
        Clock::default()
    }

    /// A clock that reads `start` now and runs on from there.
    pub fn starting_at(start: DateTime<Utc>) -> Clock {
        Clock {
            shift: start - Utc::now(),
        }
    }

    pub fn now(&self) -> DateTime<Utc> {
        Utc::now() + self.shift
    }
}
