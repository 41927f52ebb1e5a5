//! The settings of citizens' notifications (`MOTCUA_NOTIFICATIONS_DIR`, `SMTP_*`,
//! `SMS_GATEWAY_*`), read with the rest of the configuration (`config.rs`). README.md lists
//! every name; `docs/INTEGRATIONS.md` says what each does.

use motcua_notify::{SmsConfig, SmtpConfig};
use secrecy::SecretString;
use std::path::PathBuf;
use std::time::Duration;

#[derive(Clone)]
pub struct NotifySettings {
    /// `MOTCUA_NOTIFICATIONS_DIR` (default `./notifications`): `events.json` and the
    /// templates.
    pub dir: PathBuf,
    /// `SMTP_URL`, `SMTP_FROM` (both, or no e-mail), `SMTP_PASSWORD`, `SMTP_TIMEOUT_SECS`.
    pub smtp: Option<SmtpConfig>,
    /// `SMS_GATEWAY_URL`, `SMS_GATEWAY_TOKEN` (both, or no SMS), `SMS_GATEWAY_TIMEOUT_SECS`.
    pub sms: Option<SmsConfig>,
}

impl std::fmt::Debug for NotifySettings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("NotifySettings")
            .field("dir", &self.dir)
            .field("smtp", &self.smtp.as_ref().map(|s| &s.from))
            .field("sms", &self.sms.as_ref().map(|s| &s.url))
            .finish()
    }
}

pub fn read(
    get: &dyn Fn(&str) -> Option<String>,
    problems: &mut Vec<String>,
    incomplete: &mut Vec<String>,
) -> NotifySettings {
    let mut secs = |name: &str, default: u64| -> Duration {
        match get(name) {
            None => Duration::from_secs(default),
            Some(v) => match v.trim().parse::<u64>() {
                Ok(n) if (1..=600).contains(&n) => Duration::from_secs(n),
                _ => {
                    problems.push(format!("{name}={v:?} must be 1 to 600 seconds"));
                    Duration::from_secs(default)
                }
            },
        }
    };
    let smtp_timeout = secs("SMTP_TIMEOUT_SECS", 20);
    let sms_timeout = secs("SMS_GATEWAY_TIMEOUT_SECS", 10);
    let smtp = match (get("SMTP_URL"), get("SMTP_FROM")) {
        (Some(url), Some(from)) => {
            if !(url.starts_with("smtp://") || url.starts_with("smtps://")) {
                problems.push(format!(
                    "SMTP_URL={url:?} must start with smtp:// or smtps://"
                ));
            }
            Some(SmtpConfig {
                url,
                password: get("SMTP_PASSWORD").map(SecretString::from),
                from,
                timeout: smtp_timeout,
            })
        }
        (None, None) => None,
        (Some(_), None) => {
            incomplete.push("SMTP_URL set without SMTP_FROM".to_owned());
            None
        }
        (None, Some(_)) => {
            incomplete.push("SMTP_FROM set without SMTP_URL".to_owned());
            None
        }
    };
    let sms = match (get("SMS_GATEWAY_URL"), get("SMS_GATEWAY_TOKEN")) {
        (Some(url), Some(token)) => {
            if url::Url::parse(&url).is_err() {
                problems.push(format!("SMS_GATEWAY_URL={url:?} is not a URL"));
            }
            Some(SmsConfig {
                url,
                token: SecretString::from(token),
                timeout: sms_timeout,
            })
        }
        (None, None) => None,
        (Some(_), None) => {
            incomplete.push("SMS_GATEWAY_URL set without SMS_GATEWAY_TOKEN".to_owned());
            None
        }
        (None, Some(_)) => {
            incomplete.push("SMS_GATEWAY_TOKEN set without SMS_GATEWAY_URL".to_owned());
            None
        }
    };
    NotifySettings {
        dir: get("MOTCUA_NOTIFICATIONS_DIR")
            .unwrap_or_else(|| "./notifications".into())
            .into(),
        smtp,
        sms,
    }
}
