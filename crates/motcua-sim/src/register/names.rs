//! Personal names, by ethnic group. A generated name is a few table indices
//! ([`NameParts`]); the text is written only when a request asks for it.
//!
//! Kinh names are family + middle + given name, with family names weighted by the part of the
//! country (Hoàng and Vũ in the north, Huỳnh and Võ in the south) and middle names that
//! follow the times (almost every woman born before 1975 is "Thị"). Minority names follow
//! their group's usage: Mông men's "A"/"Seo"/"Mí", Thái family names Lò, Cầm, Quàng, Ê Đê
//! names written given-first after "Y" (men) or "H'" (women), Khmer given names of several
//! syllables.
//!
//! Over 600 lines because most of it is data: the tables of family, middle and given names.

use super::dice::Dice;
use super::ethnic::Ethnicity;
use super::places::Part;
use super::Sex;

/// A generated name: indices into its ethnic group's tables.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NameParts {
    pub style: Ethnicity,
    pub sex: Sex,
    pub family: u8,
    pub middle: u8,
    pub given: u8,
}

impl NameParts {
    /// The full name as the register writes it.
    pub fn full(&self) -> String {
        let style = style(self.style);
        let family = table_get(style.families, self.family).0;
        let (middles, givens) = match self.sex {
            Sex::Male => (style.male_middles, style.male_given),
            Sex::Female => (style.female_middles, style.female_given),
        };
        let middle = *table_get(middles, self.middle);
        let given = *table_get(givens, self.given);
        match style.order {
            Order::FamilyFirst => [family, middle, given]
                .iter()
                .filter(|p| !p.is_empty())
                .copied()
                .collect::<Vec<_>>()
                .join(" "),
            Order::GivenFirst => {
                let prefix = match self.sex {
                    Sex::Male => "Y ",
                    Sex::Female => "H'",
                };
                format!("{prefix}{given} {family}")
            }
        }
    }

    /// A new name in `style`: the family name given (inherited) or drawn.
    pub fn draw(
        style_of: Ethnicity,
        sex: Sex,
        family: Option<u8>,
        part: Part,
        birth_year: i32,
        dice: &mut Dice,
    ) -> NameParts {
        let style = style(style_of);
        let family = family.unwrap_or_else(|| draw_family(style.families, part, dice));
        let (middles, givens) = match sex {
            Sex::Male => (style.male_middles, style.male_given),
            Sex::Female => (style.female_middles, style.female_given),
        };
        // Older generations nearly all carry Văn or Thị (the first middle name of each list).
        let traditional = if birth_year < 1975 { 70 } else { 25 };
        let middle = if dice.percent(traditional) {
            0
        } else {
            dice.index(middles.len())
        };
        let mut given = dice.index(givens.len());
        // "Nguyễn Phương Phương" is not a name anyone gives.
        let last_middle = middles.get(middle).and_then(|m| m.rsplit(' ').next());
        if last_middle.is_some() && last_middle == givens.get(given).copied() {
            given = (given + 1) % givens.len().max(1);
        }
        NameParts {
            style: style_of,
            sex,
            family,
            middle: index(middle),
            given: index(given),
        }
    }
}

fn draw_family(families: &[(&str, [u16; 3])], part: Part, dice: &mut Dice) -> u8 {
    let column = match part {
        Part::North => 0,
        Part::Central => 1,
        Part::South => 2,
    };
    // Drawn in place rather than through a table: this runs for every person generated.
    let total: u64 = families.iter().map(|(_, w)| u64::from(w[column])).sum();
    let mut roll = dice.below(total);
    for (i, (_, w)) in families.iter().enumerate() {
        let weight = u64::from(w[column]);
        if roll < weight {
            return index(i);
        }
        roll -= weight;
    }
    0
}

/// Tables are far shorter than 256 entries (checked by a unit test).
fn index(i: usize) -> u8 {
    u8::try_from(i).unwrap_or(0)
}

fn table_get<T>(table: &[T], i: u8) -> &T {
    // Every table is non-empty (unit test); an index out of range falls back to the first.
    table.get(usize::from(i)).unwrap_or(&table[0])
}

