//! What every handler shares: the use cases' [`Services`], and what only the HTTP side
//! needs (tokens and logins, budgets, admission, metrics).

use motcua_auth::{AccessTokens, LoginKind, RelyingParty};
use motcua_service::Services;
use std::ops::Deref;
use std::sync::Arc;

#[derive(Clone)]
pub struct AppState(Arc<Shared>);

pub struct Shared {
    /// What the use cases work with; handlers pass it to them.
    pub services: Services,
    pub tokens: AccessTokens,
    pub citizen_login: RelyingParty,
    /// The other providers citizens may log in with (`OIDC_PROVIDERS`, each
    /// `<NAME>_OIDC_*`), chosen with `/v1/auth/login?provider=<name>`.
    pub other_logins: Vec<RelyingParty>,
    /// A separate provider for staff (`STAFF_OIDC_*`); `None` means the citizens' one.
    pub staff_login: Option<RelyingParty>,
    /// Whether the login cookie is `Secure`: outside `motcua dev` always, in `dev` when the
    /// public URL is HTTPS.
    pub secure_cookies: bool,
    /// The engine's public base URL, without a trailing slash.
    pub public_url: String,
    /// Budgets against floods of logins, drafts and submissions.
    pub rate_limits: crate::rate_limits::RateLimits,
    /// How many requests are served at once, and how many may wait for a place.
    pub admission: crate::admission::Admission,
    /// What `/metrics` reports.
    pub metrics: crate::metrics::Metrics,
    /// Who may read `/metrics`: the scraper with `MOTCUA_METRICS_TOKEN`.
    pub metrics_scraper: crate::metrics::Scraper,
    /// Who may push dossiers filed on the national portal: DVCQG's adapter, with
    /// `DVCQG_INBOUND_TOKEN` (the same bearer check as the scraper's); none when unset.
    pub dvcqg_caller: crate::metrics::Scraper,
    /// The console's keys and cookie settings (`motcua_console`).
    pub console: motcua_console::Settings,
    /// The citizen portal's keys and cookie settings (`motcua_portal`).
    pub portal: motcua_portal::Settings,
}

impl AppState {
    /// The state, with the register and the file store wrapped so that every call to them,
    /// from any use case, is timed into `metrics` (see [`crate::measured`]).
    pub fn new(mut shared: Shared) -> Self {
        let services = &mut shared.services;
        services.register = shared.metrics.measure_register(services.register.clone());
        services.files = shared.metrics.measure_files(services.files.clone());
        AppState(Arc::new(shared))
    }

    pub fn login_provider(&self, kind: LoginKind) -> &RelyingParty {
        match (kind, &self.staff_login) {
            (LoginKind::Staff, Some(staff)) => staff,
            _ => &self.citizen_login,
        }
    }

    /// The provider a login goes to: a named one (`provider=`), or else the default one of
    /// its kind. `None` for a name no provider has.
    pub fn named_provider(&self, kind: LoginKind, name: Option<&str>) -> Option<&RelyingParty> {
        let default = self.login_provider(kind);
        match name {
            None => Some(default),
            Some(name) if name == default.name() => Some(default),
            Some(name) => std::iter::once(&self.citizen_login)
                .chain(self.other_logins.iter())
                .find(|p| p.name() == name),
        }
    }
}

/// The console's pages call the same use cases with the same `Services`.
impl motcua_console::Engine for AppState {
    fn services(&self) -> &Services {
        &self.services
    }

    fn console(&self) -> &motcua_console::Settings {
        &self.console
    }
}

/// So do the portal's.
impl motcua_portal::Engine for AppState {
    fn services(&self) -> &Services {
        &self.services
    }

    fn portal(&self) -> &motcua_portal::Settings {
        &self.portal
    }
}

impl Deref for AppState {
    type Target = Shared;

    fn deref(&self) -> &Shared {
        &self.0
    }
}
