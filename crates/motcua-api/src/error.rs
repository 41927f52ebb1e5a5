//! The one error type of the HTTP layer, written as RFC 9457 `application/problem+json`
//! with a stable `code`. Internal causes are logged once and never sent. The body is
//! English; the same problem in Vietnamese rides along for `crate::language`, which answers
//! with it when the request prefers Vietnamese.

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use motcua_auth::AuthError;
use motcua_service::{Code, ServiceError};
use serde::Serialize;
use utoipa::ToSchema;

pub use motcua_service::error::{DocumentRef, FieldProblem};

/// The problem+json body.
#[derive(Debug, Serialize, ToSchema)]
pub struct Problem {
    #[serde(rename = "type")]
    pub type_: String,
    pub title: String,
    pub status: u16,
    pub detail: String,
    pub code: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<FieldProblem>,
    /// With `action_not_allowed`: what the caller may do instead (possibly nothing).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub allowed_actions: Option<Vec<String>>,
    /// The documents the citizen can bring instead (when the register cannot answer).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub fallback_documents: Vec<DocumentRef>,
}

/// A problem as the use cases state it, with the status it is answered with.
#[derive(Debug)]
pub struct ApiError {
    /// The code's own status ([`Code::status`]), but in [`crate::problem_only`].
    pub status: StatusCode,
    pub problem: ServiceError,
}

impl ApiError {
    /// A problem with `code`, answered with the code's status.
    pub fn new(code: Code, detail: impl Into<String>) -> Self {
        ServiceError::new(code, detail).into()
    }

    /// Answered with `status` and not the code's own: only for [`crate::problem_only`],
    /// which keeps the status of the answer it replaces.
    pub(crate) fn with_status(mut self, status: StatusCode) -> Self {
        self.status = status;
        self
    }

    pub fn unauthorized(detail: impl Into<String>) -> Self {
        Self::new(Code::Unauthorized, detail)
    }

    /// An unexpected failure: logged with its cause, answered with an opaque 500.
    pub fn internal(cause: impl std::fmt::Display) -> Self {
        ServiceError::internal(cause).into()
    }
}

/// A use case's refusal, answered with its code's status and all it says.
impl From<ServiceError> for ApiError {
    fn from(problem: ServiceError) -> Self {
        ApiError {
            // Every code's status is a valid error status (a test below holds it to that).
            status: StatusCode::from_u16(problem.code.status())
                .unwrap_or(StatusCode::INTERNAL_SERVER_ERROR),
            problem,
        }
    }
}

/// The calendar's errors mean what they mean to a use case (`ServiceError`'s mapping).
impl From<motcua_core::calendar::CalendarError> for ApiError {
    fn from(e: motcua_core::calendar::CalendarError) -> Self {
        motcua_service::ServiceError::from(e).into()
    }
}

impl From<AuthError> for ApiError {
    fn from(e: AuthError) -> Self {
        match e {
            AuthError::InvalidToken(why) => {
                tracing::info!(reason = %why, "access token refused");
                ApiError::unauthorized("the access token is missing, invalid or expired")
            }
            AuthError::IdTokenRefused(why) => {
                tracing::warn!(reason = %why, "ID token refused");
                ApiError::new(Code::IdTokenRefused, why)
            }
            AuthError::LoginRefused(why) => ApiError::new(Code::LoginRefused, why),
            AuthError::ProviderUnavailable(why) => {
                ServiceError::unavailable("the identity provider", why).into()
            }
        }
    }
}

fn title(status: StatusCode) -> String {
    status.canonical_reason().unwrap_or("Error").to_owned()
}

