//! Prefill: which form fields come from the population register (`x-prefill`), and filling
//! them from what the register answered. Once-only principle (Đề án 06, NĐ 104/2022): a
//! citizen never re-declares what the register holds.

use serde_json::{Map, Value};

/// A form field filled from the register.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PrefillField {
    /// JSON pointer into the dossier's data, e.g. `/candidate/full_name`.
    pub pointer: String,
    /// The register field, e.g. `permanent_address.text`.
    pub source: String,
    /// `Some(reason)` when the citizen may change the value (`x-prefill-editable`); the
    /// register's value is then kept beside theirs and the dossier flagged as a correction
    /// request for the clerk.
    pub editable_reason: Option<String>,
}

impl PrefillField {
    /// The top-level register field to ask for (`permanent_address` for
    /// `permanent_address.text`).
    pub fn register_field(&self) -> &str {
        self.source.split('.').next().unwrap_or(&self.source)
    }

    /// The value for this field in a register answer, if the answer has it.
    pub fn value_in<'a>(&self, answer: &'a Map<String, Value>) -> Option<&'a Value> {
        let mut parts = self.source.split('.');
        let first = answer.get(parts.next()?)?;
        parts
            .try_fold(first, |value, part| value.get(part))
            .filter(|v| !v.is_null())
    }
}

/// The fields of `form` marked `x-prefill`, reached through `properties` from the root.
pub fn prefill_fields(form: &Value) -> Vec<PrefillField> {
    let mut out = Vec::new();
    walk(form, "", &mut out);
    out
}

fn walk(schema: &Value, pointer: &str, out: &mut Vec<PrefillField>) {
    let Some(properties) = schema.get("properties").and_then(Value::as_object) else {
        return;
    };
    for (name, child) in properties {
        let child_pointer = format!("{pointer}/{}", name.replace('~', "~0").replace('/', "~1"));
        if let Some(source) = child.get("x-prefill").and_then(Value::as_str) {
            out.push(PrefillField {
                pointer: child_pointer.clone(),
                source: source.to_owned(),
                editable_reason: child
                    .get("x-prefill-editable")
                    .and_then(Value::as_str)
                    .map(str::to_owned),
            });
        }
        walk(child, &child_pointer, out);
    }
}

/// When and by which call a register answer was fetched, stamped on every value it filled.
#[derive(Debug, Clone)]
pub struct Stamp {
    /// RFC 3339.
    pub fetched_at: String,
    /// The request id sent to the register, to find the call in both sides' logs.
    pub request_id: String,
}

/// Fills `data` from a register `answer` and records each filled pointer's provenance in
/// `provenance` (pointer → `{source, fetched_at, locked, request_id}`).
///
/// A locked field takes the register's value. An editable field keeps a value the citizen
/// changed (its provenance holds the register's value beside it as `register_value`);
/// otherwise it follows the register. A field the register has no value for is left to the
/// citizen, unlocked.
pub fn fill(
    fields: &[PrefillField],
    answer: &Map<String, Value>,
    stamp: &Stamp,
    data: &mut Value,
    provenance: &mut Map<String, Value>,
) {
    for field in fields {
        let previous = provenance.remove(&field.pointer);
        let Some(value) = field.value_in(answer) else {
            continue;
        };
        let mut entry = Map::new();
        entry.insert("source".into(), Value::String(field.source.clone()));
        entry.insert("fetched_at".into(), Value::String(stamp.fetched_at.clone()));
        entry.insert(
            "locked".into(),
            Value::Bool(field.editable_reason.is_none()),
        );
        entry.insert("request_id".into(), Value::String(stamp.request_id.clone()));
        match &field.editable_reason {
            None => set_at(data, &field.pointer, value.clone()),
            Some(reason) => {
                let citizen_changed_it = previous
                    .as_ref()
                    .and_then(|p| p.get("register_value"))
                    .is_some_and(|old| data.pointer(&field.pointer) != Some(old));
                if !citizen_changed_it {
                    set_at(data, &field.pointer, value.clone());
                }
                entry.insert("register_value".into(), value.clone());
                entry.insert("editable_because".into(), Value::String(reason.clone()));
            }
        }
        provenance.insert(field.pointer.clone(), Value::Object(entry));
    }
}

/// Writes a value a named derivation computed from the register at `pointer`, locked: the
/// citizen sees it and its reasons but cannot change it.
pub fn fill_derived(
    pointer: &str,
    derivation: &str,
    value: Value,
    stamp: &Stamp,
    data: &mut Value,
    provenance: &mut Map<String, Value>,
) {
    set_at(data, pointer, value);
    let mut entry = Map::new();
    entry.insert("source".into(), Value::String(format!("rule:{derivation}")));
    entry.insert("fetched_at".into(), Value::String(stamp.fetched_at.clone()));
    entry.insert("locked".into(), Value::Bool(true));
    entry.insert("request_id".into(), Value::String(stamp.request_id.clone()));
    provenance.insert(pointer.to_owned(), Value::Object(entry));
}

