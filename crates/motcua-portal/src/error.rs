//! Pages that say what went wrong, in Vietnamese, with the right status: a refusal of the
//! engine (a [`ServiceError`]), a forged form, a page that does not exist. Another
//! citizen's dossier is "not found", never "forbidden": its existence is not told either.
//! Never a stack trace, never a bare 500.

use crate::citizen::Citizen;
use crate::lang::t;
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

/// The engine's refusal in plain words. In Vietnamese, the use case's Vietnamese sentence;
/// in English, the engine's own detail (written for developers, but English); and the
/// code to quote when asking for help.
fn explain(error: &ServiceError) -> String {
    let english = crate::lang::is_english();
    let lead = match error.code {
        Code::DossierNotFound | Code::NotFound => t("Không tìm thấy hồ sơ.", "Dossier not found."),
        Code::ProcedureNotFound => t("Không có thủ tục này.", "No such procedure."),
        Code::DossierAnonymised => t(
            "Hồ sơ đã hết thời hạn lưu trữ; thông tin cá nhân trong hồ sơ đã được xoá.",
            "The dossier's retention period has ended; its personal data was erased.",
        ),
        Code::InternalError => return t(UNEXPECTED.0, UNEXPECTED.1).to_owned(),
        // The use case's own words: the window's dates, the VNeID level asked, what is
        // missing.
        _ if english => error.detail.as_str(),
        _ => error.vietnamese_detail(),
    };
    let problems: Vec<String> = error
        .errors
        .iter()
        .map(|p| {
            if english {
                format!("{}: {}", p.pointer, p.message)
            } else {
                p.vietnamese_sentence()
            }
        })
        .collect();
    let problems = if problems.is_empty() {
        String::new()
    } else {
        format!(" {}", problems.join(" "))
    };
    format!(
        "{lead}{problems} ({}{})",
        t("Mã lỗi: ", "Error code: "),
        error.code.as_str()
    )
}

impl IntoResponse for PageError {
    fn into_response(self) -> Response {
        let body = html! {
            div class="error-summary" role="alert" {
                h2 { (t("Không thực hiện được", "This could not be done")) }
                p { (self.message) }
            }
            p { a href="/portal/" { (t("Về danh mục thủ tục", "Back to the procedures")) } }
        };
        let title = match self.status {
            StatusCode::NOT_FOUND => t("Không tìm thấy", "Not found"),
            s if s.is_server_error() => t("Lỗi hệ thống", "System error"),
            _ => t("Không thực hiện được", "This could not be done"),
        };
        (self.status, page::layout(title, self.who.as_deref(), body)).into_response()
    }
}

pub async fn not_found() -> PageError {
    PageError::new(StatusCode::NOT_FOUND, no_such_page())
}

const NO_SUCH_PAGE: (&str, &str) = ("Không có trang này.", "There is no such page.");
const UNEXPECTED: (&str, &str) = (
    "Đã xảy ra lỗi ngoài dự kiến; lỗi đã được ghi lại.",
    "Something unexpected went wrong; it has been logged.",
);

/// "There is no such page", in the request's language.
pub fn no_such_page() -> &'static str {
    t(NO_SUCH_PAGE.0, NO_SUCH_PAGE.1)
}

/// A panic is a bug: logged, and the page says only that something went wrong.
pub fn panic_page(cause: Box<dyn Any + Send + 'static>) -> Response {
    tracing::error!(
        error.message = %motcua_web::panic_message(cause.as_ref()),
        "panic in a portal page"
    );
    PageError::new(
        StatusCode::INTERNAL_SERVER_ERROR,
        t(UNEXPECTED.0, UNEXPECTED.1),
    )
    .into_response()
}
