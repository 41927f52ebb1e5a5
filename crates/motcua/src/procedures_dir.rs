//! Reading the procedure files of a folder (core parses and checks them; this is the I/O).

use motcua_core::procedure::{Problem, Procedure};
use std::collections::HashMap;
use std::path::Path;
use std::process::ExitCode;

/// The meta-schema lives beside the procedures but is not one.
const META_SCHEMA_FILE: &str = "procedure.schema.json";

/// Every procedure of `dir`, or every problem found in any of them.
pub fn load(dir: &Path) -> Result<Vec<Procedure>, Vec<Problem>> {
    let problem = |source: String, message: String| Problem {
        source,
        pointer: String::new(),
        message,
    };
    let entries = match std::fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(e) => {
            return Err(vec![problem(
                dir.display().to_string(),
                format!("cannot read the folder: {e}"),
            )])
        }
    };
    let mut files: Vec<_> = entries
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .filter(|p| p.file_name().is_some_and(|n| n != META_SCHEMA_FILE))
        .collect();
    files.sort();
    let mut procedures = Vec::new();
    let mut problems = Vec::new();
    let mut seen: HashMap<(String, i32), String> = HashMap::new();
    for file in files {
        let source = file.display().to_string();
        let text = match std::fs::read_to_string(&file) {
            Ok(text) => text,
            Err(e) => {
                problems.push(problem(source, format!("cannot read: {e}")));
                continue;
            }
        };
        match Procedure::parse(&source, &text) {
            Ok(p) => {
                let key = (p.code().to_owned(), p.version());
                if let Some(other) = seen.insert(key, source.clone()) {
                    problems.push(Problem {
                        source,
                        pointer: "/version".into(),
                        message: format!(
                            "code {} version {} is also in {other}",
                            p.code(),
                            p.version()
                        ),
                    });
                } else {
                    procedures.push(p);
                }
            }
            Err(mut found) => problems.append(&mut found),
        }
    }
    if procedures.is_empty() && problems.is_empty() {
        problems.push(problem(
            dir.display().to_string(),
            "no procedure files (*.json) here".into(),
        ));
    }
    if problems.is_empty() {
        Ok(procedures)
    } else {
        Err(problems)
    }
}

/// `motcua procedures check [DIR]`.
pub fn check_command(dir: &Path) -> ExitCode {
    match load(dir) {
        Ok(procedures) => {
            for p in &procedures {
                println!("ok  {} v{}", p.code(), p.version());
            }
            println!("{} procedure(s) checked, no problems", procedures.len());
            ExitCode::SUCCESS
        }
        Err(problems) => {
            for p in &problems {
                println!("{p}");
            }
            eprintln!("{} problem(s) found", problems.len());
            ExitCode::FAILURE
        }
    }
}
