//! Pages that say what went wrong, in Vietnamese, with the right status: a refusal of the
//! engine (a [`ServiceError`], its detail kept), a forged form, a page that does not exist.
//! Never a stack trace, never a bare 500.

use crate::page;
use crate::staff::Staff;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use maud::html;
use motcua_service::{Code, ServiceError};
use std::any::Any;

#[derive(Debug)]
pub struct PageError {
    pub status: StatusCode,
    pub message: String,
    /// Who sees it, for the page's header (none before login).
    /// Boxed: errors travel in `Result`s, and most have none.
    who: Option<Box<page::Who>>,
}

impl PageError {
    pub fn new(status: StatusCode, message: impl Into<String>) -> PageError {
        PageError {
            status,
            message: message.into(),
            who: None,
        }
    }

    pub fn for_staff(mut self, staff: &Staff) -> PageError {
        self.who = Some(Box::new(page::Who::of(staff)));
        self
    }

    pub fn service(error: &ServiceError, staff: &Staff) -> PageError {
        PageError::new(status_of(error.code), explain(error)).for_staff(staff)
    }
}

/// The HTTP status the engine answers a code with.
pub fn status_of(code: Code) -> StatusCode {
    StatusCode::from_u16(code.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
}

/// The engine's refusal in words: the Vietnamese the use cases speak to every interface
/// (`motcua_service::words`), then, for staff, the code and the engine's own detail (it
/// names what exactly was wrong) when no Vietnamese said it more precisely.
pub fn explain(error: &ServiceError) -> String {
    let said = error.vietnamese_detail();
    let precise = error.extra.as_ref().is_some_and(|e| e.vietnamese.is_some());
    if error.code == Code::InternalError || precise {
        return said.to_owned();
    }
    format!("{said} ({}: {})", error.code.as_str(), error.detail)
}

impl IntoResponse for PageError {
    fn into_response(self) -> Response {
        let body = html! {
            div class="error-summary" role="alert" {
                h2 { "Không thực hiện được" }
                p { (self.message) }
            }
            p { a href="/console/" { "Về trang hàng đợi" } }
        };
        let title = if self.status.is_server_error() {
            "Lỗi hệ thống"
        } else {
            "Không thực hiện được"
        };
        (self.status, page::layout(title, self.who.as_deref(), body)).into_response()
    }
}

pub async fn not_found() -> PageError {
    PageError::new(StatusCode::NOT_FOUND, "Không có trang này.")
}

/// A panic is a bug: logged, and the page says only that something went wrong.
pub fn panic_page(cause: Box<dyn Any + Send + 'static>) -> Response {
    let message = motcua_web::panic_message(cause.as_ref());
    tracing::error!(error.message = %message, "panic in a console page");
    PageError::new(
        StatusCode::INTERNAL_SERVER_ERROR,
        "Đã xảy ra lỗi ngoài dự kiến; lỗi đã được ghi lại.",
    )
    .into_response()
}
