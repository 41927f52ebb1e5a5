//! `POST /v1/dossiers/{id}/actions/{action}`: a step of the procedure's workflow (decided
//! by `motcua_core::procedure::workflow`, timed by the legal clock), the withdrawal of a
//! draft, or an apology with a new return date.

use crate::dossier_view::DossierView;
use crate::error::{ApiError, FieldProblem};
use crate::extract::{Auth, IdempotencyKey, Json, Path};
use crate::state::AppState;
use crate::time::in_vietnam;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, NaiveDate, Utc};
use motcua_auth::Principal;
use motcua_core::access::{self, APOLOGISE, WITHDRAW};
use motcua_core::legal_clock::{self, ApologyRefused};
use motcua_core::procedure::workflow::{self, Refusal, Request};
use motcua_core::procedure::{Effect, Needs, Procedure};
use motcua_core::transition::{Transition, APOLOGY};
use motcua_service::checks::{form_problems, missing_documents};
use motcua_service::idempotency;
use motcua_service::lookup::{full_view, lock_visible, procedure_of, record_staff_read};
use motcua_service::Code;
use motcua_store::dossiers::{self, Dossier, Step, DRAFT};
use motcua_store::events::{self, NewEvent};
use serde::Deserialize;
use serde_json::{json, Value};
use utoipa::ToSchema;
use uuid::Uuid;

const PROBLEM: &str = "application/problem+json";

#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ActionRequest {
    /// The reasons (required to refuse, send back, request a supplement, stop, apologise).
    comment: Option<String>,
    /// Action data: `items` (a supplement request: every missing or incorrect item),
    /// `new_due_date` (`YYYY-MM-DD`, an apology's new return date).
    #[schema(value_type = Object)]
    data: Option<Value>,
}

/// Longest comment or item kept: a slip's reasons, not a document.
const MAX_TEXT: usize = 4000;

impl ActionRequest {
    /// Text the database and the slips can hold: no control characters (PostgreSQL refuses
    /// NUL), bounded length.
    fn check(&self) -> Result<(), ApiError> {
        let bad = |text: &str| {
            text.chars().count() > MAX_TEXT
                || text
                    .chars()
                    .any(|c| c.is_control() && c != '\n' && c != '\t')
        };
        let mut problems = Vec::new();
        if self.comment.as_deref().is_some_and(bad) {
            problems.push(FieldProblem::new(
                "/comment",
                format!("at most {MAX_TEXT} characters, no control characters"),
            ));
        }
        if let Some(items) = self.data.as_ref().and_then(|d| d.get("items")) {
            let fine = items.as_array().is_some_and(|items| {
                items.len() <= 100 && items.iter().all(|i| i.as_str().is_some_and(|t| !bad(t)))
            });
            if !fine {
                problems.push(FieldProblem::new("/data/items", format!(
                        "a list of at most 100 texts of at most {MAX_TEXT} characters, no control characters"
                    )));
            }
        }
        if problems.is_empty() {
            Ok(())
        } else {
            Err(ApiError::validation(
                "the action's text cannot be kept",
                problems,
            ))
        }
    }

    fn items(&self) -> Vec<String> {
        self.data
            .as_ref()
            .and_then(|d| d.get("items"))
            .and_then(Value::as_array)
            .map(|items| {
                items
                    .iter()
                    .filter_map(Value::as_str)
                    .map(str::trim)
                    .filter(|i| !i.is_empty())
                    .map(str::to_owned)
                    .collect()
            })
            .unwrap_or_default()
    }
}

#[utoipa::path(post, operation_id = "performAction", path = "/v1/dossiers/{id}/actions/{action}", tag = "dossiers", security(("bearer" = [])),
    params(("id" = Uuid, Path), ("action" = String, Path)),
    request_body = ActionRequest,
    responses((status = 200, body = DossierView),
              (status = 401, body = crate::error::Problem, content_type = PROBLEM),
              (status = 403, description = "`role_not_allowed`", body = crate::error::Problem, content_type = PROBLEM),
              (status = 404, body = crate::error::Problem, content_type = PROBLEM),
              (status = 409, description = "`action_not_allowed` (with `allowed_actions`), `assigned_to_another`, `action_already_taken`, `apology_refused`",
               body = crate::error::Problem, content_type = PROBLEM),
              (status = 422, body = crate::error::Problem, content_type = PROBLEM)))]
