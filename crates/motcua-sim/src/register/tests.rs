//! The synthetic population as a whole: determinism, size, numbers that agree with birth
//! data, households, families, the named residents.

use super::ethnic::Ethnicity;
use super::named::*;
use super::places::{Part, COMMUNES, PROVINCES};
use super::population::{age_on, card_expiry, Parent, Population, AS_OF};
use super::{pin, Relation, Sex, Status};
use crate::accounts::{self, AccountKind};
use chrono::{Datelike, NaiveDate};
use serde_json::Value;
use std::collections::{HashMap, HashSet};

fn population() -> &'static Population {
    Population::shared()
}

fn field(pin: &str, name: &str) -> Value {
    population().get(pin).unwrap().field(name).unwrap()
}

fn day(text: &Value) -> NaiveDate {
    text.as_str().unwrap().parse().unwrap()
}

#[test]
fn builds_the_same_every_time() {
    // How fast it builds is for a benchmark, not a test: a loaded machine fails any bound.
    let first = Population::build();
    let second = Population::build();
    assert!(first == second, "two builds differ");
    assert!(first == *population());
}

#[test]
fn at_least_a_hundred_thousand_residents() {
    assert!(population().len() >= 100_000, "{}", population().len());
}

#[test]
fn every_number_agrees_with_its_record_and_is_unique() {
    let mut seen = HashSet::new();
    for r in &population().residents {
        let number = format!("{:012}", r.pin);
        assert!(seen.insert(r.pin), "duplicate {number}");
        let born_in = &COMMUNES[usize::from(r.birth_commune)];
        assert_eq!(&number[..3], born_in.birth_code, "{number}");
        assert_eq!(pin::birth_year(&number), Some(r.birth.year()), "{number}");
        assert_eq!(pin::sex(&number), Some(r.sex), "{number}");
        assert_eq!(pin::check_shape(&number, 2025), Ok(()), "{number}");
    }
    assert!(population().get(NOT_IN_REGISTER).is_none());
    assert_eq!(pin::check_shape(NOT_IN_REGISTER, 2025), Ok(()));
    assert!(pin::check_shape(BAD_CENTURY_DIGIT, 2025)
        .unwrap_err()
        .contains("4th digit"));
}

#[test]
fn lookups_find_each_resident() {
    for r in population().residents.iter().step_by(997) {
        let number = format!("{:012}", r.pin);
        assert_eq!(population().get(&number).unwrap().pin(), number);
    }
    assert!(population().get("00120700123").is_none());
    assert!(population().get("abcdefghijkl").is_none());
}

#[test]
fn minorities_live_where_they_really_do() {
    let residents = &population().residents;
    let mut by_group: HashMap<Ethnicity, usize> = HashMap::new();
    for r in residents {
        *by_group.entry(r.ethnicity).or_default() += 1;
    }
    for e in Ethnicity::ALL {
        assert!(
            by_group.get(&e).copied().unwrap_or(0) > 20,
            "{e:?}: {by_group:?}"
        );
    }
    let kinh = by_group[&Ethnicity::Kinh] as f64 / residents.len() as f64;
    assert!((0.6..0.95).contains(&kinh), "Kinh share {kinh}");

    let province_of = |r: &super::population::Resident| {
        let household = &population().households[r.household as usize];
        COMMUNES[usize::from(household.commune)].province().code
    };
    let share = |province: &str, group: Ethnicity| {
        let here: Vec<_> = residents
            .iter()
            .filter(|r| province_of(r) == province)
            .collect();
        here.iter().filter(|r| r.ethnicity == group).count() as f64 / here.len() as f64
    };
    assert!(share("04", Ethnicity::Tay) > 0.25, "Tày in Cao Bằng");
    assert!(share("14", Ethnicity::Thai) > 0.25, "Thái in Sơn La");
    assert!(share("91", Ethnicity::Khmer) > 0.05, "Khmer in An Giang");
    assert!(share("66", Ethnicity::EDe) > 0.1, "Ê Đê in Đắk Lắk");
    assert_eq!(
        share("01", Ethnicity::EDe),
        0.0,
        "no Ê Đê households in Hà Nội"
    );
    assert_eq!(
        share("79", Ethnicity::Mong),
        0.0,
        "no Mông households in Thành phố Hồ Chí Minh"
    );
}

