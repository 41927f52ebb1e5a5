//! Documents: the citizen's store (uploads and issued results) and each dossier's
//! documents, one per requirement of its procedure.

use super::StoreError;
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use motcua_core::dossier::DocumentKind;
use uuid::Uuid;

#[derive(Debug, Clone)]
pub struct Document {
    pub id: Uuid,
    pub owner_pin: String,
    pub kind: DocumentKind,
    pub file_name: String,
    pub content_type: String,
    pub size: i64,
    pub sha256: String,
    pub storage_key: String,
    pub issuer: Option<String>,
    pub result_code: Option<String>,
    pub created_at: DateTime<Utc>,
    /// When retention erased it (`crate::retention`): its name and owner are gone, and its
    /// bytes are or will soon be.
    pub erased_at: Option<DateTime<Utc>>,
}

pub struct NewDocument<'a> {
    pub id: Uuid,
    pub owner_pin: &'a str,
    pub kind: DocumentKind,
    pub file_name: &'a str,
    pub content_type: &'a str,
    pub size: i64,
    pub sha256: &'a str,
    pub storage_key: &'a str,
    pub issuer: Option<&'a str>,
    pub result_code: Option<&'a str>,
}

/// One document of a dossier, with the stored file when it was digitised.
#[derive(Debug, Clone)]
pub struct DossierDocument {
    pub requirement: String,
    pub document_id: Option<Uuid>,
    pub source: String,
    pub digitised: bool,
    pub reused: bool,
    pub from_store: bool,
    pub replaces_result_code: Option<String>,
    pub added_by_kind: String,
    pub added_at: DateTime<Utc>,
    pub file_name: Option<String>,
    pub content_type: Option<String>,
    pub size: Option<i64>,
    pub sha256: Option<String>,
}

/// An electronic result attached to a dossier.
#[derive(Debug, Clone)]
pub struct DossierResult {
    pub document_id: Uuid,
    pub file_name: String,
    pub result_code: Option<String>,
    /// When it went into the citizen's store (issued); `None` while it is being prepared.
    pub published_at: Option<DateTime<Utc>>,
}

pub struct Attachment<'a> {
    pub dossier_id: Uuid,
    pub requirement: &'a str,
    pub document_id: Option<Uuid>,
    pub source: &'a str,
    pub reused: bool,
    pub from_store: bool,
    pub replaces_result_code: Option<&'a str>,
    pub added_by_kind: &'a str,
    pub added_by: &'a str,
}

#[async_trait]
pub trait DocumentRecords {
    async fn insert_document(&mut self, doc: NewDocument<'_>) -> Result<Document, StoreError>;
    async fn document(&mut self, id: Uuid) -> Result<Option<Document>, StoreError>;
    /// The citizen's store, newest first; `before` pages by (created_at, id).
    async fn documents_of_owner(
        &mut self,
        owner_pin: &str,
        before: Option<(DateTime<Utc>, Uuid)>,
        limit: i64,
    ) -> Result<Vec<Document>, StoreError>;
    /// Removes a document nothing refers to any more (a replaced or removed draft upload).
    /// Answers whether it was removed.
    async fn delete_document_if_unreferenced(&mut self, id: Uuid) -> Result<bool, StoreError>;
    /// Which of `keys` no document holds: objects a failed request left behind.
    async fn unknown_storage_keys(&mut self, keys: &[String]) -> Result<Vec<String>, StoreError>;
    async fn dossier_documents(
        &mut self,
        dossier_id: Uuid,
    ) -> Result<Vec<DossierDocument>, StoreError>;
    /// Sets the document of a requirement, replacing any earlier one, whose document id is
    /// answered so that the caller can remove it when nothing else refers to it. The
    /// dossier's row gets a new version (a submission checks it).
    async fn attach(&mut self, a: Attachment<'_>) -> Result<Option<Uuid>, StoreError>;
    /// Removes the document of a requirement. `None`: there was none; `Some(doc)`: there was
    /// one (`doc` is `None` for a paper-only record).
    async fn detach(
        &mut self,
        dossier_id: Uuid,
        requirement: &str,
    ) -> Result<Option<Option<Uuid>>, StoreError>;
    /// The dossiers of `agency` that hold `document_id` (for staff access to a file).
    async fn dossiers_of_agency_holding(
        &mut self,
        document_id: Uuid,
        agency: &str,
    ) -> Result<Vec<Uuid>, StoreError>;
    async fn record_result(
        &mut self,
        dossier_id: Uuid,
        document_id: Uuid,
        issued_by: &str,
    ) -> Result<(), StoreError>;
    /// What the public verification of an engine-issued result may say of it.
    async fn record_verification(
        &mut self,
        verification: &crate::store::documents::NewVerification,
    ) -> Result<(), StoreError>;
    /// The engine-issued result verification `id` finds, with its revocation.
    async fn verification(&mut self, id: &str) -> Result<Option<Verification>, StoreError>;
    /// Revokes verification `id` (if not yet): whether this call revoked it.
    async fn revoke_verification(
        &mut self,
        id: &str,
        at: DateTime<Utc>,
        reason: &str,
    ) -> Result<bool, StoreError>;
    /// Records one public check of `verification_id` and what it answered.
    async fn record_verification_check(
        &mut self,
        verification_id: &str,
        at: DateTime<Utc>,
        address: &str,
        via: &str,
        outcome: &str,
    ) -> Result<(), StoreError>;
    /// The dossier's results, oldest first.
    async fn dossier_results(&mut self, dossier_id: Uuid)
        -> Result<Vec<DossierResult>, StoreError>;
    /// Whether an electronic result is attached to the dossier.
    async fn has_result(&mut self, dossier_id: Uuid) -> Result<bool, StoreError>;
    /// The dossier's results go into the citizen's store (issued). Answers their documents.
    async fn publish_results(
        &mut self,
        dossier_id: Uuid,
        at: DateTime<Utc>,
    ) -> Result<Vec<Uuid>, StoreError>;
    /// Whether a result document has been issued to its owner (only issued results are
    /// reused).
    async fn is_published_result(&mut self, document_id: Uuid) -> Result<bool, StoreError>;
    /// Whether the citizen holds an issued electronic result of a dossier of
    /// `procedure_code`.
    async fn holds_result_of(
        &mut self,
        owner_pin: &str,
        procedure_code: &str,
    ) -> Result<bool, StoreError>;
}

/// A result the engine issued as a signed PDF, as its verification id finds it.
#[derive(Debug, Clone)]
pub struct NewVerification {
    /// The unguessable id its QR code carries.
    pub id: String,
    pub document_id: Uuid,
    pub dossier_id: Uuid,
    /// The result's kind (`ResultSpec::name`).
    pub kind: String,
    pub issuer: String,
    pub issued_at: chrono::DateTime<chrono::Utc>,
    pub sha256: String,
    /// The holder's initials only ("N. V. M."), never the full name.
    pub holder_initials: String,
    pub holder_birth_year: Option<i32>,
}

/// A recorded verification, as the public check reads it.
#[derive(Debug, Clone)]
pub struct Verification {
    pub issued: NewVerification,
    pub revoked_at: Option<DateTime<Utc>>,
    pub revoked_reason: Option<String>,
}
