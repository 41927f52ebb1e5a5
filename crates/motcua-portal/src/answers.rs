//! The answers a dossier holds, as the citizen gave them (or the population register filled
//! them in): each field under its title from the procedure's form schema (its key where the
//! schema has none), groups nested, lists as lists, dates as dd/mm/yyyy, a value taken from
//! the register marked so. Every value is written by the template, escaped: markup a
//! citizen typed is shown as the text it is.

use crate::lang::t;
use maud::{html, Markup};
use motcua_core::procedure::Procedure;
use motcua_service::view::DossierView;
use motcua_web::dates::date_text;
use serde_json::Value;

pub fn section(d: &DossierView, procedure: Option<&Procedure>) -> Markup {
    let schema = procedure.map(|p| &p.spec().form);
    let prefill = d.prefill.as_ref();
    html! {
        section aria-labelledby="h-data" id="data" {
            h2 id="h-data" { (t("Thông tin bạn đã khai", "The information you gave")) }
            @match d.data.as_ref() {
                Some(Value::Object(fields)) if !fields.is_empty() => (object(fields, schema, "", prefill)),
                _ => p { (t("Chưa có thông tin.", "No information yet.")) },
            }
        }
    }
}

fn object(
    fields: &serde_json::Map<String, Value>,
    schema: Option<&Value>,
    pointer: &str,
    prefill: Option<&Value>,
) -> Markup {
    html! {
        dl class="data" {
            @for (key, value) in fields {
                @let field_schema = schema.and_then(|s| s.pointer(&format!("/properties/{key}")));
                @let here = format!("{pointer}/{key}");
                dt {
                    (title(field_schema, key))
                    @if prefill.and_then(|p| p.get(&here)).is_some() {
                        " " span class="source" { (t("từ CSDL dân cư", "from the population register")) }
                    }
                }
                dd { (value_of(value, field_schema, &here, prefill)) }
            }
        }
    }
}

fn value_of(
    value: &Value,
    schema: Option<&Value>,
    pointer: &str,
    prefill: Option<&Value>,
) -> Markup {
    match value {
        Value::Object(fields) => object(fields, schema, pointer, prefill),
        Value::Array(items) => {
            let item_schema = schema.and_then(|s| s.get("items"));
            html! { ul { @for (i, item) in items.iter().enumerate() {
                li { (value_of(item, item_schema, &format!("{pointer}/{i}"), prefill)) }
            } } }
        }
        Value::Bool(true) => html! { (t("Có", "Yes")) },
        Value::Bool(false) => html! { (t("Không", "No")) },
        Value::Null => html! { "—" },
        Value::Number(n) => html! { (n) },
        Value::String(s) => html! { (choice_title(schema, s).unwrap_or_else(|| date_text(s))) },
    }
}

/// A field's title from its schema, or its key.
fn title(schema: Option<&Value>, key: &str) -> String {
    schema
        .and_then(|s| s.get("title"))
        .and_then(Value::as_str)
        .map_or_else(|| key.to_owned(), str::to_owned)
}

/// The title of a choice (its `x-enum-titles`, or `oneOf: [{const, title}]`), where the
/// schema gives one.
fn choice_title(schema: Option<&Value>, value: &str) -> Option<String> {
    if let Some(title) = schema
        .and_then(|s| s.get("x-enum-titles"))
        .and_then(|t| t.get(value))
        .and_then(Value::as_str)
    {
        return Some(title.to_owned());
    }
    schema?
        .get("oneOf")?
        .as_array()?
        .iter()
        .find(|option| option.get("const").and_then(Value::as_str) == Some(value))?
        .get("title")?
        .as_str()
        .map(str::to_owned)
}
