//! The population's random numbers: SplitMix64 (Steele, Lea and Flood, 2014), with its own
//! range functions.
//!
//! Why not `rand_chacha` with `rand`'s `gen_range`: ChaCha's block function is half the
//! population's build time in an unoptimised build, and `gen_range` over `usize` draws
//! differently on 32- and 64-bit targets. These few lines are the same everywhere, for ever,
//! and cost next to nothing even in a debug build.

/// A seeded, portable source of pseudo-random numbers. Not for secrets.
#[derive(Debug, Clone)]
pub struct Dice {
    state: u64,
}

impl Dice {
    pub fn new(seed: u64) -> Dice {
        Dice { state: seed }
    }

    pub fn next_u64(&mut self) -> u64 {
        self.state = self.state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.state;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in `0..n` (0 when `n` is 0), by multiply-and-shift: the bias, below n / 2⁶⁴,
    /// is nothing for tables and dates.
    pub fn below(&mut self, n: u64) -> u64 {
        let wide = u128::from(self.next_u64()) * u128::from(n);
        u64::try_from(wide >> 64).unwrap_or(0)
    }

    /// Uniform in `lo..=hi` (`lo` when the range is empty).
    pub fn wide(&mut self, lo: i64, hi: i64) -> i64 {
        if hi <= lo {
            return lo;
        }
        let span = u64::try_from(hi - lo).unwrap_or(0) + 1;
        lo + i64::try_from(self.below(span)).unwrap_or(0)
    }

    /// Uniform in `lo..=hi` (`lo` when the range is empty).
    pub fn int(&mut self, lo: i32, hi: i32) -> i32 {
        i32::try_from(self.wide(i64::from(lo), i64::from(hi))).unwrap_or(lo)
    }

    /// Uniform index into a table of `len` entries (0 for an empty one).
    pub fn index(&mut self, len: usize) -> usize {
        usize::try_from(self.below(u64::try_from(len).unwrap_or(0))).unwrap_or(0)
    }

    /// True with probability `p` %.
    pub fn percent(&mut self, p: u64) -> bool {
        self.below(100) < p
    }

    /// True with probability `p` ‰.
    pub fn per_mille(&mut self, p: u64) -> bool {
        self.below(1000) < p
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_sequence_is_splitmix64() {
        // Reference values of SplitMix64 seeded with 1234567 (from its published C code).
        let mut dice = Dice::new(1_234_567);
        assert_eq!(dice.next_u64(), 6_457_827_717_110_365_317);
        assert_eq!(dice.next_u64(), 3_203_168_211_198_807_973);
    }

    #[test]
    fn ranges_stay_in_range_and_cover_it() {
        let mut dice = Dice::new(7);
        let mut seen = [false; 7];
        for _ in 0..1000 {
            let v = dice.int(-1, 5);
            assert!((-1..=5).contains(&v));
            seen[usize::try_from(v + 1).unwrap()] = true;
            assert!(dice.below(3) < 3);
            assert!(dice.index(4) < 4);
        }
        assert!(seen.iter().all(|s| *s));
        assert_eq!(dice.int(5, 5), 5);
        assert_eq!(dice.wide(9, 3), 9);
        assert_eq!(dice.index(0), 0);
    }
}
