//! Command-line tools from PyPI that the suite runs (schemathesis, check-jsonschema): each a
//! pinned version in its own virtualenv under the target folder, made on first use with the
//! machine's `python3`, so the test command needs nothing but Python itself.

use crate::command::run;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// The target folder of this build (it may be moved by CARGO_TARGET_DIR).
pub fn target_dir() -> PathBuf {
    let exe = std::env::current_exe().unwrap();
    let mut dir = exe.parent().unwrap().to_path_buf();
    if dir.ends_with("deps") {
        dir.pop();
    }
    dir.pop();
    dir
}

/// The virtualenv holding `package` at `version` (whose command is also `package`),
/// installed unless it already is. Test processes that start at once take turns.
pub fn install(package: &str, version: &str) -> PathBuf {
    let venv = target_dir().join(format!("{package}-venv"));
    let exe = venv.join("bin").join(package);
    let lock = std::fs::File::create(target_dir().join(format!(".{package}-venv.lock"))).unwrap();
    lock.lock().unwrap();
    if installed_version(&exe).as_deref() != Some(version) {
        ensure_python_venv(package);
        if !venv.join("bin").join("pip").exists() {
            let _ = std::fs::remove_dir_all(&venv);
            run(Command::new("python3").args(["-m", "venv"]).arg(&venv));
        }
        eprintln!(
            "installing {package} {version} from PyPI into {}",
            venv.display()
        );
        run(Command::new(venv.join("bin").join("pip")).args([
            "install",
            "--quiet",
            "--disable-pip-version-check",
            &format!("{package}=={version}"),
        ]));
        assert_eq!(
            installed_version(&exe).as_deref(),
            Some(version),
            "pip installed {package} but {} does not report version {version}",
            exe.display()
        );
    }
    lock.unlock().unwrap();
    venv
}

/// The version a tool reports: "schemathesis, version 4.32.5" and the like.
fn installed_version(exe: &Path) -> Option<String> {
    let output = Command::new(exe).arg("--version").output().ok()?;
    let text = String::from_utf8_lossy(&output.stdout);
    Some(text.trim().rsplit(' ').next()?.to_owned())
}

/// python3 with its venv module (Debian splits it out as python3-venv): installed with
/// apt-get when running as root, as scripts/with-test-postgres does for PostgreSQL.
fn ensure_python_venv(package: &str) {
    let works = || {
        Command::new("python3")
            .args(["-c", "import venv, ensurepip"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|s| s.success())
    };
    if works() {
        return;
    }
    let root = Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| o.stdout.trim_ascii() == b"0");
    let apt = Command::new("apt-get")
        .arg("--version")
        .stdout(Stdio::null())
        .status()
        .is_ok();
    if root && apt {
        eprintln!("installing python3 and python3-venv from Debian's packages");
        run(Command::new("apt-get").args(["update", "-qq"]));
        run(Command::new("apt-get")
            .args(["install", "-y", "-qq", "python3", "python3-venv"])
            .env("DEBIAN_FRONTEND", "noninteractive"));
    }
    assert!(
        works(),
        "the tests run {package} from PyPI and need python3 with its venv module: \
         run 'sudo apt-get install python3 python3-venv' and try again"
    );
}

/// The virtualenv holding the library `package` at `version` (one with no command of its
/// own, e.g. pyHanko, run through `venv/bin/python`), installed unless it already is.
pub fn install_library(package: &str, version: &str) -> PathBuf {
    let venv = target_dir().join(format!("{package}-venv"));
    let python = venv.join("bin").join("python");
    let lock = std::fs::File::create(target_dir().join(format!(".{package}-venv.lock"))).unwrap();
    lock.lock().unwrap();
    let installed = || {
        Command::new(&python)
            .args([
                "-c",
                &format!("import importlib.metadata as m; print(m.version({package:?}))"),
            ])
            .output()
            .ok()
            .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_owned())
    };
    if installed().as_deref() != Some(version) {
        ensure_python_venv(package);
        if !venv.join("bin").join("pip").exists() {
            let _ = std::fs::remove_dir_all(&venv);
            run(Command::new("python3").args(["-m", "venv"]).arg(&venv));
        }
        eprintln!(
            "installing {package} {version} from PyPI into {}",
            venv.display()
        );
        run(Command::new(venv.join("bin").join("pip")).args([
            "install",
            "--quiet",
            "--disable-pip-version-check",
            &format!("{package}=={version}"),
        ]));
        assert_eq!(installed().as_deref(), Some(version));
    }
    lock.unlock().unwrap();
    venv
}
