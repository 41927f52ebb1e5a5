//! The notification templates an agency edits: a folder (`MOTCUA_NOTIFICATIONS_DIR`,
//! default `notifications/`) holding `events.json`, which maps each dossier event kind to a
//! template name, and for each template `NAME.subject.txt` and `NAME.email.txt` (e-mail)
//! and `NAME.sms.txt` (SMS), in Jinja syntax. A channel without its file sends nothing for
//! that template. Loaded and checked at start: a template that does not parse, or an SMS
//! template using a value an SMS may not carry (a PIN, a name, the form's data...), stops
//! the engine with the file's name and the reason.

use minijinja::Environment;
use motcua_core::notification::{forbidden_in_sms, Channel};
use serde_json::Value;
use std::collections::BTreeMap;
use std::path::Path;

/// The loaded templates and the map of events to them.
#[derive(Debug, Default)]
pub struct Templates {
    env: Environment<'static>,
    /// Event kind → template name.
    events: BTreeMap<String, String>,
}

/// A rendered e-mail or SMS.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rendered {
    pub subject: Option<String>,
    pub body: String,
}

fn file_name(template: &str, part: &str) -> String {
    format!("{template}.{part}.txt")
}

impl Templates {
    /// No template: nothing is ever sent.
    pub fn none() -> Self {
        Templates::default()
    }

    /// Loads `dir` (see the module).
    pub fn load(dir: &Path) -> Result<Self, String> {
        let events_file = dir.join("events.json");
        let text = std::fs::read_to_string(&events_file)
            .map_err(|e| format!("{}: {e}", events_file.display()))?;
        let events: BTreeMap<String, String> = serde_json::from_str(&text).map_err(|e| {
            format!(
                "{}: {e} (expected {{\"event_kind\": \"template\", …}})",
                events_file.display()
            )
        })?;
        let mut env = Environment::new();
        env.set_keep_trailing_newline(false);
        let mut names: Vec<&String> = events.values().collect();
        names.sort();
        names.dedup();
        for name in names {
            if !name
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
                || name.is_empty()
            {
                return Err(format!(
                    "{}: template name {name:?}: lowercase letters, digits and _ only",
                    events_file.display()
                ));
            }
            for part in ["subject", "email", "sms"] {
                let file = file_name(name, part);
                let path = dir.join(&file);
                let source = match std::fs::read_to_string(&path) {
                    Ok(source) => source,
                    Err(e) if e.kind() == std::io::ErrorKind::NotFound => continue,
                    Err(e) => return Err(format!("{}: {e}", path.display())),
                };
                env.add_template_owned(file.clone(), source)
                    .map_err(|e| format!("{}: {e}", path.display()))?;
                if part == "sms" {
                    let template = env
                        .get_template(&file)
                        .map_err(|e| format!("{}: {e}", path.display()))?;
                    let used = template.undeclared_variables(true);
                    let bad = forbidden_in_sms(used.iter().map(String::as_str));
                    if !bad.is_empty() {
                        return Err(format!(
                            "{}: an SMS may not carry {} (it may use only {})",
                            path.display(),
                            bad.join(", "),
                            motcua_core::notification::SMS_VALUES.join(", ")
                        ));
                    }
                }
            }
            let has = |part| env.get_template(&file_name(name, part)).is_ok();
            if has("email") != has("subject") {
                return Err(format!(
                    "{}: an e-mail template needs both {} and {}",
                    dir.display(),
                    file_name(name, "subject"),
                    file_name(name, "email")
                ));
            }
        }
        Ok(Templates { env, events })
    }

    /// The template of event `kind`, if the agency tells citizens of it.
    pub fn template_of(&self, kind: &str) -> Option<&str> {
        self.events.get(kind).map(String::as_str)
    }

    /// Whether `template` has a text for `channel`.
    pub fn has(&self, template: &str, channel: Channel) -> bool {
        let part = match channel {
            Channel::Email => "email",
            Channel::Sms => "sms",
        };
        self.env.get_template(&file_name(template, part)).is_ok()
    }

    /// `template` for `channel` with `values`. An SMS gets only the values an SMS may carry,
    /// whatever it was given.
    pub fn render(
        &self,
        template: &str,
        channel: Channel,
        values: &Value,
    ) -> Result<Rendered, String> {
        let render = |part: &str, values: &Value| -> Result<String, String> {
            let file = file_name(template, part);
            let t = self
                .env
                .get_template(&file)
                .map_err(|_| format!("no template {file}"))?;
            t.render(values)
                .map(|s| s.trim().to_owned())
                .map_err(|e| format!("{file}: {e}"))
        };
        match channel {
            Channel::Email => Ok(Rendered {
                subject: Some(render("subject", values)?.replace(['\r', '\n'], " ")),
                body: render("email", values)?,
            }),
            Channel::Sms => {
                let mut allowed = serde_json::Map::new();
                for name in motcua_core::notification::SMS_VALUES {
                    if let Some(v) = values.get(name) {
                        allowed.insert(name.to_owned(), v.clone());
                    }
                }
                Ok(Rendered {
                    subject: None,
                    body: render("sms", &Value::Object(allowed))?,
                })
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn folder(files: &[(&str, &str)]) -> std::path::PathBuf {
        let dir = std::env::temp_dir().join(format!("motcua-templates-{}", uuid::Uuid::new_v4()));
        std::fs::create_dir_all(&dir).unwrap();
        for (name, text) in files {
            std::fs::write(dir.join(name), text).unwrap();
        }
        dir
    }

    #[test]
    fn the_shipped_templates_load_and_render() {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../notifications");
        let templates = Templates::load(&dir).unwrap();
        let values = json!({
            "code": "H26.01-261123-0001", "procedure": "Cấp bản sao", "agency": "Sở GD&ĐT",
            "due_date": "24/11/2026", "new_due_date": "30/11/2026",
            "previous_due_date": "24/11/2026", "items": ["Bản sao CCCD"],
            "reason": "Thiếu giấy tờ", "portal_url": "https://x.vn/portal/ho-so/1",
            "amount": "20.000 đồng", "pin": "001099000001",
        });
        for kind in motcua_core::notification::STEP_EVENTS
            .into_iter()
            .chain(["payment_requested", "payment_received"])
        {
            let name = templates.template_of(kind).unwrap();
            let mail = templates.render(name, Channel::Email, &values).unwrap();
            assert!(
                mail.body.contains("H26.01-261123-0001"),
                "{kind}: {}",
                mail.body
            );
            let sms = templates.render(name, Channel::Sms, &values).unwrap();
            assert!(!sms.body.contains("001099000001"), "{kind}");
            assert!(sms.body.chars().count() <= 320, "{kind}: {}", sms.body);
        }
    }

    #[test]
    fn an_sms_template_naming_the_pin_is_refused() {
        let dir = folder(&[
            ("events.json", r#"{"received": "receipt"}"#),
            ("receipt.sms.txt", "Ho so {{ code }} cua {{ pin }}"),
        ]);
        let err = Templates::load(&dir).unwrap_err();
        assert!(err.contains("may not carry pin"), "{err}");
        std::fs::write(
            dir.join("receipt.sms.txt"),
            "{{ data.applicant.full_name }}",
        )
        .unwrap();
        let err = Templates::load(&dir).unwrap_err();
        assert!(err.contains("data.applicant.full_name"), "{err}");
        std::fs::write(dir.join("receipt.sms.txt"), "Ho so {{ code }}").unwrap();
        assert!(Templates::load(&dir).is_ok());
        let _ = std::fs::remove_dir_all(dir);
    }
}
