//! The personal identification number (số định danh cá nhân), 12 digits (Luật Căn cước 2023;
//! Nghị định 137/2015 as amended): 3 for the province of birth registration, 1 for century
//! and sex, 2 for the year of birth, 6 random.

use chrono::Datelike;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;

/// Province codes of birth registration, from before the 2025 merger (63 provinces). The
/// number keeps the code it was issued with, so these stay valid.
const PROVINCE_CODES: &[(&str, &str)] = &[
    ("001", "Hà Nội"),
    ("002", "Hà Giang"),
    ("004", "Cao Bằng"),
    ("006", "Bắc Kạn"),
    ("008", "Tuyên Quang"),
    ("010", "Lào Cai"),
    ("011", "Điện Biên"),
    ("012", "Lai Châu"),
    ("014", "Sơn La"),
    ("015", "Yên Bái"),
    ("017", "Hòa Bình"),
    ("019", "Thái Nguyên"),
    ("020", "Lạng Sơn"),
    ("022", "Quảng Ninh"),
    ("024", "Bắc Giang"),
    ("025", "Phú Thọ"),
    ("026", "Vĩnh Phúc"),
    ("027", "Bắc Ninh"),
    ("030", "Hải Dương"),
    ("031", "Hải Phòng"),
    ("033", "Hưng Yên"),
    ("034", "Thái Bình"),
    ("035", "Hà Nam"),
    ("036", "Nam Định"),
    ("037", "Ninh Bình"),
    ("038", "Thanh Hóa"),
    ("040", "Nghệ An"),
    ("042", "Hà Tĩnh"),
    ("044", "Quảng Bình"),
    ("045", "Quảng Trị"),
    ("046", "Thừa Thiên Huế"),
    ("048", "Đà Nẵng"),
    ("049", "Quảng Nam"),
    ("051", "Quảng Ngãi"),
    ("052", "Bình Định"),
    ("054", "Phú Yên"),
    ("056", "Khánh Hòa"),
    ("058", "Ninh Thuận"),
    ("060", "Bình Thuận"),
    ("062", "Kon Tum"),
    ("064", "Gia Lai"),
    ("066", "Đắk Lắk"),
    ("067", "Đắk Nông"),
    ("068", "Lâm Đồng"),
    ("070", "Bình Phước"),
    ("072", "Tây Ninh"),
    ("074", "Bình Dương"),
    ("075", "Đồng Nai"),
    ("077", "Bà Rịa - Vũng Tàu"),
    ("079", "Thành phố Hồ Chí Minh"),
    ("080", "Long An"),
    ("082", "Tiền Giang"),
    ("083", "Bến Tre"),
    ("084", "Trà Vinh"),
    ("086", "Vĩnh Long"),
    ("087", "Đồng Tháp"),
    ("089", "An Giang"),
    ("091", "Kiên Giang"),
    ("092", "Cần Thơ"),
    ("093", "Hậu Giang"),
    ("094", "Sóc Trăng"),
    ("095", "Bạc Liêu"),
    ("096", "Cà Mau"),
];

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PinError {
    #[error("a personal identification number has 12 digits, this one has {0} characters")]
    Length(usize),
    #[error("character {position} of the personal identification number is not a digit")]
    NotADigit { position: usize },
    #[error("{0:?} is not a province code of birth registration")]
    UnknownProvince(String),
    #[error("the century/sex digit (the 4th) is {digit}, which means born in {from}–{until}: no number of a living person has it")]
    CenturyNotIssued { digit: u32, from: i32, until: i32 },
    #[error("the century/sex digit (the 4th) is {digit} and the year digits are {year_digits:02}, which means born in {year}: that is in the future")]
    BornInFuture {
        digit: u32,
        year_digits: u32,
        year: i32,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Sex {
    Male,
    Female,
}

/// A checked PIN. `Debug` shows it masked so that it never lands whole in a log by accident;
/// `Display` shows it whole, for answers to its owner.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Pin(String);

impl Pin {
    pub fn parse(input: &str) -> Result<Pin, PinError> {
        let count = input.chars().count();
        if count != 12 {
            return Err(PinError::Length(count));
        }
        if let Some(position) = input.chars().position(|c| !c.is_ascii_digit()) {
            return Err(PinError::NotADigit {
                position: position + 1,
            });
        }
        let province = &input[..3];
        if !PROVINCE_CODES.iter().any(|(code, _)| *code == province) {
            return Err(PinError::UnknownProvince(province.to_owned()));
        }
        let pin = Pin(input.to_owned());
        // Digits 0–3 cover births 1900–2099; the others (1800s, 2100s, 2200s) belong to
        // no living person, so such a number is a typo or a forgery.
        let digit = pin.digit(3);
        if digit > 3 {
            let from = pin.birth_year() - pin.birth_year().rem_euclid(100);
            return Err(PinError::CenturyNotIssued {
                digit,
                from,
                until: from + 99,
            });
        }
        // The 4th digit and the 5th–6th must agree: "2" with "45" says born in 2045.
        let this_year = chrono::Utc::now().year();
        if pin.birth_year() > this_year {
            return Err(PinError::BornInFuture {
                digit,
                year_digits: pin.digit(4) * 10 + pin.digit(5),
                year: pin.birth_year(),
            });
        }
        Ok(pin)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    fn digit(&self, index: usize) -> u32 {
        self.0
            .as_bytes()
            .get(index)
            .map(|b| u32::from(b - b'0'))
            .unwrap_or(0)
    }

    pub fn province_code(&self) -> &str {
        &self.0[..3]
    }

    /// The province of birth registration, by its pre-2025 name.
    pub fn province_name(&self) -> &'static str {
        PROVINCE_CODES
            .iter()
            .find(|(code, _)| *code == self.province_code())
            .map(|(_, name)| *name)
            .unwrap_or("")
    }

    /// Even century digits are men, odd are women.
    pub fn sex(&self) -> Sex {
        if self.digit(3) % 2 == 0 {
            Sex::Male
        } else {
            Sex::Female
        }
    }

    /// 0/1 → 1900s, 2/3 → 2000s, 4/5 → 2100s, 6/7 → 2200s, 8/9 → 1800s.
    pub fn birth_year(&self) -> i32 {
        let century = match self.digit(3) / 2 {
            0 => 1900,
            1 => 2000,
            2 => 2100,
            3 => 2200,
            _ => 1800,
        };
        century + i32::try_from(self.digit(4) * 10 + self.digit(5)).unwrap_or(0)
    }

    /// For logs: the province code and the last three digits only.
    pub fn masked(&self) -> String {
        format!("{}*******{}", &self.0[..3], &self.0[9..])
    }
}

impl fmt::Display for Pin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl fmt::Debug for Pin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Pin({})", self.masked())
    }
}

