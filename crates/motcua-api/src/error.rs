//! The one error type of the HTTP layer, written as RFC 9457 `application/problem+json`
//! with a stable `code`. Internal causes are logged once and never sent.

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use motcua_auth::AuthError;
use motcua_store::StoreError;
use serde::Serialize;
use utoipa::ToSchema;

/// One failing field of a validation problem.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct FieldProblem {
    /// JSON pointer into the request (or the dossier's data), e.g. `/applicant/phone`.
    pub pointer: String,
    pub message: String,
    /// With a named rule's finding: its own stable code, e.g. `too_many_electives`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
    /// The named rule (`crate::rules` in motcua-core) that found it, e.g. `thpt_subjects`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rule: Option<String>,
}

impl FieldProblem {
    pub fn new(pointer: impl Into<String>, message: impl Into<String>) -> Self {
        FieldProblem {
            pointer: pointer.into(),
            message: message.into(),
            code: None,
            rule: None,
        }
    }
}

impl From<motcua_core::rules::Violation> for FieldProblem {
    fn from(v: motcua_core::rules::Violation) -> Self {
        FieldProblem {
            pointer: v.pointer,
            message: v.message,
            code: Some(v.code.to_owned()),
            rule: Some(v.rule.to_owned()),
        }
    }
}

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

/// A document requirement of a procedure, by key and name.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct DocumentRef {
    pub key: String,
    pub name: String,
}

#[derive(Debug)]
pub struct ApiError {
    pub status: StatusCode,
    pub code: &'static str,
    pub detail: String,
    pub errors: Vec<FieldProblem>,
    pub allowed_actions: Option<Vec<String>>,
    /// Rarely set, so boxed: errors travel in every `Result` of the HTTP layer.
    pub extra: Option<Box<Extra>>,
}

#[derive(Debug, Default)]
pub struct Extra {
    pub fallback_documents: Vec<DocumentRef>,
    /// Sent as `Retry-After` (seconds) with a 503.
    pub retry_after: Option<std::time::Duration>,
}

impl ApiError {
    pub fn new(status: StatusCode, code: &'static str, detail: impl Into<String>) -> Self {
        ApiError {
            status,
            code,
            detail: detail.into(),
            errors: Vec::new(),
            allowed_actions: None,
            extra: None,
        }
    }

    pub fn with_fallback_documents(mut self, documents: Vec<DocumentRef>) -> Self {
        self.extra
            .get_or_insert_with(Default::default)
            .fallback_documents = documents;
        self
    }

    pub fn with_retry_after(mut self, after: std::time::Duration) -> Self {
        self.extra.get_or_insert_with(Default::default).retry_after = Some(after);
        self
    }

    pub fn with_errors(mut self, errors: Vec<FieldProblem>) -> Self {
        self.errors = errors;
        self
    }

    pub fn unauthorized(detail: impl Into<String>) -> Self {
        Self::new(StatusCode::UNAUTHORIZED, "unauthorized", detail)
    }

    pub fn forbidden(code: &'static str, detail: impl Into<String>) -> Self {
        Self::new(StatusCode::FORBIDDEN, code, detail)
    }

    /// 404 for a dossier that does not exist *or* that the caller may not see: the two
    /// must be indistinguishable.
    pub fn dossier_not_found() -> Self {
        Self::new(
            StatusCode::NOT_FOUND,
            "dossier_not_found",
            "no such dossier",
        )
    }

    pub fn validation(detail: impl Into<String>, errors: Vec<FieldProblem>) -> Self {
        Self::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation_failed",
            detail,
        )
        .with_errors(errors)
    }

    /// An unexpected failure: logged with its cause, answered with an opaque 500.
    pub fn internal(cause: impl std::fmt::Display) -> Self {
        tracing::error!(error.message = %cause, "internal error");
        Self::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal_error",
            "an unexpected error occurred; it has been logged",
        )
    }

    pub fn unavailable(what: &str, cause: impl std::fmt::Display) -> Self {
        tracing::warn!(error.message = %cause, service = what, "service unavailable");
        Self::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "service_unavailable",
            format!("{what} is unavailable; try again shortly"),
        )
    }
}

impl From<StoreError> for ApiError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::Unavailable(cause) => ApiError::unavailable("the database", cause),
            StoreError::Conflict => ApiError::new(
                StatusCode::CONFLICT,
                "conflict",
                "the dossier changed meanwhile; read it again",
            ),
            other => ApiError::internal(other),
        }
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
                ApiError::new(StatusCode::UNAUTHORIZED, "id_token_refused", why)
            }
            AuthError::LoginRefused(why) => {
                ApiError::new(StatusCode::FORBIDDEN, "login_refused", why)
            }
            AuthError::ProviderUnavailable(why) => {
                ApiError::unavailable("the identity provider", why)
            }
        }
    }
}

fn title(status: StatusCode) -> String {
    status.canonical_reason().unwrap_or("Error").to_owned()
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let extra = self.extra.map(|e| *e).unwrap_or_default();
        let body = Problem {
            type_: format!("https://motcua.invalid/problems/{}", self.code),
            title: title(self.status),
            status: self.status.as_u16(),
            detail: self.detail,
            code: self.code.to_owned(),
            errors: self.errors,
            allowed_actions: self.allowed_actions,
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
    }
}
