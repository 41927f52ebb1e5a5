//! Uploading the document of a requirement: by the citizen to their draft, or by staff
//! scanning for a dossier of their agency in progress. It replaces the requirement's
//! earlier document, which is deleted once no dossier refers to it.
//!
//! [`accept`] checks what was declared before any byte is read; the caller checks the
//! leading bytes against the declared type and [`store`] streams the file to the file
//! store, then records it with the dossier's event and facts in one transaction.

use super::{
    adding_as, append_event, attached, delete_object, forget_orphan, put, remove_if_unreferenced,
    requirement, size_of, storage_key, Declared, UploadError,
};
use crate::error::ServiceError;
use crate::lookup::{find_visible, lock_visible, procedure_of};
use crate::view::DossierDocumentView;
use crate::{Code, Services};
use motcua_core::dossier::Dossier;
use motcua_core::principal::Principal;
use motcua_files::ByteStream;
use motcua_store::documents::{self, Attachment, NewDocument};
use serde_json::json;
use uuid::Uuid;

/// An upload the dossier takes, as far as can be told before its bytes are read.
#[derive(Debug)]
pub struct Accepted {
    /// The declared media type: the file's leading bytes must be of it.
    pub content_type: String,
    dossier: Dossier,
    requirement: String,
    max_bytes: u64,
    /// `upload` (the citizen) or `clerk_scan` (staff).
    source: &'static str,
    file_name: String,
}

fn too_large(requirement: &str, max_bytes: u64) -> ServiceError {
    ServiceError::new(
        Code::FileTooLarge,
        format!("{requirement:?} takes files up to {max_bytes} bytes; nothing was kept"),
    )
}

/// Whether the dossier `dossier_id` takes, from `principal`, a file so declared for its
/// requirement `key`.
pub async fn accept(
    services: &Services,
    principal: &Principal,
    dossier_id: Uuid,
    key: &str,
    declared: Declared<'_>,
) -> Result<Accepted, ServiceError> {
    let dossier = find_visible(&services.pool, principal, dossier_id).await?;
    let procedure = procedure_of(&services.catalog, &dossier)?;
    let requirement = requirement(procedure, key)?;
    let source = adding_as(principal, &dossier, procedure)?;
    let content_type = declared.content_type;
    if !requirement.accept.iter().any(|a| a == content_type) {
        return Err(ServiceError::new(
            Code::MediaTypeNotAccepted,
            format!(
                "{key:?} accepts {}; this upload is {:?}",
                requirement.accept.join(", "),
                content_type
            ),
        ));
    }
    if declared.length.is_some_and(|n| n > requirement.max_bytes) {
        return Err(too_large(key, requirement.max_bytes));
    }
    let file_name = motcua_core::file_name::sanitise(declared.file_name.unwrap_or_default(), key);
    Ok(Accepted {
        content_type: content_type.to_owned(),
        max_bytes: requirement.max_bytes,
        dossier,
        requirement: key.to_owned(),
        source,
        file_name,
    })
}

/// Stores the bytes of an accepted upload and records them as the requirement's document.
pub async fn store(
    services: &Services,
    principal: &Principal,
    upload: Accepted,
    bytes: ByteStream,
) -> Result<DossierDocumentView, UploadError> {
    let document_id = Uuid::now_v7();
    let key = storage_key(upload.dossier.id, document_id);
    let (requirement, max_bytes) = (&upload.requirement, upload.max_bytes);
    let stored = put(
        services,
        &key,
        &upload.content_type,
        bytes,
        max_bytes,
        |_| too_large(requirement, max_bytes),
    )
    .await?;
    let document = NewDocument {
        id: document_id,
        owner_pin: &upload.dossier.citizen_pin,
        kind: upload.source,
        file_name: &upload.file_name,
        content_type: &upload.content_type,
        size: size_of(&stored),
        sha256: &stored.sha256,
        storage_key: &key,
        issuer: match principal {
            Principal::Staff { agency, .. } => Some(agency.as_str()),
            Principal::Citizen { .. } => None,
        },
        result_code: None,
    };
    let written = record(services, principal, &upload, document).await;
    if written.is_err() {
        forget_orphan(services, &key).await;
    }
    Ok(written?)
}

/// Writes the document row and the dossier's reference to it, in one transaction, and
/// removes what it replaced.
async fn record(
    services: &Services,
    principal: &Principal,
    upload: &Accepted,
    document: NewDocument<'_>,
) -> Result<DossierDocumentView, ServiceError> {
    let (dossier, requirement, source) = (&upload.dossier, &upload.requirement, upload.source);
    let mut tx = services.pool.begin().await?;
    // The dossier may have been submitted while the file streamed.
    let locked = lock_visible(&mut tx, principal, dossier.id).await?;
    adding_as(
        principal,
        &locked,
        procedure_of(&services.catalog, &locked)?,
    )?;
    let stored = documents::insert(&mut tx, document).await?;
    let previous = documents::attach(
        &mut tx,
        Attachment {
            dossier_id: dossier.id,
            requirement,
            document_id: Some(stored.id),
            source,
            reused: false,
            from_store: false,
            replaces_result_code: None,
            added_by_kind: principal.kind().as_str(),
            added_by: principal.subject(),
        },
    )
    .await?;
    let removed_key = remove_if_unreferenced(&mut tx, previous).await?;
    append_event(
        &mut tx,
        services.clock.now(),
        principal,
        &locked,
        "add_document",
        json!({
            "requirement": requirement, "document": stored.id, "source": source,
            "sha256": stored.sha256, "size": stored.size,
        }),
    )
    .await?;
    crate::facts::refresh(&mut tx, procedure_of(&services.catalog, &locked)?, &locked).await?;
    tx.commit().await?;
    delete_object(services, removed_key).await;
    attached(
        services,
        dossier.id,
        requirement,
        "the document just written is not there",
    )
    .await
}
