//! Named rules: what a procedure needs that JSON Schema cannot say — a subject combination,
//! a certificate valid on the registration day, a year not in the future — and values the
//! engine derives from the register (the exam's priority category).
//!
//! A procedure file names the rules it uses (`"rules": ["thpt_subjects"]`, `"derived":
//! [{"pointer": "/priority", "rule": "thpt_priority"}]`); `motcua procedures check` refuses a
//! name that is not here. Each violation names its rule, a code of its own and the JSON
//! pointer of the field at fault, so a client can show it beside that field.

mod diploma;
mod thpt;

use chrono::NaiveDate;
use serde_json::{Map, Value};

/// A rule that does not hold for a dossier's data.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Violation {
    pub rule: &'static str,
    /// Stable, for clients: `too_many_electives`, `certificate_expired`, …
    pub code: &'static str,
    pub pointer: String,
    pub message: String,
    /// The same in Vietnamese, for the citizen: what to change, in the law's words. Written
    /// beside the English, by the rule, since only the rule knows what it found.
    pub vietnamese: String,
}

/// What a rule's function finds; [`Rule::check`] names the rule on it.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Finding {
    code: &'static str,
    pointer: String,
    message: String,
    vietnamese: String,
}

fn finding(code: &'static str, pointer: &str, message: String, vietnamese: String) -> Finding {
    Finding {
        code,
        pointer: pointer.to_owned(),
        message,
        vietnamese,
    }
}

/// A check on the whole form, on the day the dossier is registered (in Vietnam).
pub struct Rule {
    pub name: &'static str,
    /// What it checks, as docs/PROCEDURES.md lists it.
    pub summary: &'static str,
    check: fn(&Value, NaiveDate) -> Vec<Finding>,
}

impl Rule {
    pub fn check(&self, data: &Value, on: NaiveDate) -> Vec<Violation> {
        (self.check)(data, on)
            .into_iter()
            .map(|f| Violation {
                rule: self.name,
                code: f.code,
                pointer: f.pointer,
                message: f.message,
                vietnamese: f.vietnamese,
            })
            .collect()
    }
}

/// A value computed from register fields, written into the form, locked.
pub struct Derivation {
    pub name: &'static str,
    pub summary: &'static str,
    /// The register fields it reads: asked for with the procedure's own.
    pub reads: &'static [&'static str],
    derive: fn(&Map<String, Value>, NaiveDate) -> Value,
}

impl Derivation {
    pub fn derive(&self, register: &Map<String, Value>, on: NaiveDate) -> Value {
        (self.derive)(register, on)
    }
}

pub const RULES: &[Rule] = &[
    Rule {
        name: "thpt_subjects",
        summary: "Ngữ văn, Toán and exactly two electives (2018 programme), the language code \
                  when Ngoại ngữ is chosen; Văn, Toán, Ngoại ngữ and KHTN or KHXH for free \
                  candidates of the 2006 programme (TT 24/2024 Điều 20)",
        check: thpt::subjects,
    },
    Rule {
        name: "thpt_language_exemption",
        summary: "an exemption from the language exam rests on an olympiad team or a \
                  certificate of level 3 of 6 or higher, valid on the registration day, for the \
                  language registered (TT 24/2024 Điều 39)",
        check: thpt::language_exemption,
    },
    Rule {
        name: "year_awarded_not_in_future",
        summary: "the diploma's year is not after the year the request is made",
        check: diploma::year_awarded_not_in_future,
    },
    Rule {
        name: "holder_named_when_not_holder",
        summary: "someone asking for another person's diploma names the holder and their birth \
                  date (TT 21/2019 Điều 30)",
        check: diploma::holder_named_when_not_holder,
    },
];

pub const DERIVATIONS: &[Derivation] = &[Derivation {
    name: "thpt_priority",
    summary: "the exam's priority category (Diện 1–3, TT 24/2024 Điều 42) that ethnicity and \
              permanent residence in the register support, with its reasons",
    reads: &["ethnicity", "residence_history"],
    derive: thpt::priority,
}];

pub fn rule(name: &str) -> Option<&'static Rule> {
    RULES.iter().find(|r| r.name == name)
}

pub fn derivation(name: &str) -> Option<&'static Derivation> {
    DERIVATIONS.iter().find(|d| d.name == name)
}

/// A day written `YYYY-MM-DD` at `pointer`, if there is one.
fn date_at(data: &Value, pointer: &str) -> Option<NaiveDate> {
    data.pointer(pointer)
        .and_then(Value::as_str)
        .and_then(|s| NaiveDate::parse_from_str(s, "%Y-%m-%d").ok())
}

fn str_at<'a>(data: &'a Value, pointer: &str) -> Option<&'a str> {
    data.pointer(pointer).and_then(Value::as_str)
}

/// `dd/mm/yyyy`, as Vietnamese forms write dates.
fn vietnamese_date(day: NaiveDate) -> String {
    day.format("%d/%m/%Y").to_string()
}
