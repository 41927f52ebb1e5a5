//! Procedures as data: a procedure file parsed, checked and compiled.
//!
//! `Procedure::parse` takes the text of one file (the binary reads the folder) and gives
//! either a loaded procedure, with its form validators compiled once, or every problem
//! found, each with its source and JSON pointer.

mod check;
pub mod documents;
pub mod form;
pub mod prefill;
mod spec;
pub mod words;
pub mod workflow;

pub use prefill::PrefillField;
pub use spec::{
    Action, Agency, Derived, DocumentRequirement, Effect, Exemption, Extension, Fee, FeeDue,
    FeeKind, LocalizedName, Needs, OpeningWindow, ProcedureSpec, ReplacedBy, Role, StateSpec,
    TimeLimit, TimeUnit, Workflow,
};

use crate::rules::{self, Violation};
use chrono::{DateTime, NaiveDate, Utc};
use jsonschema::Validator;
use serde_json::{Map, Value};
use std::fmt;
use std::sync::OnceLock;

/// The meta-schema every procedure file obeys.
const META_SCHEMA: &str = include_str!("../../../../procedures/procedure.schema.json");

/// A problem of a procedure file, at a JSON pointer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub source: String,
    pub pointer: String,
    pub message: String,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let pointer = if self.pointer.is_empty() {
            "(whole file)"
        } else {
            &self.pointer
        };
        write!(f, "{}: {}: {}", self.source, pointer, self.message)
    }
}

/// A failing field of a dossier's data.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldError {
    pub pointer: String,
    pub message: String,
}

/// A loaded procedure version.
pub struct Procedure {
    spec: ProcedureSpec,
    raw: Value,
    submission: Validator,
    draft: Validator,
    prefill: Vec<PrefillField>,
}

impl fmt::Debug for Procedure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Procedure({} v{})", self.spec.code, self.spec.version)
    }
}

fn meta_validator() -> Result<&'static Validator, String> {
    static META: OnceLock<Result<Validator, String>> = OnceLock::new();
    META.get_or_init(|| {
        let schema: Value = serde_json::from_str(META_SCHEMA)
            .map_err(|e| format!("meta-schema is not JSON: {e}"))?;
        form::compile(&schema).map_err(|e| format!("meta-schema does not compile: {e}"))
    })
    .as_ref()
    .map_err(Clone::clone)
}

/// Whether a file must carry the words a person reads (`words.rs`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Words {
    /// A file of the procedures folder: `procedures check` and the engine's start.
    Required,
    /// A version the database recorded when it was published, before procedures carried
    /// their words: its dossiers must still be read and finished by it.
    AsRecorded,
}

impl Procedure {
    /// Parses and checks one procedure file. `source` names it in problems.
    pub fn parse(source: &str, json: &str) -> Result<Procedure, Vec<Problem>> {
        Self::parse_with(source, json, Words::Required)
    }

    /// Parses a version as the database recorded it when it was published: checked like a
    /// file, except that the words a person reads (titles, labels, summary…) may be missing,
    /// as they were in the versions published before procedures carried them. Pages and
    /// messages then fall back to the fields' names.
    pub fn parse_recorded(source: &str, json: &str) -> Result<Procedure, Vec<Problem>> {
        Self::parse_with(source, json, Words::AsRecorded)
    }

    fn parse_with(source: &str, json: &str, words: Words) -> Result<Procedure, Vec<Problem>> {
        let problem = |pointer: &str, message: String| Problem {
            source: source.to_owned(),
            pointer: pointer.to_owned(),
            message,
        };
        let raw: Value = serde_json::from_str(json).map_err(|e| {
            vec![problem(
                "",
                format!(
                    "not valid JSON at line {}, column {}: {e}",
                    e.line(),
                    e.column()
                ),
            )]
        })?;
        let meta = meta_validator().map_err(|e| vec![problem("", e)])?;
        let shape: Vec<Problem> = form::validate(meta, &raw)
            .into_iter()
            .map(|e| problem(&e.pointer, e.message))
            .collect();
        if !shape.is_empty() {
            return Err(shape);
        }
        let spec: ProcedureSpec = serde_json::from_value(raw.clone())
            .map_err(|e| vec![problem("", format!("cannot be read: {e}"))])?;
        let mut problems = check::check(source, &spec);
        if words == Words::Required {
            problems.extend(words::check(source, &spec));
        }
        let compiled = match (
            form::compile(&spec.form),
            form::compile(&form::draft_schema(&spec.form)),
        ) {
            (Ok(submission), Ok(draft)) => Some((submission, draft)),
            (Err(e), _) | (_, Err(e)) => {
                problems.push(problem(
                    &format!("/form{}", e.instance_path().as_str()),
                    format!("the form schema does not compile: {e}"),
                ));
                None
            }
        };
        match compiled {
            Some((submission, draft)) if problems.is_empty() => Ok(Procedure {
                prefill: prefill::prefill_fields(&spec.form),
                spec,
                raw,
                submission,
                draft,
            }),
            _ => Err(problems),
        }
    }

    pub fn spec(&self) -> &ProcedureSpec {
        &self.spec
    }

    /// The file as loaded, for storing and for `GET /v1/procedures/{code}`.
    pub fn raw(&self) -> &Value {
        &self.raw
    }

    pub fn code(&self) -> &str {
        &self.spec.code
    }