/// Takes a workflow action on a dossier. With an `Idempotency-Key`, a retry gets the
/// first answer instead of taking the action twice.
pub async fn act(
    State(state): State<AppState>,
    Auth(principal): Auth,
    IdempotencyKey(key): IdempotencyKey,
    Path((id, action_name)): Path<(Uuid, String)>,
    Json(request): Json<ActionRequest>,
) -> Result<Response, ApiError> {
    request.check()?;
    let mut tx = state
        .pool
        .begin()
        .await
        .map_err(motcua_store::StoreError::from)?;
    let taken = take_action(&state, &principal, key, id, action_name, &request, &mut tx).await;
    match taken {
        Ok(answer) => {
            tx.commit().await.map_err(motcua_store::StoreError::from)?;
            Ok(answer)
        }
        Err(refused) => {
            // Release the dossier's row lock before answering: left to the dropped
            // transaction, the rollback runs later, and a claim sent right after this
            // answer would skip the still-locked dossier and find the queue empty.
            if let Err(e) = tx.rollback().await {
                tracing::warn!(error.message = %e, "rollback after a refused action failed");
            }
            Err(refused)
        }
    }
}

/// The action, in `tx`: committed by the caller when it succeeds.
async fn take_action(
    state: &AppState,
    principal: &Principal,
    key: Option<String>,
    id: Uuid,
    action_name: String,
    request: &ActionRequest,
    tx: &mut sqlx::Transaction<'static, sqlx::Postgres>,
) -> Result<Response, ApiError> {
    let route = format!("POST /v1/dossiers/{id}/actions/{action_name}");
    let body = json!({ "comment": request.comment, "data": request.data });
    let claimed = match idempotency::claim(&mut *tx, principal, key, &route, &body).await? {
        Ok(claimed) => claimed,
        Err(replay) => return Ok(crate::replayed::response(replay)),
    };
    let dossier = lock_visible(&mut *tx, principal, id).await?;
    let procedure = procedure_of(&state.catalog, &dossier)?;
    let now = state.clock.now();
    if !is_action_name(&action_name) {
        return Err(refusal_problem(Refusal::NotAllowed {
            action: action_name.chars().take(64).collect(),
            state: dossier.state.clone(),
            allowed: access::allowed_actions(principal, &dossier, procedure),
        }));
    }

    let (updated, event) = if dossier.state == DRAFT {
        withdraw_draft(&mut *tx, principal, &dossier, procedure, &action_name, now).await?
    } else if action_name == APOLOGISE {
        apologise(
            state, &mut *tx, principal, &dossier, procedure, request, now,
        )
        .await?
    } else {
        workflow_step(
            state,
            &mut *tx,
            principal,
            &dossier,
            procedure,
            &action_name,
            request,
            now,
        )
        .await?
    };
    events::append(
        &mut *tx,
        NewEvent {
            dossier_id: id,
            at: now,
            actor_kind: principal.kind().as_str(),
            actor: principal.subject(),
            action: &action_name,
            from_state: Some(&dossier.state),
            to_state: &updated.state,
            comment: request.comment.as_deref(),
            detail: event,
        },
    )
    .await?;
    crate::facts::refresh(&mut *tx, procedure, &updated).await?;
    // The answer carries the dossier's data: for staff, a read the citizen sees.
    record_staff_read(&mut **tx, principal, &updated).await?;
    let view = full_view(&mut **tx, principal, updated, procedure).await?;
    let answer = serde_json::to_value(&view).map_err(ApiError::internal)?;
    idempotency::complete(&mut *tx, claimed, StatusCode::OK.as_u16(), &answer).await?;
    Ok((StatusCode::OK, axum::Json(answer)).into_response())
}
/// Action names are the procedure files' (`^[a-z][a-z_]*$`); anything else is no action.
fn is_action_name(name: &str) -> bool {
    name.len() <= 64
        && name.starts_with(|c: char| c.is_ascii_lowercase())
        && name.chars().all(|c| c.is_ascii_lowercase() || c == '_')
}

