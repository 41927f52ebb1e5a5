//! Text the database can hold, checked once at the edge for every route.
//!
//! PostgreSQL keeps text as UTF-8 and refuses U+0000 in `text` and `jsonb` alike: a NUL in a
//! filter or a form value used to reach a statement and come back as a 500. So no request
//! reaches a handler with such text: the query string and the path are checked by
//! [`refuse_unstorable`], a layer over every route, and JSON bodies by the `Json` extractor
//! ([`check_json`]), which every handler that takes a body uses. Both answer 422
//! `unstorable_text` naming the parameter (`/name`, as the other parameter problems do) or
//! the body's JSON pointer.

use crate::error::{ApiError, FieldProblem};
use axum::extract::{MatchedPath, Request};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use motcua_service::{Code, ServiceError};
use percent_encoding::percent_decode_str;
use serde_json::Value;

/// Stops listing after this many: the client has enough to fix its request.
const MAX_LISTED: usize = 20;

const NUL: &str = "holds a NUL character (U+0000), which cannot be stored";
const NOT_UTF8: &str = "is not valid UTF-8 text";
const LONE_SURROGATE: &str =
    "holds an unpaired UTF-16 surrogate escape (\\uD800 to \\uDFFF), which is not a character";

/// What makes these bytes unstorable as text, if anything.
fn flaw(bytes: &[u8]) -> Option<&'static str> {
    match std::str::from_utf8(bytes) {
        Err(_) => Some(NOT_UTF8),
        Ok(text) if text.contains('\0') => Some(NUL),
        Ok(_) => None,
    }
}

fn unstorable(problems: Vec<FieldProblem>) -> ApiError {
    let detail = match problems.as_slice() {
        [one] => format!("{} {}", one.pointer, one.message),
        _ => format!("{} values hold text that cannot be stored", problems.len()),
    };
    ServiceError::new(Code::UnstorableText, detail)
        .with_errors(problems)
        .into()
}

/// A JSON pointer's reference token (RFC 6901), readable even when the name itself is the
/// flawed text.
fn token(name: &str) -> String {
    motcua_core::procedure::form::escape(&name.replace('\0', "\u{FFFD}"))
}

/// Refuses a request whose query string or path holds text the database cannot hold.
pub async fn refuse_unstorable(request: Request, next: Next) -> Response {
    let mut problems = query_problems(request.uri().query().unwrap_or(""));
    if let Some(route) = request.extensions().get::<MatchedPath>() {
        problems.extend(path_problems(route.as_str(), request.uri().path()));
    }
    if problems.is_empty() {
        next.run(request).await
    } else {
        problems.truncate(MAX_LISTED);
        unstorable(problems).into_response()
    }
}

fn query_problems(query: &str) -> Vec<FieldProblem> {
    let mut problems = Vec::new();
    for pair in query.split('&').filter(|p| !p.is_empty()) {
        let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
        // '+' stands for a space in a query: irrelevant to either flaw.
        let name = percent_decode_str(name).collect::<Vec<u8>>();
        let value = percent_decode_str(value).collect::<Vec<u8>>();
        let label = token(&String::from_utf8_lossy(&name));
        let found = flaw(&name)
            .map(|f| format!("the parameter's name {f}"))
            .or_else(|| flaw(&value).map(|f| format!("the query parameter {f}")));
        if let Some(message) = found {
            problems.push(FieldProblem::new(format!("/{label}"), message));
        }
    }
    problems
}

/// `route` is the matched template (`/v1/queues/{queue}/claim`): a flawed segment is named
/// by its parameter.
fn path_problems(route: &str, path: &str) -> Vec<FieldProblem> {
    route
        .split('/')
        .zip(path.split('/'))
        .filter_map(|(template, segment)| {
            let found = flaw(&percent_decode_str(segment).collect::<Vec<u8>>())?;
            let name = template
                .strip_prefix('{')
                .and_then(|t| t.strip_suffix('}'))
                .unwrap_or(template);
            Some(FieldProblem::new(
                format!("/{}", token(name)),
                format!("the path parameter {found}"),
            ))
        })
        .collect()
}

/// The problem with a JSON body whose strings or keys the database cannot hold, if any.
///
/// A NUL can only be written in JSON as the escape `\u0000`, and an unpaired surrogate as
/// `\uD800`–`\uDFFF`: bodies without such an escape (nearly all) are passed after one scan;
/// the rest are parsed once more to say where the text is. (A body that is not UTF-8 is not
/// JSON at all, RFC 8259 § 8.1: the extractor's 400 `malformed_json`.)
pub fn check_json(body: &[u8]) -> Result<(), ApiError> {
    if !has_suspect_escape(body) {
        return Ok(());
    }
    let mut deserializer = serde_json::Deserializer::from_slice(body);
    let problems = match serde_path_to_error::deserialize::<_, Value>(&mut deserializer) {
        Ok(value) => {
            let mut problems = Vec::new();
            nul_problems(&value, &mut String::new(), &mut problems);
            problems
        }
        Err(error) => match text_error(error.inner()) {
            Some(message) => vec![FieldProblem::new(pointer(error.path()), message)],
            // Any other syntax error is the extractor's `malformed_json`.
            None => return Ok(()),
        },
    };
    if problems.is_empty() {
        Ok(())
    } else {
        Err(unstorable(problems))
    }
}

