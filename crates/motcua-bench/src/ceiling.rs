//! The ceiling beside each figure: `pgbench` running a scenario's own statements (the
//! scripts in `crates/motcua-bench/pgbench/`) against the same database, on the same machine, in the same
//! run. What the engine reaches is printed as a ratio to it: the part of the machine's noise
//! both share cancels out, and what is left is what the engine's code costs.

use super::cpu::CpuTimes;
use anyhow::{bail, Context, Result};
use std::path::PathBuf;
use std::process::Command;
use std::time::Duration;

/// What pgbench measured.
#[derive(Debug, Clone)]
pub struct Ceiling {
    pub per_second: f64,
    pub latency_average_ms: f64,
    pub transactions: u64,
    pub failed: u64,
    /// Where the machine's CPU went during the run, per transaction ([`CpuTimes`]).
    pub cpu: String,
}

/// A pgbench run: `script` with `clients` connections for `duration`, each client's
/// variables defined by `defines` (and `clients` itself, for scripts that spread their work).
pub struct Run<'a> {
    pub name: &'a str,
    pub script: &'a str,
    pub clients: usize,
    pub duration: Duration,
    pub defines: Vec<(&'a str, String)>,
}

/// pgbench of the newest PostgreSQL installed (Debian keeps it beside the server binaries).
fn pgbench_binary() -> Result<PathBuf> {
    if let Ok(output) = Command::new("pg_config").arg("--bindir").output() {
        let dir = String::from_utf8_lossy(&output.stdout).trim().to_owned();
        let candidate = PathBuf::from(dir).join("pgbench");
        if candidate.exists() {
            return Ok(candidate);
        }
    }
    let mut found: Vec<PathBuf> = std::fs::read_dir("/usr/lib/postgresql")
        .context("PostgreSQL is not installed (/usr/lib/postgresql)")?
        .filter_map(|entry| entry.ok())
        .map(|entry| entry.path().join("bin/pgbench"))
        .filter(|path| path.exists())
        .collect();
    found.sort_by_key(|path| {
        path.components()
            .nth(3)
            .and_then(|c| c.as_os_str().to_str()?.parse::<u32>().ok())
    });
    found
        .pop()
        .context("pgbench is missing: install Debian's postgresql package")
}

impl Run<'_> {
    pub fn measure(&self, database_url: &str) -> Result<Ceiling> {
        let file = std::env::temp_dir().join(format!(
            "motcua-ceiling-{}-{}.sql",
            self.name,
            std::process::id()
        ));
        std::fs::write(&file, self.script)?;
        let mut command = Command::new(pgbench_binary()?);
        command
            .args(["--no-vacuum", "--protocol=prepared", "--jobs=2"])
            .arg(format!("--client={}", self.clients))
            .arg(format!("--time={}", self.duration.as_secs().max(1)))
            .arg(format!("--define=clients={}", self.clients))
            .arg("--define=k=0")
            .arg(format!("--file={}", file.display()));
        for (name, value) in &self.defines {
            command.arg(format!("--define={name}={value}"));
        }
        let before = CpuTimes::now(0);
        let output = command
            .arg(database_url)
            .output()
            .context("cannot run pgbench")?;
        let _ = std::fs::remove_file(&file);
        let stdout = String::from_utf8_lossy(&output.stdout);
        if !output.status.success() {
            bail!(
                "pgbench failed: {}\n{stdout}",
                String::from_utf8_lossy(&output.stderr)
            );
        }
        let number_after = |label: &str| -> Option<f64> {
            let line = stdout.lines().find(|line| line.starts_with(label))?;
            line[label.len()..].split_whitespace().next()?.parse().ok()
        };
        let transactions =
            number_after("number of transactions actually processed: ").unwrap_or(0.0) as u64;
        Ok(Ceiling {
            per_second: number_after("tps = ").context("pgbench printed no tps")?,
            latency_average_ms: number_after("latency average = ").unwrap_or(f64::NAN),
            transactions,
            failed: number_after("number of failed transactions: ").unwrap_or(0.0) as u64,
            cpu: before.per_operation(&CpuTimes::now(0), transactions),
        })
    }
}

impl Ceiling {
    pub fn summary(&self) -> String {
        format!(
            "{:.0}/s ({} transactions, {} failed), latency average {:.2} ms",
            self.per_second, self.transactions, self.failed, self.latency_average_ms
        )
    }
}
