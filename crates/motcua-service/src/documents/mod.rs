//! A dossier's documents: the files a procedure requires, added while the dossier may be
//! edited (a citizen's draft, or staff scanning and receiving paper at the counter), and
//! the electronic results the agency issues.
//!
//! - [`upload`]: a file uploaded for a requirement, streamed to the file store and then
//!   recorded, replacing an earlier one.
//! - [`reuse`]: a document of the citizen's store attached without uploading it again, or
//!   paper received at the counter.
//! - [`removal`]: the document of a requirement taken off the dossier.
//! - [`download`]: a document's bytes, for its owner or the agency handling it (staff reads
//!   are in the citizen's access log).
//! - [`results`]: an electronic result attached by the agency that issues it.
//! - [`store`]: the citizen's store of documents and issued results.
//! - [`whole_file`]: a file a page posted whole, checked and stored as an upload or a result.
//!
//! An upload comes in two steps, so that nothing of a refused file is read: `accept` checks
//! what was declared (the requirement, who adds it, the media type, the announced length),
//! then the caller checks the leading bytes against the declared type and hands the whole
//! stream to `store`. The object is written first and its row after it, in a transaction
//! that locks the dossier again (it may have been submitted while the file streamed); an
//! object whose row could not be written is deleted, or left to the sweep.

pub mod download;
pub mod removal;
pub mod results;
pub mod reuse;
pub mod store;
pub mod upload;
pub mod whole_file;

use crate::error::ServiceError;
use crate::lookup::{lock_visible, procedure_of};
use crate::store::events::NewEvent;
use crate::store::Session;
use crate::Code;
use crate::Services;
use motcua_core::dossier::DocumentKind;
use motcua_core::dossier::Dossier;
use motcua_core::principal::Principal;
use motcua_core::procedure::{DocumentRequirement, Procedure};
use motcua_files::{ByteStream, PutError, Stored};
use uuid::Uuid;

/// What an uploader declared about a file, before any of its bytes is read.
#[derive(Debug, Clone, Copy, Default)]
pub struct Declared<'a> {
    /// The essence of its media type (`application/pdf`); empty when none was given.
    pub content_type: &'a str,
    /// Its announced length in bytes, if any.
    pub length: Option<u64>,
    /// The file's name as the uploader gave it, if they did.
    pub file_name: Option<&'a str>,
}

/// Why an upload's bytes were not kept.
#[derive(Debug)]
pub enum UploadError {
    /// The bytes stopped coming (the client went away, or stalled); nothing was kept. The
    /// interface tells which from the error of its own body.
    Interrupted(std::io::Error),
    /// Refused, or failed, with a stable code.
    Refused(ServiceError),
}

impl From<ServiceError> for UploadError {
    fn from(e: ServiceError) -> Self {
        UploadError::Refused(e)
    }
}

fn requirement<'a>(
    procedure: &'a Procedure,
    key: &str,
) -> Result<&'a DocumentRequirement, ServiceError> {
    procedure
        .spec()
        .documents
        .iter()
        .find(|d| d.key == key)
        .ok_or_else(|| {
            ServiceError::new(
                Code::RequirementNotFound,
                format!("procedure {} has no document {key:?}", procedure.code()),
            )
        })
}

/// How the principal adds a document now: a citizen to their draft, staff (scans, paper)
/// to a dossier of their agency that is in progress.
fn adding_as(
    principal: &Principal,
    dossier: &Dossier,
    procedure: &Procedure,
) -> Result<DocumentKind, ServiceError> {
    if !motcua_core::access::may_edit(principal, dossier, procedure) {
        return Err(ServiceError::new(
            Code::DossierNotEditable,
            format!(
                "documents cannot be changed by you while the dossier is {:?}",
                dossier.state
            ),
        ));
    }
    Ok(match principal {
        Principal::Citizen { .. } => DocumentKind::Upload,
        Principal::Staff { .. } => DocumentKind::ClerkScan,
    })
}

/// Where the object of a new document of a dossier is kept.
fn storage_key(dossier_id: Uuid, document_id: Uuid) -> String {
    format!("dossiers/{dossier_id}/{document_id}")
}

/// The object of a new document, stored before its row is written.
struct Put {
    document_id: Uuid,
    /// Where the object is kept.
    key: String,
    stored: Stored,
}

/// Streams `bytes` into the object of a new document of dossier `dossier_id`; a file over
/// `max_bytes` is refused with `too_large(limit)`.
async fn put(
    services: &Services,
    dossier_id: Uuid,
    content_type: &str,
    bytes: ByteStream,
    max_bytes: u64,
    too_large: impl FnOnce(u64) -> ServiceError,
) -> Result<Put, UploadError> {
    let document_id = Uuid::now_v7();
    let key = storage_key(dossier_id, document_id);
    let stored = services
        .files
        .put(&key, content_type, bytes, max_bytes)
        .await
        .map_err(|e| match e {
            PutError::TooLarge { limit } => too_large(limit).into(),
            PutError::Body(why) => UploadError::Interrupted(why),
            PutError::Unavailable(why) => ServiceError::storage_unavailable(why).into(),
        })?;
    Ok(Put {
        document_id,
        key,
        stored,
    })
}

