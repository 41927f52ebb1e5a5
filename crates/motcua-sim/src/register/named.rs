//! The hand-written people of the register: the citizens of the simulator's accounts
//! (`accounts.rs`), with their households. Their numbers are constants so that the engine's
//! tests can name them; each agrees with the person's birth data.

use super::ethnic::{Ethnicity, Religion};
use super::generate::{Builder, NewPerson};
use super::places::commune_index;
use super::population::{date, Detail, Name, Parent, Stay};
use super::{Relation, Sex, Status};
use chrono::NaiveDate;

/// Nguyễn Đức Minh, born 2007-09-14, male, Kinh: a 12th-grade student in 2025 living in
/// Phường Cầu Giấy, Hà Nội, since birth. Level-2 account.
pub const STUDENT_HANOI: &str = "001207001234";
/// Trần Thị Ngọc Hân, born 2007-03-21, female, Kinh, Phường Bến Thành, Thành phố Hồ Chí Minh.
/// Level-1 account (docs/ARCHITECTURE.md, "The simulator's accounts").
pub const STUDENT_HCMC: &str = "079307004321";
/// Nông Văn Thắng, born 2007-05-02, male, Tày: a 12th-grader who has lived since birth in Xã
/// Trùng Khánh, Cao Bằng, a border commune of zone III, đặc biệt khó khăn. The exam's
/// +0.5 priority (ethnic minority with ≥ 3 years' residence there).
pub const MINORITY_STUDENT: &str = "004207005678";
/// Vũ Thị Lan Anh, born 2007-11-08, female, Kinh: a 12th-grader whose family moved from
/// Phường Đống Đa, Hà Nội, to Xã Bát Xát, Lào Cai (border, zone III, đặc biệt khó khăn) on
/// 2023-04-15: two years there at the 2025 exam registration, less than the 3 the residence
/// priority asks (she would qualify from 2026-04-15).
pub const RECENT_MOVER_STUDENT: &str = "001307002468";
/// Lê Văn Tâm, born 1952-02-11 in Thanh Hóa, male: deceased on 2024-12-03 (status
/// `deceased`). He can still log in at the simulated provider, to test what the engine does.
pub const DECEASED: &str = "038052003456";
/// Phạm Thị Thu Hà, born 1995-06-30, female, Phường Hà Đông, Hà Nội: her record is being
/// checked (status `under_review`).
pub const UNDER_REVIEW: &str = "001195006789";
/// Đỗ Văn Hậu, born 1999-12-05 in Nghệ An, male: a well-formed number that is NOT in the
/// register (404), though the person can log in.
pub const NOT_IN_REGISTER: &str = "040099007777";

/// Trịnh Minh Quân, born 1990-04-12, male: can log in, but his number's 4th digit is 8, a
/// century no living person is born in (a typo for 0), so the register refuses it (400) and
/// the engine should too. Not in the register.
pub const BAD_CENTURY_DIGIT: &str = "001890012345";

/// Day of death of [`DECEASED`].
pub const DECEASED_ON: NaiveDate = date(2024, 12, 3);
/// When [`RECENT_MOVER_STUDENT`]'s family moved to Xã Bát Xát.
pub const RECENT_MOVE_ON: NaiveDate = date(2023, 4, 15);

/// Commune indices, checked when the crate is compiled.
const CAU_GIAY: u8 = commune_index("00167") as u8;
const SOC_SON: u8 = commune_index("08980") as u8;
const DONG_DA: u8 = commune_index("00226") as u8;
const BA_DINH: u8 = commune_index("00004") as u8;
const HA_DONG: u8 = commune_index("09556") as u8;
const BEN_THANH: u8 = commune_index("26743") as u8;
const SAI_GON: u8 = commune_index("26734") as u8;
const GIA_DINH: u8 = commune_index("27139") as u8;
const TRUNG_KHANH: u8 = commune_index("01558") as u8;
const TRA_LINH: u8 = commune_index("01480") as u8;
const BAT_XAT: u8 = commune_index("02725") as u8;
const HOANG_HOA: u8 = commune_index("15622") as u8;

