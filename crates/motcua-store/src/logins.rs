//! Logins in flight: kept from `/v1/auth/login` to `/v1/auth/callback`, used once.

use crate::DbError;
pub use motcua_service::store::logins::{LoginAttempt, LOGIN_TTL_MINUTES};
use sqlx::{PgConnection, PgExecutor};

/// A row of [`LoginAttempt`], as read.
#[derive(sqlx::FromRow)]
pub(crate) struct LoginAttemptRow {
    state: String,
    nonce: String,
    code_verifier: String,
    kind: String,
    return_to: Option<String>,
}

impl From<LoginAttemptRow> for LoginAttempt {
    fn from(r: LoginAttemptRow) -> Self {
        LoginAttempt {
            state: r.state,
            nonce: r.nonce,
            code_verifier: r.code_verifier,
            kind: r.kind,
            return_to: r.return_to,
        }
    }
}

pub async fn save(conn: &mut PgConnection, attempt: &LoginAttempt) -> Result<(), DbError> {
    // Old attempts are swept here rather than by a timer: logins are rare next to dossiers.
    sqlx::query("delete from login_attempt where created_at < now() - make_interval(mins => $1)")
        .bind(LOGIN_TTL_MINUTES)
        .execute(&mut *conn)
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
    .execute(conn)
    .await?;
    Ok(())
}

/// Takes the attempt for `state` if it is still fresh; a second call finds nothing.
pub async fn take(
    executor: impl PgExecutor<'_>,
    state: &str,
) -> Result<Option<LoginAttempt>, DbError> {
    Ok(sqlx::query_as::<_, LoginAttemptRow>(
        "delete from login_attempt
         where state = $1 and created_at >= now() - make_interval(mins => $2)
         returning state, nonce, code_verifier, kind, return_to",
    )
    .bind(state)
    .bind(LOGIN_TTL_MINUTES)
    .fetch_optional(executor)
    .await?
    .map(Into::into))
}
