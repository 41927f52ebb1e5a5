//! What /openapi.json promises, checked without an engine: each failure schemathesis found
//! (tests/tests/suite/schemathesis.rs) has its assertion here.

use super::ApiDoc;
use serde_json::Value;
use utoipa::OpenApi;

fn document() -> Value {
    serde_json::to_value(ApiDoc::openapi()).unwrap()
}

fn problem_answer(doc: &Value, method: &str, path: &str, status: &str) -> bool {
    doc["paths"][path][method]["responses"][status]["content"]["application/problem+json"]["schema"]
        .is_object()
}

/// Found by schemathesis: these answers came from the extractors but were not documented.
#[test]
fn extractor_rejections_are_documented_as_problems() {
    let doc = document();
    for (method, path, status) in [
        ("delete", "/v1/dossiers/{id}/documents/{requirement}", "401"),
        ("get", "/v1/dossiers/{id}", "400"),
        ("get", "/v1/reports/timeliness", "400"),
        ("post", "/v1/dossiers", "400"),
        ("post", "/v1/dossiers/{id}/actions/{action}", "415"),
        ("post", "/v1/dossiers/{id}/actions/{action}", "413"),
        ("patch", "/v1/dossiers/{id}", "415"),
        ("put", "/v1/dossiers/{id}/results/{result_code}", "401"),
    ] {
        assert!(
            problem_answer(&doc, method, path, status),
            "{method} {path} does not document {status} as problem+json"
        );
    }
}

#[test]
fn every_protected_operation_documents_401() {
    let doc = document();
    for (path, item) in doc["paths"].as_object().unwrap() {
        for (method, operation) in item.as_object().unwrap() {
            if operation["security"].is_array() {
                assert!(
                    problem_answer(&doc, method, path, "401"),
                    "{method} {path} has no 401"
                );
            }
        }
    }
}

#[test]
fn rate_limited_operations_document_429() {
    let doc = document();
    for (method, path, _) in crate::rate_limits::LIMITED_ROUTES {
        // Pages (the public verification page) are not in the API's description.
        if !path.starts_with("/v1/") {
            continue;
        }
        let method = method.as_str().to_ascii_lowercase();
        let method = method.as_str();
        assert!(
            problem_answer(&doc, method, path, "429"),
            "{method} {path} has no 429"
        );
    }
}

/// Admission control may refuse any operation of the API with 503 `overloaded`; where a
/// handler documents a 503 of its own, both are named.
#[test]
fn every_operation_documents_503_overloaded_with_retry_after() {
    let doc = document();
    for (path, item) in doc["paths"].as_object().unwrap() {
        for (method, operation) in item.as_object().unwrap() {
            let answer = &operation["responses"]["503"];
            assert!(
                problem_answer(&doc, method, path, "503"),
                "{method} {path} has no 503"
            );
            let description = answer["description"].as_str().unwrap();
            assert!(
                description.contains("`overloaded`"),
                "{method} {path}: {description}"
            );
            assert!(
                answer["headers"]["Retry-After"].is_object(),
                "{method} {path}"
            );
        }
    }
    let create = doc["paths"]["/v1/dossiers"]["post"]["responses"]["503"]["description"]
        .as_str()
        .unwrap();
    assert!(create.contains("`register_unavailable`"), "{create}");
}

/// Found by schemathesis: a second `status = 200` entry (the CSV) replaced the JSON one.
#[test]
fn reports_document_both_json_and_csv() {
    let doc = document();
    for path in ["/v1/reports/indicators", "/v1/reports/digitisation"] {
        let content = &doc["paths"][path]["get"]["responses"]["200"]["content"];
        assert!(
            content["application/json"]["schema"].is_object(),
            "{path}: {content}"
        );
        assert!(content["text/csv"].is_object(), "{path}: {content}");
    }
}

/// Found by schemathesis: refusals of the handlers themselves that were not documented.
#[test]
fn handler_refusals_are_documented() {
    let doc = document();
    for (method, path, status) in [
        ("post", "/v1/dossiers/{id}/prefill", "403"),
        ("post", "/v1/dossiers/{id}/submit", "403"),
        ("post", "/v1/dossiers/{id}/assign", "422"),
    ] {
        assert!(
            problem_answer(&doc, method, path, status),
            "{method} {path} does not document {status} as problem+json"
        );
    }
}

/// A parameter's schema pointed at a component that was never registered.
#[test]
fn every_reference_resolves() {
    let doc = document();
    let text = doc.to_string();
    for reference in text.split("\"$ref\":\"#/components/schemas/").skip(1) {
        let name = reference.split('"').next().unwrap();
        assert!(
            doc["components"]["schemas"][name].is_object(),
            "#/components/schemas/{name} is referenced but not defined"
        );
    }
}

/// Found by openapi-spec-validator: operation ids must be unique (clients generated from the
/// document name their methods after them, and a clash loses one).
#[test]
fn every_operation_has_its_own_id() {
    let doc = document();
    let mut seen = std::collections::BTreeMap::new();
    for (path, item) in doc["paths"].as_object().unwrap() {
        for (method, operation) in item.as_object().unwrap() {
            let id = operation["operationId"]
                .as_str()
                .unwrap_or_else(|| panic!("{method} {path} has no operationId"));
            if let Some(other) = seen.insert(id.to_owned(), format!("{method} {path}")) {
                panic!("{method} {path} and {other} share the operationId {id}");
            }
        }
    }
}

/// Found by schemathesis: a query string with a NUL, declared parameter or not, is a 422.
#[test]
fn every_operation_documents_422_unstorable_text() {
    let doc = document();
    for (path, item) in doc["paths"].as_object().unwrap() {
        for method in item.as_object().unwrap().keys() {
            assert!(
                problem_answer(&doc, method, path, "422"),
                "{method} {path} has no 422"
            );
        }
    }
}
