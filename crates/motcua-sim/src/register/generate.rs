//! Generating the synthetic population from a seed, with a portable generator (`dice.rs`),
//! so every machine and every run gets the same people.
//!
//! People come in households (a head, a spouse, children, sometimes a widowed parent or a
//! married son's family) who share the household's address; children are linked to parents
//! who are residents too; names and birthplaces follow where families come from; everyone's
//! number agrees with their birth data.
//!
//! One file over 600 lines: the household builder is one walk through a household's life
//! (head, spouse, children, parents, moves), and splitting it would spread that story over
//! files that each make sense only with the others.

use super::dice::Dice;
use super::ethnic::{Ethnicity, Religion};
use super::names::NameParts;
use super::places::{Addressing, Commune, Hamlet, Part, COMMUNES};
use super::population::{
    add_years, age_on, card_expiry, date, Away, Detail, Household, Name, Parent, PinIndex,
    Population, Resident, Stay, AS_OF, RESERVED,
};
use super::{named, pick_weighted, pin, Cumulative, Relation, Sex, Status};
use chrono::{Datelike, Months, NaiveDate};

/// The population from `seed`: the named households first, then generated ones until there
/// are at least `target` residents.
pub(super) fn population(seed: u64, target: usize) -> Population {
    let mut builder = Builder::new(seed, target);
    named::add_named(&mut builder);
    while builder.residents.len() < target {
        builder.household();
    }
    builder.finish()
}

/// The chip-card campaign: most adults got today's card between these days.
const CAMPAIGN_START: NaiveDate = date(2021, 1, 15);
const CAMPAIGN_END: NaiveDate = date(2022, 6, 30);

/// What the generator (and `named.rs`) says about a new resident; the number and the ID card
/// are worked out from it.
pub struct NewPerson {
    pub name: Name,
    pub sex: Sex,
    pub birth: NaiveDate,
    pub ethnicity: Ethnicity,
    pub religion: Religion,
    pub birth_commune: u8,
    pub hometown: u8,
    pub relation: Relation,
    pub since: NaiveDate,
    pub earlier: Option<Stay>,
    pub father: Parent,
    pub mother: Parent,
}

/// A parent as the generator needs to know them to make a child.
#[derive(Clone, Copy)]
struct Lineage {
    parent: Parent,
    ethnicity: Ethnicity,
    name: NameParts,
    birth: NaiveDate,
    religion: Religion,
    hometown: u8,
}

pub struct Builder {
    dice: Dice,
    residents: Vec<Resident>,
    households: Vec<Household>,
    by_pin: PinIndex,
    /// Where households live, by size.
    communes: Cumulative<u8>,
    /// Per ethnicity (by [`Ethnicity::ALL`] position): where its people are born.
    birthplaces: Vec<Cumulative<u8>>,
    /// The city wards young people go to study and work in.
    cities: Cumulative<u8>,
}

impl Builder {
    fn new(seed: u64, target: usize) -> Builder {
        let weighted = |keep: &dyn Fn(&Commune) -> u32| {
            Cumulative::new(
                COMMUNES
                    .iter()
                    .enumerate()
                    .map(|(i, c)| (small(i), keep(c))),
            )
        };
        let communes = weighted(&|c| u32::from(c.weight));
        let birthplaces = Ethnicity::ALL
            .iter()
            .map(|e| {
                weighted(&|c| {
                    let share = c.people.iter().find(|(p, _)| p == e).map_or(0, |p| p.1);
                    u32::from(c.weight) * u32::from(share)
                })
            })
            .collect();
        let cities = weighted(&|c| {
            let city = matches!(c.addressing, Addressing::Streets(_))
                && ["01", "79", "48", "92"].contains(&c.province().code);
            if city {
                u32::from(c.weight)
            } else {
                0
            }
        });
        Builder {
            dice: Dice::new(seed),
            residents: Vec::with_capacity(target + 16),
            households: Vec::with_capacity(target / 3),
            by_pin: PinIndex::with_capacity_and_hasher(target + 16, Default::default()),
            communes,
            birthplaces,
            cities,
        }
    }

