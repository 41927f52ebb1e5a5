//! The black-box suite in one test binary (zero-to-production's `tests/api/main.rs`): a
//! module per area, so cargo links one binary instead of one per file, and the run shares
//! one PostgreSQL cluster, one S3 server and one build of the `motcua` binary.
//!
//! Run one area with its module path: `cargo test -p motcua-tests --test suite processing::`
//! (or one test: `... --test suite documents::a_50_mib`). Accounts, clients and the usual
//! arrange steps live in the test library (`tests/src/`); an area's module keeps only what
//! is its own.

mod abuse;
mod admission;
mod authorisation;
mod backup;
mod balancer;
/// The headless Chromium the console's and the portal's tests drive (not an area of its own).
mod browser;
mod cli;
mod console;
mod crash;
mod database;
mod database_tls;
mod deploy;
mod documents;
mod dossiers;
mod errors;
mod file_stores;
mod fuzzing;
mod identity;
mod languages;
mod metrics;
mod notifications;
mod outages;
mod outbox;
mod payments;
mod portal;
mod procedures;
mod processing;
mod register;
mod register_lgsp;
mod reports;
mod retention;
mod satisfaction;
mod schemathesis;
mod shutdown;
mod signed_pdfs;
mod two_processes;
mod upgrade;
mod upload_abuse;
