//! The official slips of TT 03/2025/TT-VPCP issued for a dossier, built from the dossier
//! and its events when asked (nothing to keep in step): the receipt and appointment
//! (Mẫu 01), supplement request (02), refusal (03), apology and new date (04), stop notice
//! (05), and the process-control slip (06) with each handover marked early, on time or late.

use crate::lookup::{find_visible, procedure_of, record_staff_read};
use crate::store::documents::DossierDocument;
use crate::store::events::Event;
use crate::time::in_vietnam;
use crate::{Code, ServiceError, Services};
use chrono::{DateTime, Utc};
use motcua_core::dossier::{Dossier, DRAFT};
use motcua_core::principal::Principal;
use motcua_core::procedure::Procedure;
use motcua_core::transition::{APOLOGY, RECEIPT, REFUSAL, STOP, SUPPLEMENT};
use serde::Serialize;
use serde_json::{json, Value};
use utoipa::ToSchema;
use uuid::Uuid;

/// The process-control slip (Mẫu 06): issued with the submission, kept up by every
/// handover.
pub const CONTROL: &str = "control";

/// Kind → the form of TT 03/2025 and its title.
const FORMS: &[(&str, &str, &str)] = &[
    (
        RECEIPT,
        "Mẫu số 01",
        "Giấy tiếp nhận hồ sơ và hẹn trả kết quả",
    ),
    (
        SUPPLEMENT,
        "Mẫu số 02",
        "Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ",
    ),
    (
        REFUSAL,
        "Mẫu số 03",
        "Phiếu từ chối tiếp nhận giải quyết hồ sơ",
    ),
    (
        APOLOGY,
        "Mẫu số 04",
        "Phiếu xin lỗi và hẹn lại ngày trả kết quả",
    ),
    (STOP, "Mẫu số 05", "Phiếu dừng giải quyết hồ sơ"),
    (
        CONTROL,
        "Mẫu số 06",
        "Phiếu kiểm soát quá trình giải quyết hồ sơ",
    ),
];

#[derive(Debug, Serialize, ToSchema)]
pub struct SlipRef {
    /// `receipt`, `supplement`, `refusal`, `apology`, `stop`, `control`.
    pub kind: String,
    pub form: String,
    pub title: String,
    pub issued_at: DateTime<chrono::FixedOffset>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SlipList {
    pub items: Vec<SlipRef>,
}

fn form_of(kind: &str) -> Option<(&'static str, &'static str)> {
    FORMS
        .iter()
        .find(|(k, _, _)| *k == kind)
        .map(|(_, form, title)| (*form, *title))
}

/// The events that issued a slip of `kind`, oldest first.
fn issuing<'a>(events: &'a [Event], kind: &'a str) -> impl Iterator<Item = &'a Event> + 'a {
    events.iter().filter(move |e| {
        e.detail
            .get("slips")
            .and_then(Value::as_array)
            .is_some_and(|slips| slips.iter().any(|s| s == kind))
    })
}

fn issued(events: &[Event], dossier: &Dossier) -> Vec<SlipRef> {
    let mut slips = Vec::new();
    for (kind, form, title) in FORMS {
        let at = if *kind == CONTROL {
            dossier.submitted_at
        } else {
            issuing(events, kind).last().map(|e| e.at)
        };
        if let Some(at) = at {
            slips.push(SlipRef {
                kind: (*kind).to_owned(),
                form: (*form).to_owned(),
                title: (*title).to_owned(),
                issued_at: in_vietnam(at),
            });
        }
    }
    slips
}

/// The slips issued for a dossier.
pub async fn list(
    services: &Services,
    principal: &Principal,
    id: Uuid,
) -> Result<SlipList, ServiceError> {
    let mut db = services.store.session().await?;
    let dossier = find_visible(&mut *db, principal, id).await?;
    let events = db.events_of(id).await?;
    Ok(SlipList {
        items: issued(&events, &dossier),
    })
}

