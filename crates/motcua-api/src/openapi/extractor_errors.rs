//! The errors every operation can answer because of how it reads its request (the
//! extractors of `crate::extract`), documented once here instead of on every handler, so a
//! new handler cannot forget them and clients (and the fuzzing in
//! tests/tests/schemathesis.rs) know each answer they may get.

use std::collections::BTreeMap;
use utoipa::openapi::path::{Operation, ParameterIn};
use utoipa::openapi::{ContentBuilder, Ref, ResponseBuilder};
use utoipa::Modify;

pub struct ExtractorErrors;

impl Modify for ExtractorErrors {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        for item in openapi.paths.paths.values_mut() {
            let operations = [
                &mut item.get,
                &mut item.put,
                &mut item.post,
                &mut item.delete,
                &mut item.patch,
            ];
            for operation in operations.into_iter().flatten() {
                document(operation);
            }
        }
    }
}

fn document(operation: &mut Operation) {
    let parameters = operation.parameters.as_deref().unwrap_or_default();
    let has = |place: ParameterIn| parameters.iter().any(|p| p.parameter_in == place);
    let mut errors: Vec<(&str, &str)> = Vec::new();
    if operation.security.as_ref().is_some_and(|s| !s.is_empty()) {
        errors.push((
            "401",
            "`unauthorized`: no bearer token, or an invalid or expired one",
        ));
    }
    if has(ParameterIn::Path) {
        errors.push(("400", "`invalid_path`: a path segment of the wrong form"));
    }
    if has(ParameterIn::Query) {
        errors.push((
            "400",
            "`invalid_query`: an unknown or malformed query parameter",
        ));
    }
    if parameters
        .iter()
        .any(|p| p.name.eq_ignore_ascii_case("idempotency-key"))
    {
        errors.push(("400", "`invalid_idempotency_key`"));
    }
    if let Some(body) = &operation.request_body {
        errors.push(("413", "`body_too_large`"));
        if body.content.keys().any(|media| media.ends_with("json")) {
            errors.push(("400", "`malformed_json`: the body is not JSON"));
            errors.push((
                "415",
                "`unsupported_media_type`: the body is not sent as JSON",
            ));
            errors.push(("422", "`invalid_body`: JSON of the wrong shape"));
        }
    }
    // One entry per status; a status the handler documents itself keeps its own text.
    let mut by_status: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for (status, description) in errors {
        by_status.entry(status).or_default().push(description);
    }
    let responses = &mut operation.responses.responses;
    for (status, descriptions) in by_status {
        responses.entry(status.to_owned()).or_insert_with(|| {
            ResponseBuilder::new()
                .description(descriptions.join("; "))
                .content(
                    "application/problem+json",
                    ContentBuilder::new()
                        .schema(Some(Ref::from_schema_name("Problem")))
                        .build(),
                )
                .into()
        });
    }
}

#[cfg(test)]
mod tests {
    use crate::openapi::ApiDoc;
    use serde_json::Value;
    use utoipa::OpenApi;

    fn document() -> Value {
        serde_json::to_value(ApiDoc::openapi()).unwrap()
    }

    fn problem_answer(doc: &Value, method: &str, path: &str, status: &str) -> bool {
        doc["paths"][path][method]["responses"][status]["content"]["application/problem+json"]
            ["schema"]
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
        for (method, path) in [
            ("get", "/v1/auth/login"),
            ("get", "/v1/auth/callback"),
            ("post", "/v1/dossiers"),
            ("post", "/v1/counter/dossiers"),
            ("post", "/v1/dossiers/{id}/submit"),
        ] {
            assert!(
                problem_answer(&doc, method, path, "429"),
                "{method} {path} has no 429"
            );
        }
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
}
