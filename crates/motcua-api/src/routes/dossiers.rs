//! Citizen dossiers: create a draft, read, list, patch, submit, act.

use crate::dossier_view::DossierView;
use crate::error::{ApiError, FieldProblem};
use crate::extract::{Auth, IdempotencyKey, Json, Path, Query};
use crate::pagination::{Cursor, Page, PageParams};
use crate::register::{self, Reason, Unanswered};
use crate::state::AppState;
use crate::time::in_vietnam;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, FixedOffset};
use motcua_auth::Principal;
use motcua_core::access::{self, SUBMIT};
use motcua_core::dossier_code::DossierCode;
use motcua_core::pin::Pin;
use motcua_core::procedure::Procedure;
use motcua_service::checks::{
    checked_pin, citizen_pin, current_procedure, field_problems, form_problems, missing_documents,
};
use motcua_service::idempotency;
use motcua_service::lookup::{
    find_visible, full_view, lock_visible, procedure_of, record_staff_read, view,
};
use motcua_service::Code;
use motcua_store::documents;
use motcua_store::dossiers::{self, AgencyFilter, CounterIntake, Dossier, NewDraft, DRAFT};
use motcua_store::events::{self, NewEvent};
use motcua_store::facts::DocumentFacts;
use motcua_store::submissions::{self, Recorded, Submission, SubmissionWrites};
use serde::{Deserialize, Serialize};
use serde_json::{json, Map, Value};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

const PROBLEM: &str = "application/problem+json";

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateDossier {
    /// The procedure code, e.g. `1.005142`.
    procedure: String,
    /// After a `not_in_register` answer: create the draft anyway, without prefill; the
    /// procedure's fallback documents are then required and the clerk checks them.
    #[serde(default)]
    register_fallback: bool,
}

#[utoipa::path(post, operation_id = "createDossier", path = "/v1/dossiers", tag = "dossiers", security(("bearer" = [])),
    request_body = CreateDossier,
    params(("Idempotency-Key" = Option<String>, Header, description = "replays the first answer")),
    responses((status = 201, body = DossierView),
              (status = 401, body = crate::error::Problem, content_type = PROBLEM),
              (status = 403, body = crate::error::Problem, content_type = PROBLEM),
              (status = 404, body = crate::error::Problem, content_type = PROBLEM),
              (status = 422, description = "invalid body, `not_in_register` (with `fallback_documents`), `person_deceased`",
               body = crate::error::Problem, content_type = PROBLEM),
              (status = 429, description = "`rate_limited`: too many drafts from this account or address; `Retry-After` says when to retry",
               body = crate::error::Problem, content_type = PROBLEM),
              (status = 503, description = "`register_unavailable`, with `Retry-After`; nothing was created",
               body = crate::error::Problem, content_type = PROBLEM)))]
pub async fn create(
    State(state): State<AppState>,
    Auth(principal): Auth,
    IdempotencyKey(key): IdempotencyKey,
    Json(body): Json<CreateDossier>,
) -> Result<Response, ApiError> {
    let pin = checked_pin(citizen_pin(&principal)?)?;
    let procedure = current_procedure(&state, &body.procedure)?;
    if let Principal::Citizen {
        assurance_level, ..
    } = &principal
    {
        if *assurance_level < procedure.assurance_level() {
            return Err(ApiError::new(
                Code::AssuranceLevelTooLow,
                format!(
                    "procedure {} needs a level-{} VNeID account (yours is level {}); \
                     have your account verified to level 2 at the police (công an) or in the VNeID app",
                    procedure.code(),
                    procedure.assurance_level(),
                    assurance_level
                ),
            ));
        }
    }
    open_draft(
        &state,
        &principal,
        key,
        "POST /v1/dossiers",
        procedure,
        &pin,
        None,
        body.register_fallback,
    )
    .await
}

