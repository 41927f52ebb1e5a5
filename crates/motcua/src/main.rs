//! The `motcua` binary: a thin shim over [`motcua::cli`].

use std::process::ExitCode;

#[tokio::main]
async fn main() -> ExitCode {
    motcua::cli::run().await
}
