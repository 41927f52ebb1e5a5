use super::*;
use serde_json::json;

fn day(text: &str) -> NaiveDate {
    NaiveDate::parse_from_str(text, "%Y-%m-%d").unwrap()
}

const REGISTRATION_DAY: &str = "2025-04-22";

fn codes(violations: &[Finding]) -> Vec<(&'static str, &str)> {
    violations
        .iter()
        .map(|v| (v.code, v.pointer.as_str()))
        .collect()
}

fn form(subjects: Value) -> Value {
    json!({ "programme": "2018", "candidate_kind": "grade12", "subjects": subjects })
}

#[test]
fn two_electives_pass_one_or_three_do_not() {
    let on = day(REGISTRATION_DAY);
    let two = form(json!({"compulsory": ["ngu_van", "toan"], "electives": ["vat_li", "hoa_hoc"]}));
    assert!(subjects(&two, on).is_empty());
    let three = form(
        json!({"compulsory": ["ngu_van", "toan"], "electives": ["vat_li", "hoa_hoc", "sinh_hoc"]}),
    );
    assert_eq!(
        codes(&subjects(&three, on)),
        [("too_many_electives", "/subjects/electives")]
    );
    let one = form(json!({"compulsory": ["ngu_van", "toan"], "electives": ["vat_li"]}));
    assert_eq!(
        codes(&subjects(&one, on)),
        [("too_few_electives", "/subjects/electives")]
    );
    // Through the table, the finding is named after its rule.
    let named = crate::rules::rule("thpt_subjects").unwrap().check(&one, on);
    assert_eq!(
        (named[0].rule, named[0].code),
        ("thpt_subjects", "too_few_electives")
    );
}

#[test]
fn the_language_is_named_exactly_when_ngoai_ngu_is_chosen() {
    let on = day(REGISTRATION_DAY);
    let unnamed = form(json!({"electives": ["vat_li", "ngoai_ngu"]}));
    assert_eq!(
        codes(&subjects(&unnamed, on)),
        [("foreign_language_missing", "/subjects/foreign_language")]
    );
    let named = form(json!({"electives": ["vat_li", "ngoai_ngu"], "foreign_language": "N1"}));
    assert!(subjects(&named, on).is_empty());
    let stray = form(json!({"electives": ["vat_li", "lich_su"], "foreign_language": "N1"}));
    assert_eq!(
        codes(&subjects(&stray, on)),
        [(
            "foreign_language_without_subject",
            "/subjects/foreign_language"
        )]
    );
}

#[test]
fn the_2006_programme_is_for_free_candidates_with_khtn_or_khxh() {
    let on = day(REGISTRATION_DAY);
    let free = json!({"programme": "2006", "candidate_kind": "free",
        "subjects": {"combined_exam": "khxh", "foreign_language": "N1"}});
    assert!(subjects(&free, on).is_empty());
    let student = json!({"programme": "2006", "candidate_kind": "grade12",
        "subjects": {"electives": ["vat_li", "hoa_hoc"]}});
    assert_eq!(
        codes(&subjects(&student, on)),
        [
            ("programme_2006_free_candidates_only", "/programme"),
            ("electives_not_in_2006_programme", "/subjects/electives"),
            ("combined_exam_missing", "/subjects/combined_exam"),
            ("foreign_language_missing", "/subjects/foreign_language"),
        ]
    );
}

fn exempt(valid_until: &str, level: u64) -> Value {
    json!({
        "programme": "2018",
        "subjects": {"electives": ["vat_li", "ngoai_ngu"], "foreign_language": "N1"},
        "language_exemption": {"exempt": true, "basis": "certificate",
            "certificate": {"kind": "IELTS", "language": "N1", "level": level, "valid_until": valid_until}}
    })
}

#[test]
fn a_certificate_must_be_valid_on_the_registration_day() {
    let on = day(REGISTRATION_DAY);
    assert!(
        language_exemption(&exempt("2025-04-22", 4), on).is_empty(),
        "valid that day"
    );
    let expired = language_exemption(&exempt("2025-04-21", 4), on);
    assert_eq!(
        codes(&expired),
        [(
            "certificate_expired",
            "/language_exemption/certificate/valid_until"
        )]
    );
    assert!(
        expired[0].message.contains("21/04/2025"),
        "{}",
        expired[0].message
    );
    let named = crate::rules::rule("thpt_language_exemption")
        .unwrap()
        .check(&exempt("2025-04-21", 4), on);
    assert_eq!(named[0].rule, "thpt_language_exemption");
    assert_eq!(
        codes(&language_exemption(&exempt("2026-01-01", 2), on)),
        [(
            "certificate_level_too_low",
            "/language_exemption/certificate/level"
        )]
    );
}