#[derive(Debug, Clone, Copy)]
enum Order {
    FamilyFirst,
    /// Ê Đê: "Y Ngông Niê", "H'Linh Êban".
    GivenFirst,
}

struct Style {
    /// Family names with weights for the north, centre and south.
    families: &'static [(&'static str, [u16; 3])],
    /// The first entry is the traditional one (Văn, Thị), or empty where there is none.
    male_middles: &'static [&'static str],
    female_middles: &'static [&'static str],
    male_given: &'static [&'static str],
    female_given: &'static [&'static str],
    order: Order,
}

const fn w(n: u16) -> [u16; 3] {
    [n, n, n]
}

const KINH_MALE_MIDDLES: &[&str] = &[
    "Văn", "Đức", "Minh", "Quang", "Hữu", "Công", "Thành", "Quốc", "Anh", "Gia", "Hoàng", "Tuấn",
    "Ngọc", "Xuân", "Đình", "Trung", "Thanh", "Bảo", "Duy", "Tiến",
];
const KINH_FEMALE_MIDDLES: &[&str] = &[
    "Thị",
    "Ngọc",
    "Thu",
    "Thanh",
    "Phương",
    "Thị Ngọc",
    "Thị Thu",
    "Mai",
    "Hồng",
    "Kim",
    "Minh",
    "Bảo",
    "Khánh",
    "Hoài",
    "Diệu",
    "Thùy",
    "Quỳnh",
    "Hải",
    "Thị Kim",
];
const KINH_MALE_GIVEN: &[&str] = &[
    "Anh", "Bảo", "Cường", "Dũng", "Duy", "Đạt", "Hải", "Hiếu", "Hoàng", "Hùng", "Huy", "Khánh",
    "Khoa", "Long", "Minh", "Nam", "Nghĩa", "Phong", "Phúc", "Quân", "Sơn", "Tài", "Thắng",
    "Thành", "Trung", "Tuấn", "Tùng", "Việt", "Vinh", "Hưng", "Lâm", "Kiên", "Đông", "Bình",
    "Toàn", "Thịnh", "Hòa", "Lộc", "Tú", "An", "Quang", "Đức",
];
const KINH_FEMALE_GIVEN: &[&str] = &[
    "An", "Anh", "Chi", "Dung", "Giang", "Hà", "Hạnh", "Hằng", "Hân", "Hiền", "Hoa", "Hồng",
    "Huyền", "Hương", "Lan", "Linh", "Loan", "Mai", "My", "Nga", "Ngân", "Ngọc", "Nhung", "Oanh",
    "Phương", "Quỳnh", "Tâm", "Thảo", "Thu", "Thủy", "Trang", "Trâm", "Uyên", "Vân", "Vy", "Yến",
    "Nhi", "Thư", "Diệp", "Xuân",
];

/// About 30 family names cover nearly every Kinh person; Nguyễn alone some 38 %.
const KINH: Style = Style {
    families: &[
        ("Nguyễn", [380, 380, 380]),
        ("Trần", [110, 100, 130]),
        ("Lê", [95, 110, 100]),
        ("Phạm", [70, 60, 60]),
        ("Hoàng", [55, 30, 0]),
        ("Huỳnh", [0, 25, 70]),
        ("Vũ", [45, 5, 3]),
        ("Võ", [0, 45, 50]),
        ("Phan", [35, 50, 45]),
        ("Đặng", [25, 20, 20]),
        ("Bùi", [25, 20, 15]),
        ("Đỗ", [25, 15, 15]),
        ("Hồ", [10, 40, 15]),
        ("Ngô", [15, 15, 15]),
        ("Dương", [15, 10, 10]),
        ("Lý", [5, 5, 10]),
        ("Đinh", [15, 10, 5]),
        ("Trịnh", [15, 5, 5]),
        ("Đào", [10, 5, 5]),
        ("Mai", [5, 10, 10]),
        ("Cao", [5, 10, 5]),
        ("Lương", [5, 5, 5]),
        ("Tạ", [5, 1, 2]),
        ("Phùng", [5, 2, 2]),
        ("Lâm", [2, 5, 10]),
        ("Châu", [1, 5, 10]),
        ("Thái", [2, 5, 5]),
        ("Tô", [5, 2, 2]),
        ("Kiều", [5, 1, 1]),
    ],
    male_middles: KINH_MALE_MIDDLES,
    female_middles: KINH_FEMALE_MIDDLES,
    male_given: KINH_MALE_GIVEN,
    female_given: KINH_FEMALE_GIVEN,
    order: Order::FamilyFirst,
};

