//! What every handler shares.

use crate::catalog::Catalog;
use crate::clock::Clock;
use motcua_auth::{AccessTokens, LoginKind, RelyingParty};
use motcua_core::calendar::Calendar;
use motcua_files::FileStore;
use motcua_registry::Register;
use sqlx::PgPool;
use std::ops::Deref;
use std::sync::Arc;

#[derive(Clone)]
pub struct AppState(Arc<Shared>);

pub struct Shared {
    pub pool: PgPool,
    /// Dossier code numbers, reserved in blocks apart from the submissions' statements.
    pub code_numbers: crate::code_numbers::CodeNumbers,
    pub catalog: Catalog,
    pub tokens: AccessTokens,
    pub citizen_login: RelyingParty,
    /// A separate provider for staff (`STAFF_OIDC_*`); `None` means the citizens' one.
    pub staff_login: Option<RelyingParty>,
    /// The population register (CSDLQGvDC), read for prefill.
    pub register: Arc<dyn Register>,
    /// Where attachments and results are kept (S3, or a local folder in `motcua dev`).
    pub files: Arc<dyn FileStore>,
    pub calendar: Calendar,
    pub clock: Clock,
    /// The engine's public base URL, without a trailing slash.
    pub public_url: String,
    /// The digitisation target of the reports (indicator 4.2's threshold is 80 %; an
    /// operator may aim higher, e.g. the 2030 goal of 100 %).
    pub digitisation_target: f64,
    /// Budgets against floods of logins, drafts and submissions.
    pub rate_limits: crate::rate_limits::RateLimits,
    /// How many requests are served at once, and how many may wait for a place.
    pub admission: crate::admission::Admission,
    /// What `/metrics` reports.
    pub metrics: crate::metrics::Metrics,
    /// Who may read `/metrics`: the scraper with `MOTCUA_METRICS_TOKEN`.
    pub metrics_scraper: crate::metrics::Scraper,
}

impl AppState {
    /// The state, with the register and the file store wrapped so that every call to them,
    /// from any handler, is timed into `metrics` (see [`crate::measured`]).
    pub fn new(mut shared: Shared) -> Self {
        shared.register = shared.metrics.measure_register(shared.register);
        shared.files = shared.metrics.measure_files(shared.files);
        AppState(Arc::new(shared))
    }

    pub fn login_provider(&self, kind: LoginKind) -> &RelyingParty {
        match (kind, &self.staff_login) {
            (LoginKind::Staff, Some(staff)) => staff,
            _ => &self.citizen_login,
        }
    }
}

impl Deref for AppState {
    type Target = Shared;

    fn deref(&self) -> &Shared {
        &self.0
    }
}