/// A stored object's size as the database keeps it.
fn size_of(stored: &Stored) -> i64 {
    i64::try_from(stored.size).unwrap_or(i64::MAX)
}

/// The object must not outlive a request that stored no row for it; should this delete
/// fail too, the sweep (`motcua files sweep`) removes it later.
async fn forget_orphan(services: &Services, storage_key: &str) {
    if let Err(cleanup) = services.files.delete(storage_key).await {
        tracing::warn!(error.message = %cleanup, %storage_key, "orphan object left for the sweep");
    }
}

/// Deletes the document a dossier no longer refers to, unless another dossier still does;
/// gives the key of its object, to be deleted once the transaction committed.
async fn remove_if_unreferenced(
    conn: &mut dyn Session,
    previous: Option<Uuid>,
) -> Result<Option<String>, ServiceError> {
    let Some(previous) = previous else {
        return Ok(None);
    };
    let key = conn.document(previous).await?.map(|d| d.storage_key);
    if conn.delete_document_if_unreferenced(previous).await? {
        Ok(key)
    } else {
        Ok(None)
    }
}

async fn delete_object(services: &Services, key: Option<String>) {
    if let Some(key) = key {
        if let Err(e) = services.files.delete(&key).await {
            tracing::warn!(error.message = %e, storage_key = %key, "replaced object left for the sweep");
        }
    }
}

/// A change to a dossier's documents, in one transaction: the dossier is locked again (it
/// may have changed since the request was accepted) and checked, the change written with the
/// dossier's event, then committed.
struct Change<'a> {
    tx: Box<dyn Session>,
    services: &'a Services,
    principal: &'a Principal,
    /// The dossier, locked until the transaction ends.
    dossier: Dossier,
    procedure: &'a Procedure,
}

impl<'a> Change<'a> {
    /// Begins the change of dossier `dossier_id`, which `may` must still allow the principal.
    async fn begin<T>(
        services: &'a Services,
        principal: &'a Principal,
        dossier_id: Uuid,
        may: impl FnOnce(&Principal, &Dossier, &Procedure) -> Result<T, ServiceError>,
    ) -> Result<Change<'a>, ServiceError> {
        let mut tx = services.store.begin().await?;
        let dossier = lock_visible(&mut *tx, principal, dossier_id).await?;
        let procedure = procedure_of(&services.catalog, &dossier)?;
        may(principal, &dossier, procedure)?;
        Ok(Change {
            tx,
            services,
            principal,
            dossier,
            procedure,
        })
    }

    /// The dossier's event of the change (its state stays as it is).
    async fn append_event(
        &mut self,
        action: &str,
        detail: serde_json::Value,
    ) -> Result<(), ServiceError> {
        let (principal, dossier) = (self.principal, &self.dossier);
        let event_id = self
            .tx
            .append_event(NewEvent {
                dossier_id: dossier.id,
                at: self.services.clock.now(),
                actor_kind: principal.kind().as_str(),
                actor: principal.subject(),
                action,
                from_state: Some(&dossier.state),
                to_state: &dossier.state,
                comment: None,
                detail,
            })
            .await?;
        // A submitted dossier's documents are part of what the national portal holds.
        if dossier.code.is_some() {
            crate::outbox::tell_dossier_changed(
                &mut *self.tx,
                &self.services.outbox_targets,
                dossier.id,
                event_id,
                crate::outbox::Change::Documents,
                dossier.national_code.is_some(),
            )
            .await?;
        }
        Ok(())
    }

    /// Refreshes the dossier's facts and commits; then deletes the object of the document
    /// the change removed, if any.
    async fn commit(mut self, removed_key: Option<String>) -> Result<(), ServiceError> {
        crate::facts::refresh(&mut *self.tx, self.procedure, &self.dossier).await?;
        self.tx.commit().await?;
        delete_object(self.services, removed_key).await;
        Ok(())
    }
}

/// The dossier's document of `requirement` as it is now, for the answer.
async fn attached(
    services: &Services,
    dossier_id: Uuid,
    requirement: &str,
    missing: &str,
) -> Result<crate::view::DossierDocumentView, ServiceError> {
    services
        .store
        .session()
        .await?
        .dossier_documents(dossier_id)
        .await?
        .into_iter()
        .find(|d| d.requirement == requirement)
        .map(crate::view::DossierDocumentView::from)
        .ok_or_else(|| ServiceError::internal(missing))
}
