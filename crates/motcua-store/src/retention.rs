//! Retention: anonymising finished dossiers past their procedure's retention, erasing the
//! files handed in with them, and forgetting old idempotency answers.
//!
//! What stays of an anonymised dossier: its code, procedure, agency, channel, states and
//! dates, its timeline (without the citizen's PIN, comments or supplement items), its
//! indicator facts (`dossier_fact`, never touched here), its electronic results (the
//! citizen's own documents, kept in their store) and the register access log (the record
//! of who read what, which must outlive the data it describes).

use crate::DbError;
use chrono::{DateTime, Utc};
pub use motcua_service::store::retention::Anonymised;
use serde_json::Value;
use sqlx::{PgConnection, PgExecutor};
use uuid::Uuid;

/// What an anonymised dossier's PIN and an erased document's owner become. Never a valid
/// số định danh cá nhân (12 digits), so no citizen can ever match it.
pub const ANONYMISED: &str = "anonymised";

/// The actor of the events a retention run writes.
pub const ACTOR: &str = "retention";

/// Finished dossiers of `procedure_code` closed at or before `closed_by` and not yet
/// anonymised, oldest first, at most `limit`, locked for the caller's transaction. Rows
/// another run holds are skipped, so two processes never work on the same dossier.
pub async fn lock_expired(
    conn: &mut PgConnection,
    procedure_code: &str,
    closed_by: DateTime<Utc>,
    limit: i64,
) -> Result<Vec<Uuid>, DbError> {
    Ok(sqlx::query_scalar(
        "select id from dossier
         where procedure_code = $1 and closed_at <= $2 and anonymised_at is null
         order by closed_at, id limit $3
         for update skip locked",
    )
    .bind(procedure_code)
    .bind(closed_by)
    .bind(limit)
    .fetch_all(conn)
    .await?)
}

/// How many dossiers [`lock_expired`] would find in all (for a dry run).
pub async fn count_expired(
    executor: impl PgExecutor<'_>,
    procedure_code: &str,
    closed_by: DateTime<Utc>,
) -> Result<i64, DbError> {
    Ok(sqlx::query_scalar(
        "select count(*) from dossier
         where procedure_code = $1 and closed_at <= $2 and anonymised_at is null",
    )
    .bind(procedure_code)
    .bind(closed_by)
    .fetch_one(executor)
    .await?)
}

/// Procedures with finished, not anonymised dossiers that are not in `known`: their
/// retention cannot be read, so a run leaves them and says so.
pub async fn unknown_procedures(
    executor: impl PgExecutor<'_>,
    known: &[String],
) -> Result<Vec<String>, DbError> {
    Ok(sqlx::query_scalar(
        // From the few recorded procedure codes, each checked through the retention index,
        // rather than a scan of every finished dossier each hour.
        "select p.code from (select distinct code from procedure_version) p
         where not (p.code = any($1))
           and exists (select 1 from dossier d where d.procedure_code = p.code
                         and d.closed_at is not null and d.anonymised_at is null)
         order by p.code",
    )
    .bind(known)
    .fetch_all(executor)
    .await?)
}

