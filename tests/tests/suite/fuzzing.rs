//! A short, bounded run of every cargo-fuzz target (fuzz/, not a workspace member) with each
//! test run: the procedure loader, a draft's merge patch with form validation, the legal
//! calendar. A target that panics, overflows, breaks an invariant or hangs fails this test,
//! which names the input it wrote. `scripts/fuzz` is the longer run.
//!
//! The targets build into fuzz/target with the pinned stable toolchain: `RUSTC_BOOTSTRAP=1`
//! lets it take the `-Z` flags cargo-fuzz passes for sanitizers. cargo-fuzz is installed
//! when missing. `MOTCUA_FUZZ_SECONDS` sets the time per target (default 30; the three run
//! side by side); `MOTCUA_FUZZ_SECONDS=0` skips the run.

use std::path::{Path, PathBuf};
use std::process::{Child, Command};
use std::time::{Duration, Instant, SystemTime};

/// Each target, the seed folders it starts from (relative to the repository) and whether its
/// input is JSON text (then fuzz/json.dict helps the mutations).
const TARGETS: &[(&str, &[&str], bool)] = &[
    ("procedure_loader", &["procedures"], true),
    ("form_patch", &["fuzz/seeds/form_patch"], true),
    ("calendar", &["fuzz/seeds/calendar"], false),
];

/// No sanitizer: the engine forbids `unsafe`, so what the fuzzers look for is panics and
/// overflows (debug assertions on); without ASan the build is shorter and runs faster.
/// A dev build: the bounded run is mostly build time, and optimising the instrumented
/// dependencies (jsonschema, regex) costs minutes more than it gives back in 30 seconds.
const BUILD_FLAGS: &[&str] = &["--dev", "--sanitizer", "none", "--debug-assertions"];

const CARGO_FUZZ_VERSION: &str = "0.13.2";

fn repository() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("tests/ is in the repository")
        .to_path_buf()
}

fn cargo() -> Command {
    let mut command = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()));
    command
        .env("RUSTC_BOOTSTRAP", "1")
        .env(
            "CARGO_BUILD_JOBS",
            std::env::var("CARGO_BUILD_JOBS").unwrap_or_else(|_| "2".into()),
        )
        // The suite's own target dir must not receive the instrumented build.
        .env_remove("CARGO_TARGET_DIR")
        // cargo-fuzz's own backtrace says only that the fuzzer failed; the target's stays.
        .env("RUST_LIB_BACKTRACE", "0")
        .current_dir(repository().join("fuzz"));
    command
}

fn cargo_fuzz(args: &[&str]) -> Command {
    let mut command = cargo();
    command.arg("fuzz").args(args);
    command
}

fn ensure_cargo_fuzz() {
    let present = cargo_fuzz(&["--version"])
        .output()
        .is_ok_and(|o| o.status.success());
    if present {
        return;
    }
    eprintln!(
        "cargo-fuzz is missing: cargo install cargo-fuzz --version {CARGO_FUZZ_VERSION} --locked"
    );
    let installed = cargo()
        .args([
            "install",
            "cargo-fuzz",
            "--locked",
            "--version",
            CARGO_FUZZ_VERSION,
        ])
        .status()
        .is_ok_and(|s| s.success());
    assert!(
        installed,
        "could not install cargo-fuzz; install it with \
         `cargo install cargo-fuzz --version {CARGO_FUZZ_VERSION} --locked` and run again"
    );
}

/// What a failed run's log says: the panic and its message, libFuzzer's verdict, the input
/// it wrote, and the last lines (cargo-fuzz's own summary).
fn essentials(log: &str) -> String {
    let lines: Vec<&str> = log.lines().collect();
    let mut kept: Vec<&str> = Vec::new();
    for (i, line) in lines.iter().enumerate() {
        if line.contains("panicked at") {
            kept.extend(lines.iter().skip(i).take(3));
        } else if line.contains("ERROR: libFuzzer") || line.contains("Test unit written") {
            kept.push(line);
        }
    }
    kept.push("…");
    kept.extend(&lines[lines.len().saturating_sub(12)..]);
    kept.join("\n")
}

