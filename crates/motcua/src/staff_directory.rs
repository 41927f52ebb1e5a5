//! The staff directory (`MOTCUA_STAFF_DIRECTORY`): a JSON file listing an agency's staff,
//! `[{"username", "agency", "roles": [...]}]`, loaded at start so that a supervisor can hand
//! dossiers to staff who have not logged in yet. Without it the engine knows its staff from
//! their logins only.

use anyhow::{bail, Context, Result};
use chrono::{DateTime, Utc};
use motcua_core::procedure::Role;
use motcua_store::staff::DirectoryEntry;
use serde_json::Value;
use std::collections::BTreeSet;
use std::path::Path;

/// The roles a directory may give: every workflow role but the citizen's.
const STAFF_ROLES: [Role; 4] = [
    Role::DeskClerk,
    Role::Specialist,
    Role::Approver,
    Role::Supervisor,
];

/// A username as `POST /v1/dossiers/{id}/assign` takes it.
fn is_username(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 128
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || "._-@".contains(c))
}

/// The entries of a directory file's text, or every problem found, each naming the entry by
/// its JSON pointer.
pub fn parse(json: &str) -> Result<Vec<DirectoryEntry>, Vec<String>> {
    let value: Value =
        serde_json::from_str(json).map_err(|e| vec![format!("not valid JSON: {e}")])?;
    let Value::Array(items) = value else {
        return Err(vec![
            "must be a JSON array of {\"username\", \"agency\", \"roles\"}".into(),
        ]);
    };
    let mut problems = Vec::new();
    let mut entries = Vec::new();
    let mut seen = BTreeSet::new();
    for (i, item) in items.iter().enumerate() {
        let at = format!("/{i}");
        let Value::Object(fields) = item else {
            problems.push(format!("{at}: must be an object"));
            continue;
        };
        for key in fields.keys() {
            if !["username", "agency", "roles"].contains(&key.as_str()) {
                problems.push(format!("{at}/{key}: unknown field"));
            }
        }
        let text = |key: &str| fields.get(key).and_then(Value::as_str).map(str::trim);
        let username = text("username").unwrap_or_default();
        if !is_username(username) {
            problems.push(format!(
                "{at}/username: a username of 1 to 128 letters, digits, '.', '_', '-' or '@'"
            ));
        } else if !seen.insert(username.to_owned()) {
            problems.push(format!("{at}/username: {username} is listed twice"));
        }
        let agency = text("agency").unwrap_or_default();
        if agency.is_empty() {
            problems.push(format!("{at}/agency: the agency's identifier is required"));
        }
        let mut roles = Vec::new();
        match fields.get("roles").and_then(Value::as_array) {
            Some(listed) if !listed.is_empty() => {
                for (j, role) in listed.iter().enumerate() {
                    let name = role.as_str().unwrap_or_default();
                    if STAFF_ROLES.iter().any(|r| r.as_str() == name) {
                        roles.push(name.to_owned());
                    } else {
                        let known: Vec<&str> = STAFF_ROLES.iter().map(|r| r.as_str()).collect();
                        problems.push(format!(
                            "{at}/roles/{j}: {role} is not one of {}",
                            known.join(", ")
                        ));
                    }
                }
            }
            _ => problems.push(format!("{at}/roles: a non-empty list of roles is required")),
        }
        entries.push(DirectoryEntry {
            username: username.to_owned(),
            agency: agency.to_owned(),
            roles,
        });
    }
    if problems.is_empty() {
        Ok(entries)
    } else {
        Err(problems)
    }
}

/// Reads the directory at `path` and writes it to the database as of `at`. A directory that
/// cannot be read or has any problem stops the start: the operator asked for it.
pub async fn load(pool: &sqlx::PgPool, path: &Path, at: DateTime<Utc>) -> Result<()> {
    let text = std::fs::read_to_string(path).with_context(|| {
        format!(
            "MOTCUA_STAFF_DIRECTORY: cannot read the staff directory {}",
            path.display()
        )
    })?;
    let entries = match parse(&text) {
        Ok(entries) => entries,
        Err(problems) => bail!(
            "MOTCUA_STAFF_DIRECTORY: the staff directory {} has problems:\n  {}",
            path.display(),
            problems.join("\n  ")
        ),
    };
    let written = motcua_store::staff::load_directory(pool, &entries, at)
        .await
        .context("cannot write the staff directory to the database")?;
    tracing::info!(
        path = %path.display(),
        listed = entries.len(),
        written,
        "staff directory loaded"
    );
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::parse;

    #[test]
    fn a_directory_lists_staff_with_their_agency_and_roles() {
        let entries = parse(
            r#"[{"username": "nguyen.van.a", "agency": "SGDDT-HN",
                 "roles": ["desk_clerk", "specialist"]}]"#,
        )
        .unwrap();
        assert_eq!(entries.len(), 1);
        assert_eq!(entries[0].username, "nguyen.van.a");
        assert_eq!(entries[0].agency, "SGDDT-HN");
        assert_eq!(entries[0].roles, ["desk_clerk", "specialist"]);
        assert_eq!(parse("[]").unwrap(), []);
    }

    #[test]
    fn every_problem_is_named_with_its_entry() {
        let problems = parse(
            r#"[{"username": "a", "agency": "X", "roles": ["citizen"]},
                {"username": "a", "agency": "", "roles": [], "name": "?"},
                {"username": "not a name", "agency": "X", "roles": ["approver"]},
                "b"]"#,
        )
        .unwrap_err();
        let expected = [
            "/0/roles/0: \"citizen\" is not one of desk_clerk, specialist, approver, supervisor",
            "/1/name: unknown field",
            "/1/username: a is listed twice",
            "/1/agency: the agency's identifier is required",
            "/1/roles: a non-empty list of roles is required",
            "/2/username: a username of 1 to 128 letters, digits, '.', '_', '-' or '@'",
            "/3: must be an object",
        ];
        assert_eq!(problems, expected);
        assert!(parse("{}").is_err());
        assert!(parse("not json").is_err());
    }
}
