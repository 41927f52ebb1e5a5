//! The language of the API's problems: Vietnamese when the request prefers it
//! (`Accept-Language: vi`), English otherwise, as always. Only problems have words to
//! translate; every other answer is data and is left as it is.
//!
//! [`ApiError`](crate::error::ApiError) writes its English body and leaves the same problem
//! in Vietnamese in the response's extensions ([`InVietnamese`]); this layer, around the
//! whole API, swaps the body when the request asked for Vietnamese, and says on every
//! problem which language it is in (`Content-Language`) and that it depends on
//! `Accept-Language` (`Vary`). A problem the last-resort layer (`problem_only`) makes goes
//! through `ApiError` too, so it is translated alike.

use crate::error::Problem;
use axum::body::Body;
use axum::extract::Request;
use axum::http::{header, HeaderMap, HeaderValue};
use axum::middleware::Next;
use axum::response::Response;
use std::sync::Arc;

/// A language the API's problems are written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Language {
    English,
    Vietnamese,
}

impl Language {
    /// Its tag in `Content-Language`.
    pub fn tag(self) -> &'static str {
        match self {
            Language::English => "en",
            Language::Vietnamese => "vi",
        }
    }

    /// The language `Accept-Language` prefers of the two the API speaks (RFC 9110 §12.5.4):
    /// the ranges by quality, highest first (the crate keeps the header's order among equal
    /// ones); a quality of 0 means "not this one"; `vi-VN` is Vietnamese, `en-GB` English,
    /// and `*` or nothing the API speaks is answered in English, the default.
    pub fn preferred(headers: &HeaderMap) -> Language {
        let Some(asked) = headers
            .get(header::ACCEPT_LANGUAGE)
            .and_then(|v| v.to_str().ok())
        else {
            return Language::English;
        };
        accept_language::parse_with_quality(asked)
            .into_iter()
            .filter(|(_, quality)| *quality > 0.0)
            .find_map(|(range, _)| {
                let primary = range.split('-').next().unwrap_or_default();
                if primary.eq_ignore_ascii_case("vi") {
                    Some(Language::Vietnamese)
                } else if primary.eq_ignore_ascii_case("en") || primary == "*" {
                    Some(Language::English)
                } else {
                    None
                }
            })
            .unwrap_or(Language::English)
    }
}

/// A problem's body in Vietnamese, left by [`ApiError`](crate::error::ApiError) beside the
/// English one it answers with.
#[derive(Debug, Clone)]
pub struct InVietnamese(pub Arc<Problem>);

/// The layer: a problem in the language the request prefers, saying which.
pub async fn answer_in_language(request: Request, next: Next) -> Response {
    let language = Language::preferred(request.headers());
    let mut response = next.run(request).await;
    let Some(InVietnamese(vietnamese)) = response.extensions_mut().remove::<InVietnamese>() else {
        return response;
    };
    let language = match (language, serde_json::to_vec(vietnamese.as_ref())) {
        (Language::Vietnamese, Ok(body)) => {
            response.headers_mut().remove(header::CONTENT_LENGTH);
            *response.body_mut() = Body::from(body);
            Language::Vietnamese
        }
        // Not asked, or (never seen) not writable: the English answer stands.
        _ => Language::English,
    };
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_LANGUAGE,
        HeaderValue::from_static(language.tag()),
    );
    headers.append(header::VARY, HeaderValue::from_static("accept-language"));
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    fn preferred(value: &str) -> Language {
        let mut headers = HeaderMap::new();
        headers.insert(
            header::ACCEPT_LANGUAGE,
            HeaderValue::from_str(value).unwrap(),
        );
        Language::preferred(&headers)
    }

    #[test]
    fn vietnamese_when_preferred_by_quality_english_otherwise() {
        use Language::{English, Vietnamese};
        assert_eq!(Language::preferred(&HeaderMap::new()), English);
        for (asked, expected) in [
            ("vi", Vietnamese),
            ("vi-VN", Vietnamese),
            ("VI", Vietnamese),
            ("en", English),
            ("en-US,en;q=0.9", English),
            ("en;q=0.5, vi;q=0.8", Vietnamese),
            ("vi;q=0.5, en;q=0.8", English),
            ("vi, en", Vietnamese),
            ("en, vi", English),
            ("fr-FR, vi;q=0.7, en;q=0.3", Vietnamese),
            ("vi;q=0, en", English),
            ("vi;q=0", English),
            ("*", English),
            ("fr", English),
            ("", English),
            ("vi;q=abc", English),
        ] {
            assert_eq!(preferred(asked), expected, "Accept-Language: {asked}");
        }
    }
}