    fn finish(self) -> Population {
        Population {
            residents: self.residents,
            households: self.households,
            by_pin: self.by_pin,
        }
    }

    /// Keeps a number out of the generated population (the named person who is not in the
    /// register).
    pub fn reserve(&mut self, pin: u64) {
        self.by_pin.insert(pin, RESERVED);
    }

    pub fn new_household(&mut self, commune: u8, detail: Detail) -> u32 {
        self.households.push(Household {
            commune,
            detail,
            head: 0,
        });
        index32(self.households.len() - 1)
    }

    pub fn set_head(&mut self, household: u32, head: u32) {
        if let Some(h) = self.households.get_mut(household as usize) {
            h.head = head;
        }
    }

    /// Adds a resident to `household` with the given number, or a fresh one that agrees
    /// with the birth data.
    pub fn add(&mut self, household: u32, person: NewPerson, pin: Option<u64>) -> u32 {
        let index = index32(self.residents.len());
        let pin = match pin {
            Some(pin) => {
                self.by_pin.insert(pin, index);
                pin
            }
            None => self.fresh_pin(&person, index),
        };
        let id_card_issued = self.id_card(person.birth, AS_OF);
        self.residents.push(Resident {
            pin,
            name: person.name,
            sex: person.sex,
            birth: person.birth,
            ethnicity: person.ethnicity,
            religion: person.religion,
            birth_commune: person.birth_commune,
            hometown: person.hometown,
            household,
            relation: person.relation,
            since: person.since,
            earlier: person.earlier,
            away: None,
            id_card_issued,
            father: person.father,
            mother: person.mother,
            status: Status::Alive,
            death: None,
        });
        index
    }

    /// Marks a resident deceased on `day`: their card is the one they held then.
    pub fn set_deceased(&mut self, index: u32, day: NaiveDate) {
        let birth = match self.residents.get(index as usize) {
            Some(r) => r.birth,
            None => return,
        };
        let card = self.id_card(birth, day);
        if let Some(r) = self.residents.get_mut(index as usize) {
            r.status = Status::Deceased;
            r.death = Some(day);
            r.id_card_issued = card;
        }
    }

    pub fn set_status(&mut self, index: u32, status: Status) {
        if let Some(r) = self.residents.get_mut(index as usize) {
            r.status = status;
        }
    }

    /// `commune` + 4th digit + 2-digit year + 6 random digits, not used before.
    fn fresh_pin(&mut self, person: &NewPerson, index: u32) -> u64 {
        let province: u64 = COMMUNES
            .get(usize::from(person.birth_commune))
            .and_then(|c| c.birth_code.parse().ok())
            .unwrap_or(1);
        let year = person.birth.year();
        let prefix = province * 1_000_000_000
            + pin::century_sex_digit(year, person.sex) * 100_000_000
            + u64::try_from(year.rem_euclid(100)).unwrap_or(0) * 1_000_000;
        loop {
            let pin = prefix + self.dice.below(1_000_000);
            if let std::collections::hash_map::Entry::Vacant(slot) = self.by_pin.entry(pin) {
                slot.insert(index);
                return pin;
            }
        }
    }

    /// When the person's current card was issued (as of `limit`), or `None` before 14.
    /// Most adults got the chip card in the 2021–22 campaign; the young at 14; cards run out
    /// at 25, 40 and 60 and most people renew them soon after.
    fn id_card(&mut self, birth: NaiveDate, limit: NaiveDate) -> Option<NaiveDate> {
        let fourteen = add_years(birth, 14);
        if fourteen > limit {
            return None;
        }
        let mut issued = if fourteen < CAMPAIGN_START {
            let start = if limit < CAMPAIGN_START {
                fourteen.max(date(2016, 1, 1)).min(limit)
            } else {
                CAMPAIGN_START
            };
            self.day_between(start, CAMPAIGN_END.min(limit))
        } else {
            fourteen + chrono::Duration::days(self.dice.wide(15, 299))
        };
        if issued > limit {
            return None;
        }
        for _ in 0..3 {
            match card_expiry(birth, issued) {
                Some(expiry) if expiry <= limit && self.dice.below(10) < 9 => {
                    let renewed = expiry + chrono::Duration::days(self.dice.wide(0, 179));
                    if renewed > limit {
                        break;
                    }
                    issued = renewed;
                }
                _ => break,
            }
        }
        Some(issued)
    }