/// Opens a draft of `procedure` for the citizen `pin`: reads the register once (recorded
/// with the actor and purpose), fills and locks what it gives, and stores the draft with
/// its `create_draft` event. A citizen opens their own; a desk clerk opens a counter one.
#[allow(clippy::too_many_arguments)]
pub(crate) async fn open_draft(
    state: &AppState,
    principal: &Principal,
    key: Option<String>,
    route: &str,
    procedure: &Procedure,
    pin: &Pin,
    counter: Option<CounterIntake<'_>>,
    register_fallback: bool,
) -> Result<Response, ApiError> {
    let request = json!({
        "procedure": procedure.code(), "citizen": pin.as_str(), "register_fallback": register_fallback,
    });
    // A replayed request must not read the register again.
    if let Some(replay) =
        idempotency::peek(&state.pool, principal, key.as_deref(), route, &request).await?
    {
        return Ok(crate::replayed::response(replay));
    }

    // The register is read before the transaction: no connection is held across a call to
    // another system, and the read is recorded even when no draft comes of it.
    let id = Uuid::now_v7();
    let reason = if counter.is_some() {
        Reason::CounterIntake
    } else {
        Reason::DraftCreation
    };
    let read = register::read(state, principal, procedure, pin, id, reason).await?;
    let mut data = json!({});
    let mut provenance = Map::new();
    let (flags, register_outcome) = match read {
        Ok(resident) => {
            resident.fill(
                procedure,
                in_vietnam(state.clock.now()).date_naive(),
                &mut data,
                &mut provenance,
            );
            let flags =
                register::flags_after(Vec::new(), resident.under_review(), &provenance, &data);
            (
                flags,
                json!({ "outcome": if resident.under_review() { "under_review" } else { "ok" },
                            "request_id": resident.request_id() }),
            )
        }
        Err(Unanswered::NotInRegister) if register_fallback => (
            vec![register::FLAG_NOT_IN_REGISTER.to_owned()],
            json!({ "outcome": "not_found" }),
        ),
        Err(unanswered) => return Err(unanswered.into_problem(procedure).into()),
    };

    let mut tx = state
        .pool
        .begin()
        .await
        .map_err(motcua_store::StoreError::from)?;
    let claimed = match idempotency::claim(&mut tx, principal, key, route, &request).await? {
        Ok(claimed) => claimed,
        Err(replay) => return Ok(crate::replayed::response(replay)),
    };
    let dossier = dossiers::insert_draft(
        &mut tx,
        NewDraft {
            id,
            counter,
            procedure_code: procedure.code(),
            procedure_version: procedure.version(),
            citizen_pin: pin.as_str(),
            data: &data,
            prefill: &Value::Object(provenance),
            flags: &flags,
        },
    )
    .await?;
    events::append(
        &mut tx,
        NewEvent {
            dossier_id: dossier.id,
            at: state.clock.now(),
            actor_kind: principal.kind().as_str(),
            actor: principal.subject(),
            action: "create_draft",
            from_state: None,
            to_state: DRAFT,
            comment: None,
            detail: json!({ "register": register_outcome, "flags": flags, "channel": dossier.channel }),
        },
    )
    .await?;
    let answer =
        serde_json::to_value(view(principal, dossier, procedure).with_documents(Vec::new()))
            .map_err(ApiError::internal)?;
    idempotency::complete(&mut tx, claimed, StatusCode::CREATED.as_u16(), &answer).await?;
    tx.commit().await.map_err(motcua_store::StoreError::from)?;
    Ok((StatusCode::CREATED, axum::Json(answer)).into_response())
}

#[utoipa::path(post, operation_id = "refreshPrefill", path = "/v1/dossiers/{id}/prefill", tag = "dossiers", security(("bearer" = [])),
    params(("id" = Uuid, Path)),
    responses((status = 200, description = "the draft with the register's current values", body = DossierView),
              (status = 401, body = crate::error::Problem, content_type = PROBLEM),
              (status = 403, description = "`citizens_only`: only the citizen refreshes their draft from the register", body = crate::error::Problem, content_type = PROBLEM),
              (status = 404, body = crate::error::Problem, content_type = PROBLEM),
              (status = 409, body = crate::error::Problem, content_type = PROBLEM),
              (status = 422, body = crate::error::Problem, content_type = PROBLEM),
              (status = 503, body = crate::error::Problem, content_type = PROBLEM)))]
