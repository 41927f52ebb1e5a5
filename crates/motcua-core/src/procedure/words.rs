//! The words a person reads in a procedure: every form field's Vietnamese `title`, every
//! `enum` value's label (`x-enum-titles`), the summary, who may apply and why each document
//! is asked for. `procedures check` refuses a file that lacks them, naming each place by its
//! JSON pointer; the pages and the API's Vietnamese messages label fields with them.
//!
//! Labels sit beside the `enum` in a keyword of their own, keyed by value, rather than as
//! `oneOf` of `const`s with titles: the form's validation and its messages stay those of a
//! plain `enum`, and the labels cannot change what is valid.

use super::form;
use super::spec::ProcedureSpec;
use super::Problem;
use serde_json::{Map, Value};

/// The keyword that labels an `enum`'s values.
pub const ENUM_TITLES: &str = "x-enum-titles";

/// Applicators whose subschemas describe the same object as their parent: a property they
/// declare is a field of the form unless the parent declares it. `if` and `not` are
/// conditions, not fields, and are left alone.
const SAME_OBJECT: &[&str] = &["allOf", "anyOf", "oneOf"];
const SAME_OBJECT_ONE: &[&str] = &["then", "else"];

/// Every missing or inconsistent word of `spec`, each at its pointer in the file.
pub(super) fn check(source: &str, spec: &ProcedureSpec) -> Vec<Problem> {
    let mut problems = Vec::new();
    let mut problem = |pointer: String, message: String| {
        problems.push(Problem {
            source: source.to_owned(),
            pointer,
            message,
        })
    };
    if spec.summary.as_deref().is_none_or(|s| s.trim().is_empty()) {
        problem(
            "/summary".into(),
            "no summary: say in Vietnamese what the procedure is for, as a citizen reads it \
             before starting"
                .into(),
        );
    }
    if spec.who_may_apply.iter().all(|w| w.trim().is_empty()) {
        problem(
            "/who_may_apply".into(),
            "no one may apply: list in Vietnamese who may (one line each)".into(),
        );
    }
    for (i, doc) in spec.documents.iter().enumerate() {
        if doc.purpose.as_deref().is_none_or(|p| p.trim().is_empty()) {
            problem(
                format!("/documents/{i}/purpose"),
                format!(
                    "document {:?} does not say why it is needed: give its purpose in Vietnamese",
                    doc.key
                ),
            );
        }
    }
    let mut found = Vec::new();
    fields(&spec.form, "/form", &[], &mut found);
    for (pointer, message) in found {
        problem(pointer, message);
    }
    problems
}

/// The problems of the fields declared under `schema` (at `pointer` in the file). `above`:
/// the properties the object `schema` describes already has, declared by the schemas it is
/// applied with (`allOf`, `then`…).
fn fields(schema: &Value, pointer: &str, above: &[&str], out: &mut Vec<(String, String)>) {
    let Some(members) = schema.as_object() else {
        return;
    };
    labels(members, pointer, out);
    if let Some(Value::Object(properties)) = members.get("properties") {
        for (name, field) in properties {
            let here = format!("{pointer}/properties/{}", form::escape(name));
            titled(field, &here, out);
            fields(field, &here, &[], out);
        }
    }
    if let Some(items) = members.get("items") {
        fields(items, &format!("{pointer}/items"), &[], out);
    }
    if let Some(Value::Object(defs)) = members.get("$defs") {
        for (name, def) in defs {
            fields(
                def,
                &format!("{pointer}/$defs/{}", form::escape(name)),
                &[],
                out,
            );
        }
    }
    let mut declared: Vec<&str> = above.to_vec();
    if let Some(Value::Object(properties)) = members.get("properties") {
        declared.extend(properties.keys().map(String::as_str));
    }
    let mut same_object: Vec<(String, &Value)> = Vec::new();
    for keyword in SAME_OBJECT {
        if let Some(Value::Array(subs)) = members.get(*keyword) {
            same_object.extend(
                subs.iter()
                    .enumerate()
                    .map(|(i, s)| (format!("{pointer}/{keyword}/{i}"), s)),
            );
        }
    }
    for keyword in SAME_OBJECT_ONE {
        if let Some(sub) = members.get(*keyword) {
            same_object.push((format!("{pointer}/{keyword}"), sub));
        }
    }
    for (at, sub) in same_object {
        // Only what the parent does not declare is a new field; a restatement of a declared
        // one (a narrower `enum`, a `required`) needs no second title.
        let mut inner = Vec::new();
        fields(sub, &at, &declared, &mut inner);
        let prefix = format!("{at}/properties/");
        out.extend(inner.into_iter().filter(|(p, _)| {
            p.strip_prefix(&prefix)
                .map(|rest| rest.split('/').next().unwrap_or(rest))
                .is_none_or(|name| {
                    let name = name.replace("~1", "/").replace("~0", "~");
                    !declared.contains(&name.as_str())
                })
        }));
    }
}

