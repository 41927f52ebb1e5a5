//! Staff work queues: `GET /v1/queues`, `POST /v1/queues/{queue}/claim`, and giving a
//! dossier back or to someone else. A queue is `{procedure code}:{state}` within the
//! caller's agency, for each non-final state worked by a role the caller holds.

use crate::dossier_view::DossierView;
use crate::error::ApiError;
use crate::extract::{Auth, IdempotencyKey, Json, Path};
use crate::state::AppState;
use crate::time::in_vietnam;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, FixedOffset};
use motcua_auth::Principal;
use motcua_core::procedure::Role;
use motcua_service::idempotency;
use motcua_service::lookup::{full_view, lock_visible, procedure_of, record_staff_read};
use motcua_service::Code;
use motcua_store::dossiers::DRAFT;
use motcua_store::events::{self, NewEvent};
use motcua_store::queues;
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use utoipa::ToSchema;
use uuid::Uuid;

const PROBLEM: &str = "application/problem+json";

#[derive(Debug, Serialize, ToSchema)]
pub struct QueueView {
    /// `{procedure code}:{state}`, for `POST /v1/queues/{queue}/claim`.
    pub queue: String,
    pub procedure: String,
    pub procedure_name: String,
    pub state: String,
    /// The role that works this state.
    pub role: String,
    /// Open dossiers in the queue, claimed or not.
    pub count: i64,
    /// Of those, not claimed by anyone.
    pub unclaimed: i64,
    /// Of those, past the deadline of this step.
    pub overdue: i64,
    /// The earliest step deadline in the queue.
    pub oldest_due_at: Option<DateTime<FixedOffset>>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct QueueList {
    pub items: Vec<QueueView>,
}

fn staff_only(principal: &Principal) -> Result<(&str, &[Role]), ApiError> {
    match principal {
        Principal::Staff { agency, roles, .. } => Ok((agency, roles)),
        Principal::Citizen { .. } => Err(ApiError::new(
            Code::StaffOnly,
            "work queues are for the staff of an agency",
        )),
    }
}

/// The queues `roles` work: every non-final state of a current procedure whose
/// `worked_by` is one of them, as (procedure code, state, role).
fn queues_for(state: &AppState, roles: &[Role]) -> Vec<(String, String, Role)> {
    let mut queues = Vec::new();
    for procedure in state.catalog.current_all() {
        for (name, spec) in &procedure.spec().workflow.states {
            let Some(role) = spec.worked_by else { continue };
            if spec.is_final || !roles.contains(&role) {
                continue;
            }
            queues.push((procedure.code().to_owned(), name.clone(), role));
        }
    }
    queues
}

fn not_found(queue: &str) -> ApiError {
    ApiError::new(
        Code::QueueNotFound,
        format!("no queue {queue:?} that you work; GET /v1/queues lists yours"),
    )
}

#[utoipa::path(get, operation_id = "listQueues", path = "/v1/queues", tag = "queues", security(("bearer" = [])),
    responses((status = 200, body = QueueList),
              (status = 401, body = crate::error::Problem, content_type = PROBLEM),
              (status = 403, body = crate::error::Problem, content_type = PROBLEM)))]
/// The queues the caller may work, in their agency, with their figures.
pub async fn list(
    State(state): State<AppState>,
    Auth(principal): Auth,
) -> Result<Json<QueueList>, ApiError> {
    let (agency, roles) = staff_only(&principal)?;
    let queues = queues_for(&state, roles);
    let pairs: Vec<(String, String)> = queues
        .iter()
        .map(|(code, st, _)| (code.clone(), st.clone()))
        .collect();
    let figures = queues::figures(&state.pool, agency, &pairs, state.clock.now()).await?;
    let items = queues
        .into_iter()
        .map(|(code, st, role)| {
            let f = figures
                .iter()
                .find(|f| f.procedure_code == code && f.state == st);
            let procedure_name = state
                .catalog
                .current(&code)
                .map(|p| p.spec().name.vi.clone())
                .unwrap_or_default();
            QueueView {
                queue: format!("{code}:{st}"),
                procedure_name,
                role: role.as_str().to_owned(),
                count: f.map_or(0, |f| f.count),
                unclaimed: f.map_or(0, |f| f.unclaimed),
                overdue: f.map_or(0, |f| f.overdue),
                oldest_due_at: f.and_then(|f| f.oldest_due_at).map(in_vietnam),
                procedure: code,
                state: st,
            }
        })
        .collect();
    Ok(Json(QueueList { items }))
}

