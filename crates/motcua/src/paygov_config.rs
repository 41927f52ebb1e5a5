//! The national payment platform's settings (`PAYGOV_*`), read with the rest of the
//! configuration (`config.rs`). README.md lists every name; `docs/INTEGRATIONS.md`
//! (Payments) says what each does.

use motcua_paygov::HttpPaygovConfig;
use secrecy::SecretString;
use std::time::Duration;

/// The platform: all of `PAYGOV_URL`, `PAYGOV_PARTNER_CODE`, `PAYGOV_SECRET`; with
/// `PAYGOV_TIMEOUT_SECS` (default 10) and `PAYGOV_RECONCILE_AFTER_SECS` (default 1800: a
/// payment not settled this long after its last change is asked about).
#[derive(Debug, Clone)]
pub struct PaygovSettings {
    pub client: HttpPaygovConfig,
    pub reconcile_after: Duration,
}

/// Reads them; a partly set group goes to `incomplete`, a bad value to `problems`.
pub fn read(
    get: &dyn Fn(&str) -> Option<String>,
    problems: &mut Vec<String>,
    incomplete: &mut Vec<String>,
) -> Option<PaygovSettings> {
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
    let timeout = Duration::from_secs(number("PAYGOV_TIMEOUT_SECS", 10, 1));
    let reconcile_after = Duration::from_secs(number("PAYGOV_RECONCILE_AFTER_SECS", 1800, 1));
    let names = ["PAYGOV_URL", "PAYGOV_PARTNER_CODE", "PAYGOV_SECRET"];
    let values = names.map(get);
    let set = values.iter().filter(|v| v.is_some()).count();
    if set > 0 && set < names.len() {
        let missing: Vec<&str> = names
            .iter()
            .zip(&values)
            .filter(|(_, v)| v.is_none())
            .map(|(n, _)| *n)
            .collect();
        incomplete.push(format!("PAYGOV_* set without {}", missing.join(", ")));
    }
    match values {
        [Some(url), Some(partner_code), Some(secret)] => {
            if url::Url::parse(&url).is_err() {
                problems.push(format!("PAYGOV_URL={url:?} is not a URL"));
            }
            if secret.trim().chars().count() < 16 {
                problems.push("PAYGOV_SECRET must be at least 16 characters".to_owned());
            }
            Some(PaygovSettings {
                client: HttpPaygovConfig {
                    url,
                    partner_code,
                    secret: SecretString::from(secret),
                    timeout,
                },
                reconcile_after,
            })
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::read;
    use std::collections::HashMap;

    fn with(vars: &[(&str, &str)]) -> (bool, Vec<String>, Vec<String>) {
        let map: HashMap<String, String> = vars
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect();
        let (mut problems, mut incomplete) = (Vec::new(), Vec::new());
        let settings = read(&|n| map.get(n).cloned(), &mut problems, &mut incomplete);
        (settings.is_some(), problems, incomplete)
    }

    #[test]
    fn all_three_or_none() {
        assert_eq!(with(&[]), (false, vec![], vec![]));
        let (set, problems, incomplete) = with(&[("PAYGOV_URL", "https://pay.example/api")]);
        assert!(!set && problems.is_empty());
        assert!(incomplete[0].contains("PAYGOV_PARTNER_CODE"));
        let (set, problems, _) = with(&[
            ("PAYGOV_URL", "https://pay.example/api"),
            ("PAYGOV_PARTNER_CODE", "H26"),
            ("PAYGOV_SECRET", "short"),
            ("PAYGOV_RECONCILE_AFTER_SECS", "0"),
        ]);
        assert!(set);
        assert_eq!(problems.len(), 2, "{problems:?}");
    }
}
