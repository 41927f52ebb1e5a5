//! The frame of every page: the header with who is logged in (name, agency, roles) and the
//! logout form, the main content, the console's own stylesheet.

use crate::csrf;
use crate::staff::Staff;
use crate::words;
use axum::response::Response;
use maud::{html, Markup, DOCTYPE};

/// Who the header names, and the token of its logout form.
#[derive(Debug, Clone)]
pub struct Who {
    name: String,
    username: String,
    agency: String,
    roles: Vec<String>,
    csrf: String,
}

impl Who {
    pub fn of(staff: &Staff) -> Who {
        Who {
            name: staff.session.name.clone(),
            username: staff.session.sub.clone(),
            agency: staff.session.agency.clone(),
            roles: staff.session.roles.clone(),
            csrf: staff.csrf.as_str().to_owned(),
        }
    }
}

/// A whole page.
pub fn layout(title: &str, who: Option<&Who>, main: Markup) -> Markup {
    html! {
        (DOCTYPE)
        html lang="vi" {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (title) " – Một cửa điện tử" }
                link rel="stylesheet" href="/console/style.css";
            }
            body {
                a class="skip" href="#main" { "Chuyển đến nội dung chính" }
                header class="top" {
                    a class="brand" href="/console/" { "Một cửa điện tử" }
                    @if let Some(who) = who {
                        div class="who" id="who" {
                            span class="who-name" { (who.name) }
                            " (" span class="who-user" { (who.username) } ")"
                            " · Cơ quan: " span class="who-agency" { (who.agency) }
                            " · Vai trò: " span class="who-roles" {
                                @for (i, role) in who.roles.iter().enumerate() {
                                    @if i > 0 { ", " }
                                    (words::role(role))
                                }
                            }
                        }
                        form method="post" action="/console/logout" class="logout" {
                            input type="hidden" name=(csrf::FIELD) value=(who.csrf);
                            button type="submit" { "Đăng xuất" }
                        }
                    }
                }
                @if let Some(who) = who {
                    (nav(who))
                }
                main id="main" tabindex="-1" {
                    h1 { (title) }
                    (main)
                }
            }
        }
    }
}

/// The console's sections, as the member of staff's roles open them: the counter is the
/// desk clerks'; reports are every staff member's (their own agency, or any for a
/// supervisor), as the API's reports are.
fn nav(who: &Who) -> Markup {
    let clerk = who.roles.iter().any(|r| r == "desk_clerk");
    html! {
        nav class="sections" aria-label="Chức năng" {
            ul {
                li { a href="/console/" { "Hàng đợi" } }
                @if clerk { li { a href="/console/counter" id="nav-counter" { "Tiếp nhận tại quầy" } } }
                li { a href="/console/reports" id="nav-reports" { "Báo cáo" } }
            }
        }
    }
}

/// The console's stylesheet: motcua-web's base, then the console's own rules.
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
