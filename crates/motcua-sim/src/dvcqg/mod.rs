//! A stand-in for the national public-service portal's synchronisation adapter (DVCQG, as
//! provinces reach it through their integration platform): `POST /dvcqg/login` gives a
//! session for the account's username and password; `POST /dvcqg/api` takes
//! `{"session", "madonvi", "service", "data": [...]}` for `DongBoHoSoMC` (with
//! `isUpdating`) and `CapNhatTienDoHoSoMC`, checks each payload against the national shape
//! ([`shape`]) and answers `{"error_code", "message"}` as the adapter does (`"0"` success,
//! `"-1"` refused). A creation of a dossier it holds, or an update or step of one it does not,
//! is refused as the portal would. It counts what it took ([`DvcqgControl`]), recognises
//! a re-send by its `Idempotency-Key`, and can be switched to refuse, time out or be down.

mod control;
mod routes;
pub mod shape;

pub use control::{DvcqgCall, DvcqgControl, Switches, HANG};
pub(crate) use routes::routes;

/// The adapter account of the development setup (`DVCQG_USERNAME`, `DVCQG_PASSWORD`).
pub const DEV_USERNAME: &str = "motcua";
pub const DEV_PASSWORD: &str = "motcua-dev-dvcqg";
/// The province's unit code the stand-in expects (`DVCQG_AGENCY_CODE`).
pub const DEV_AGENCY_CODE: &str = "000.00.00.H26";
