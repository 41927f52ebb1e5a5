//! The public check of an issued result (`docs/RESULTS.md`): anyone holding the id its QR
//! code carries learns whether the result is genuine or revoked, what it is, who issued it
//! when, and the SHA-256 of the file, with only the holder's initials and birth year; an
//! uploaded file is compared with the one issued. Every check is recorded.

use crate::error::ServiceError;
use crate::store::documents::Verification;
use crate::{Code, Services};
use motcua_core::principal::Principal;
use serde::Serialize;
use sha2::{Digest, Sha256};

/// What a check answers.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct VerificationView {
    pub id: String,
    /// `genuine`, `revoked` or `unknown` (no result was issued under this id).
    pub status: String,
    pub kind: Option<String>,
    pub issuer: Option<String>,
    pub issued_at: Option<chrono::DateTime<chrono::Utc>>,
    /// The SHA-256 of the file as issued (hex).
    pub sha256: Option<String>,
    /// The holder's initials only ("N. Đ. M.").
    pub holder_initials: Option<String>,
    pub holder_birth_year: Option<i32>,
    pub revoked_at: Option<chrono::DateTime<chrono::Utc>>,
    pub revoked_reason: Option<String>,
    /// For an uploaded file: `issued` when it is byte for byte the file issued under this
    /// id, else `not_issued`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub file: Option<String>,
    /// For an uploaded file: its SHA-256.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub file_sha256: Option<String>,
}

impl VerificationView {
    fn of(id: &str, found: Option<Verification>) -> Self {
        match found {
            None => VerificationView {
                id: id.to_owned(),
                status: "unknown".to_owned(),
                kind: None,
                issuer: None,
                issued_at: None,
                sha256: None,
                holder_initials: None,
                holder_birth_year: None,
                revoked_at: None,
                revoked_reason: None,
                file: None,
                file_sha256: None,
            },
            Some(v) => VerificationView {
                id: v.issued.id,
                status: if v.revoked_at.is_some() {
                    "revoked"
                } else {
                    "genuine"
                }
                .to_owned(),
                kind: Some(v.issued.kind),
                issuer: Some(v.issued.issuer),
                issued_at: Some(v.issued.issued_at),
                sha256: Some(v.issued.sha256),
                holder_initials: Some(v.issued.holder_initials),
                holder_birth_year: v.issued.holder_birth_year,
                revoked_at: v.revoked_at,
                revoked_reason: v.revoked_reason,
                file: None,
                file_sha256: None,
            },
        }
    }
}

/// An id as issued has 26 letters and digits; anything else is unknown without a look.
fn plausible(id: &str) -> bool {
    id.len() == 26 && id.chars().all(|c| c.is_ascii_alphanumeric())
}

async fn look(services: &Services, id: &str) -> Result<Option<Verification>, ServiceError> {
    if !plausible(id) {
        return Ok(None);
    }
    Ok(services.store.session().await?.verification(id).await?)
}

async fn recorded(
    services: &Services,
    view: &VerificationView,
    address: &str,
    via: &str,
) -> Result<(), ServiceError> {
    let outcome = match &view.file {
        Some(file) => format!("{}/{file}", view.status),
        None => view.status.clone(),
    };
    let id: String = view.id.chars().take(64).collect();
    services
        .store
        .session()
        .await?
        .record_verification_check(&id, services.clock.now(), address, via, &outcome)
        .await?;
    Ok(())
}

/// The check of result `id`, asked from `address`.
pub async fn check(
    services: &Services,
    id: &str,
    address: &str,
    via: &str,
) -> Result<VerificationView, ServiceError> {
    let view = VerificationView::of(id, look(services, id).await?);
    recorded(services, &view, address, via).await?;
    Ok(view)
}

/// The check of result `id` with a file: whether `file` is byte for byte the one issued.
pub async fn check_file(
    services: &Services,
    id: &str,
    file: &[u8],
    address: &str,
) -> Result<VerificationView, ServiceError> {
    let mut view = VerificationView::of(id, look(services, id).await?);
    let sha256: String = Sha256::digest(file)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    view.file = Some(
        if view.sha256.as_deref() == Some(sha256.as_str()) {
            "issued"
        } else {
            "not_issued"
        }
        .to_owned(),
    );
    view.file_sha256 = Some(sha256);
    recorded(services, &view, address, "file").await?;
    Ok(view)
}

/// Staff of the agency that issued result `id` revoke it, saying why.
pub async fn revoke(
    services: &Services,
    principal: &Principal,
    id: &str,
    reason: &str,
) -> Result<VerificationView, ServiceError> {
    if !matches!(principal, Principal::Staff { .. }) {
        return Err(ServiceError::new(
            Code::StaffOnly,
            "a result is revoked by the agency that issued it",
        ));
    }
    let reason = reason.trim();
    if reason.is_empty() || reason.chars().count() > 500 {
        return Err(ServiceError::new(
            Code::InvalidBody,
            "a revocation says why, in 1–500 characters",
        ));
    }
    let Some(found) = look(services, id).await? else {
        return Err(ServiceError::new(
            Code::NotFound,
            "no result was issued under this id",
        ));
    };
    let mut db = services.store.session().await?;
    // Staff who cannot see the dossier cannot revoke its result (404 as for the dossier).
    crate::lookup::find_visible(&mut *db, principal, found.issued.dossier_id).await?;
    db.revoke_verification(id, services.clock.now(), reason)
        .await?;
    Ok(VerificationView::of(id, db.verification(id).await?))
}