const TAY: Style = Style {
    families: &[
        ("Nông", w(15)),
        ("Hoàng", w(20)),
        ("Lương", w(8)),
        ("Bế", w(8)),
        ("Đàm", w(6)),
        ("Lục", w(5)),
        ("Ma", w(5)),
        ("Triệu", w(5)),
        ("La", w(4)),
        ("Hà", w(5)),
        ("Lâm", w(4)),
        ("Nguyễn", w(8)),
        ("Chu", w(3)),
        ("Vi", w(3)),
    ],
    male_middles: &["Văn", "Đức", "Minh", "Quang", "Thanh"],
    female_middles: &["Thị", "Thu", "Hồng", "Ngọc", "Thanh"],
    male_given: KINH_MALE_GIVEN,
    female_given: KINH_FEMALE_GIVEN,
    order: Order::FamilyFirst,
};

const NUNG: Style = Style {
    families: &[
        ("Nông", w(12)),
        ("Hoàng", w(15)),
        ("Lương", w(8)),
        ("Lục", w(8)),
        ("Vy", w(6)),
        ("Mã", w(5)),
        ("Sầm", w(4)),
        ("Lý", w(6)),
        ("Chu", w(5)),
        ("Lăng", w(4)),
        ("Hứa", w(4)),
        ("Đinh", w(4)),
    ],
    male_middles: &["Văn", "Đức", "Minh", "Tiến"],
    female_middles: &["Thị", "Thu", "Hồng", "Mai"],
    male_given: KINH_MALE_GIVEN,
    female_given: KINH_FEMALE_GIVEN,
    order: Order::FamilyFirst,
};

const THAI: Style = Style {
    families: &[
        ("Lò", w(15)),
        ("Lường", w(10)),
        ("Quàng", w(8)),
        ("Cầm", w(8)),
        ("Vi", w(8)),
        ("Hà", w(10)),
        ("Lự", w(3)),
        ("Điêu", w(5)),
        ("Tòng", w(6)),
        ("Lữ", w(3)),
        ("Sầm", w(3)),
        ("Lộc", w(3)),
        ("Mè", w(3)),
    ],
    male_middles: &["Văn", "Minh", "Đức"],
    female_middles: &["Thị", "Thu", "Ngọc"],
    male_given: &[
        "Pọm", "Xôm", "Ún", "Ính", "Phong", "Biên", "Khăm", "Sơn", "Hùng", "Duẩn", "Thoản",
        "Chiến", "Hải", "Tuấn", "Panh", "Xuân",
    ],
    female_given: &[
        "Ước", "Ban", "Xuân", "Hom", "Oanh", "Pết", "Hương", "Mai", "Lả", "Thoa", "Ngân", "Nga",
        "Hiên", "Lan", "Ánh", "Khiêm",
    ],
    order: Order::FamilyFirst,
};

const MUONG: Style = Style {
    families: &[
        ("Bùi", w(30)),
        ("Đinh", w(25)),
        ("Quách", w(10)),
        ("Hà", w(10)),
        ("Xa", w(3)),
        ("Cao", w(5)),
        ("Trương", w(3)),
        ("Phạm", w(5)),
    ],
    male_middles: &["Văn", "Đức", "Minh", "Quang"],
    female_middles: &["Thị", "Thu", "Hồng", "Ngọc"],
    male_given: KINH_MALE_GIVEN,
    female_given: KINH_FEMALE_GIVEN,
    order: Order::FamilyFirst,
};

