//! The frame of every portal page: the header (the portal's name, the citizen's name and the
//! logout form, or the login link), the sections, the main content; and the stylesheet
//! (motcua-web's base, then the portal's own rules for small screens).

use crate::citizen::Citizen;
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
    html! {
        (DOCTYPE)
        html lang="vi" {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (title) " – Cổng dịch vụ công" }
                link rel="stylesheet" href="/portal/style.css";
            }
            body class="portal" {
                a class="skip" href="#main" { "Chuyển đến nội dung chính" }
                header class="top" {
                    a class="brand" href="/portal/" { "Cổng dịch vụ công" }
                    @if let Some(who) = who {
                        div class="who" id="who" {
                            span class="who-name" { (who.name) }
                        }
                        form method="post" action="/portal/dang-xuat" class="logout" {
                            input type="hidden" name=(csrf::FIELD) value=(who.csrf);
                            button type="submit" { "Đăng xuất" }
                        }
                    } @else {
                        div class="who" {}
                        a class="login-link" id="login-link" href="/portal/dang-nhap" { "Đăng nhập" }
                    }
                }
                nav class="sections" aria-label="Mục chính" {
                    ul {
                        li { a href="/portal/" { "Thủ tục hành chính" } }
                        li { a href="/portal/ho-so" id="nav-dossiers" { "Hồ sơ của tôi" } }
                    }
                }
                main id="main" tabindex="-1" {
                    h1 { (title) }
                    (main)
                }
            }
        }
    }
}

/// The portal's stylesheet: motcua-web's base, then the portal's own rules.
pub async fn stylesheet() -> Response {
    static CSS: std::sync::LazyLock<String> =
        std::sync::LazyLock::new(|| [motcua_web::BASE_CSS, include_str!("style.css")].concat());
    motcua_web::headers::stylesheet(CSS.as_str())
}
