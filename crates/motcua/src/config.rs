//! Configuration: one typed struct read once from the environment (the names README.md lists).
//!
//! `serve` needs every outside service configured and names each one that is not;
//! `dev` fills what is missing with the built-in stand-ins.
//!
//! One file over 600 lines, on purpose: every setting the engine reads, its default and its
//! check in one place, so that README.md's list and the code can be held side by side; its
//! unit tests are the last 130 lines.

use motcua_api::admission::AdmissionSettings;
use motcua_api::rate_limits::RateLimitSettings;
use secrecy::SecretString;
use std::collections::HashMap;
use std::net::SocketAddr;
use std::num::{NonZeroU32, NonZeroUsize};
use std::path::PathBuf;

/// One identity provider: where it is, the engine's client there, and how to read what it
/// says (`{prefix}OIDC_PROFILE` and the overrides of its claim mapping).
#[derive(Debug, Clone)]
pub struct OidcSettings {
    /// `default` for `OIDC_*`, `staff` for `STAFF_OIDC_*`, the lower-case name for
    /// `<NAME>_OIDC_*`.
    pub name: String,
    pub issuer: String,
    pub client_id: String,
    pub client_secret: SecretString,
    pub mapping: motcua_auth::ClaimMapping,
    /// `{prefix}OIDC_REFRESH_SECS`: how long discovery and the JWKS are trusted before the next
    /// login fetches them again.
    pub refresh: std::time::Duration,
}

impl OidcSettings {
    /// A standard provider with the default refresh (the built-in simulator of `dev`).
    pub fn standard(name: &str, issuer: String, client_id: String, secret: SecretString) -> Self {
        OidcSettings {
            name: name.to_owned(),
            issuer,
            client_id,
            client_secret: secret,
            mapping: motcua_auth::ClaimMapping::of(motcua_auth::ProviderProfile::Standard),
            refresh: motcua_auth::DEFAULT_REFRESH,
        }
    }
}

#[derive(Debug, Clone)]
pub struct S3Settings {
    pub endpoint: String,
    pub region: String,
    pub bucket: String,
    pub access_key: String,
    pub secret_key: SecretString,
}

#[derive(Debug, Clone)]
pub struct RegistrySettings {
    pub url: String,
    pub token: SecretString,
}

/// `REGISTRY_PROTOCOL`: the shape the population register is spoken to in
/// (docs/INTEGRATIONS.md, "Population register through LGSP").
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum RegisterProtocol {
    /// `motcua` (default): the register API of docs/ARCHITECTURE.md at `REGISTRY_URL`.
    #[default]
    Motcua,
    /// `lgsp`: the population-database query through the province's integration platform;
    /// `REGISTRY_URL` is the query's address, `REGISTRY_LGSP_INTEGRATION_CODE` its
    /// `MaTichHop`.
    Lgsp { integration_code: String },
}

/// How the engine stops: `MOTCUA_SHUTDOWN_DELAY_SECS` and `MOTCUA_SHUTDOWN_GRACE_SECS`.
#[derive(Debug, Clone, Copy)]
pub struct ShutdownSettings {
    /// After the signal, `/readyz` is 503 but connections are still taken for this long, so
    /// that a balancer probing readiness stops sending before the port closes.
    pub delay: std::time::Duration,
    /// Once no connection is taken any more, requests in flight get this long to finish.
    pub grace: std::time::Duration,
}

/// The connections the engine holds: `MOTCUA_HEADER_READ_TIMEOUT_SECS` and
/// `MOTCUA_MAX_CONNECTIONS`.
#[derive(Debug, Clone, Copy)]
pub struct ConnectionSettings {
    /// A request's head must be whole this long after the engine starts waiting for it, or
    /// the connection is closed. The wait starts when the connection opens or the previous
    /// answer is sent (hyper has one timer for both), so it is also how long a keep-alive
    /// connection may sit idle.
    pub header_read_timeout: std::time::Duration,
    /// Connections open at once, idle keep-alive ones included; one more is answered 503
    /// `overloaded` and closed.
    pub max_connections: NonZeroUsize,
}

impl ConnectionSettings {
    /// 75 s: longer than the idle timeout of the usual balancers and proxies in front (60 s
    /// for nginx's upstream keep-alive and AWS's ALB), so that the engine never closes an
    /// idle connection just as the balancer reuses it, which would fail that request (hyper
    /// bounds the idle wait with this same timer); nginx's own keep-alive default.
    pub const DEFAULT_HEADER_READ_TIMEOUT_SECS: u64 = 75;
    /// 16,384: above the 10,000 keep-alive connections measured in about 200 MiB
    /// (docs/PERFORMANCE.md), about 300 MiB when all are idle.
    pub const DEFAULT_MAX_CONNECTIONS: usize = 16_384;
}

