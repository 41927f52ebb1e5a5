//! The national catalogue of procedures (DVCQG's `LayDanhSachTTHC`) against the engine's:
//! which local procedure has a national code the portal lists, and which has none. A
//! dossier of a procedure without one cannot be synchronised (the portal refuses its
//! `MaTTHC`), so `motcua procedures check --national` says so before any dossier is filed.

use crate::outbox::dvcqg::national_code;
use motcua_core::procedure::Procedure;
use motcua_dvcqg::{Dvcqg, DvcqgError};
use serde::Serialize;

/// One local procedure against the national catalogue.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Mapped {
    /// The procedure's code in the engine.
    pub code: String,
    pub version: i32,
    /// The national code it is synchronised under.
    pub national_code: String,
    /// The national catalogue's name for it; `None`: the catalogue has no such code.
    pub national_name: Option<String>,
}

impl Mapped {
    pub fn is_listed(&self) -> bool {
        self.national_name.is_some()
    }
}

/// Each of `procedures` against the catalogue DVCQG answers now, in the order given.
pub async fn compare(
    procedures: &[Procedure],
    dvcqg: &dyn Dvcqg,
) -> Result<Vec<Mapped>, DvcqgError> {
    let catalogue = dvcqg.catalogue().await?;
    Ok(procedures
        .iter()
        .map(|p| {
            let national = national_code(p.code());
            Mapped {
                code: p.code().to_owned(),
                version: p.version(),
                national_name: catalogue
                    .iter()
                    .find(|t| t.ma_tthc.trim() == national)
                    .map(|t| t.ten_tthc.clone()),
                national_code: national,
            }
        })
        .collect())
}
