//! What an operator does with the outbox: list its messages, retry one that is dead (or
//! waiting out a backoff), drop one that should never be sent. From the command line
//! (`motcua outbox`, every message) or by a supervisor over the API (their agency's
//! dossiers' messages only).

use crate::store::outbox::{Message, Selection, DEAD, DELIVERED, DROPPED, PENDING};
use crate::store::Store;
use crate::time::in_vietnam;
use crate::{Code, FieldProblem, ServiceError};
use chrono::{DateTime, FixedOffset};
use motcua_core::principal::Principal;
use motcua_core::procedure::Role;
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

/// Who operates, and so which messages they reach.
#[derive(Debug, Clone, Copy)]
pub enum Operator<'a> {
    /// `motcua outbox …`, run where the database is: every message.
    CommandLine,
    /// A member of staff over the API: a supervisor, for their agency's dossiers.
    Staff(&'a Principal),
}

/// Which messages to list.
#[derive(Debug, Clone, Default)]
pub struct Filter {
    /// `pending`, `delivered`, `dead` or `dropped`.
    pub state: Option<String>,
    pub target: Option<String>,
    pub dossier_id: Option<Uuid>,
}

/// A message as an operator sees it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct MessageView {
    pub id: i64,
    /// Who it is for: `dvcqg`.
    pub target: String,
    /// `dossier_created`, `dossier_updated` or `step`.
    pub kind: String,
    pub dossier_id: Option<Uuid>,
    pub dossier_code: Option<String>,
    /// The dossier event it reports.
    pub event_id: Option<i64>,
    /// `pending`, `delivered`, `dead` or `dropped`.
    pub state: String,
    pub attempts: i32,
    /// When a pending message is tried next.
    pub next_attempt_at: DateTime<FixedOffset>,
    /// Why the last attempt failed (for a dead one, why it is dead).
    pub last_error: Option<String>,
    pub created_at: DateTime<FixedOffset>,
    /// When it was delivered, dead-lettered or dropped.
    pub settled_at: Option<DateTime<FixedOffset>>,
}

impl From<Message> for MessageView {
    fn from(m: Message) -> Self {
        MessageView {
            id: m.id,
            target: m.target,
            kind: m.kind,
            dossier_id: m.dossier_id,
            dossier_code: m.dossier_code,
            event_id: m.event_id,
            state: m.state,
            attempts: m.attempts,
            next_attempt_at: in_vietnam(m.next_attempt_at),
            last_error: m.last_error,
            created_at: in_vietnam(m.created_at),
            settled_at: m.settled_at.map(in_vietnam),
        }
    }
}

/// A page of messages, oldest first.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct MessagePage {
    pub items: Vec<MessageView>,
    /// The `cursor` of the next page; `null` on the last.
    pub next_cursor: Option<String>,
}

/// The agency the operator is limited to (`None`: every one), or why they may not operate.
fn reach(operator: Operator<'_>) -> Result<Option<String>, ServiceError> {
    match operator {
        Operator::CommandLine => Ok(None),
        Operator::Staff(principal) if principal.holds(Role::Supervisor) => {
            Ok(principal.agency().map(str::to_owned))
        }
        Operator::Staff(_) => Err(ServiceError::new(
            Code::SupervisorsOnly,
            "the outbox is operated by supervisors",
        )),
    }
}

fn check_state(state: Option<&str>) -> Result<(), ServiceError> {
    match state {
        None => Ok(()),
        Some(s) if [PENDING, DELIVERED, DEAD, DROPPED].contains(&s) => Ok(()),
        Some(_) => Err(ServiceError::validation(
            "unknown state",
            vec![FieldProblem::new(
                "/state",
                "one of pending, delivered, dead, dropped",
            )],
        )),
    }
}

/// The messages `filter` selects, after the message numbered by `cursor`, at most `limit`.
pub async fn list(
    store: &dyn Store,
    operator: Operator<'_>,
    filter: Filter,
    limit: i64,
    cursor: Option<&str>,
) -> Result<MessagePage, ServiceError> {
    let agency = reach(operator)?;
    check_state(filter.state.as_deref())?;
    let after = match cursor {
        None => None,
        Some(c) => Some(c.parse::<i64>().map_err(|_| {
            ServiceError::validation(
                "bad cursor",
                vec![FieldProblem::new("/cursor", "a next_cursor of this list")],
            )
        })?),
    };
    let limit = limit.clamp(1, 200);
    let selection = Selection {
        id: None,
        state: filter.state,
        target: filter.target,
        dossier_id: filter.dossier_id,
        agency,
        after,
        limit,
    };
    let messages = store.session().await?.list_messages(&selection).await?;
    let next_cursor = (i64::try_from(messages.len()).unwrap_or(0) == limit)
        .then(|| messages.last().map(|m| m.id.to_string()))
        .flatten();
    Ok(MessagePage {
        items: messages.into_iter().map(MessageView::from).collect(),
        next_cursor,
    })
}

/// What to do with one message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    /// Pending and due now, its attempts counted from 0 again.
    Retry,
    /// Never sent; its dossier's later messages go on.
    Drop,
}

/// Retries or drops message `id`; the message as it is afterwards.
pub async fn decide(
    store: &dyn Store,
    operator: Operator<'_>,
    id: i64,
    decision: Decision,
) -> Result<MessageView, ServiceError> {
    let agency = reach(operator)?;
    let selection = Selection {
        id: Some(id),
        agency,
        limit: 1,
        ..Default::default()
    };
    let mut tx = store.begin().await?;
    let found = tx.list_messages(&selection).await?;
    if found.is_empty() {
        return Err(ServiceError::new(
            Code::OutboxMessageNotFound,
            format!("no outbox message {id}"),
        ));
    }
    let changed = match decision {
        Decision::Retry => tx.retry_messages(&selection).await?,
        Decision::Drop => tx.drop_messages(&selection).await?,
    };
    if changed.is_empty() {
        return Err(ServiceError::new(
            Code::OutboxMessageSettled,
            format!("outbox message {id} was already delivered or dropped"),
        ));
    }
    let after = tx.list_messages(&selection).await?;
    tx.commit().await?;
    let message = after
        .into_iter()
        .next()
        .ok_or_else(|| ServiceError::internal("a message changed and then vanished"))?;
    tracing::info!(outbox.id = id, decision = ?decision, "outbox message decided by an operator");
    Ok(message.into())
}

/// Retries every dead message `filter` selects (its state is ignored): after an outage
/// longer than the attempts, or once a refusal's cause is fixed. The ids retried.
pub async fn retry_dead(store: &dyn Store, filter: Filter) -> Result<Vec<i64>, ServiceError> {
    let selection = Selection {
        state: Some(DEAD.to_owned()),
        target: filter.target,
        dossier_id: filter.dossier_id,
        limit: i64::MAX,
        ..Default::default()
    };
    let mut tx = store.begin().await?;
    let ids = tx.retry_messages(&selection).await?;
    tx.commit().await?;
    Ok(ids)
}
