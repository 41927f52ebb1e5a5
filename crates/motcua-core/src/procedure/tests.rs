use super::*;
use serde_json::json;

const THPT: &str = include_str!("../../../../procedures/1.005142.json");
const DIPLOMA_COPY: &str = include_str!("../../../../procedures/3.000465.json");
const CORRECTION: &str = include_str!("../../../../procedures/3.000466.json");
const RECOGNITION: &str = include_str!("../../../../procedures/1.004889.json");

fn broken(change: impl FnOnce(&mut Value)) -> Vec<Problem> {
    let mut spec: Value = serde_json::from_str(DIPLOMA_COPY).unwrap();
    change(&mut spec);
    Procedure::parse("broken.json", &spec.to_string()).unwrap_err()
}

fn pointers(problems: &[Problem]) -> Vec<&str> {
    problems.iter().map(|p| p.pointer.as_str()).collect()
}

#[test]
fn the_shipped_procedures_load() {
    for (name, text) in [
        ("3.000466.json", CORRECTION),
        ("1.004889.json", RECOGNITION),
    ] {
        Procedure::parse(name, text).unwrap_or_else(|e| panic!("{e:?}"));
    }
    for (name, text) in [("1.005142.json", THPT), ("3.000465.json", DIPLOMA_COPY)] {
        let p = Procedure::parse(name, text).unwrap_or_else(|e| panic!("{e:?}"));
        assert_eq!(p.initial_state(), "submitted");
        assert_eq!(p.portal_status("submitted"), Some(1));
        assert_eq!(
            p.receiving_agency(&json!({ "receiving_agency": "SGDDT-HN" })),
            "SGDDT-HN"
        );
    }
    let thpt = Procedure::parse("1.005142.json", THPT).unwrap();
    assert_eq!(
        thpt.receiving_agency(&json!({ "receiving_agency": "THPT-HN-YENHOA" })),
        "THPT-HN-YENHOA",
        "the candidate's registration unit receives the dossier"
    );
}

#[test]
fn an_unreachable_state_is_named() {
    let problems =
        broken(|s| s["workflow"]["states"]["limbo"] = json!({ "status": 4, "final": true }));
    assert!(
        pointers(&problems).contains(&"/workflow/states/limbo"),
        "{problems:?}"
    );
}

#[test]
fn a_state_that_cannot_finish_is_named() {
    let problems = broken(|s| {
        s["workflow"]["states"]["stuck"] = json!({ "status": 4 });
        s["workflow"]["actions"][0]["to"] = json!("stuck");
    });
    assert!(
        problems
            .iter()
            .any(|p| p.pointer == "/workflow/states/stuck" && p.message.contains("no final")),
        "{problems:?}"
    );
}

#[test]
fn an_unknown_role_is_named() {
    let problems = broken(|s| s["workflow"]["actions"][2]["roles"] = json!(["janitor"]));
    assert!(
        pointers(&problems).contains(&"/workflow/actions/2/roles/0"),
        "{problems:?}"
    );
}

#[test]
fn an_action_to_a_missing_state_is_named() {
    let problems =
        broken(|s| s["workflow"]["actions"][1]["from"] = json!(["submitted", "nowhere"]));
    assert!(
        pointers(&problems).contains(&"/workflow/actions/1/from/1"),
        "{problems:?}"
    );
}

#[test]
fn a_form_that_does_not_compile_is_named() {
    let problems = broken(|s| s["form"]["properties"]["copies"]["type"] = json!("integr"));
    assert!(
        problems.iter().any(|p| p.pointer.starts_with("/form")),
        "{problems:?}"
    );
}

#[test]
fn shares_over_the_limit_are_refused() {
    let problems = broken(|s| s["workflow"]["states"]["processing"]["share"] = json!(0.9));
    assert!(
        problems.iter().any(|p| p.message.contains("shares")),
        "{problems:?}"
    );
}

#[test]
fn prefill_must_name_a_register_field_and_sensitive_ones_a_purpose() {
    let problems = broken(|s| {
        s["form"]["properties"]["applicant"]["properties"]["phone"]["x-prefill"] =
            json!("shoe_size");
        s["form"]["properties"]["applicant"]["properties"]["email"]["x-prefill"] =
            json!("religion");
    });
    assert!(
        pointers(&problems).contains(&"/form/properties/applicant/properties/phone/x-prefill"),
        "{problems:?}"
    );
    assert!(
        pointers(&problems).contains(&"/register_purpose"),
        "{problems:?}"
    );
}

#[test]
fn invalid_json_says_where() {
    let problems = Procedure::parse("x.json", "{\n  \"code\": ").unwrap_err();
    assert!(problems[0].message.contains("line 2"), "{problems:?}");
}

