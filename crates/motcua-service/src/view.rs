//! The shapes of a dossier and its documents in answers: what the use cases give back,
//! serialisable as they are.

use crate::store::documents::{Document, DossierDocument};
use crate::time::in_vietnam;
use chrono::{DateTime, FixedOffset};
use motcua_core::dossier::{Dossier, DRAFT};
use motcua_core::procedure::Procedure;
use serde::Serialize;
use serde_json::Value;
use utoipa::ToSchema;
use uuid::Uuid;

#[derive(Debug, Serialize, ToSchema)]
pub struct ProcedureRef {
    pub code: String,
    pub version: i32,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct DossierView {
    pub id: Uuid,
    pub procedure: ProcedureRef,
    /// The engine state (`draft`, or a state of the procedure's workflow).
    pub state: String,
    /// The national portal status code 1–10 the state maps to; none for a draft.
    pub status: Option<u8>,
    /// Mã hồ sơ, assigned at submission.
    pub code: Option<String>,
    pub channel: String,
    pub agency: Option<String>,
    /// The form's data; not in staff lists (opening the dossier reads it, and is logged).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<Object>)]
    pub data: Option<Value>,
    /// JSON pointer → `{source, fetched_at, locked}` of each prefilled value.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<Object>)]
    pub prefill: Option<Value>,
    pub submitted_at: Option<DateTime<FixedOffset>>,
    /// The 8-working-hour acknowledgement deadline.
    pub ack_due_at: Option<DateTime<FixedOffset>>,
    /// The date the result is due; set when the desk receives the dossier.
    pub due_at: Option<DateTime<FixedOffset>>,
    /// The legal clock: `state` (`not_started`, `running`, `paused` while a supplement is
    /// owed, `stopped`), when the dossier was received and the clock started, the current
    /// step's deadline, the return date before an apology moved it, the counts of supplement
    /// requests and apologies.
    #[schema(value_type = Object)]
    pub clock: Value,
    /// The staff member working the dossier now (a claim).
    pub assigned_to: Option<String>,
    /// The desk clerk who took a counter dossier.
    pub taken_by: Option<String>,
    /// When retention anonymised the finished dossier: its form, prefill and citizen are
    /// gone, its code, states, dates and timeline stay.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub anonymised_at: Option<DateTime<FixedOffset>>,
    /// The dossier's documents (not in lists).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub documents: Option<Vec<DossierDocumentView>>,
    pub allowed_actions: Vec<String>,
    /// What the clerk must look at: `register_correction` (the citizen changed an editable
    /// register value), `register_under_review`, `not_in_register`.
    pub flags: Vec<String>,
    /// When the register could not answer: the documents that replace its data.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub fallback_documents: Vec<crate::error::DocumentRef>,
    pub created_at: DateTime<FixedOffset>,
    pub updated_at: DateTime<FixedOffset>,
}

impl DossierView {
    pub fn with_documents(mut self, documents: Vec<DossierDocumentView>) -> Self {
        self.documents = Some(documents);
        self
    }