const MONG: Style = Style {
    families: &[
        ("Giàng", w(15)),
        ("Sùng", w(12)),
        ("Vàng", w(15)),
        ("Thào", w(12)),
        ("Mùa", w(8)),
        ("Lầu", w(5)),
        ("Hầu", w(5)),
        ("Lý", w(8)),
        ("Hạng", w(5)),
        ("Ly", w(4)),
        ("Sình", w(3)),
        ("Vừ", w(4)),
        ("Má", w(3)),
        ("Tráng", w(4)),
        ("Chá", w(3)),
        ("Lù", w(3)),
    ],
    male_middles: &["A", "Seo", "Mí", "Văn", "Chẩn"],
    female_middles: &["Thị", "Thị", "Mỷ"],
    male_given: &[
        "Páo", "Chư", "Sáng", "Lử", "Dế", "Chứ", "Sình", "Pó", "Tủa", "Chá", "Nhà", "Dì", "Sử",
        "Của", "Lầu", "Súa",
    ],
    female_given: &[
        "Mỷ", "Dợ", "Sua", "Dở", "Pằng", "Chía", "Mai", "Súa", "Máy", "Cở", "Dính", "Lan", "Xo",
        "Sông",
    ],
    order: Order::FamilyFirst,
};

const DAO: Style = Style {
    families: &[
        ("Triệu", w(25)),
        ("Bàn", w(20)),
        ("Đặng", w(15)),
        ("Lý", w(12)),
        ("Phùng", w(6)),
        ("Chảo", w(8)),
        ("Tẩn", w(6)),
        ("Hoàng", w(5)),
    ],
    male_middles: &["Văn", "Tòn", "Láo", "Quầy", "Phủ"],
    female_middles: &["Thị", "Mẩy", "Thị"],
    male_given: &[
        "Kiềm", "Chòi", "Quẩy", "Sành", "Phin", "Vần", "Tiến", "Minh", "Hùng", "Dũng", "Seng",
        "Pham",
    ],
    female_given: &[
        "Mẩy", "Sành", "Lai", "Nhất", "Hương", "Nái", "Xuân", "Mai", "Kiều", "Phây",
    ],
    order: Order::FamilyFirst,
};

const KHMER: Style = Style {
    families: &[
        ("Thạch", w(20)),
        ("Danh", w(15)),
        ("Sơn", w(12)),
        ("Kim", w(10)),
        ("Lâm", w(8)),
        ("Lý", w(8)),
        ("Trần", w(6)),
        ("Chau", w(12)),
        ("Tăng", w(4)),
        ("Huỳnh", w(4)),
    ],
    male_middles: &["", "", "Văn"],
    female_middles: &["Thị", "", "Thị"],
    male_given: &[
        "Sa Rươn",
        "Sóc Kha",
        "Sô Phal",
        "Đa Ra",
        "Ri Tha",
        "Chanh Đa",
        "Sa Ro",
        "Ni",
        "Sơ Ny",
        "Phước",
        "Cường",
        "Vanh",
        "Thươl",
        "Sa Rinh",
    ],
    female_given: &[
        "Sa Phia",
        "Sa Rết",
        "Sô Phia",
        "Ry Na",
        "Chanh Thu",
        "Sô Phi",
        "Sa Ni",
        "Đa Ni",
        "Mỹ Linh",
        "Thu",
        "Sa Rên",
        "Ma Ly",
    ],
    order: Order::FamilyFirst,
};

const HOA: Style = Style {
    families: &[
        ("Lý", w(12)),
        ("Trần", w(12)),
        ("Lâm", w(12)),
        ("Quách", w(6)),
        ("Châu", w(6)),
        ("Mã", w(6)),
        ("Tăng", w(5)),
        ("Hứa", w(5)),
        ("La", w(4)),
        ("Dương", w(5)),
        ("Lưu", w(5)),
        ("Trương", w(6)),
        ("Hoàng", w(4)),
    ],
    male_middles: &["Văn", "Quốc", "Chí", "Vĩnh", "Gia", "Minh"],
    female_middles: &["Thị", "Mỹ", "Huệ", "Ngọc", "Bội", "Tú"],
    male_given: KINH_MALE_GIVEN,
    female_given: KINH_FEMALE_GIVEN,
    order: Order::FamilyFirst,
};