#[test]
fn drafts_may_be_incomplete_but_must_be_well_typed() {
    let p = Procedure::parse("3.000465.json", DIPLOMA_COPY).unwrap();
    assert!(p.validate_draft(&json!({})).is_empty());
    let wrong = json!({ "copies": "two", "applicant": { "phone": "12" } });
    let draft_errors = p.validate_draft(&wrong);
    assert_eq!(
        draft_errors
            .iter()
            .map(|e| e.pointer.as_str())
            .collect::<Vec<_>>(),
        ["/applicant/phone", "/copies"]
    );
    let submit_errors = p.validate_submission(&wrong);
    let all: Vec<&str> = submit_errors.iter().map(|e| e.pointer.as_str()).collect();
    for pointer in [
        "/applicant/phone",
        "/copies",
        "/applicant/pin",
        "/diploma",
        "/relationship",
    ] {
        assert!(all.contains(&pointer), "{pointer} missing from {all:?}");
    }
}

#[test]
fn the_opening_window_is_respected() {
    let mut spec: Value = serde_json::from_str(THPT).unwrap();
    spec["open"] =
        json!({ "from": "2026-04-21T00:00:00+07:00", "until": "2026-04-28T17:00:00+07:00" });
    let p = Procedure::parse("w.json", &spec.to_string()).unwrap();
    let at = |s: &str| DateTime::parse_from_rfc3339(s).unwrap().to_utc();
    assert!(p.is_open_at(at("2026-04-28T16:59:00+07:00")));
    assert!(!p.is_open_at(at("2026-04-28T17:01:00+07:00")));
    assert!(!p.is_open_at(at("2026-04-20T23:59:00+07:00")));
}

#[test]
fn once_only_a_register_datum_must_be_prefilled() {
    let problems = broken(|s| {
        s["form"]["properties"]["applicant"]["properties"]["full_name"] =
            json!({ "type": "string" });
    });
    assert!(
        problems
            .iter()
            .any(|p| p.pointer == "/form/applicant/full_name" && p.message.contains("x-prefill")),
        "{problems:?}"
    );
}

#[test]
fn once_only_no_household_book_except_as_fallback() {
    let household_book = json!({
        "key": "so-ho-khau", "name": "Bản sao sổ hộ khẩu", "required": true,
        "purpose": "Xác định nơi cư trú khi không tra cứu được CSDL dân cư.",
        "accept": ["application/pdf"], "max_bytes": 1000, "must_digitise": true
    });
    let problems = broken(|s| {
        s["documents"]
            .as_array_mut()
            .unwrap()
            .push(household_book.clone())
    });
    assert!(
        problems
            .iter()
            .any(|p| p.pointer.starts_with("/documents/") && p.message.contains("household book")),
        "{problems:?}"
    );
    let mut fallback = household_book;
    fallback["fallback"] = json!(true);
    let mut spec: Value = serde_json::from_str(DIPLOMA_COPY).unwrap();
    spec["documents"].as_array_mut().unwrap().push(fallback);
    assert!(Procedure::parse("ok.json", &spec.to_string()).is_ok());
}

#[test]
fn the_register_is_asked_only_for_the_procedures_fields() {
    let p = Procedure::parse("1.005142.json", THPT).unwrap();
    assert_eq!(
        p.register_fields(),
        [
            "birth_date",
            "birth_place",
            "ethnicity",
            "full_name",
            "nationality",
            "permanent_address",
            "pin",
            "residence_history",
            "sex"
        ]
    );
    assert!((p.prefill_coverage() - 1.0).abs() < 1e-9);
}

fn broken_thpt(change: impl FnOnce(&mut Value)) -> Vec<Problem> {
    let mut spec: Value = serde_json::from_str(THPT).unwrap();
    change(&mut spec);
    Procedure::parse("broken.json", &spec.to_string()).unwrap_err()
}

fn untitled(schema: &mut Value) {
    schema.as_object_mut().unwrap().remove("title");
}

#[test]
fn a_field_without_a_title_is_named_by_its_pointer() {
    let problems =
        broken(|s| untitled(&mut s["form"]["properties"]["applicant"]["properties"]["phone"]));
    assert_eq!(
        pointers(&problems),
        ["/form/properties/applicant/properties/phone"],
        "{problems:?}"
    );
    assert!(problems[0].message.contains("title"), "{problems:?}");

    // In a definition a `$ref` points to, in a list's items, and a blank title.
    let problems = broken_thpt(|s| {
        untitled(&mut s["form"]["$defs"]["school"]["properties"]["school_code"]);
        untitled(&mut s["form"]["properties"]["kept_scores"]["items"]["properties"]["year"]);
        s["form"]["properties"]["schooling"]["properties"]["grade10"]["title"] = json!("  ");
    });
    let mut named = pointers(&problems);
    named.sort_unstable();
    assert_eq!(
        named,
        [
            "/form/$defs/school/properties/school_code",
            "/form/properties/kept_scores/items/properties/year",
            "/form/properties/schooling/properties/grade10",
        ],
        "{problems:?}"
    );
}