/// Someone of a named household; the builder adds the number (unless fixed) and the card.
struct Person {
    name: &'static str,
    sex: Sex,
    birth: NaiveDate,
    ethnicity: Ethnicity,
    born_in: u8,
    hometown: u8,
    relation: Relation,
    /// At this household's address since; `None`: since birth.
    moved_in: Option<NaiveDate>,
    /// Where they lived before moving in, from this day (birth, usually).
    before: Option<(u8, NaiveDate)>,
    father: Parent,
    mother: Parent,
}

fn named(name: &'static str) -> Parent {
    Parent::Named(Name::Fixed(name))
}

fn add(builder: &mut Builder, household: u32, person: Person, pin: Option<&str>) -> u32 {
    let since = person.moved_in.unwrap_or(person.birth);
    let earlier = person.before.map(|(commune, from)| Stay { commune, from });
    builder.add(
        household,
        NewPerson {
            name: Name::Fixed(person.name),
            sex: person.sex,
            birth: person.birth,
            ethnicity: person.ethnicity,
            religion: Religion::None,
            birth_commune: person.born_in,
            hometown: person.hometown,
            relation: person.relation,
            since,
            earlier,
            father: person.father,
            mother: person.mother,
        },
        pin.and_then(|p| p.parse().ok()),
    )
}

/// Adds the named households, before any generated one.
pub(super) fn add_named(builder: &mut Builder) {
    for pin in [NOT_IN_REGISTER, BAD_CENTURY_DIGIT] {
        if let Ok(pin) = pin.parse() {
            builder.reserve(pin);
        }
    }
    student_hanoi(builder);
    student_hcmc(builder);
    minority_student(builder);
    recent_mover(builder);
    deceased(builder);
    under_review(builder);
}

fn student_hanoi(b: &mut Builder) {
    let h = b.new_household(
        CAU_GIAY,
        Detail {
            number: 12,
            alley: 45,
            place: 0,
        },
    );
    let moved_in = date(2005, 6, 1);
    let father = add(
        b,
        h,
        Person {
            name: "Nguyễn Văn Hùng",
            sex: Sex::Male,
            birth: date(1978, 4, 10),
            ethnicity: Ethnicity::Kinh,
            born_in: SOC_SON,
            hometown: SOC_SON,
            relation: Relation::Head,
            moved_in: Some(moved_in),
            before: Some((SOC_SON, date(1978, 4, 10))),
            father: named("Nguyễn Văn Thành"),
            mother: named("Đỗ Thị Hoa"),
        },
        None,
    );
    b.set_head(h, father);
    let mother = add(
        b,
        h,
        Person {
            name: "Phạm Thị Lan",
            sex: Sex::Female,
            birth: date(1980, 8, 22),
            ethnicity: Ethnicity::Kinh,
            born_in: DONG_DA,
            hometown: DONG_DA,
            relation: Relation::Wife,
            moved_in: Some(date(2006, 3, 15)),
            before: Some((DONG_DA, date(1980, 8, 22))),
            father: named("Phạm Văn Quý"),
            mother: named("Lê Thị Nga"),
        },
        None,
    );
    for (name, sex, birth, pin) in [
        (
            "Nguyễn Đức Minh",
            Sex::Male,
            date(2007, 9, 14),
            Some(STUDENT_HANOI),
        ),
        ("Nguyễn Thị Mai Anh", Sex::Female, date(2012, 2, 3), None),
    ] {
        add(
            b,
            h,
            child(name, sex, birth, CAU_GIAY, SOC_SON, father, mother),
            pin,
        );
    }
}