    fn day_between(&mut self, from: NaiveDate, to: NaiveDate) -> NaiveDate {
        if to <= from {
            return from;
        }
        let span = (to - from).num_days();
        from + chrono::Duration::days(self.dice.wide(0, span))
    }

    fn day_in_year(&mut self, year: i32) -> NaiveDate {
        self.day_between(date_or(year, 1, 1), date_or(year, 12, 31))
    }

    fn percent(&mut self, p: u64) -> bool {
        self.dice.percent(p)
    }

    pub fn detail(&mut self, commune: u8) -> Detail {
        let Some(c) = COMMUNES.get(usize::from(commune)) else {
            return Detail {
                number: 1,
                alley: 0,
                place: 0,
            };
        };
        match c.addressing {
            Addressing::Streets(streets) => Detail {
                number: small16(self.dice.int(1, 299)),
                alley: if self.percent(40) {
                    small16(self.dice.int(1, 199))
                } else {
                    0
                },
                place: small(self.dice.index(streets.len())),
            },
            Addressing::Hamlets(h @ (Hamlet::Thon | Hamlet::Group)) => Detail {
                number: if h == Hamlet::Group {
                    small16(self.dice.int(1, 119))
                } else {
                    0
                },
                alley: 0,
                place: small(self.dice.index(14)),
            },
            Addressing::Hamlets(h) => Detail {
                number: 0,
                alley: 0,
                place: small(self.dice.index(super::places::hamlet_names(h).len())),
            },
        }
    }

    /// Where someone of `ethnicity` now living in `home` was born: mostly in the same
    /// province, often elsewhere in the same part of the country, sometimes anywhere.
    fn birthplace_for(&mut self, ethnicity: Ethnicity, home: u8) -> u8 {
        let home_province = COMMUNES.get(usize::from(home)).map(|c| c.province);
        let home_part = part_of(home);
        let roll = self.dice.below(100);
        let near = |c: &Commune| match roll {
            0..=69 => Some(c.province) == home_province,
            70..=87 => c.province().part == home_part,
            _ => true,
        };
        // Two passes over the table instead of a list: this runs for most people generated.
        let weight = |c: &Commune| {
            let share = c
                .people
                .iter()
                .find(|(p, _)| *p == ethnicity)
                .map_or(0, |p| p.1);
            if near(c) {
                u64::from(c.weight) * u64::from(share)
            } else {
                0
            }
        };
        let total: u64 = COMMUNES.iter().map(weight).sum();
        if total > 0 {
            let mut roll = self.dice.below(total);
            for (i, commune) in COMMUNES.iter().enumerate() {
                let w = weight(commune);
                if roll < w {
                    return small(i);
                }
                roll -= w;
            }
        }
        // Nobody of this group lives nearby: anywhere they do.
        self.birthplaces
            .get(ethnicity.position())
            .and_then(|table| table.pick(&mut self.dice))
            .unwrap_or(home)
    }

    /// One generated household, in a commune drawn by size.
    fn household(&mut self) {
        let commune = self.communes.pick(&mut self.dice).unwrap_or(0);
        let Some(place) = COMMUNES.get(usize::from(commune)) else {
            return;
        };
        let part = place.province().part;
        let ethnicity = pick_weighted(place.people, &mut self.dice)
            .copied()
            .unwrap_or(Ethnicity::Kinh);
        let detail = self.detail(commune);
        let household = self.new_household(commune, detail);
        let urban = place.is_urban();
        let kind = self.dice.below(100);
        let ctx = Ctx {
            household,
            commune,
            part,
            urban,
        };
        let members_from = self.residents.len();
        match kind {
            0..=8 => {
                let year = self.dice.int(1948, 2003);
                let sex = if self.percent(50) {
                    Sex::Male
                } else {
                    Sex::Female
                };
                let head = self.founder(&ctx, ethnicity, sex, year, Relation::Head);
                self.set_head(household, head.index());
            }
            9..=73 => {
                let year = self.dice.int(1955, 1999);
                self.nuclear(&ctx, ethnicity, year, None);
            }
            74..=88 => {
                let year = self.dice.int(1943, 1968);
                self.three_generations(&ctx, ethnicity, year);
            }
            _ => {
                let year = self.dice.int(1958, 1990);
                let elder_year = year - self.dice.int(20, 34);
                let elder_sex = if self.percent(70) {
                    Sex::Female
                } else {
                    Sex::Male
                };
                self.nuclear(&ctx, ethnicity, year, Some((elder_sex, elder_year)));
            }
        }
        self.fate(members_from);
    }