/// Anonymises `ids` (locked by [`lock_expired`] in the same transaction) at `at`, and
/// appends to each timeline an `anonymise` event whose detail is `detail` plus the number
/// of documents erased.
///
/// Uploads and clerk scans of these dossiers lose their owner and name and are marked for
/// removal from storage ([`objects_to_remove`]), unless a dossier still within its
/// retention also holds them (a document reused in a later dossier). Results stay.
pub async fn anonymise(
    conn: &mut PgConnection,
    ids: &[Uuid],
    at: DateTime<Utc>,
    detail: &Value,
) -> Result<Anonymised, DbError> {
    // The one permission the event log's append-only trigger grants (migration
    // 20261123000007): for this transaction only, and only on events of a dossier already
    // anonymised, which is why the dossiers are anonymised first.
    sqlx::query("select set_config('motcua.retention', 'on', true)")
        .execute(&mut *conn)
        .await?;
    let dossiers = sqlx::query(
        "update dossier set citizen_pin = $2, data = '{}'::jsonb, prefill = '{}'::jsonb,
                            anonymised_at = $3, updated_at = now()
         where id = any($1) and anonymised_at is null",
    )
    .bind(ids)
    .bind(ANONYMISED)
    .bind(at)
    .execute(&mut *conn)
    .await?
    .rows_affected();
    // The uploads and scans these dossiers hold, locked in id order: a concurrent run
    // anonymising another holder of the same document waits here until this one commits,
    // then sees its dossier anonymised, so a document two runs share is not left to neither.
    sqlx::query(
        "select id from document
         where kind in ('upload', 'clerk_scan') and erased_at is null
           and id in (select document_id from dossier_document where dossier_id = any($1))
         order by id for update",
    )
    .bind(ids)
    .execute(&mut *conn)
    .await?;
    let documents = sqlx::query(
        "update document d set erased_at = $2, owner_pin = $3, file_name = ''
         where d.kind in ('upload', 'clerk_scan') and d.erased_at is null
           and d.id in (select document_id from dossier_document where dossier_id = any($1))
           and not exists (select 1 from dossier_document dd
                           join dossier o on o.id = dd.dossier_id
                           where dd.document_id = d.id and o.anonymised_at is null)",
    )
    .bind(ids)
    .bind(at)
    .bind(ANONYMISED)
    .execute(&mut *conn)
    .await?
    .rows_affected();
    sqlx::query(
        "update dossier_event
         set actor = case when actor_kind = 'citizen' then $2 else actor end,
             comment = null,
             detail = detail - 'items'
         where dossier_id = any($1)
           and (actor_kind = 'citizen' or comment is not null or detail ? 'items')",
    )
    .bind(ids)
    .bind(ANONYMISED)
    .execute(&mut *conn)
    .await?;
    sqlx::query(
        "update dossier_document set added_by = $2
         where dossier_id = any($1) and added_by_kind = 'citizen'",
    )
    .bind(ids)
    .bind(ANONYMISED)
    .execute(&mut *conn)
    .await?;
    sqlx::query(
        "insert into dossier_event
           (dossier_id, at, actor_kind, actor, action, from_state, to_state, detail)
         select d.id, $2, 'system', $3, 'anonymise', d.state, d.state,
                $4 || jsonb_build_object('documents_erased',
                    (select count(*) from dossier_document dd
                     join document doc on doc.id = dd.document_id
                     where dd.dossier_id = d.id and doc.erased_at = $2))
         from dossier d where d.id = any($1)",
    )
    .bind(ids)
    .bind(at)
    .bind(ACTOR)
    .bind(detail)
    .execute(&mut *conn)
    .await?;
    Ok(Anonymised {
        dossiers,
        documents,
    })
}

/// Erased documents whose object is still in storage: (id, storage key), at most `limit`.
pub async fn objects_to_remove(
    executor: impl PgExecutor<'_>,
    limit: i64,
) -> Result<Vec<(Uuid, String)>, DbError> {
    Ok(sqlx::query_as(
        "select id, storage_key from document
         where erased_at is not null and object_removed_at is null
         order by erased_at, id limit $1",
    )
    .bind(limit)
    .fetch_all(executor)
    .await?)
}

pub async fn count_objects_to_remove(executor: impl PgExecutor<'_>) -> Result<u64, DbError> {
    let count: i64 = sqlx::query_scalar(
        "select count(*) from document where erased_at is not null and object_removed_at is null",
    )
    .fetch_one(executor)
    .await?;
    Ok(u64::try_from(count).unwrap_or(0))
}

pub async fn mark_object_removed(
    executor: impl PgExecutor<'_>,
    id: Uuid,
    at: DateTime<Utc>,
) -> Result<(), DbError> {
    sqlx::query("update document set object_removed_at = $2 where id = $1")
        .bind(id)
        .bind(at)
        .execute(executor)
        .await?;
    Ok(())
}

/// Forgets the idempotency keys older than `window`: their stored answers hold dossiers'
/// contents. Measured on the database's clock, which wrote `created_at`. Answers how many
/// went.
pub async fn forget_idempotency_keys(
    executor: impl PgExecutor<'_>,
    window: chrono::TimeDelta,
) -> Result<u64, DbError> {
    Ok(sqlx::query(
        "delete from idempotency_key where created_at < now() - make_interval(secs => $1)",
    )
    .bind(window.num_seconds() as f64)
    .execute(executor)
    .await?
    .rows_affected())
}