#[utoipa::path(post, operation_id = "claimFromQueue", path = "/v1/queues/{queue}/claim", tag = "queues", security(("bearer" = [])),
    params(("queue" = String, Path, description = "`{procedure code}:{state}`, e.g. `3.000465:submitted`")),
    responses((status = 200, description = "the next dossier, now assigned to the caller", body = DossierView),
              (status = 204, description = "the queue is empty"),
              (status = 401, body = crate::error::Problem, content_type = PROBLEM),
              (status = 403, body = crate::error::Problem, content_type = PROBLEM),
              (status = 404, body = crate::error::Problem, content_type = PROBLEM)))]
/// Hands the caller the unclaimed dossier of the queue that is due first.
pub async fn claim(
    State(state): State<AppState>,
    Auth(principal): Auth,
    IdempotencyKey(key): IdempotencyKey,
    Path(queue): Path<String>,
) -> Result<Response, ApiError> {
    let (agency, roles) = staff_only(&principal)?;
    let (code, st) = queue.rsplit_once(':').ok_or_else(|| not_found(&queue))?;
    let works_it = queues_for(&state, roles)
        .iter()
        .any(|(c, s, _)| c == code && s == st);
    if !works_it {
        return Err(not_found(&queue));
    }
    let now = state.clock.now();
    let mut tx = state
        .pool
        .begin()
        .await
        .map_err(motcua_store::StoreError::from)?;
    // A retried claim gets the dossier the first one handed over, not a second one.
    let route = format!("POST /v1/queues/{queue}/claim");
    let claimed = match idempotency::claim(&mut tx, &principal, key, &route, &Value::Null).await? {
        Ok(claimed) => claimed,
        Err(replay) => return Ok(crate::replayed::response(replay)),
    };
    let Some(dossier) =
        queues::claim_next(&mut tx, agency, code, st, principal.subject(), now).await?
    else {
        return Ok(StatusCode::NO_CONTENT.into_response());
    };
    events::append(
        &mut tx,
        NewEvent {
            dossier_id: dossier.id,
            at: now,
            actor_kind: "staff",
            actor: principal.subject(),
            action: "claim",
            from_state: Some(&dossier.state),
            to_state: &dossier.state,
            comment: None,
            detail: json!({ "queue": queue }),
        },
    )
    .await?;
    // Handing the dossier over is opening it: in the same transaction as the claim.
    record_staff_read(&mut *tx, &principal, &dossier).await?;
    let procedure = procedure_of(&state.catalog, &dossier)?;
    let view = full_view(&mut *tx, &principal, dossier, procedure).await?;
    let answer = serde_json::to_value(&view).map_err(ApiError::internal)?;
    idempotency::complete(&mut tx, claimed, StatusCode::OK.as_u16(), &answer).await?;
    tx.commit().await.map_err(motcua_store::StoreError::from)?;
    Ok((StatusCode::OK, axum::Json(answer)).into_response())
}

#[utoipa::path(post, operation_id = "releaseDossier", path = "/v1/dossiers/{id}/release", tag = "queues", security(("bearer" = [])),
    params(("id" = Uuid, Path)),
    responses((status = 200, body = DossierView),
              (status = 401, body = crate::error::Problem, content_type = PROBLEM),
              (status = 403, body = crate::error::Problem, content_type = PROBLEM),
              (status = 404, body = crate::error::Problem, content_type = PROBLEM),
              (status = 409, body = crate::error::Problem, content_type = PROBLEM)))]
