//! Xin lỗi và hẹn lại (Mẫu 04): the processing body apologises for a late dossier and sets
//! one new return date, once, at least one working day before the current one
//! (`motcua_core::transition::apology`).

use super::Context;
use crate::store::Session;
use crate::{Code, FieldProblem, Said, ServiceError};
use chrono::NaiveDate;
use motcua_core::access;
use motcua_core::dossier::Dossier;
use motcua_core::legal_clock::ApologyRefused;
use motcua_core::principal::Principal;
use motcua_core::transition::{self, APOLOGY};
use serde_json::{json, Value};

pub(super) async fn apologise(
    cx: &Context<'_>,
    tx: &mut dyn Session,
) -> Result<(Dossier, Value), ServiceError> {
    if !matches!(cx.principal, Principal::Staff { .. }) {
        return Err(ServiceError::new(
            Code::RoleNotAllowed,
            "only the processing body apologises and sets a new return date",
        ));
    }
    let new_date = asked_date(cx.request.reason(), cx.request.data.as_ref())?;
    let refused = |why: ApologyRefused| ServiceError::new(Code::ApologyRefused, why.to_string());
    // Before who may apologise: with no running clock there is nothing to apologise for.
    let due = match cx.dossier.clock.due_at {
        Some(due) if cx.dossier.clock_runs() => due,
        _ => return Err(refused(ApologyRefused::NoRunningClock)),
    };
    if !access::apologises_for(cx.principal, cx.dossier, cx.procedure) {
        return Err(ServiceError::new(
            Code::RoleNotAllowed,
            "the apology comes from who works the dossier's current step, or an approver",
        ));
    }
    let new_due = cx
        .services
        .calendar
        .close_on_or_after(new_date)
        .map_err(|e| {
            ServiceError::validation(
                "the new return date cannot be counted",
                vec![
                    FieldProblem::new("/data/new_due_date", e.to_string()).said(Said::new(
                        "Ngày hẹn trả mới",
                        "Lịch làm việc chưa có năm của ngày này; chọn ngày khác.",
                    )),
                ],
            )
        })?;
    let clock =
        transition::apology(&cx.services.calendar, cx.dossier, new_due, cx.now).map_err(refused)?;
    let updated = tx.record_clock(cx.dossier.id, &clock).await?;
    Ok((
        updated,
        json!({ "slips": [APOLOGY], "previous_due_at": due, "due_at": new_due }),
    ))
}

/// The new return date an apology states, with its reason: both are required.
fn asked_date(reason: Option<&str>, data: Option<&Value>) -> Result<NaiveDate, ServiceError> {
    let new_date = data
        .and_then(|d| d.get("new_due_date"))
        .and_then(Value::as_str)
        .and_then(|d| d.parse::<NaiveDate>().ok());
    let mut missing = Vec::new();
    if reason.is_none() {
        missing.push(
            FieldProblem::new("/comment", "required: the reason the dossier is late")
                .said(Said::new("Lý do", "Cần nêu lý do hồ sơ bị chậm.")),
        );
    }
    if new_date.is_none() {
        missing.push(
            FieldProblem::new(
                "/data/new_due_date",
                "required: the new return date, YYYY-MM-DD",
            )
            .said(Said::new(
                "Ngày hẹn trả mới",
                "Cần nhập ngày hẹn trả mới, dạng YYYY-MM-DD.",
            )),
        );
    }
    match (new_date, missing.is_empty()) {
        (Some(new_date), true) => Ok(new_date),
        _ => Err(ServiceError::validation(
            "an apology states its reason and one new return date",
            missing,
        )),
    }
}