/// One slip of `kind`, complete: the form's header and what the issuing event recorded.
/// A slip names the applicant: reading one is a staff read of their data.
pub async fn slip(
    services: &Services,
    principal: &Principal,
    id: Uuid,
    kind: &str,
) -> Result<Value, ServiceError> {
    let mut db = services.store.session().await?;
    let dossier = find_visible(&mut *db, principal, id).await?;
    if dossier.anonymised_at.is_some() {
        return Err(ServiceError::new(
            Code::DossierAnonymised,
            "the dossier was anonymised when its retention ended: its slips named the applicant",
        ));
    }
    let procedure = procedure_of(&services.catalog, &dossier)?;
    let events = db.events_of(id).await?;
    // A slip names the applicant with their number and address: a staff read of them.
    record_staff_read(&mut *db, principal, &dossier).await?;
    let not_issued = || {
        ServiceError::new(
            Code::SlipNotIssued,
            format!("no {kind:?} slip was issued for this dossier"),
        )
    };
    let (form, title) = form_of(kind).ok_or_else(not_issued)?;
    if dossier.state == DRAFT {
        return Err(not_issued());
    }
    let header = json!({
        "form": form,
        "title": title,
        "legal_basis": "Thông tư 03/2025/TT-VPCP; Nghị định 118/2025/NĐ-CP",
        "dossier_code": dossier.code,
        "agency": agency(procedure, &dossier),
        "procedure": { "code": procedure.code(), "name": procedure.spec().name.vi },
        "applicant": applicant(&dossier),
    });
    let body = if kind == CONTROL {
        control(&events, procedure)
    } else {
        let event = issuing(&events, kind).last().ok_or_else(not_issued)?;
        if kind == RECEIPT {
            let docs = db.dossier_documents(id).await?;
            receipt(&dossier, procedure, event, &docs)
        } else {
            issued_by(kind, event)
        }
    };
    let mut slip = header;
    if let (Some(slip), Some(body)) = (slip.as_object_mut(), body.as_object()) {
        slip.extend(body.clone());
    }
    Ok(slip)
}

/// What a slip other than the receipt and the control slip shows of its issuing event.
fn issued_by(kind: &str, event: &Event) -> Value {
    match kind {
        SUPPLEMENT => json!({
            "requested_at": in_vietnam(event.at),
            "requested_by": event.actor,
            "reason": event.comment,
            "items": event.detail.get("items").cloned().unwrap_or(json!([])),
            "note": "Thời gian bổ sung hồ sơ không tính vào thời hạn giải quyết / the time taken to supplement is not counted",
        }),
        REFUSAL => json!({
            "refused_at": in_vietnam(event.at),
            "refused_by": event.actor,
            "reasons": event.comment,
        }),
        APOLOGY => json!({
            "issued_at": in_vietnam(event.at),
            "issued_by": event.actor,
            "reason": event.comment,
            "previous_due_at": time_of(&event.detail, "previous_due_at"),
            "new_due_at": time_of(&event.detail, "due_at"),
        }),
        _ => json!({
            "at": in_vietnam(event.at),
            "by": event.actor,
            "by_kind": event.actor_kind,
            "outcome": event.to_state,
            "withdrawn_by_citizen": event.actor_kind == "citizen",
            "reason": event.comment,
        }),
    }
}

fn time_of(detail: &Value, key: &str) -> Option<DateTime<chrono::FixedOffset>> {
    detail
        .get(key)
        .and_then(Value::as_str)
        .and_then(|t| t.parse::<DateTime<Utc>>().ok())
        .map(in_vietnam)
}

fn agency(procedure: &Procedure, dossier: &Dossier) -> Value {
    let id = dossier.agency_id.as_deref().unwrap_or_default();
    let name = procedure
        .spec()
        .agencies
        .iter()
        .find(|a| a.id == id)
        .map(|a| a.name.clone());
    json!({ "id": id, "name": name })
}

/// The first value named `key` anywhere in the form's data (forms name their applicant
/// section differently: `candidate`, `applicant`, …).
pub(crate) fn find_field<'a>(data: &'a Value, key: &str) -> Option<&'a Value> {
    match data {
        Value::Object(map) => map
            .get(key)
            .or_else(|| map.values().find_map(|v| find_field(v, key))),
        _ => None,
    }
}