/// The pointers where the citizen's value differs from the register's: a register
/// correction request for the clerk.
pub fn corrections(provenance: &Map<String, Value>, data: &Value) -> Vec<String> {
    provenance
        .iter()
        .filter_map(|(pointer, entry)| {
            let register_value = entry.get("register_value")?;
            (data.pointer(pointer) != Some(register_value)).then(|| pointer.clone())
        })
        .collect()
}

/// Sets `value` at `pointer` in `data`, creating the objects on the way.
pub fn set_at(data: &mut Value, pointer: &str, value: Value) {
    let mut target = data;
    let tokens: Vec<String> = pointer
        .split('/')
        .skip(1)
        .map(|t| t.replace("~1", "/").replace("~0", "~"))
        .collect();
    let Some((last, parents)) = tokens.split_last() else {
        *target = value;
        return;
    };
    for token in parents {
        if !target.is_object() {
            *target = Value::Object(Map::new());
        }
        let Value::Object(members) = target else {
            return;
        };
        target = members
            .entry(token.clone())
            .or_insert_with(|| Value::Object(Map::new()));
    }
    if !target.is_object() {
        *target = Value::Object(Map::new());
    }
    if let Value::Object(members) = target {
        members.insert(last.clone(), value);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn finds_nested_prefill_fields_and_fills_them() {
        let form = json!({ "type": "object", "properties": {
            "a": { "type": "object", "properties": {
                "name": { "type": "string", "x-prefill": "full_name" },
                "addr": { "type": "string", "x-prefill": "permanent_address.text", "x-prefill-editable": "moved" }
            }},
            "phone": { "type": "string" }
        }});
        let fields = prefill_fields(&form);
        assert_eq!(fields.len(), 2);
        assert_eq!(fields[1].pointer, "/a/name");
        assert_eq!(fields[0].register_field(), "permanent_address");
        assert_eq!(fields[0].editable_reason.as_deref(), Some("moved"));

        let answer = json!({ "full_name": "Lê Văn B", "permanent_address": { "text": "Hà Nội" } });
        let answer = answer.as_object().unwrap();
        let mut data = json!({});
        for f in &fields {
            set_at(&mut data, &f.pointer, f.value_in(answer).unwrap().clone());
        }
        assert_eq!(
            data,
            json!({ "a": { "name": "Lê Văn B", "addr": "Hà Nội" } })
        );
    }

    fn stamp(at: &str) -> Stamp {
        Stamp {
            fetched_at: at.into(),
            request_id: "r".into(),
        }
    }

    #[test]
    fn an_editable_field_keeps_the_citizens_value_beside_the_registers() {
        let form = json!({ "type": "object", "properties": {
            "name": { "type": "string", "x-prefill": "full_name" },
            "addr": { "type": "string", "x-prefill": "current_address.text", "x-prefill-editable": "moved recently" },
            "phone": { "type": "string" }
        }});
        let fields = prefill_fields(&form);
        let first = json!({ "full_name": "Lê Văn B", "current_address": { "text": "Cũ" } });
        let mut data = json!({ "phone": "0912345678" });
        let mut provenance = Map::new();
        fill(
            &fields,
            first.as_object().unwrap(),
            &stamp("t1"),
            &mut data,
            &mut provenance,
        );
        assert_eq!(
            data,
            json!({ "phone": "0912345678", "name": "Lê Văn B", "addr": "Cũ" })
        );
        assert_eq!(provenance["/name"]["locked"], json!(true));
        assert_eq!(provenance["/addr"]["locked"], json!(false));
        assert!(corrections(&provenance, &data).is_empty());

        data["addr"] = json!("Mới");
        assert_eq!(corrections(&provenance, &data), ["/addr"]);

        // A fresh read updates the register's side and keeps the citizen's.
        let second = json!({ "full_name": "Lê Văn Bình", "current_address": { "text": "Cũ 2" } });
        fill(
            &fields,
            second.as_object().unwrap(),
            &stamp("t2"),
            &mut data,
            &mut provenance,
        );
        assert_eq!(data["name"], json!("Lê Văn Bình"));
        assert_eq!(data["addr"], json!("Mới"));
        assert_eq!(provenance["/addr"]["register_value"], json!("Cũ 2"));
        assert_eq!(provenance["/name"]["fetched_at"], json!("t2"));
        assert_eq!(corrections(&provenance, &data), ["/addr"]);
    }

    #[test]
    fn a_value_the_register_lacks_is_left_to_the_citizen() {
        let form = json!({ "type": "object", "properties": {
            "hometown": { "type": "string", "x-prefill": "hometown" }
        }});
        let mut data = json!({});
        let mut provenance = Map::new();
        let answer = json!({ "hometown": null });
        fill(
            &prefill_fields(&form),
            answer.as_object().unwrap(),
            &stamp("t"),
            &mut data,
            &mut provenance,
        );
        assert_eq!(data, json!({}));
        assert!(provenance.is_empty());
    }
}
