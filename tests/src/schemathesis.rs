//! schemathesis, the OpenAPI fuzzer, from PyPI (a pinned version, installed by
//! [`python_tool`] on first use).

use crate::python_tool;
use std::path::PathBuf;
use std::process::Command;
use std::sync::OnceLock;
use std::time::{Duration, Instant};

/// Pinned: a new release brings new checks and new data, so an upgrade is a reviewed change.
pub const VERSION: &str = "4.32.5";

/// The checks every answer must pass: the built-in ones and the engine's own
/// (`tests/schemathesis/hooks.py`).
pub const CHECKS: &str = "not_a_server_error,status_code_conformance,content_type_conformance,\
                          response_schema_conformance,response_headers_conformance,\
                          ignored_auth,errors_are_problems";

/// The `schemathesis` command, installed on first use.
pub fn executable() -> PathBuf {
    static INSTALLED: OnceLock<PathBuf> = OnceLock::new();
    INSTALLED
        .get_or_init(|| python_tool::install("schemathesis", VERSION))
        .join("bin")
        .join("schemathesis")
}

/// What one run found.
pub struct Report {
    pub passed: bool,
    /// schemathesis's own summary, printed by the test.
    pub text: String,
    pub elapsed: Duration,
}

/// Values worth trying for a parameter (`path.id`, `body.procedure`, ...): ids of dossiers
/// that exist, codes the engine knows. Random values are still tried beside them, so the
/// fuzzing reaches the handlers' logic instead of stopping at a 404.
pub struct Dictionary {
    pub parameter: &'static str,
    pub values: Vec<String>,
}

/// How often a value of a dictionary is used instead of a generated one.
const DICTIONARY_PROBABILITY: f64 = 0.6;

/// schemathesis.toml binding each parameter to its dictionary.
fn config(dictionaries: &[Dictionary]) -> String {
    let mut toml = String::new();
    for (n, dictionary) in dictionaries.iter().enumerate() {
        let values: Vec<String> = dictionary
            .values
            .iter()
            // A JSON string is a TOML basic string.
            .map(|v| serde_json::Value::from(v.as_str()).to_string())
            .collect();
        toml += &format!("[dictionaries.d{n}]\nvalues = [{}]\n\n", values.join(", "));
    }
    toml += "[parameters]\n";
    for (n, dictionary) in dictionaries.iter().enumerate() {
        toml += &format!(
            "\"{}\" = {{ dictionary = \"d{n}\", probability = {DICTIONARY_PROBABILITY} }}\n",
            dictionary.parameter
        );
    }
    toml
}

/// Fuzzes every operation of `{engine_url}/openapi.json` as the holder of `token`, with at
/// most `max_examples` cases per operation and phase, from a fixed seed.
pub fn run_against(
    engine_url: &str,
    token: &str,
    max_examples: u32,
    dictionaries: &[Dictionary],
) -> Report {
    let exe = executable();
    let hooks = crate::workspace_root().join("tests/schemathesis/hooks.py");
    let work = python_tool::target_dir().join("schemathesis-runs");
    std::fs::create_dir_all(&work).unwrap();
    let config_file = work.join(format!("{}.toml", uuid::Uuid::new_v4().simple()));
    std::fs::write(&config_file, config(dictionaries)).unwrap();
    let started = Instant::now();
    let output = Command::new(exe)
        .current_dir(&work)
        .arg("--config-file")
        .arg(&config_file)
        .env("SCHEMATHESIS_HOOKS", &hooks)
        .args(["run", &format!("{engine_url}/openapi.json")])
        .args(["--header", &format!("Authorization: Bearer {token}")])
        .args(["--checks", CHECKS])
        .args(["--max-examples", &max_examples.to_string()])
        .args(["--seed", "20250422"])
        // No example database: a run does not replay what the last one found.
        .args(["--generation-database", "none"])
        // Two workers crashed hypothesis under Python 3.11 ("AST constructor recursion depth
        // mismatch"), and one is as fast here: the engine's answers are the slow part.
        .args(["--workers", "1", "--request-timeout", "20"])
        .args([
            "--no-color",
            "--output-truncate",
            "true",
            "--continue-on-failure",
        ])
        .output()
        .unwrap();
    let _ = std::fs::remove_file(&config_file);
    Report {
        passed: output.status.success(),
        text: crate::command::printed(&output),
        elapsed: started.elapsed(),
    }
}
