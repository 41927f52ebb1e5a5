//! A procedure's form, its JSON Schema, as the fields of an HTML form (the console's counter
//! and the citizen portal); and a posted form back into a JSON Merge Patch of the dossier's
//! data (what the API's PATCH takes). Each input is named by its JSON pointer
//! (`/applicant/phone`, `/kept_scores/0/year`), so that a problem the engine reports at a
//! pointer lands beside its input.
//!
//! Only what a person types is an input: values the register filled and locked are shown,
//! never posted (the use case refuses to change them anyway). Nothing here judges a value:
//! a text that does not read as its field's type is sent as text, and the engine's own
//! validation says why it is refused.

use chrono::NaiveDate;
use motcua_core::procedure::form::resolve;
use serde_json::{Map, Value};

/// What an input takes.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Kind<'s> {
    Text,
    Email,
    /// A date, typed `dd/mm/yyyy`, kept as `YYYY-MM-DD`.
    Date,
    Integer,
    Number,
    Boolean,
    /// One of the schema's `enum` values.
    Choice(&'s [Value]),
    /// Several of an array's `enum` items.
    Choices(&'s [Value]),
    /// A list of texts, one a line.
    Lines,
    /// Not typed in a form (a list of lists).
    Unsupported,
}

/// A group of fields (an object of the schema) or one input.
#[derive(Debug)]
pub enum Node<'s> {
    Group {
        pointer: String,
        key: String,
        children: Vec<Node<'s>>,
    },
    Input(Input<'s>),
    /// A list of objects (the THPT exam's kept scores): a row of inputs per item.
    List {
        pointer: String,
        key: String,
        /// The items' schema.
        items: &'s Value,
        root: &'s Value,
    },
}

impl<'s> Node<'s> {
    pub fn pointer(&self) -> &str {
        match self {
            Node::Group { pointer, .. } | Node::List { pointer, .. } => pointer,
            Node::Input(input) => &input.pointer,
        }
    }

    /// The inputs of row `index` of a list (none for other nodes).
    pub fn row(&self, index: usize) -> Vec<Node<'s>> {
        match self {
            Node::List {
                pointer,
                items,
                root,
                ..
            } => children(root, items, &format!("{pointer}/{index}")),
            _ => Vec::new(),
        }
    }

    /// Every input below this node, a list's included (its rows as posted are not known
    /// here: row 0 stands for them).
    pub fn inputs(&self) -> Vec<&Input<'s>> {
        match self {
            Node::Input(input) => vec![input],
            Node::Group { children, .. } => children.iter().flat_map(Node::inputs).collect(),
            Node::List { .. } => Vec::new(),
        }
    }
}

#[derive(Debug)]
pub struct Input<'s> {
    pub pointer: String,
    pub key: String,
    pub kind: Kind<'s>,
    pub schema: &'s Value,
}

fn type_of(schema: &Value) -> Option<&str> {
    match schema.get("type") {
        Some(Value::String(t)) => Some(t),
        // `["string", "null"]`: the first that is not null.
        Some(Value::Array(types)) => types
            .iter()
            .filter_map(Value::as_str)
            .find(|t| *t != "null"),
        _ => None,
    }
}

fn kind_of<'s>(root: &'s Value, schema: &'s Value) -> Kind<'s> {
    if let Some(Value::Array(values)) = schema.get("enum") {
        return Kind::Choice(values);
    }
    match type_of(schema) {
        Some("array") => {
            let items = schema.get("items").map(|i| resolve(root, i));
            match items {
                Some(items) => match (items.get("enum"), type_of(items)) {
                    (Some(Value::Array(values)), _) => Kind::Choices(values),
                    (None, Some("string")) => Kind::Lines,
                    _ => Kind::Unsupported,
                },
                None => Kind::Unsupported,
            }
        }
        Some("boolean") => Kind::Boolean,
        Some("integer") => Kind::Integer,
        Some("number") => Kind::Number,
        _ => match schema.get("format").and_then(Value::as_str) {
            Some("date") => Kind::Date,
            Some("email") => Kind::Email,
            _ => Kind::Text,
        },
    }
}

fn escape(token: &str) -> String {
    token.replace('~', "~0").replace('/', "~1")
}

/// The form's fields: in each group, what the register fills first, then what is
/// required, then the rest, each by name (the procedure's JSON keeps no order of its
/// members once loaded).
pub fn fields(form: &Value) -> Vec<Node<'_>> {
    children(form, form, "")
}

/// Where a member comes in its group: 0 filled by the register, 1 required, 2 optional.
fn rank(root: &Value, schema: &Value, key: &str) -> u8 {
    let sub = schema
        .get("properties")
        .and_then(|p| p.get(key))
        .map(|s| resolve(root, s));
    let required = schema
        .get("required")
        .and_then(Value::as_array)
        .is_some_and(|r| r.iter().any(|k| k.as_str() == Some(key)));
    match sub {
        Some(sub) if sub.get("x-prefill").is_some() => 0,
        _ if required => 1,
        _ => 2,
    }
}

