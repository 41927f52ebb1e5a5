//! Numbers as Vietnamese pages write them: thousands separated by dots (12.345).

/// A whole number with its thousands separated by dots.
pub fn whole(n: i64) -> String {
    let digits = n.unsigned_abs().to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3 + 1);
    if n < 0 {
        out.push('-');
    }
    for (i, digit) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push('.');
        }
        out.push(digit);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::whole;

    #[test]
    fn thousands_are_separated_by_dots() {
        assert_eq!(whole(0), "0");
        assert_eq!(whole(999), "999");
        assert_eq!(whole(1000), "1.000");
        assert_eq!(whole(10_000), "10.000");
        assert_eq!(whole(1_234_567), "1.234.567");
        assert_eq!(whole(-45_000), "-45.000");
    }
}
