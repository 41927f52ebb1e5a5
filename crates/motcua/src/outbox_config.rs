//! The settings of the outbox's delivery workers (`MOTCUA_OUTBOX_*`) and of the national
//! public-service portal (`DVCQG_*`), read with the rest of the configuration (`config.rs`).
//! README.md and `.env.example` list every name; `docs/INTEGRATIONS.md` says what each does.

use motcua_dvcqg::HttpDvcqgConfig;
use secrecy::SecretString;
use std::time::Duration;

/// The DVCQG adapter (through the province's integration platform): all of
/// `DVCQG_URL`, `DVCQG_LOGIN_URL`, `DVCQG_USERNAME`, `DVCQG_PASSWORD`, `DVCQG_AGENCY_CODE`.
/// With `DVCQG_TIMEOUT_SECS` (default 10: a call without an answer by then failed) and
/// `DVCQG_SESSION_LIFETIME_SECS` (default 1800: the session is renewed after this, or at
/// once when refused).
#[derive(Debug, Clone)]
pub struct DvcqgSettings {
    pub client: HttpDvcqgConfig,
    /// `DVCQG_CITIZEN_SUBJECT_KIND` (default 1): `LoaiDoiTuong` of a citizen.
    pub citizen_subject_kind: String,
    /// `DVCQG_INBOUND_TOKEN` (at least 32 characters): the bearer token DVCQG's adapter
    /// sends when it pushes a dossier filed on the national portal
    /// (`POST /v1/dvcqg/dossiers`); unset: no push is taken.
    pub inbound_token: Option<SecretString>,
}

/// The delivery workers.
#[derive(Debug, Clone, Copy)]
pub struct OutboxSettings {
    /// `MOTCUA_OUTBOX_WORKERS` (default 2): delivery workers in this process; 0 leaves the
    /// delivery to other processes.
    pub workers: usize,
    /// `MOTCUA_OUTBOX_POLL_MS` (default 1000): how often an idle worker looks for work.
    pub poll: Duration,
    /// `MOTCUA_OUTBOX_BATCH` (default 50): messages a worker locks and sends at a time.
    pub batch: i64,
    /// `MOTCUA_OUTBOX_MAX_ATTEMPTS` (default 25): a message failing this many times is dead.
    pub max_attempts: i32,
    /// `MOTCUA_OUTBOX_RETRY_BASE_MS` (default 1000): the wait after a first failure,
    /// doubling after each next one…
    pub retry_base: Duration,
    /// `MOTCUA_OUTBOX_RETRY_MAX_SECS` (default 3600): …up to this.
    pub retry_max: Duration,
    /// `MOTCUA_OUTBOX_KEEP_DAYS` (default 30): delivered and dropped messages are kept this
    /// long, then forgotten.
    pub keep: Duration,
    /// `MOTCUA_OUTBOX_BUSY_ABOVE` (default 4): with more API requests than this in flight in
    /// the process, its workers let their turn pass (the submissions come first)…
    pub busy_above: usize,
    /// `MOTCUA_OUTBOX_LONGEST_WAIT_SECS` (default 30): …but for no longer than this.
    pub longest_wait: Duration,
}

/// Reads both; `get` looks a variable up (a secret possibly from its file). Problems are
/// added to `problems`, a partly set DVCQG group to `incomplete`.
pub fn read(
    get: &dyn Fn(&str) -> Option<String>,
    problems: &mut Vec<String>,
    incomplete: &mut Vec<String>,
) -> (Option<DvcqgSettings>, OutboxSettings) {
    let mut number = |name: &str, default: u64, least: u64| -> u64 {
        match get(name) {
            None => default,
            Some(v) => match v.trim().parse::<u64>() {
                Ok(n) if n >= least => n,
                _ => {
                    problems.push(format!(
                        "{name}={v:?} must be a whole number of at least {least}"
                    ));
                    default
                }
            },
        }
    };
    let outbox = OutboxSettings {
        workers: usize::try_from(number("MOTCUA_OUTBOX_WORKERS", 2, 0)).unwrap_or(2),
        poll: Duration::from_millis(number("MOTCUA_OUTBOX_POLL_MS", 1000, 10)),
        batch: i64::try_from(number("MOTCUA_OUTBOX_BATCH", 50, 1)).unwrap_or(50),
        max_attempts: i32::try_from(number("MOTCUA_OUTBOX_MAX_ATTEMPTS", 25, 1)).unwrap_or(25),
        retry_base: Duration::from_millis(number("MOTCUA_OUTBOX_RETRY_BASE_MS", 1000, 1)),
        retry_max: Duration::from_secs(number("MOTCUA_OUTBOX_RETRY_MAX_SECS", 3600, 1)),
        keep: Duration::from_secs(number("MOTCUA_OUTBOX_KEEP_DAYS", 30, 1) * 86_400),
        busy_above: usize::try_from(number("MOTCUA_OUTBOX_BUSY_ABOVE", 4, 0)).unwrap_or(4),
        longest_wait: Duration::from_secs(number("MOTCUA_OUTBOX_LONGEST_WAIT_SECS", 30, 1)),
    };
    let timeout = Duration::from_secs(number("DVCQG_TIMEOUT_SECS", 10, 1));
    let session_lifetime = Duration::from_secs(number("DVCQG_SESSION_LIFETIME_SECS", 1800, 1));
    let names = [
        "DVCQG_URL",
        "DVCQG_LOGIN_URL",
        "DVCQG_USERNAME",
        "DVCQG_PASSWORD",
        "DVCQG_AGENCY_CODE",
    ];
    let values = names.map(get);
    let set = values.iter().filter(|v| v.is_some()).count();
    if set > 0 && set < names.len() {
        let missing: Vec<&str> = names
            .iter()
            .zip(&values)
            .filter(|(_, v)| v.is_none())
            .map(|(n, _)| *n)
            .collect();
        incomplete.push(format!("DVCQG_URL set without {}", missing.join(", ")));
    }
    let dvcqg = match values {
        [Some(service_url), Some(login_url), Some(username), Some(password), Some(agency)] => {
            for (name, url) in [("DVCQG_URL", &service_url), ("DVCQG_LOGIN_URL", &login_url)] {
                if url::Url::parse(url).is_err() {
                    problems.push(format!("{name}={url:?} is not a URL"));
                }
            }
            Some(DvcqgSettings {
                client: HttpDvcqgConfig {
                    service_url,
                    login_url,
                    username,
                    password: SecretString::from(password),
                    agency_code: agency,
                    timeout,
                    session_lifetime,
                },
                citizen_subject_kind: get("DVCQG_CITIZEN_SUBJECT_KIND")
                    .unwrap_or_else(|| "1".to_owned()),
                inbound_token: None,
            })
        }
        _ => None,
    };
    let mut dvcqg = dvcqg;
    if let Some(token) = get("DVCQG_INBOUND_TOKEN") {
        if token.trim().chars().count() < 32 {
            problems.push("DVCQG_INBOUND_TOKEN must be at least 32 characters".to_owned());
        }
        match dvcqg.as_mut() {
            Some(settings) => settings.inbound_token = Some(SecretString::from(token)),
            // Statuses of a pushed dossier go back over the outbound settings.
            None if set == 0 => incomplete.push(
                "DVCQG_INBOUND_TOKEN set without DVCQG_URL, DVCQG_LOGIN_URL, DVCQG_USERNAME, \
                 DVCQG_PASSWORD, DVCQG_AGENCY_CODE"
                    .to_owned(),
            ),
            None => {}
        }
    }
    (dvcqg, outbox)
}