fn children<'s>(root: &'s Value, schema: &'s Value, pointer: &str) -> Vec<Node<'s>> {
    let Some(Value::Object(properties)) = schema.get("properties") else {
        return Vec::new();
    };
    let mut members: Vec<(&'s String, &'s Value)> = properties.iter().collect();
    members.sort_by_key(|(key, _)| (rank(root, schema, key), (*key).clone()));
    members
        .into_iter()
        .filter_map(|(key, sub)| {
            let sub = resolve(root, sub);
            let here = format!("{pointer}/{}", escape(key));
            // A fixed value (`const`) is nothing to type.
            if sub.get("const").is_some() {
                return None;
            }
            let items = sub.get("items").map(|i| resolve(root, i));
            if let Some(items) = items.filter(|i| type_of(i) == Some("object")) {
                return Some(Node::List {
                    pointer: here,
                    key: key.clone(),
                    items,
                    root,
                });
            }
            if type_of(sub) == Some("object") || sub.get("properties").is_some() {
                return Some(Node::Group {
                    children: children(root, sub, &here),
                    pointer: here,
                    key: key.clone(),
                });
            }
            Some(Node::Input(Input {
                kind: kind_of(root, sub),
                pointer: here,
                key: key.clone(),
                schema: sub,
            }))
        })
        .collect()
}