    /// A head and spouse with their children; `elder` is a widowed parent of the head living
    /// with them.
    fn nuclear(&mut self, ctx: &Ctx, ethnicity: Ethnicity, year: i32, elder: Option<(Sex, i32)>) {
        let head_sex = if self.percent(80) {
            Sex::Male
        } else {
            Sex::Female
        };
        let head = match elder {
            None => self.founder(ctx, ethnicity, head_sex, year, Relation::Head),
            Some((elder_sex, elder_year)) => {
                let relation = match elder_sex {
                    Sex::Male => Relation::Father,
                    Sex::Female => Relation::Mother,
                };
                let elder = self.founder(ctx, ethnicity, elder_sex, elder_year, relation);
                // The elder's other half, long gone, is named but not in the register.
                // From the same part of the country as the elder, whose family it is.
                let elder_part = self
                    .residents
                    .get(elder.index() as usize)
                    .map_or(ctx.part, |r| part_of(r.birth_commune));
                let mut other =
                    self.named_parent(ethnicity, elder_sex.other(), elder_part, elder_year);
                other.hometown = elder.hometown;
                let (father, mother) = match elder_sex {
                    Sex::Male => (elder, other),
                    Sex::Female => (other, elder),
                };
                let since = elder.since(self);
                self.child(ctx, (father, mother), head_sex, year, Relation::Head, since)
            }
        };
        self.set_head(ctx.household, head.index());
        let Some(spouse) = self.spouse(ctx, &head) else {
            return;
        };
        let (father, mother) = match head_sex {
            Sex::Male => (head, spouse),
            Sex::Female => (spouse, head),
        };
        self.children(ctx, father, mother, Relation::Child, true);
    }

    /// Grandparents as head and spouse, a married son with his wife and children, and maybe
    /// an unmarried child.
    fn three_generations(&mut self, ctx: &Ctx, ethnicity: Ethnicity, year: i32) {
        let head = self.founder(ctx, ethnicity, Sex::Male, year, Relation::Head);
        self.set_head(ctx.household, head.index());
        let wife = match self.spouse(ctx, &head) {
            Some(wife) => wife,
            None => return,
        };
        let mother_birth = wife.birth;
        let son_year = mother_birth.year() + self.dice.int(20, 30);
        if son_year > 2002 {
            self.children(ctx, head, wife, Relation::Child, true);
            return;
        }
        let since = head.since(self);
        let son = self.child(
            ctx,
            (head, wife),
            Sex::Male,
            son_year,
            Relation::Child,
            since,
        );
        if self.percent(40) {
            let year = son_year + self.dice.int(2, 8);
            if year <= 2005 {
                let sex = if self.percent(50) {
                    Sex::Male
                } else {
                    Sex::Female
                };
                self.child(ctx, (head, wife), sex, year, Relation::Child, since);
            }
        }
        let Some(daughter_in_law) = self.spouse_as(ctx, &son, Relation::ChildInLaw) else {
            return;
        };
        self.children(ctx, son, daughter_in_law, Relation::Grandchild, false);
    }