/// Reads the register again for a draft (logged like the first read).
pub async fn refresh_prefill(
    State(state): State<AppState>,
    Auth(principal): Auth,
    Path(id): Path<Uuid>,
) -> Result<Json<DossierView>, ApiError> {
    let dossier = find_visible(&state.pool, &principal, id).await?;
    let pin = checked_pin(citizen_pin(&principal)?)?;
    let procedure = procedure_of(&state.catalog, &dossier)?;
    let refuse_unless_draft = |d: &Dossier| {
        if d.state == DRAFT {
            Ok(())
        } else {
            Err(ApiError::new(
                Code::DossierNotEditable,
                format!(
                    "only a draft is filled from the register; this dossier is {:?}",
                    d.state
                ),
            ))
        }
    };
    refuse_unless_draft(&dossier)?;
    let resident = register::read(&state, &principal, procedure, &pin, id, Reason::Refresh)
        .await?
        .map_err(|unanswered| unanswered.into_problem(procedure))?;

    let mut tx = state
        .pool
        .begin()
        .await
        .map_err(motcua_store::StoreError::from)?;
    // The draft may have changed or been submitted during the read.
    let dossier = lock_visible(&mut tx, &principal, id).await?;
    refuse_unless_draft(&dossier)?;
    let mut data = dossier.data.clone();
    let mut provenance = dossier.prefill.as_object().cloned().unwrap_or_default();
    resident.fill(
        procedure,
        in_vietnam(state.clock.now()).date_naive(),
        &mut data,
        &mut provenance,
    );
    let mut flags = dossier.flags.clone();
    register::set_flag(&mut flags, register::FLAG_NOT_IN_REGISTER, false);
    let flags = register::flags_after(flags, resident.under_review(), &provenance, &data);
    let updated =
        dossiers::update_data(&mut tx, id, &data, &Value::Object(provenance), &flags).await?;
    events::append(
        &mut tx,
        NewEvent {
            dossier_id: id,
            at: state.clock.now(),
            actor_kind: "citizen",
            actor: pin.as_str(),
            action: "refresh_prefill",
            from_state: Some(DRAFT),
            to_state: DRAFT,
            comment: None,
            detail: json!({ "register": { "request_id": resident.request_id() }, "flags": flags }),
        },
    )
    .await?;
    tx.commit().await.map_err(motcua_store::StoreError::from)?;
    Ok(Json(
        full_view(&state.pool, &principal, updated, procedure).await?,
    ))
}

#[utoipa::path(get, operation_id = "getDossier", path = "/v1/dossiers/{id}", tag = "dossiers", security(("bearer" = [])),
    params(("id" = Uuid, Path)),
    responses((status = 200, body = DossierView),
              (status = 401, body = crate::error::Problem, content_type = PROBLEM),
              (status = 404, body = crate::error::Problem, content_type = PROBLEM)))]
pub async fn get(
    State(state): State<AppState>,
    Auth(principal): Auth,
    Path(id): Path<Uuid>,
) -> Result<Json<DossierView>, ApiError> {
    let dossier = find_visible(&state.pool, &principal, id).await?;
    let procedure = procedure_of(&state.catalog, &dossier)?;
    record_staff_read(&state.pool, &principal, &dossier).await?;
    Ok(Json(
        full_view(&state.pool, &principal, dossier, procedure).await?,
    ))
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct ListParams {
    /// 1 to 200, default 50.
    limit: Option<i64>,
    /// `next_cursor` of the previous page.
    cursor: Option<String>,
    /// Staff only: dossiers in this state.
    state: Option<String>,
    /// Staff only: dossiers of this procedure code.
    procedure: Option<String>,
    /// Staff only: dossiers past their due date and not finished.
    overdue: Option<bool>,
}

#[utoipa::path(get, operation_id = "listDossiers", path = "/v1/dossiers", tag = "dossiers", security(("bearer" = [])),
    params(ListParams),
    responses((status = 200, body = Page<DossierView>),
              (status = 400, body = crate::error::Problem, content_type = PROBLEM),
              (status = 401, body = crate::error::Problem, content_type = PROBLEM)))]
pub async fn list(
    State(state): State<AppState>,
    Auth(principal): Auth,
    Query(params): Query<ListParams>,
) -> Result<Json<Page<DossierView>>, ApiError> {
    let page = PageParams {
        limit: params.limit,
        cursor: params.cursor.clone(),
    };
    let limit = page.limit()?;
    let after = page.after()?;
    let rows = match &principal {
        Principal::Citizen { pin, .. } => {
            dossiers::list_for_citizen(&state.pool, pin.as_str(), after, limit + 1).await?
        }
        Principal::Staff { agency, .. } => {
            let filter = AgencyFilter {
                state: params.state.as_deref(),
                procedure_code: params.procedure.as_deref(),
                overdue_at: params.overdue.unwrap_or(false).then(|| state.clock.now()),
            };
            dossiers::list_for_agency(&state.pool, agency, filter, after, limit + 1).await?
        }
    };
    let next_cursor = (rows.len() as i64 > limit)
        .then(|| rows.get(limit as usize - 1).map(Cursor::after))
        .flatten();
    let mut items = Vec::with_capacity(rows.len());
    for dossier in rows.into_iter().take(limit as usize) {
        let procedure = procedure_of(&state.catalog, &dossier)?;
        let mut item = view(&principal, dossier, procedure);
        // Staff lists carry no personal data: opening a dossier does, and is logged.
        if matches!(principal, Principal::Staff { .. }) {
            item.data = None;
            item.prefill = None;
        }
        items.push(item);
    }
    Ok(Json(Page { items, next_cursor }))
}

