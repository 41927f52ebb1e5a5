//! The dossier code (mã hồ sơ, TT 03/2025): `{agency electronic identifier}-{yyMMdd}-{NNNN}`,
//! the receiving agency, the reception date and a per-agency, per-day sequence from 0001
//! (more digits past 9999). Unique, never reused, readable over the phone.

use chrono::NaiveDate;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DossierCodeError {
    #[error("the agency identifier must be letters, digits, '-' or '.', got {0:?}")]
    Agency(String),
    #[error("the sequence starts at 1")]
    ZeroSequence,
    #[error("{0:?} is not a dossier code of the form AGENCY-yyMMdd-NNNN")]
    Shape(String),
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct DossierCode {
    agency: String,
    date: NaiveDate,
    sequence: u32,
}

fn valid_agency(agency: &str) -> bool {
    !agency.is_empty()
        && agency
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '.')
        && !agency.starts_with('-')
        && !agency.ends_with('-')
}

impl DossierCode {
    pub fn new(
        agency: &str,
        date: NaiveDate,
        sequence: u32,
    ) -> Result<DossierCode, DossierCodeError> {
        if !valid_agency(agency) {
            return Err(DossierCodeError::Agency(agency.to_owned()));
        }
        if sequence == 0 {
            return Err(DossierCodeError::ZeroSequence);
        }
        Ok(DossierCode {
            agency: agency.to_owned(),
            date,
            sequence,
        })
    }

    /// Agency identifiers contain '-' themselves, so the code is read from the right.
    pub fn parse(code: &str) -> Result<DossierCode, DossierCodeError> {
        let shape = || DossierCodeError::Shape(code.to_owned());
        let (rest, sequence) = code.rsplit_once('-').ok_or_else(shape)?;
        let (agency, date) = rest.rsplit_once('-').ok_or_else(shape)?;
        if sequence.len() < 4 || !sequence.chars().all(|c| c.is_ascii_digit()) {
            return Err(shape());
        }
        if date.len() != 6 || !date.chars().all(|c| c.is_ascii_digit()) {
            return Err(shape());
        }
        let date =
            NaiveDate::parse_from_str(&format!("20{date}"), "%Y%m%d").map_err(|_| shape())?;
        let sequence = sequence.parse().map_err(|_| shape())?;
        DossierCode::new(agency, date, sequence)
    }

    pub fn agency(&self) -> &str {
        &self.agency
    }

    pub fn reception_date(&self) -> NaiveDate {
        self.date
    }

    pub fn sequence(&self) -> u32 {
        self.sequence
    }
}

impl fmt::Display for DossierCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}-{}-{:04}",
            self.agency,
            self.date.format("%y%m%d"),
            self.sequence
        )
    }
}

impl Serialize for DossierCode {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for DossierCode {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<DossierCode, D::Error> {
        DossierCode::parse(&String::deserialize(d)?).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    #[test]
    fn formats_and_parses_back() {
        let code = DossierCode::new("SGDDT-HN", day(2025, 11, 20), 1).unwrap();
        assert_eq!(code.to_string(), "SGDDT-HN-251120-0001");
        assert_eq!(DossierCode::parse("SGDDT-HN-251120-0001").unwrap(), code);
        let big = DossierCode::new("SGDDT-HN", day(2025, 11, 20), 123_456).unwrap();
        assert_eq!(big.to_string(), "SGDDT-HN-251120-123456");
        assert_eq!(DossierCode::parse(&big.to_string()).unwrap(), big);
    }

    #[test]
    fn refuses_bad_parts() {
        assert!(DossierCode::new("SGD DT", day(2025, 1, 1), 1).is_err());
        assert!(DossierCode::new("SGDDT", day(2025, 1, 1), 0).is_err());
        assert!(DossierCode::parse("SGDDT-251320-0001").is_err());
        assert!(DossierCode::parse("SGDDT-251120-01").is_err());
        assert!(DossierCode::parse("nonsense").is_err());
    }
}
