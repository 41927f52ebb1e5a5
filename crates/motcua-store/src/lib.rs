//! PostgreSQL storage of motcua, through sqlx.
//!
//! Store functions take an executor or a `&mut PgConnection`: the caller owns the
//! transaction, so one workflow step is one transaction (a submission is one statement
//! instead: `submissions` says why).
//!
//! SQL is written inline with the runtime `sqlx::query*` functions rather than the
//! compile-checked macros: the macros need a live database or a committed `.sqlx/` cache at
//! build time, and a newcomer's first `cargo build` must work without either. The black-box
//! suite runs every statement against real PostgreSQL instead.

pub mod contacts;
pub mod documents;
pub mod dossiers;
pub mod error;
pub mod events;
pub mod facts;
pub mod idempotency;
pub mod logins;
pub mod outbox;
pub mod payments;
pub mod procedures;
pub mod queues;
pub mod register_access;
pub mod retention;
pub mod satisfaction;
pub mod session;
pub mod staff;
pub mod submissions;

pub use error::{DbError, StoreError};
pub use session::{PgSession, PgStore};
pub use sqlx::{PgPool, Postgres, Transaction};

use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use std::str::FromStr;
use std::time::Duration;

/// `$first, $first+1, …`: `count` numbered parameters, for statements that bind a row
/// with a shared binding function.
pub(crate) fn placeholders(first: usize, count: usize) -> String {
    (first..first + count)
        .map(|n| format!("${n}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Rows as the records they are read for.
pub(crate) fn records<R, T: From<R>>(rows: Vec<R>) -> Vec<T> {
    rows.into_iter().map(T::from).collect()
}

/// The migrations of the top-level `migrations/` folder, embedded in the binary.
pub static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("../../migrations");

/// Opens a pool on `database_url`. Fails fast (a few seconds) when the database is down, so
/// a request gets a 503 rather than hanging.
pub async fn connect(database_url: &str, max_connections: u32) -> Result<PgPool, DbError> {
    let options = PgConnectOptions::from_str(database_url)?.application_name("motcua");
    let pool = PgPoolOptions::new()
        .max_connections(max_connections)
        .acquire_timeout(Duration::from_secs(5))
        // sqlx already pings a connection when it goes back to the pool; a second ping when
        // it is taken out again doubled the round trips that are not queries (a tenth of the
        // engine's time under the deadline benchmark). A connection that died idle fails its
        // request with a 503 and is dropped, and the next request gets a fresh one.
        .test_before_acquire(false)
        .connect_with(options)
        .await?;
    Ok(pool)
}

/// Opens the small pool dossier code numbers are reserved on
/// ([`dossiers::reserve_code_numbers`]): its sessions commit without waiting for the disk
/// (`synchronous_commit = off`).
///
/// Numbers are reserved in a transaction of their own, before the submission's commit, so
/// the counter row of an agency and day is locked for one statement instead of for the
/// whole submission and its flush to disk: on the last day of an exam's registration every
/// submission to a school needs that row. Not waiting for the disk is safe for uniqueness:
/// a submission's own commit waits for the write-ahead log up to its record, which comes
/// after the reservation's; a crash before that loses the reservation and the dossier
/// together, and the dossier was never acknowledged. A number reserved and not given (its
/// submission failed, or the engine stopped) is not given again: the code's sequence may
/// have gaps, unique and never reused, as the decree asks.
pub async fn connect_code_numbers(database_url: &str) -> Result<PgPool, DbError> {
    let options = PgConnectOptions::from_str(database_url)?
        .application_name("motcua-code-numbers")
        .options([("synchronous_commit", "off")]);
    let pool = PgPoolOptions::new()
        .max_connections(4)
        .acquire_timeout(Duration::from_secs(5))
        .test_before_acquire(false)
        .connect_with(options)
        .await?;
    Ok(pool)
}

/// Applies every migration not yet applied.
pub async fn migrate(pool: &PgPool) -> Result<(), sqlx::migrate::MigrateError> {
    MIGRATOR.run(pool).await
}

/// Whether the database answers (for `/readyz`).
pub async fn ping(pool: &PgPool) -> bool {
    sqlx::query("select 1").execute(pool).await.is_ok()
}