#[derive(Debug, Clone)]
pub struct Config {
    pub listen: SocketAddr,
    pub public_url: Option<String>,
    pub data_dir: PathBuf,
    pub procedures_dir: PathBuf,
    pub database_url: Option<SecretString>,
    pub s3: Option<S3Settings>,
    pub oidc: Option<OidcSettings>,
    /// `OIDC_PROVIDERS`: more providers citizens may log in with, each `<NAME>_OIDC_*`.
    pub other_oidc: Vec<OidcSettings>,
    pub staff_oidc: Option<OidcSettings>,
    pub registry: Option<RegistrySettings>,
    /// `REGISTRY_PROTOCOL` and, for `lgsp`, `REGISTRY_LGSP_INTEGRATION_CODE`.
    pub registry_protocol: RegisterProtocol,
    /// Secret for the engine's own access tokens (at least 32 bytes).
    pub token_secret: Option<SecretString>,
    /// `MOTCUA_METRICS_TOKEN`: the bearer token a scraper must send for `/metrics`; unset,
    /// `serve` refuses every scrape (`dev` makes one).
    pub metrics_token: Option<SecretString>,
    pub token_lifetime_secs: i64,
    /// `MOTCUA_CONSOLE_IDLE_TIMEOUT_SECS` (default 1800): a console session with no request
    /// for this long is over.
    pub console_idle_timeout_secs: i64,
    /// `MOTCUA_PORTAL_IDLE_TIMEOUT_SECS` (default 1800): a citizen's portal session with no
    /// request for this long is over.
    pub portal_idle_timeout_secs: i64,
    pub max_body_bytes: usize,
    /// `MOTCUA_BODY_IDLE_TIMEOUT_SECS`: a request body silent this long is abandoned (408).
    pub body_idle_timeout: std::time::Duration,
    /// `MOTCUA_RATE_LIMIT_*` and `MOTCUA_TRUST_FORWARDED_FOR`.
    pub rate_limits: motcua_api::rate_limits::RateLimitSettings,
    /// `MOTCUA_MAX_IN_FLIGHT`, `MOTCUA_MAX_QUEUED`, `MOTCUA_QUEUE_WAIT_MS`: how many requests
    /// are served at once and how many may wait, how long, before 503 `overloaded`.
    pub admission: AdmissionSettings,
    /// `MOTCUA_DB_MAX_CONNECTIONS` (default 20): the process's PostgreSQL connections for
    /// requests (the dossier codes' own four come on top).
    pub db_max_connections: u32,
    /// `motcua dev` only: the instant the engine's clock starts at.
    pub dev_clock: Option<chrono::DateTime<chrono::Utc>>,
    /// The digitisation target reports measure 4.2 against (default 0.8; 1.0 for 2030).
    pub digitisation_target: f64,
    /// `MOTCUA_AGENCY_TREE`: the agencies in a tree (a JSON file); flat without it.
    pub agency_tree: motcua_core::agencies::AgencyTree,
    /// `MOTCUA_REPORT_FONT`: the TrueType font of the owed reports' PDFs (default Debian's
    /// Noto Sans, `fonts-noto-core`, when installed).
    pub report_font: Option<PathBuf>,
    /// `MOTCUA_DEAN06_DUE_DAY` (default 22), `MOTCUA_ND45_DUE_DAY` (default 5).
    pub owed_due: motcua_service::owed::DueDays,
    /// `MOTCUA_SHUTDOWN_DELAY_SECS` (default 0) and `MOTCUA_SHUTDOWN_GRACE_SECS` (default 20).
    pub shutdown: ShutdownSettings,
    /// `MOTCUA_HEADER_READ_TIMEOUT_SECS` (default 75) and `MOTCUA_MAX_CONNECTIONS` (default
    /// 16384).
    pub connections: ConnectionSettings,
    /// `MOTCUA_RETENTION_INTERVAL_SECS` (default 3600): how often the engine runs retention;
    /// `None` (0) leaves it to `motcua retention run` from the operator's scheduler.
    pub retention_interval: Option<std::time::Duration>,
    /// `MOTCUA_STAFF_DIRECTORY`: a JSON file of staff (`[{"username", "agency", "roles"}]`)
    /// loaded at start, so that dossiers can be assigned to staff before their first login.
    pub staff_directory: Option<PathBuf>,
    /// `MOTCUA_PDF_FONT_DIR` (default Debian's `/usr/share/fonts/truetype/noto`): where the
    /// official PDFs' Noto Serif is read from.
    pub pdf_font_dir: PathBuf,
    /// `MOTCUA_SIGNING_KEY_FILE` and `MOTCUA_SIGNING_CERT_FILE`: the agency's signing key
    /// (PKCS#8 PEM, ECDSA P-256) and its certificate chain (PEM, the agency's first); set,
    /// every official PDF is signed (PAdES).
    pub signing: Option<(PathBuf, PathBuf)>,
    /// `DVCQG_*`: the national public-service portal the dossiers are synchronised to; unset,
    /// nothing is synchronised (`serve` warns).
    pub dvcqg: Option<crate::outbox_config::DvcqgSettings>,
    /// `MOTCUA_OUTBOX_*`: the delivery workers.
    pub outbox: crate::outbox_config::OutboxSettings,
    /// `PAYGOV_*`: the national payment platform; unset, fees are billed and paid at the
    /// counter only (`serve` warns when a procedure has fees).
    pub paygov: Option<crate::paygov_config::PaygovSettings>,
    /// `MOTCUA_NOTIFICATIONS_DIR`, `SMTP_*`, `SMS_GATEWAY_*`: citizens' notifications.
    pub notify: crate::notify_config::NotifySettings,
    /// Variables that were set but only partly (e.g. `OIDC_ISSUER` without the client).
    pub incomplete: Vec<String>,
}

