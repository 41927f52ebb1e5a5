//! The population register (Cơ sở dữ liệu quốc gia về dân cư) stand-in: the register API of
//! docs/ARCHITECTURE.md, served from a synthetic population of some 100,000 residents
//! generated from a fixed seed.
//!
//! # The API (docs/ARCHITECTURE.md, "The register API")
//! `GET /v1/residents/{pin}?fields=a,b,c` with `Authorization: Bearer {token}`,
//! `X-Purpose: {procedure code}/{dossier id}`, `X-Requester: {subject}` and `X-Request-Id`
//! (echoed back). 200 with only the asked fields; 400 for a malformed number, a missing or
//! malformed `X-Purpose`, a missing `X-Requester`, or `fields` missing, empty or naming an
//! unknown field; 401 for a bad token; 404 for a person the register does not know. Errors
//! are `{"error": "...", "message": "..."}`. The fields are those of the contract, plus
//! `residence_history` (past and present permanent residences with `from`/`to` and the
//! communes' flags) and `date_of_death`; addresses also carry `since`, `province_name`,
//! `commune_name` and `commune_flags` (`disadvantaged`, `border`, `coastal`, `region`).
//!
//! # Switches, for tests and trials
//! [`RegisterControl`] (from [`crate::RunningSim::register`]) makes the register misbehave:
//! `set_latency`, `fail_next(count, status)`, `set_outage(true)` (503 at once), `set_hang(true)`
//! (no answer for 60 s, or until the hang is switched off), `reset()`; `calls()` lists every
//! request, refused ones included, with number, fields, purpose, requester, request id, status
//! and time. The same over HTTP, for docker compose and manual trials (no token: these
//! endpoints belong to the simulator, not to the register's contract):
//!
//! - `GET /_sim/register/calls` — the calls, oldest first (the last 10,000 are kept);
//! - `POST /_sim/register/switches` with any of
//!   `{"latency_ms": 300, "outage": true, "hang": false, "fail_next": {"count": 2, "status": 503}}`;
//! - `POST /_sim/register/reset` — switches off, calls forgotten.
//!
//! # The same register through LGSP
//! `POST /lgsp/dancu/congdan` ([`LGSP_PATH`]) answers the population-database query that
//! provinces send through their integration platform, in its XML shape, over the same
//! population and under the same switches; its calls are recorded with the others
//! (`protocol: "lgsp"`). See `lgsp.rs`.
//!
//! Logs never carry a whole personal identification number: `001207****34`.

mod control;
mod dice;
mod ethnic;
mod generate;
mod lgsp;
pub mod named;
mod names;
mod pin;
mod places;
mod population;
mod record;
mod routes;
#[cfg(test)]
mod tests;

pub use control::{FailNext, RegisterCall, RegisterControl, Switches};
pub use lgsp::PATH as LGSP_PATH;
pub use population::Population;
pub use record::{ResidentView, FIELDS};
pub(crate) use routes::routes;

use dice::Dice;

/// The sex the register records, and the personal identification number's 4th digit says.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Sex {
    Male,
    Female,
}

impl Sex {
    pub fn as_str(self) -> &'static str {
        match self {
            Sex::Male => "male",
            Sex::Female => "female",
        }
    }

    pub fn other(self) -> Sex {
        match self {
            Sex::Male => Sex::Female,
            Sex::Female => Sex::Male,
        }
    }
}

/// Whether the person is alive, dead, or their record is being checked (đang xác minh).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Status {
    Alive,
    Deceased,
    UnderReview,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Alive => "alive",
            Status::Deceased => "deceased",
            Status::UnderReview => "under_review",
        }
    }
}

/// Relation to the head of household (quan hệ với chủ hộ).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Relation {
    Head,
    Wife,
    Husband,
    Child,
    /// The wife of a son (con dâu).
    ChildInLaw,
    Grandchild,
    Father,
    Mother,
}

impl Relation {
    pub fn as_str(self) -> &'static str {
        match self {
            Relation::Head => "Chủ hộ",
            Relation::Wife => "Vợ",
            Relation::Husband => "Chồng",
            Relation::Child => "Con",
            Relation::ChildInLaw => "Con dâu",
            Relation::Grandchild => "Cháu",
            Relation::Father => "Bố",
            Relation::Mother => "Mẹ",
        }
    }
}

/// Items with the running totals of their weights, for many draws from one table.
#[derive(Debug, Clone)]
struct Cumulative<T> {
    items: Vec<T>,
    ends: Vec<u32>,
}

impl<T: Copy> Cumulative<T> {
    fn new(weighted: impl IntoIterator<Item = (T, u32)>) -> Cumulative<T> {
        let mut items = Vec::new();
        let mut ends = Vec::new();
        let mut total = 0u32;
        for (item, weight) in weighted.into_iter().filter(|(_, w)| *w > 0) {
            total += weight;
            items.push(item);
            ends.push(total);
        }
        Cumulative { items, ends }
    }

    /// One item, drawn in proportion to its weight; `None` for an empty table.
    fn pick(&self, dice: &mut Dice) -> Option<T> {
        let total = *self.ends.last()?;
        let roll = dice.below(u64::from(total));
        let i = self.ends.partition_point(|end| u64::from(*end) <= roll);
        self.items.get(i).copied()
    }
}

/// One of `items`, drawn in proportion to its weight; `None` when all weights are zero.
fn pick_weighted<'a, T, W>(items: &'a [(T, W)], dice: &mut Dice) -> Option<&'a T>
where
    W: Copy + Into<u32>,
{
    let total: u32 = items.iter().map(|(_, w)| (*w).into()).sum();
    if total == 0 {
        return None;
    }
    let mut roll = u32::try_from(dice.below(u64::from(total))).unwrap_or(0);
    for (item, weight) in items {
        let weight = (*weight).into();
        if roll < weight {
            return Some(item);
        }
        roll -= weight;
    }
    None
}
