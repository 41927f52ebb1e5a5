//! Logins in flight: kept from `/v1/auth/login` to `/v1/auth/callback`, used once.

use crate::DbError;
pub use motcua_service::store::logins::{CitizenLogin, LoginAttempt, LOGIN_TTL_MINUTES};
use sqlx::{PgConnection, PgExecutor};

/// A row of [`LoginAttempt`], as read.
#[derive(sqlx::FromRow)]
pub(crate) struct LoginAttemptRow {
    state: String,
    nonce: String,
    code_verifier: String,
    kind: String,
    return_to: Option<String>,
    provider: Option<String>,
    required_level: Option<i16>,
    step_up: bool,
}

impl From<LoginAttemptRow> for LoginAttempt {
    fn from(r: LoginAttemptRow) -> Self {
        LoginAttempt {
            state: r.state,
            nonce: r.nonce,
            code_verifier: r.code_verifier,
            kind: r.kind,
            return_to: r.return_to,
            provider: r.provider,
            required_level: r.required_level,
            step_up: r.step_up,
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
        "insert into login_attempt
             (state, nonce, code_verifier, kind, return_to, provider, required_level, step_up)
         values ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(&attempt.state)
    .bind(&attempt.nonce)
    .bind(&attempt.code_verifier)
    .bind(&attempt.kind)
    .bind(&attempt.return_to)
    .bind(&attempt.provider)
    .bind(attempt.required_level)
    .bind(attempt.step_up)
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
         returning state, nonce, code_verifier, kind, return_to, provider, required_level,
                   step_up",
    )
    .bind(state)
    .bind(LOGIN_TTL_MINUTES)
    .fetch_optional(executor)
    .await?
    .map(Into::into))
}

/// Records a citizen's login at a provider: the last one per citizen and provider is kept.
pub async fn record_citizen(
    executor: impl PgExecutor<'_>,
    login: &CitizenLogin,
) -> Result<(), DbError> {
    sqlx::query(
        "insert into citizen_login (pin, provider, tech_id, birth_date, assurance_level)
         values ($1, $2, $3, $4, $5)
         on conflict (pin, provider) do update
            set tech_id = excluded.tech_id, birth_date = excluded.birth_date,
                assurance_level = excluded.assurance_level, last_login_at = now()",
    )
    .bind(&login.pin)
    .bind(&login.provider)
    .bind(&login.tech_id)
    .bind(&login.birth_date)
    .bind(login.assurance_level)
    .execute(executor)
    .await?;
    Ok(())
}