/// Gives a claimed dossier back to its queue (its holder, or a supervisor).
pub async fn release(
    State(state): State<AppState>,
    Auth(principal): Auth,
    Path(id): Path<Uuid>,
) -> Result<Json<DossierView>, ApiError> {
    reassign(&state, &principal, id, None, "release").await
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AssignRequest {
    /// The staff member (username) who works the dossier from now on.
    to: String,
}

#[utoipa::path(post, operation_id = "assignDossier", path = "/v1/dossiers/{id}/assign", tag = "queues", security(("bearer" = [])),
    params(("id" = Uuid, Path)),
    request_body = AssignRequest,
    responses((status = 200, body = DossierView),
              (status = 401, body = crate::error::Problem, content_type = PROBLEM),
              (status = 403, body = crate::error::Problem, content_type = PROBLEM),
              (status = 404, body = crate::error::Problem, content_type = PROBLEM),
              (status = 409, body = crate::error::Problem, content_type = PROBLEM),
              (status = 422, description = "`validation_failed`: `to` is not a username; \
                  `unknown_staff_member`: nobody by that name has logged in as staff or is in the staff directory; \
                  `not_in_agency`: they are staff of another agency; \
                  `no_role_for_state`: they do not hold the role that works the dossier's current state",
               body = crate::error::Problem, content_type = PROBLEM)))]
/// A supervisor hands a dossier to a given staff member of the agency: one the engine knows
/// (from their logins, or the staff directory) who holds the role that works its state.
pub async fn assign(
    State(state): State<AppState>,
    Auth(principal): Auth,
    Path(id): Path<Uuid>,
    Json(request): Json<AssignRequest>,
) -> Result<Json<DossierView>, ApiError> {
    let to = request.to.trim();
    let username = |c: char| c.is_ascii_alphanumeric() || "._-@".contains(c);
    if to.is_empty() || to.len() > 128 || !to.chars().all(username) {
        return Err(ApiError::validation(
            "name the staff member to assign",
            vec![crate::error::FieldProblem::new(
                "/to",
                "a username: 1 to 128 letters, digits, '.', '_', '-' or '@'",
            )],
        ));
    }
    reassign(&state, &principal, id, Some(to), "assign").await
}

async fn reassign(
    state: &AppState,
    principal: &Principal,
    id: Uuid,
    to: Option<&str>,
    action: &str,
) -> Result<Json<DossierView>, ApiError> {
    staff_only(principal)?;
    let supervisor = principal.holds(Role::Supervisor);
    let now = state.clock.now();
    let mut tx = state
        .pool
        .begin()
        .await
        .map_err(motcua_store::StoreError::from)?;
    let dossier = lock_visible(&mut tx, principal, id).await?;
    if dossier.closed_at.is_some() {
        return Err(ApiError::new(
            Code::DossierClosed,
            "a finished dossier is in no queue",
        ));
    }
    if dossier.state == DRAFT {
        return Err(ApiError::new(
            Code::NotInQueue,
            "a draft is in no queue until it is submitted: there is nothing to hand over",
        ));
    }
    let holder = dossier.assigned_to.as_deref();
    let allowed = match to {
        Some(_) => supervisor,
        None => supervisor || holder == Some(principal.subject()),
    };
    if !allowed {
        return Err(if to.is_some() {
            ApiError::new(Code::RoleNotAllowed, "only a supervisor reassigns dossiers")
        } else if holder.is_none() {
            ApiError::new(Code::NotClaimed, "nobody holds this dossier")
        } else {
            ApiError::new(
                Code::AssignedToAnother,
                "only the staff member holding the dossier, or a supervisor, gives it back",
            )
        });
    }
    if let Some(to) = to {
        let procedure = procedure_of(&state.catalog, &dossier)?;
        crate::staff::check_assignee(&mut tx, procedure, &dossier, to).await?;
    }
    let updated = queues::assign(&mut tx, id, to, now).await?;
    record_staff_read(&mut *tx, principal, &updated).await?;
    events::append(
        &mut tx,
        NewEvent {
            dossier_id: id,
            at: now,
            actor_kind: "staff",
            actor: principal.subject(),
            action,
            from_state: Some(&dossier.state),
            to_state: &dossier.state,
            comment: None,
            detail: json!({ "from": holder, "to": to }),
        },
    )
    .await?;
    tx.commit().await.map_err(motcua_store::StoreError::from)?;
    let procedure = procedure_of(&state.catalog, &updated)?;
    Ok(Json(
        full_view(&state.pool, principal, updated, procedure).await?,
    ))
}
