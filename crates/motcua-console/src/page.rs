//! The frame of every page: the header with who is logged in (name, agency, roles) and the
//! logout form, the main content, the console's own stylesheet; and the headers every page
//! answers with.

use crate::csrf;
use crate::staff::Staff;
use crate::words;
use axum::extract::Request;
use axum::http::header::{CACHE_CONTROL, CONTENT_SECURITY_POLICY, CONTENT_TYPE, REFERRER_POLICY};
use axum::http::HeaderValue;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use maud::{html, Markup, PreEscaped, DOCTYPE};

/// The pages run no script and load nothing from elsewhere: a value that slipped past the
/// template's escaping still could not run. Documents are previewed from the engine itself.
const CONTENT_SECURITY_POLICY_PAGES: &str = "default-src 'none'; style-src 'self'; \
     img-src 'self'; frame-src 'self'; form-action 'self'; frame-ancestors 'none'; \
     base-uri 'none'";

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

/// Every console answer: its own content security policy and referrer policy, and no cache
/// keeps it (pages carry citizens' data).
pub async fn headers(request: Request, next: Next) -> Response {
    let mut response = next.run(request).await;
    let headers = response.headers_mut();
    // A document sent for a preview has its own.
    if !headers.contains_key(CONTENT_SECURITY_POLICY) {
        headers.insert(
            CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(CONTENT_SECURITY_POLICY_PAGES),
        );
    }
    // Not the API's `no-referrer`: under it a browser sends `Origin: null` with the pages'
    // own forms, and the origin check could not tell them from another site's. The
    // referrer still never leaves the engine's origin.
    headers.insert(REFERRER_POLICY, HeaderValue::from_static("same-origin"));
    if !headers.contains_key(CACHE_CONTROL) {
        headers.insert(CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    response
}

/// The console's stylesheet, written for it (no third-party CSS).
pub async fn stylesheet() -> Response {
    (
        [
            (
                CONTENT_TYPE,
                HeaderValue::from_static("text/css; charset=utf-8"),
            ),
            (
                CACHE_CONTROL,
                HeaderValue::from_static("public, max-age=300"),
            ),
        ],
        PreEscaped(include_str!("style.css")).0,
    )
        .into_response()
}