    pub fn new(dossier: Dossier, procedure: &Procedure, allowed_actions: Vec<String>) -> Self {
        let status = (dossier.state != DRAFT)
            .then(|| procedure.portal_status(&dossier.state))
            .flatten();
        let clock = clock_view(&dossier);
        let fallback_documents = if dossier
            .flags
            .iter()
            .any(|f| f == crate::register::FLAG_NOT_IN_REGISTER)
        {
            crate::register::fallback_documents(procedure)
        } else {
            Vec::new()
        };
        DossierView {
            flags: dossier.flags,
            fallback_documents,
            id: dossier.id,
            procedure: ProcedureRef {
                code: dossier.procedure_code,
                version: dossier.procedure_version,
            },
            state: dossier.state,
            status,
            code: dossier.code,
            channel: dossier.channel.as_str().to_owned(),
            agency: dossier.agency_id,
            data: Some(dossier.data),
            prefill: Some(dossier.prefill),
            submitted_at: dossier.submitted_at.map(in_vietnam),
            ack_due_at: dossier.ack_due_at.map(in_vietnam),
            due_at: dossier.clock.due_at.map(in_vietnam),
            clock,
            assigned_to: dossier.assigned_to,
            taken_by: dossier.taken_by,
            anonymised_at: dossier.anonymised_at.map(in_vietnam),
            documents: None,
            allowed_actions,
            created_at: in_vietnam(dossier.created_at),
            updated_at: in_vietnam(dossier.updated_at),
        }
    }
}

fn clock_view(dossier: &Dossier) -> Value {
    let c = &dossier.clock;
    let state = if dossier.closed_at.is_some() {
        "stopped"
    } else if c.clock_started_at.is_none() {
        // A supplement asked for at the desk, before reception, pauses nothing.
        "not_started"
    } else if c.clock_paused_at.is_some() {
        "paused"
    } else {
        "running"
    };
    serde_json::json!({
        "state": state,
        "received_at": c.received_at.map(in_vietnam),
        "started_at": c.clock_started_at.map(in_vietnam),
        "paused_since": c.clock_paused_at.map(in_vietnam),
        "step_entered_at": c.state_entered_at.map(in_vietnam),
        "step_due_at": c.step_due_at.map(in_vietnam),
        "original_due_at": c.original_due_at.map(in_vietnam),
        "supplement_requests": c.supplement_requests,
        "apologies": c.apologies,
    })
}

/// A document as a dossier holds it.
#[derive(Debug, Serialize, ToSchema)]
pub struct DossierDocumentView {
    pub requirement: String,
    /// The stored file; none while only the paper was received.
    pub id: Option<Uuid>,
    /// `upload`, `clerk_scan`, `reused_document`, `reused_result`, `store`, `paper`.
    pub source: String,
    pub digitised: bool,
    pub reused: bool,
    pub from_store: bool,
    pub replaces_result_code: Option<String>,
    pub file_name: Option<String>,
    pub content_type: Option<String>,
    pub size: Option<i64>,
    pub sha256: Option<String>,
    pub added_at: DateTime<FixedOffset>,
}

impl From<DossierDocument> for DossierDocumentView {
    fn from(d: DossierDocument) -> Self {
        DossierDocumentView {
            requirement: d.requirement,
            id: d.document_id,
            source: d.source,
            digitised: d.digitised,
            reused: d.reused,
            from_store: d.from_store,
            replaces_result_code: d.replaces_result_code,
            file_name: d.file_name,
            content_type: d.content_type,
            size: d.size,
            sha256: d.sha256,
            added_at: in_vietnam(d.added_at),
        }
    }
}

/// A document of the citizen's store.
#[derive(Debug, Serialize, ToSchema)]
pub struct DocumentView {
    pub id: Uuid,
    /// `upload`, `clerk_scan` or `result`.
    pub kind: String,
    pub file_name: String,
    pub content_type: String,
    pub size: i64,
    pub sha256: String,
    pub issuer: Option<String>,
    pub result_code: Option<String>,
    pub created_at: DateTime<FixedOffset>,
}

impl From<Document> for DocumentView {
    fn from(d: Document) -> Self {
        DocumentView {
            id: d.id,
            kind: d.kind.as_str().to_owned(),
            file_name: d.file_name,
            content_type: d.content_type,
            size: d.size,
            sha256: d.sha256,
            issuer: d.issuer,
            result_code: d.result_code,
            created_at: in_vietnam(d.created_at),
        }
    }
}

/// The texts of a JSON list (`["a", "b"]`), skipping anything that is not one; none when it
/// is not a list.
pub fn strings_of(list: Option<&Value>) -> Vec<String> {
    list.and_then(Value::as_array)
        .map(|items| {
            items
                .iter()
                .filter_map(Value::as_str)
                .map(str::to_owned)
                .collect()
        })
        .unwrap_or_default()
}
