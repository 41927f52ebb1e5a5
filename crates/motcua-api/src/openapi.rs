//! The OpenAPI document, generated from the handlers' annotations.

use crate::routes::{
    actions, auth, counter, documents, dossiers, dvcqg, me, notifications, outbox, payments,
    procedures, queues, reports, satisfaction, slips, verifications,
};
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};

mod extractor_errors;
mod overload;
#[cfg(test)]
mod tests;

use extractor_errors::ExtractorErrors;
use overload::Overload;

#[derive(OpenApi)]
#[openapi(
    info(title = "motcua", description = "Engine for Vietnamese online public services (dịch vụ công trực tuyến)."),
    paths(
        auth::login, auth::callback, auth::me, me::access_log,
        procedures::list, procedures::get,
        dossiers::create, dossiers::list, dossiers::get, dossiers::patch, dossiers::submit,
        actions::act, dossiers::timeline, dossiers::refresh_prefill,
        documents::upload, documents::attach_existing, documents::remove, documents::download, documents::attach_result, documents::issue_result_pdf, verifications::get, verifications::check_file, verifications::revoke, me::documents,
        queues::list, queues::claim, queues::release, queues::assign, counter::create, slips::list, slips::get, slips::pdf,
        reports::indicators_report, reports::digitisation, reports::timeliness, reports::scorecard, reports::officials, reports::public_statistics, reports::owed_list, reports::owed_report, reports::payments,
        satisfaction::questions, satisfaction::rate, satisfaction::rating, satisfaction::ratings,
        satisfaction::send, satisfaction::list, satisfaction::get, satisfaction::classify,
        satisfaction::answer, satisfaction::rate_answer,
        outbox::list, outbox::retry, outbox::drop,
        dvcqg::receive,
        payments::bill, payments::start, payments::callback,
        notifications::get_contact, notifications::set_contact, notifications::of_dossier,
    ),
    components(schemas(crate::error::Problem, crate::error::FieldProblem, crate::error::DocumentRef, documents::Delivery)),
    modifiers(&BearerAuth, &ExtractorErrors, &Overload),
    tags((name = "identity"), (name = "procedures"), (name = "dossiers"), (name = "documents"), (name = "queues"), (name = "slips"), (name = "reports"), (name = "outbox"), (name = "dvcqg"), (name = "satisfaction"), (name = "payments"), (name = "notifications"))
)]
pub struct ApiDoc;

/// Calls `document` on every operation of the document (the modifiers that add what every
/// operation can answer).
fn for_each_operation(
    openapi: &mut utoipa::openapi::OpenApi,
    mut document: impl FnMut(&mut utoipa::openapi::path::Operation),
) {
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

/// A response body of the `Problem` schema.
fn problem_content() -> utoipa::openapi::Content {
    utoipa::openapi::ContentBuilder::new()
        .schema(Some(utoipa::openapi::Ref::from_schema_name("Problem")))
        .build()
}

struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .bearer_format("JWT")
                    .build(),
            ),
        );
        // DVCQG's adapter, with the token configured as DVCQG_INBOUND_TOKEN.
        components.add_security_scheme(
            "dvcqg",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        );
    }
}
