//! Logins in flight: kept from `/v1/auth/login` to `/v1/auth/callback`, used once.

use crate::StoreError;
use sqlx::PgPool;

/// How long a citizen may take on the provider's login page.
pub const LOGIN_TTL_MINUTES: i32 = 10;

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct LoginAttempt {
    pub state: String,
    pub nonce: String,
    pub code_verifier: String,
    pub kind: String,
    pub return_to: Option<String>,
}

pub async fn save(pool: &PgPool, attempt: &LoginAttempt) -> Result<(), StoreError> {
    // Old attempts are swept here rather than by a timer: logins are rare next to dossiers.
    sqlx::query("delete from login_attempt where created_at < now() - make_interval(mins => $1)")
        .bind(LOGIN_TTL_MINUTES)
        .execute(pool)
        .await?;
    sqlx::query(
        "insert into login_attempt (state, nonce, code_verifier, kind, return_to)
         values ($1, $2, $3, $4, $5)",
    )
    .bind(&attempt.state)
    .bind(&attempt.nonce)
    .bind(&attempt.code_verifier)
    .bind(&attempt.kind)
    .bind(&attempt.return_to)
    .execute(pool)
    .await?;
    Ok(())
}

/// Takes the attempt for `state` if it is still fresh; a second call finds nothing.
pub async fn take(pool: &PgPool, state: &str) -> Result<Option<LoginAttempt>, StoreError> {
    Ok(sqlx::query_as(
        "delete from login_attempt
         where state = $1 and created_at >= now() - make_interval(mins => $2)
         returning state, nonce, code_verifier, kind, return_to",
    )
    .bind(state)
    .bind(LOGIN_TTL_MINUTES)
    .fetch_optional(pool)
    .await?)
}
