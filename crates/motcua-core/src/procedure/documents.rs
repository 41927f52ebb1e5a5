//! Document requirements: when one is required (`required_when`), and which are missing.

use super::spec::{DocumentRequirement, ReplacedBy};
use serde_json::Value;

/// `field == value`, `field != value` or `field in [a, b]` on the dossier's data; `field`
/// is a dotted path (`subjects.foreign_language`), `value` a JSON literal or a bare word (a
/// string), the list's items bare words or JSON literals.
#[derive(Debug, Clone, PartialEq)]
pub struct Condition {
    pub pointer: String,
    pub equal: bool,
    /// One value to compare with, or (for `in`) any of several.
    pub values: Vec<Value>,
}

fn literal(text: &str) -> Value {
    serde_json::from_str(text).unwrap_or_else(|_| Value::String(text.into()))
}

impl Condition {
    pub fn parse(text: &str) -> Result<Condition, String> {
        let (field, equal, value) = if let Some((f, v)) = text.split_once("!=") {
            (f, false, v)
        } else if let Some((f, v)) = text.split_once("==") {
            (f, true, v)
        } else if let Some((f, v)) = text.split_once(" in ") {
            (f, true, v)
        } else {
            return Err(format!(
                "{text:?} is not `field == value`, `field != value` or `field in [a, b]`"
            ));
        };
        let field = field.trim();
        if field.is_empty()
            || !field
                .split('.')
                .all(|p| !p.is_empty() && p.chars().all(|c| c.is_alphanumeric() || c == '_'))
        {
            return Err(format!("{field:?} is not a dotted field name"));
        }
        let value = value.trim();
        if value.is_empty() {
            return Err(format!("{text:?} has no value to compare with"));
        }
        let values = match value.strip_prefix('[').and_then(|v| v.strip_suffix(']')) {
            Some(list) => list
                .split(',')
                .map(str::trim)
                .filter(|v| !v.is_empty())
                .map(literal)
                .collect(),
            None => vec![literal(value)],
        };
        if values.is_empty() {
            return Err(format!("{text:?} lists no value"));
        }
        Ok(Condition {
            pointer: format!("/{}", field.replace('.', "/")),
            equal,
            values,
        })
    }

    /// Whether the condition holds for `data`; a missing field equals nothing.
    pub fn holds(&self, data: &Value) -> bool {
        let found = data.pointer(&self.pointer);
        let is_equal = self.values.iter().any(|v| found == Some(v));
        is_equal == self.equal
    }
}

/// Whether `requirement` must be present for `data`; `register_fallback` is set when the
/// register could not answer for the citizen, which makes the fallback documents required.
pub fn is_required(
    requirement: &DocumentRequirement,
    data: &Value,
    register_fallback: bool,
) -> bool {
    if requirement.fallback {
        return register_fallback;
    }
    let asked = match &requirement.required_when {
        // An unparsable condition is refused when the procedure loads.
        Some(condition) => Condition::parse(condition).is_ok_and(|c| c.holds(data)),
        None => requirement.required,
    };
    // A paper the register replaces is asked for only when the register could not answer.
    if let Some(ReplacedBy::RegisterField(_)) = &requirement.replaced_by {
        return asked && register_fallback;
    }
    asked
}

/// The procedure whose electronic result, issued to the citizen, stands in for this
/// requirement (then it is not asked for either).
pub fn replacing_procedure(requirement: &DocumentRequirement) -> Option<&str> {
    match &requirement.replaced_by {
        Some(ReplacedBy::ProcedureResult(code)) => Some(code),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn conditions_read_the_dossiers_data() {
        let c = Condition::parse("language_exemption == true").unwrap();
        assert!(c.holds(&json!({ "language_exemption": true })));
        assert!(!c.holds(&json!({ "language_exemption": false })));
        assert!(!c.holds(&json!({})));
        let c = Condition::parse("relationship != holder").unwrap();
        assert_eq!(c.values, [json!("holder")]);
        assert!(c.holds(&json!({ "relationship": "parent" })));
        assert!(!c.holds(&json!({ "relationship": "holder" })));
        assert!(c.holds(&json!({})), "a missing field is not the holder");
        let nested = Condition::parse("subjects.foreign_language == \"N1\"").unwrap();
        assert!(nested.holds(&json!({ "subjects": { "foreign_language": "N1" } })));
        let relatives = Condition::parse("relationship in [parent, child, spouse]").unwrap();
        assert!(relatives.holds(&json!({ "relationship": "child" })));
        assert!(!relatives.holds(&json!({ "relationship": "holder" })));
        assert!(!relatives.holds(&json!({})));
    }

    #[test]
    fn a_paper_the_register_replaces_is_asked_only_when_it_cannot_answer() {
        let requirement: DocumentRequirement = serde_json::from_value(json!({
            "key": "birth-certificate", "name": "Giấy khai sinh", "required": true,
            "accept": ["application/pdf"], "max_bytes": 1000, "must_digitise": true,
            "replaced_by": { "register_field": "birth_date" }
        }))
        .unwrap();
        assert!(!is_required(&requirement, &json!({}), false));
        assert!(is_required(&requirement, &json!({}), true));
        let by_result: DocumentRequirement = serde_json::from_value(json!({
            "key": "diploma-copy", "name": "Bản sao bằng", "required": true,
            "accept": ["application/pdf"], "max_bytes": 1000, "must_digitise": true,
            "replaced_by": { "procedure_result": "3.000465" }
        }))
        .unwrap();
        assert_eq!(replacing_procedure(&by_result), Some("3.000465"));
    }

    #[test]
    fn malformed_conditions_are_refused() {
        assert!(Condition::parse("language_exemption").is_err());
        assert!(Condition::parse("== true").is_err());
        assert!(Condition::parse("a..b == 1").is_err());
        assert!(Condition::parse("a ==").is_err());
        assert!(Condition::parse("a in []").is_err());
    }
}