/// Every variable motcua reads; any other `MOTCUA_*` is warned about (a typo, most likely).
const KNOWN_MOTCUA_VARS: &[&str] = &[
    "MOTCUA_LISTEN",
    "MOTCUA_PUBLIC_URL",
    "MOTCUA_DATA_DIR",
    "MOTCUA_PROCEDURES_DIR",
    "MOTCUA_TOKEN_SECRET",
    "MOTCUA_TOKEN_SECRET_FILE",
    "MOTCUA_METRICS_TOKEN",
    "MOTCUA_METRICS_TOKEN_FILE",
    "MOTCUA_TOKEN_LIFETIME_SECS",
    "MOTCUA_CONSOLE_IDLE_TIMEOUT_SECS",
    "MOTCUA_PORTAL_IDLE_TIMEOUT_SECS",
    "MOTCUA_MAX_BODY_BYTES",
    "MOTCUA_BODY_IDLE_TIMEOUT_SECS",
    "MOTCUA_RATE_LIMIT_LOGIN",
    "MOTCUA_RATE_LIMIT_DRAFTS",
    "MOTCUA_RATE_LIMIT_SUBMITS",
    "MOTCUA_PROCESSES",
    "MOTCUA_RATE_LIMIT_VERIFICATIONS",
    "MOTCUA_TRUST_FORWARDED_FOR",
    "MOTCUA_MAX_IN_FLIGHT",
    "MOTCUA_MAX_QUEUED",
    "MOTCUA_QUEUE_WAIT_MS",
    "MOTCUA_DB_MAX_CONNECTIONS",
    "MOTCUA_DEV_CLOCK",
    "MOTCUA_DIGITISATION_TARGET",
    "MOTCUA_AGENCY_TREE",
    "MOTCUA_REPORT_FONT",
    "MOTCUA_DEAN06_DUE_DAY",
    "MOTCUA_ND45_DUE_DAY",
    "MOTCUA_SHUTDOWN_DELAY_SECS",
    "MOTCUA_SHUTDOWN_GRACE_SECS",
    "MOTCUA_RETENTION_INTERVAL_SECS",
    "MOTCUA_HEADER_READ_TIMEOUT_SECS",
    "MOTCUA_MAX_CONNECTIONS",
    "MOTCUA_STAFF_DIRECTORY",
    "MOTCUA_PDF_FONT_DIR",
    "MOTCUA_SIGNING_KEY_FILE",
    "MOTCUA_SIGNING_CERT_FILE",
    "MOTCUA_OUTBOX_WORKERS",
    "MOTCUA_OUTBOX_POLL_MS",
    "MOTCUA_OUTBOX_BATCH",
    "MOTCUA_OUTBOX_MAX_ATTEMPTS",
    "MOTCUA_OUTBOX_RETRY_BASE_MS",
    "MOTCUA_OUTBOX_RETRY_MAX_SECS",
    "MOTCUA_OUTBOX_KEEP_DAYS",
    "MOTCUA_OUTBOX_BUSY_ABOVE",
    "MOTCUA_OUTBOX_LONGEST_WAIT_SECS",
    "MOTCUA_NOTIFICATIONS_DIR",
];

fn var(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.trim().is_empty())
}

/// The secrets that may come from a file instead: `NAME_FILE` names it (a mounted secret).
const SECRET_VARS: &[&str] = &[
    "DATABASE_URL",
    "S3_SECRET_KEY",
    "OIDC_CLIENT_SECRET",
    "STAFF_OIDC_CLIENT_SECRET",
    "REGISTRY_TOKEN",
    "MOTCUA_TOKEN_SECRET",
    "MOTCUA_METRICS_TOKEN",
    "DVCQG_PASSWORD",
    "DVCQG_INBOUND_TOKEN",
    "PAYGOV_SECRET",
    "SMTP_PASSWORD",
    "SMS_GATEWAY_TOKEN",
];

/// The secrets given as `NAME_FILE`, read with `read` (content with its trailing newline
/// trimmed), and one problem per variable set both ways or whose file cannot be used. A
/// problem names the variable and the path, never what the file holds.
fn secrets_from_files(
    lookup: impl Fn(&str) -> Option<String>,
    read: impl Fn(&std::path::Path) -> std::io::Result<String>,
) -> (HashMap<&'static str, String>, Vec<String>) {
    let mut secrets = HashMap::new();
    let mut problems = Vec::new();
    for name in SECRET_VARS {
        let file_var = format!("{name}_FILE");
        let Some(path) = lookup(&file_var) else {
            continue;
        };
        if lookup(name).is_some() {
            problems.push(format!("{name} and {file_var} are both set: set only one"));
            continue;
        }
        match read(std::path::Path::new(&path)) {
            Ok(content) => {
                let value = content.trim_end_matches(['\n', '\r']);
                if value.trim().is_empty() {
                    problems.push(format!("{file_var}: the file {path:?} is empty"));
                } else {
                    secrets.insert(*name, value.to_owned());
                }
            }
            Err(e) => problems.push(format!("{file_var}: cannot read the file {path:?}: {e}")),
        }
    }
    (secrets, problems)
}

/// A variable's value: from the environment, or for a secret from its `NAME_FILE`.
struct Env {
    from_files: HashMap<&'static str, String>,
}

impl Env {
    fn get(&self, name: &str) -> Option<String> {
        self.from_files.get(name).cloned().or_else(|| var(name))
    }
}

/// What is wrong with a `/metrics` bearer token, if anything (never the token itself): it is
/// sent as `Authorization: Bearer TOKEN`, so printable ASCII without spaces, and long
/// enough not to be guessed.
fn metrics_token_problem(token: &str) -> Option<String> {
    if token.len() < 16 {
        Some("MOTCUA_METRICS_TOKEN must be at least 16 characters".into())
    } else if !token.bytes().all(|b| b.is_ascii_graphic()) {
        Some(
            "MOTCUA_METRICS_TOKEN must be printable ASCII without spaces (it is sent as a bearer token)"
                .into(),
        )
    } else {
        None
    }
}

/// A group of variables that only make sense together: all set → `Some`, none → `None`,
/// some → `None` and the missing ones named in `incomplete`.
fn group<const N: usize>(
    env: &Env,
    names: [&str; N],
    incomplete: &mut Vec<String>,
) -> Option<[String; N]> {
    let values = names.map(|name| env.get(name));
    let set = values.iter().filter(|v| v.is_some()).count();
    if set == N {
        Some(values.map(|v| v.unwrap_or_default()))
    } else {
        if set > 0 {
            let missing: Vec<_> = names
                .iter()
                .zip(&values)
                .filter(|(_, v)| v.is_none())
                .map(|(n, _)| *n)
                .collect();
            incomplete.push(format!("{} set without {}", names[0], missing.join(", ")));
        }
        None
    }
}

/// `template` with its `{prefix}` replaced: the names below are written whole, so that
/// tests/tests/suite/deploy.rs finds them in this file.
fn prefixed(prefix: &str, template: &str) -> String {
    template.replacen("{prefix}", prefix, 1)
}

