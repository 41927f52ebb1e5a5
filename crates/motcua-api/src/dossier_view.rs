//! The JSON shape of a dossier in answers.

use crate::time::in_vietnam;
use chrono::{DateTime, FixedOffset};
use motcua_core::procedure::Procedure;
use motcua_store::dossiers::{Dossier, DRAFT};
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
    #[schema(value_type = Object)]
    pub data: Value,
    /// JSON pointer → `{source, fetched_at, locked}` of each prefilled value.
    #[schema(value_type = Object)]
    pub prefill: Value,
    pub submitted_at: Option<DateTime<FixedOffset>>,
    /// The 8-working-hour acknowledgement deadline.
    pub ack_due_at: Option<DateTime<FixedOffset>>,
    /// The date the result is due; set when the desk receives the dossier.
    pub due_at: Option<DateTime<FixedOffset>>,
    /// The legal clock (running, paused, stopped); kept from the one-stop flow on.
    #[schema(value_type = Object)]
    pub clock: Value,
    /// The dossier's documents (not in lists).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub documents: Option<Vec<crate::routes::documents::DossierDocumentView>>,
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
    pub fn with_documents(
        mut self,
        documents: Vec<crate::routes::documents::DossierDocumentView>,
    ) -> Self {
        self.documents = Some(documents);
        self
    }

    pub fn new(dossier: Dossier, procedure: &Procedure, allowed_actions: Vec<String>) -> Self {
        let status = (dossier.state != DRAFT)
            .then(|| procedure.portal_status(&dossier.state))
            .flatten();
        let clock = if dossier.closed_at.is_some() {
            serde_json::json!({ "state": "stopped" })
        } else if dossier.due_at.is_some() {
            serde_json::json!({ "state": "running" })
        } else {
            serde_json::json!({ "state": "not_started" })
        };
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
            channel: dossier.channel,
            agency: dossier.agency_id,
            data: dossier.data,
            prefill: dossier.prefill,
            submitted_at: dossier.submitted_at.map(in_vietnam),
            ack_due_at: dossier.ack_due_at.map(in_vietnam),
            due_at: dossier.due_at.map(in_vietnam),
            clock,
            documents: None,
            allowed_actions,
            created_at: in_vietnam(dossier.created_at),
            updated_at: in_vietnam(dossier.updated_at),
        }
    }
}