#[utoipa::path(patch, operation_id = "updateDossier", path = "/v1/dossiers/{id}", tag = "dossiers", security(("bearer" = [])),
    params(("id" = Uuid, Path)),
    request_body(content = Object, content_type = "application/merge-patch+json",
                 description = "JSON Merge Patch (RFC 7396) of the dossier's data"),
    responses((status = 200, body = DossierView),
              (status = 401, body = crate::error::Problem, content_type = PROBLEM),
              (status = 404, body = crate::error::Problem, content_type = PROBLEM),
              (status = 409, body = crate::error::Problem, content_type = PROBLEM),
              (status = 422, body = crate::error::Problem, content_type = PROBLEM)))]
pub async fn patch(
    State(state): State<AppState>,
    Auth(principal): Auth,
    Path(id): Path<Uuid>,
    Json(patch): Json<Value>,
) -> Result<Json<DossierView>, ApiError> {
    if !patch.is_object() {
        return Err(ApiError::validation(
            "the body must be a JSON object (a merge patch of the dossier's data)",
            vec![FieldProblem::new(String::new(), "expected an object")],
        ));
    }
    let mut tx = state
        .pool
        .begin()
        .await
        .map_err(motcua_store::StoreError::from)?;
    let dossier = lock_visible(&mut tx, &principal, id).await?;
    let procedure = procedure_of(&state.catalog, &dossier)?;
    // Staff change data only in the counter drafts they fill in for the citizen.
    let editable = access::may_edit(&principal, &dossier, procedure)
        && (dossier.state == DRAFT || matches!(principal, Principal::Citizen { .. }));
    if !editable {
        return Err(ApiError::new(
            Code::DossierNotEditable,
            format!(
                "a dossier in state {:?} cannot be changed by you",
                dossier.state
            ),
        ));
    }
    let mut data = dossier.data.clone();
    motcua_core::merge_patch::apply(&mut data, &patch);
    let locked = locked_fields_changed(&dossier.prefill, &dossier.data, &data);
    if !locked.is_empty() {
        return Err(ApiError::new(
            Code::PrefilledFieldLocked,
            "these fields come from the population register and cannot be changed here",
        )
        .with_errors(locked));
    }
    let errors = procedure.validate_draft(&data);
    if !errors.is_empty() {
        return Err(ApiError::validation(
            "the patch does not fit the form",
            field_problems(errors),
        ));
    }
    // A changed editable register value is a correction request for the clerk.
    let provenance = dossier.prefill.as_object().cloned().unwrap_or_default();
    let under_review = dossier
        .flags
        .iter()
        .any(|f| f == register::FLAG_UNDER_REVIEW);
    let flags = register::flags_after(dossier.flags.clone(), under_review, &provenance, &data);
    let updated = dossiers::update_data(&mut tx, id, &data, &dossier.prefill, &flags).await?;
    events::append(
        &mut tx,
        NewEvent {
            dossier_id: id,
            at: state.clock.now(),
            actor_kind: principal.kind().as_str(),
            actor: principal.subject(),
            action: "patch",
            from_state: Some(&dossier.state),
            to_state: &dossier.state,
            comment: None,
            detail: json!({ "fields": changed_top_level(&patch) }),
        },
    )
    .await?;
    tx.commit().await.map_err(motcua_store::StoreError::from)?;
    Ok(Json(
        full_view(&state.pool, &principal, updated, procedure).await?,
    ))
}

/// The prefilled, locked pointers whose value the patch would change.
fn locked_fields_changed(prefill: &Value, before: &Value, after: &Value) -> Vec<FieldProblem> {
    let Some(entries) = prefill.as_object() else {
        return Vec::new();
    };
    entries
        .iter()
        .filter(|(_, p)| p.get("locked").and_then(Value::as_bool).unwrap_or(false))
        .filter(|(pointer, _)| before.pointer(pointer) != after.pointer(pointer))
        .map(|(pointer, p)| {
            FieldProblem::new(
                pointer.clone(),
                format!(
                    "filled from {} and locked",
                    p.get("source")
                        .and_then(Value::as_str)
                        .unwrap_or("the register")
                ),
            )
        })
        .collect()
}

