//! What an action carries: its reasons and its data, and the limits of the text kept.

use crate::{FieldProblem, Said, ServiceError};
use serde::Deserialize;
use serde_json::Value;
use utoipa::ToSchema;

#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ActionRequest {
    /// The reasons (required to refuse, send back, request a supplement, stop, apologise).
    pub comment: Option<String>,
    /// Action data: `items` (a supplement request: every missing or incorrect item),
    /// `new_due_date` (`YYYY-MM-DD`, an apology's new return date).
    #[schema(value_type = Object)]
    pub data: Option<Value>,
}

/// Longest comment or item kept: a slip's reasons, not a document.
const MAX_TEXT: usize = 4000;

/// Most items a supplement request lists.
const MAX_ITEMS: usize = 100;

impl ActionRequest {
    /// Text the database and the slips can hold: no control characters (PostgreSQL refuses
    /// NUL), bounded length.
    pub fn check(&self) -> Result<(), ServiceError> {
        let bad = |text: &str| {
            text.chars().count() > MAX_TEXT
                || text
                    .chars()
                    .any(|c| c.is_control() && c != '\n' && c != '\t')
        };
        let mut problems = Vec::new();
        if self.comment.as_deref().is_some_and(bad) {
            problems.push(
                FieldProblem::new(
                    "/comment",
                    format!("at most {MAX_TEXT} characters, no control characters"),
                )
                .said(Said::new(
                    "Lý do",
                    format!("Tối đa {MAX_TEXT} ký tự, không có ký tự điều khiển."),
                )),
            );
        }
        if let Some(items) = self.data.as_ref().and_then(|d| d.get("items")) {
            let fine = items.as_array().is_some_and(|items| {
                items.len() <= MAX_ITEMS
                    && items.iter().all(|i| i.as_str().is_some_and(|t| !bad(t)))
            });
            if !fine {
                problems.push(FieldProblem::new("/data/items", format!(
                        "a list of at most {MAX_ITEMS} texts of at most {MAX_TEXT} characters, no control characters"
                    )).said(Said::new(
                        "Các mục cần bổ sung",
                        format!("Tối đa {MAX_ITEMS} mục, mỗi mục tối đa {MAX_TEXT} ký tự, không có ký tự điều khiển."),
                    )));
            }
        }
        if problems.is_empty() {
            Ok(())
        } else {
            Err(ServiceError::validation(
                "the action's text cannot be kept",
                problems,
            ))
        }
    }

    /// The items of a supplement request, trimmed, without the empty ones.
    pub fn items(&self) -> Vec<String> {
        self.data
            .as_ref()
            .and_then(|d| d.get("items"))
            .and_then(Value::as_array)
            .map(|items| {
                items
                    .iter()
                    .filter_map(Value::as_str)
                    .map(str::trim)
                    .filter(|i| !i.is_empty())
                    .map(str::to_owned)
                    .collect()
            })
            .unwrap_or_default()
    }

    /// The reason given, trimmed; `None` if there is none.
    pub fn reason(&self) -> Option<&str> {
        self.comment
            .as_deref()
            .map(str::trim)
            .filter(|c| !c.is_empty())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn request(comment: Option<&str>, data: Option<Value>) -> ActionRequest {
        ActionRequest {
            comment: comment.map(str::to_owned),
            data,
        }
    }

    fn pointers(request: &ActionRequest) -> Vec<String> {
        match request.check() {
            Ok(()) => Vec::new(),
            Err(e) => e.errors.into_iter().map(|p| p.pointer).collect(),
        }
    }

    #[test]
    fn text_within_the_limits_is_kept() {
        let fine = request(
            Some("thiếu bản sao\nvà ảnh\t3x4"),
            Some(json!({ "items": ["Bản sao giấy khai sinh", "Ảnh 3x4"] })),
        );
        assert!(fine.check().is_ok());
        assert!(request(None, None).check().is_ok());
        assert!(request(Some(&"a".repeat(MAX_TEXT)), None).check().is_ok());
    }

    #[test]
    fn a_long_comment_or_control_characters_are_refused() {
        let long = request(Some(&"ă".repeat(MAX_TEXT + 1)), None);
        assert_eq!(pointers(&long), ["/comment"]);
        let nul = request(Some("a\u{0}b"), None);
        assert_eq!(pointers(&nul), ["/comment"]);
    }

    #[test]
    fn items_are_a_bounded_list_of_texts() {
        for items in [
            json!("one text"),
            json!([1, 2]),
            json!(vec!["x"; MAX_ITEMS + 1]),
            json!(["fine", "bad\u{7}"]),
        ] {
            let refused = request(None, Some(json!({ "items": items })));
            assert_eq!(pointers(&refused), ["/data/items"], "{items}");
        }
        let both = request(Some("\u{0}"), Some(json!({ "items": 3 })));
        assert_eq!(pointers(&both), ["/comment", "/data/items"]);
    }

    #[test]
    fn items_are_trimmed_and_the_empty_ones_dropped() {
        let asked = request(None, Some(json!({ "items": [" a ", "", "  ", "b", 3] })));
        assert_eq!(asked.items(), ["a", "b"]);
        assert!(request(None, None).items().is_empty());
    }
}