    /// Someone whose parents are not in the register: the first generation of a household.
    fn founder(
        &mut self,
        ctx: &Ctx,
        ethnicity: Ethnicity,
        sex: Sex,
        year: i32,
        relation: Relation,
    ) -> Lineage {
        let birth = self.day_in_year(year);
        let born_here = self.percent(if ctx.urban { 45 } else { 75 });
        let birth_commune = if born_here {
            ctx.commune
        } else {
            self.birthplace_for(ethnicity, ctx.commune)
        };
        // Names come from where the family comes from.
        let part = part_of(birth_commune);
        let father_name = self.draw_name(ethnicity, Sex::Male, None, part, year - 28);
        let mother_name = self.draw_name(ethnicity, Sex::Female, None, part, year - 25);
        let family = if ethnicity.matrilineal() {
            mother_name.family
        } else {
            father_name.family
        };
        let name = self.draw_name(ethnicity, sex, Some(family), part, year);
        let (since, earlier) = if birth_commune == ctx.commune {
            (birth, None)
        } else {
            let from = add_years(birth, 18).max(date(1980, 1, 1));
            let since = self.day_between(from, AS_OF - chrono::Duration::days(60));
            (
                since,
                Some(Stay {
                    commune: birth_commune,
                    from: birth,
                }),
            )
        };
        let hometown = if self.percent(70) {
            birth_commune
        } else {
            self.birthplace_for(ethnicity, ctx.commune)
        };
        let religion = Religion::pick(ethnicity, ctx.part, &mut self.dice);
        let index = self.add(
            ctx.household,
            NewPerson {
                name: Name::Generated(name),
                sex,
                birth,
                ethnicity,
                religion,
                birth_commune,
                hometown,
                relation,
                since,
                earlier,
                father: Parent::Named(Name::Generated(father_name)),
                mother: Parent::Named(Name::Generated(mother_name)),
            },
            None,
        );
        Lineage {
            parent: Parent::Resident(index),
            ethnicity,
            name,
            birth,
            religion,
            hometown,
        }
    }

    fn spouse(&mut self, ctx: &Ctx, partner: &Lineage) -> Option<Lineage> {
        let relation = match partner.name.sex {
            Sex::Male => Relation::Wife,
            Sex::Female => Relation::Husband,
        };
        self.spouse_as(ctx, partner, relation)
    }

    /// A spouse who married into the household; most marry within their group.
    fn spouse_as(&mut self, ctx: &Ctx, partner: &Lineage, relation: Relation) -> Option<Lineage> {
        if self.percent(6) {
            // Single, widowed or divorced.
            return None;
        }
        let sex = partner.name.sex.other();
        // Husbands are mostly a few years older.
        let gap = match sex {
            Sex::Female => self.dice.int(-1, 6),
            Sex::Male => -self.dice.int(-1, 6),
        };
        // Married, so at least 19.
        let year = (partner.birth.year() + gap).min(AS_OF.year() - 19);
        let ethnicity = if self.percent(93) {
            partner.ethnicity
        } else if partner.ethnicity == Ethnicity::Kinh {
            self.pick_ethnicity_near(ctx.commune)
        } else {
            Ethnicity::Kinh
        };
        let birth = self.day_in_year(year);
        let birth_commune = if self.percent(35) {
            ctx.commune
        } else {
            self.birthplace_for(ethnicity, ctx.commune)
        };
        let part = part_of(birth_commune);
        let father_name = self.draw_name(ethnicity, Sex::Male, None, part, year - 28);
        let mother_name = self.draw_name(ethnicity, Sex::Female, None, part, year - 25);
        let family = if ethnicity.matrilineal() {
            mother_name.family
        } else {
            father_name.family
        };
        let name = self.draw_name(ethnicity, sex, Some(family), part, year);
        let partner_since = match partner.parent {
            Parent::Resident(i) => self.residents.get(i as usize).map(|r| r.since),
            Parent::Named(_) => None,
        }
        .unwrap_or(AS_OF);
        let last_day = AS_OF - chrono::Duration::days(30);
        let married = self
            .day_between(
                add_years(birth, 19).max(add_years(partner.birth, 19)),
                add_years(birth, 30).min(last_day),
            )
            .min(last_day);
        let (since, earlier) = if birth_commune == ctx.commune {
            (birth, None)
        } else {
            (
                married.max(partner_since),
                Some(Stay {
                    commune: birth_commune,
                    from: birth,
                }),
            )
        };
        let religion = if self.percent(85) {
            partner.religion
        } else {
            Religion::pick(ethnicity, ctx.part, &mut self.dice)
        };
        let hometown = if self.percent(80) {
            birth_commune
        } else {
            self.birthplace_for(ethnicity, ctx.commune)
        };
        let index = self.add(
            ctx.household,
            NewPerson {
                name: Name::Generated(name),
                sex,
                birth,
                ethnicity,
                religion,
                birth_commune,
                hometown,
                relation,
                since,
                earlier,
                father: Parent::Named(Name::Generated(father_name)),
                mother: Parent::Named(Name::Generated(mother_name)),
            },
            None,
        );
        Some(Lineage {
            parent: Parent::Resident(index),
            ethnicity,
            name,
            birth,
            religion,
            hometown,
        })
    }

