//! What a citizen is told, and what an SMS may say. Pure rules: which dossier events the
//! citizen hears of (the kinds an agency maps to its templates, `notifications/events.json`),
//! the channels, and the only values an SMS template may use (an SMS passes through a
//! gateway and the phone's lock screen: no PIN, name, birth date, address or form data).

use crate::procedure::{Action, Effect};

/// The dossier was received: the processing clock starts and the return date is set.
pub const RECEIVED: &str = "received";
/// A supplement was asked for: the items and the date.
pub const SUPPLEMENT_REQUESTED: &str = "supplement_requested";
/// The citizen's supplement came in and processing resumed.
pub const RESUBMITTED: &str = "resubmitted";
/// The office apologised for a delay, with a new return date.
pub const APOLOGISED: &str = "apologised";
/// The dossier was refused, with the reason.
pub const REFUSED: &str = "refused";
/// The result is ready (in the citizen's document store, or to collect).
pub const RESULT_READY: &str = "result_ready";

/// Every event kind a step can raise (payment events are raised by the payment use cases).
pub const STEP_EVENTS: [&str; 6] = [
    RECEIVED,
    SUPPLEMENT_REQUESTED,
    RESUBMITTED,
    APOLOGISED,
    REFUSED,
    RESULT_READY,
];

/// The citizen-facing event kinds a workflow action raises, from its effects.
pub fn step_events(action: &Action) -> Vec<&'static str> {
    let mut kinds = Vec::new();
    if action.has(Effect::Receipt) {
        kinds.push(RECEIVED);
    }
    if action.has(Effect::SupplementSlip) {
        kinds.push(SUPPLEMENT_REQUESTED);
    }
    if action.has(Effect::ResumeClock) {
        kinds.push(RESUBMITTED);
    }
    if action.has(Effect::RefusalSlip) {
        kinds.push(REFUSED);
    }
    if action.has(Effect::ResultToStore) {
        kinds.push(RESULT_READY);
    }
    kinds
}

/// A channel a citizen can choose.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Channel {
    Email,
    Sms,
}

impl Channel {
    pub const ALL: [Channel; 2] = [Channel::Email, Channel::Sms];

    /// The name in the API and the outbox's target.
    pub fn as_str(self) -> &'static str {
        match self {
            Channel::Email => "email",
            Channel::Sms => "sms",
        }
    }

    pub fn from_name(name: &str) -> Option<Channel> {
        Channel::ALL.into_iter().find(|c| c.as_str() == name)
    }
}

/// The values an SMS template may use: none identifies the citizen (a fee's amount is the
/// procedure's, not theirs).
pub const SMS_VALUES: [&str; 7] = [
    "code",
    "procedure",
    "due_date",
    "new_due_date",
    "agency",
    "portal_url",
    "amount",
];

/// The values an SMS template uses that it may not (a PIN, a name, the form's data...).
pub fn forbidden_in_sms<'a>(used: impl IntoIterator<Item = &'a str>) -> Vec<String> {
    let mut bad: Vec<String> = used
        .into_iter()
        .filter(|name| {
            // `due_date.x` is `due_date`'s: judged by its root.
            let root = name.split('.').next().unwrap_or(name);
            !SMS_VALUES.contains(&root)
        })
        .map(str::to_owned)
        .collect();
    bad.sort();
    bad.dedup();
    bad
}

/// An e-mail address as a citizen may give it: one `@`, no spaces, at most 254 characters.
pub fn valid_email(address: &str) -> bool {
    let Some((local, domain)) = address.split_once('@') else {
        return false;
    };
    address.len() <= 254
        && !local.is_empty()
        && local.len() <= 64
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !domain.contains('@')
        && address
            .chars()
            .all(|c| c.is_ascii_graphic() && !matches!(c, '<' | '>' | ',' | ';' | '"'))
}

/// A Vietnamese mobile number, `0` or `+84` then 9 digits, as `+84…` (what a gateway
/// takes); none when it is not one.
pub fn vietnamese_mobile(number: &str) -> Option<String> {
    let compact: String = number
        .chars()
        .filter(|c| !matches!(c, ' ' | '.' | '-'))
        .collect();
    let national = compact
        .strip_prefix("+84")
        .or_else(|| compact.strip_prefix("84").filter(|r| r.len() == 9))
        .or_else(|| compact.strip_prefix('0'))?;
    (national.len() == 9
        && national.chars().all(|c| c.is_ascii_digit())
        && !national.starts_with('0'))
    .then(|| format!("+84{national}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_sms_may_not_name_the_citizen() {
        assert!(forbidden_in_sms(["code", "due_date", "portal_url"]).is_empty());
        assert_eq!(
            forbidden_in_sms(["code", "pin", "name", "data.applicant.pin", "pin"]),
            vec!["data.applicant.pin", "name", "pin"]
        );
    }

    #[test]
    fn mobile_numbers_are_normalised() {
        assert_eq!(
            vietnamese_mobile("0912 345 678").as_deref(),
            Some("+84912345678")
        );
        assert_eq!(
            vietnamese_mobile("+84912345678").as_deref(),
            Some("+84912345678")
        );
        assert_eq!(vietnamese_mobile("091234567"), None);
        assert_eq!(vietnamese_mobile("0012345678"), None);
        assert_eq!(vietnamese_mobile("09123456789"), None);
        assert_eq!(vietnamese_mobile("abc"), None);
    }

    #[test]
    fn e_mail_addresses() {
        assert!(valid_email("minh@example.vn"));
        for bad in [
            "minh",
            "@example.vn",
            "minh@localhost",
            "a b@x.vn",
            "a@b@c.vn",
            "a@.vn",
        ] {
            assert!(!valid_email(bad), "{bad}");
        }
    }
}