/// The provider whose variables are `{prefix}OIDC_*` (prefix `""`, `STAFF_`, or `<NAME>_`
/// for a provider of `OIDC_PROVIDERS`): `ISSUER`, `CLIENT_ID`, `CLIENT_SECRET` together, and
/// optionally `PROFILE` (`standard`, `vneid`, `dvcqg`; default standard), `CLAIMS_FROM`
/// (`id_token` or `userinfo`), `CLAIM_PIN`, `CLAIM_NAME`, `CLAIM_BIRTH_DATE`, `CLAIM_LEVEL`
/// (comma-separated, tried in order), `CLAIM_TECH_ID`, `ACR_LEVEL1`, `ACR_LEVEL2`,
/// `REFRESH_SECS`.
fn oidc(
    env: &Env,
    prefix: &str,
    name: &str,
    incomplete: &mut Vec<String>,
    problems: &mut Vec<String>,
) -> Option<OidcSettings> {
    let names = [
        format!("{prefix}OIDC_ISSUER"),
        format!("{prefix}OIDC_CLIENT_ID"),
        format!("{prefix}OIDC_CLIENT_SECRET"),
    ];
    let [issuer, client_id, secret] =
        group(env, [&names[0] as &str, &names[1], &names[2]], incomplete)?;
    let get = |template: &str| {
        env.get(&prefixed(prefix, template))
            .map(|v| v.trim().to_owned())
    };
    let profile = match get("{prefix}OIDC_PROFILE") {
        None => motcua_auth::ProviderProfile::Standard,
        Some(p) => motcua_auth::ProviderProfile::parse(&p).unwrap_or_else(|| {
            problems.push(format!(
                "{prefix}OIDC_PROFILE={p:?} must be standard, vneid or dvcqg"
            ));
            motcua_auth::ProviderProfile::Standard
        }),
    };
    let mut mapping = motcua_auth::ClaimMapping::of(profile);
    if let Some(from) = get("{prefix}OIDC_CLAIMS_FROM") {
        match motcua_auth::ClaimsFrom::parse(&from) {
            Some(from) => mapping.claims_from = from,
            None => problems.push(format!(
                "{prefix}OIDC_CLAIMS_FROM={from:?} must be id_token or userinfo"
            )),
        }
    }
    let [acr1, acr2] = &mut mapping.acr_values;
    for (key, field) in [
        ("{prefix}OIDC_CLAIM_PIN", &mut mapping.pin),
        ("{prefix}OIDC_CLAIM_NAME", &mut mapping.name),
        ("{prefix}OIDC_CLAIM_BIRTH_DATE", &mut mapping.birth_date),
        ("{prefix}OIDC_CLAIM_TECH_ID", &mut mapping.tech_id),
        ("{prefix}OIDC_ACR_LEVEL1", acr1),
        ("{prefix}OIDC_ACR_LEVEL2", acr2),
    ] {
        if let Some(value) = get(key) {
            *field = value;
        }
    }
    if let Some(levels) = get("{prefix}OIDC_CLAIM_LEVEL") {
        mapping.level = levels
            .split(',')
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .map(str::to_owned)
            .collect();
    }
    let refresh = match get("{prefix}OIDC_REFRESH_SECS") {
        None => motcua_auth::DEFAULT_REFRESH,
        Some(v) => v
            .parse()
            .map(std::time::Duration::from_secs)
            .unwrap_or_else(|_| {
                problems.push(format!(
                    "{prefix}OIDC_REFRESH_SECS={v:?} is not a whole number"
                ));
                motcua_auth::DEFAULT_REFRESH
            }),
    };
    Some(OidcSettings {
        name: name.to_owned(),
        issuer: issuer.trim_end_matches('/').to_owned(),
        client_id,
        client_secret: SecretString::from(secret),
        mapping,
        refresh,
    })
}

/// The providers `OIDC_PROVIDERS` names (comma-separated, letters, digits and `_`), each
/// from its `<NAME>_OIDC_*` variables (as `STAFF_OIDC_*` for the staff provider).
fn named_oidc(
    env: &Env,
    incomplete: &mut Vec<String>,
    problems: &mut Vec<String>,
) -> Vec<OidcSettings> {
    let Some(list) = env.get("OIDC_PROVIDERS") else {
        return Vec::new();
    };
    let mut providers: Vec<OidcSettings> = Vec::new();
    for name in list.split(',').map(str::trim).filter(|n| !n.is_empty()) {
        let name = name.to_ascii_lowercase();
        if !name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
            || matches!(name.as_str(), "default" | "staff")
        {
            problems.push(format!(
                "OIDC_PROVIDERS: {name:?} is not a provider name (letters, digits, _; not default or staff)"
            ));
            continue;
        }
        if providers.iter().any(|p| p.name == name) {
            problems.push(format!("OIDC_PROVIDERS names {name:?} twice"));
            continue;
        }
        let prefix = format!("{}_", name.to_ascii_uppercase());
        match oidc(env, &prefix, &name, incomplete, problems) {
            Some(settings) => providers.push(settings),
            None => problems.push(format!(
                "OIDC_PROVIDERS names {name:?}: set {prefix}OIDC_ISSUER, {prefix}OIDC_CLIENT_ID, {prefix}OIDC_CLIENT_SECRET"
            )),
        }
    }
    providers
}