#[test]
fn a_field_a_condition_adds_needs_a_title_one_it_restates_does_not() {
    let problems = broken(|s| {
        s["form"]["allOf"] = json!([{
            "if": { "properties": { "relationship": { "const": "heir" } } },
            "then": { "properties": {
                "relationship": { "const": "heir" },
                "death_year": { "type": "integer" } } }
        }]);
    });
    assert_eq!(
        pointers(&problems),
        ["/form/allOf/0/then/properties/death_year"],
        "{problems:?}"
    );
}

#[test]
fn an_enum_needs_a_label_for_each_value_and_none_for_others() {
    let problems = broken(|s| {
        s["form"]["properties"]["relationship"]
            .as_object_mut()
            .unwrap()
            .remove("x-enum-titles");
    });
    assert_eq!(
        pointers(&problems),
        ["/form/properties/relationship"],
        "{problems:?}"
    );
    assert!(
        problems[0].message.contains("x-enum-titles"),
        "{problems:?}"
    );

    let problems = broken(|s| {
        let labels = &mut s["form"]["properties"]["delivery"]["x-enum-titles"];
        labels.as_object_mut().unwrap().remove("post");
        labels["pigeon"] = json!("Bồ câu đưa thư");
    });
    let mut named: Vec<(&str, &str)> = problems
        .iter()
        .map(|p| (p.pointer.as_str(), p.message.as_str()))
        .collect();
    named.sort_unstable();
    assert_eq!(named.len(), 2, "{problems:?}");
    assert_eq!(named[0].0, "/form/properties/delivery/x-enum-titles");
    assert!(named[0].1.contains("\"post\""), "{problems:?}");
    assert_eq!(named[1].0, "/form/properties/delivery/x-enum-titles/pigeon");

    // A list of choices is labelled on its items.
    let problems = broken_thpt(|s| {
        s["form"]["properties"]["subjects"]["properties"]["electives"]["items"]
            .as_object_mut()
            .unwrap()
            .remove("x-enum-titles");
    });
    assert_eq!(
        pointers(&problems),
        ["/form/properties/subjects/properties/electives/items"],
        "{problems:?}"
    );
}

#[test]
fn what_a_citizen_reads_before_starting_is_required() {
    let problems = broken(|s| {
        let spec = s.as_object_mut().unwrap();
        spec.remove("summary");
        spec.remove("who_may_apply");
        s["documents"][1].as_object_mut().unwrap().remove("purpose");
    });
    let mut named = pointers(&problems);
    named.sort_unstable();
    assert_eq!(
        named,
        ["/documents/1/purpose", "/summary", "/who_may_apply"],
        "{problems:?}"
    );
}

#[test]
fn a_version_recorded_before_the_words_still_loads_as_recorded() {
    let mut spec: Value = serde_json::from_str(DIPLOMA_COPY).unwrap();
    spec.as_object_mut().unwrap().remove("summary");
    untitled(&mut spec["form"]["properties"]["copies"]);
    let text = spec.to_string();
    assert!(Procedure::parse("folder.json", &text).is_err());
    let recorded = Procedure::parse_recorded("recorded", &text).unwrap();
    assert_eq!(recorded.field_title("/copies"), None);
    // Anything else wrong is still refused.
    spec["workflow"]["initial"] = json!("nowhere");
    assert!(Procedure::parse_recorded("recorded", &spec.to_string()).is_err());
}

#[test]
fn titles_and_labels_are_read_by_data_pointer() {
    let copy = Procedure::parse("3.000465.json", DIPLOMA_COPY).unwrap();
    assert_eq!(copy.field_title("/applicant/phone"), Some("Số điện thoại"));
    assert_eq!(
        copy.choice_title("/relationship", &json!("parent")),
        Some("Cha, mẹ")
    );
    assert_eq!(copy.choice_title("/relationship", &json!("cousin")), None);
    assert_eq!(copy.field_title("/nothing/here"), None);
    let thpt = Procedure::parse("1.005142.json", THPT).unwrap();
    assert_eq!(
        thpt.field_title("/schooling/grade10"),
        Some("Trường học lớp 10")
    );
    assert_eq!(
        thpt.field_title("/schooling/grade10/school_code"),
        Some("Mã trường"),
        "through the $ref"
    );
    assert_eq!(
        thpt.field_title("/kept_scores/0/score"),
        Some("Điểm bảo lưu")
    );
    assert_eq!(
        thpt.choice_title("/subjects/electives", &json!("vat_li")),
        Some("Vật lí")
    );
}

#[test]
fn a_result_may_be_required_to_be_signed_and_nothing_but_a_boolean_says_so() {
    let copy = Procedure::parse("3.000465.json", DIPLOMA_COPY).unwrap();
    assert!(
        !copy.spec().result.must_be_signed,
        "off unless the file says so"
    );
    let mut spec: Value = serde_json::from_str(DIPLOMA_COPY).unwrap();
    spec["result"]["must_be_signed"] = json!(true);
    let signed = Procedure::parse("signed.json", &spec.to_string()).unwrap();
    assert!(signed.spec().result.must_be_signed);
    let problems = broken(|spec| spec["result"]["must_be_signed"] = json!("yes"));
    assert_eq!(pointers(&problems), ["/result/must_be_signed"]);
}