    /// The children of a couple living with them: fewer in younger generations; grown-up
    /// children have mostly left (and are not generated).
    fn children(
        &mut self,
        ctx: &Ctx,
        father: Lineage,
        mother: Lineage,
        relation: Relation,
        may_have_left: bool,
    ) {
        let mother_year = mother.birth.year();
        let count = match mother_year {
            ..=1965 => self.dice.int(2, 5),
            1966..=1985 => self.dice.int(1, 3),
            _ => self.dice.int(0, 3),
        };
        // The family has lived here since the first of the two did.
        let since = father.since(self).min(mother.since(self));
        let mut year = mother_year + self.dice.int(20, 27);
        for _ in 0..count {
            if year > AS_OF.year() || year > mother_year + 42 {
                break;
            }
            let age = AS_OF.year() - year;
            let stays = !may_have_left || age < 24 || self.percent(25);
            if stays {
                let sex = if self.percent(51) {
                    Sex::Male
                } else {
                    Sex::Female
                };
                let child_since = since.min(AS_OF);
                self.child(ctx, (father, mother), sex, year, relation, child_since);
            }
            year += self.dice.int(1, 5);
        }
    }

    /// A child of `father` and `mother`, who has lived at the household's address since birth
    /// or since the family moved there (`family_since`).
    fn child(
        &mut self,
        ctx: &Ctx,
        (father, mother): (Lineage, Lineage),
        sex: Sex,
        year: i32,
        relation: Relation,
        family_since: NaiveDate,
    ) -> Lineage {
        let mut birth = self.day_in_year(year);
        if birth > AS_OF {
            birth = AS_OF - chrono::Duration::days(self.dice.wide(1, 199));
        }
        let lineage = if mother.ethnicity.matrilineal() {
            mother
        } else {
            father
        };
        let ethnicity = lineage.ethnicity;
        let name = self.draw_name(
            ethnicity,
            sex,
            Some(lineage.name.family),
            ctx.part,
            birth.year(),
        );
        // Born where the family lived then.
        let earlier_of = |parent: Parent| match parent {
            Parent::Resident(i) => self
                .residents
                .get(i as usize)
                .and_then(|r| r.earlier)
                .map(|s| s.commune),
            Parent::Named(_) => None,
        };
        let earlier_commune = earlier_of(father.parent).or_else(|| earlier_of(mother.parent));
        let (birth_commune, since, earlier) = if birth >= family_since {
            (ctx.commune, birth, None)
        } else {
            let before = earlier_commune.unwrap_or(ctx.commune);
            if before == ctx.commune {
                (ctx.commune, birth, None)
            } else {
                (
                    before,
                    family_since,
                    Some(Stay {
                        commune: before,
                        from: birth,
                    }),
                )
            }
        };
        let religion = if self.percent(90) {
            lineage.religion
        } else {
            Religion::None
        };
        let index = self.add(
            ctx.household,
            NewPerson {
                name: Name::Generated(name),
                sex,
                birth,
                ethnicity,
                religion,
                birth_commune,
                hometown: lineage.hometown,
                relation,
                since,
                earlier,
                father: father.parent,
                mother: mother.parent,
            },
            None,
        );
        Lineage {
            parent: Parent::Resident(index),
            ethnicity,
            name,
            birth,
            religion,
            hometown: lineage.hometown,
        }
    }