impl Config {
    /// The configuration, with every problem of its values (a problem's value falls back to
    /// its default so that the rest can still be read and checked).
    pub fn from_env() -> (Config, Vec<String>) {
        let (from_files, mut problems) =
            secrets_from_files(var, |path| std::fs::read_to_string(path));
        let env = Env { from_files };
        let mut incomplete = Vec::new();
        let listen = var("MOTCUA_LISTEN").unwrap_or_else(|| "127.0.0.1:8080".into());
        let listen = listen.parse().unwrap_or_else(|_| {
            problems.push(format!(
                "MOTCUA_LISTEN={listen:?} is not an address like 127.0.0.1:8080"
            ));
            SocketAddr::from(([127, 0, 0, 1], 8080))
        });
        let number = |name: &str, default: u64, problems: &mut Vec<String>| match var(name) {
            None => default,
            Some(v) => v.parse().unwrap_or_else(|_| {
                problems.push(format!("{name}={v:?} is not a whole number"));
                default
            }),
        };
        let token_lifetime_secs = number("MOTCUA_TOKEN_LIFETIME_SECS", 900, &mut problems);
        let console_idle_timeout_secs =
            number("MOTCUA_CONSOLE_IDLE_TIMEOUT_SECS", 1800, &mut problems);
        if console_idle_timeout_secs == 0 {
            problems.push("MOTCUA_CONSOLE_IDLE_TIMEOUT_SECS must be at least 1".to_owned());
        }
        let portal_idle_timeout_secs =
            number("MOTCUA_PORTAL_IDLE_TIMEOUT_SECS", 1800, &mut problems);
        if portal_idle_timeout_secs == 0 {
            problems.push("MOTCUA_PORTAL_IDLE_TIMEOUT_SECS must be at least 1".to_owned());
        }
        let max_body_bytes = number("MOTCUA_MAX_BODY_BYTES", 1024 * 1024, &mut problems);
        let body_idle_timeout = number("MOTCUA_BODY_IDLE_TIMEOUT_SECS", 30, &mut problems);
        let shutdown = ShutdownSettings {
            delay: std::time::Duration::from_secs(number(
                "MOTCUA_SHUTDOWN_DELAY_SECS",
                0,
                &mut problems,
            )),
            grace: std::time::Duration::from_secs(number(
                "MOTCUA_SHUTDOWN_GRACE_SECS",
                20,
                &mut problems,
            )),
        };
        let retention_interval = match number("MOTCUA_RETENTION_INTERVAL_SECS", 3600, &mut problems)
        {
            0 => None,
            secs => Some(std::time::Duration::from_secs(secs)),
        };
        // The engines behind one balancer: each process enforces its share of the budgets.
        let processes = number("MOTCUA_PROCESSES", 1, &mut problems);
        let processes = u32::try_from(processes)
            .ok()
            .and_then(NonZeroU32::new)
            .unwrap_or_else(|| {
                problems.push(format!(
                    "MOTCUA_PROCESSES={processes} must be between 1 and {}",
                    u32::MAX
                ));
                NonZeroU32::MIN
            });
        let defaults = RateLimitSettings::default();
        let mut per_minute = |name: &str, default: NonZeroU32| {
            let n = number(name, u64::from(default.get()), &mut problems);
            u32::try_from(n)
                .ok()
                .and_then(NonZeroU32::new)
                .unwrap_or_else(|| {
                    problems.push(format!("{name}={n} must be between 1 and {}", u32::MAX));
                    default
                })
        };
        let rate_limits = RateLimitSettings {
            logins_per_minute: per_minute("MOTCUA_RATE_LIMIT_LOGIN", defaults.logins_per_minute),
            drafts_per_minute: per_minute("MOTCUA_RATE_LIMIT_DRAFTS", defaults.drafts_per_minute),
            submits_per_minute: per_minute(
                "MOTCUA_RATE_LIMIT_SUBMITS",
                defaults.submits_per_minute,
            ),
            verifications_per_minute: per_minute(
                "MOTCUA_RATE_LIMIT_VERIFICATIONS",
                defaults.verifications_per_minute,
            ),
            trust_forwarded_for: match var("MOTCUA_TRUST_FORWARDED_FOR").as_deref() {
                None | Some("false") => false,
                Some("true") => true,
                Some(other) => {
                    problems.push(format!(
                        "MOTCUA_TRUST_FORWARDED_FOR={other:?} must be true or false"
                    ));
                    false
                }
            },
        }
        .shared_by(processes);
        let admission_defaults = AdmissionSettings::default();
        // No places would refuse every request, and no queue or no wait every request past
        // the places: a mistake, not a setting.
        let mut at_least_one = |name: &str, default: usize| {
            let n = number(name, default as u64, &mut problems);
            NonZeroUsize::new(usize::try_from(n).unwrap_or(usize::MAX)).unwrap_or_else(|| {
                problems.push(format!("{name}={n} must be at least 1"));
                NonZeroUsize::new(default).unwrap_or(NonZeroUsize::MIN)
            })
        };
        let admission = AdmissionSettings {
            max_in_flight: at_least_one(
                "MOTCUA_MAX_IN_FLIGHT",
                admission_defaults.max_in_flight.get(),
            ),
            max_queued: at_least_one("MOTCUA_MAX_QUEUED", admission_defaults.max_queued.get()),
            queue_wait: std::time::Duration::from_millis(
                at_least_one(
                    "MOTCUA_QUEUE_WAIT_MS",
                    usize::try_from(admission_defaults.queue_wait.as_millis()).unwrap_or(100),
                )
                .get() as u64,
            ),
        };
        let db_max_connections =
            u32::try_from(at_least_one("MOTCUA_DB_MAX_CONNECTIONS", 20).get()).unwrap_or(20);
        // No time to send a head, or no connection at all, would refuse every client.
        let header_read_secs = at_least_one(
            "MOTCUA_HEADER_READ_TIMEOUT_SECS",
            ConnectionSettings::DEFAULT_HEADER_READ_TIMEOUT_SECS as usize,
        )
        .get() as u64;
        let max_connections = at_least_one(
            "MOTCUA_MAX_CONNECTIONS",
            ConnectionSettings::DEFAULT_MAX_CONNECTIONS,
        );
        // hyper adds the timeout to the clock's now for every head: past any sensible value
        // (an hour), a huge one would overflow it.
        let header_read_secs = if header_read_secs > 3600 {
            problems.push(format!(
                "MOTCUA_HEADER_READ_TIMEOUT_SECS={header_read_secs} must be at most 3600"
            ));
            ConnectionSettings::DEFAULT_HEADER_READ_TIMEOUT_SECS
        } else {
            header_read_secs
        };
        let connections = ConnectionSettings {
            header_read_timeout: std::time::Duration::from_secs(header_read_secs),
            max_connections,
        };
        let token_secret = env.get("MOTCUA_TOKEN_SECRET");
        if token_secret.as_ref().is_some_and(|s| s.len() < 32) {
            problems.push("MOTCUA_TOKEN_SECRET must be at least 32 characters".into());
        }
        let metrics_token = env.get("MOTCUA_METRICS_TOKEN");
        if let Some(problem) = metrics_token.as_deref().and_then(metrics_token_problem) {
            problems.push(problem);
        }
        let public_url = var("MOTCUA_PUBLIC_URL").map(|u| u.trim_end_matches('/').to_owned());
        if let Some(url) = &public_url {
            if url::Url::parse(url).is_err() {
                problems.push(format!("MOTCUA_PUBLIC_URL={url:?} is not a URL"));
            }
        }
        let s3 = group(
            &env,
            [
                "S3_ENDPOINT",
                "S3_REGION",
                "S3_BUCKET",
                "S3_ACCESS_KEY",
                "S3_SECRET_KEY",
            ],
            &mut incomplete,
        )
        .map(
            |[endpoint, region, bucket, access_key, secret_key]| S3Settings {
                endpoint,
                region,
                bucket,
                access_key,
                secret_key: SecretString::from(secret_key),
            },
        );
        let registry =
            group(&env, ["REGISTRY_URL", "REGISTRY_TOKEN"], &mut incomplete).map(|[url, token]| {
                RegistrySettings {
                    url,
                    token: SecretString::from(token),
                }
            });
        let registry_protocol = match var("REGISTRY_PROTOCOL").as_deref() {
            None | Some("motcua") => RegisterProtocol::Motcua,
            Some("lgsp") => match var("REGISTRY_LGSP_INTEGRATION_CODE") {
                Some(code) => RegisterProtocol::Lgsp {
                    integration_code: code.trim().to_owned(),
                },
                None => {
                    problems.push(
                        "REGISTRY_PROTOCOL=lgsp needs REGISTRY_LGSP_INTEGRATION_CODE (the MaTichHop \
                         the province's platform gave this system)"
                            .to_owned(),
                    );
                    RegisterProtocol::Motcua
                }
            },
            Some(other) => {
                problems.push(format!(
                    "REGISTRY_PROTOCOL={other:?} must be motcua or lgsp"
                ));
                RegisterProtocol::Motcua
            }
        };
        let dev_clock =
            var("MOTCUA_DEV_CLOCK").and_then(|v| match chrono::DateTime::parse_from_rfc3339(&v) {
                Ok(t) => Some(t.to_utc()),
                Err(_) => {
                    problems.push(format!("MOTCUA_DEV_CLOCK={v:?} is not an RFC 3339 time"));
                    None
                }
            });
        let digitisation_target = match var("MOTCUA_DIGITISATION_TARGET") {
            None => 0.8,
            Some(v) => match v.parse::<f64>() {
                Ok(t) if t > 0.0 && t <= 1.0 => t,
                _ => {
                    problems.push(format!(
                        "MOTCUA_DIGITISATION_TARGET={v:?} is not a share between 0 and 1 (0.8 for 80 %)"
                    ));
                    0.8
                }
            },
        };
        let agency_tree = match var("MOTCUA_AGENCY_TREE") {
            None => motcua_core::agencies::AgencyTree::flat(),
            Some(path) => match std::fs::read_to_string(&path)
                .map_err(|e| e.to_string())
                .and_then(|text| motcua_core::agencies::AgencyTree::from_json(&text))
            {
                Ok(tree) => tree,
                Err(e) => {
                    problems.push(format!("MOTCUA_AGENCY_TREE={path:?}: {e}"));
                    motcua_core::agencies::AgencyTree::flat()
                }
            },
        };
        let report_font = var("MOTCUA_REPORT_FONT").map(PathBuf::from).or_else(|| {
            let noto = PathBuf::from("/usr/share/fonts/truetype/noto/NotoSans-Regular.ttf");
            noto.exists().then_some(noto)
        });
        let mut due_day = |name: &str, default: u32| match var(name) {
            None => default,
            Some(v) => match v.parse::<u32>() {
                Ok(d) if (1..=28).contains(&d) => d,
                _ => {
                    problems.push(format!("{name}={v:?} is not a day of the month (1 to 28)"));
                    default
                }
            },
        };
        let owed_due = motcua_service::owed::DueDays {
            de_an_06: due_day("MOTCUA_DEAN06_DUE_DAY", 22),
            nd_45: due_day("MOTCUA_ND45_DUE_DAY", 5),
        };
        let (dvcqg, outbox) =
            crate::outbox_config::read(&|name| env.get(name), &mut problems, &mut incomplete);
        let paygov =
            crate::paygov_config::read(&|name| env.get(name), &mut problems, &mut incomplete);
        let notify =
            crate::notify_config::read(&|name| env.get(name), &mut problems, &mut incomplete);
        let config = Config {
            listen,
            public_url,
            data_dir: var("MOTCUA_DATA_DIR")
                .unwrap_or_else(|| "./var".into())
                .into(),
            procedures_dir: var("MOTCUA_PROCEDURES_DIR")
                .unwrap_or_else(|| "./procedures".into())
                .into(),
            database_url: env.get("DATABASE_URL").map(SecretString::from),
            s3,
            oidc: oidc(&env, "", "default", &mut incomplete, &mut problems),
            other_oidc: named_oidc(&env, &mut incomplete, &mut problems),
            staff_oidc: oidc(&env, "STAFF_", "staff", &mut incomplete, &mut problems),
            registry,
            registry_protocol,
            token_secret: token_secret.map(SecretString::from),
            metrics_token: metrics_token.map(SecretString::from),
            token_lifetime_secs: i64::try_from(token_lifetime_secs).unwrap_or(900),
            console_idle_timeout_secs: i64::try_from(console_idle_timeout_secs)
                .unwrap_or(1800)
                .max(1),
            portal_idle_timeout_secs: i64::try_from(portal_idle_timeout_secs)
                .unwrap_or(1800)
                .max(1),
            max_body_bytes: usize::try_from(max_body_bytes).unwrap_or(1024 * 1024),
            body_idle_timeout: std::time::Duration::from_secs(body_idle_timeout.max(1)),
            rate_limits,
            admission,
            db_max_connections,
            dev_clock,
            digitisation_target,
            agency_tree,
            report_font,
            owed_due,
            shutdown,
            connections,
            retention_interval,
            staff_directory: var("MOTCUA_STAFF_DIRECTORY").map(PathBuf::from),
            pdf_font_dir: var("MOTCUA_PDF_FONT_DIR")
                .map(PathBuf::from)
                .unwrap_or_else(|| PathBuf::from(motcua_pdf::sheet::DEFAULT_FONT_DIR)),
            signing: group(
                &env,
                ["MOTCUA_SIGNING_KEY_FILE", "MOTCUA_SIGNING_CERT_FILE"],
                &mut incomplete,
            )
            .map(|[key, cert]| (PathBuf::from(key), PathBuf::from(cert))),
            dvcqg,
            outbox,
            paygov,
            notify,
            incomplete,
        };
        for (name, _) in std::env::vars() {
            if name.starts_with("MOTCUA_") && !KNOWN_MOTCUA_VARS.contains(&name.as_str()) {
                eprintln!("motcua: warning: unknown variable {name} is ignored");
            }
        }
        (config, problems)
    }

