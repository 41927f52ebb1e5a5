//! The store's failures are the use cases' [`StoreError`]. [`DbError`] only carries one out
//! of a store function, so that `?` classifies a driver's error on the way (Rust lets this
//! crate implement that conversion for its own types only).

pub use motcua_service::store::StoreError;

/// A [`StoreError`], as the store's functions give it.
#[derive(Debug, thiserror::Error)]
#[error(transparent)]
pub struct DbError(#[from] pub StoreError);

impl From<DbError> for StoreError {
    fn from(e: DbError) -> Self {
        e.0
    }
}

impl From<sqlx::Error> for DbError {
    fn from(e: sqlx::Error) -> Self {
        DbError(match e {
            sqlx::Error::PoolTimedOut | sqlx::Error::Io(_) | sqlx::Error::PoolClosed => {
                StoreError::Unavailable(Box::new(e))
            }
            sqlx::Error::Database(ref db) if db.code().is_some_and(|c| server_unavailable(&c)) => {
                StoreError::Unavailable(Box::new(e))
            }
            other => StoreError::Database(Box::new(other)),
        })
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
