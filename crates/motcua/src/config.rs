//! Configuration: one typed struct read once from the environment (API.md names).
//!
//! `serve` needs every outside service configured and names each one that is not;
//! `dev` fills what is missing with the built-in stand-ins.

use motcua_api::rate_limits::RateLimitSettings;
use secrecy::SecretString;
use std::net::SocketAddr;
use std::num::NonZeroU32;
use std::path::PathBuf;

#[derive(Debug, Clone)]
pub struct OidcSettings {
    pub issuer: String,
    pub client_id: String,
    pub client_secret: SecretString,
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

/// How the engine stops: `MOTCUA_SHUTDOWN_DELAY_SECS` and `MOTCUA_SHUTDOWN_GRACE_SECS`.
#[derive(Debug, Clone, Copy)]
pub struct ShutdownSettings {
    /// After the signal, `/readyz` is 503 but connections are still taken for this long, so
    /// that a balancer probing readiness stops sending before the port closes.
    pub delay: std::time::Duration,
    /// Once no connection is taken any more, requests in flight get this long to finish.
    pub grace: std::time::Duration,
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
    pub staff_oidc: Option<OidcSettings>,
    pub registry: Option<RegistrySettings>,
    /// Secret for the engine's own access tokens (at least 32 bytes).
    pub token_secret: Option<SecretString>,
    pub token_lifetime_secs: i64,
    pub max_body_bytes: usize,
    /// `MOTCUA_BODY_IDLE_TIMEOUT_SECS`: a request body silent this long is abandoned (408).
    pub body_idle_timeout: std::time::Duration,
    /// `MOTCUA_RATE_LIMIT_*` and `MOTCUA_TRUST_FORWARDED_FOR`.
    pub rate_limits: motcua_api::rate_limits::RateLimitSettings,
    /// `motcua dev` only: the instant the engine's clock starts at.
    pub dev_clock: Option<chrono::DateTime<chrono::Utc>>,
    /// The digitisation target reports measure 4.2 against (default 0.8; 1.0 for 2030).
    pub digitisation_target: f64,
    /// `MOTCUA_SHUTDOWN_DELAY_SECS` (default 0) and `MOTCUA_SHUTDOWN_GRACE_SECS` (default 20).
    pub shutdown: ShutdownSettings,
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
    "MOTCUA_TOKEN_LIFETIME_SECS",
    "MOTCUA_MAX_BODY_BYTES",
    "MOTCUA_BODY_IDLE_TIMEOUT_SECS",
    "MOTCUA_RATE_LIMIT_LOGIN",
    "MOTCUA_RATE_LIMIT_DRAFTS",
    "MOTCUA_RATE_LIMIT_SUBMITS",
    "MOTCUA_TRUST_FORWARDED_FOR",
    "MOTCUA_DEV_CLOCK",
    "MOTCUA_DIGITISATION_TARGET",
    "MOTCUA_SHUTDOWN_DELAY_SECS",
    "MOTCUA_SHUTDOWN_GRACE_SECS",
];

fn var(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.trim().is_empty())
}

/// A group of variables that only make sense together: all set → `Some`, none → `None`,
/// some → `None` and the missing ones named in `incomplete`.
fn group<const N: usize>(names: [&str; N], incomplete: &mut Vec<String>) -> Option<[String; N]> {
    let values = names.map(var);
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

fn oidc(prefix: &str, incomplete: &mut Vec<String>) -> Option<OidcSettings> {
    let names = [
        format!("{prefix}OIDC_ISSUER"),
        format!("{prefix}OIDC_CLIENT_ID"),
        format!("{prefix}OIDC_CLIENT_SECRET"),
    ];
    group([&names[0] as &str, &names[1], &names[2]], incomplete).map(
        |[issuer, client_id, secret]| OidcSettings {
            issuer: issuer.trim_end_matches('/').to_owned(),
            client_id,
            client_secret: SecretString::from(secret),
        },
    )
}

impl Config {
    pub fn from_env() -> Result<Config, Vec<String>> {
        let mut problems = Vec::new();
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
        };
        let token_secret = var("MOTCUA_TOKEN_SECRET");
        if token_secret.as_ref().is_some_and(|s| s.len() < 32) {
            problems.push("MOTCUA_TOKEN_SECRET must be at least 32 characters".into());
        }
        let public_url = var("MOTCUA_PUBLIC_URL").map(|u| u.trim_end_matches('/').to_owned());
        if let Some(url) = &public_url {
            if url::Url::parse(url).is_err() {
                problems.push(format!("MOTCUA_PUBLIC_URL={url:?} is not a URL"));
            }
        }
        let s3 = group(
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
            group(["REGISTRY_URL", "REGISTRY_TOKEN"], &mut incomplete).map(|[url, token]| {
                RegistrySettings {
                    url,
                    token: SecretString::from(token),
                }
            });
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
        let config = Config {
            listen,
            public_url,
            data_dir: var("MOTCUA_DATA_DIR")
                .unwrap_or_else(|| "./var".into())
                .into(),
            procedures_dir: var("MOTCUA_PROCEDURES_DIR")
                .unwrap_or_else(|| "./procedures".into())
                .into(),
            database_url: var("DATABASE_URL").map(SecretString::from),
            s3,
            oidc: oidc("", &mut incomplete),
            staff_oidc: oidc("STAFF_", &mut incomplete),
            registry,
            token_secret: token_secret.map(SecretString::from),
            token_lifetime_secs: i64::try_from(token_lifetime_secs).unwrap_or(900),
            max_body_bytes: usize::try_from(max_body_bytes).unwrap_or(1024 * 1024),
            body_idle_timeout: std::time::Duration::from_secs(body_idle_timeout.max(1)),
            rate_limits,
            dev_clock,
            digitisation_target,
            shutdown,
            incomplete,
        };
        for (name, _) in std::env::vars() {
            if name.starts_with("MOTCUA_") && !KNOWN_MOTCUA_VARS.contains(&name.as_str()) {
                eprintln!("motcua: warning: unknown variable {name} is ignored");
            }
        }
        if problems.is_empty() {
            Ok(config)
        } else {
            Err(problems)
        }
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