    /// What `serve` still needs, one line per outside service, naming the variables.
    pub fn missing_for_serve(&self) -> Vec<String> {
        let mut missing = Vec::new();
        if self.database_url.is_none() {
            missing.push("PostgreSQL: set DATABASE_URL".to_owned());
        }
        if self.s3.is_none() {
            missing.push(
                "attachment storage (S3/MinIO): set S3_ENDPOINT, S3_REGION, S3_BUCKET, S3_ACCESS_KEY, S3_SECRET_KEY"
                    .to_owned(),
            );
        }
        if self.oidc.is_none() {
            missing.push(
                "identity provider (VNeID OpenID Connect): set OIDC_ISSUER, OIDC_CLIENT_ID, OIDC_CLIENT_SECRET"
                    .to_owned(),
            );
        }
        if self.registry.is_none() {
            missing.push("population register: set REGISTRY_URL, REGISTRY_TOKEN".to_owned());
        }
        if self.token_secret.is_none() {
            missing.push(
                "access-token signing secret: set MOTCUA_TOKEN_SECRET (32+ characters)".to_owned(),
            );
        }
        if self.public_url.is_none() {
            missing.push("public URL (for the login callback): set MOTCUA_PUBLIC_URL".to_owned());
        }
        if self.dev_clock.is_some() {
            missing.push("MOTCUA_DEV_CLOCK is for `motcua dev` only: unset it".to_owned());
        }
        missing.extend(self.incomplete.iter().map(|i| format!("incomplete: {i}")));
        missing
    }
}