    /// Deaths, records under review and people living away, for the members just added.
    fn fate(&mut self, from: usize) {
        for i in from..self.residents.len() {
            let (birth, relation) = (self.residents[i].birth, self.residents[i].relation);
            let age = age_on(birth, AS_OF);
            let index = index32(i);
            if relation != Relation::Head {
                let dies = (age >= 70 && self.percent(6)) || (age >= 18 && self.dice.per_mille(1));
                if dies {
                    let from =
                        add_years(birth, if age >= 70 { 70 } else { 18 }).max(date(2016, 1, 1));
                    let day = self.day_between(from, AS_OF - chrono::Duration::days(1));
                    self.set_deceased(index, day);
                    continue;
                }
            }
            if self.dice.per_mille(2) {
                self.set_status(index, Status::UnderReview);
            }
            if relation != Relation::Head && (18..=30).contains(&age) && self.percent(12) {
                self.send_away(i, birth);
            }
        }
    }

    /// A young adult registered as living (tạm trú) in a city ward.
    fn send_away(&mut self, i: usize, birth: NaiveDate) {
        let Some(commune) = self.cities.pick(&mut self.dice) else {
            return;
        };
        let home = self.households[self.residents[i].household as usize].commune;
        if commune == home {
            return;
        }
        let detail = self.detail(commune);
        let from = add_years(birth, 18).max(AS_OF - Months::new(72));
        let since = self.day_between(from, AS_OF - chrono::Duration::days(30));
        self.residents[i].away = Some(Away {
            commune,
            detail,
            since,
        });
    }

    fn named_parent(&mut self, ethnicity: Ethnicity, sex: Sex, part: Part, year: i32) -> Lineage {
        let name = self.draw_name(ethnicity, sex, None, part, year);
        Lineage {
            parent: Parent::Named(Name::Generated(name)),
            ethnicity,
            name,
            birth: date_or(year, 1, 1),
            religion: Religion::None,
            hometown: 0,
        }
    }

    fn pick_ethnicity_near(&mut self, commune: u8) -> Ethnicity {
        COMMUNES
            .get(usize::from(commune))
            .and_then(|c| pick_weighted(c.people, &mut self.dice).copied())
            .unwrap_or(Ethnicity::Kinh)
    }

    fn draw_name(
        &mut self,
        ethnicity: Ethnicity,
        sex: Sex,
        family: Option<u8>,
        part: Part,
        year: i32,
    ) -> NameParts {
        NameParts::draw(ethnicity, sex, family, part, year, &mut self.dice)
    }
}

/// The household being generated.
struct Ctx {
    household: u32,
    commune: u8,
    part: Part,
    urban: bool,
}

impl Lineage {
    fn index(&self) -> u32 {
        match self.parent {
            Parent::Resident(i) => i,
            Parent::Named(_) => 0,
        }
    }

    /// Since when this parent has lived at the household's address.
    fn since(&self, builder: &Builder) -> NaiveDate {
        match self.parent {
            Parent::Resident(i) => builder
                .residents
                .get(i as usize)
                .map(|r| r.since)
                .unwrap_or(self.birth),
            Parent::Named(_) => self.birth,
        }
    }
}

fn date_or(year: i32, month: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(year, month, day).unwrap_or(AS_OF)
}

fn part_of(commune: u8) -> Part {
    COMMUNES
        .get(usize::from(commune))
        .map(|c| c.province().part)
        .unwrap_or(Part::North)
}

/// An index into a table of fewer than 256 entries.
fn small(i: usize) -> u8 {
    u8::try_from(i).unwrap_or(u8::MAX)
}

fn small16(n: i32) -> u16 {
    u16::try_from(n).unwrap_or(1)
}

/// An index into the resident or household list (well under 2³² entries).
fn index32(i: usize) -> u32 {
    u32::try_from(i).unwrap_or(u32::MAX)
}
