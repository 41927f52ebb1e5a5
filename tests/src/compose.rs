//! The Compose file's validator: check-jsonschema from PyPI with the Compose specification's
//! JSON schema it ships (`vendor.compose-spec`), in a virtualenv under the target folder made
//! on first use. No Docker engine or `docker compose` plugin is needed; Debian's own
//! docker-compose (1.29) predates the specification's top-level `name`, so it cannot judge
//! this file.

use crate::command::{printed, run};
use crate::python_tool;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

/// Pinned: a new release may ship a newer copy of the specification's schema.
pub const VERSION: &str = "0.39.0";

fn venv() -> PathBuf {
    static INSTALLED: OnceLock<PathBuf> = OnceLock::new();
    INSTALLED
        .get_or_init(|| python_tool::install("check-jsonschema", VERSION))
        .clone()
}

/// The validator's verdict on one file: `Err` holds its explanation.
pub fn validate(file: &Path) -> Result<(), String> {
    let output = Command::new(venv().join("bin").join("check-jsonschema"))
        .args(["--builtin-schema", "vendor.compose-spec"])
        .arg(file)
        .output()
        .unwrap();
    if output.status.success() {
        Ok(())
    } else {
        Err(printed(&output))
    }
}

/// A YAML file as JSON, read by the YAML library check-jsonschema itself uses.
pub fn yaml_as_json(file: &Path) -> serde_json::Value {
    let output = run(Command::new(venv().join("bin").join("python"))
        .args([
            "-c",
            "import json, sys\nfrom ruamel.yaml import YAML\n\
             print(json.dumps(YAML(typ='safe').load(open(sys.argv[1]))))",
        ])
        .arg(file));
    serde_json::from_slice(&output.stdout).unwrap()
}

/// Compose's variable interpolation with values from an env file: `${VAR}`, `${VAR:-default}`,
/// `${VAR-default}`, `$VAR` and `$$` (a literal `$`). A name neither in the env file nor with
/// a default is an error, as it would be an empty string in production.
pub fn interpolate(text: &str, env: &[(String, String)]) -> Result<String, String> {
    let value = |name: &str| env.iter().find(|(n, _)| n == name).map(|(_, v)| v.clone());
    let mut out = String::new();
    let mut rest = text;
    while let Some(at) = rest.find('$') {
        out.push_str(&rest[..at]);
        rest = &rest[at + 1..];
        if let Some(after) = rest.strip_prefix('$') {
            out.push('$');
            rest = after;
        } else if let Some(after) = rest.strip_prefix('{') {
            let end = after.find('}').ok_or("a ${ without its }")?;
            let expr = &after[..end];
            rest = &after[end + 1..];
            let (name, default) = match expr.find([':', '-']) {
                Some(i) => {
                    let op_len = if expr[i..].starts_with(":-") { 2 } else { 1 };
                    (&expr[..i], Some(&expr[i + op_len..]))
                }
                None => (expr, None),
            };
            let found = value(name).filter(|v| !v.is_empty());
            match (found, default) {
                (Some(v), _) => out.push_str(&v),
                (None, Some(d)) => out.push_str(d),
                (None, None) => return Err(format!("${{{name}}} is not in the env file")),
            }
        } else {
            let len = rest
                .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                .unwrap_or(rest.len());
            let name = &rest[..len];
            out.push_str(&value(name).ok_or(format!("${name} is not in the env file"))?);
            rest = &rest[len..];
        }
    }
    out.push_str(rest);
    Ok(out)
}

/// Every variable a Compose file takes from the environment (`$$` is not one).
pub fn interpolated_names(text: &str) -> Vec<String> {
    let mut names = Vec::new();
    let mut rest = text;
    while let Some(at) = rest.find('$') {
        rest = &rest[at + 1..];
        if let Some(after) = rest.strip_prefix('$') {
            rest = after;
            continue;
        }
        let body = rest.strip_prefix('{').unwrap_or(rest);
        let len = body
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
            .unwrap_or(body.len());
        if len > 0 {
            names.push(body[..len].to_owned());
        }
        rest = &body[len..];
    }
    names
}

/// `NAME=value` lines of an env file, each with whether a comment line stands right above it.
pub fn env_file(text: &str) -> Vec<(String, String, bool)> {
    let mut entries = Vec::new();
    let mut commented = false;
    for line in text.lines() {
        let line = line.trim();
        if line.starts_with('#') {
            commented = true;
            continue;
        }
        if let Some((name, value)) = line.split_once('=') {
            entries.push((name.trim().to_owned(), value.trim().to_owned(), commented));
        }
        commented = false;
    }
    entries
}
