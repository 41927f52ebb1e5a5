//! The frame of every portal page: the header (the portal's name, the citizen's name and the
//! logout form, or the login link; the language switch), the sections, the main content; and the stylesheet
//! (motcua-web's base, then the portal's own rules for small screens).

use crate::citizen::Citizen;
use crate::lang;
use axum::response::Response;
use maud::{html, Markup, DOCTYPE};
use motcua_web::csrf;

/// Who the header names, and the token of its logout form.
#[derive(Debug, Clone)]
pub struct Who {
    name: String,
    csrf: String,
}

impl Who {
    pub fn of(citizen: &Citizen) -> Who {
        Who {
            name: citizen.session.name.clone(),
            csrf: citizen.csrf.as_str().to_owned(),
        }
    }
}

/// A whole page titled `title`, for `who` (nobody logged in: `None`).
pub fn layout(title: &str, who: Option<&Who>, main: Markup) -> Markup {
    let w = lang::words();
    html! {
        (DOCTYPE)
        html lang=(lang::lang().code()) {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (title) " – " (w.site) }
                link rel="stylesheet" href="/portal/style.css";
            }
            body class="portal" {
                a class="skip" href="#main" { (w.skip) }
                header class="top" {
                    a class="brand" href="/portal/" { (w.site) }
                    @if let Some(who) = who {
                        div class="who" id="who" {
                            span class="who-name" { (who.name) }
                        }
                        form method="post" action="/portal/dang-xuat" class="logout" {
                            input type="hidden" name=(csrf::FIELD) value=(who.csrf);
                            button type="submit" { (w.log_out) }
                        }
                    } @else {
                        div class="who" {}
                        a class="login-link" id="login-link" href="/portal/dang-nhap" { (w.log_in) }
                    }
                    a class="lang" id="lang-switch" href=(lang::switch_href()) lang=(w.other_language_code) hreflang=(w.other_language_code) { (w.other_language) }
                }
                nav class="sections" aria-label=(w.sections) {
                    ul {
                        li { a href="/portal/" { (w.procedures) } }
                        li { a href="/portal/ho-so" id="nav-dossiers" { (w.my_dossiers) } }
                    }
                }
                main id="main" tabindex="-1" {
                    h1 { (title) }
                    @if let Some(note) = w.procedure_texts_note {
                        p class="lang-note" id="lang-note" { (note) }
                    }
                    (main)
                }
            }
        }
    }
}

/// The portal's stylesheet: motcua-web's base, then the portal's own rules.
pub async fn stylesheet() -> Response {
    static CSS: std::sync::LazyLock<String> = std::sync::LazyLock::new(|| {
        [
            motcua_web::BASE_CSS,
            motcua_web::slips::SLIP_CSS,
            include_str!("style.css"),
        ]
        .concat()
    });
    motcua_web::headers::stylesheet(CSS.as_str())
}
