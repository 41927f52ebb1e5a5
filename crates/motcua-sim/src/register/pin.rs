//! The personal identification number (số định danh cá nhân) as the register checks it:
//! 3 digits for the province of birth registration (the 63-province codes from before the
//! 2025 merger), 1 for century and sex (0 male / 1 female born 1900–1999, 2 male / 3 female
//! born 2000–2099), 2 for the year of birth, 6 random.

use super::places::birth_province_name;
use super::Sex;

/// Why a number is refused, in words a caller can act on.
pub fn check_shape(input: &str, current_year: i32) -> Result<(), String> {
    let count = input.chars().count();
    if count != 12 {
        return Err(format!(
            "a personal identification number has 12 digits; this one has {count} characters"
        ));
    }
    if let Some(position) = input.chars().position(|c| !c.is_ascii_digit()) {
        return Err(format!(
            "character {} of the personal identification number is not a digit",
            position + 1
        ));
    }
    let province = &input[..3];
    if birth_province_name(province).is_none() {
        return Err(format!(
            "{province} is not a province code of birth registration"
        ));
    }
    let year = birth_year(input)
        .ok_or_else(|| "the 4th digit (century and sex) must be 0, 1, 2 or 3".to_owned())?;
    if year > current_year {
        return Err(format!(
            "the 4th to 6th digits say born in {year}, which is in the future"
        ));
    }
    Ok(())
}

/// The year of birth the digits say, for a 12-digit number.
pub fn birth_year(pin: &str) -> Option<i32> {
    let digits = pin.as_bytes();
    if digits.len() != 12 || !digits.iter().all(u8::is_ascii_digit) {
        return None;
    }
    let century = match digits[3] {
        b'0' | b'1' => 1900,
        b'2' | b'3' => 2000,
        _ => return None,
    };
    Some(century + i32::from(digits[4] - b'0') * 10 + i32::from(digits[5] - b'0'))
}

/// The sex the 4th digit says.
#[cfg(test)]
pub fn sex(pin: &str) -> Option<Sex> {
    match pin.as_bytes().get(3)? {
        b'0' | b'2' => Some(Sex::Male),
        b'1' | b'3' => Some(Sex::Female),
        _ => None,
    }
}

/// The 4th digit for someone born in `year` (1900–2099).
pub fn century_sex_digit(year: i32, sex: Sex) -> u64 {
    let base = if year >= 2000 { 2 } else { 0 };
    base + match sex {
        Sex::Male => 0,
        Sex::Female => 1,
    }
}

/// A number as it may appear in logs: `001207****34`. Anything that is not 12 digits is not
/// echoed at all, since a typo'd number is still most of someone's number.
pub fn mask(input: &str) -> String {
    if input.len() == 12 && input.bytes().all(|b| b.is_ascii_digit()) {
        format!("{}****{}", &input[..6], &input[10..])
    } else {
        format!("<{} characters, not a number>", input.chars().count())
    }
}

/// A requester as it may appear in logs: a citizen's subject is their number, so it is
/// masked; a staff username is shown.
pub fn mask_subject(subject: &str) -> String {
    if subject.bytes().any(|b| b.is_ascii_digit()) && subject.len() >= 8 {
        mask(subject)
    } else {
        subject.to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn good_numbers_pass() {
        assert_eq!(check_shape("001207001234", 2025), Ok(()));
        assert_eq!(check_shape("038052003456", 2025), Ok(()));
    }

    #[test]
    fn bad_numbers_are_refused_precisely() {
        assert!(check_shape("00120700123", 2025)
            .unwrap_err()
            .contains("11 characters"));
        assert!(check_shape("00120700123x", 2025)
            .unwrap_err()
            .contains("character 12"));
        assert!(check_shape("003207001234", 2025)
            .unwrap_err()
            .contains("003"));
        assert!(check_shape("001407001234", 2025)
            .unwrap_err()
            .contains("4th digit"));
        assert!(check_shape("001230001234", 2025)
            .unwrap_err()
            .contains("future"));
    }

    #[test]
    fn digits_say_year_and_sex() {
        assert_eq!(birth_year("079307004321"), Some(2007));
        assert_eq!(birth_year("001195006789"), Some(1995));
        assert_eq!(sex("079307004321"), Some(Sex::Female));
        assert_eq!(sex("001052003456"), Some(Sex::Male));
        assert_eq!(century_sex_digit(2007, Sex::Female), 3);
        assert_eq!(century_sex_digit(1952, Sex::Male), 0);
    }

    #[test]
    fn masks_hide_the_middle() {
        assert_eq!(mask("001207001234"), "001207****34");
        assert_eq!(mask("00120700123"), "<11 characters, not a number>");
        assert_eq!(mask_subject("001207001234"), "001207****34");
        assert_eq!(mask_subject("motcua.tiepnhan"), "motcua.tiepnhan");
    }
}
