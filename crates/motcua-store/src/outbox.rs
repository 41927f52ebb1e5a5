//! The outbox's SQL (`migrations/20261208000001_outbox.sql`): writing messages, the
//! workers' `for update skip locked`, the outcome of an attempt, and the operator's lists.
//! A submission writes its message in its own statement instead (`submissions::record`).

use crate::{records, DbError};
use chrono::{DateTime, Utc};
pub use motcua_service::store::outbox::{
    Message, NewMessage, Selection, Settled, TargetFigures, DEAD, DELIVERED, DROPPED, PENDING,
};
use sqlx::{PgConnection, Row};
use std::time::Duration;
use uuid::Uuid;

#[derive(sqlx::FromRow)]
struct MessageRow {
    id: i64,
    target: String,
    kind: String,
    dossier_id: Option<Uuid>,
    dossier_code: Option<String>,
    event_id: Option<i64>,
    delivery_key: Uuid,
    state: String,
    attempts: i32,
    next_attempt_at: DateTime<Utc>,
    last_error: Option<String>,
    created_at: DateTime<Utc>,
    settled_at: Option<DateTime<Utc>>,
}

impl From<MessageRow> for Message {
    fn from(r: MessageRow) -> Self {
        Message {
            id: r.id,
            target: r.target,
            kind: r.kind,
            dossier_id: r.dossier_id,
            dossier_code: r.dossier_code,
            event_id: r.event_id,
            delivery_key: r.delivery_key,
            state: r.state,
            attempts: r.attempts,
            next_attempt_at: r.next_attempt_at,
            last_error: r.last_error,
            created_at: r.created_at,
            settled_at: r.settled_at,
        }
    }
}

/// The columns of [`MessageRow`] from `outbox_message m`; the dossier's code is read by the
/// callers that list (the workers do not need it).
const COLUMNS: &str = "m.id, m.target, m.kind, m.dossier_id, m.event_id, m.delivery_key, \
                       m.state, m.attempts, m.next_attempt_at, m.last_error, m.created_at, \
                       m.settled_at";

/// Writes `messages` in one statement, in their order (ids follow it).
pub async fn enqueue(conn: &mut PgConnection, messages: &[NewMessage<'_>]) -> Result<(), DbError> {
    if messages.is_empty() {
        return Ok(());
    }
    let column = |f: fn(&NewMessage<'_>) -> Option<String>| -> Vec<Option<String>> {
        messages.iter().map(f).collect()
    };
    let targets = column(|m| Some(m.target.to_owned()));
    let kinds = column(|m| Some(m.kind.to_owned()));
    let dossiers: Vec<Option<Uuid>> = messages.iter().map(|m| m.dossier_id).collect();
    let events: Vec<Option<i64>> = messages.iter().map(|m| m.event_id).collect();
    // `with ordinality` and `order by` keep the given order in the ids.
    sqlx::query(
        "insert into outbox_message (target, kind, dossier_id, event_id)
         select t, k, d, e
           from unnest($1::text[], $2::text[], $3::uuid[], $4::bigint[])
                with ordinality as m(t, k, d, e, n)
          order by n",
    )
    .bind(targets)
    .bind(kinds)
    .bind(dossiers)
    .bind(events)
    .execute(conn)
    .await?;
    Ok(())
}

/// Locks the due messages of `targets` that head their dossier for their target, skipping
/// locked ones.
///
/// A later message of a dossier to a target is not taken while an earlier one to the same
/// target is pending or dead (targets wait for no other: an e-mail server down holds no
/// DVCQG step back): when
/// the earlier one is held by another worker, this statement's snapshot still sees it
/// pending, so the later one waits for the next round.
pub async fn lock_due(
    conn: &mut PgConnection,
    targets: &[&str],
    limit: i64,
) -> Result<Vec<Message>, DbError> {
    let targets: Vec<String> = targets.iter().map(|t| (*t).to_owned()).collect();
    let rows: Vec<MessageRow> = sqlx::query_as(&format!(
        "select {COLUMNS}, null::text as dossier_code
           from outbox_message m
          where m.state = '{PENDING}' and m.next_attempt_at <= now()
            and m.target = any($1)
            and not exists (select 1 from outbox_message e
                             where e.dossier_id = m.dossier_id and e.target = m.target
                               and e.id < m.id
                               and e.state in ('{PENDING}', '{DEAD}'))
          order by m.next_attempt_at, m.id
          limit $2
            for update of m skip locked"
    ))
    .bind(targets)
    .bind(limit)
    .fetch_all(conn)
    .await?;
    Ok(records(rows))
}

/// Writes the outcome of an attempt of message `id`.
pub async fn settle(conn: &mut PgConnection, id: i64, outcome: &Settled) -> Result<(), DbError> {
    match outcome {
        Settled::Delivered => {
            // A dossier delivered to the national portal counts as synchronised (QĐ 766
            // indicator 1.4), in the same statement.
            sqlx::query(
                "with settled as (
                     update outbox_message set state = 'delivered', attempts = attempts + 1,
                            last_error = null, settled_at = now()
                      where id = $1
                  returning target, kind, dossier_id
                 )
                 update dossier_fact f set synchronised = true
                   from settled s
                  where s.target = 'dvcqg'
                    and s.kind in ('dossier_created', 'dossier_updated')
                    and f.dossier_id = s.dossier_id and not f.synchronised",
            )
            .bind(id)
            .execute(conn)
            .await?
        }
        Settled::Retry {
            after,
            error,
            counted,
        } => {
            sqlx::query(
                "update outbox_message
                    set attempts = attempts + case when $2 then 1 else 0 end,
                        next_attempt_at = now() + make_interval(secs => $3), last_error = $4
                  where id = $1",
            )
            .bind(id)
            .bind(counted)
            .bind(after.as_secs_f64())
            .bind(error.as_str())
            .execute(conn)
            .await?
        }
        Settled::Dead { error } => {
            sqlx::query(
                "update outbox_message set state = 'dead', attempts = attempts + 1,
                        last_error = $2, settled_at = now()
                  where id = $1",
            )
            .bind(id)
            .bind(error.as_str())
            .execute(conn)
            .await?
        }
    };
    Ok(())
}

