//! What a person reads about a procedure before starting it (the citizen portal's
//! procedure page and catalogue): its name, what it is for and who may apply, the fees, the
//! time limit, the documents to bring, the legal basis, the channels, and whether it takes
//! dossiers now or when it opens.
//!
//! [`ProcedureInfo::of`] is the one place that reads these from a procedure. It reads the
//! file as loaded (`Procedure::raw`), so that the keys procedure files are gaining
//! (`summary`, `who_may_apply`, a document's `purpose`) show as soon as a file has them and
//! are simply absent before.

use crate::{Code, ServiceError, Services};
use chrono::{DateTime, FixedOffset, Utc};
use motcua_core::procedure::Procedure;
use serde_json::Value;

/// A procedure as the catalogue shows it.
#[derive(Debug, Clone)]
pub struct ProcedureInfo {
    pub code: String,
    /// Its Vietnamese name.
    pub name: String,
    /// The field (lĩnh vực) it belongs to.
    pub field: Option<String>,
    /// What it is for, when the file says.
    pub summary: Option<String>,
    /// Who may apply, one line each (none when the file does not say).
    pub who_may_apply: Vec<String>,
    /// The agencies that take it: (identifier, name).
    pub agencies: Vec<(String, String)>,
    /// `online`, `counter`, `post`.
    pub channels: Vec<String>,
    pub fees: Vec<Fee>,
    /// The time limit: amount and unit (`working_days`, …), and the extension the law allows.
    pub time_limit: Option<(u64, String)>,
    pub extension: Option<(u64, String, String)>,
    pub documents: Vec<DocumentNeeded>,
    pub legal_basis: Vec<String>,
    /// What the citizen gets at the end.
    pub result: Option<String>,
    /// The identity level the online dossier needs (VNeID level 1 or 2).
    pub assurance_level: u8,
    pub window: Window,
}

/// A fee: `phi` or `le_phi`, in đồng, with its note, its name, when it is paid
/// (`before_submission`, `at_reception`, `at_result`) and who is exempt (the reasons).
#[derive(Debug, Clone)]
pub struct Fee {
    pub kind: String,
    pub amount_vnd: u64,
    pub note: Option<String>,
    pub name: Option<String>,
    pub due: String,
    pub exempt: Vec<String>,
}

/// A document the procedure asks for.
#[derive(Debug, Clone)]
pub struct DocumentNeeded {
    pub name: String,
    /// Why it is asked for, when the file says.
    pub purpose: Option<String>,
    pub required: bool,
    /// Required only when the form's answers say so (`relationship == representative`).
    pub required_when: Option<String>,
    /// Asked for only when the population register cannot answer.
    pub fallback: bool,
    /// The file types accepted (`application/pdf`, …) and the largest file.
    pub accept: Vec<String>,
    pub max_bytes: u64,
}

/// When a procedure takes dossiers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Window {
    /// All year.
    Always,
    /// A mass procedure in its window, until then.
    OpenUntil(DateTime<FixedOffset>),
    /// A window still to come.
    Opens {
        from: DateTime<FixedOffset>,
        until: DateTime<FixedOffset>,
    },
    /// The last window ended and the file names no later one.
    Ended {
        from: DateTime<FixedOffset>,
        until: DateTime<FixedOffset>,
    },
}

impl Window {
    pub fn is_open(&self) -> bool {
        matches!(self, Window::Always | Window::OpenUntil(_))
    }
}

impl ProcedureInfo {
    /// What `procedure` tells a person, at `now` (the engine's clock).
    pub fn of(procedure: &Procedure, now: DateTime<Utc>) -> ProcedureInfo {
        let spec = procedure.spec();
        let raw = procedure.raw();
        let window = match procedure.opening_window() {
            None => Window::Always,
            Some(w) if now < w.from.to_utc() => Window::Opens {
                from: w.from,
                until: w.until,
            },
            Some(w) if now > w.until.to_utc() => Window::Ended {
                from: w.from,
                until: w.until,
            },
            Some(w) => Window::OpenUntil(w.until),
        };
        let documents = raw
            .get("documents")
            .and_then(Value::as_array)
            .map(|all| all.iter().filter_map(document).collect())
            .unwrap_or_default();
        ProcedureInfo {
            code: procedure.code().to_owned(),
            name: spec.name.vi.clone(),
            field: text(raw, "field"),
            summary: text(raw, "summary"),
            who_may_apply: texts(raw, "who_may_apply"),
            agencies: spec
                .agencies
                .iter()
                .map(|a| (a.id.clone(), a.name.clone()))
                .collect(),
            channels: texts(raw, "channels"),
            fees: raw
                .get("fees")
                .and_then(Value::as_array)
                .map(|all| all.iter().filter_map(fee).collect())
                .unwrap_or_default(),
            time_limit: amount(raw.get("time_limit")),
            extension: raw
                .pointer("/time_limit/extension")
                .and_then(|e| Some((amount(Some(e))?, text(e, "when")?)))
                .map(|((n, unit), when)| (n, unit, when)),
            documents,
            legal_basis: texts(raw, "legal_basis"),
            result: raw
                .pointer("/result/name")
                .and_then(Value::as_str)
                .map(str::to_owned),
            assurance_level: procedure.assurance_level(),
            window,
        }
    }
}

