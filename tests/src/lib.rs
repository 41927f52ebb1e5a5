//! The black-box harness: a private PostgreSQL cluster shared by the run (one database per
//! test), motcua-sim's identity provider in-process, and the real `motcua` binary started as
//! a child process on a free port. Tests talk to it over HTTP only, as clients would.

pub mod accounts;
pub mod api;
pub mod command;
pub mod compose;
pub mod dossiers;
pub mod engine;
pub mod garage;
pub mod html_form;
pub mod load;
pub mod login;
pub mod postgres;
pub mod problem;
pub mod python_tool;
pub mod raw_http;
pub mod requests;
pub mod schemathesis;
pub mod smtp;
pub mod stoppable_register;
pub mod submissions;

pub use engine::{Engine, EngineOptions};
pub use login::{console_browser, login, login_answer, portal_browser, Session};

/// The secret the test engines sign access tokens with, so tests can forge and expire them.
pub const TEST_TOKEN_SECRET: &str = "motcua-test-secret-0123456789abcdef0123456789";

/// The bearer token the test engines serve `/metrics` with (`MOTCUA_METRICS_TOKEN`).
pub const TEST_METRICS_TOKEN: &str = "motcua-test-metrics-token-0123456789";
/// The bearer token DVCQG's adapter pushes dossiers with (`DVCQG_INBOUND_TOKEN`).
pub const TEST_DVCQG_INBOUND_TOKEN: &str = "test-dvcqg-inbound-token-0123456789abcdef";

/// The workspace root (for `procedures/`).
pub fn workspace_root() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_path_buf()
}

/// The workspace's procedures, copied into a folder removed when the answer is dropped,
/// with `file`'s JSON changed by `edit`: a procedure set for one test.
pub fn procedures_edited(
    file: &str,
    edit: impl FnOnce(&mut serde_json::Value),
) -> engine::tempdir::TempDir {
    let dir = engine::tempdir::TempDir::new();
    for entry in std::fs::read_dir(workspace_root().join("procedures")).unwrap() {
        let path = entry.unwrap().path();
        std::fs::copy(&path, dir.0.join(path.file_name().unwrap())).unwrap();
    }
    let path = dir.0.join(file);
    let mut spec = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    edit(&mut spec);
    std::fs::write(&path, serde_json::to_string(&spec).unwrap()).unwrap();
    dir
}

/// The SHA-256 of `bytes` in lowercase hex, as the engine reports a document's.
pub fn hex_sha256(bytes: &[u8]) -> String {
    use sha2::{Digest, Sha256};
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// A JPEG of `len` bytes as the engine's type check sees one: the JFIF signature, then
/// filler.
pub fn jpeg(len: usize) -> Vec<u8> {
    let mut bytes = vec![0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10, b'J', b'F', b'I', b'F'];
    bytes.resize(len, 0x42);
    bytes
}
