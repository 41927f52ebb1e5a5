//! A document's bytes as a page's link answers them (the console's and the portal's
//! downloads): its declared type, a file name that fits the header, and a policy under
//! which nothing in it runs, even opened in the browser.

use axum::body::Body;
use axum::http::header::{
    CONTENT_DISPOSITION, CONTENT_SECURITY_POLICY, CONTENT_TYPE, X_CONTENT_TYPE_OPTIONS,
    X_FRAME_OPTIONS,
};
use axum::http::HeaderValue;
use axum::response::{IntoResponse, Response};

/// `body` as the file `file_name` of type `content_type`, saved (`inline`: shown in the
/// page, a preview in a frame of the engine's own pages).
pub fn file(body: Body, content_type: &str, file_name: &str, inline: bool) -> Response {
    let mut response = body.into_response();
    let headers = response.headers_mut();
    headers.insert(
        CONTENT_TYPE,
        HeaderValue::from_str(content_type)
            .unwrap_or_else(|_| HeaderValue::from_static("application/octet-stream")),
    );
    let disposition = if inline { "inline" } else { "attachment" };
    headers.insert(
        CONTENT_DISPOSITION,
        HeaderValue::from_str(&format!(
            "{disposition}; filename=\"{}\"",
            ascii_file_name(file_name)
        ))
        .unwrap_or_else(|_| HeaderValue::from_static("attachment")),
    );
    // The engine's own pages may show it in a frame; nothing in it may run.
    headers.insert(
        CONTENT_SECURITY_POLICY,
        HeaderValue::from_static("default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; frame-ancestors 'self'; sandbox"),
    );
    headers.insert(X_FRAME_OPTIONS, HeaderValue::from_static("SAMEORIGIN"));
    headers.insert(X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    response
}

/// A file name that fits a quoted header parameter: other characters become `_`.
fn ascii_file_name(name: &str) -> String {
    name.chars()
        .map(|c| {
            if c.is_ascii_graphic() && c != '"' && c != '\\' || c == ' ' {
                c
            } else {
                '_'
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_name_is_kept_in_ascii_and_quotes_cannot_end_it() {
        assert_eq!(ascii_file_name("bằng \"x\".pdf"), "b_ng _x_.pdf");
        let answer = file(Body::empty(), "application/pdf", "a.pdf", false);
        assert_eq!(
            answer.headers()[CONTENT_DISPOSITION],
            "attachment; filename=\"a.pdf\""
        );
    }
}