#[test]
fn most_declare_no_religion() {
    let residents = &population().residents;
    let none = residents
        .iter()
        .filter(|r| r.religion == super::ethnic::Religion::None)
        .count() as f64;
    assert!(none / residents.len() as f64 > 0.7);
    let khmer_buddhists = residents
        .iter()
        .filter(|r| r.ethnicity == Ethnicity::Khmer)
        .filter(|r| r.religion == super::ethnic::Religion::Buddhism)
        .count();
    assert!(khmer_buddhists > 100);
}

#[test]
fn a_few_deceased_and_under_review() {
    let residents = &population().residents;
    let deceased: Vec<_> = residents
        .iter()
        .filter(|r| r.status == Status::Deceased)
        .collect();
    let review = residents
        .iter()
        .filter(|r| r.status == Status::UnderReview)
        .count();
    assert!(
        deceased.len() > 50 && deceased.len() < residents.len() / 50,
        "{}",
        deceased.len()
    );
    assert!(review > 50 && review < residents.len() / 100, "{review}");
    for r in &deceased {
        let died = r.death.unwrap();
        assert!(died > r.birth && died <= AS_OF);
        if let Some(issued) = r.id_card_issued {
            assert!(issued <= died);
        }
    }
    assert!(residents
        .iter()
        .all(|r| (r.status == Status::Deceased) == r.death.is_some()));
}

#[test]
fn households_have_one_head_and_share_the_address() {
    let population = population();
    let mut members: HashMap<u32, Vec<usize>> = HashMap::new();
    for (i, r) in population.residents.iter().enumerate() {
        members.entry(r.household).or_default().push(i);
    }
    assert_eq!(members.len(), population.households.len());
    let mut shared = 0;
    for (household, people) in &members {
        let head = population.households[*household as usize].head as usize;
        assert!(people.contains(&head), "household {household}");
        let heads = people
            .iter()
            .filter(|i| population.residents[**i].relation == Relation::Head)
            .count();
        assert_eq!(heads, 1, "household {household}");
        let views: Vec<_> = people
            .iter()
            .map(|i| {
                population
                    .get(&format!("{:012}", population.residents[*i].pin))
                    .unwrap()
            })
            .collect();
        let head_pin = format!("{:012}", population.residents[head].pin);
        let address = |v: &super::ResidentView<'_>| {
            let a = v.field("permanent_address").unwrap();
            (
                a["province_code"].clone(),
                a["commune_code"].clone(),
                a["detail"].clone(),
            )
        };
        for view in &views {
            assert_eq!(view.field("household_head_pin").unwrap(), head_pin);
            assert_eq!(address(view), address(&views[0]));
        }
        if views.len() > 1 {
            shared += 1;
        }
    }
    assert!(shared > population.households.len() / 2);
}

#[test]
fn children_have_older_parents_and_their_family_name() {
    let population = population();
    let mut linked = 0;
    let mut children = 0;
    for r in &population.residents {
        if !matches!(r.relation, Relation::Child | Relation::Grandchild) {
            continue;
        }
        children += 1;
        let (Parent::Resident(f), Parent::Resident(m)) = (r.father, r.mother) else {
            continue;
        };
        linked += 1;
        let (father, mother) = (
            &population.residents[f as usize],
            &population.residents[m as usize],
        );
        assert_eq!(father.sex, Sex::Male);
        assert_eq!(mother.sex, Sex::Female);
        assert!(age_on(father.birth, r.birth) >= 15 && age_on(mother.birth, r.birth) >= 15);
        let lineage = if mother.ethnicity.matrilineal() {
            mother
        } else {
            father
        };
        assert_eq!(r.ethnicity, lineage.ethnicity);
        if r.ethnicity != Ethnicity::EDe {
            let family = |name: String| name.split(' ').next().unwrap().to_owned();
            assert_eq!(family(r.name.full()), family(lineage.name.full()));
        }
    }
    assert!(children > 20_000);
    assert!(linked * 10 > children * 9, "{linked} of {children}");
}

