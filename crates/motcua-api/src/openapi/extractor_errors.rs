//! The errors every operation can answer because of how it reads its request (the
//! extractors of `crate::extract`, the text check of `crate::storable_text`), documented once here instead of on every handler, so a
//! new handler cannot forget them and clients (and the fuzzing in
//! tests/tests/suite/schemathesis.rs) know each answer they may get.

use std::collections::BTreeMap;
use utoipa::openapi::path::{Operation, ParameterIn};
use utoipa::openapi::ResponseBuilder;
use utoipa::Modify;

pub struct ExtractorErrors;

impl Modify for ExtractorErrors {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        super::for_each_operation(openapi, document);
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
    // Any request may carry a query string, declared or not (`crate::storable_text`).
    errors.push((
        "422",
        "`unstorable_text`: a parameter, path segment or body string holds a NUL (U+0000), \
         an unpaired surrogate or, in the query or path, bytes that are not UTF-8",
    ));
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
                .content("application/problem+json", super::problem_content())
                .into()
        });
    }
}