fn applicant(dossier: &Dossier) -> Value {
    let text = |key: &str| find_field(&dossier.data, key).cloned();
    // The register's permanent address when the form has it, else the address given.
    let address = find_field(&dossier.data, "permanent_address")
        .and_then(|a| a.get("text"))
        .or_else(|| find_field(&dossier.data, "address").filter(|a| a.is_string()))
        .cloned();
    json!({
        "full_name": text("full_name"),
        "pin": dossier.citizen_pin,
        "address": address,
        "phone": text("phone"),
        "email": text("email"),
    })
}

fn receipt(
    dossier: &Dossier,
    procedure: &Procedure,
    event: &Event,
    docs: &[DossierDocument],
) -> Value {
    let limit = &procedure.spec().time_limit;
    let documents: Vec<Value> = procedure
        .spec()
        .documents
        .iter()
        .filter_map(|req| {
            let doc = docs.iter().find(|d| d.requirement == req.key)?;
            Some(json!({
                "requirement": req.key,
                "name": req.name,
                "source": doc.source,
                "digitised": doc.digitised,
            }))
        })
        .collect();
    json!({
        "slip_number": dossier.code,
        "channel": dossier.channel,
        "requested": procedure.spec().name.vi,
        "documents": documents,
        "time_limit": { "amount": limit.amount, "unit": limit.unit_name() },
        "received_at": dossier.clock.received_at.map(in_vietnam),
        "received_by": event.actor,
        "due_at": time_of(&event.detail, "due_at"),
        "where_to_receive": if dossier.channel == motcua_core::dossier::Channel::Online {
            "Kho quản lý dữ liệu điện tử của công dân (kết quả điện tử) / the citizen's document store"
        } else {
            "Bộ phận Một cửa / the one-stop desk"
        },
    })
}

/// Events that pass a dossier to someone without a workflow step.
const HANDOVERS_OF_PEOPLE: &[&str] = &["submit", "claim", "release", "assign"];

/// Mẫu 06: every handover between steps and people, with the step's deadline and how it
/// went.
fn control(events: &[Event], procedure: &Procedure) -> Value {
    let rows: Vec<Value> = events
        .iter()
        .filter(|e| {
            e.detail.get("handover").is_some() || HANDOVERS_OF_PEOPLE.contains(&e.action.as_str())
        })
        .map(|e| {
            let handover = e.detail.get("handover");
            let field = |k: &str| {
                handover
                    .and_then(|h| h.get(k))
                    .cloned()
                    .unwrap_or(Value::Null)
            };
            json!({
                "at": in_vietnam(e.at),
                "action": e.action,
                "by": e.actor,
                "from_step": e.from_state,
                "to_step": e.to_state,
                "status": procedure.portal_status(&e.to_state),
                "step_entered_at": field("entered_at"),
                "step_due_at": field("due_at"),
                "timing": field("timing"),
                "comment": e.comment,
            })
        })
        .collect();
    json!({ "handovers": rows })
}

/// The slip of `kind` as a PDF (A4, PDF/A-2b, Noto Serif embedded, the dossier code as a QR
/// code), signed by the agency when a signer is configured.
pub async fn slip_pdf(
    services: &Services,
    principal: &Principal,
    id: Uuid,
    kind: &str,
) -> Result<Vec<u8>, ServiceError> {
    let content = slip(services, principal, id, kind).await?;
    let now = services.clock.now();
    let mut sheet = motcua_pdf::slips::sheet(&content, kind);
    sheet.created = Some(now);
    let signed_as = motcua_pdf::sign::SignatureInfo {
        at: now,
        name: content
            .pointer("/agency/name")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_owned(),
        reason: format!(
            "{} {}",
            content
                .pointer("/title")
                .and_then(Value::as_str)
                .unwrap_or_default(),
            content
                .pointer("/dossier_code")
                .and_then(Value::as_str)
                .unwrap_or_default()
        ),
    };
    services.pdfs.make(sheet, signed_as).await
}