#[test]
fn family_names_follow_the_region() {
    let population = population();
    let mut north_huynh = 0;
    let mut south_hoang = 0;
    let mut south_huynh = 0;
    // People whose parents are not in the register: their names come from where they were
    // born (their children then inherit them wherever they live).
    for r in &population.residents {
        if r.ethnicity != Ethnicity::Kinh || matches!(r.father, Parent::Resident(_)) {
            continue;
        }
        let born = COMMUNES[usize::from(r.birth_commune)].province().part;
        let name = r.name.full();
        match born {
            Part::North if name.starts_with("Huỳnh ") => north_huynh += 1,
            Part::South if name.starts_with("Hoàng ") => south_hoang += 1,
            Part::South if name.starts_with("Huỳnh ") => south_huynh += 1,
            _ => {}
        }
    }
    assert!(south_huynh > 300, "{south_huynh}");
    assert_eq!(north_huynh, 0);
    assert_eq!(south_hoang, 0);
}

#[test]
fn cards_for_everyone_from_14() {
    for r in &population().residents {
        if r.status == Status::Deceased {
            continue;
        }
        let fourteen = age_on(r.birth, AS_OF) >= 14;
        match r.id_card_issued {
            Some(issued) => {
                assert!(fourteen);
                assert!(issued <= AS_OF && age_on(r.birth, issued) >= 14);
                if let Some(expiry) = card_expiry(r.birth, issued) {
                    assert!(expiry > issued);
                }
            }
            // Someone who turned 14 in the last months may still be waiting.
            None => assert!(!fourteen || age_on(r.birth, AS_OF) == 14),
        }
    }
}

#[test]
fn residence_histories_hold_together() {
    let population = population();
    for r in &population.residents {
        assert!(r.since >= r.birth && r.since <= AS_OF, "{r:?}");
        if let Some(earlier) = r.earlier {
            assert!(earlier.from <= r.since);
        }
    }
    for view in population.iter().step_by(101) {
        let history = view.field("residence_history").unwrap();
        let stays = history.as_array().unwrap();
        let last = stays.last().unwrap();
        let permanent = view.field("permanent_address").unwrap();
        assert_eq!(last["commune_code"], permanent["commune_code"]);
        assert_eq!(last["from"], permanent["since"]);
        assert!(PROVINCES
            .iter()
            .any(|p| p.code == permanent["province_code"]));
    }
}

#[test]
fn some_live_away_from_their_permanent_address() {
    let away = population()
        .residents
        .iter()
        .filter(|r| r.away.is_some())
        .count();
    assert!(away > 500, "{away}");
}

#[test]
fn citizen_accounts_agree_with_the_register() {
    for account in accounts::accounts() {
        let AccountKind::Citizen { .. } = account.kind else {
            continue;
        };
        if account.username == NOT_IN_REGISTER || account.username == BAD_CENTURY_DIGIT {
            assert!(population().get(account.username).is_none());
            continue;
        }
        let r = population().get(account.username).unwrap();
        assert_eq!(r.full_name(), account.name);
        assert_eq!(r.birth_date().to_string(), account.birthdate);
        assert_eq!(r.sex().as_str(), account.gender.claim());
    }
}

#[test]
fn the_hanoi_student() {
    let r = population().get(STUDENT_HANOI).unwrap();
    assert_eq!(r.full_name(), "Nguyễn Đức Minh");
    assert_eq!(field(STUDENT_HANOI, "birth_date"), "2007-09-14");
    assert_eq!(field(STUDENT_HANOI, "sex"), "male");
    assert_eq!(field(STUDENT_HANOI, "ethnicity"), "Kinh");
    assert_eq!(field(STUDENT_HANOI, "status"), "alive");
    let address = field(STUDENT_HANOI, "permanent_address");
    assert_eq!(address["province_code"], "01");
    assert!(address["text"]
        .as_str()
        .unwrap()
        .ends_with("Thành phố Hà Nội"));
    assert_eq!(field(STUDENT_HANOI, "relation_to_head"), "Con");
    let father = field(STUDENT_HANOI, "father");
    assert_eq!(father["full_name"], "Nguyễn Văn Hùng");
    assert_eq!(field(STUDENT_HANOI, "household_head_pin"), father["pin"]);
    assert_eq!(field(STUDENT_HANOI, "id_card")["expires_on"], "2032-09-14");
}

