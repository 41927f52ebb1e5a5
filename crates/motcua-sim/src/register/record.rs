//! A resident's register fields as JSON, written only for the fields a request names.

use super::places::{birth_province_name, Addressing, Commune, Hamlet, Part, COMMUNES};
use super::population::{card_expiry, Detail, Parent, Population, Resident};
use super::{Sex, Status};
use chrono::NaiveDate;
use serde_json::{json, Map, Value};

/// Every field the register answers: those of the contract (docs/ARCHITECTURE.md, "The
/// register API"), then `residence_history` and `date_of_death`.
pub const FIELDS: &[&str] = &[
    "pin",
    "full_name",
    "birth_date",
    "sex",
    "ethnicity",
    "religion",
    "nationality",
    "birth_place",
    "hometown",
    "permanent_address",
    "current_address",
    "household_head_pin",
    "relation_to_head",
    "id_card",
    "father",
    "mother",
    "status",
    "residence_history",
    "date_of_death",
];

/// One resident, read from the population.
#[derive(Clone, Copy)]
pub struct ResidentView<'a> {
    population: &'a Population,
    resident: &'a Resident,
}

impl Population {
    /// The resident with this 12-digit number.
    pub fn get(&self, pin: &str) -> Option<ResidentView<'_>> {
        self.view(self.find(pin)?)
    }

    /// Every resident, in generation order (the named ones first).
    pub fn iter(&self) -> impl Iterator<Item = ResidentView<'_>> + '_ {
        self.residents.iter().map(move |resident| ResidentView {
            population: self,
            resident,
        })
    }

    fn view(&self, index: u32) -> Option<ResidentView<'_>> {
        Some(ResidentView {
            population: self,
            resident: self.resident(index)?,
        })
    }
}

impl<'a> ResidentView<'a> {
    pub fn pin(&self) -> String {
        pin_text(self.resident.pin)
    }

    pub fn full_name(&self) -> String {
        self.resident.name.full()
    }

    pub fn birth_date(&self) -> NaiveDate {
        self.resident.birth
    }

    pub fn sex(&self) -> Sex {
        self.resident.sex
    }

    pub fn status(&self) -> Status {
        self.resident.status
    }

    pub fn ethnicity(&self) -> &'static str {
        self.resident.ethnicity.name()
    }

    pub fn is_minority(&self) -> bool {
        self.resident.ethnicity.is_minority()
    }

    /// The given fields, in that order (unknown names are left out: the caller checks them
    /// against [`FIELDS`] first).
    pub fn fields<S: AsRef<str>>(&self, names: &[S]) -> Map<String, Value> {
        names
            .iter()
            .filter_map(|name| {
                let name = name.as_ref();
                Some((name.to_owned(), self.field(name)?))
            })
            .collect()
    }

    /// One field's value, or `None` for a name that is not a register field.
    pub fn field(&self, name: &str) -> Option<Value> {
        let r = self.resident;
        let value = match name {
            "pin" => json!(self.pin()),
            "full_name" => json!(self.full_name()),
            "birth_date" => json!(r.birth),
            "sex" => json!(r.sex.as_str()),
            "ethnicity" => json!(r.ethnicity.name()),
            "religion" => json!(r.religion.name()),
            "nationality" => json!("Việt Nam"),
            "birth_place" => json!(birth_place(commune(r.birth_commune))),
            "hometown" => json!(commune(r.hometown).text()),
            "permanent_address" => {
                let detail = self.household_detail();
                address(self.home(), &detail, r.since)
            }
            "current_address" => match r.away {
                Some(away) => address(commune(away.commune), &away.detail, away.since),
                None => {
                    let detail = self.household_detail();
                    address(self.home(), &detail, r.since)
                }
            },
            "household_head_pin" => {
                let head = self
                    .population
                    .household(r.household)
                    .and_then(|h| self.population.resident(h.head));
                json!(head.map(|h| pin_text(h.pin)))
            }
            "relation_to_head" => json!(r.relation.as_str()),
            "id_card" => match r.id_card_issued {
                Some(issued) => json!({
                    "number": self.pin(),
                    "issued_on": issued,
                    "expires_on": card_expiry(r.birth, issued),
                }),
                None => Value::Null,
            },
            "father" => self.parent(r.father),
            "mother" => self.parent(r.mother),
            "status" => json!(r.status.as_str()),
            "residence_history" => self.residence_history(),
            "date_of_death" => json!(r.death),
            _ => return None,
        };
        Some(value)
    }

    fn home(&self) -> &'static Commune {
        let commune_index = self
            .population
            .household(self.resident.household)
            .map(|h| h.commune)
            .unwrap_or(0);
        commune(commune_index)
    }

    fn household_detail(&self) -> Detail {
        self.population
            .household(self.resident.household)
            .map(|h| h.detail)
            .unwrap_or(Detail {
                number: 1,
                alley: 0,
                place: 0,
            })
    }

    fn parent(&self, parent: Parent) -> Value {
        match parent {
            Parent::Resident(index) => match self.population.resident(index) {
                Some(p) => json!({ "pin": pin_text(p.pin), "full_name": p.name.full() }),
                None => Value::Null,
            },
            Parent::Named(name) => json!({ "pin": null, "full_name": name.full() }),
        }
    }

    /// Permanent residences, oldest first: what the exam's 3-year rule reads.
    fn residence_history(&self) -> Value {
        let r = self.resident;
        let mut stays = Vec::new();
        if let Some(earlier) = r.earlier {
            stays.push(stay(commune(earlier.commune), earlier.from, Some(r.since)));
        }
        stays.push(stay(self.home(), r.since, r.death));
        Value::Array(stays)
    }
}