fn student_hcmc(b: &mut Builder) {
    let h = b.new_household(
        BEN_THANH,
        Detail {
            number: 7,
            alley: 15,
            place: 1,
        },
    );
    let father = add(
        b,
        h,
        Person {
            name: "Trần Văn Phúc",
            sex: Sex::Male,
            birth: date(1975, 11, 2),
            ethnicity: Ethnicity::Kinh,
            born_in: SAI_GON,
            hometown: SAI_GON,
            relation: Relation::Head,
            moved_in: Some(date(2001, 5, 20)),
            before: Some((SAI_GON, date(1975, 11, 2))),
            father: named("Trần Văn Lộc"),
            mother: named("Huỳnh Thị Bảy"),
        },
        None,
    );
    b.set_head(h, father);
    let mother = add(
        b,
        h,
        Person {
            name: "Lê Thị Thu Hương",
            sex: Sex::Female,
            birth: date(1979, 6, 18),
            ethnicity: Ethnicity::Kinh,
            born_in: GIA_DINH,
            hometown: GIA_DINH,
            relation: Relation::Wife,
            moved_in: Some(date(2004, 9, 10)),
            before: Some((GIA_DINH, date(1979, 6, 18))),
            father: named("Lê Văn Tư"),
            mother: named("Võ Thị Sáu"),
        },
        None,
    );
    for (name, sex, birth, pin) in [
        (
            "Trần Thị Ngọc Hân",
            Sex::Female,
            date(2007, 3, 21),
            Some(STUDENT_HCMC),
        ),
        ("Trần Minh Khoa", Sex::Male, date(2011, 7, 30), None),
    ] {
        add(
            b,
            h,
            child(name, sex, birth, BEN_THANH, SAI_GON, father, mother),
            pin,
        );
    }
}

fn minority_student(b: &mut Builder) {
    let h = b.new_household(
        TRUNG_KHANH,
        Detail {
            number: 0,
            alley: 0,
            place: 0,
        },
    );
    let father = add(
        b,
        h,
        Person {
            name: "Nông Văn Hải",
            sex: Sex::Male,
            birth: date(1980, 2, 14),
            ethnicity: Ethnicity::Tay,
            born_in: TRUNG_KHANH,
            hometown: TRUNG_KHANH,
            relation: Relation::Head,
            moved_in: None,
            before: None,
            father: named("Nông Văn Sáng"),
            mother: named("Hoàng Thị Nhị"),
        },
        None,
    );
    b.set_head(h, father);
    let mother = add(
        b,
        h,
        Person {
            name: "Hoàng Thị Mai",
            sex: Sex::Female,
            birth: date(1983, 10, 5),
            ethnicity: Ethnicity::Tay,
            born_in: TRA_LINH,
            hometown: TRA_LINH,
            relation: Relation::Wife,
            moved_in: Some(date(2004, 12, 1)),
            before: Some((TRA_LINH, date(1983, 10, 5))),
            father: named("Hoàng Văn Chung"),
            mother: named("Lục Thị Thơm"),
        },
        None,
    );
    for (name, sex, birth, pin) in [
        (
            "Nông Văn Thắng",
            Sex::Male,
            date(2007, 5, 2),
            Some(MINORITY_STUDENT),
        ),
        ("Nông Thị Hương", Sex::Female, date(2010, 9, 9), None),
    ] {
        let mut person = child(name, sex, birth, TRUNG_KHANH, TRUNG_KHANH, father, mother);
        person.ethnicity = Ethnicity::Tay;
        add(b, h, person, pin);
    }
}

fn recent_mover(b: &mut Builder) {
    let h = b.new_household(
        BAT_XAT,
        Detail {
            number: 0,
            alley: 0,
            place: 2,
        },
    );
    let father = add(
        b,
        h,
        Person {
            name: "Vũ Đức Toàn",
            sex: Sex::Male,
            birth: date(1979, 3, 3),
            ethnicity: Ethnicity::Kinh,
            born_in: DONG_DA,
            hometown: DONG_DA,
            relation: Relation::Head,
            moved_in: Some(RECENT_MOVE_ON),
            before: Some((DONG_DA, date(1979, 3, 3))),
            father: named("Vũ Văn Hòa"),
            mother: named("Nguyễn Thị Tuyết"),
        },
        None,
    );
    b.set_head(h, father);
    let mother = add(
        b,
        h,
        Person {
            name: "Đặng Thị Hồng",
            sex: Sex::Female,
            birth: date(1981, 12, 12),
            ethnicity: Ethnicity::Kinh,
            born_in: DONG_DA,
            hometown: DONG_DA,
            relation: Relation::Wife,
            moved_in: Some(RECENT_MOVE_ON),
            before: Some((DONG_DA, date(1981, 12, 12))),
            father: named("Đặng Văn Long"),
            mother: named("Trịnh Thị Liên"),
        },
        None,
    );
    let mut person = child(
        "Vũ Thị Lan Anh",
        Sex::Female,
        date(2007, 11, 8),
        DONG_DA,
        DONG_DA,
        father,
        mother,
    );
    person.moved_in = Some(RECENT_MOVE_ON);
    person.before = Some((DONG_DA, date(2007, 11, 8)));
    add(b, h, person, Some(RECENT_MOVER_STUDENT));
}

