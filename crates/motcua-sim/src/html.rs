//! The few HTML pages the provider shows a person: escaping and the page frame.

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use std::fmt::Write;

/// Escapes text for an HTML element body or a double- or single-quoted attribute value.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// A whole page. `title` is escaped here; `body` must already be safe HTML.
pub fn page(status: StatusCode, title: &str, body: &str) -> Response {
    let mut html = String::new();
    // `write!` into a String cannot fail.
    let _ = write!(
        html,
        r#"<!doctype html>
<html lang="vi">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
<style>
body {{ font-family: system-ui, sans-serif; max-width: 34rem; margin: 2rem auto; padding: 0 1rem; color: #222; }}
.banner {{ background: #fff3cd; border: 1px solid #e0b000; padding: .6rem .8rem; border-radius: 4px; }}
.error {{ background: #fde2e1; border: 1px solid #c0392b; padding: .6rem .8rem; border-radius: 4px; }}
label {{ display: block; margin-top: .8rem; }}
input[type=text], input[type=password] {{ width: 100%; padding: .4rem; box-sizing: border-box; }}
button {{ margin-top: 1rem; padding: .5rem 1.2rem; }}
table {{ border-collapse: collapse; font-size: .9rem; margin-top: .5rem; }}
td, th {{ border-bottom: 1px solid #ddd; padding: .2rem .5rem; text-align: left; }}
</style>
</head>
<body>
<p class="banner"><strong>Simulator / Mô phỏng VNeID</strong>: không phải VNeID thật, chỉ dùng để phát triển và kiểm thử.
Not the real VNeID: for development and tests only.</p>
{body}
</body>
</html>
"#,
        title = escape(title),
    );
    let mut response = (status, html).into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/html; charset=utf-8"),
    );
    // A login page must not be cached (it may show a username) nor framed (clickjacking).
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(
            "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'",
        ),
    );
    headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup_and_quotes() {
        assert_eq!(
            escape(r#"<a href="x">'&'</a>"#),
            "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;"
        );
        assert_eq!(escape("Nguyễn Đức Minh"), "Nguyễn Đức Minh");
    }
}
