//! The synthetic population as stored: built once per process (`generate.rs`) and shared by
//! every simulator the process starts.
//!
//! Kept compact: a resident is a small struct of dates and indices into the name and place
//! tables; text and JSON are written only when a request asks (see `record.rs`).

use super::ethnic::{Ethnicity, Religion};
use super::names::NameParts;
use super::{generate, Relation, Sex, Status};
use chrono::{Datelike, NaiveDate};
use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};
use std::sync::OnceLock;

/// The seed of the population. Changing it changes every generated person.
pub const SEED: u64 = 0x6d6f_7463_7561_2025;
/// Households are added until there are at least this many residents.
pub const TARGET_RESIDENTS: usize = 100_000;

/// The day the register's data describes: every move-in, card and death is on or before it.
/// Fixed (not today) so that the population does not change with the clock.
pub const AS_OF: NaiveDate = date(2025, 10, 1);

/// A date for a constant; an impossible one stops the build.
pub const fn date(year: i32, month: u32, day: u32) -> NaiveDate {
    match NaiveDate::from_ymd_opt(year, month, day) {
        Some(d) => d,
        None => panic!("not a date"),
    }
}

/// Everyone in the register.
#[derive(Debug, PartialEq)]
pub struct Population {
    pub(super) residents: Vec<Resident>,
    pub(super) households: Vec<Household>,
    /// Number → index into `residents` (or [`RESERVED`]).
    pub(super) by_pin: PinIndex,
}

/// The index of a number kept out of the population.
pub(super) const RESERVED: u32 = u32::MAX;

pub(super) type PinIndex = HashMap<u64, u32, BuildHasherDefault<PinHasher>>;

/// Numbers end in six random digits, so a multiplicative hash spreads them well; SipHash,
/// the default, is a good part of the build time in an unoptimised build. Not exposed to
/// callers' keys, so hash flooding is not a concern.
#[derive(Default)]
pub(super) struct PinHasher(u64);

impl Hasher for PinHasher {
    fn finish(&self) -> u64 {
        self.0 ^ (self.0 >> 29)
    }

    fn write(&mut self, bytes: &[u8]) {
        for b in bytes {
            self.0 = (self.0 ^ u64::from(*b)).wrapping_mul(0x0100_0000_01B3);
        }
    }

    fn write_u64(&mut self, n: u64) {
        self.0 = n.wrapping_mul(0x9E37_79B9_7F4A_7C15);
    }
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Household {
    /// Index into [`COMMUNES`].
    pub commune: u8,
    pub detail: Detail,
    /// Index of the head (chủ hộ) in the residents.
    pub head: u32,
}

/// A house within a commune: a number on a street, or a village.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Detail {
    pub number: u16,
    /// A lane (ngõ, hẻm, kiệt) off the street; 0 for none.
    pub alley: u16,
    /// Index of the street or village in the commune's list, or the village's number.
    pub place: u8,
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Name {
    Generated(NameParts),
    /// The hand-written people of `named.rs`.
    Fixed(&'static str),
}

impl Name {
    pub fn full(&self) -> String {
        match self {
            Name::Generated(parts) => parts.full(),
            Name::Fixed(name) => (*name).to_owned(),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Parent {
    /// A resident of the population.
    Resident(u32),
    /// Someone the register names but who is not in this population (a grandparent who died
    /// before the register existed, say): no number.
    Named(Name),
}

/// A past permanent residence (thường trú), until the resident's `since`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Stay {
    pub commune: u8,
    pub from: NaiveDate,
}

/// A current residence elsewhere than the permanent one (tạm trú): students and workers in
/// the cities.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Away {
    pub commune: u8,
    pub detail: Detail,
    pub since: NaiveDate,
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Resident {
    /// The 12 digits as a number (leading zeros dropped).
    pub pin: u64,
    pub name: Name,
    pub sex: Sex,
    pub birth: NaiveDate,
    pub ethnicity: Ethnicity,
    pub religion: Religion,
    pub birth_commune: u8,
    /// quê quán
    pub hometown: u8,
    pub household: u32,
    pub relation: Relation,
    /// Permanent residence at the household's address since this day.
    pub since: NaiveDate,
    pub earlier: Option<Stay>,
    pub away: Option<Away>,
    pub id_card_issued: Option<NaiveDate>,
    pub father: Parent,
    pub mother: Parent,
    pub status: Status,
    pub death: Option<NaiveDate>,
}

impl Population {
    /// The population of this process, built on first use (well under a second even in a debug
    /// build) and shared by every simulator the process starts.
    pub fn shared() -> &'static Population {
        static POPULATION: OnceLock<Population> = OnceLock::new();
        POPULATION.get_or_init(Population::build)
    }

    /// Builds the population from its fixed seed. Deterministic: two builds are equal.
    pub fn build() -> Population {
        generate::population(SEED, TARGET_RESIDENTS)
    }

    pub fn len(&self) -> usize {
        self.residents.len()
    }

    pub fn is_empty(&self) -> bool {
        self.residents.is_empty()
    }

    /// The 12-digit numbers of the residents alive, with a settled record (not under
    /// review) and 18 or older on `on`, in the register's order: real residents for load
    /// generators that need many distinct citizens the register answers for.
    pub fn living_adult_pins(&self, on: NaiveDate) -> Vec<String> {
        self.residents
            .iter()
            .filter(|r| r.status == Status::Alive && r.death.is_none())
            .filter(|r| age_on(r.birth, on) >= 18)
            .map(|r| format!("{:012}", r.pin))
            .collect()
    }

    /// The index of the resident with this 12-digit number.
    pub(super) fn find(&self, pin: &str) -> Option<u32> {
        if pin.len() != 12 {
            return None;
        }
        let number: u64 = pin.parse().ok()?;
        self.by_pin
            .get(&number)
            .copied()
            .filter(|index| *index != RESERVED)
    }

    pub(super) fn resident(&self, index: u32) -> Option<&Resident> {
        self.residents.get(usize::try_from(index).ok()?)
    }

    pub(super) fn household(&self, index: u32) -> Option<&Household> {
        self.households.get(usize::try_from(index).ok()?)
    }
}

/// When a card issued on `issued` to someone born on `birth` runs out: at 25, 40 or 60, and a
/// card issued within two years before one of those ages lasts until the next (Luật Căn cước
/// 2023, Điều 21); one issued from 58 lasts for life.
pub fn card_expiry(birth: NaiveDate, issued: NaiveDate) -> Option<NaiveDate> {
    [25, 40, 60]
        .into_iter()
        .find(|age| issued < add_years(birth, age - 2))
        .map(|age| add_years(birth, age))
}

/// The same day `years` later (28 February for 29 February in a common year).
pub fn add_years(day: NaiveDate, years: u32) -> NaiveDate {
    // Cheaper than month arithmetic, which matters unoptimised: this runs for every card.
    let year = day.year() + i32::try_from(years).unwrap_or(0);
    NaiveDate::from_ymd_opt(year, day.month(), day.day())
        .or_else(|| NaiveDate::from_ymd_opt(year, 2, 28))
        .unwrap_or(day)
}

/// Age in whole years on `day`.
pub fn age_on(birth: NaiveDate, day: NaiveDate) -> u32 {
    day.years_since(birth).unwrap_or(0)
}
