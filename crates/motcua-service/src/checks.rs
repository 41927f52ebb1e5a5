//! The checks a use case makes before it changes a dossier: who the citizen is, whether
//! the procedure takes dossiers now, whether the form and the documents are complete.

use crate::error::{FieldProblem, Said, ServiceError};
use crate::register;
use crate::store::documents::DossierDocument;
use crate::store::Session;
use crate::time::in_vietnam;
use crate::Code;
use crate::Services;
use chrono::{DateTime, NaiveDate, Utc};
use motcua_core::dossier::Dossier;
use motcua_core::pin::Pin;
use motcua_core::principal::Principal;
use motcua_core::procedure::{FieldError, Procedure};
use serde_json::Value;
use std::sync::Arc;

pub fn field_problems(errors: Vec<FieldError>) -> Vec<FieldProblem> {
    errors
        .into_iter()
        .map(|e| FieldProblem::new(e.pointer, e.message))
        .collect()
}

/// What keeps `data` from being submitted: the form's schema, then the procedure's named
/// rules, judged on the registration day `on`; each said in Vietnamese too.
pub fn form_problems(procedure: &Procedure, data: &Value, on: NaiveDate) -> Vec<FieldProblem> {
    let mut problems = field_problems(procedure.validate_submission(data));
    problems.extend(
        procedure
            .check_rules(data, on)
            .into_iter()
            .map(FieldProblem::from),
    );
    crate::words::form::said(procedure, problems)
}

/// The citizen's number, checked when their access token was read; staff are refused.
pub fn citizen_pin(principal: &Principal) -> Result<&Pin, ServiceError> {
    citizen_only(
        principal,
        "only a citizen can do this for themself; staff use the counter endpoints",
    )
}

/// The citizen's number, for what only a citizen does; staff are refused, being told `why`.
pub fn citizen_only<'p>(principal: &'p Principal, why: &str) -> Result<&'p Pin, ServiceError> {
    match principal {
        Principal::Citizen { pin, .. } => Ok(pin),
        Principal::Staff { .. } => Err(ServiceError::new(Code::CitizensOnly, why)),
    }
}

/// A mass procedure (exam registration) takes drafts and submissions only in its window.
pub fn refuse_if_closed(procedure: &Procedure, now: DateTime<Utc>) -> Result<(), ServiceError> {
    let Some(window) = procedure.opening_window() else {
        return Ok(());
    };
    if procedure.is_open_at(now) {
        return Ok(());
    }
    let format = "%H:%M %d/%m/%Y";
    let (from, until) = (
        in_vietnam(window.from.to_utc()).format(format),
        in_vietnam(window.until.to_utc()).format(format),
    );
    let window = format!("from {from} to {until} (Vietnam time)");
    let window_vi = format!("từ {from} đến {until} (giờ Việt Nam)");
    let mut outside = FieldProblem::new(String::new(), format!("open {window}")).said(Said::new(
        "Thời gian nhận hồ sơ",
        format!("Thủ tục nhận hồ sơ {window_vi}."),
    ));
    outside.code = Some("outside_window".into());
    outside.rule = Some("opening_window".into());
    Err(ServiceError::new(
        Code::ProcedureNotOpen,
        format!(
            "procedure {} takes dossiers only {window}; it is now {}",
            procedure.code(),
            in_vietnam(now).format(format)
        ),
    )
    .in_vietnamese(format!(
        "Thủ tục “{}” chỉ nhận hồ sơ {window_vi}; bây giờ là {}.",
        procedure.spec().name.vi,
        in_vietnam(now).format(format)
    ))
    .with_errors(vec![outside]))
}

/// The current version of a procedure, open now.
pub fn current_procedure<'a>(
    services: &'a Services,
    code: &str,
) -> Result<&'a Arc<Procedure>, ServiceError> {
    let procedure = services.catalog.current(code).ok_or_else(|| {
        ServiceError::new(
            Code::ProcedureNotFound,
            format!("no procedure with code {code:?}"),
        )
    })?;
    refuse_if_closed(procedure, services.clock.now())?;
    Ok(procedure)
}

/// The required documents the dossier lacks, as `/documents/{requirement}` problems, given
/// the documents it has (`DocumentRecords::dossier_documents`).
pub async fn missing_documents(
    db: &mut dyn Session,
    procedure: &Procedure,
    dossier: &Dossier,
    present: &[DossierDocument],
) -> Result<Vec<FieldProblem>, ServiceError> {
    let register_fallback = dossier
        .flags
        .iter()
        .any(|f| f == register::FLAG_NOT_IN_REGISTER);
    let mut missing = Vec::new();
    for r in &procedure.spec().documents {
        if !motcua_core::procedure::documents::is_required(r, &dossier.data, register_fallback)
            || present.iter().any(|p| p.requirement == r.key)
        {
            continue;
        }
        // An earlier procedure's result the state issued to the citizen stands in for it.
        if let Some(code) = motcua_core::procedure::documents::replacing_procedure(r) {
            let pin = &dossier.citizen_pin;
            if db.holds_result_of(pin, code).await? {
                continue;
            }
        }
        missing.push(
            FieldProblem::new(
                format!("/documents/{}", r.key),
                format!("required: {}", r.name),
            )
            .said(Said {
                label: r.name.clone(),
                message: "Cần nộp giấy tờ này.".into(),
                sentence: format!("Còn thiếu giấy tờ: {}.", r.name),
            }),
        );
    }
    Ok(missing)
}
