use thiserror::Error;

/// What can go wrong in the store. Constraint violations that a client can cause are
/// turned into their own variants here, so the API can answer precisely.
#[derive(Debug, Error)]
pub enum StoreError {
    #[error("procedure {code} version {version} is already loaded with different content; publish a new version instead")]
    ProcedureVersionChanged { code: String, version: i32 },
    #[error("the dossier changed meanwhile")]
    Conflict,
    /// A statement of several writes would leave one undone (its inputs disagree): refused
    /// before it runs, or, in a caller's transaction, the transaction must not commit.
    #[error("incomplete write: {0}")]
    Incomplete(&'static str),
    /// The database holds what the engine never writes (e.g. a code sequence below 1).
    #[error("unexpected data in the database: {0}")]
    Corrupt(&'static str),
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
            sqlx::Error::Database(ref db) if db.code().is_some_and(|c| server_unavailable(&c)) => {
                StoreError::Unavailable(e)
            }
            other => StoreError::Database(other),
        }
    }
}

/// SQLSTATEs that mean the server, not the query, is the trouble: class 08 connection
/// exception, class 53 insufficient resources (too many connections, out of disk), and of
/// class 57 the shutdowns and start-ups (57P01 admin_shutdown, 57P02 crash_shutdown, 57P03
/// cannot_connect_now) — not 57014, a query cancelled by its statement timeout. A restart
/// of PostgreSQL answers with these; the request may simply be tried again.
fn server_unavailable(sqlstate: &str) -> bool {
    sqlstate.starts_with("08")
        || sqlstate.starts_with("53")
        || ["57P01", "57P02", "57P03"].contains(&sqlstate)
}

#[cfg(test)]
mod tests {
    use super::server_unavailable;

    #[test]
    fn a_restart_is_unavailability_and_a_bad_query_is_not() {
        // admin_shutdown, cannot_connect_now, too_many_connections, connection_failure.
        for code in ["57P01", "57P03", "53300", "08006"] {
            assert!(server_unavailable(code), "{code}");
        }
        // unique_violation, undefined_table, serialization_failure, statement timeout.
        for code in ["23505", "42P01", "40001", "57014"] {
            assert!(!server_unavailable(code), "{code}");
        }
    }
}
