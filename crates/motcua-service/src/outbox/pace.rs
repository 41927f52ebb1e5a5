//! When a delivery worker takes its turn. Delivering a message reads the dossier, its
//! timeline and its documents: as much database work as the submission that caused it. On a
//! deadline day that work would be taken from the citizens still submitting, so a worker
//! lets its turn pass while the process is busy serving requests, and the messages wait in
//! the outbox, where nothing is lost. It never waits longer than `longest_wait`, so that
//! under a load that never ends the outbox still moves: then it sends one batch, not a
//! whole round, and lets its turns pass again.

use std::time::{Duration, Instant};

/// What a worker does on its turn.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Turn {
    /// The process is busy: the messages wait.
    Pass,
    /// Busy for `longest_wait` already: one batch, so the outbox keeps moving.
    OneBatch,
    /// Quiet: batches until the outbox is empty or the round's time is up.
    Round,
}

/// One worker's pace.
#[derive(Debug, Clone)]
pub struct Pace {
    /// More requests in flight than this, and the process is busy.
    pub busy_above: usize,
    /// The longest a worker lets its turns pass.
    pub longest_wait: Duration,
    last_round: Option<Instant>,
}

impl Pace {
    pub fn new(busy_above: usize, longest_wait: Duration) -> Self {
        Self {
            busy_above,
            longest_wait,
            last_round: None,
        }
    }

    /// What the worker does on this turn, with `in_flight` requests being served now; a
    /// turn that sends anything is remembered.
    pub fn take_turn(&mut self, in_flight: usize, now: Instant) -> Turn {
        let busy = in_flight > self.busy_above;
        let waited_enough = self
            .last_round
            .is_none_or(|last| now.saturating_duration_since(last) >= self.longest_wait);
        let turn = match (busy, waited_enough) {
            (false, _) => Turn::Round,
            (true, true) => Turn::OneBatch,
            (true, false) => Turn::Pass,
        };
        if turn != Turn::Pass {
            self.last_round = Some(now);
        }
        turn
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_quiet_process_delivers_on_every_turn() {
        let mut pace = Pace::new(4, Duration::from_secs(30));
        let start = Instant::now();
        for second in 0..5 {
            assert_eq!(
                pace.take_turn(4, start + Duration::from_secs(second)),
                Turn::Round
            );
        }
    }

    #[test]
    fn a_busy_process_delivers_once_per_longest_wait() {
        let mut pace = Pace::new(4, Duration::from_secs(30));
        let start = Instant::now();
        let turns: Vec<(u64, Turn)> = (0..=61)
            .map(|second| {
                (
                    second,
                    pace.take_turn(32, start + Duration::from_secs(second)),
                )
            })
            .filter(|(_, turn)| *turn != Turn::Pass)
            .collect();
        // The first turn, then one each time 30 s have passed: a batch, not a round.
        assert_eq!(
            turns,
            [
                (0, Turn::OneBatch),
                (30, Turn::OneBatch),
                (60, Turn::OneBatch)
            ]
        );
    }

    #[test]
    fn when_the_load_ends_the_next_turn_delivers() {
        let mut pace = Pace::new(4, Duration::from_secs(30));
        let start = Instant::now();
        assert_eq!(pace.take_turn(0, start), Turn::Round);
        assert_eq!(
            pace.take_turn(50, start + Duration::from_secs(1)),
            Turn::Pass
        );
        assert_eq!(
            pace.take_turn(50, start + Duration::from_secs(2)),
            Turn::Pass
        );
        assert_eq!(
            pace.take_turn(1, start + Duration::from_secs(3)),
            Turn::Round
        );
    }
}
