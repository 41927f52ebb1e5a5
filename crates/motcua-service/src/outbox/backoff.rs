//! How long a message waits after a failed attempt: doubling from a base up to a ceiling,
//! with jitter, so that the messages of an outage do not all come back at one instant.

use std::time::Duration;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Backoff {
    /// The wait after the first failure.
    pub base: Duration,
    /// No wait is longer.
    pub max: Duration,
}

impl Backoff {
    /// The wait after the `failures`-th failed attempt in a row (from 1): `base × 2^(n−1)`,
    /// at most `max`, then a point of its upper half chosen by `unit` (in `[0, 1)`, random
    /// in use): "equal jitter", which keeps at least half of the wait so that a target that
    /// is down is not hammered, while spreading the retries of messages that failed together.
    pub fn after(&self, failures: u32, unit: f64) -> Duration {
        let doubling = 2f64.powi(i32::try_from(failures.saturating_sub(1)).unwrap_or(i32::MAX));
        let full = (self.base.as_secs_f64() * doubling).min(self.max.as_secs_f64());
        let unit = if unit.is_finite() {
            unit.clamp(0.0, 1.0)
        } else {
            0.0
        };
        Duration::from_secs_f64(full / 2.0 + full / 2.0 * unit)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn waits_double_up_to_the_ceiling_and_keep_at_least_half() {
        let backoff = Backoff {
            base: Duration::from_secs(1),
            max: Duration::from_secs(60),
        };
        assert_eq!(backoff.after(1, 0.0), Duration::from_millis(500));
        assert_eq!(backoff.after(1, 1.0), Duration::from_secs(1));
        assert_eq!(backoff.after(3, 1.0), Duration::from_secs(4));
        assert_eq!(backoff.after(10, 1.0), Duration::from_secs(60));
        assert_eq!(backoff.after(10, 0.0), Duration::from_secs(30));
        assert_eq!(backoff.after(u32::MAX, 0.5), Duration::from_secs(45));
        assert_eq!(backoff.after(0, f64::NAN), Duration::from_millis(500));
    }
}
