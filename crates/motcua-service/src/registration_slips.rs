//! The registration slips of the THPT exam (Phiếu đăng ký dự thi số 1, kept by the
//! registration unit, and số 2, the candidate's): rendered from the confirmed registration
//! when the unit confirms it (the workflow's `registration_slips` effect), and stored as the
//! dossier's electronic results, so the candidate finds them in their document store.

use crate::store::documents::NewDocument;
use crate::store::Session;
use crate::time::in_vietnam;
use crate::{Code, ServiceError, Services};
use bytes::Bytes;
use chrono::{DateTime, Utc};
use motcua_core::dossier::DocumentKind;
use motcua_core::dossier::Dossier;
use motcua_core::principal::Principal;
use motcua_core::procedure::Procedure;
use motcua_files::PutError;
use serde_json::{json, Value};
use uuid::Uuid;

const CONTENT_TYPE: &str = "application/json";
/// A slip is a few kilobytes; this bounds a form gone wrong.
const MAX_BYTES: u64 = 1024 * 1024;

/// The slips, by result code, with whom each copy is for.
const SLIPS: [(&str, &str, &str); 2] = [
    (
        "phieu-dkdt-so-1",
        "Phiếu đăng ký dự thi số 1",
        "đơn vị đăng ký dự thi lưu / kept by the registration unit",
    ),
    (
        "phieu-dkdt-so-2",
        "Phiếu đăng ký dự thi số 2",
        "thí sinh giữ / the candidate's copy",
    ),
];

/// What a slip shows: the registration as confirmed, and who confirmed it when.
fn render(
    title: &str,
    copy_for: &str,
    dossier: &Dossier,
    procedure: &Procedure,
    unit: &str,
    confirmed_by: &str,
    now: DateTime<Utc>,
) -> Value {
    let data = &dossier.data;
    let field = |name: &str| data.get(name).cloned().unwrap_or(Value::Null);
    let unit_name = procedure
        .spec()
        .agencies
        .iter()
        .find(|a| a.id == unit)
        .map(|a| a.name.clone())
        .unwrap_or_else(|| unit.to_owned());
    json!({
        "title": title,
        "copy_for": copy_for,
        "procedure": { "code": procedure.code(), "name": procedure.spec().name.vi },
        "dossier_code": dossier.code,
        "registration_unit": { "id": unit, "name": unit_name },
        "candidate": field("candidate"),
        "candidate_kind": field("candidate_kind"),
        "graduation_year": field("graduation_year"),
        "priority": field("priority"),
        "contact": field("contact"),
        "schooling": field("schooling"),
        "programme": field("programme"),
        "subjects": field("subjects"),
        "language_exemption": field("language_exemption"),
        "kept_scores": field("kept_scores"),
        "submitted_at": dossier.submitted_at.map(in_vietnam),
        "confirmed_at": in_vietnam(now),
        "confirmed_by": confirmed_by,
        "signatures": ["Thí sinh ký, ghi rõ họ tên", "Thủ trưởng đơn vị đăng ký dự thi"],
    })
}

/// Renders both slips and records them as the dossier's results (issued with the rest of
/// its results by `result_to_store`). The objects are written before the transaction
/// commits; if it does not, the orphan sweep removes them.
pub async fn issue(
    services: &Services,
    tx: &mut dyn Session,
    principal: &Principal,
    dossier: &Dossier,
    procedure: &Procedure,
    now: DateTime<Utc>,
) -> Result<(), ServiceError> {
    let Principal::Staff { agency, .. } = principal else {
        return Err(ServiceError::new(
            Code::StaffOnly,
            "registration slips are issued by the registration unit",
        ));
    };
    let unit = dossier.agency_id.as_deref().unwrap_or(agency);
    for (code, title, copy_for) in SLIPS {
        let slip = render(
            title,
            copy_for,
            dossier,
            procedure,
            unit,
            principal.subject(),
            now,
        );
        let bytes = serde_json::to_vec_pretty(&slip).map_err(ServiceError::internal)?;
        let document_id = Uuid::now_v7();
        let storage_key = format!("dossiers/{}/{document_id}", dossier.id);
        let body = futures::stream::once(async move { Ok(Bytes::from(bytes)) });
        let stored = services
            .files
            .put(&storage_key, CONTENT_TYPE, Box::pin(body), MAX_BYTES)
            .await
            .map_err(|e| match e {
                PutError::Unavailable(why) => ServiceError::storage_unavailable(why),
                other => ServiceError::internal(other),
            })?;
        let file_name = format!("{code}-{}.json", dossier.code.as_deref().unwrap_or("ho-so"));
        tx.insert_document(NewDocument {
            id: document_id,
            owner_pin: &dossier.citizen_pin,
            kind: DocumentKind::Result,
            file_name: &file_name,
            content_type: CONTENT_TYPE,
            size: i64::try_from(stored.size).unwrap_or(i64::MAX),
            sha256: &stored.sha256,
            storage_key: &storage_key,
            issuer: Some(unit),
            result_code: Some(code),
        })
        .await?;
        tx.record_result(dossier.id, document_id, principal.subject())
            .await?;
    }
    Ok(())
}
