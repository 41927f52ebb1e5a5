//! The use cases of motcua, shared by every interface.
//!
//! Each use case is to be a plain async function returning `Result<_, ServiceError>`, with
//! no axum or `http` types, so that the HTTP API and every interface after it do the same
//! thing and refuse it with the same stable [`Code`]. The use cases move here from
//! `motcua-api` step by step; so far the codes, the procedure catalog, the engine's clock,
//! dossier code numbers, the indicator facts, retention and the orphan sweep: what the
//! command line needs besides the server.

pub mod access_log;
pub mod actions;
pub mod catalog;
pub mod catalogue_search;
pub mod checks;
pub mod citizen_tasks;
pub mod clock;
pub mod code;
pub mod code_numbers;
pub mod context;
pub mod documents;
pub mod dossier_reads;
pub mod drafts;
pub mod error;
pub mod facts;
pub mod figures;
pub mod health;
pub mod idempotency;
pub mod logins;
pub mod lookup;
pub mod national_catalogue;
pub mod national_intake;
pub mod notify;
pub mod officials;
pub mod outbox;
pub mod owed;
pub mod pages;
pub mod payments;
pub mod pdf;
pub mod procedure_info;
pub mod queues;
pub mod register;
pub mod registration_slips;
pub mod report_csv;
pub mod report_pdf;
pub mod reports;
pub mod retention;
pub mod satisfaction;
pub mod scorecard;
pub mod slips;
pub mod staff;
pub mod store;
pub mod submission;
pub mod sweep;
pub mod time;
pub mod verifications;
pub mod view;
pub mod words;

pub use catalog::Catalog;
pub use clock::Clock;
pub use code::Code;
pub use context::Services;
pub use error::{FieldProblem, Said, ServiceError};