/// Names of the top-level members a patch touches, for the timeline (not their values:
/// the timeline must not copy personal data around).
fn changed_top_level(patch: &Value) -> Vec<String> {
    patch
        .as_object()
        .map(|m| m.keys().cloned().collect())
        .unwrap_or_default()
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SubmitAnswer {
    id: Uuid,
    code: String,
    state: String,
    status: Option<u8>,
    submitted_at: DateTime<FixedOffset>,
    /// 8 working hours after submission, by the legal calendar.
    ack_due_at: DateTime<FixedOffset>,
    /// Set when the desk receives the dossier.
    due_at: Option<DateTime<FixedOffset>>,
}

#[utoipa::path(post, operation_id = "submitDossier", path = "/v1/dossiers/{id}/submit", tag = "dossiers", security(("bearer" = [])),
    params(("id" = Uuid, Path),
           ("Idempotency-Key" = Option<String>, Header, description = "replays the first answer")),
    responses((status = 200, body = SubmitAnswer),
              (status = 401, body = crate::error::Problem, content_type = PROBLEM),
              (status = 403, description = "`role_not_allowed` (not the draft's citizen or counter desk), `procedure_not_open` (outside the procedure's window)",
               body = crate::error::Problem, content_type = PROBLEM),
              (status = 404, body = crate::error::Problem, content_type = PROBLEM),
              (status = 409, body = crate::error::Problem, content_type = PROBLEM),
              (status = 422, body = crate::error::Problem, content_type = PROBLEM),
              (status = 429, description = "`rate_limited`: too many submissions from this account or address; `Retry-After` says when to retry",
               body = crate::error::Problem, content_type = PROBLEM)))]
pub async fn submit(
    State(state): State<AppState>,
    Auth(principal): Auth,
    IdempotencyKey(key): IdempotencyKey,
    Path(id): Path<Uuid>,
) -> Result<Response, ApiError> {
    let route = format!("POST /v1/dossiers/{id}/submit");
    let key = idempotency::Unclaimed::of(&principal, key, &route, &Value::Null);
    let mut conn = state
        .pool
        .acquire()
        .await
        .map_err(motcua_store::StoreError::from)?;
    for _ in 0..SUBMIT_ATTEMPTS {
        match try_submit(&state, &mut conn, &principal, key.as_ref(), id).await {
            Ok(Some(answer)) => return Ok(answer),
            Ok(None) => continue,
            Err(refusal) => {
                // A client's retry runs beside its first attempt, not after it: it may fail
                // (the window closed meanwhile, no code number at hand) where the first
                // succeeded. It gets the first attempt's answer then, as a replay.
                if let Some(key) = &key {
                    if let Ok(Some(replay)) = key.replay_if_done(&mut *conn).await {
                        return Ok(crate::replayed::response(replay));
                    }
                }
                return Err(refusal);
            }
        }
    }
    Err(ApiError::new(
        Code::DossierChanging,
        "the draft kept changing while it was being submitted; submit it again",
    ))
}

/// How many times a submission reads the draft again when it changed between the read and
/// the write (saved from another tab at that instant, or submitted there).
const SUBMIT_ATTEMPTS: usize = 3;

