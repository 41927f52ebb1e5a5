//! "Ai đã xem thông tin của bạn": the citizen's access log for one dossier
//! (`access_log::of_dossier`) in sentences — who (the system at the citizen's request, or
//! a named member of staff with their role and agency), what they read, when and why.

use crate::lang::t;
use crate::words;
use maud::{html, Markup};
use motcua_core::principal::Principal;
use motcua_service::access_log::{self, AccessEntry};
use motcua_service::{ServiceError, Services};
use motcua_web::dates::date_time;
use uuid::Uuid;

/// How far back in the citizen's log the page looks for this dossier's entries.
const SCAN: i64 = 500;

/// The reads of the citizen's data for dossier `id`, newest first.
pub async fn reads_of(
    services: &Services,
    principal: &Principal,
    id: Uuid,
) -> Result<Vec<AccessEntry>, ServiceError> {
    let citizen = access_log::reader(principal)?;
    access_log::of_dossier(services, citizen, id, SCAN).await
}

pub fn section(reads: &[AccessEntry]) -> Markup {
    html! {
        section aria-labelledby="h-access" id="access-log" {
            h2 id="h-access" { (t("Ai đã xem thông tin của bạn", "Who read your data")) }
            @if reads.is_empty() {
                p { (t("Chưa ai xem thông tin của bạn trong hồ sơ này.", "Nobody has read your data for this dossier.")) }
            } @else {
                ul class="reads" { @for entry in reads { li { (sentence(entry)) } } }
            }
        }
    }
}

/// "23/11/2026 10:00 — Cán bộ motcua.tiepnhan (cán bộ tiếp nhận, SGDDT-HN) đã xem hồ sơ của
/// bạn. Mục đích: giải quyết hồ sơ."
fn sentence(e: &AccessEntry) -> Markup {
    let fields = words::register_fields(&e.fields);
    html! {
        span class="when" { (date_time(e.at)) } " — "
        @if e.actor_kind == "staff" {
            (t("Cán bộ ", "Officer ")) strong { (e.actor) }
            @if let Some(role) = &e.actor_role { " (" (words::role(role)) @if let Some(agency) = &e.actor_agency { ", " (agency) } ")" }
            (t(" đã xem ", " read "))
        } @else {
            (t("Theo yêu cầu của bạn, hệ thống đã đọc ", "At your request, the system read "))
        }
        (words::read_what(&e.source))
        @if !fields.is_empty() { " (" (fields.join(", ")) ")" }
        "."
        @if let Some(outcome) = words::outcome(&e.outcome) { (t(" Kết quả: ", " Outcome: ")) (outcome) "." }
        (t(" Mục đích: ", " Purpose: ")) (words::in_language(&e.purpose)) "."
    }
}