#[cfg(test)]
mod tests {
    use super::{metrics_token_problem, secrets_from_files};
    use std::collections::HashMap;
    use std::path::Path;

    fn env(pairs: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
        let map: HashMap<String, String> = pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect();
        move |name| map.get(name).cloned()
    }

    fn files(pairs: &[(&str, &str)]) -> impl Fn(&Path) -> std::io::Result<String> {
        let map: HashMap<String, String> = pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect();
        move |path| {
            map.get(path.to_str().unwrap_or_default())
                .cloned()
                .ok_or_else(|| std::io::Error::from(std::io::ErrorKind::NotFound))
        }
    }

    #[test]
    fn every_secret_may_come_from_its_file_with_the_trailing_newline_trimmed() {
        let names = super::SECRET_VARS;
        assert_eq!(
            names.len(),
            12,
            "README.md names twelve secrets that may come from files"
        );
        let vars: Vec<(String, String)> = names
            .iter()
            .map(|n| (format!("{n}_FILE"), format!("/run/secrets/{n}")))
            .collect();
        let contents: Vec<(String, String)> = names
            .iter()
            .map(|n| (format!("/run/secrets/{n}"), format!("value of {n}\n")))
            .collect();
        let vars: Vec<(&str, &str)> = vars.iter().map(|(k, v)| (&**k, &**v)).collect();
        let contents: Vec<(&str, &str)> = contents.iter().map(|(k, v)| (&**k, &**v)).collect();
        let (secrets, problems) = secrets_from_files(env(&vars), files(&contents));
        assert_eq!(problems, Vec::<String>::new());
        for name in names {
            assert_eq!(secrets[name], format!("value of {name}"), "{name}");
        }
    }

    #[test]
    fn a_secret_set_both_ways_is_a_problem_naming_both() {
        let (secrets, problems) = secrets_from_files(
            env(&[
                ("REGISTRY_TOKEN", "inline"),
                ("REGISTRY_TOKEN_FILE", "/run/secrets/token"),
            ]),
            files(&[("/run/secrets/token", "from-file")]),
        );
        assert!(secrets.is_empty());
        assert_eq!(
            problems,
            vec!["REGISTRY_TOKEN and REGISTRY_TOKEN_FILE are both set: set only one".to_owned()]
        );
    }