/// One attempt at a submission (`motcua_store::submissions`: read without a lock, write if
/// the draft is still as read). `Ok(None)`: the draft changed, or the key was used, after
/// it was read; nothing was written.
async fn try_submit(
    state: &AppState,
    conn: &mut sqlx::PgConnection,
    principal: &Principal,
    key: Option<&idempotency::Unclaimed>,
    id: Uuid,
) -> Result<Option<Response>, ApiError> {
    motcua_service::lookup::trace_dossier(id);
    let opened = submissions::open(&mut *conn, id, key.map(|k| k.lookup()))
        .await?
        .filter(|opened| access::may_see(principal, &opened.dossier))
        .ok_or_else(ApiError::dossier_not_found)?;
    // Read in the same statement as the dossier: a draft seen submitted means its key is
    // seen too, so a retry of a submission that went through is replayed, not refused.
    if let (Some(key), Some(stored)) = (key, opened.key) {
        if let Some(replay) = key.judge(stored)? {
            return Ok(Some(crate::replayed::response(replay)));
        }
    }
    let dossier = opened.dossier;
    if dossier.state == DRAFT && !access::may_submit(principal, &dossier) {
        return Err(ApiError::new(
            Code::RoleNotAllowed,
            "a draft is submitted by its citizen, or by the desk that took it at the counter",
        ));
    }
    if dossier.state != DRAFT {
        return Err(ApiError::new(
            Code::AlreadySubmitted,
            format!(
                "this dossier was already submitted (state {:?})",
                dossier.state
            ),
        ));
    }
    let procedure = procedure_of(&state.catalog, &dossier)?;
    let now = state.clock.now();
    motcua_service::checks::refuse_if_closed(procedure, now)?;
    let mut problems = form_problems(procedure, &dossier.data, in_vietnam(now).date_naive());
    let present = documents::list_for_dossier(&mut *conn, id).await?;
    problems.extend(missing_documents(conn, procedure, &dossier, &present).await?);
    if !problems.is_empty() {
        return Err(ApiError::validation(
            "the dossier is not complete; nothing was submitted",
            problems,
        ));
    }
    // A counter dossier belongs to the desk that took it.
    let agency = match &dossier.agency_id {
        Some(agency) => agency.clone(),
        None => procedure.receiving_agency(&dossier.data).to_owned(),
    };
    let reception_day = in_vietnam(now).date_naive();
    let sequence = state.code_numbers.next(&agency, reception_day).await?;
    let code = DossierCode::new(&agency, reception_day, sequence).map_err(ApiError::internal)?;
    let ack_due_at = motcua_core::legal_clock::acknowledgement_due(
        &state.calendar,
        dossier.channel == motcua_core::dossier::Channel::Counter,
        now,
    )?;
    let initial = procedure.initial_state().to_owned();
    let code = code.to_string();
    let submission = Submission {
        id,
        version: opened.version,
        agency_id: &agency,
        state: &initial,
        code: &code,
        submitted_at: now,
        ack_due_at,
    };
    let submitted = submission.applied_to(dossier);
    let answer = SubmitAnswer {
        id,
        code: code.clone(),
        status: procedure.portal_status(&initial),
        state: initial.clone(),
        submitted_at: in_vietnam(now),
        ack_due_at: in_vietnam(ack_due_at),
        due_at: submitted.clock.due_at.map(in_vietnam),
    };
    let body = serde_json::to_value(&answer).map_err(ApiError::internal)?;
    // Results are published only by a workflow step, which a draft has not taken.
    let attached = DocumentFacts::of(&present, false);
    let fact = crate::facts::of(procedure, &submitted, &attached)
        .ok_or_else(|| ApiError::internal("a submitted dossier has an agency and a time"))?;
    let recorded = submissions::record(
        conn,
        SubmissionWrites {
            submission,
            event: NewEvent {
                dossier_id: id,
                at: now,
                actor_kind: principal.kind().as_str(),
                actor: principal.subject(),
                action: SUBMIT,
                from_state: Some(DRAFT),
                to_state: &initial,
                comment: None,
                detail: json!({ "code": code, "channel": submitted.channel }),
            },
            fact,
            answer: key.map(|k| k.answer(StatusCode::OK.as_u16(), &body)),
        },
    )
    .await?;
    Ok(match recorded {
        Recorded::Submitted => Some((StatusCode::OK, axum::Json(body)).into_response()),
        Recorded::Changed | Recorded::KeyTaken => None,
    })
}

#[derive(Debug, Serialize, ToSchema)]
pub struct EventView {
    at: DateTime<FixedOffset>,
    actor_kind: String,
    action: String,
    from_state: Option<String>,
    to_state: String,
    comment: Option<String>,
}

#[utoipa::path(get, operation_id = "listDossierEvents", path = "/v1/dossiers/{id}/events", tag = "dossiers", security(("bearer" = [])),
    params(("id" = Uuid, Path)),
    responses((status = 200, body = Vec<EventView>),
              (status = 401, body = crate::error::Problem, content_type = PROBLEM),
              (status = 404, body = crate::error::Problem, content_type = PROBLEM)))]
pub async fn timeline(
    State(state): State<AppState>,
    Auth(principal): Auth,
    Path(id): Path<Uuid>,
) -> Result<Json<Vec<EventView>>, ApiError> {
    find_visible(&state.pool, &principal, id).await?;
    let events = events::list_for_dossier(&state.pool, id).await?;
    Ok(Json(
        events
            .into_iter()
            .map(|e| EventView {
                at: in_vietnam(e.at),
                actor_kind: e.actor_kind,
                action: e.action,
                from_state: e.from_state,
                to_state: e.to_state,
                comment: e.comment,
            })
            .collect(),
    ))
}