/// The problem in Vietnamese: the status's title, the use case's Vietnamese detail, each
/// field's problem in a sentence that names the field by its title.
fn in_vietnamese(status: StatusCode, problem: &ServiceError) -> Problem {
    let extra = problem.extra.as_deref();
    Problem {
        type_: format!("https://motcua.invalid/problems/{}", problem.code.as_str()),
        title: motcua_service::words::status_title(status.as_u16()).to_owned(),
        status: status.as_u16(),
        detail: problem.vietnamese_detail().to_owned(),
        code: problem.code.as_str().to_owned(),
        errors: problem
            .errors
            .iter()
            .map(|e| FieldProblem {
                message: e.vietnamese_sentence(),
                ..e.clone()
            })
            .collect(),
        allowed_actions: problem.allowed_actions.clone(),
        fallback_documents: extra
            .map(|e| e.fallback_documents.clone())
            .unwrap_or_default(),
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let vietnamese = in_vietnamese(self.status, &self.problem);
        let problem = self.problem;
        let extra = problem.extra.map(|e| *e).unwrap_or_default();
        let body = Problem {
            type_: format!("https://motcua.invalid/problems/{}", problem.code.as_str()),
            title: title(self.status),
            status: self.status.as_u16(),
            detail: problem.detail,
            code: problem.code.as_str().to_owned(),
            errors: problem.errors,
            allowed_actions: problem.allowed_actions,
            fallback_documents: extra.fallback_documents,
        };
        let mut response = (self.status, axum::Json(body)).into_response();
        response.headers_mut().insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/problem+json"),
        );
        if let Some(after) = extra.retry_after {
            // Whole seconds, rounded up: "0" would invite a retry storm.
            let seconds = after.as_secs() + u64::from(after.subsec_nanos() > 0);
            if let Ok(value) = HeaderValue::from_str(&seconds.max(1).to_string()) {
                response.headers_mut().insert(header::RETRY_AFTER, value);
            }
        }
        if self.status == StatusCode::UNAUTHORIZED {
            response
                .headers_mut()
                .insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
        }
        response
            .extensions_mut()
            .insert(crate::language::InVietnamese(std::sync::Arc::new(
                vietnamese,
            )));
        response
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_code_is_answered_with_its_own_status() {
        for &code in Code::ALL {
            let error = ApiError::new(code, "d");
            assert_eq!(error.status.as_u16(), code.status(), "{code:?}");
            assert!(error.status.canonical_reason().is_some(), "{code:?}");
        }
    }

    #[tokio::test]
    async fn the_problem_on_the_wire_is_built_from_the_wire_name_and_the_status() {
        let response = ApiError::new(Code::ReusedFileTooLarge, "too big").into_response();
        assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(
            response.headers()[header::CONTENT_TYPE],
            "application/problem+json"
        );
        let body = axum::body::to_bytes(response.into_body(), 1 << 16)
            .await
            .unwrap();
        assert_eq!(
            std::str::from_utf8(&body).unwrap(),
            r#"{"type":"https://motcua.invalid/problems/file_too_large","title":"Unprocessable Entity","status":422,"detail":"too big","code":"file_too_large"}"#
        );
    }

    #[test]
    fn the_same_problem_rides_along_in_vietnamese() {
        let error = ServiceError::validation(
            "the patch does not fit the form",
            vec![
                FieldProblem::new("/copies", "\"hai\" is not of type \"integer\"").said(
                    motcua_service::Said::new("Số bản sao", "Nhập một số nguyên từ 1 đến 10."),
                ),
                FieldProblem::new("/nobody/said", "wrong"),
            ],
        );
        let response = ApiError::from(error).into_response();
        let crate::language::InVietnamese(vi) = response
            .extensions()
            .get::<crate::language::InVietnamese>()
            .cloned()
            .unwrap();
        assert_eq!(vi.title, "Dữ liệu không hợp lệ");
        assert_eq!(vi.detail, Code::ValidationFailed.vietnamese());
        assert_eq!(vi.status, 422);
        assert_eq!(vi.code, "validation_failed");
        assert_eq!(
            vi.errors[0].message,
            "Số bản sao: nhập một số nguyên từ 1 đến 10."
        );
        assert_eq!(vi.errors[0].pointer, "/copies");
        assert_eq!(vi.errors[1].message, "Giá trị không hợp lệ.");
    }
}
