use thiserror::Error;

/// What can go wrong in the store. Constraint violations that a client can cause are
/// turned into their own variants here, so the API can answer precisely.
#[derive(Debug, Error)]
pub enum StoreError {
    #[error("procedure {code} version {version} is already loaded with different content; publish a new version instead")]
    ProcedureVersionChanged { code: String, version: i32 },
    #[error("the dossier changed meanwhile")]
    Conflict,
    #[error("migration failed: {0}")]
    Migration(#[source] sqlx::migrate::MigrateError),
    #[error("database unavailable: {0}")]
    Unavailable(#[source] sqlx::Error),
    #[error("database error: {0}")]
    Database(#[source] sqlx::Error),
}

impl From<sqlx::Error> for StoreError {
    fn from(e: sqlx::Error) -> Self {
        match e {
            sqlx::Error::PoolTimedOut | sqlx::Error::Io(_) | sqlx::Error::PoolClosed => {
                StoreError::Unavailable(e)
            }
            other => StoreError::Database(other),
        }
    }
}