/// The `where` of a [`Selection`], over `outbox_message m` joined with `dossier d`; its
/// parameters are $1 to $6.
const SELECTED: &str = "($1::bigint is null or m.id = $1)
       and ($2::text is null or m.state = $2)
       and ($3::text is null or m.target = $3)
       and ($4::uuid is null or m.dossier_id = $4)
       and ($5::text is null or d.agency_id = $5)
       and ($6::bigint is null or m.id > $6)";

fn bind_selection<'q>(
    query: sqlx::query::QueryAs<'q, sqlx::Postgres, MessageRow, sqlx::postgres::PgArguments>,
    s: &'q Selection,
) -> sqlx::query::QueryAs<'q, sqlx::Postgres, MessageRow, sqlx::postgres::PgArguments> {
    query
        .bind(s.id)
        .bind(s.state.as_deref())
        .bind(s.target.as_deref())
        .bind(s.dossier_id)
        .bind(s.agency.as_deref())
        .bind(s.after)
}

pub async fn list(conn: &mut PgConnection, selection: &Selection) -> Result<Vec<Message>, DbError> {
    let rows: Vec<MessageRow> = bind_selection(
        sqlx::query_as(&format!(
            "select {COLUMNS}, d.code as dossier_code
               from outbox_message m left join dossier d on d.id = m.dossier_id
              where {SELECTED}
              order by m.id
              limit $7"
        )),
        selection,
    )
    .bind(selection.limit)
    .fetch_all(conn)
    .await?;
    Ok(records(rows))
}

/// Sets the selected messages in `from` states to `set`, returning them (each row locked,
/// so a message a worker is delivering right now is waited for, then judged again).
async fn change_state(
    conn: &mut PgConnection,
    selection: &Selection,
    from: &[&str],
    set: &str,
) -> Result<Vec<i64>, DbError> {
    let from: Vec<String> = from.iter().map(|s| (*s).to_owned()).collect();
    let rows: Vec<MessageRow> = bind_selection(
        sqlx::query_as(&format!(
            "with chosen as (
                 select m.id from outbox_message m left join dossier d on d.id = m.dossier_id
                  where {SELECTED} and m.state = any($8)
                  order by m.id limit $7
                    for update of m)
             update outbox_message m
                set state = $9,
                    attempts = case when $9 = '{PENDING}' then 0 else m.attempts end,
                    next_attempt_at = case when $9 = '{PENDING}' then now()
                                           else m.next_attempt_at end,
                    settled_at = case when $9 = '{PENDING}' then null else now() end
               from chosen where m.id = chosen.id and m.state = any($8)
             returning {COLUMNS}, null::text as dossier_code"
        )),
        selection,
    )
    .bind(selection.limit)
    .bind(from)
    .bind(set)
    .fetch_all(conn)
    .await?;
    let mut ids: Vec<i64> = rows.into_iter().map(|r| r.id).collect();
    ids.sort_unstable();
    Ok(ids)
}

/// Dead messages (or pending ones waiting for their backoff) made due now, attempts from 0.
pub async fn retry(conn: &mut PgConnection, selection: &Selection) -> Result<Vec<i64>, DbError> {
    change_state(conn, selection, &[DEAD, PENDING], PENDING).await
}

/// Dead or pending messages dropped: never sent, and no longer holding their dossier back.
pub async fn drop(conn: &mut PgConnection, selection: &Selection) -> Result<Vec<i64>, DbError> {
    change_state(conn, selection, &[DEAD, PENDING], DROPPED).await
}

/// Every target's pending count, the oldest pending message's age, the failing and the
/// dead. Reads the pending and dead messages only (partial indexes).
pub async fn figures(conn: &mut PgConnection) -> Result<Vec<TargetFigures>, DbError> {
    let rows = sqlx::query(&format!(
        "select target,
                count(*) filter (where state = '{PENDING}'),
                coalesce(extract(epoch from now() - min(created_at)
                                 filter (where state = '{PENDING}'))::float8, 0),
                count(*) filter (where state = '{PENDING}' and attempts > 0),
                count(*) filter (where state = '{DEAD}')
           from outbox_message
          where state in ('{PENDING}', '{DEAD}')
          group by target
          order by target"
    ))
    .fetch_all(conn)
    .await?;
    rows.into_iter()
        .map(|row| {
            Ok(TargetFigures {
                target: row.try_get(0)?,
                pending: row.try_get(1)?,
                oldest_pending_age_secs: row.try_get(2)?,
                retrying: row.try_get(3)?,
                dead: row.try_get(4)?,
            })
        })
        .collect()
}

/// Deletes delivered and dropped messages settled more than `older_than` ago.
pub async fn forget_settled(conn: &mut PgConnection, older_than: Duration) -> Result<u64, DbError> {
    let done = sqlx::query(&format!(
        "delete from outbox_message
          where state in ('{DELIVERED}', '{DROPPED}')
            and settled_at < now() - make_interval(secs => $1)"
    ))
    .bind(older_than.as_secs_f64())
    .execute(conn)
    .await?;
    Ok(done.rows_affected())
}
