//! Uploading the document of a requirement: by the citizen to their draft, or by staff
//! scanning for a dossier of their agency in progress. It replaces the requirement's
//! earlier document, which is deleted once no dossier refers to it.
//!
//! [`accept`] checks what was declared before any byte is read; the caller checks the
//! leading bytes against the declared type and [`store`] streams the file to the file
//! store, then records it with the dossier's event and facts in one transaction.

use super::{
    adding_as, attached, forget_orphan, put, remove_if_unreferenced, requirement, size_of, Change,
    Declared, UploadError,
};
use crate::error::ServiceError;
use crate::lookup::find_with_procedure;
use crate::store::documents::{Attachment, NewDocument};
use crate::view::DossierDocumentView;
use crate::{Code, Services};
use motcua_core::dossier::DocumentKind;
use motcua_core::dossier::Dossier;
use motcua_core::principal::Principal;
use motcua_files::ByteStream;
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
    /// `upload` (the citizen) or `clerk_scan` (staff): the document's kind and, under the
    /// same name, where the dossier's document came from.
    source: DocumentKind,
    file_name: String,
}

fn too_large(requirement: &str, max_bytes: u64) -> ServiceError {
    ServiceError::new(
        Code::FileTooLarge,
        format!("{requirement:?} takes files up to {max_bytes} bytes; nothing was kept"),
    )
    .in_vietnamese(format!(
        "Giấy tờ này nhận tệp tối đa {}; tệp chưa được lưu.",
        size_text(max_bytes)
    ))
}

/// A size as people count it, rounded down, so never more than the limit it states.
fn size_text(bytes: u64) -> String {
    const KB: u64 = 1024;
    match bytes {
        b if b >= KB * KB => format!("{} MB", b / (KB * KB)),
        b if b >= KB => format!("{} KB", b / KB),
        b => format!("{b} byte"),
    }
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
    let (dossier, procedure) = find_with_procedure(services, principal, dossier_id).await?;
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
        )
        .in_vietnamese(format!(
            "Giấy tờ này chỉ nhận tệp {}; tệp gửi lên là {content_type}.",
            requirement.accept.join(", ")
        )));
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
    let (requirement, max_bytes) = (&upload.requirement, upload.max_bytes);
    let object = put(
        services,
        upload.dossier.id,
        &upload.content_type,
        bytes,
        max_bytes,
        |_| too_large(requirement, max_bytes),
    )
    .await?;
    let document = NewDocument {
        id: object.document_id,
        owner_pin: &upload.dossier.citizen_pin,
        kind: upload.source,
        file_name: &upload.file_name,
        content_type: &upload.content_type,
        size: size_of(&object.stored),
        sha256: &object.stored.sha256,
        storage_key: &object.key,
        issuer: match principal {
            Principal::Staff { agency, .. } => Some(agency.as_str()),
            Principal::Citizen { .. } => None,
        },
        result_code: None,
    };
    let written = record(services, principal, &upload, document).await;
    if written.is_err() {
        forget_orphan(services, &object.key).await;
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
    let (dossier, requirement, source) =
        (&upload.dossier, &upload.requirement, upload.source.as_str());
    // The dossier may have been submitted while the file streamed.
    let mut change = Change::begin(services, principal, dossier.id, adding_as).await?;
    let stored = change.tx.insert_document(document).await?;
    let previous = change
        .tx
        .attach(Attachment {
            dossier_id: dossier.id,
            requirement,
            document_id: Some(stored.id),
            source,
            reused: false,
            from_store: false,
            replaces_result_code: None,
            added_by_kind: principal.kind().as_str(),
            added_by: principal.subject(),
        })
        .await?;
    let removed_key = remove_if_unreferenced(&mut *change.tx, previous).await?;
    change
        .append_event(
            "add_document",
            json!({
                "requirement": requirement, "document": stored.id, "source": source,
                "sha256": stored.sha256, "size": stored.size,
            }),
        )
        .await?;
    change.commit(removed_key).await?;
    attached(
        services,
        dossier.id,
        requirement,
        "the document just written is not there",
    )
    .await
}