/// A field has a non-empty `title`.
fn titled(field: &Value, pointer: &str, out: &mut Vec<(String, String)>) {
    let title = field.get("title").and_then(Value::as_str);
    if title.is_none_or(|t| t.trim().is_empty()) {
        out.push((
            pointer.to_owned(),
            "this field has no \"title\": give it its Vietnamese label, as a citizen reads it"
                .into(),
        ));
    }
}

/// An `enum` has a label for each value and none for a value it does not have.
fn labels(schema: &Map<String, Value>, pointer: &str, out: &mut Vec<(String, String)>) {
    let titles = schema.get(ENUM_TITLES);
    let Some(Value::Array(values)) = schema.get("enum") else {
        if titles.is_some() {
            out.push((
                format!("{pointer}/{ENUM_TITLES}"),
                "labels without an \"enum\" beside them".into(),
            ));
        }
        return;
    };
    let Some(Value::Object(titles)) = titles else {
        out.push((
            pointer.to_owned(),
            format!(
                "this \"enum\" has no \"{ENUM_TITLES}\": give each value its Vietnamese label, \
                 by the value"
            ),
        ));
        return;
    };
    let keys: Vec<String> = values.iter().map(value_key).collect();
    for key in &keys {
        let label = titles.get(key).and_then(Value::as_str);
        if label.is_none_or(|l| l.trim().is_empty()) {
            out.push((
                format!("{pointer}/{ENUM_TITLES}"),
                format!("the value {key:?} has no label"),
            ));
        }
    }
    for key in titles.keys() {
        if !keys.contains(key) {
            out.push((
                format!("{pointer}/{ENUM_TITLES}/{}", form::escape(key)),
                format!("a label for {key:?}, which the \"enum\" does not have"),
            ));
        }
    }
}

/// How an `enum` value is named in `x-enum-titles`: a string as it is, anything else as
/// its JSON text (`2`, `true`).
pub fn value_key(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// The title of the field at data pointer `pointer` (`/applicant/phone`) of `form`.
pub fn title<'f>(form: &'f Value, pointer: &str) -> Option<&'f str> {
    let field = form::field_at(form, pointer)?;
    // A `$ref`'s own title first (`grade10` of a shared `school`), then its target's.
    [field, form::resolve(form, field)]
        .into_iter()
        .find_map(|schema| schema.get("title").and_then(Value::as_str))
}

/// The label of `value` in the field at `pointer`: the field's own `enum`, or its items'
/// (a list of choices).
pub fn choice_title<'f>(form: &'f Value, pointer: &str, value: &Value) -> Option<&'f str> {
    let field = form::schema_at(form, pointer)?;
    let labelled = if field.get("enum").is_some() {
        field
    } else {
        form::resolve(form, field.get("items")?)
    };
    labelled
        .get(ENUM_TITLES)?
        .get(value_key(value))
        .and_then(Value::as_str)
}