#[cfg(test)]
mod tests {
    use super::read;
    use std::collections::HashMap;

    fn with(pairs: &[(&str, &str)]) -> (bool, Vec<String>, Vec<String>) {
        let map: HashMap<&str, &str> = pairs.iter().copied().collect();
        let get = move |name: &str| map.get(name).map(|v| (*v).to_owned());
        let (mut problems, mut incomplete) = (Vec::new(), Vec::new());
        let (dvcqg, _) = read(&get, &mut problems, &mut incomplete);
        (dvcqg.is_some(), problems, incomplete)
    }

    #[test]
    fn dvcqg_is_all_five_or_none_and_a_part_is_named() {
        assert_eq!(with(&[]), (false, vec![], vec![]));
        let all = [
            ("DVCQG_URL", "http://lgsp.example/dvcqg/api"),
            ("DVCQG_LOGIN_URL", "http://lgsp.example/dvcqg/login"),
            ("DVCQG_USERNAME", "tinh"),
            ("DVCQG_PASSWORD", "secret"),
            ("DVCQG_AGENCY_CODE", "000.00.00.H26"),
        ];
        assert_eq!(with(&all), (true, vec![], vec![]));
        let (set, _, incomplete) = with(&all[..2]);
        assert!(!set);
        assert_eq!(
            incomplete,
            vec!["DVCQG_URL set without DVCQG_USERNAME, DVCQG_PASSWORD, DVCQG_AGENCY_CODE"]
        );
    }

    #[test]
    fn the_inbound_token_needs_the_outbound_settings_and_32_characters() {
        let all = [
            ("DVCQG_URL", "http://lgsp.example/dvcqg/api"),
            ("DVCQG_LOGIN_URL", "http://lgsp.example/dvcqg/login"),
            ("DVCQG_USERNAME", "tinh"),
            ("DVCQG_PASSWORD", "secret"),
            ("DVCQG_AGENCY_CODE", "000.00.00.H26"),
        ];
        let token = ("DVCQG_INBOUND_TOKEN", "an-inbound-token-of-32-characters!");
        let mut with_token = all.to_vec();
        with_token.push(token);
        assert_eq!(with(&with_token), (true, vec![], vec![]));
        let (set, problems, incomplete) = with(&[token]);
        assert!(!set && problems.is_empty());
        assert_eq!(incomplete.len(), 1, "{incomplete:?}");
        assert!(incomplete[0].starts_with("DVCQG_INBOUND_TOKEN set without DVCQG_URL"));
        let mut short = all.to_vec();
        short.push(("DVCQG_INBOUND_TOKEN", "short"));
        let (_, problems, _) = with(&short);
        assert_eq!(
            problems,
            vec!["DVCQG_INBOUND_TOKEN must be at least 32 characters"]
        );
    }

    #[test]
    fn outbox_numbers_are_checked() {
        let (_, problems, _) =
            with(&[("MOTCUA_OUTBOX_BATCH", "0"), ("MOTCUA_OUTBOX_POLL_MS", "x")]);
        assert_eq!(problems.len(), 2, "{problems:?}");
        assert!(problems.iter().any(|p| p.contains("MOTCUA_OUTBOX_BATCH")));
    }
}
