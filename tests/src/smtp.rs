//! A real SMTP server for the notification tests: aiosmtpd from PyPI (installed on first use
//! in a virtualenv of its own, as schemathesis is) running `tests/smtp_mailbox.py`, which
//! writes each message it takes, decoded, as a JSON line to a mailbox file. It can be
//! stopped and started again on the same port (an SMTP server down for a while).

use crate::engine::tempdir::TempDir;
use serde::Deserialize;
use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};

const AIOSMTPD_VERSION: &str = "1.4.6";

/// One message the server took.
#[derive(Debug, Clone, Deserialize)]
pub struct Mail {
    pub from: String,
    pub to: Vec<String>,
    pub subject: String,
    pub message_id: String,
    pub body: String,
    pub at: chrono::DateTime<chrono::Utc>,
}

pub struct SmtpServer {
    pub port: u16,
    python: PathBuf,
    mailbox: PathBuf,
    child: Option<Child>,
    _dir: TempDir,
}

impl SmtpServer {
    /// Installs aiosmtpd if needed and starts it on a free port.
    pub async fn start() -> SmtpServer {
        let venv = tokio::task::spawn_blocking(|| {
            crate::python_tool::install("aiosmtpd", AIOSMTPD_VERSION)
        })
        .await
        .unwrap();
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let dir = TempDir::new();
        let mut server = SmtpServer {
            port,
            python: venv.join("bin").join("python"),
            mailbox: dir.0.join("mailbox.jsonl"),
            child: None,
            _dir: dir,
        };
        server.resume().await;
        server
    }

    /// `SMTP_URL` for an engine.
    pub fn url(&self) -> String {
        format!("smtp://127.0.0.1:{}", self.port)
    }

    /// Stops the server: connections are refused until [`SmtpServer::resume`].
    pub fn stop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }

    /// Starts it again on the same port, keeping the mailbox.
    pub async fn resume(&mut self) {
        let script = crate::workspace_root()
            .join("tests")
            .join("smtp_mailbox.py");
        let mut child = Command::new(&self.python)
            .arg(script)
            .arg(self.port.to_string())
            .arg(&self.mailbox)
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("cannot start the test SMTP server");
        let stdout = child.stdout.take().unwrap();
        let ready = tokio::task::spawn_blocking(move || {
            let mut line = String::new();
            let _ = BufReader::new(stdout).read_line(&mut line);
            line
        })
        .await
        .unwrap();
        assert_eq!(ready.trim(), "ready", "the test SMTP server did not start");
        self.child = Some(child);
    }

    /// Every message taken so far, in order.
    pub fn mails(&self) -> Vec<Mail> {
        std::fs::read_to_string(&self.mailbox)
            .unwrap_or_default()
            .lines()
            .map(|l| serde_json::from_str(l).expect("a mailbox line"))
            .collect()
    }
}

impl Drop for SmtpServer {
    fn drop(&mut self) {
        self.stop();
    }
}