/// A transition of the procedure's state machine, decided by `core` and timed by the legal
/// clock.
#[allow(clippy::too_many_arguments)]
async fn workflow_step(
    state: &AppState,
    tx: &mut sqlx::PgConnection,
    principal: &Principal,
    dossier: &Dossier,
    procedure: &Procedure,
    action_name: &str,
    request: &ActionRequest,
    now: DateTime<Utc>,
) -> Result<(Dossier, Value), ApiError> {
    let id = dossier.id;
    // Ask the database only what this action depends on: most steps need neither.
    let candidate = procedure.action_from(&dossier.state, action_name);
    let has_result = match candidate {
        Some(a) if a.needs(Needs::ResultDocument) => {
            motcua_store::documents::has_result(&mut *tx, id).await?
        }
        _ => false,
    };
    let times_taken = match candidate {
        Some(a) if a.once => events::count_action(&mut *tx, id, action_name).await?,
        _ => 0,
    };
    let items = request.items();
    let decided = workflow::decide(
        procedure,
        &access::facts(dossier, has_result),
        &access::actor(principal, dossier),
        action_name,
        &Request {
            comment: request.comment.as_deref(),
            items: items.len(),
        },
        times_taken,
    );
    let action = decided.map_err(refusal_problem)?;
    // Coming back from a supplement, the dossier must be complete again.
    if action.has(Effect::ResumeClock) {
        // Rules are judged on the day the dossier was first registered.
        let registered_on = in_vietnam(dossier.submitted_at.unwrap_or(now)).date_naive();
        let mut problems = form_problems(procedure, &dossier.data, registered_on);
        let present = motcua_store::documents::list_for_dossier(&mut *tx, id).await?;
        problems.extend(missing_documents(&mut *tx, procedure, dossier, &present).await?);
        if !problems.is_empty() {
            return Err(ApiError::validation(
                "the dossier is not complete; nothing was resubmitted",
                problems,
            ));
        }
    }
    let planned = Transition::plan(&state.calendar, procedure, dossier, action, now)?;
    let updated = dossiers::record_step(
        &mut *tx,
        Step {
            id,
            from_state: &dossier.state,
            to_state: &planned.to_state,
            at: now,
            closes: planned.closes,
            clock: &planned.clock,
            ack_due_at: planned.ack_due_at,
        },
    )
    .await?;
    if action.has(Effect::RegistrationSlips) {
        crate::registration_slips::issue(state, &mut *tx, principal, &updated, procedure, now)
            .await?;
    }
    if planned.publish_results {
        motcua_store::documents::publish_results(&mut *tx, id, now).await?;
    }
    let mut detail = json!({ "slips": planned.slips, "handover": planned.handover });
    if !items.is_empty() {
        detail["items"] = json!(items);
    }
    if let Some(due) = updated.clock.due_at {
        detail["due_at"] = json!(due);
    }
    Ok((updated, detail))
}

fn refusal_problem(refusal: Refusal) -> ApiError {
    let detail = refusal.to_string();
    match refusal {
        Refusal::NotAllowed { allowed, .. } => {
            let mut e = ApiError::new(Code::ActionNotAllowed, detail);
            e.allowed_actions = Some(allowed);
            e
        }
        Refusal::WrongRole(_) => ApiError::new(Code::RoleNotAllowed, detail),
        Refusal::AssignedToAnother(_) => ApiError::new(Code::AssignedToAnother, detail),
        Refusal::AlreadyTaken(_) => ApiError::new(Code::ActionAlreadyTaken, detail),
        Refusal::Missing { pointer, what } => ApiError::validation(
            format!("this action needs {what}"),
            vec![FieldProblem::new(pointer, "required")],
        ),
        Refusal::ResultDocumentMissing => ApiError::new(
            Code::ResultDocumentMissing,
            format!("{detail}: PUT /v1/dossiers/{{id}}/results/{{result_code}}"),
        ),
    }
}

