//! The dossier form: JSON Schema 2020-12, compiled once when the procedure is loaded.

use super::FieldError;
use jsonschema::error::ValidationErrorKind;
use jsonschema::{Draft, ValidationError, Validator};
use serde_json::Value;

/// Compiles a form schema (formats such as `email` and `date` are checked, as citizens
/// expect; external `$ref`s are never fetched).
pub fn compile(schema: &Value) -> Result<Validator, ValidationError<'static>> {
    jsonschema::options()
        .with_draft(Draft::Draft202012)
        .should_validate_formats(true)
        .build(schema)
}

/// The draft version of a form: the same schema with every `required` removed, so that a
/// draft may be incomplete while the fields it has are still checked.
pub fn draft_schema(schema: &Value) -> Value {
    let mut draft = schema.clone();
    strip_requirements(&mut draft);
    draft
}

/// Keywords whose value is one subschema, a map of subschemas, or a list of them.
const ONE: &[&str] = &[
    "additionalProperties",
    "items",
    "not",
    "if",
    "then",
    "else",
    "contains",
    "propertyNames",
    "unevaluatedProperties",
    "unevaluatedItems",
];
const MAP: &[&str] = &[
    "properties",
    "patternProperties",
    "$defs",
    "definitions",
    "dependentSchemas",
];
const LIST: &[&str] = &["allOf", "anyOf", "oneOf", "prefixItems"];

fn strip_requirements(schema: &mut Value) {
    let Value::Object(members) = schema else {
        return;
    };
    members.remove("required");
    members.remove("dependentRequired");
    members.remove("minProperties");
    for keyword in ONE {
        if let Some(sub) = members.get_mut(*keyword) {
            strip_requirements(sub);
        }
    }
    for keyword in MAP {
        if let Some(Value::Object(subs)) = members.get_mut(*keyword) {
            subs.values_mut().for_each(strip_requirements);
        }
    }
    for keyword in LIST {
        if let Some(Value::Array(subs)) = members.get_mut(*keyword) {
            subs.iter_mut().for_each(strip_requirements);
        }
    }
}

/// Every failure of `data` against `validator`, each at the pointer of the field concerned:
/// a missing required member is reported at the member's own pointer.
pub fn validate(validator: &Validator, data: &Value) -> Vec<FieldError> {
    let mut errors: Vec<FieldError> = validator
        .iter_errors(data)
        .map(|e| {
            let at = e.instance_path().as_str().to_owned();
            match e.kind() {
                ValidationErrorKind::Required { property } => {
                    let name = property
                        .as_str()
                        .map(str::to_owned)
                        .unwrap_or_else(|| property.to_string());
                    FieldError {
                        pointer: format!("{at}/{}", escape(&name)),
                        message: "required".to_owned(),
                    }
                }
                _ => FieldError {
                    pointer: at,
                    message: e.to_string(),
                },
            }
        })
        .collect();
    errors.sort_by(|a, b| a.pointer.cmp(&b.pointer));
    errors.dedup_by(|a, b| a.pointer == b.pointer && a.message == b.message);
    errors
}

/// RFC 6901 escaping of one reference token of a JSON pointer.
pub fn escape(token: &str) -> String {
    token.replace('~', "~0").replace('/', "~1")
}

/// A `$ref` inside the form (`#/$defs/…`), followed; anything else as it is.
pub fn resolve<'s>(root: &'s Value, schema: &'s Value) -> &'s Value {
    match schema.get("$ref").and_then(Value::as_str) {
        Some(reference) => reference
            .strip_prefix('#')
            .and_then(|pointer| root.pointer(pointer))
            .unwrap_or(schema),
        None => schema,
    }
}

/// The schema of the field at data pointer `pointer` (`/applicant/phone`, `/kept_scores/0`)
/// of `form`, following `$ref`s; `None` when the form has no field there.
pub fn schema_at<'s>(form: &'s Value, pointer: &str) -> Option<&'s Value> {
    field_at(form, pointer).map(|field| resolve(form, field))
}

/// The field at data pointer `pointer` as its parent declares it: a `$ref` is not followed,
/// so that what sits beside it (its `title`) is read.
pub fn field_at<'s>(form: &'s Value, pointer: &str) -> Option<&'s Value> {
    let mut schema = form;
    for token in pointer.split('/').skip(1) {
        let token = token.replace("~1", "/").replace("~0", "~");
        schema = resolve(form, schema);
        schema = match schema.get("properties").and_then(|p| p.get(&token)) {
            Some(sub) => sub,
            // An index of a list: its items' schema.
            None if token.parse::<usize>().is_ok() => schema.get("items")?,
            None => return None,
        };
    }
    Some(schema)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn draft_schema_keeps_types_and_drops_requirements() {
        let schema = json!({
            "type": "object", "required": ["a"],
            "properties": {
                "a": { "type": "object", "required": ["b"], "properties": { "b": { "type": "integer" } } },
                "required": { "type": "string" }
            }
        });
        let draft = draft_schema(&schema);
        assert_eq!(
            draft["properties"]["required"],
            json!({ "type": "string" }),
            "a field named required stays"
        );
        assert!(draft.get("required").is_none());
        assert!(draft["properties"]["a"].get("required").is_none());
        let v = compile(&draft).unwrap();
        assert!(validate(&v, &json!({})).is_empty());
        assert_eq!(
            validate(&v, &json!({ "a": { "b": "x" } }))[0].pointer,
            "/a/b"
        );
    }
}
