//! Staff work queues: the queues a staff member works, claiming the next dossier of one, and
//! giving a dossier back or to someone else. A queue is `{procedure code}:{state}` within
//! the caller's agency, for each non-final state worked by a role the caller holds.

use crate::idempotency::{self, Answered};
use crate::lookup::{full_view, lock_visible, procedure_of, record_staff_read};
use crate::store::events::NewEvent;
use crate::store::queues::Queue;
use crate::time::in_vietnam;
use crate::view::DossierView;
use crate::{Code, FieldProblem, Said, ServiceError, Services};
use chrono::{DateTime, FixedOffset};
use motcua_core::dossier::{Dossier, DRAFT};
use motcua_core::principal::Principal;
use motcua_core::procedure::Role;
use serde::Serialize;
use serde_json::{json, Value};
use utoipa::ToSchema;
use uuid::Uuid;

/// The status a claim's answer is kept with for its key: a dossier handed over.
const HANDED_OVER: u16 = 200;

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

fn staff_only(principal: &Principal) -> Result<(&str, &[Role]), ServiceError> {
    match principal {
        Principal::Staff { agency, roles, .. } => Ok((agency, roles)),
        Principal::Citizen { .. } => Err(ServiceError::new(
            Code::StaffOnly,
            "work queues are for the staff of an agency",
        )),
    }
}

