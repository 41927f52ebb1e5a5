//! What every use case works with: the database, the procedures, the outside services the
//! engine reads and writes, the legal calendar and the engine's clock. Built once by the
//! binary; every interface (the REST API today) holds one and passes it to the use cases.

use crate::catalog::Catalog;
use crate::clock::Clock;
use crate::code_numbers::CodeNumbers;
use crate::store::Store;
use motcua_core::calendar::Calendar;
use motcua_files::FileStore;
use motcua_registry::Register;
use std::sync::Arc;

pub struct Services {
    /// Where dossiers and everything kept with them are stored (PostgreSQL, wired by the
    /// binary).
    pub store: Arc<dyn Store>,
    /// Dossier code numbers, reserved in blocks apart from the submissions' statements.
    pub code_numbers: CodeNumbers,
    pub catalog: Catalog,
    /// The population register (CSDLQGvDC), read for prefill.
    pub register: Arc<dyn Register>,
    /// Where attachments and results are kept (S3, or a local folder in `motcua dev`).
    pub files: Arc<dyn FileStore>,
    pub calendar: Calendar,
    pub clock: Clock,
    /// The digitisation target of the reports (indicator 4.2's threshold is 80 %; an
    /// operator may aim higher, e.g. the 2030 goal of 100 %).
    pub digitisation_target: f64,
    /// The agencies in a tree (`MOTCUA_AGENCY_TREE`): who reads whose figures, and the
    /// roll-ups. Flat when not configured.
    pub agencies: motcua_core::agencies::AgencyTree,
    /// The font the owed reports' PDFs are written in (`MOTCUA_REPORT_FONT`); none: no PDF.
    pub report_font: Option<Arc<Vec<u8>>>,
    /// When the owed reports fall due (`MOTCUA_DEAN06_DUE_DAY`, `MOTCUA_ND45_DUE_DAY`).
    pub owed_due: crate::owed::DueDays,
    /// The outbox targets told of every change of a submitted dossier (DVCQG when
    /// configured); empty, nothing is written.
    pub outbox_targets: crate::outbox::Targets,
    /// The national payment platform (`PAYGOV_*`); none: fees are shown and billed, and
    /// paid at the counter only.
    pub payments: Option<Arc<crate::payments::Payments>>,
    /// Citizens' notifications: the templates and the channels configured.
    pub notifications: crate::notify::Notifications,
    /// Official documents as PDF: fonts and the agency's signer.
    pub pdfs: crate::pdf::Pdfs,
}
