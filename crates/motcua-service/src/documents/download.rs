//! A document's bytes, for its owner, or for staff of an agency whose dossier holds it.
//! Each staff download is a read of the citizen's data: it is in their access log. A
//! result is the citizen's once it was issued to them, as in their store; a document
//! erased when its dossier's retention ended is gone for good.
//!
//! [`find`] checks who may have it and records the read; the bytes then come either from a
//! short-lived signed link of the storage ([`Download::link`], when it can sign one) or
//! through the engine ([`Download::open`]).

use crate::error::ServiceError;
use crate::lookup::{record_staff_access, StaffRead};
use crate::store::documents::Document;
use crate::store::Session;
use crate::{Code, Services};
use motcua_core::dossier::DocumentKind;
use motcua_core::principal::Principal;
use motcua_files::{ByteStream, FileError};
use std::time::Duration;
use uuid::Uuid;

/// Long enough to start a download, short enough that a leaked link soon stops working.
const SIGNED_URL_TTL: Duration = Duration::from_secs(300);

/// A document the principal may download.
#[derive(Debug)]
pub struct Download {
    pub id: Uuid,
    /// Its name as it was uploaded (sanitised).
    pub file_name: String,
    pub content_type: String,
    pub size: i64,
    /// Lowercase hex SHA-256 of its bytes.
    pub sha256: String,
    storage_key: String,
}

/// The document `id`, if the principal may download it; a staff member's download is
/// recorded for the citizen to see.
pub async fn find(
    services: &Services,
    principal: &Principal,
    id: Uuid,
) -> Result<Download, ServiceError> {
    let not_found = || ServiceError::new(Code::DocumentNotFound, "no such document");
    let mut db = services.store.session().await?;
    let document = db.document(id).await?.ok_or_else(not_found)?;
    match principal {
        Principal::Citizen { pin, .. } if pin.as_str() == document.owner_pin => {
            // A result is the citizen's once it was issued to them, as in their store:
            // before that it is the agency's draft of it.
            if document.kind == DocumentKind::Result && !db.is_published_result(id).await? {
                return Err(not_found());
            }
        }
        Principal::Citizen { .. } => return Err(not_found()),
        Principal::Staff { agency, .. } => {
            let dossiers = db.dossiers_of_agency_holding(id, agency).await?;
            let Some(dossier_id) = dossiers.first().copied() else {
                return Err(not_found());
            };
            if document.erased_at.is_some() {
                return Err(ServiceError::new(
                    Code::DocumentErased,
                    "the document was erased when its dossier's retention ended",
                ));
            }
            record_staff_download(&mut *db, principal, &document, dossier_id).await?;
        }
    }
    Ok(Download {
        id,
        file_name: document.file_name,
        content_type: document.content_type,
        size: document.size,
        sha256: document.sha256,
        storage_key: document.storage_key,
    })
}

/// A staff member's download is a read of the citizen's data, through the dossier of their
/// agency that holds the document: the citizen sees it in their access log.
async fn record_staff_download(
    db: &mut dyn Session,
    principal: &Principal,
    document: &Document,
    dossier_id: Uuid,
) -> Result<(), ServiceError> {
    let Principal::Staff { .. } = principal else {
        return Ok(());
    };
    let procedure_code = db
        .dossier(dossier_id)
        .await?
        .map(|d| d.procedure_code)
        .unwrap_or_default();
    record_staff_access(
        db,
        principal,
        StaffRead {
            source: "document",
            document_id: Some(document.id),
            subject_pin: &document.owner_pin,
            procedure_code: &procedure_code,
            dossier_id,
            purpose: "xử lý hồ sơ / handling the dossier",
            outcome: "downloaded",
        },
    )
    .await
}

impl Download {
    /// A link to the bytes at the storage, valid for a few minutes, whose answer carries
    /// `disposition` (its `Content-Disposition`); none when the storage cannot sign one.
    pub async fn link(&self, services: &Services, disposition: &str) -> Option<String> {
        services
            .files
            .signed_url(&self.storage_key, SIGNED_URL_TTL, disposition)
            .await
    }

    /// The bytes themselves, as the storage streams them.
    pub async fn open(&self, services: &Services) -> Result<ByteStream, ServiceError> {
        services
            .files
            .get(&self.storage_key)
            .await
            .map_err(|e| match e {
                FileError::NotFound => ServiceError::internal(format!(
                    "document {} has no object at {}",
                    self.id, self.storage_key
                )),
                FileError::Unavailable(why) => ServiceError::storage_unavailable(why),
            })
    }
}