/// How an enum value is an option's value: a string as it is, anything else as JSON.
pub fn option_value(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// A date as the counter types it: `dd/mm/yyyy` (or the ISO form, as a browser's date
/// field sends it).
pub fn parse_date(text: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(text, "%d/%m/%Y")
        .or_else(|_| NaiveDate::parse_from_str(text, "%Y-%m-%d"))
        .ok()
}

/// The text an input shows for the value `value` of the data.
pub fn shown(kind: Kind<'_>, value: Option<&Value>) -> String {
    match (kind, value) {
        (_, None | Some(Value::Null)) => String::new(),
        (Kind::Date, Some(Value::String(s))) => NaiveDate::parse_from_str(s, "%Y-%m-%d")
            .map_or_else(|_| s.clone(), |d| d.format("%d/%m/%Y").to_string()),
        (Kind::Lines, Some(Value::Array(items))) => items
            .iter()
            .map(option_value)
            .collect::<Vec<_>>()
            .join("\n"),
        (_, Some(v)) => option_value(v),
    }
}

/// The value typed into an input, as the data holds it. Text that does not read as the
/// field's type is kept as text: the form's schema then refuses it at its pointer, and the
/// page says why beside the input. `None`: leave the field as it is.
fn value_of(kind: Kind<'_>, sent: &[&str]) -> Option<Value> {
    let first = sent.first().map(|s| s.trim()).unwrap_or_default();
    let text = || Value::String(first.to_owned());
    Some(match kind {
        Kind::Unsupported => return None,
        Kind::Choices(values) => {
            let chosen: Vec<Value> = values
                .iter()
                .filter(|v| sent.contains(&option_value(v).as_str()))
                .cloned()
                .collect();
            if chosen.is_empty() {
                Value::Null
            } else {
                Value::Array(chosen)
            }
        }
        Kind::Lines => {
            let lines: Vec<Value> = sent
                .iter()
                .flat_map(|s| s.lines())
                .map(str::trim)
                .filter(|l| !l.is_empty())
                .map(|l| Value::String(l.to_owned()))
                .collect();
            if lines.is_empty() {
                Value::Null
            } else {
                Value::Array(lines)
            }
        }
        _ if first.is_empty() => Value::Null,
        Kind::Text | Kind::Email => text(),
        Kind::Date => parse_date(first)
            .map(|d| Value::String(d.format("%Y-%m-%d").to_string()))
            .unwrap_or_else(text),
        Kind::Integer => first
            .parse::<i64>()
            .map(Value::from)
            .unwrap_or_else(|_| text()),
        Kind::Number => first
            .replace(',', ".")
            .parse::<f64>()
            .ok()
            .and_then(serde_json::Number::from_f64)
            .map(Value::Number)
            .unwrap_or_else(text),
        Kind::Boolean => match first {
            "true" => Value::Bool(true),
            "false" => Value::Bool(false),
            _ => text(),
        },
        Kind::Choice(values) => values
            .iter()
            .find(|v| option_value(v) == first)
            .cloned()
            .unwrap_or_else(text),
    })
}

/// The merge patch a posted form makes of the dossier's `current` data: every input that
/// is not `locked`, an emptied one removed (`null`). Members of groups the data does not
/// have yet are left out when empty, so that an untouched part of the form adds nothing.
pub fn patch(
    nodes: &[Node<'_>],
    sent: &[(String, String)],
    current: &Value,
    locked: &dyn Fn(&str) -> bool,
) -> Value {
    let mut out = Map::new();
    for node in nodes {
        match node {
            Node::Group { key, children, .. } => {
                let inner = patch(
                    children,
                    sent,
                    current.get(key).unwrap_or(&Value::Null),
                    locked,
                );
                if inner.as_object().is_some_and(|m| !m.is_empty()) {
                    out.insert(key.clone(), inner);
                }
            }
            Node::Input(input) if !locked(&input.pointer) => {
                let values: Vec<&str> = sent
                    .iter()
                    .filter(|(name, _)| *name == input.pointer)
                    .map(|(_, v)| v.as_str())
                    .collect();
                let Some(value) = value_of(input.kind, &values) else {
                    continue;
                };
                let had = current.get(&input.key).is_some_and(|v| !v.is_null());
                if value.is_null() && !had {
                    continue;
                }
                if current.get(&input.key) != Some(&value) {
                    out.insert(input.key.clone(), value);
                }
            }
            Node::Input(_) => {}
            Node::List { key, .. } => {
                let Some(rows) = list_rows(node, sent, locked) else {
                    continue;
                };
                let had = current.get(key).is_some_and(|v| !v.is_null());
                let value = if rows.is_empty() {
                    Value::Null
                } else {
                    Value::Array(rows)
                };
                if (value.is_null() && !had) || current.get(key) == Some(&value) {
                    continue;
                }
                out.insert(key.clone(), value);
            }
        }
    }
    Value::Object(out)
}

/// The rows of a list as posted, in order, a row left empty dropped; `None` when the form
/// did not carry the list.
fn list_rows(
    list: &Node<'_>,
    sent: &[(String, String)],
    locked: &dyn Fn(&str) -> bool,
) -> Option<Vec<Value>> {
    let prefix = format!("{}/", list.pointer());
    let mut indexes: Vec<usize> = sent
        .iter()
        .filter_map(|(name, _)| name.strip_prefix(&prefix))
        .filter_map(|rest| rest.split('/').next()?.parse().ok())
        .collect();
    if indexes.is_empty() {
        return None;
    }
    indexes.sort_unstable();
    indexes.dedup();
    let rows = indexes
        .into_iter()
        .map(|i| patch(&list.row(i), sent, &Value::Null, locked))
        .filter(|row| row.as_object().is_some_and(|m| !m.is_empty()))
        .collect();
    Some(rows)
}

/// Whether the field at `pointer` must be filled for the data `data` as it is: its group
/// lists it as `required`, or a condition of the form (`allOf` of `if`/`then`, as the
/// shipped procedures write them: `if` a member has a `const` or is in an `enum`) that
/// `data` meets requires it. For the page's "(không bắt buộc)" only: the engine's
/// validation decides what is missing.
pub fn required_now(form: &Value, data: &Value, pointer: &str) -> bool {
    let Some((parent, key)) = pointer.rsplit_once('/') else {
        return false;
    };
    let Some(schema) = (if parent.is_empty() {
        Some(form)
    } else {
        motcua_core::procedure::form::schema_at(form, parent)
    }) else {
        return false;
    };
    let listed = |s: &Value| {
        s.get("required")
            .and_then(Value::as_array)
            .is_some_and(|r| r.iter().any(|k| k.as_str() == Some(key)))
    };
    if listed(schema) {
        return true;
    }
    let here = if parent.is_empty() {
        data
    } else {
        data.pointer(parent).unwrap_or(&Value::Null)
    };
    schema
        .get("allOf")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter(|c| c.get("if").is_some_and(|cond| meets(cond, here)))
        .any(|c| c.get("then").is_some_and(listed))
}

/// Whether `data` meets a condition's `if` made of members' `const`s and `enum`s.
fn meets(condition: &Value, data: &Value) -> bool {
    let Some(Value::Object(members)) = condition.get("properties") else {
        return false;
    };
    members.iter().all(|(key, test)| {
        let value = data.get(key);
        match (test.get("const"), test.get("enum")) {
            (Some(c), _) => value == Some(c),
            (None, Some(Value::Array(values))) => value.is_some_and(|v| values.contains(v)),
            _ => value.is_some(),
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn form() -> Value {
        json!({
            "type": "object",
            "$defs": { "year": { "type": "integer", "minimum": 1950 } },
            "properties": {
                "applicant": { "type": "object", "properties": {
                    "pin": { "type": "string", "x-prefill": "pin" },
                    "phone": { "type": "string", "pattern": "^0[0-9]{9}$" },
                    "birth_date": { "type": "string", "format": "date" }
                } },
                "year": { "$ref": "#/$defs/year" },
                "kind": { "enum": ["thpt", "thcs"] },
                "fixed": { "const": "x" },
                "subjects": { "type": "array", "items": { "enum": ["li", "hoa"] } },
                "extra": { "type": "object", "properties": { "note": { "type": "string" } } }
            }
        })
    }

    #[test]
    fn the_schema_gives_groups_and_typed_inputs() {
        let form = form();
        let nodes = fields(&form);
        assert_eq!(nodes.len(), 5, "the const is no input: {nodes:?}");
        let Node::Group { children, .. } = &nodes[0] else {
            panic!("a group")
        };
        // The register's value first, then by name.
        assert!(matches!(&children[0], Node::Input(i) if i.pointer == "/applicant/pin"));
        assert!(
            matches!(&children[1], Node::Input(i) if i.kind == Kind::Date && i.pointer == "/applicant/birth_date")
        );
        assert!(matches!(&nodes[4], Node::Input(i) if i.kind == Kind::Integer && i.key == "year"));
        assert!(matches!(&nodes[3], Node::Input(i) if matches!(i.kind, Kind::Choices(_))));
        assert_eq!(
            motcua_core::procedure::form::schema_at(&form, "/year").and_then(|s| s.get("minimum")),
            Some(&json!(1950))
        );
    }

    #[test]
    fn a_posted_form_is_a_merge_patch_of_what_was_typed() {
        let form = form();
        let nodes = fields(&form);
        let current = json!({ "applicant": { "pin": "001207001234", "phone": "0912345678" } });
        let sent: Vec<(String, String)> = [
            ("/applicant/pin", "999999999999"),
            ("/applicant/phone", ""),
            ("/applicant/birth_date", "15/03/2008"),
            ("/year", "20x5"),
            ("/kind", "thpt"),
            ("/subjects", "li"),
            ("/subjects", "hoa"),
            ("/extra/note", ""),
        ]
        .iter()
        .map(|(a, b)| ((*a).to_owned(), (*b).to_owned()))
        .collect();
        let locked = |p: &str| p == "/applicant/pin";
        assert_eq!(
            patch(&nodes, &sent, &current, &locked),
            json!({
                "applicant": { "phone": null, "birth_date": "2008-03-15" },
                "year": "20x5",
                "kind": "thpt",
                "subjects": ["li", "hoa"]
            })
        );
    }

    #[test]
    fn a_list_of_objects_is_rows_and_an_empty_row_is_dropped() {
        let form = json!({
            "type": "object",
            "properties": {
                "kept": { "type": "array", "items": { "type": "object", "properties": {
                    "subject": { "type": "string" }, "score": { "type": "number" }
                } } }
            }
        });
        let nodes = fields(&form);
        assert!(matches!(&nodes[0], Node::List { pointer, .. } if pointer == "/kept"));
        assert_eq!(nodes[0].row(1)[0].pointer(), "/kept/1/score");
        let sent: Vec<(String, String)> = [
            ("/kept/0/subject", "Toán"),
            ("/kept/0/score", "7,5"),
            ("/kept/1/subject", ""),
            ("/kept/1/score", ""),
        ]
        .iter()
        .map(|(a, b)| ((*a).to_owned(), (*b).to_owned()))
        .collect();
        assert_eq!(
            patch(&nodes, &sent, &json!({}), &|_| false),
            json!({ "kept": [{ "subject": "Toán", "score": 7.5 }] })
        );
        // Not on the page: left as it is.
        assert_eq!(
            patch(
                &nodes,
                &[],
                &json!({ "kept": [{ "subject": "Văn" }] }),
                &|_| false
            ),
            json!({})
        );
    }

    #[test]
    fn a_condition_met_by_the_data_makes_a_field_required() {
        let form = json!({
            "type": "object", "required": ["kind"],
            "properties": { "kind": { "enum": ["a", "free"] }, "year": { "type": "integer" } },
            "allOf": [{ "if": { "properties": { "kind": { "const": "free" } }, "required": ["kind"] },
                        "then": { "required": ["year"] } }]
        });
        assert!(required_now(&form, &json!({}), "/kind"));
        assert!(!required_now(&form, &json!({ "kind": "a" }), "/year"));
        assert!(required_now(&form, &json!({ "kind": "free" }), "/year"));
    }

    #[test]
    fn dates_read_both_ways_and_show_as_day_month_year() {
        assert_eq!(
            parse_date("05/01/2009"),
            NaiveDate::from_ymd_opt(2009, 1, 5)
        );
        assert_eq!(
            parse_date("2009-01-05"),
            NaiveDate::from_ymd_opt(2009, 1, 5)
        );
        assert_eq!(parse_date("31/02/2009"), None);
        assert_eq!(shown(Kind::Date, Some(&json!("2009-01-05"))), "05/01/2009");
        assert_eq!(shown(Kind::Integer, Some(&json!(2))), "2");
    }
}
