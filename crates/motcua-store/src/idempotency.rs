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

use crate::StoreError;
use serde_json::Value;
use sqlx::PgConnection;

/// What claiming a key found.
pub enum Claim {
    /// The key is new: do the work, then [`save`] the answer in the same transaction.
    Fresh,
    /// The key was used with the same request: here is the first answer.
    Replay { status: u16, body: Value },
    /// The key was used with a different request.
    Mismatch,
}

pub async fn claim(
    conn: &mut PgConnection,
    principal: &str,
    key: &str,
    request_sha256: &str,
) -> Result<Claim, StoreError> {
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
        .ok_or(StoreError::Conflict)
}

async fn stored(
    executor: impl sqlx::PgExecutor<'_>,
    principal: &str,
    key: &str,
) -> Result<Option<StoredKey>, StoreError> {
    Ok(sqlx::query_as(
        "select request_sha256, response_status, response_body
         from idempotency_key where principal = $1 and key = $2",
    )
    .bind(principal)
    .bind(key)
    .fetch_optional(executor)
    .await?)
}

/// A used key as stored: the fingerprint of the request that used it, and its answer.
#[derive(Debug, sqlx::FromRow)]
pub struct StoredKey {
    pub request_sha256: String,
    pub response_status: Option<i16>,
    pub response_body: Option<Value>,
}

impl StoredKey {
    /// What the key means for a request with the fingerprint `request_sha256`: its first
    /// answer, or a refusal if it was another request. `None` while it holds no answer.
    pub fn judge(self, request_sha256: &str) -> Option<Claim> {
        if self.request_sha256 != request_sha256 {
            return Some(Claim::Mismatch);
        }
        match (self.response_status, self.response_body) {
            (Some(status), Some(body)) => Some(Claim::Replay {
                status: u16::try_from(status).unwrap_or(200),
                body,
            }),
            _ => None,
        }
    }
}

/// What a key already holds, without claiming it: for requests that must not repeat outside
/// work (a register read) when the answer would only be replayed.
pub async fn peek(
    executor: impl sqlx::PgExecutor<'_>,
    principal: &str,
    key: &str,
    request_sha256: &str,
) -> Result<Option<Claim>, StoreError> {
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
) -> Result<(), StoreError> {
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