const EDE: Style = Style {
    families: &[
        ("Niê", w(20)),
        ("Êban", w(12)),
        ("Mlô", w(10)),
        ("Byă", w(8)),
        ("Ksơr", w(8)),
        ("Ayŭn", w(6)),
        ("Hđơk", w(8)),
        ("Adrơng", w(6)),
        ("Buôn Yă", w(5)),
        ("Êñuôl", w(4)),
        ("Knul", w(5)),
        ("Kbuôr", w(4)),
    ],
    // Ê Đê names have no middle name; the "Y"/"H'" prefix is written by `full`.
    male_middles: &[""],
    female_middles: &[""],
    male_given: &[
        "Blốk", "Ngông", "Thuột", "Khem", "Jut", "Kông", "Sinh", "Bhiăo", "Tlang", "Nuê", "Đhăm",
        "Yơn",
    ],
    female_given: &[
        "Linh", "Hen", "Nay", "Bia", "Ni", "Yơn", "Hương", "Juel", "Mai", "Dung", "Blang", "Nga",
    ],
    order: Order::GivenFirst,
};

const CHAM: Style = Style {
    families: &[
        ("Ma", w(10)),
        ("Sa", w(10)),
        ("Ha", w(8)),
        ("Mách", w(6)),
        ("Ly", w(6)),
        ("Mu", w(5)),
        ("Ka", w(4)),
    ],
    male_middles: &[""],
    female_middles: &[""],
    male_given: &[
        "Ry Dal",
        "Mô Ha Mách",
        "Sa Lết",
        "Ha San",
        "Y Sa",
        "Mu Sa",
        "Ma Na",
        "A Ly",
        "Sếp Ly",
        "Sô Phi",
    ],
    female_given: &[
        "Ly Na",
        "Ma Ri Da",
        "Sa Phi Ah",
        "Ha Ri Sa",
        "Ai Sah",
        "Ma Ry Am",
        "Fa Ti Ma",
        "Hô Da",
        "Sa Bi Na",
        "Y Na",
    ],
    order: Order::FamilyFirst,
};

const CO_TU: Style = Style {
    families: &[
        ("Alăng", w(15)),
        ("Bhling", w(12)),
        ("Briu", w(10)),
        ("Clâu", w(8)),
        ("Zơrâm", w(8)),
        ("Ating", w(8)),
        ("Pơloong", w(6)),
        ("Coor", w(5)),
        ("Hồ", w(6)),
        ("Arất", w(5)),
    ],
    male_middles: &["Văn", ""],
    female_middles: &["Thị", ""],
    male_given: &[
        "Pố", "Nhớ", "Liếc", "Dung", "Hùng", "Bhriu", "Tơ", "Crơn", "Dăng", "Mía",
    ],
    female_given: &[
        "Hoa", "Nga", "Bơ", "Mai", "Lan", "Dút", "Blúi", "Hương", "Xuân", "Ngân",
    ],
    order: Order::FamilyFirst,
};

const KHO_MU: Style = Style {
    families: &[
        ("Lô", w(15)),
        ("Lương", w(10)),
        ("Vi", w(10)),
        ("Xồng", w(8)),
        ("Moong", w(8)),
        ("Cụt", w(6)),
        ("Kha", w(5)),
        ("Lữ", w(4)),
    ],
    male_middles: &["Văn", "Minh"],
    female_middles: &["Thị", "Thu"],
    male_given: KINH_MALE_GIVEN,
    female_given: KINH_FEMALE_GIVEN,
    order: Order::FamilyFirst,
};

const GIAY: Style = Style {
    families: &[
        ("Hoàng", w(12)),
        ("Lù", w(10)),
        ("Sần", w(8)),
        ("Vàng", w(8)),
        ("Lồ", w(6)),
        ("Giàng", w(6)),
    ],
    male_middles: &["Văn", "Seo", "Minh"],
    female_middles: &["Thị", "Thu"],
    male_given: KINH_MALE_GIVEN,
    female_given: KINH_FEMALE_GIVEN,
    order: Order::FamilyFirst,
};

