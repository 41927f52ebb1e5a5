//! Commands the tests run (the `motcua` binary, PostgreSQL's tools, rclone, Python tools) and
//! what they printed.

use std::process::{Command, Output};

/// What a finished command printed: its stdout, then its stderr.
pub fn printed(output: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}

/// Runs `command`, panicking with what it printed unless it succeeds.
pub fn run(command: &mut Command) -> Output {
    let output = command
        .output()
        .unwrap_or_else(|e| panic!("cannot run {command:?}: {e}"));
    assert!(
        output.status.success(),
        "{command:?} failed:\n{}",
        printed(&output)
    );
    output
}

/// `motcua ARGS` with `env` only: whether it succeeded, and everything it printed.
pub fn motcua(args: &[&str], env: &[(&str, &str)]) -> (bool, String) {
    let output = Command::new(crate::engine::motcua_binary())
        .args(args)
        .env_clear()
        .envs(env.iter().copied())
        .output()
        .unwrap();
    (output.status.success(), printed(&output))
}