/// `\u0000`, or a `\u` escape in the surrogate range, anywhere (an escaped backslash before
/// it makes it a false alarm, which the careful parse then clears).
fn has_suspect_escape(body: &[u8]) -> bool {
    body.windows(6).any(|w| {
        w[0] == b'\\'
            && w[1] == b'u'
            && (&w[2..] == b"0000"
                || (w[2] == b'd' || w[2] == b'D')
                    && matches!(w[3], b'8'..=b'9' | b'a'..=b'f' | b'A'..=b'F'))
    })
}

/// serde_json's own wording of the errors that are about text, not about JSON's syntax
/// (its `ErrorCode`s are private): checked by this module's tests.
fn text_error(error: &serde_json::Error) -> Option<&'static str> {
    let message = error.to_string();
    let surrogate = message.starts_with("lone leading surrogate in hex escape")
        || message.starts_with("unexpected end of hex escape");
    surrogate.then_some(LONE_SURROGATE)
}

fn pointer(path: &serde_path_to_error::Path) -> String {
    use serde_path_to_error::Segment;
    path.iter()
        .map(|segment| match segment {
            Segment::Seq { index } => format!("/{index}"),
            Segment::Map { key } | Segment::Enum { variant: key } => format!("/{}", token(key)),
            Segment::Unknown => "/?".to_owned(),
        })
        .collect()
}

fn nul_problems(value: &Value, at: &mut String, problems: &mut Vec<FieldProblem>) {
    if problems.len() >= MAX_LISTED {
        return;
    }
    let len = at.len();
    match value {
        Value::String(text) if text.contains('\0') => {
            problems.push(FieldProblem::new(at.clone(), format!("the value {NUL}")));
        }
        Value::Array(items) => {
            for (index, item) in items.iter().enumerate() {
                at.push_str(&format!("/{index}"));
                nul_problems(item, at, problems);
                at.truncate(len);
            }
        }
        Value::Object(members) => {
            for (key, item) in members {
                at.push('/');
                at.push_str(&token(key));
                if key.contains('\0') {
                    problems.push(FieldProblem::new(
                        at.clone(),
                        format!("the member's name {NUL}"),
                    ));
                } else {
                    nul_problems(item, at, problems);
                }
                at.truncate(len);
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::StatusCode;

    fn pointers(body: &[u8]) -> Vec<String> {
        match check_json(body) {
            Ok(()) => Vec::new(),
            Err(e) => {
                assert_eq!(e.status, StatusCode::UNPROCESSABLE_ENTITY);
                assert_eq!(e.problem.code, Code::UnstorableText);
                e.problem.errors.into_iter().map(|p| p.pointer).collect()
            }
        }
    }

    #[test]
    fn ordinary_bodies_pass() {
        assert!(pointers(br#"{"a": "Nguy\u1ec5n", "b": [1, "x"]}"#).is_empty());
        // A real pair of surrogates is one character (an emoji), and an escaped backslash
        // before "u0000" is text, not a NUL.
        assert!(pointers(br#"{"a": "\ud83d\ude00", "b": "\\u0000"}"#).is_empty());
        // Broken JSON is the extractor's to refuse.
        assert!(pointers(br#"{"a": "\u0000"#).is_empty());
    }

    #[test]
    fn a_nul_is_named_by_its_pointer() {
        assert_eq!(pointers(br#"{"a": {"b": ["x", "y\u0000z"]}}"#), ["/a/b/1"]);
        assert_eq!(pointers(br#"{"a\u0000": 1}"#), ["/a\u{FFFD}"]);
        assert_eq!(
            pointers(br#"{"x/y": "\u0000", "ok": "\u0000"}"#),
            ["/ok", "/x~1y"]
        );
        assert_eq!(pointers(br#""\u0000""#), [""]);
    }

    #[test]
    fn unpaired_surrogates_are_named_by_their_pointer() {
        assert_eq!(pointers(br#"{"a": {"b": "\ud800"}}"#), ["/a/b"]);
        assert_eq!(pointers(br#"{"a": ["\udfff"]}"#), ["/a/0"]);
        assert_eq!(pointers(br#"{"a": "\ud800\u0041"}"#), ["/a"]);
    }

    #[test]
    fn a_body_that_is_not_utf8_is_left_to_the_json_parser() {
        assert!(pointers(b"{\"a\": \"\xff\"}").is_empty());
        assert!(pointers(b"{\"a\": \"\xed\xa0\x80\"}").is_empty());
    }

    #[test]
    fn query_parameters_are_named() {
        let named =
            |q: &str| -> Vec<String> { query_problems(q).into_iter().map(|p| p.pointer).collect() };
        assert!(named("state=submitted&procedure=1.005142&x").is_empty());
        assert!(named("a=%C3%A2+b").is_empty());
        assert_eq!(named("state=%00&procedure=ok"), ["/state"]);
        assert_eq!(
            named("agency=%FF&procedure=%ED%A0%80"),
            ["/agency", "/procedure"]
        );
        assert_eq!(named("a%00b=1"), ["/a\u{FFFD}b"]);
    }

    #[test]
    fn path_segments_are_named_by_their_parameter() {
        let named = |route: &str, path: &str| -> Vec<String> {
            path_problems(route, path)
                .into_iter()
                .map(|p| p.pointer)
                .collect()
        };
        assert!(named(
            "/v1/queues/{queue}/claim",
            "/v1/queues/1.005142:submitted/claim"
        )
        .is_empty());
        assert_eq!(
            named("/v1/queues/{queue}/claim", "/v1/queues/a%00/claim"),
            ["/queue"]
        );
        assert_eq!(
            named("/v1/procedures/{code}", "/v1/procedures/%FF"),
            ["/code"]
        );
    }
}