fn deceased(b: &mut Builder) {
    let h = b.new_household(
        BA_DINH,
        Detail {
            number: 31,
            alley: 0,
            place: 1,
        },
    );
    let grandfather = add(
        b,
        h,
        Person {
            name: "Lê Văn Tâm",
            sex: Sex::Male,
            birth: date(1952, 2, 11),
            ethnicity: Ethnicity::Kinh,
            born_in: HOANG_HOA,
            hometown: HOANG_HOA,
            relation: Relation::Father,
            moved_in: Some(date(2015, 3, 1)),
            before: Some((DONG_DA, date(1975, 6, 1))),
            father: named("Lê Văn Cừ"),
            mother: named("Nguyễn Thị Tý"),
        },
        Some(DECEASED),
    );
    b.set_deceased(grandfather, DECEASED_ON);
    let head = add(
        b,
        h,
        Person {
            name: "Lê Minh Tuấn",
            sex: Sex::Male,
            birth: date(1979, 7, 19),
            ethnicity: Ethnicity::Kinh,
            born_in: DONG_DA,
            hometown: HOANG_HOA,
            relation: Relation::Head,
            moved_in: Some(date(2010, 10, 1)),
            before: Some((DONG_DA, date(1979, 7, 19))),
            father: Parent::Resident(grandfather),
            mother: named("Trịnh Thị Dung"),
        },
        None,
    );
    b.set_head(h, head);
    let wife = add(
        b,
        h,
        Person {
            name: "Bùi Thu Trang",
            sex: Sex::Female,
            birth: date(1983, 1, 25),
            ethnicity: Ethnicity::Kinh,
            born_in: HA_DONG,
            hometown: HA_DONG,
            relation: Relation::Wife,
            moved_in: Some(date(2010, 10, 1)),
            before: Some((HA_DONG, date(1983, 1, 25))),
            father: named("Bùi Văn Khải"),
            mother: named("Phan Thị Yến"),
        },
        None,
    );
    add(
        b,
        h,
        child(
            "Lê Gia Bảo",
            Sex::Male,
            date(2012, 5, 16),
            BA_DINH,
            HOANG_HOA,
            head,
            wife,
        ),
        None,
    );
}

fn under_review(b: &mut Builder) {
    let h = b.new_household(
        HA_DONG,
        Detail {
            number: 140,
            alley: 0,
            place: 0,
        },
    );
    let index = add(
        b,
        h,
        Person {
            name: "Phạm Thị Thu Hà",
            sex: Sex::Female,
            birth: date(1995, 6, 30),
            ethnicity: Ethnicity::Kinh,
            born_in: SOC_SON,
            hometown: SOC_SON,
            relation: Relation::Head,
            moved_in: Some(date(2019, 5, 10)),
            before: Some((SOC_SON, date(1995, 6, 30))),
            father: named("Phạm Văn Dũng"),
            mother: named("Ngô Thị Hạnh"),
        },
        Some(UNDER_REVIEW),
    );
    b.set_head(h, index);
    b.set_status(index, Status::UnderReview);
}

/// A Kinh child living with both parents at the household's address since birth.
fn child(
    name: &'static str,
    sex: Sex,
    birth: NaiveDate,
    born_in: u8,
    hometown: u8,
    father: u32,
    mother: u32,
) -> Person {
    Person {
        name,
        sex,
        birth,
        ethnicity: Ethnicity::Kinh,
        born_in,
        hometown,
        relation: Relation::Child,
        moved_in: None,
        before: None,
        father: Parent::Resident(father),
        mother: Parent::Resident(mother),
    }
}
