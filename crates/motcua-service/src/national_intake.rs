//! Dossiers filed on the national public-service portal (DVCQG) and pushed to the engine
//! (the portal's `createdossierfromdvcqg` / `nhanhsdvcqg` call to the province): each
//! enters the same flow as a dossier submitted online — a code of the receiving agency, the
//! acknowledgement deadline, the procedure's first state, its event and indicator facts —
//! so that it waits in the agency's queue and is claimed, received and worked like any other.
//!
//! The push is idempotent on the national dossier code (`MaHoSo`, kept in the dossier's
//! `national_code`, unique): a second push of the same code, e.g. after an answer lost on
//! the way back, finds the dossier the first one made and answers as it did. Its statuses go
//! back to DVCQG through the outbox (`DongBoTrangThaiHoSo`, `outbox::NATIONAL_STATUS`),
//! written in the same transaction as the change that causes them: here, the entry into the
//! flow; then every workflow step (`actions`).

use crate::error::ServiceError;
use crate::lookup::trace_dossier;
use crate::outbox::dvcqg::national_code;
use crate::store::dossiers::NewDraft;
use crate::store::events::NewEvent;
use crate::store::facts::DocumentFacts;
use crate::store::submissions::{Recorded, Submission, SubmissionWrites};
use crate::{Code, FieldProblem, Services};
use chrono::{DateTime, FixedOffset};
use motcua_core::access::SUBMIT;
use motcua_core::dossier::{Dossier, DRAFT};
use motcua_core::dossier_code::DossierCode;
use motcua_core::pin::Pin;
use motcua_core::procedure::Procedure;
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use std::sync::Arc;
use utoipa::ToSchema;
use uuid::Uuid;

/// Who the timeline names as the actor of a pushed dossier's entry.
pub const ACTOR: &str = "dvcqg";

/// The longest national dossier code taken.
const MAX_CODE_CHARS: usize = 64;

/// What DVCQG pushes: its dossier (the `HoSo` shape), of which the engine reads these
/// fields; others are accepted and ignored.
#[derive(Debug, Clone, Deserialize, ToSchema)]
pub struct PushedDossier {
    /// The national portal's dossier code.
    #[serde(rename = "MaHoSo")]
    pub ma_ho_so: String,
    /// The national procedure code (mã TTHC): a local procedure whose code is it, or it with
    /// the province's suffix (`3.000465.H26`).
    #[serde(rename = "MaTTHC")]
    pub ma_tthc: String,
    /// The applicant's personal identification number (số định danh cá nhân).
    #[serde(rename = "MaDoiTuong")]
    pub ma_doi_tuong: String,
    /// The applicant's name (kept in the timeline's entry, not in the form).
    #[serde(rename = "ChuHoSo", default)]
    pub chu_ho_so: String,
    /// The answers of the procedure's form, keyed as the procedure file's schema names them,
    /// when the portal's form is the procedure's; else absent (an empty form).
    #[serde(rename = "DuLieuBieuMau", default)]
    #[schema(value_type = Object)]
    pub du_lieu_bieu_mau: Option<Value>,
    /// The documents handed in on the portal, with their links there: kept in the
    /// timeline's entry for the desk to open.
    #[serde(rename = "TaiLieuNop", default)]
    #[schema(value_type = Vec<Object>)]
    pub tai_lieu_nop: Vec<Value>,
}

/// The answer to a push, the same for the first and every repeated push of a code.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Received {
    /// The engine's dossier.
    pub id: Uuid,
    /// The engine's dossier code (`MaHoSoDonVi` in the statuses sent back).
    pub code: String,
    /// The national portal's dossier code.
    pub national_code: String,
    pub state: String,
    pub submitted_at: Option<DateTime<FixedOffset>>,
    /// False when an earlier push of the same code made the dossier.
    pub created: bool,
}

impl Received {
    fn of(dossier: &Dossier, created: bool) -> Result<Self, ServiceError> {
        Ok(Received {
            id: dossier.id,
            code: dossier
                .code
                .clone()
                .ok_or_else(|| ServiceError::internal("a pushed dossier has no code"))?,
            national_code: dossier.national_code.clone().unwrap_or_default(),
            state: dossier.state.clone(),
            submitted_at: dossier.submitted_at.map(crate::time::in_vietnam),
            created,
        })
    }
}

/// What a push names, checked.
struct Checked {
    national: String,
    procedure: Arc<Procedure>,
    pin: Pin,
    data: Value,
}

fn check(services: &Services, pushed: &PushedDossier) -> Result<Checked, ServiceError> {
    let mut problems = Vec::new();
    let national = pushed.ma_ho_so.trim();
    if national.is_empty() {
        problems.push(FieldProblem::new("/MaHoSo", "required"));
    } else if national.chars().count() > MAX_CODE_CHARS || national.chars().any(|c| c.is_control())
    {
        problems.push(FieldProblem::new(
            "/MaHoSo",
            format!("at most {MAX_CODE_CHARS} printable characters"),
        ));
    }
    let wanted = pushed.ma_tthc.trim();
    let procedure = services
        .catalog
        .current_all()
        .into_iter()
        .find(|p| !wanted.is_empty() && (p.code() == wanted || national_code(p.code()) == wanted))
        .cloned();
    if procedure.is_none() {
        problems.push(FieldProblem::new(
            "/MaTTHC",
            "no procedure of the engine has this national code",
        ));
    }
    let pin = match Pin::parse(pushed.ma_doi_tuong.trim()) {
        Ok(pin) => Some(pin),
        Err(_) => {
            problems.push(FieldProblem::new(
                "/MaDoiTuong",
                "not a personal identification number (12 digits)",
            ));
            None
        }
    };
    let data = match &pushed.du_lieu_bieu_mau {
        None | Some(Value::Null) => json!({}),
        Some(object @ Value::Object(_)) => object.clone(),
        Some(_) => {
            problems.push(FieldProblem::new("/DuLieuBieuMau", "must be an object"));
            json!({})
        }
    };
    match (procedure, pin) {
        (Some(procedure), Some(pin)) if problems.is_empty() => Ok(Checked {
            national: national.to_owned(),
            procedure,
            pin,
            data,
        }),
        _ => Err(ServiceError::validation(
            "the pushed dossier cannot be taken; nothing was created",
            problems,
        )),
    }
}