fn style(ethnicity: Ethnicity) -> &'static Style {
    match ethnicity {
        Ethnicity::Kinh => &KINH,
        Ethnicity::Tay => &TAY,
        Ethnicity::Thai => &THAI,
        Ethnicity::Muong => &MUONG,
        Ethnicity::Khmer => &KHMER,
        Ethnicity::Mong => &MONG,
        Ethnicity::Nung => &NUNG,
        Ethnicity::Hoa => &HOA,
        Ethnicity::Dao => &DAO,
        Ethnicity::EDe => &EDE,
        Ethnicity::Cham => &CHAM,
        Ethnicity::CoTu => &CO_TU,
        Ethnicity::KhoMu => &KHO_MU,
        Ethnicity::Giay => &GIAY,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tables_are_non_empty_and_indexable_by_a_byte() {
        for e in Ethnicity::ALL {
            let s = style(e);
            for len in [
                s.families.len(),
                s.male_middles.len(),
                s.female_middles.len(),
                s.male_given.len(),
                s.female_given.len(),
            ] {
                assert!((1..=255).contains(&len), "{e:?}");
            }
            for column in 0..3 {
                assert!(s.families.iter().map(|(_, w)| w[column]).sum::<u16>() > 0);
            }
        }
    }

    #[test]
    fn names_follow_their_group() {
        let mut dice = Dice::new(1);
        // Most women born before 1975 are "Thị"; fewer of their granddaughters.
        let thi = |year: i32, dice: &mut Dice| {
            (0..1000)
                .map(|_| {
                    NameParts::draw(Ethnicity::Kinh, Sex::Female, None, Part::North, year, dice)
                })
                .filter(|n| n.full().split(' ').nth(1) == Some("Thị"))
                .count()
        };
        let (old, young) = (thi(1950, &mut dice), thi(2010, &mut dice));
        assert!(old > 700 && young < 500, "{old} {young}");
        let ede = NameParts::draw(
            Ethnicity::EDe,
            Sex::Female,
            None,
            Part::Central,
            2000,
            &mut dice,
        );
        assert!(ede.full().starts_with("H'"), "{}", ede.full());
        let ede = NameParts::draw(
            Ethnicity::EDe,
            Sex::Male,
            None,
            Part::Central,
            2000,
            &mut dice,
        );
        assert!(ede.full().starts_with("Y "), "{}", ede.full());
        // Southern Kinh families are never spelled Hoàng; northern ones never Huỳnh.
        for _ in 0..2000 {
            let south = NameParts::draw(
                Ethnicity::Kinh,
                Sex::Male,
                None,
                Part::South,
                1990,
                &mut dice,
            );
            assert!(!south.full().starts_with("Hoàng "));
            let north = NameParts::draw(
                Ethnicity::Kinh,
                Sex::Male,
                None,
                Part::North,
                1990,
                &mut dice,
            );
            assert!(!north.full().starts_with("Huỳnh "));
        }
    }

    #[test]
    fn middle_and_given_names_differ() {
        let mut dice = Dice::new(3);
        for _ in 0..5000 {
            let name = NameParts::draw(
                Ethnicity::Kinh,
                Sex::Female,
                None,
                Part::North,
                2000,
                &mut dice,
            );
            let full = name.full();
            let words: Vec<&str> = full.split(' ').collect();
            assert_ne!(words[words.len() - 2], words[words.len() - 1], "{full}");
        }
    }

    #[test]
    fn an_inherited_family_name_is_kept() {
        let mut dice = Dice::new(2);
        let father = NameParts::draw(
            Ethnicity::Thai,
            Sex::Male,
            None,
            Part::North,
            1970,
            &mut dice,
        );
        let child = NameParts::draw(
            Ethnicity::Thai,
            Sex::Female,
            Some(father.family),
            Part::North,
            2000,
            &mut dice,
        );
        assert_eq!(
            father.full().split(' ').next(),
            child.full().split(' ').next()
        );
    }
}