fn text(value: &Value, key: &str) -> Option<String> {
    value
        .get(key)
        .and_then(Value::as_str)
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .map(str::to_owned)
}

fn texts(value: &Value, key: &str) -> Vec<String> {
    crate::view::strings_of(value.get(key))
}

fn amount(value: Option<&Value>) -> Option<(u64, String)> {
    let value = value?;
    Some((value.get("amount")?.as_u64()?, text(value, "unit")?))
}

fn fee(value: &Value) -> Option<Fee> {
    Some(Fee {
        kind: text(value, "kind")?,
        amount_vnd: value.get("amount_vnd")?.as_u64()?,
        note: text(value, "note"),
        name: text(value, "name"),
        due: text(value, "due").unwrap_or_else(|| "at_reception".to_owned()),
        exempt: value
            .get("exemptions")
            .and_then(Value::as_array)
            .map(|list| list.iter().filter_map(|e| text(e, "reason")).collect())
            .unwrap_or_default(),
    })
}

fn document(value: &Value) -> Option<DocumentNeeded> {
    Some(DocumentNeeded {
        name: text(value, "name")?,
        purpose: text(value, "purpose"),
        required: value.get("required")?.as_bool()?,
        required_when: text(value, "required_when"),
        fallback: value
            .get("fallback")
            .and_then(Value::as_bool)
            .unwrap_or(false),
        accept: texts(value, "accept"),
        max_bytes: value.get("max_bytes").and_then(Value::as_u64).unwrap_or(0),
    })
}

/// The current version of procedure `code`, as a person reads it now.
pub fn get(services: &Services, code: &str) -> Result<ProcedureInfo, ServiceError> {
    let procedure = services.catalog.current(code).ok_or_else(|| {
        ServiceError::new(
            Code::ProcedureNotFound,
            format!("no procedure with code {code:?}"),
        )
    })?;
    Ok(ProcedureInfo::of(procedure, services.clock.now()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn procedure(extra: &str) -> Procedure {
        let file = include_str!("../../../procedures/3.000465.json");
        let mut raw: Value = serde_json::from_str(file).unwrap();
        let extra: Value = serde_json::from_str(extra).unwrap();
        if let (Some(raw), Some(extra)) = (raw.as_object_mut(), extra.as_object()) {
            raw.extend(extra.clone());
        }
        Procedure::parse("test", &raw.to_string()).unwrap()
    }

    #[test]
    fn the_diploma_copy_reads_as_its_file_says() {
        let info = ProcedureInfo::of(&procedure("{}"), Utc::now());
        assert_eq!(info.code, "3.000465");
        assert!(info.name.starts_with("Cấp bản sao văn bằng"));
        assert_eq!(info.time_limit, Some((1, "working_days".to_owned())));
        assert!(info.extension.is_some());
        assert!(info.documents.iter().any(|d| !d.required));
        assert!(!info.legal_basis.is_empty());
        assert_eq!(info.channels, ["online", "counter", "post"]);
        assert_eq!(info.window, Window::Always);
    }

    #[test]
    fn a_window_opens_runs_and_ends() {
        let p = procedure(
            r#"{"open": {"from": "2025-04-21T00:00:00+07:00", "until": "2025-04-28T17:00:00+07:00"}}"#,
        );
        let at = |s: &str| DateTime::parse_from_rfc3339(s).unwrap().to_utc();
        assert!(matches!(
            ProcedureInfo::of(&p, at("2025-04-01T00:00:00Z")).window,
            Window::Opens { .. }
        ));
        let open = ProcedureInfo::of(&p, at("2025-04-22T00:00:00Z")).window;
        assert!(open.is_open() && matches!(open, Window::OpenUntil(_)));
        let ended = ProcedureInfo::of(&p, at("2025-05-01T00:00:00Z")).window;
        assert!(!ended.is_open() && matches!(ended, Window::Ended { .. }));
    }
}
