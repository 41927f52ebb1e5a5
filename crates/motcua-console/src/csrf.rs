//! CSRF protection for every form that changes something: the form carries a token derived
//! from the session's random id with the console's CSRF key (`HMAC(csrf key, sid)`), and
//! the handler gets the form's fields only through [`Checked`] or [`checked_token`], which
//! compare it with the session's in constant time. Another site can make a logged-in
//! browser post, but cannot read the token; a post without it is refused before anything
//! is done. The token stays the same while the session lives, so a page left open in
//! another tab still posts.

use crate::error::PageError;
use crate::keys::Keys;
use crate::session::Session;
use crate::staff::Staff;
use axum::extract::{Form, FromRequest, FromRequestParts, Request};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use serde::de::DeserializeOwned;
use serde::Deserialize;
use subtle::ConstantTimeEq;

/// The form field that carries the token.
pub const FIELD: &str = "_csrf";

/// The session's CSRF token, as its forms carry it.
#[derive(Debug, Clone)]
pub struct CsrfToken(String);

impl CsrfToken {
    pub fn of(keys: &Keys, session: &Session) -> CsrfToken {
        CsrfToken(URL_SAFE_NO_PAD.encode(keys.csrf.sign(session.sid.as_bytes())))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    fn matches(&self, sent: &str) -> bool {
        self.0.as_bytes().ct_eq(sent.as_bytes()).into()
    }
}

/// The refusal of a form without the session's token: nothing was done.
pub fn refused(staff: &Staff) -> PageError {
    PageError::new(
        StatusCode::FORBIDDEN,
        "Biểu mẫu không có mã chống giả mạo hợp lệ (CSRF): yêu cầu bị từ chối, không có gì \
         thay đổi. Hãy mở lại trang và thực hiện lại.",
    )
    .for_staff(staff)
}

/// Whether `sent` is the session's token.
pub fn checked_token(staff: &Staff, sent: Option<&str>) -> Result<(), PageError> {
    match sent {
        Some(sent) if staff.csrf.matches(sent) => Ok(()),
        _ => Err(refused(staff)),
    }
}

#[derive(Deserialize)]
struct WithToken<T> {
    #[serde(rename = "_csrf")]
    token: Option<String>,
    #[serde(flatten)]
    form: T,
}

/// A URL-encoded form of a logged-in member of staff whose token was checked.
pub struct Checked<T> {
    pub staff: Staff,
    pub form: T,
}

impl<S, T> FromRequest<S> for Checked<T>
where
    S: Send + Sync,
    T: DeserializeOwned + Send,
{
    type Rejection = Response;

    async fn from_request(request: Request, state: &S) -> Result<Self, Response> {
        let (mut parts, body) = request.into_parts();
        let staff = Staff::from_request_parts(&mut parts, state).await?;
        let request = Request::from_parts(parts, body);
        let form = Form::<WithToken<T>>::from_request(request, state).await;
        let form = match form {
            Ok(Form(form)) => form,
            Err(rejection) => {
                // No token, no look at why the rest did not parse: refused as forged.
                return Err(PageError::new(
                    StatusCode::BAD_REQUEST,
                    format!("Biểu mẫu không đọc được: {}", rejection.body_text()),
                )
                .for_staff(&staff)
                .into_response());
            }
        };
        checked_token(&staff, form.token.as_deref()).map_err(IntoResponse::into_response)?;
        Ok(Checked {
            staff,
            form: form.form,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_token_is_the_sessions_own() {
        let keys = Keys::from_secret(b"0123456789abcdef0123456789abcdef");
        let mut session = Session {
            sub: "a".into(),
            name: "A".into(),
            agency: "X".into(),
            roles: vec![],
            sid: "one".into(),
            login_at: 0,
            seen_at: 0,
        };
        let token = CsrfToken::of(&keys, &session);
        assert!(token.matches(token.as_str()));
        assert!(!token.matches(""));
        session.sid = "two".into();
        assert!(!CsrfToken::of(&keys, &session).matches(token.as_str()));
    }
}
