//! Error answers: RFC 9457 problem+json, as every refusal of the engine must be.

use serde_json::Value;

/// Asserts that `answer` is a `status` problem+json, and returns its body. `what` names the
/// case in a failure's message.
pub async fn problem(answer: reqwest::Response, status: u16, what: &str) -> Value {
    assert_eq!(answer.status(), status, "{what}");
    assert_eq!(
        answer.headers()["content-type"],
        "application/problem+json",
        "{what}"
    );
    answer.json().await.expect("a problem's JSON body")
}

/// Asserts that `answer` is a `status` problem+json of `code`, with the members every problem
/// has (`status`, `title`, `detail`, `type`); returns its body.
pub async fn assert_problem(answer: reqwest::Response, status: u16, code: &str) -> Value {
    let body = problem(answer, status, &format!("expected {status} {code}")).await;
    assert_eq!(body["code"], code, "{body}");
    assert_eq!(body["status"], status);
    assert!(body["title"].is_string() && body["detail"].is_string() && body["type"].is_string());
    body
}
