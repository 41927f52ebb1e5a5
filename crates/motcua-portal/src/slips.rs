//! The slips of TT 03/2025 issued for a citizen's dossier (the receipt and appointment,
//! Mẫu 01; the supplement request, 02; the refusal, 03; the apology and new date, 04; the
//! stop notice, 05; the process-control slip, 06): listed on the dossier's page, each
//! opened as the console prints it (`/portal/ho-so/{id}/phieu/{kind}`, motcua-web's
//! layout), to print or save, or downloaded as a page that stands alone (`?tai-ve=1`: its
//! stylesheet inside). What a slip says is the slip use case's (`slips::slip`), read with
//! the citizen's principal: another citizen's dossier has no slips here (404). A slip is an
//! official form: it stays Vietnamese; the page's own words follow the language.

use crate::citizen::Citizen;
use crate::editing;
use crate::error::PageError;
use crate::lang::{self, t};
use crate::words;
use crate::Engine;
use axum::body::Body;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Response};
use maud::{html, Markup, PreEscaped, DOCTYPE};
use motcua_service::slips::{self, SlipList};
use motcua_web::dates::date_time;
use serde::Deserialize;
use uuid::Uuid;

/// The address of the slip `kind` of dossier `id`.
pub fn href(id: Uuid, kind: &str) -> String {
    format!("/portal/ho-so/{id}/phieu/{kind}")
}

/// The slips issued, on the dossier's page.
pub fn section(id: Uuid, slips: &SlipList) -> Markup {
    html! {
        @if !slips.items.is_empty() {
            section aria-labelledby="h-slips" id="slips" {
                h2 id="h-slips" { (t("Phiếu của hồ sơ", "Your dossier's slips")) }
                ul {
                    @for slip in &slips.items {
                        li {
                            a href=(href(id, &slip.kind)) data-slip=(slip.kind) lang="vi" {
                                (slip.form) ": " (slip.title)
                            }
                            span class="muted" { " — " (date_time(slip.issued_at)) }
                        }
                    }
                }
                p class="hint" {
                    (t(
                        "Mở phiếu để xem, in hoặc lưu thành tệp PDF bằng lệnh In của trình duyệt.",
                        "Open a slip to read it, print it, or save it as a PDF with your browser's Print command. Slips are official forms, in Vietnamese.",
                    ))
                }
            }
        }
    }
}

#[derive(Deserialize)]
pub struct SlipQuery {
    /// Present: the slip as a file to save, its stylesheet inside.
    #[serde(rename = "tai-ve")]
    tai_ve: Option<String>,
}

pub async fn page<E: Engine>(
    State(engine): State<E>,
    citizen: Citizen,
    Path((id, kind)): Path<(String, String)>,
    Query(query): Query<SlipQuery>,
) -> Response {
    let id = match editing::dossier_id(&id, &citizen) {
        Ok(id) => id,
        Err(e) => return e.into_response(),
    };
    let slip = match slips::slip(engine.services(), &citizen.principal, id, &kind).await {
        Ok(slip) => slip,
        Err(e) => return PageError::service(&e, Some(&citizen)).into_response(),
    };
    let document = motcua_web::slips::document(&slip, &kind, words::action);
    let title = motcua_web::slips::title(&slip);
    if query.tai_ve.is_some() {
        let css = [motcua_web::BASE_CSS, motcua_web::slips::SLIP_CSS].concat();
        let file = html! {
            (DOCTYPE)
            html lang="vi" {
                head {
                    meta charset="utf-8";
                    title { (title) }
                    style { (PreEscaped(css)) }
                }
                body class="slip-page" { (document) }
            }
        };
        let code = slip
            .get("dossier_code")
            .and_then(|c| c.as_str())
            .unwrap_or("ho-so");
        return motcua_web::download::file(
            Body::from(file.into_string()),
            "text/html; charset=utf-8",
            &format!("phieu-{kind}-{code}.html"),
            false,
        );
    }
    let w = lang::words();
    html! {
        (DOCTYPE)
        html lang="vi" {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (title) " – " (w.site) }
                link rel="stylesheet" href="/portal/style.css";
            }
            body class="slip-page portal" {
                nav class="slip-tools" aria-label=(t("Phiếu", "Slip")) lang=(lang::lang().code()) {
                    a href=(format!("/portal/ho-so/{id}")) id="back" { (t("← Về hồ sơ", "← Back to the dossier")) }
                    " · "
                    a href=(format!("{}?tai-ve=1", href(id, &kind))) id="download" download {
                        (t("Tải phiếu về", "Download the slip"))
                    }
                    " · "
                    (t(
                        "In phiếu hoặc lưu thành PDF bằng lệnh In của trình duyệt (Ctrl+P).",
                        "Print it or save it as a PDF with your browser's Print command (Ctrl+P).",
                    ))
                }
                (document)
            }
        }
    }
    .into_response()
}