    #[test]
    fn unreadable_and_empty_files_are_problems_naming_the_variable_and_path_only() {
        let (secrets, problems) = secrets_from_files(
            env(&[
                ("DATABASE_URL_FILE", "/missing"),
                ("S3_SECRET_KEY_FILE", "/empty"),
                ("MOTCUA_TOKEN_SECRET_FILE", "/ok"),
            ]),
            files(&[
                ("/empty", "\n"),
                ("/ok", "s3cr3t-s3cr3t-s3cr3t-s3cr3t-s3cr3t\r\n"),
            ]),
        );
        assert_eq!(problems.len(), 2, "{problems:?}");
        assert!(
            problems[0].starts_with("DATABASE_URL_FILE: cannot read the file \"/missing\""),
            "{}",
            problems[0]
        );
        assert_eq!(
            problems[1],
            "S3_SECRET_KEY_FILE: the file \"/empty\" is empty"
        );
        assert!(!problems.iter().any(|p| p.contains("s3cr3t")));
        assert_eq!(
            secrets.get("MOTCUA_TOKEN_SECRET").map(String::as_str),
            Some("s3cr3t-s3cr3t-s3cr3t-s3cr3t-s3cr3t")
        );
        assert_eq!(secrets.len(), 1);
    }

    #[test]
    fn only_the_secret_variables_are_read_from_files() {
        // Built, not spelled out: these names are no variables of the engine's.
        let (url_file, issuer_file) = (
            format!("{}_FILE", "REGISTRY_URL"),
            format!("{}_FILE", "OIDC_ISSUER"),
        );
        let (secrets, problems) = secrets_from_files(
            env(&[(&url_file, "/url"), (&issuer_file, "/issuer")]),
            files(&[("/url", "http://x"), ("/issuer", "http://y")]),
        );
        assert!(secrets.is_empty() && problems.is_empty());
    }

    #[test]
    fn a_metrics_token_must_be_long_and_fit_a_bearer_header() {
        assert_eq!(metrics_token_problem("0123456789abcdef-_.~+/="), None);
        let short = metrics_token_problem("short").unwrap();
        assert!(short.contains("at least 16"), "{short}");
        let spaced = metrics_token_problem("0123456789 abcdef").unwrap();
        assert!(spaced.contains("printable ASCII"), "{spaced}");
        assert!(
            !spaced.contains("abcdef"),
            "the problem names the token: {spaced}"
        );
        assert!(metrics_token_problem("0123456789abcdef\u{1}").is_some());
    }

    /// Every value given through `Env`'s map (the process environment holds none of these
    /// names in a test run).
    fn provider_env(pairs: &[(&'static str, &str)]) -> super::Env {
        super::Env {
            from_files: pairs.iter().map(|(k, v)| (*k, (*v).to_owned())).collect(),
        }
    }

    #[test]
    fn providers_side_by_side_each_with_its_mapping() {
        let env = provider_env(&[
            ("OIDC_ISSUER", "https://vneid.example/"),
            ("OIDC_CLIENT_ID", "motcua"),
            ("OIDC_CLIENT_SECRET", "s"),
            ("OIDC_PROFILE", "vneid"),
            ("OIDC_CLAIM_LEVEL", "IAL, loAs"),
            ("OIDC_REFRESH_SECS", "60"),
            ("OIDC_PROVIDERS", "dvcqg, Bad-Name, staff, lgsp"),
            ("DVCQG_OIDC_ISSUER", "https://sso.dvcqg.example"),
            ("DVCQG_OIDC_CLIENT_ID", "motcua"),
            ("DVCQG_OIDC_CLIENT_SECRET", "s"),
            ("DVCQG_OIDC_PROFILE", "dvcqg"),
            ("DVCQG_OIDC_ACR_LEVEL2", "urn:loa:2"),
        ]);
        let (mut incomplete, mut problems) = (Vec::new(), Vec::new());
        let default = super::oidc(&env, "", "default", &mut incomplete, &mut problems).unwrap();
        assert_eq!(default.issuer, "https://vneid.example");
        assert_eq!(default.mapping.pin, "SoDinhDanh");
        assert_eq!(default.mapping.level, vec!["IAL", "loAs"]);
        assert_eq!(default.refresh, std::time::Duration::from_secs(60));
        let named = super::named_oidc(&env, &mut incomplete, &mut problems);
        assert_eq!(named.len(), 1);
        assert_eq!(named[0].name, "dvcqg");
        assert_eq!(
            named[0].mapping.claims_from,
            motcua_auth::ClaimsFrom::Userinfo
        );
        assert_eq!(named[0].mapping.acr_value(2), Some("urn:loa:2"));
        assert_eq!(problems.len(), 3, "{problems:?}");
        assert!(
            problems.iter().any(|p| p.contains("bad-name")),
            "{problems:?}"
        );
        assert!(
            problems.iter().any(|p| p.contains("\"staff\"")),
            "{problems:?}"
        );
        assert!(
            problems.iter().any(|p| p.contains("LGSP_OIDC_ISSUER")),
            "{problems:?}"
        );
    }

    #[test]
    fn a_misspelled_profile_or_source_is_a_problem_and_none_keeps_the_standard() {
        let env = provider_env(&[
            ("STAFF_OIDC_ISSUER", "https://idp.example"),
            ("STAFF_OIDC_CLIENT_ID", "motcua"),
            ("STAFF_OIDC_CLIENT_SECRET", "s"),
            ("STAFF_OIDC_PROFILE", "vneld"),
            ("STAFF_OIDC_CLAIMS_FROM", "both"),
            ("STAFF_OIDC_REFRESH_SECS", "soon"),
        ]);
        let (mut incomplete, mut problems) = (Vec::new(), Vec::new());
        let staff = super::oidc(&env, "STAFF_", "staff", &mut incomplete, &mut problems).unwrap();
        assert_eq!(
            staff.mapping,
            motcua_auth::ClaimMapping::of(motcua_auth::ProviderProfile::Standard)
        );
        assert_eq!(problems.len(), 3, "{problems:?}");
        assert!(
            problems[0].starts_with("STAFF_OIDC_PROFILE=\"vneld\""),
            "{problems:?}"
        );
    }
}