#[test]
fn the_hcmc_student() {
    let r = population().get(STUDENT_HCMC).unwrap();
    assert_eq!(r.full_name(), "Trần Thị Ngọc Hân");
    assert_eq!(field(STUDENT_HCMC, "birth_date"), "2007-03-21");
    assert_eq!(field(STUDENT_HCMC, "sex"), "female");
    assert_eq!(
        field(STUDENT_HCMC, "permanent_address")["province_code"],
        "79"
    );
}

#[test]
fn the_minority_student_has_the_full_priority() {
    assert_eq!(field(MINORITY_STUDENT, "ethnicity"), "Tày");
    assert_eq!(field(MINORITY_STUDENT, "birth_date"), "2007-05-02");
    let address = field(MINORITY_STUDENT, "permanent_address");
    assert_eq!(address["province_code"], "04");
    let flags = &address["commune_flags"];
    assert_eq!(flags["border"], true);
    assert_eq!(flags["disadvantaged"], true);
    assert_eq!(flags["region"], "III");
    assert!(day(&address["since"]) <= NaiveDate::from_ymd_opt(2022, 4, 21).unwrap());
    let history = field(MINORITY_STUDENT, "residence_history");
    assert_eq!(history.as_array().unwrap().len(), 1);
    assert_eq!(
        field(MINORITY_STUDENT, "mother")["full_name"],
        "Hoàng Thị Mai"
    );
}

#[test]
fn the_recent_mover_has_less_than_three_years() {
    let address = field(RECENT_MOVER_STUDENT, "permanent_address");
    assert_eq!(address["commune_flags"]["border"], true);
    assert_eq!(day(&address["since"]), RECENT_MOVE_ON);
    let history = field(RECENT_MOVER_STUDENT, "residence_history");
    let stays = history.as_array().unwrap();
    assert_eq!(stays.len(), 2);
    assert_eq!(stays[0]["commune_flags"]["disadvantaged"], false);
    assert_eq!(stays[0]["to"], stays[1]["from"]);
}

#[test]
fn the_deceased_and_the_one_under_review() {
    assert_eq!(field(DECEASED, "status"), "deceased");
    assert_eq!(day(&field(DECEASED, "date_of_death")), DECEASED_ON);
    assert_eq!(field(DECEASED, "full_name"), "Lê Văn Tâm");
    assert_eq!(
        field(DECEASED, "birth_place"),
        "Xã Hoằng Hóa, Tỉnh Thanh Hóa"
    );
    assert_eq!(field(UNDER_REVIEW, "status"), "under_review");
    assert_eq!(field(UNDER_REVIEW, "date_of_death"), Value::Null);
    assert_eq!(field(UNDER_REVIEW, "full_name"), "Phạm Thị Thu Hà");
}

#[test]
fn only_the_asked_fields_are_written() {
    let r = population().get(STUDENT_HANOI).unwrap();
    let answer = r.fields(&["full_name", "sex"]);
    assert_eq!(answer.len(), 2);
    assert_eq!(answer["sex"], "male");
    assert!(r.field("blood_type").is_none());
    for name in super::FIELDS {
        assert!(r.field(name).is_some(), "{name}");
    }
}

#[test]
fn living_adults_are_alive_adult_and_distinct() {
    let on = NaiveDate::from_ymd_opt(2025, 4, 22).unwrap();
    let pins = population().living_adult_pins(on);
    assert!(pins.len() > population().len() / 2, "{}", pins.len());
    assert_eq!(pins.iter().collect::<HashSet<_>>().len(), pins.len());
    for pin in &pins {
        assert_eq!(field(pin, "status"), "alive", "{pin}");
        assert!(age_on(day(&field(pin, "birth_date")), on) >= 18, "{pin}");
    }
    // Minh is 17 on that day.
    assert!(!pins
        .iter()
        .any(|p| p == DECEASED || p == UNDER_REVIEW || p == STUDENT_HANOI));
}
