//! How a use case fails: a stable [`Code`] and what the caller may be told. Internal causes
//! are logged once, where they are turned into an error, and never carried to the caller.

use crate::store::StoreError;
use crate::Code;
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
    /// The named rule (`rules` in motcua-core) that found it, e.g. `thpt_subjects`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rule: Option<String>,
    /// The problem in Vietnamese, for people (`crate::words`): not on the wire of an English
    /// answer, which keeps `message`.
    #[serde(skip)]
    pub vietnamese: Option<Said>,
}

/// A field's problem said in Vietnamese.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Said {
    /// The field's label: its title in the procedure's form, or what the request calls it.
    pub label: String,
    /// What to do, shown beside the field, whose label is in view.
    pub message: String,
    /// The problem on its own, naming the field: a list of problems, an API's answer.
    pub sentence: String,
}

impl Said {
    /// `message` beside the field labelled `label`; the sentence is `label: message`, or
    /// the message alone when nothing labels it (the whole form, a rule's finding before
    /// `crate::words::form::say` gives it its field's label).
    pub fn new(label: impl Into<String>, message: impl Into<String>) -> Said {
        let label = label.into();
        let message = message.into();
        let sentence = if label.is_empty() {
            message.clone()
        } else {
            format!("{label}: {}", crate::words::lower_first(&message))
        };
        Said {
            sentence,
            label,
            message,
        }
    }
}

impl FieldProblem {
    pub fn new(pointer: impl Into<String>, message: impl Into<String>) -> Self {
        FieldProblem {
            pointer: pointer.into(),
            message: message.into(),
            code: None,
            rule: None,
            vietnamese: None,
        }
    }

    /// The problem, said in Vietnamese too.
    pub fn said(mut self, said: Said) -> Self {
        self.vietnamese = Some(said);
        self
    }

    /// The problem on its own in Vietnamese; one nobody put in words is said generically.
    pub fn vietnamese_sentence(&self) -> String {
        match &self.vietnamese {
            Some(said) => said.sentence.clone(),
            None => "Giá trị không hợp lệ.".to_owned(),
        }
    }
}

/// A rule's finding keeps its Vietnamese message; the field's label is the form's, added by
/// `crate::words::form::say`, which knows the procedure.
impl From<motcua_core::rules::Violation> for FieldProblem {
    fn from(v: motcua_core::rules::Violation) -> Self {
        FieldProblem {
            pointer: v.pointer,
            message: v.message,
            code: Some(v.code.to_owned()),
            rule: Some(v.rule.to_owned()),
            vietnamese: Some(Said::new(String::new(), v.vietnamese)),
        }
    }
}

/// A document requirement of a procedure, by key and name.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct DocumentRef {
    pub key: String,
    pub name: String,
}

#[derive(Debug)]
pub struct ServiceError {
    pub code: Code,
    /// For the caller: what went wrong, in words, without internal causes.
    pub detail: String,
    /// With `validation_failed` and the like: each failing field.
    pub errors: Vec<FieldProblem>,
    /// With `action_not_allowed`: what the caller may do instead (possibly nothing).
    pub allowed_actions: Option<Vec<String>>,
    /// Rarely set, so boxed: errors travel in every `Result` of the use cases.
    pub extra: Option<Box<Extra>>,
}

#[derive(Debug, Default)]
pub struct Extra {
    /// The documents the citizen can bring instead (when the register cannot answer).
    pub fallback_documents: Vec<DocumentRef>,
    /// When the caller may try again (a budget refilled, a service back).
    pub retry_after: Option<std::time::Duration>,
    /// The refusal in Vietnamese, when the use case says more than its code's sentence
    /// (the window of a mass procedure, the limit of an upload…).
    pub vietnamese: Option<String>,
}

impl ServiceError {
    pub fn new(code: Code, detail: impl Into<String>) -> Self {
        ServiceError {
            code,
            detail: detail.into(),
            errors: Vec::new(),
            allowed_actions: None,
            extra: None,
        }
    }

    pub fn with_errors(mut self, errors: Vec<FieldProblem>) -> Self {
        self.errors = errors;
        self
    }

    pub fn with_allowed_actions(mut self, allowed: Vec<String>) -> Self {
        self.allowed_actions = Some(allowed);
        self
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

    /// Says the refusal in Vietnamese, more precisely than its code's sentence.
    pub fn in_vietnamese(mut self, detail: impl Into<String>) -> Self {
        self.extra.get_or_insert_with(Default::default).vietnamese = Some(detail.into());
        self
    }

    /// The refusal in Vietnamese, for people: what the use case said, or its code's sentence.
    pub fn vietnamese_detail(&self) -> &str {
        self.extra
            .as_ref()
            .and_then(|e| e.vietnamese.as_deref())
            .unwrap_or(self.code.vietnamese())
    }

    /// The request's data fails checks, field by field.
    pub fn validation(detail: impl Into<String>, errors: Vec<FieldProblem>) -> Self {
        Self::new(Code::ValidationFailed, detail).with_errors(errors)
    }

    /// A dossier that does not exist *or* that the caller may not see: the two must be
    /// indistinguishable.
    pub fn dossier_not_found() -> Self {
        Self::new(Code::DossierNotFound, "no such dossier")
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

impl ServiceError {
    /// The file store cannot be reached; uploads and downloads may be tried again soon.
    pub fn storage_unavailable(cause: impl std::fmt::Display) -> Self {
        Self::unavailable("the document storage", cause)
            .with_retry_after(std::time::Duration::from_secs(5))
    }
}

impl std::fmt::Display for ServiceError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.code, self.detail)
    }
}

impl std::error::Error for ServiceError {}

/// A date past the calendar's last year cannot be counted: the operator must add the
/// year's file. Nothing is written meanwhile.
impl From<motcua_core::calendar::CalendarError> for ServiceError {
    fn from(e: motcua_core::calendar::CalendarError) -> Self {
        ServiceError::unavailable("the legal calendar", e)
    }
}

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
