//! The console's side of CSRF protection (the token and its check are motcua-web's): a
//! handler gets a form's fields only through [`Checked`], or checks a multipart form's token
//! with [`checked_token`], before calling any use case; a refusal is the console's page.

use crate::error::PageError;
use crate::staff::Staff;
use axum::extract::{FromRequest, Request};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use motcua_web::csrf::{self as web, CsrfToken, Visitor};
use serde::de::DeserializeOwned;

pub use motcua_web::csrf::FIELD;

impl Visitor for Staff {
    fn csrf(&self) -> &CsrfToken {
        &self.csrf
    }

    fn refusal(&self, status: StatusCode, message: String) -> Response {
        PageError::new(status, message)
            .for_staff(self)
            .into_response()
    }
}

/// The refusal of a form without the session's token: nothing was done.
pub fn refused(staff: &Staff) -> PageError {
    PageError::new(StatusCode::FORBIDDEN, web::FORGED).for_staff(staff)
}

/// Whether `sent` is the session's token.
pub fn checked_token(staff: &Staff, sent: Option<&str>) -> Result<(), PageError> {
    match sent {
        Some(sent) if staff.csrf.matches(sent) => Ok(()),
        _ => Err(refused(staff)),
    }
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
        let web::Checked { visitor, form } =
            web::Checked::<Staff, T>::from_request(request, state).await?;
        Ok(Checked {
            staff: visitor,
            form,
        })
    }
}