    pub fn version(&self) -> i32 {
        self.spec.version
    }

    pub fn assurance_level(&self) -> u8 {
        self.spec.assurance_level
    }

    pub fn opening_window(&self) -> Option<&OpeningWindow> {
        self.spec.open.as_ref()
    }

    /// Whether dossiers may be started or submitted at `at` (mass procedures have a window).
    pub fn is_open_at(&self, at: DateTime<Utc>) -> bool {
        self.spec
            .open
            .as_ref()
            .is_none_or(|w| w.from.to_utc() <= at && at <= w.until.to_utc())
    }

    /// A draft may be incomplete; the fields it has must have the right types and formats.
    pub fn validate_draft(&self, data: &Value) -> Vec<FieldError> {
        form::validate(&self.draft, data)
    }

    /// The whole form must be satisfied.
    pub fn validate_submission(&self, data: &Value) -> Vec<FieldError> {
        form::validate(&self.submission, data)
    }

    /// What the procedure's named rules find wrong with `data`, for a dossier registered on
    /// `on` (the day in Vietnam).
    pub fn check_rules(&self, data: &Value, on: NaiveDate) -> Vec<Violation> {
        self.spec
            .rules
            .iter()
            .filter_map(|name| rules::rule(name))
            .flat_map(|rule| rule.check(data, on))
            .collect()
    }

    /// Writes the derived fields computed from a register `answer` on `on` into `data`,
    /// locked, with their provenance.
    pub fn derive(
        &self,
        answer: &Map<String, Value>,
        on: NaiveDate,
        stamp: &prefill::Stamp,
        data: &mut Value,
        provenance: &mut Map<String, Value>,
    ) {
        for derived in &self.spec.derived {
            if let Some(derivation) = rules::derivation(&derived.rule) {
                let value = derivation.derive(answer, on);
                prefill::fill_derived(
                    &derived.pointer,
                    derivation.name,
                    value,
                    stamp,
                    data,
                    provenance,
                );
            }
        }
    }

    /// The Vietnamese title of the form's field at data pointer `pointer`, if it has one.
    pub fn field_title(&self, pointer: &str) -> Option<&str> {
        words::title(&self.spec.form, pointer)
    }

    /// The Vietnamese label of `value` in the form's field at `pointer` (an `enum`, or a
    /// list of choices), if it has one.
    pub fn choice_title(&self, pointer: &str, value: &Value) -> Option<&str> {
        words::choice_title(&self.spec.form, pointer, value)
    }

    /// The form fields filled from the population register.
    pub fn prefill_fields(&self) -> &[PrefillField] {
        &self.prefill
    }

    /// The register fields this procedure reads: only these are asked for.
    pub fn register_fields(&self) -> Vec<String> {
        let mut fields: Vec<String> = self
            .prefill
            .iter()
            .map(|f| f.register_field().to_owned())
            .chain(
                self.spec
                    .derived
                    .iter()
                    .filter_map(|d| rules::derivation(&d.rule))
                    .flat_map(|d| d.reads.iter().map(|f| (*f).to_owned())),
            )
            .collect();
        fields.sort();
        fields.dedup();
        fields
    }

    /// The share of the form's citizen-data fields (those the register could answer) that
    /// are filled from it: 1.0 when the citizen re-declares nothing the register holds.
    pub fn prefill_coverage(&self) -> f64 {
        let citizen_fields =
            self.prefill.len() + check::undeclared_register_fields(&self.spec.form).len();
        if citizen_fields == 0 {
            1.0
        } else {
            self.prefill.len() as f64 / citizen_fields as f64
        }
    }

    /// The agency that receives a dossier: the one the citizen chose in `receiving_agency`
    /// when the procedure offers a choice, else the procedure's first agency.
    pub fn receiving_agency(&self, data: &Value) -> &str {
        let chosen = data.get("receiving_agency").and_then(Value::as_str);
        self.spec
            .agencies
            .iter()
            .find(|a| Some(a.id.as_str()) == chosen)
            .or_else(|| self.spec.agencies.first())
            .map(|a| a.id.as_str())
            .unwrap_or_default()
    }

    pub fn initial_state(&self) -> &str {
        &self.spec.workflow.initial
    }

    pub fn state(&self, name: &str) -> Option<&StateSpec> {
        self.spec.workflow.states.get(name)
    }

    pub fn is_final(&self, state: &str) -> bool {
        self.state(state).is_some_and(|s| s.is_final)
    }

    /// The national portal status code (1–10) of a workflow state.
    pub fn portal_status(&self, state: &str) -> Option<u8> {
        self.state(state).map(|s| s.status)
    }

    pub fn actions_from<'a>(&'a self, state: &'a str) -> impl Iterator<Item = &'a Action> + 'a {
        self.spec
            .workflow
            .actions
            .iter()
            .filter(move |a| a.from.iter().any(|f| f == state))
    }

    /// The first action of that name (actions may be declared per origin state).
    pub fn action(&self, name: &str) -> Option<&Action> {
        self.spec.workflow.actions.iter().find(|a| a.name == name)
    }

    /// The action `name` as it may be taken from `state`, if it may.
    pub fn action_from(&self, state: &str, name: &str) -> Option<&Action> {
        self.spec
            .workflow
            .actions
            .iter()
            .find(|a| a.name == name && a.from.iter().any(|f| f == state))
    }
}

#[cfg(test)]
mod tests;
