//! The 503 `overloaded` every operation of the API can answer when the engine is past its
//! capacity (`crate::admission`), documented once here instead of on every handler: a new
//! handler cannot forget it, and a 503 some handler documents already (e.g.
//! `register_unavailable`) names `overloaded` beside its own codes.

use utoipa::openapi::header::HeaderBuilder;
use utoipa::openapi::path::Operation;
use utoipa::openapi::{Object, RefOr, ResponseBuilder, Type};
use utoipa::Modify;

const OVERLOADED: &str = "`overloaded`: the engine is at capacity and did not take the \
                          request on (nothing was done); send it again after `Retry-After`";

pub struct Overload;

impl Modify for Overload {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        super::for_each_operation(openapi, document);
    }
}

fn retry_after() -> utoipa::openapi::header::Header {
    HeaderBuilder::new()
        .schema(Object::with_type(Type::Integer))
        .description(Some("seconds to wait before sending the request again"))
        .build()
}

fn document(operation: &mut Operation) {
    let responses = &mut operation.responses.responses;
    match responses.get_mut("503") {
        Some(RefOr::T(response)) => {
            response.description = if response.description.trim().is_empty() {
                OVERLOADED.to_owned()
            } else {
                format!("{}; {OVERLOADED}", response.description)
            };
            response
                .content
                .entry("application/problem+json".to_owned())
                .or_insert_with(super::problem_content);
            response
                .headers
                .entry("Retry-After".to_owned())
                .or_insert_with(retry_after);
        }
        // A shared response component: none is used; left as it is.
        Some(RefOr::Ref(_)) => {}
        None => {
            responses.insert(
                "503".to_owned(),
                ResponseBuilder::new()
                    .description(OVERLOADED)
                    .content("application/problem+json", super::problem_content())
                    .header("Retry-After", retry_after())
                    .into(),
            );
        }
    }
}
