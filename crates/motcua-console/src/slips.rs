//! The slips of TT 03/2025 (Mẫu 01–06) issued for a dossier, as the console lists and
//! prints them: the list on the dossier's page, and each slip as a print-ready page in
//! motcua-web's layout (`motcua_web::slips`, shared with the portal). What a slip says is
//! the slip use case's.

use crate::dates;
use crate::dossier::dossier_id;
use crate::error::PageError;
use crate::staff::Staff;
use crate::Engine;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Response};
use maud::{html, Markup, DOCTYPE};
use motcua_service::slips::{self, SlipList};

/// The slips issued for a dossier, as links, for the dossier's page.
pub fn list(id: uuid::Uuid, slips: &SlipList) -> Markup {
    html! {
        section aria-labelledby="h-slips" id="slips" {
            h2 id="h-slips" { "Phiếu đã ban hành" }
            @if slips.items.is_empty() {
                p { "Chưa có phiếu nào." }
            } @else {
                ul {
                    @for slip in &slips.items {
                        li {
                            a href=(format!("/console/dossiers/{id}/slips/{}", slip.kind)) data-slip=(slip.kind) {
                                (slip.form) ": " (slip.title)
                            }
                            " — " (dates::date_time(slip.issued_at))
                        }
                    }
                }
            }
        }
    }
}

pub async fn page<E: Engine>(
    State(engine): State<E>,
    staff: Staff,
    Path((id, kind)): Path<(String, String)>,
) -> Response {
    let id = match dossier_id(&id, &staff) {
        Ok(id) => id,
        Err(e) => return e.into_response(),
    };
    let slip = match slips::slip(engine.services(), &staff.principal, id, &kind).await {
        Ok(slip) => slip,
        Err(e) => return PageError::service(&e, &staff).into_response(),
    };
    html! {
        (DOCTYPE)
        html lang="vi" {
            head {
                meta charset="utf-8";
                title { (motcua_web::slips::title(&slip)) }
                link rel="stylesheet" href="/console/style.css";
            }
            body class="slip-page" {
                nav class="slip-tools" {
                    a href=(format!("/console/dossiers/{id}")) { "← Về hồ sơ" }
                    " · In phiếu bằng lệnh In của trình duyệt (Ctrl+P)."
                }
                (motcua_web::slips::document(&slip, &kind, crate::words::action))
            }
        }
    }
    .into_response()
}