#[test]
fn an_exemption_needs_the_language_registered_an_olympiad_needs_no_certificate() {
    let on = day(REGISTRATION_DAY);
    let without = json!({"programme": "2018", "subjects": {"electives": ["vat_li", "lich_su"]},
        "language_exemption": {"exempt": true, "basis": "olympiad"}});
    assert_eq!(
        codes(&language_exemption(&without, on)),
        [("exemption_without_language", "/language_exemption/exempt")]
    );
    let olympiad = json!({"programme": "2018",
        "subjects": {"electives": ["vat_li", "ngoai_ngu"], "foreign_language": "N3"},
        "language_exemption": {"exempt": true, "basis": "olympiad"}});
    assert!(language_exemption(&olympiad, on).is_empty());
    let not_exempt = json!({"language_exemption": {"exempt": false}});
    assert!(language_exemption(&not_exempt, on).is_empty());
}

fn stay(text: &str, from: &str, to: Option<&str>, flagged: bool) -> Value {
    json!({"text": text, "from": from, "to": to, "commune_flags": {
        "disadvantaged": flagged, "border": flagged, "coastal": false,
        "region": if flagged { Some("III") } else { None } }})
}

fn register(ethnicity: &str, history: Vec<Value>) -> Map<String, Value> {
    json!({"ethnicity": ethnicity, "residence_history": history})
        .as_object()
        .cloned()
        .unwrap()
}

#[test]
fn priority_follows_ethnicity_and_three_years_in_a_flagged_commune() {
    let on = day(REGISTRATION_DAY);
    let urban = register(
        "Kinh",
        vec![stay("Phường Cầu Giấy", "2007-09-14", None, false)],
    );
    let p = priority(&urban, on);
    assert_eq!(p["category"], "dien_1");
    assert_eq!(p["bonus"], 0.0);
    assert_eq!(
        p["residence_flags"]["three_years_in_flagged_commune"],
        false
    );

    let minority_far = register(
        "Tày",
        vec![stay("Xã Trùng Khánh", "2007-05-02", None, true)],
    );
    let p = priority(&minority_far, on);
    assert_eq!(p["category"], "dien_3");
    assert_eq!(p["bonus"], 0.5);
    assert!(p["reasons"][0].as_str().unwrap().contains("Tày"));

    let minority_city = register(
        "Mường",
        vec![stay("Phường Ba Đình", "2010-01-01", None, false)],
    );
    assert_eq!(priority(&minority_city, on)["category"], "dien_2");

    let kinh_far = register("Kinh", vec![stay("Xã Bát Xát", "2020-01-01", None, true)]);
    let p = priority(&kinh_far, on);
    assert_eq!(p["category"], "dien_2");
    assert_eq!(p["bonus"], 0.25);
}

#[test]
fn two_years_in_a_flagged_commune_is_not_enough_three_are() {
    let moved = |on: &str| {
        priority(
            &register(
                "Kinh",
                vec![
                    stay("Phường Đống Đa", "2007-11-08", Some("2023-04-22"), false),
                    stay("Xã Bát Xát", "2023-04-22", None, true),
                ],
            ),
            day(on),
        )
    };
    let two_years = moved("2025-04-22");
    assert_eq!(two_years["category"], "dien_1");
    assert_eq!(
        two_years["residence_flags"]["eighteen_months_in_flagged_commune"],
        true
    );
    assert!(two_years["reasons"][1]
        .as_str()
        .unwrap()
        .contains("chưa đủ 3 năm"));
    assert_eq!(moved("2026-04-21")["category"], "dien_1", "a day short");
    assert_eq!(
        moved("2026-04-22")["category"],
        "dien_2",
        "three years to the day"
    );
}

#[test]
fn flagged_stays_back_to_back_add_up_a_break_does_not() {
    let on = day(REGISTRATION_DAY);
    let joined = register(
        "Kinh",
        vec![
            stay("Xã A", "2020-01-01", Some("2023-01-01"), true),
            stay("Xã B", "2023-01-01", None, true),
        ],
    );
    assert_eq!(priority(&joined, on)["category"], "dien_2");
    let broken = register(
        "Kinh",
        vec![
            stay("Xã A", "2019-01-01", Some("2022-01-01"), true),
            stay("Phường C", "2022-01-01", Some("2023-06-01"), false),
            stay("Xã B", "2023-06-01", None, true),
        ],
    );
    assert_eq!(priority(&broken, on)["category"], "dien_1");
}