fn pin_text(pin: u64) -> String {
    format!("{pin:012}")
}

fn commune(index: u8) -> &'static Commune {
    COMMUNES.get(usize::from(index)).unwrap_or(&COMMUNES[0])
}

fn flags(commune: &Commune) -> Value {
    json!({
        "disadvantaged": commune.flags.disadvantaged,
        "border": commune.flags.border,
        "coastal": commune.flags.coastal,
        "region": commune.flags.zone.label(),
    })
}

fn address(commune: &'static Commune, detail: &Detail, since: NaiveDate) -> Value {
    let detail = detail_text(commune, detail);
    json!({
        "province_code": commune.province().code,
        "commune_code": commune.code,
        "detail": detail,
        "text": format!("{detail}, {}", commune.text()),
        "since": since,
        "province_name": commune.province().name,
        "commune_name": commune.name,
        "commune_flags": flags(commune),
    })
}

fn stay(commune: &'static Commune, from: NaiveDate, to: Option<NaiveDate>) -> Value {
    json!({
        "province_code": commune.province().code,
        "commune_code": commune.code,
        "text": commune.text(),
        "from": from,
        "to": to,
        "commune_flags": flags(commune),
    })
}

/// Where someone was born: the commune and the province of that time (the one their
/// number's first three digits name).
fn birth_place(commune: &Commune) -> String {
    let province = birth_province_name(commune.birth_code).unwrap_or(commune.province().name);
    format!("{}, {province}", commune.name)
}

/// The house part of an address, written the way the region writes it.
fn detail_text(commune: &Commune, detail: &Detail) -> String {
    let part = commune.province().part;
    match commune.addressing {
        Addressing::Streets(streets) => {
            let street = streets
                .get(usize::from(detail.place))
                .or(streets.first())
                .copied()
                .unwrap_or("");
            match (detail.alley, part) {
                (0, _) => format!("Số {} {street}", detail.number),
                (alley, Part::North) => format!("Số {}, ngõ {alley}, {street}", detail.number),
                (alley, Part::Central) => format!("Số {}, kiệt {alley}, {street}", detail.number),
                (alley, Part::South) => format!("Số {alley}/{} {street}", detail.number),
            }
        }
        Addressing::Hamlets(Hamlet::Thon) => format!("Thôn {}", u16::from(detail.place) + 1),
        Addressing::Hamlets(Hamlet::Group) => {
            let group = if part == Part::South {
                "khu phố"
            } else {
                "tổ dân phố"
            };
            format!(
                "Số {}, {group} {}",
                detail.number,
                u16::from(detail.place) + 1
            )
        }
        Addressing::Hamlets(hamlet) => super::places::hamlet_names(hamlet)
            .get(usize::from(detail.place))
            .copied()
            .unwrap_or("")
            .to_owned(),
    }
}
