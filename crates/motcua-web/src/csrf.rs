//! CSRF protection for every form that changes something: the form carries a token derived
//! from the session's random id with the pages' CSRF key (`HMAC(csrf key, sid)`), and a
//! handler gets the form's fields only through [`Checked`] (or checks the token itself with
//! [`accepts`], for a multipart form), which compares it with the session's in constant time.
//! Another site can make a logged-in browser post, but cannot read the token; a post without
//! it is refused before anything is done. The token stays the same while the session
//! lives, so a page left open in another tab still posts.

use crate::keys::Keys;
use axum::extract::{Form, FromRequest, FromRequestParts, Request};
use axum::http::StatusCode;
use axum::response::Response;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use serde::de::DeserializeOwned;
use serde::Deserialize;
use subtle::ConstantTimeEq;

/// The form field that carries the token.
pub const FIELD: &str = "_csrf";

/// What a forged form is told: nothing was changed.
pub const FORGED: &str = "Biểu mẫu không có mã chống giả mạo hợp lệ (CSRF): yêu cầu bị từ \
     chối, không có gì thay đổi. Hãy mở lại trang và thực hiện lại.";

/// The session's CSRF token, as its forms carry it.
#[derive(Debug, Clone)]
pub struct CsrfToken(String);

impl CsrfToken {
    /// The token of the session whose random id is `sid`.
    pub fn of(keys: &Keys, sid: &str) -> CsrfToken {
        CsrfToken(URL_SAFE_NO_PAD.encode(keys.csrf.sign(sid.as_bytes())))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn matches(&self, sent: &str) -> bool {
        self.0.as_bytes().ct_eq(sent.as_bytes()).into()
    }
}

/// Someone logged in to a set of pages, as its handlers take them: their token, and how
/// the pages refuse them a form (a page of their own, with their header).
pub trait Visitor: Sized {
    fn csrf(&self) -> &CsrfToken;
    fn refusal(&self, status: StatusCode, message: String) -> Response;
}

/// Whether `sent` is the visitor's token.
pub fn accepts<V: Visitor>(visitor: &V, sent: Option<&str>) -> bool {
    sent.is_some_and(|sent| visitor.csrf().matches(sent))
}

#[derive(Deserialize)]
struct WithToken<T> {
    #[serde(rename = "_csrf")]
    token: Option<String>,
    #[serde(flatten)]
    form: T,
}

/// A URL-encoded form of a logged-in visitor whose token was checked.
pub struct Checked<V, T> {
    pub visitor: V,
    pub form: T,
}

impl<S, V, T> FromRequest<S> for Checked<V, T>
where
    S: Send + Sync,
    V: Visitor + FromRequestParts<S, Rejection = Response> + Send,
    T: DeserializeOwned + Send,
{
    type Rejection = Response;

    async fn from_request(request: Request, state: &S) -> Result<Self, Response> {
        let (mut parts, body) = request.into_parts();
        let visitor = V::from_request_parts(&mut parts, state).await?;
        let request = Request::from_parts(parts, body);
        let form = match Form::<WithToken<T>>::from_request(request, state).await {
            Ok(Form(form)) => form,
            // Nothing is done with a form that does not parse, token or not.
            Err(rejection) => {
                return Err(visitor.refusal(
                    StatusCode::BAD_REQUEST,
                    format!("Biểu mẫu không đọc được: {}", rejection.body_text()),
                ))
            }
        };
        if !accepts(&visitor, form.token.as_deref()) {
            return Err(visitor.refusal(StatusCode::FORBIDDEN, FORGED.to_owned()));
        }
        Ok(Checked {
            visitor,
            form: form.form,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_token_is_the_sessions_own() {
        let keys = Keys::from_secret(b"0123456789abcdef0123456789abcdef", "motcua-console");
        let token = CsrfToken::of(&keys, "one");
        assert!(token.matches(token.as_str()));
        assert!(!token.matches(""));
        assert!(!CsrfToken::of(&keys, "two").matches(token.as_str()));
        let portal = Keys::from_secret(b"0123456789abcdef0123456789abcdef", "motcua-portal");
        assert!(!CsrfToken::of(&portal, "one").matches(token.as_str()));
    }
}
