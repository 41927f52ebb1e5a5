//! The use cases of motcua, shared by every interface.
//!
//! Each use case is to be a plain async function returning `Result<_, ServiceError>`, with
//! no axum or `http` types, so that the HTTP API and every interface after it do the same
//! thing and refuse it with the same stable [`Code`]. The use cases move here from
//! `motcua-api` step by step; so far the codes, the procedure catalog, the engine's clock,
//! dossier code numbers, the indicator facts, retention and the orphan sweep: what the
//! command line needs besides the server.

pub mod catalog;
pub mod checks;
pub mod clock;
pub mod code;
pub mod code_numbers;
pub mod context;
pub mod error;
pub mod facts;
pub mod idempotency;
pub mod lookup;
pub mod register;
pub mod retention;
pub mod sweep;
pub mod time;
pub mod view;

pub use catalog::Catalog;
pub use clock::Clock;
pub use code::Code;
pub use context::Services;
pub use error::{FieldProblem, ServiceError};
