//! A shipped procedure, a draft and an arbitrary JSON Merge Patch: the patch is applied
//! with `merge_patch::apply` as `PATCH /v1/dossiers/{id}` does, then the data is checked
//! the way that handler (the draft schema) and submission (`form_problems`: the whole
//! form, then the named rules on the day of registration) check it. No panic, and:
//! - a merge patch is idempotent: applying it again changes nothing;
//! - an object patch leaves an object, without the members it sets to null and with the
//!   scalars and arrays it sets;
//! - data a submission accepts is accepted as a draft (the draft schema only drops
//!   requirements);
//! - every problem is at a JSON pointer, so clients can place it beside its field.
//!
//! Input: byte 0 picks the procedure, byte 1 the starting draft, bytes 2–3 the day of
//! registration, byte 4 how the patch is read (even: the rest is JSON text; odd: a patch
//! built from the bytes with the form's own member names, which reaches deeper).
#![no_main]

use arbitrary::{Result, Unstructured};
use chrono::{Duration, NaiveDate};
use libfuzzer_sys::fuzz_target;
use motcua_core::merge_patch;
use motcua_core::procedure::Procedure;
use serde_json::{Map, Number, Value};
use std::sync::OnceLock;

const FILES: &[(&str, &str)] = &[
    (
        "1.004889.json",
        include_str!("../../procedures/1.004889.json"),
    ),
    (
        "1.005142.json",
        include_str!("../../procedures/1.005142.json"),
    ),
    (
        "3.000465.json",
        include_str!("../../procedures/3.000465.json"),
    ),
    (
        "3.000466.json",
        include_str!("../../procedures/3.000466.json"),
    ),
];

/// A complete THPT registration, as the black-box suite submits it.
const THPT_VALID: &str = include_str!("../../tests/fixtures/thpt_valid.json");

struct Loaded {
    procedure: Procedure,
    /// Every member name of the form schema, to build patches that hit real fields.
    names: Vec<String>,
}

fn loaded() -> &'static [Loaded] {
    static LOADED: OnceLock<Vec<Loaded>> = OnceLock::new();
    LOADED.get_or_init(|| {
        FILES
            .iter()
            .map(|(name, text)| {
                let procedure = Procedure::parse(name, text)
                    .unwrap_or_else(|e| panic!("{name} does not load: {e:?}"));
                let mut names = Vec::new();
                member_names(&procedure.spec().form, &mut names);
                names.sort();
                names.dedup();
                Loaded { procedure, names }
            })
            .collect()
    })
}

fn member_names(schema: &Value, names: &mut Vec<String>) {
    match schema {
        Value::Object(members) => {
            for (key, value) in members {
                if key == "properties" {
                    if let Value::Object(props) = value {
                        names.extend(props.keys().cloned());
                    }
                }
                if key == "enum" || key == "const" {
                    collect_strings(value, names);
                }
                member_names(value, names);
            }
        }
        Value::Array(items) => items.iter().for_each(|v| member_names(v, names)),
        _ => {}
    }
}

fn collect_strings(value: &Value, names: &mut Vec<String>) {
    match value {
        Value::String(s) => names.push(s.clone()),
        Value::Array(items) => items.iter().for_each(|v| collect_strings(v, names)),
        _ => {}
    }
}

fuzz_target!(|data: &[u8]| {
    let _ = run(&mut Unstructured::new(data));
});