/// Files written into `dir` since `since`: the crash, timeout or out-of-memory inputs.
fn new_files(dir: &Path, since: SystemTime) -> Vec<PathBuf> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    entries
        .flatten()
        .filter(|e| {
            e.metadata()
                .and_then(|m| m.modified())
                .is_ok_and(|t| t >= since)
        })
        .map(|e| e.path())
        .collect()
}

#[test]
fn every_fuzz_target_survives_a_bounded_run() {
    let seconds: u64 = std::env::var("MOTCUA_FUZZ_SECONDS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(30);
    if seconds == 0 {
        eprintln!("MOTCUA_FUZZ_SECONDS=0: the fuzz targets are not run");
        return;
    }
    let repo = repository();
    ensure_cargo_fuzz();

    let started = Instant::now();
    let build = cargo_fuzz(&["build"])
        .args(BUILD_FLAGS)
        .output()
        .expect("cargo fuzz build starts");
    assert!(
        build.status.success(),
        "cargo fuzz build: {}\n{}",
        build.status,
        essentials(&String::from_utf8_lossy(&build.stderr))
    );
    let built_in = started.elapsed();

    let since = SystemTime::now() - Duration::from_secs(1);
    let scratch = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("fuzz-corpus");
    let logs = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("fuzz-logs");
    std::fs::create_dir_all(&logs).expect("a log folder");
    let runs: Vec<(&str, PathBuf, Child)> = TARGETS
        .iter()
        .map(|(target, seeds, json)| {
            // libFuzzer adds what it finds to the first folder only: the seeds stay as
            // committed.
            let corpus = scratch.join(target);
            std::fs::create_dir_all(&corpus).expect("a scratch corpus folder");
            let mut command = cargo_fuzz(&["run"]);
            command.args(BUILD_FLAGS).arg(target).arg(&corpus);
            for seed in *seeds {
                let seed = repo.join(seed);
                if seed.is_dir() {
                    command.arg(seed);
                }
            }
            command.arg("--").args([
                format!("-max_total_time={seconds}"),
                "-timeout=10".into(),
                "-rss_limit_mb=1024".into(),
                "-print_final_stats=1".into(),
            ]);
            if *json {
                command.arg(format!("-dict={}", repo.join("fuzz/json.dict").display()));
            }
            // To files, not pipes: the three run side by side, and a full pipe nobody reads
            // yet would stop a fuzzer mid-run.
            let log_path = logs.join(format!("{target}.log"));
            let log = std::fs::File::create(&log_path).expect("a log file");
            let child = command
                .stdout(log.try_clone().expect("the log file again"))
                .stderr(log)
                .spawn()
                .expect("cargo fuzz run starts");
            (*target, log_path, child)
        })
        .collect();

    let mut failures = Vec::new();
    for (target, log_path, mut child) in runs {
        let status = child.wait().expect("cargo fuzz run ends");
        let log = std::fs::read_to_string(&log_path).unwrap_or_default();
        let runs = log
            .lines()
            .find_map(|l| l.strip_prefix("stat::number_of_executed_units:"))
            .map(str::trim)
            .unwrap_or("?");
        eprintln!("{target}: {runs} inputs in {seconds} s");
        let written = new_files(&repo.join("fuzz/artifacts").join(target), since);
        if !status.success() || !written.is_empty() {
            failures.push(format!(
                "fuzz target {target}: {status} (whole log: {})\n{}\n\
                 inputs written: {written:?}\n\
                 replay one: cd fuzz && cargo fuzz run {} {target} <input>",
                log_path.display(),
                essentials(&log),
                BUILD_FLAGS.join(" ")
            ));
        }
    }
    eprintln!(
        "fuzz targets built in {} s, whole run {} s",
        built_in.as_secs(),
        started.elapsed().as_secs()
    );
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}
