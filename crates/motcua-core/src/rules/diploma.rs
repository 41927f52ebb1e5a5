//! The diploma procedures' rules (Thông tư 21/2019/TT-BGDĐT).

use super::{date_at, finding, str_at, Finding};
use chrono::{Datelike, NaiveDate};
use serde_json::Value;

/// A diploma cannot have been awarded after the year the request is made.
pub(super) fn year_awarded_not_in_future(data: &Value, on: NaiveDate) -> Vec<Finding> {
    let year = data
        .pointer("/diploma/year_awarded")
        .and_then(Value::as_i64);
    match year {
        Some(year) if year > i64::from(on.year()) => vec![finding(
            "year_in_future",
            "/diploma/year_awarded",
            format!(
                "{year} is after this year ({}): give the year the diploma was awarded",
                on.year()
            ),
            format!(
                "Năm {year} là sau năm nay ({}): nhập năm văn bằng được cấp.",
                on.year()
            ),
        )],
        _ => Vec::new(),
    }
}

/// Someone other than the holder (a representative, a relative, an heir) names the holder
/// and their birth date, so the register of originals can be searched.
pub(super) fn holder_named_when_not_holder(data: &Value, _on: NaiveDate) -> Vec<Finding> {
    if matches!(str_at(data, "/relationship"), None | Some("holder")) {
        return Vec::new();
    }
    let mut found = Vec::new();
    if str_at(data, "/diploma/holder_name").is_none_or(|n| n.trim().is_empty()) {
        found.push(finding(
            "holder_name_missing",
            "/diploma/holder_name",
            "you ask for someone else's diploma: give the holder's full name".into(),
            "Bạn đề nghị cấp bản sao văn bằng của người khác: nhập họ và tên người được cấp văn \
             bằng."
                .into(),
        ));
    }
    if date_at(data, "/diploma/holder_birth_date").is_none() {
        found.push(finding(
            "holder_birth_date_missing",
            "/diploma/holder_birth_date",
            "you ask for someone else's diploma: give the holder's birth date".into(),
            "Bạn đề nghị cấp bản sao văn bằng của người khác: nhập ngày sinh của người được cấp \
             văn bằng."
                .into(),
        ));
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn day(text: &str) -> NaiveDate {
        NaiveDate::parse_from_str(text, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn a_year_after_this_one_is_refused_this_year_is_not() {
        let on = day("2026-11-23");
        let future = year_awarded_not_in_future(&json!({"diploma": {"year_awarded": 2027}}), on);
        assert_eq!(future.len(), 1);
        assert_eq!(future[0].code, "year_in_future");
        assert_eq!(future[0].pointer, "/diploma/year_awarded");
        assert!(
            year_awarded_not_in_future(&json!({"diploma": {"year_awarded": 2026}}), on).is_empty()
        );
    }

    #[test]
    fn a_relative_names_the_holder_the_holder_need_not() {
        let on = day("2026-11-23");
        assert!(holder_named_when_not_holder(&json!({"relationship": "holder"}), on).is_empty());
        let codes: Vec<_> = holder_named_when_not_holder(&json!({"relationship": "parent"}), on)
            .iter()
            .map(|v| v.code)
            .collect();
        assert_eq!(codes, ["holder_name_missing", "holder_birth_date_missing"]);
        let named = json!({"relationship": "heir",
            "diploma": {"holder_name": "Lê Văn Tâm", "holder_birth_date": "1952-02-11"}});
        assert!(holder_named_when_not_holder(&named, on).is_empty());
    }
}