fn run(u: &mut Unstructured) -> Result<()> {
    let all = loaded();
    let target = &all[usize::from(u.arbitrary::<u8>()?) % all.len()];
    let mut draft = match u.arbitrary::<u8>()? % 3 {
        0 => Value::Object(Map::new()),
        1 => serde_json::from_str(THPT_VALID).expect("the fixture is JSON"),
        // A draft already patched once: two patches in a row.
        _ => {
            let mut d = Value::Object(Map::new());
            merge_patch::apply(&mut d, &value(u, &target.names, 4)?);
            d
        }
    };
    let day_offset = u.arbitrary::<u16>()?;
    let on = NaiveDate::from_ymd_opt(2025, 1, 1).expect("a real day")
        + Duration::days(i64::from(day_offset % 1200));
    let patch = if u.arbitrary::<u8>()?.is_multiple_of(2) {
        let Ok(patch) = serde_json::from_slice::<Value>(u.bytes(u.len())?) else {
            return Ok(());
        };
        patch
    } else {
        value(u, &target.names, 6)?
    };
    merge_patch::apply(&mut draft, &patch);
    check_patch_result(&draft, &patch);
    let mut again = draft.clone();
    merge_patch::apply(&mut again, &patch);
    assert_eq!(
        again, draft,
        "a merge patch applied twice differs from once"
    );

    let procedure = &target.procedure;
    let draft_errors = procedure.validate_draft(&draft);
    let submission_errors = procedure.validate_submission(&draft);
    let violations = procedure.check_rules(&draft, on);
    for pointer in draft_errors
        .iter()
        .map(|e| &e.pointer)
        .chain(submission_errors.iter().map(|e| &e.pointer))
        .chain(violations.iter().map(|v| &v.pointer))
    {
        assert!(
            pointer.is_empty() || pointer.starts_with('/'),
            "not a JSON pointer: {pointer:?}"
        );
    }
    if submission_errors.is_empty() {
        assert!(
            draft_errors.is_empty(),
            "{}: complete data refused as a draft: {draft_errors:?}\n{draft}",
            procedure.code()
        );
    }
    let agency = procedure.receiving_agency(&draft);
    assert!(
        procedure.spec().agencies.iter().any(|a| a.id == agency),
        "the receiving agency {agency} is one of the procedure's"
    );
    Ok(())
}

/// What RFC 7396 promises about the members an object patch names.
fn check_patch_result(result: &Value, patch: &Value) {
    let Value::Object(members) = patch else {
        assert_eq!(result, patch, "a non-object patch replaces the target");
        return;
    };
    let Value::Object(result) = result else {
        panic!("an object patch gave a non-object: {result}");
    };
    for (name, value) in members {
        match value {
            Value::Null => assert!(!result.contains_key(name), "{name} was not removed"),
            Value::Object(_) => check_patch_result(result.get(name).unwrap_or(&Value::Null), value),
            _ => assert_eq!(result.get(name), Some(value), "{name} was not replaced"),
        }
    }
}

/// A JSON value from the fuzzer's bytes, its member names and strings mostly the form's own.
fn value(u: &mut Unstructured, names: &[String], depth: u32) -> Result<Value> {
    let kind = if depth == 0 {
        u.int_in_range(0..=4)?
    } else {
        u.int_in_range(0..=6)?
    };
    Ok(match kind {
        0 => Value::Null,
        1 => Value::Bool(u.arbitrary()?),
        2 => match u.int_in_range(0..=2)? {
            0 => Value::Number(Number::from(u.arbitrary::<i64>()?)),
            1 => Value::Number(Number::from(u.int_in_range(0..=2100)?)),
            _ => Number::from_f64(u.arbitrary()?).map_or(Value::Null, Value::Number),
        },
        3 => Value::String(text(u, names)?),
        4 => Value::String(u.arbitrary::<String>()?),
        5 => {
            let len = u.int_in_range(0..=4)?;
            Value::Array(
                (0..len)
                    .map(|_| value(u, names, depth - 1))
                    .collect::<Result<_>>()?,
            )
        }
        _ => {
            let len = u.int_in_range(0..=6)?;
            let mut members = Map::new();
            for _ in 0..len {
                members.insert(name(u, names)?, value(u, names, depth - 1)?);
            }
            Value::Object(members)
        }
    })
}

fn name(u: &mut Unstructured, names: &[String]) -> Result<String> {
    if names.is_empty() || u.ratio(1, 8)? {
        u.arbitrary()
    } else {
        Ok(u.choose(names)?.clone())
    }
}

/// Strings that forms check: a member name or enum value, a date, a phone number, a PIN.
fn text(u: &mut Unstructured, names: &[String]) -> Result<String> {
    Ok(match u.int_in_range(0..=4)? {
        0 => name(u, names)?,
        1 => format!(
            "{:04}-{:02}-{:02}",
            u.int_in_range(1900..=2100)?,
            u.int_in_range(0..=13)?,
            u.int_in_range(0..=32)?
        ),
        2 => format!("09{:08}", u.int_in_range(0..=99_999_999)?),
        3 => format!("{:012}", u.int_in_range(0..=999_999_999_999u64)?),
        _ => format!("{}@example.vn", name(u, names)?),
    })
}
