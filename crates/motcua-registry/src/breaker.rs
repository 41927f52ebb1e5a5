//! A small circuit breaker. After `threshold` failures in a row the circuit opens and calls
//! fail at once for `cooldown`; then one trial call is let through (half-open), and its
//! outcome closes or re-opens the circuit. Hand-written: the logic is a few lines and the
//! crates that offer it bring policies and timers we do not need.

use std::sync::Mutex;
use std::time::{Duration, Instant};

#[derive(Debug)]
enum State {
    Closed { failures: u32 },
    Open { until: Instant },
    HalfOpen,
}

/// Where the circuit stands, for operators (the metrics).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CircuitState {
    Closed,
    /// One trial call is on its way.
    HalfOpen,
    /// Calls fail at once. The circuit stays so until a call comes after the cooldown: the
    /// register is never probed, so without traffic an open circuit stays open.
    Open,
}

#[derive(Debug)]
pub struct CircuitBreaker {
    threshold: u32,
    cooldown: Duration,
    state: Mutex<State>,
}

impl CircuitBreaker {
    pub fn new(threshold: u32, cooldown: Duration) -> Self {
        CircuitBreaker {
            threshold: threshold.max(1),
            cooldown,
            state: Mutex::new(State::Closed { failures: 0 }),
        }
    }

    /// `Err(wait)` while the circuit is open; otherwise the call may go ahead.
    pub fn allow(&self) -> Result<(), Duration> {
        let Ok(mut state) = self.state.lock() else {
            return Ok(());
        };
        match *state {
            State::Closed { .. } => Ok(()),
            State::Open { until } => {
                let now = Instant::now();
                if now >= until {
                    *state = State::HalfOpen;
                    Ok(())
                } else {
                    Err(until - now)
                }
            }
            // One trial is already on its way.
            State::HalfOpen => Err(self.cooldown),
        }
    }

    /// No failure since the last success.
    pub fn is_healthy(&self) -> bool {
        self.state
            .lock()
            .map(|state| matches!(*state, State::Closed { failures: 0 }))
            .unwrap_or(true)
    }

    pub fn state(&self) -> CircuitState {
        match self.state.lock().as_deref() {
            Ok(State::Open { .. }) => CircuitState::Open,
            Ok(State::HalfOpen) => CircuitState::HalfOpen,
            // A poisoned lock lets every call through (see `allow`): closed, in effect.
            Ok(State::Closed { .. }) | Err(_) => CircuitState::Closed,
        }
    }

    pub fn record_success(&self) {
        if let Ok(mut state) = self.state.lock() {
            *state = State::Closed { failures: 0 };
        }
    }

    pub fn record_failure(&self) {
        if let Ok(mut state) = self.state.lock() {
            *state = match *state {
                State::Closed { failures } if failures + 1 < self.threshold => State::Closed {
                    failures: failures + 1,
                },
                _ => State::Open {
                    until: Instant::now() + self.cooldown,
                },
            };
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn opens_after_the_threshold_and_half_opens_after_the_cooldown() {
        let b = CircuitBreaker::new(2, Duration::from_millis(30));
        b.record_failure();
        assert!(b.allow().is_ok());
        assert_eq!(b.state(), CircuitState::Closed);
        b.record_failure();
        assert!(b.allow().is_err(), "open after two failures");
        assert_eq!(b.state(), CircuitState::Open);
        std::thread::sleep(Duration::from_millis(40));
        assert!(b.allow().is_ok(), "one trial after the cooldown");
        assert_eq!(b.state(), CircuitState::HalfOpen);
        assert!(b.allow().is_err(), "only one trial at a time");
        b.record_success();
        assert!(b.allow().is_ok(), "closed again");
        assert_eq!(b.state(), CircuitState::Closed);
    }
}
