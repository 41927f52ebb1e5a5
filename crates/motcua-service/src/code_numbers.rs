//! The numbers of dossier codes (docs/DOMAIN.md, "Dossier code": a sequence per receiving
//! agency and reception day, unique and never reused), reserved from the database in blocks.
//!
//! Every submission to an agency takes a number from that agency's counter row for the
//! day. Taking them one by one cost a round trip, a commit and a row-lock wait per
//! submission, all on the one row every submission to a school goes through on the last
//! day of an exam's registration; reserving them in blocks cut both PostgreSQL's and the
//! engine's CPU a submission by about 15 % (docs/PERFORMANCE.md, "Dossier code numbers in
//! blocks"). So the engine reserves a block of numbers and hands them out in order: a block
//! twice as large as the last when that one was used up within [`BUSY`] of its reservation,
//! up to [`LARGEST_BLOCK`], and half as large when it was not, down to one number at a time
//! while submissions are few, so that little is lost when the engine stops. When it stops,
//! the rest of its blocks are never given: the day's sequence has a gap there, as it has
//! where a submission failed after taking its number. No number is given twice, by one
//! engine or by several sharing a database.

use crate::store::{Store, StoreError};
use chrono::NaiveDate;
use std::collections::HashMap;
use std::ops::RangeInclusive;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

/// A block used up this soon after its reservation is followed by one twice as large, one
/// used up later by one half as large.
pub const BUSY: Duration = Duration::from_secs(1);
/// The most numbers one reservation takes: what an engine stopped in the busiest second
/// leaves unused at most, per agency.
pub const LARGEST_BLOCK: u32 = 64;

/// One agency's sequence for one day, as far as this engine has reserved it.
type Series = Arc<tokio::sync::Mutex<Reserved>>;

pub struct CodeNumbers {
    /// Reservations commit at once, apart from the submissions' statements
    /// (`motcua_store::connect_code_numbers` says why).
    store: Arc<dyn Store>,
    /// Each agency's sequence of its latest reception day: an earlier day takes no more
    /// numbers once a later one has begun.
    series: Mutex<HashMap<String, (NaiveDate, Series)>>,
}

impl CodeNumbers {
    pub fn new(store: Arc<dyn Store>) -> Self {
        CodeNumbers {
            store,
            series: Mutex::new(HashMap::new()),
        }
    }

    /// The next number of `agency`'s sequence for the reception `day`.
    pub async fn next(&self, agency: &str, day: NaiveDate) -> Result<u32, StoreError> {
        let series = self.series_of(agency, day);
        // Held while a block is reserved: the agency's other submissions wait for it
        // rather than each reserve a block of their own.
        let mut reserved = series.lock().await;
        if let Some(number) = reserved.take() {
            return Ok(number);
        }
        let size = reserved.next_block_size(Instant::now());
        let block = self.store.reserve_code_numbers(agency, day, size).await?;
        Ok(reserved.refill_and_take(block, Instant::now()))
    }

    fn series_of(&self, agency: &str, day: NaiveDate) -> Series {
        let mut series = self.series.lock().unwrap_or_else(PoisonError::into_inner);
        match series.get(agency) {
            Some((known, found)) if *known == day => found.clone(),
            // A new day (or, after the clock was set back, an old one again): a new
            // sequence, whose numbers the database reserves after any already given.
            _ => {
                let fresh = Series::default();
                series.insert(agency.to_owned(), (day, fresh.clone()));
                fresh
            }
        }
    }
}

/// The numbers reserved and not yet given: `next..end`.
#[derive(Debug, Default)]
struct Reserved {
    next: u32,
    end: u32,
    size: u32,
    reserved_at: Option<Instant>,
}

impl Reserved {
    fn take(&mut self) -> Option<u32> {
        (self.next < self.end).then(|| {
            self.next += 1;
            self.next - 1
        })
    }

    fn next_block_size(&self, now: Instant) -> u32 {
        match self.reserved_at {
            Some(at) if now.saturating_duration_since(at) < BUSY => {
                (self.size * 2).clamp(1, LARGEST_BLOCK)
            }
            Some(_) => (self.size / 2).max(1),
            None => 1,
        }
    }

    /// Keeps `block` (one number or more, as the store reserves them) and gives its first.
    fn refill_and_take(&mut self, block: RangeInclusive<u32>, now: Instant) -> u32 {
        let (first, last) = block.into_inner();
        self.next = first.saturating_add(1);
        self.end = last.saturating_add(1).max(self.next);
        self.size = self.end - first;
        self.reserved_at = Some(now);
        first
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn used_up(reserved: &mut Reserved) -> Vec<u32> {
        std::iter::from_fn(|| reserved.take()).collect()
    }

    #[test]
    fn numbers_are_given_in_order_and_once() {
        let mut reserved = Reserved::default();
        assert_eq!(reserved.take(), None);
        assert_eq!(reserved.refill_and_take(5..=8, Instant::now()), 5);
        assert_eq!(used_up(&mut reserved), [6, 7, 8]);
        assert_eq!(reserved.take(), None);
    }

    #[test]
    fn a_quiet_agency_reserves_one_number_at_a_time() {
        let start = Instant::now();
        let mut reserved = Reserved::default();
        assert_eq!(reserved.next_block_size(start), 1);
        assert_eq!(reserved.refill_and_take(1..=1, start), 1);
        assert_eq!(reserved.take(), None);
        assert_eq!(reserved.next_block_size(start + BUSY), 1);
    }

    #[test]
    fn a_busy_agency_reserves_blocks_doubling_to_the_largest_and_halving_when_it_slows() {
        let mut now = Instant::now();
        let mut reserved = Reserved::default();
        let mut last = 0;
        let mut reserve = |reserved: &mut Reserved, now: Instant| {
            let size = reserved.next_block_size(now);
            let first = reserved.refill_and_take(last + 1..=last + size, now);
            let given: Vec<u32> = std::iter::once(first).chain(used_up(reserved)).collect();
            assert_eq!(given, (last + 1..=last + size).collect::<Vec<_>>());
            last += size;
            size
        };
        let mut sizes = Vec::new();
        for _ in 0..9 {
            sizes.push(reserve(&mut reserved, now));
            now += BUSY / 10;
        }
        assert_eq!(sizes, [1, 2, 4, 8, 16, 32, 64, 64, 64]);
        let mut slowing = Vec::new();
        for _ in 0..8 {
            now += BUSY;
            slowing.push(reserve(&mut reserved, now));
        }
        assert_eq!(slowing, [32, 16, 8, 4, 2, 1, 1, 1]);
    }
}
