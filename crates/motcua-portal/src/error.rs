//! Pages that say what went wrong, in Vietnamese, with the right status: a refusal of the
//! engine (a [`ServiceError`]), a forged form, a page that does not exist. Another
//! citizen's dossier is "not found", never "forbidden": its existence is not told either.
//! Never a stack trace, never a bare 500.

use crate::citizen::Citizen;
use crate::page;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use maud::html;
use motcua_service::{Code, ServiceError};
use std::any::Any;

#[derive(Debug)]
pub struct PageError {
    pub status: StatusCode,
    pub message: String,
    /// Who sees it, for the page's header (none before login). Boxed: errors travel in
    /// `Result`s, and most have none.
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

    pub fn for_citizen(mut self, citizen: &Citizen) -> PageError {
        self.who = Some(Box::new(page::Who::of(citizen)));
        self
    }

    /// The engine's refusal, said to a citizen.
    pub fn service(error: &ServiceError, citizen: Option<&Citizen>) -> PageError {
        let status =
            StatusCode::from_u16(error.code.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let error = PageError::new(status, explain(error));
        match citizen {
            Some(citizen) => error.for_citizen(citizen),
            None => error,
        }
    }
}

/// The engine's refusal in plain words. The engine's detail is for developers (English,
/// naming fields): a citizen reads the Vietnamese sentence and the code to quote when
/// asking for help.
fn explain(error: &ServiceError) -> String {
    let lead = match error.code {
        Code::DossierNotFound | Code::NotFound => "Không tìm thấy hồ sơ.",
        Code::ProcedureNotFound => "Không có thủ tục này.",
        Code::DossierAnonymised => {
            "Hồ sơ đã hết thời hạn lưu trữ; thông tin cá nhân trong hồ sơ đã được xoá."
        }
        Code::InternalError => return "Đã xảy ra lỗi ngoài dự kiến; lỗi đã được ghi lại.".into(),
        // The use case's own words: the window's dates, the VNeID level asked, what is
        // missing.
        _ => error.vietnamese_detail(),
    };
    let problems: Vec<String> = error
        .errors
        .iter()
        .map(|p| p.vietnamese_sentence())
        .collect();
    let problems = if problems.is_empty() {
        String::new()
    } else {
        format!(" {}", problems.join(" "))
    };
    format!("{lead}{problems} (Mã lỗi: {})", error.code.as_str())
}

impl IntoResponse for PageError {
    fn into_response(self) -> Response {
        let body = html! {
            div class="error-summary" role="alert" {
                h2 { "Không thực hiện được" }
                p { (self.message) }
            }
            p { a href="/portal/" { "Về danh mục thủ tục" } }
        };
        let title = match self.status {
            StatusCode::NOT_FOUND => "Không tìm thấy",
            s if s.is_server_error() => "Lỗi hệ thống",
            _ => "Không thực hiện được",
        };
        (self.status, page::layout(title, self.who.as_deref(), body)).into_response()
    }
}

pub async fn not_found() -> PageError {
    PageError::new(StatusCode::NOT_FOUND, "Không có trang này.")
}

/// A panic is a bug: logged, and the page says only that something went wrong.
pub fn panic_page(cause: Box<dyn Any + Send + 'static>) -> Response {
    tracing::error!(
        error.message = %motcua_web::panic_message(cause.as_ref()),
        "panic in a portal page"
    );
    PageError::new(
        StatusCode::INTERNAL_SERVER_ERROR,
        "Đã xảy ra lỗi ngoài dự kiến; lỗi đã được ghi lại.",
    )
    .into_response()
}
