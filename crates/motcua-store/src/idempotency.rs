//! `Idempotency-Key` on POST: the first successful answer is kept and replayed.
//!
//! The key is claimed inside the caller's transaction, before the work. A concurrent
//! request with the same key waits on the primary key until the first one commits or rolls
//! back, so the work is done once. An answer is stored only with a successful commit: a
//! request that failed leaves no key behind and may be retried.
//!
//! A submission does not claim its key: it writes the key with its answer in the statement
//! that submits (`crate::submissions`), and a request that uses the key at the same moment
//! finds it taken there, with nothing written.

use crate::{DbError, StoreError};
pub use motcua_service::store::idempotency::{Claim, StoredKey};
use serde_json::Value;
use sqlx::PgConnection;

/// A row of [`StoredKey`], as read.
#[derive(sqlx::FromRow)]
pub(crate) struct StoredKeyRow {
    request_sha256: String,
    response_status: Option<i16>,
    response_body: Option<Value>,
}

impl From<StoredKeyRow> for StoredKey {
    fn from(r: StoredKeyRow) -> Self {
        StoredKey {
            request_sha256: r.request_sha256,
            response_status: r.response_status,
            response_body: r.response_body,
        }
    }
}

pub async fn claim(
    conn: &mut PgConnection,
    principal: &str,
    key: &str,
    request_sha256: &str,
) -> Result<Claim, DbError> {
    let inserted = sqlx::query(
        "insert into idempotency_key (principal, key, request_sha256) values ($1, $2, $3)
         on conflict (principal, key) do nothing",
    )
    .bind(principal)
    .bind(key)
    .bind(request_sha256)
    .execute(&mut *conn)
    .await?
    .rows_affected();
    if inserted == 1 {
        return Ok(Claim::Fresh);
    }
    // Only committed keys are visible and they always carry their answer.
    stored(&mut *conn, principal, key)
        .await?
        .and_then(|stored| stored.judge(request_sha256))
        .ok_or(DbError(StoreError::Conflict))
}

async fn stored(
    executor: impl sqlx::PgExecutor<'_>,
    principal: &str,
    key: &str,
) -> Result<Option<StoredKey>, DbError> {
    Ok(sqlx::query_as::<_, StoredKeyRow>(
        "select request_sha256, response_status, response_body
         from idempotency_key where principal = $1 and key = $2",
    )
    .bind(principal)
    .bind(key)
    .fetch_optional(executor)
    .await?
    .map(Into::into))
}

/// What a key already holds, without claiming it: for requests that must not repeat outside
/// work (a register read) when the answer would only be replayed.
pub async fn peek(
    executor: impl sqlx::PgExecutor<'_>,
    principal: &str,
    key: &str,
    request_sha256: &str,
) -> Result<Option<Claim>, DbError> {
    Ok(stored(executor, principal, key)
        .await?
        .and_then(|stored| stored.judge(request_sha256)))
}

pub async fn save(
    conn: &mut PgConnection,
    principal: &str,
    key: &str,
    status: u16,
    body: &Value,
) -> Result<(), DbError> {
    sqlx::query(
        "update idempotency_key set response_status = $3, response_body = $4
         where principal = $1 and key = $2",
    )
    .bind(principal)
    .bind(key)
    .bind(i16::try_from(status).unwrap_or(200))
    .bind(body)
    .execute(conn)
    .await?;
    Ok(())
}