impl Serialize for Pin {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for Pin {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Pin, D::Error> {
        let s = String::deserialize(d)?;
        Pin::parse(&s).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_sex_year_and_province() {
        let a = Pin::parse("001207001234").unwrap();
        assert_eq!(
            (a.sex(), a.birth_year(), a.province_name()),
            (Sex::Male, 2007, "Hà Nội")
        );
        let b = Pin::parse("079307004321").unwrap();
        assert_eq!((b.sex(), b.birth_year()), (Sex::Female, 2007));
        assert_eq!(Pin::parse("001085000001").unwrap().birth_year(), 1985);
    }

    #[test]
    fn says_what_is_wrong() {
        assert_eq!(Pin::parse("00120700123"), Err(PinError::Length(11)));
        assert_eq!(
            Pin::parse("0012070012a4"),
            Err(PinError::NotADigit { position: 11 })
        );
        assert_eq!(
            Pin::parse("003207001234"),
            Err(PinError::UnknownProvince("003".into()))
        );
        assert_eq!(
            Pin::parse("00120700123٤"),
            Err(PinError::NotADigit { position: 12 })
        );
    }

    #[test]
    fn the_century_digit_must_agree_with_the_year() {
        let err = Pin::parse("001245001234").unwrap_err();
        assert_eq!(
            err,
            PinError::BornInFuture {
                digit: 2,
                year_digits: 45,
                year: 2045
            }
        );
        assert!(err.to_string().contains("born in 2045"), "{err}");
        let err = Pin::parse("001807001234").unwrap_err();
        assert!(matches!(err, PinError::CenturyNotIssued { digit: 8, .. }));
        assert!(err.to_string().contains("1800–1899"), "{err}");
        assert!(
            Pin::parse("001107001234").is_ok(),
            "a woman born in 1907 is possible"
        );
    }

    #[test]
    fn never_debug_prints_the_whole_number() {
        let pin = Pin::parse("001207001234").unwrap();
        assert_eq!(format!("{pin:?}"), "Pin(001*******234)");
        assert_eq!(pin.to_string(), "001207001234");
    }
}