/// The queues `roles` work: every non-final state of a current procedure whose
/// `worked_by` is one of them, as (procedure code, state, role).
fn queues_for(services: &Services, roles: &[Role]) -> Vec<(String, String, Role)> {
    let mut queues = Vec::new();
    for procedure in services.catalog.current_all() {
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

fn not_found(queue: &str) -> ServiceError {
    ServiceError::new(
        Code::QueueNotFound,
        format!("no queue {queue:?} that you work; GET /v1/queues lists yours"),
    )
}

/// How far a queue's figures are counted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Counting {
    /// Every dossier: the API's figures, whatever they cost.
    Exact,
    /// Up to this many; a figure above it means "more than this many". For a page read at
    /// every request: it costs the same at a queue of a million as at one of `limit`.
    UpTo(i64),
}

/// The queues the caller may work, in their agency, with their figures.
pub async fn list(
    services: &Services,
    principal: &Principal,
    counting: Counting,
) -> Result<QueueList, ServiceError> {
    let (agency, roles) = staff_only(principal)?;
    let queues = queues_for(services, roles);
    let pairs: Vec<(String, String)> = queues
        .iter()
        .map(|(code, st, _)| (code.clone(), st.clone()))
        .collect();
    let figures = services
        .store
        .session()
        .await?
        .queue_figures(
            agency,
            &pairs,
            services.clock.now(),
            match counting {
                Counting::Exact => None,
                Counting::UpTo(limit) => Some(limit),
            },
        )
        .await?;
    let items = queues
        .into_iter()
        .map(|(code, st, role)| {
            let f = figures
                .iter()
                .find(|f| f.procedure_code == code && f.state == st);
            let procedure_name = services
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
    Ok(QueueList { items })
}

/// Hands the caller the unclaimed dossier of the queue that is due first: its view (a
/// [`DossierView`], as kept with `key`), or `None` when the queue is empty.
pub async fn claim(
    services: &Services,
    principal: &Principal,
    key: Option<String>,
    queue: &str,
) -> Result<Answered<Option<Value>>, ServiceError> {
    let (agency, roles) = staff_only(principal)?;
    let (code, st) = queue.rsplit_once(':').ok_or_else(|| not_found(queue))?;
    let works_it = queues_for(services, roles)
        .iter()
        .any(|(c, s, _)| c == code && s == st);
    if !works_it {
        return Err(not_found(queue));
    }
    let now = services.clock.now();
    let mut tx = services.store.begin().await?;
    // A retried claim gets the dossier the first one handed over, not a second one.
    let route = format!("POST /v1/queues/{queue}/claim");
    let claimed = match idempotency::claim(&mut *tx, principal, key, &route, &Value::Null).await? {
        Ok(claimed) => claimed,
        Err(replay) => return Ok(Answered::Replayed(replay)),
    };
    let queue_of = Queue {
        agency_id: agency,
        procedure_code: code,
        state: st,
    };
    let Some(dossier) = tx.claim_next(queue_of, principal.subject(), now).await? else {
        return Ok(Answered::Fresh(None));
    };
    tx.append_event(NewEvent {
        dossier_id: dossier.id,
        at: now,
        actor_kind: "staff",
        actor: principal.subject(),
        action: "claim",
        from_state: Some(&dossier.state),
        to_state: &dossier.state,
        comment: None,
        detail: json!({ "queue": queue }),
    })
    .await?;
    // Handing the dossier over is opening it: in the same transaction as the claim.
    record_staff_read(&mut *tx, principal, &dossier).await?;
    let procedure = procedure_of(&services.catalog, &dossier)?;
    let view = full_view(&mut *tx, principal, dossier, procedure).await?;
    let answer = serde_json::to_value(&view).map_err(ServiceError::internal)?;
    idempotency::complete(&mut *tx, claimed, HANDED_OVER, &answer).await?;
    tx.commit().await?;
    Ok(Answered::Fresh(Some(answer)))
}

/// Gives a claimed dossier back to its queue (its holder, or a supervisor).
pub async fn release(
    services: &Services,
    principal: &Principal,
    id: Uuid,
) -> Result<DossierView, ServiceError> {
    reassign(services, principal, id, None, "release").await
}

/// A supervisor hands a dossier to the staff member `to` of the agency: one the engine knows
/// (from their logins, or the staff directory) who holds the role that works its state.
pub async fn assign(
    services: &Services,
    principal: &Principal,
    id: Uuid,
    to: &str,
) -> Result<DossierView, ServiceError> {
    let to = to.trim();
    let username = |c: char| c.is_ascii_alphanumeric() || "._-@".contains(c);
    if to.is_empty() || to.len() > 128 || !to.chars().all(username) {
        return Err(ServiceError::validation(
            "name the staff member to assign",
            vec![FieldProblem::new(
                "/to",
                "a username: 1 to 128 letters, digits, '.', '_', '-' or '@'",
            )
            .said(Said::new(
                "Cán bộ được phân công",
                "Tên đăng nhập gồm 1 đến 128 chữ cái, chữ số hoặc các ký tự . _ - @.",
            ))],
        ));
    }
    reassign(services, principal, id, Some(to), "assign").await
}

async fn reassign(
    services: &Services,
    principal: &Principal,
    id: Uuid,
    to: Option<&str>,
    action: &str,
) -> Result<DossierView, ServiceError> {
    staff_only(principal)?;
    let now = services.clock.now();
    let mut tx = services.store.begin().await?;
    let dossier = lock_visible(&mut *tx, principal, id).await?;
    may_hand_over(principal, &dossier, to)?;
    if let Some(to) = to {
        let procedure = procedure_of(&services.catalog, &dossier)?;
        crate::staff::check_assignee(&mut *tx, procedure, &dossier, to).await?;
    }
    let updated = tx.assign(id, to, now).await?;
    record_staff_read(&mut *tx, principal, &updated).await?;
    let holder = dossier.assigned_to.as_deref();
    tx.append_event(NewEvent {
        dossier_id: id,
        at: now,
        actor_kind: "staff",
        actor: principal.subject(),
        action,
        from_state: Some(&dossier.state),
        to_state: &dossier.state,
        comment: None,
        detail: json!({ "from": holder, "to": to }),
    })
    .await?;
    let procedure = procedure_of(&services.catalog, &updated)?;
    // Read on the unit's connection before it commits: the same dossier, one connection.
    let view = full_view(&mut *tx, principal, updated, procedure).await?;
    tx.commit().await?;
    Ok(view)
}

/// Whether `principal` may give `dossier` back (`to` is `None`) or hand it to `to`: only a
/// submitted, open dossier is in a queue; its holder gives it back, a supervisor either.
fn may_hand_over(
    principal: &Principal,
    dossier: &Dossier,
    to: Option<&str>,
) -> Result<(), ServiceError> {
    if dossier.closed_at.is_some() {
        return Err(ServiceError::new(
            Code::DossierClosed,
            "a finished dossier is in no queue",
        ));
    }
    if dossier.state == DRAFT {
        return Err(ServiceError::new(
            Code::NotInQueue,
            "a draft is in no queue until it is submitted: there is nothing to hand over",
        ));
    }
    let supervisor = principal.holds(Role::Supervisor);
    let holder = dossier.assigned_to.as_deref();
    let allowed = match to {
        Some(_) => supervisor,
        None => supervisor || holder == Some(principal.subject()),
    };
    if allowed {
        return Ok(());
    }
    Err(if to.is_some() {
        ServiceError::new(Code::RoleNotAllowed, "only a supervisor reassigns dossiers")
    } else if holder.is_none() {
        ServiceError::new(Code::NotClaimed, "nobody holds this dossier")
    } else {
        ServiceError::new(
            Code::AssignedToAnother,
            "only the staff member holding the dossier, or a supervisor, gives it back",
        )
    })
}
