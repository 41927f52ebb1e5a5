//! How a use case fails: a stable [`Code`] and what the caller may be told. Internal causes
//! are logged once, where they are turned into an error, and never carried to the caller.

use crate::Code;
use motcua_store::StoreError;

#[derive(Debug)]
pub struct ServiceError {
    pub code: Code,
    /// For the caller: what went wrong, in words, without internal causes.
    pub detail: String,
}

impl ServiceError {
    pub fn new(code: Code, detail: impl Into<String>) -> Self {
        ServiceError {
            code,
            detail: detail.into(),
        }
    }

    /// An unexpected failure: its cause is logged, the caller learns only that it happened.
    pub fn internal(cause: impl std::fmt::Display) -> Self {
        tracing::error!(error.message = %cause, "internal error");
        Self::new(
            Code::InternalError,
            "an unexpected error occurred; it has been logged",
        )
    }

    /// An outside service (`what`: "the database", "the population register", …) cannot be
    /// reached: the caller may try again shortly.
    pub fn unavailable(what: &str, cause: impl std::fmt::Display) -> Self {
        tracing::warn!(error.message = %cause, service = what, "service unavailable");
        Self::new(
            Code::ServiceUnavailable,
            format!("{what} is unavailable; try again shortly"),
        )
    }
}

impl std::fmt::Display for ServiceError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.code, self.detail)
    }
}

impl std::error::Error for ServiceError {}

impl From<StoreError> for ServiceError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::Unavailable(cause) => ServiceError::unavailable("the database", cause),
            StoreError::Conflict => ServiceError::new(
                Code::Conflict,
                "the dossier changed meanwhile; read it again",
            ),
            other => ServiceError::internal(other),
        }
    }
}