/// A citizen abandons their draft: it never entered the workflow.
async fn withdraw_draft(
    tx: &mut sqlx::PgConnection,
    principal: &Principal,
    dossier: &Dossier,
    procedure: &Procedure,
    action_name: &str,
    now: DateTime<Utc>,
) -> Result<(Dossier, Value), ApiError> {
    let allowed = access::allowed_actions(principal, dossier, procedure);
    let to_state = procedure.action(WITHDRAW).map(|a| a.to.clone());
    match to_state {
        Some(to_state) if action_name == WITHDRAW && allowed.iter().any(|a| a == WITHDRAW) => {
            let updated = dossiers::abandon_draft(tx, dossier.id, &to_state, now).await?;
            Ok((updated, json!({})))
        }
        _ => Err(refusal_problem(Refusal::NotAllowed {
            action: action_name.to_owned(),
            state: DRAFT.to_owned(),
            allowed,
        })),
    }
}

/// Xin lỗi và hẹn lại (Mẫu 04): once, at least one working day before the return date.
async fn apologise(
    state: &AppState,
    tx: &mut sqlx::PgConnection,
    principal: &Principal,
    dossier: &Dossier,
    procedure: &Procedure,
    request: &ActionRequest,
    now: DateTime<Utc>,
) -> Result<(Dossier, Value), ApiError> {
    if !matches!(principal, Principal::Staff { .. }) {
        return Err(ApiError::new(
            Code::RoleNotAllowed,
            "only the processing body apologises and sets a new return date",
        ));
    }
    let reason = request
        .comment
        .as_deref()
        .map(str::trim)
        .filter(|c| !c.is_empty());
    let new_date = request
        .data
        .as_ref()
        .and_then(|d| d.get("new_due_date"))
        .and_then(Value::as_str)
        .and_then(|d| d.parse::<NaiveDate>().ok());
    let mut missing = Vec::new();
    if reason.is_none() {
        missing.push(FieldProblem::new(
            "/comment",
            "required: the reason the dossier is late",
        ));
    }
    if new_date.is_none() {
        missing.push(FieldProblem::new(
            "/data/new_due_date",
            "required: the new return date, YYYY-MM-DD",
        ));
    }
    let (Some(new_date), true) = (new_date, missing.is_empty()) else {
        return Err(ApiError::validation(
            "an apology states its reason and one new return date",
            missing,
        ));
    };
    let refused = |why: ApologyRefused| ApiError::new(Code::ApologyRefused, why.to_string());
    let Some(due) = dossier
        .clock
        .due_at
        .filter(|_| dossier.clock.clock_started_at.is_some() && dossier.closed_at.is_none())
    else {
        return Err(refused(ApologyRefused::NoRunningClock));
    };
    if dossier.clock.clock_paused_at.is_some() {
        return Err(refused(ApologyRefused::NoRunningClock));
    }
    if !access::apologises_for(principal, dossier, procedure) {
        return Err(ApiError::new(
            Code::RoleNotAllowed,
            "the apology comes from who works the dossier's current step, or an approver",
        ));
    }
    let new_due = state.calendar.close_on_or_after(new_date).map_err(|e| {
        ApiError::validation(
            "the new return date cannot be counted",
            vec![FieldProblem::new("/data/new_due_date", e.to_string())],
        )
    })?;
    legal_clock::check_apology(&state.calendar, now, due, new_due, dossier.clock.apologies)
        .map_err(refused)?;
    let mut clock = dossier.clock.clone();
    clock.original_due_at = clock.original_due_at.or(Some(due));
    clock.due_at = Some(new_due);
    clock.apologies += 1;
    if clock.step_due_at.is_some_and(|s| s > new_due) {
        clock.step_due_at = Some(new_due);
    }
    let updated = dossiers::record_clock(tx, dossier.id, &clock).await?;
    Ok((
        updated,
        json!({ "slips": [APOLOGY], "previous_due_at": due, "due_at": new_due }),
    ))
}
