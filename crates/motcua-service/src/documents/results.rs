//! Electronic results: staff attach one to a dossier of their agency, in the step it is
//! issued from. Issuing it (the workflow's `result_to_store`) puts it into the citizen's
//! store, ready to be reused by the next procedure.
//!
//! As with an upload, [`accept`] checks what was declared before any byte is read, and
//! [`store`] streams the checked bytes to the file store, then records them.

use super::{forget_orphan, put, size_of, Change, Declared, Put, UploadError};
use crate::error::ServiceError;
use crate::lookup::find_with_procedure;
use crate::store::documents::{Document, NewDocument};
use crate::view::DocumentView;
use crate::{Code, Services};
use motcua_core::dossier::DocumentKind;
use motcua_core::dossier::Dossier;
use motcua_core::principal::Principal;
use motcua_core::procedure::Procedure;
use motcua_files::ByteStream;
use serde_json::json;
use uuid::Uuid;

/// Electronic results are written documents: these types only.
const RESULT_TYPES: &[&str] = &["application/pdf", "application/xml", "application/json"];
const RESULT_MAX_BYTES: u64 = 50 * 1024 * 1024;

/// A result the dossier takes, as far as can be told before its bytes are read.
#[derive(Debug)]
pub struct Accepted {
    /// The declared media type: the file's leading bytes must be of it.
    pub content_type: String,
    dossier_id: Uuid,
    result_code: String,
    file_name: String,
    agency: String,
}

fn result_may_be_attached(
    principal: &Principal,
    dossier: &Dossier,
    procedure: &Procedure,
) -> Result<(), ServiceError> {
    if motcua_core::access::may_attach_result(principal, dossier, procedure) {
        return Ok(());
    }
    Err(ServiceError::new(
        Code::ResultNotExpected,
        format!(
            "a result is attached by who issues it, in the step it is issued from; the dossier is {:?}",
            dossier.state
        ),
    ))
}

fn checked_result_code(code: &str) -> Result<(), ServiceError> {
    let fine = !code.is_empty()
        && code.len() <= 64
        && code
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-._/".contains(c));
    if fine {
        Ok(())
    } else {
        Err(ServiceError::new(
            Code::InvalidResultCode,
            "a result code has 1–64 letters, digits, '-', '.', '_' or '/'",
        ))
    }
}

/// Whether dossier `dossier_id` takes, from `principal`, a result `result_code` so
/// declared. Its length is checked as it streams.
pub async fn accept(
    services: &Services,
    principal: &Principal,
    dossier_id: Uuid,
    result_code: &str,
    declared: Declared<'_>,
) -> Result<Accepted, ServiceError> {
    let Principal::Staff { agency, .. } = principal else {
        return Err(ServiceError::new(
            Code::StaffOnly,
            "results are issued by the agency handling the dossier",
        ));
    };
    let (dossier, procedure) = find_with_procedure(services, principal, dossier_id).await?;
    result_may_be_attached(principal, &dossier, procedure)?;
    checked_result_code(result_code)?;
    if !RESULT_TYPES.contains(&declared.content_type) {
        return Err(ServiceError::new(
            Code::MediaTypeNotAccepted,
            format!("a result is one of {}", RESULT_TYPES.join(", ")),
        ));
    }
    let file_name = motcua_core::file_name::sanitise(
        declared.file_name.unwrap_or_default(),
        &format!("ket-qua-{}", result_code.replace('/', "-")),
    );
    Ok(Accepted {
        content_type: declared.content_type.to_owned(),
        dossier_id,
        result_code: result_code.to_owned(),
        file_name,
        agency: agency.clone(),
    })
}

/// Stores the bytes of an accepted result and records it as the dossier's.
pub async fn store(
    services: &Services,
    principal: &Principal,
    result: Accepted,
    bytes: ByteStream,
) -> Result<DocumentView, UploadError> {
    let object = put(
        services,
        result.dossier_id,
        &result.content_type,
        bytes,
        RESULT_MAX_BYTES,
        |limit| {
            ServiceError::new(
                Code::FileTooLarge,
                format!("a result takes at most {limit} bytes"),
            )
        },
    )
    .await?;
    let written = record(services, principal, &result, &object).await;
    match written {
        Ok(document) => Ok(DocumentView::from(document)),
        Err(e) => {
            forget_orphan(services, &object.key).await;
            Err(e.into())
        }
    }
}

/// Writes the result's document and the dossier's reference to it, in one transaction.
async fn record(
    services: &Services,
    principal: &Principal,
    result: &Accepted,
    object: &Put,
) -> Result<Document, ServiceError> {
    let mut change = Change::begin(
        services,
        principal,
        result.dossier_id,
        result_may_be_attached,
    )
    .await?;
    let document = change
        .tx
        .insert_document(NewDocument {
            id: object.document_id,
            owner_pin: &change.dossier.citizen_pin,
            kind: DocumentKind::Result,
            file_name: &result.file_name,
            content_type: &result.content_type,
            size: size_of(&object.stored),
            sha256: &object.stored.sha256,
            storage_key: &object.key,
            issuer: Some(&result.agency),
            result_code: Some(&result.result_code),
        })
        .await?;
    change
        .tx
        .record_result(result.dossier_id, object.document_id, principal.subject())
        .await?;
    change
        .append_event(
            "attach_result",
            json!({
                "document": object.document_id, "result_code": result.result_code,
                "sha256": object.stored.sha256,
            }),
        )
        .await?;
    change.tx.commit().await?;
    Ok(document)
}

/// The results issued to the citizen for dossier `id` (those its steps published into
/// their store), oldest first: what a portal offers to download. Found by the dossier's
/// `attach_result` events, each result kept only once it was issued.
pub async fn issued(
    services: &Services,
    principal: &Principal,
    id: Uuid,
) -> Result<Vec<DocumentView>, ServiceError> {
    let mut db = services.store.session().await?;
    crate::lookup::find_visible(&mut *db, principal, id).await?;
    let attached: Vec<Uuid> = db
        .events_of(id)
        .await?
        .iter()
        .filter(|e| e.action == "attach_result")
        .filter_map(|e| e.detail.get("document")?.as_str()?.parse().ok())
        .collect();
    let mut results = Vec::new();
    for document_id in attached {
        if !db.is_published_result(document_id).await? {
            continue;
        }
        if let Some(document) = db.document(document_id).await? {
            results.push(DocumentView::from(document));
        }
    }
    Ok(results)
}
