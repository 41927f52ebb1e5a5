//! Attaching a document that is already there: the citizen reuses one of their store
//! (a document uploaded before, or a result issued to them) instead of uploading it again
//! (NĐ 45/2020 Điều 16); staff record that the paper was received at the counter, its scan
//! following. Either replaces the requirement's earlier document.

use super::{adding_as, attached, remove_if_unreferenced, requirement, Change};
use crate::checks::citizen_pin;
use crate::error::ServiceError;
use crate::lookup::find_with_procedure;
use crate::store::documents::{Attachment, Document};
use crate::view::DossierDocumentView;
use crate::{Code, Services};
use motcua_core::dossier::DocumentKind;
use motcua_core::principal::Principal;
use motcua_core::procedure::DocumentRequirement;
use serde::Deserialize;
use serde_json::json;
use utoipa::ToSchema;
use uuid::Uuid;

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AttachExisting {
    /// A document of the citizen's store (`GET /v1/me/documents`) to attach without
    /// uploading it again.
    pub reuse: Option<Uuid>,
    /// Staff: the paper was received at the counter; its scan follows.
    pub paper: Option<bool>,
}

/// Attaches to the requirement `key` of dossier `dossier_id` what `request` names.
pub async fn attach_existing(
    services: &Services,
    principal: &Principal,
    dossier_id: Uuid,
    key: &str,
    request: AttachExisting,
) -> Result<DossierDocumentView, ServiceError> {
    let (dossier, procedure) = find_with_procedure(services, principal, dossier_id).await?;
    let requirement = requirement(procedure, key)?;
    adding_as(principal, &dossier, procedure)?;
    let (document, source) = match (request.reuse, request.paper, principal) {
        (Some(document_id), None, Principal::Citizen { .. }) => {
            let document = from_store(services, principal, document_id, key, requirement).await?;
            let source = if document.kind == DocumentKind::Result {
                "reused_result"
            } else {
                "reused_document"
            };
            (Some(document), source)
        }
        (None, Some(true), Principal::Staff { .. }) => (None, "paper"),
        _ => {
            return Err(ServiceError::new(
                Code::InvalidBody,
                "a citizen sends {\"reuse\": document id}; staff send {\"paper\": true}",
            ))
        }
    };
    let attachment = Attaching {
        dossier_id,
        key,
        document: document.as_ref(),
        source,
    };
    record(services, principal, attachment).await
}

/// What is attached to which requirement.
struct Attaching<'a> {
    dossier_id: Uuid,
    key: &'a str,
    /// None for paper.
    document: Option<&'a Document>,
    source: &'static str,
}

/// Writes the dossier's reference to the document, in one transaction, and removes what it
/// replaced.
async fn record(
    services: &Services,
    principal: &Principal,
    attaching: Attaching<'_>,
) -> Result<DossierDocumentView, ServiceError> {
    let Attaching {
        dossier_id,
        key,
        document,
        source,
    } = attaching;
    let mut change = Change::begin(services, principal, dossier_id, adding_as).await?;
    let previous = change
        .tx
        .attach(Attachment {
            dossier_id,
            requirement: key,
            document_id: document.map(|d| d.id),
            source,
            reused: document.is_some(),
            from_store: document.is_some(),
            replaces_result_code: document.and_then(|d| d.result_code.as_deref()),
            added_by_kind: principal.kind().as_str(),
            added_by: principal.subject(),
        })
        .await?;
    // Reusing the same document again is not a replacement of it.
    let previous = previous.filter(|p| Some(*p) != document.map(|d| d.id));
    let removed_key = remove_if_unreferenced(&mut *change.tx, previous).await?;
    change
        .append_event(
            "add_document",
            json!({
                "requirement": key, "document": document.map(|d| d.id), "source": source,
            }),
        )
        .await?;
    change.commit(removed_key).await?;
    attached(
        services,
        dossier_id,
        key,
        "the document just attached is not there",
    )
    .await
}

/// The citizen's document `document_id`, if it is in their store and fits the requirement.
async fn from_store(
    services: &Services,
    principal: &Principal,
    document_id: Uuid,
    key: &str,
    requirement: &DocumentRequirement,
) -> Result<Document, ServiceError> {
    let pin = citizen_pin(principal)?;
    let document = services
        .store
        .session()
        .await?
        .document(document_id)
        .await?
        .filter(|d| d.owner_pin == pin.as_str());
    // A result is the citizen's once it was issued to them.
    let document = match document {
        Some(d) if d.kind == DocumentKind::Result => {
            let issued = services
                .store
                .session()
                .await?
                .is_published_result(d.id)
                .await?;
            issued.then_some(d)
        }
        other => other,
    }
    .ok_or_else(|| ServiceError::new(Code::DocumentNotFound, "no such document in your store"))?;
    if !requirement.accept.contains(&document.content_type) {
        return Err(ServiceError::new(
            Code::ReusedMediaTypeNotAccepted,
            format!(
                "{key:?} accepts {}; this document is {}",
                requirement.accept.join(", "),
                document.content_type
            ),
        ));
    }
    if u64::try_from(document.size).unwrap_or(u64::MAX) > requirement.max_bytes {
        return Err(ServiceError::new(
            Code::ReusedFileTooLarge,
            format!("{key:?} takes files up to {} bytes", requirement.max_bytes),
        ));
    }
    Ok(document)
}