/// Takes a dossier pushed from DVCQG: a new one enters the flow; a code pushed before
/// answers the dossier it made.
pub async fn receive(
    services: &Services,
    pushed: &PushedDossier,
) -> Result<Received, ServiceError> {
    let checked = check(services, pushed)?;
    if let Some(existing) = pushed_before(services, &checked.national).await? {
        return Received::of(&existing, false);
    }
    match enter(services, pushed, &checked).await {
        Ok(received) => Ok(received),
        // Two pushes of one code at once: the unique national code lets one in; the other
        // finds its dossier.
        Err(refusal) => match pushed_before(services, &checked.national).await? {
            Some(existing) => Received::of(&existing, false),
            None => Err(refusal),
        },
    }
}

async fn pushed_before(
    services: &Services,
    national: &str,
) -> Result<Option<Dossier>, ServiceError> {
    let mut db = services.store.session().await?;
    Ok(db.dossier_by_national_code(national).await?)
}

/// One transaction: the dossier as a draft, its submission (the statement a citizen's
/// submission writes, without the `dossier_created` DVCQG needs not), and its first status
/// for DVCQG.
async fn enter(
    services: &Services,
    pushed: &PushedDossier,
    checked: &Checked,
) -> Result<Received, ServiceError> {
    let procedure = &checked.procedure;
    let id = Uuid::now_v7();
    trace_dossier(id);
    let now = services.clock.now();
    let mut tx = services.store.begin().await?;
    tx.insert_draft(NewDraft {
        id,
        counter: None,
        flags: &[],
        procedure_code: procedure.code(),
        procedure_version: procedure.version(),
        citizen_pin: checked.pin.as_str(),
        data: &checked.data,
        prefill: &json!({}),
        national_code: Some(&checked.national),
    })
    .await?;
    tx.append_event(NewEvent {
        dossier_id: id,
        at: now,
        actor_kind: "system",
        actor: ACTOR,
        action: "create_draft",
        from_state: None,
        to_state: DRAFT,
        comment: None,
        detail: json!({ "channel": "online", "national_code": checked.national }),
    })
    .await?;
    let opened = tx
        .open_submission(id, None)
        .await?
        .ok_or_else(|| ServiceError::internal("a dossier just written is not found"))?;
    let agency = procedure.receiving_agency(&checked.data).to_owned();
    let reception_day = crate::time::in_vietnam(now).date_naive();
    let sequence = services.code_numbers.next(&agency, reception_day).await?;
    let code =
        DossierCode::new(&agency, reception_day, sequence).map_err(ServiceError::internal)?;
    let code = code.to_string();
    let ack_due_at = motcua_core::legal_clock::acknowledgement_due(&services.calendar, false, now)?;
    let initial = procedure.initial_state().to_owned();
    let submission = Submission {
        id,
        version: opened.version,
        agency_id: &agency,
        state: &initial,
        code: &code,
        submitted_at: now,
        ack_due_at,
    };
    let submitted = submission.applied_to(opened.dossier);
    let fact = crate::facts::of(procedure, &submitted, &DocumentFacts::of(&[], false))
        .ok_or_else(|| ServiceError::internal("a submitted dossier has an agency and a time"))?;
    let recorded = tx
        .record_submission(SubmissionWrites {
            submission,
            event: NewEvent {
                dossier_id: id,
                at: now,
                actor_kind: "system",
                actor: ACTOR,
                action: SUBMIT,
                from_state: Some(DRAFT),
                to_state: &initial,
                comment: None,
                detail: json!({
                    "code": code,
                    "channel": submitted.channel,
                    "national_code": checked.national,
                    "applicant": pushed.chu_ho_so,
                    "documents": pushed.tai_lieu_nop,
                }),
            },
            fact,
            answer: None,
            outbox_targets: &[],
        })
        .await?;
    if recorded != Recorded::Submitted {
        return Err(ServiceError::new(
            Code::Conflict,
            "the pushed dossier changed while it entered the flow; push it again",
        ));
    }
    let event_id = tx
        .events_of(id)
        .await?
        .iter()
        .filter(|e| e.action == SUBMIT)
        .map(|e| e.id)
        .next_back()
        .ok_or_else(|| ServiceError::internal("a submission was written without its event"))?;
    crate::outbox::tell_national_status(
        &mut *tx,
        &services.outbox_targets,
        id,
        event_id,
        crate::outbox::Change::Step,
    )
    .await?;
    tx.commit().await?;
    tracing::info!(dossier = %id, code = %code, "dossier filed on DVCQG entered the flow");
    Received::of(&submitted, true)
}
