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
/// `motcua procedures check --national`: every procedure of `dir` against the national
/// catalogue DVCQG answers now; fails when one's national code is not listed (its dossiers
/// would be refused there), or when the catalogue cannot be read.
pub async fn national_check_command(config: &crate::config::Config, dir: &Path) -> ExitCode {
    let Some(dvcqg) = &config.dvcqg else {
        eprintln!(
            "the national catalogue is read from DVCQG: set DVCQG_URL, DVCQG_LOGIN_URL, \
             DVCQG_USERNAME, DVCQG_PASSWORD and DVCQG_AGENCY_CODE"
        );
        return ExitCode::FAILURE;
    };
    // The files first: their problems, as `check` prints them.
    let Ok(procedures) = load(dir) else {
        return check_command(dir);
    };
    let client = match motcua_dvcqg::HttpDvcqg::new(dvcqg.client.clone()) {
        Ok(client) => client,
        Err(e) => {
            eprintln!("the DVCQG client cannot be set up: {e}");
            return ExitCode::FAILURE;
        }
    };
    let compared = match motcua_service::national_catalogue::compare(&procedures, &client).await {
        Ok(compared) => compared,
        Err(e) => {
            eprintln!("the national catalogue cannot be read from DVCQG: {e}");
            return ExitCode::FAILURE;
        }
    };
    let mut unlisted = 0;
    for p in &compared {
        match &p.national_name {
            Some(name) => println!(
                "national  {} v{}: {} {name}",
                p.code, p.version, p.national_code
            ),
            None => {
                unlisted += 1;
                println!(
                    "missing   {} v{}: national code {} is not in the national catalogue",
                    p.code, p.version, p.national_code
                );
            }
        }
    }
    if unlisted == 0 {
        println!("every procedure has a national code in the catalogue");
        ExitCode::SUCCESS
    } else {
        eprintln!("{unlisted} procedure(s) without a national code in the catalogue");
        ExitCode::FAILURE
    }
}

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
