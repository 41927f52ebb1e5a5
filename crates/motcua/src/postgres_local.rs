//! A private PostgreSQL cluster from the machine's binaries, for `motcua dev` and the tests.
//!
//! The cluster listens only on a Unix socket inside its own data directory, so it never
//! collides with another PostgreSQL on the machine and needs no free port. PostgreSQL
//! refuses to run as root; when we are root the cluster is run as the `postgres` system
//! user that Debian's package creates.

use anyhow::{bail, Context, Result};
use std::path::{Path, PathBuf};
use std::process::Command;

/// The port only names the socket file (`.s.PGSQL.5432`); no TCP port is opened.
const SOCKET_PORT: u16 = 5432;

pub struct LocalCluster {
    data_dir: PathBuf,
    bin_dir: PathBuf,
    run_as_postgres: bool,
}

const INSTALL_HINT: &str = "PostgreSQL's server binaries (initdb, pg_ctl) were not found. \
Install them with `sudo apt-get install postgresql` (Debian/Ubuntu), or set DATABASE_URL \
to a PostgreSQL server you already run.";

/// Where `initdb` and `pg_ctl` are: `pg_config --bindir`, else the newest
/// `/usr/lib/postgresql/*/bin`.
pub fn find_bin_dir() -> Result<PathBuf> {
    if let Ok(out) = Command::new("pg_config").arg("--bindir").output() {
        let dir = PathBuf::from(String::from_utf8_lossy(&out.stdout).trim());
        if out.status.success() && dir.join("initdb").exists() && dir.join("pg_ctl").exists() {
            return Ok(dir);
        }
    }
    let mut candidates: Vec<PathBuf> = std::fs::read_dir("/usr/lib/postgresql")
        .into_iter()
        .flatten()
        .flatten()
        .map(|e| e.path().join("bin"))
        .filter(|d| d.join("initdb").exists() && d.join("pg_ctl").exists())
        .collect();
    candidates.sort_by_key(|d| {
        d.parent()
            .and_then(|v| v.file_name())
            .and_then(|v| v.to_str())
            .and_then(|v| v.parse::<u32>().ok())
            .unwrap_or(0)
    });
    candidates.pop().context(INSTALL_HINT)
}

fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
        .unwrap_or(false)
}

impl LocalCluster {
    /// Initialises the cluster under `data_dir` if needed and starts it if it is not
    /// running. Returns once it accepts connections.
    pub fn start(data_dir: &Path) -> Result<LocalCluster> {
        LocalCluster::start_with(data_dir, &[])
    }

    /// [`LocalCluster::start`], with server settings (`name=value`, e.g.
    /// `shared_buffers=4GB`) given to a server it starts: a benchmark's tuning.
    pub fn start_with(data_dir: &Path, settings: &[String]) -> Result<LocalCluster> {
        let plain = |part: &str| {
            !part.is_empty()
                && part
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || "_.".contains(c))
        };
        for setting in settings {
            match setting.split_once('=') {
                Some((name, value)) if plain(name) && plain(value) => {}
                _ => bail!(
                    "a PostgreSQL setting is name=value in letters, digits, _ and .: {setting:?}"
                ),
            }
        }
        let bin_dir = find_bin_dir()?;
        std::fs::create_dir_all(data_dir)
            .with_context(|| format!("cannot create {}", data_dir.display()))?;
        let data_dir = data_dir
            .canonicalize()
            .with_context(|| format!("cannot resolve {}", data_dir.display()))?;
        let socket = data_dir.join(format!(".s.PGSQL.{SOCKET_PORT}"));
        if socket.as_os_str().len() > 100 {
            bail!(
                "the path {} is too long for a Unix socket; use a shorter MOTCUA_DATA_DIR",
                socket.display()
            );
        }
        let cluster = LocalCluster {
            data_dir,
            bin_dir,
            run_as_postgres: is_root(),
        };
        // A running cluster's files are its server's already; `chown -R` over them would race
        // with the server creating and removing files (a test process starting beside
        // another failed on a `pg_internal.init` removed mid-walk).
        if cluster.run_as_postgres && !cluster.is_running() {
            cluster.give_to_postgres_user()?;
        }
        if !cluster.data_dir.join("PG_VERSION").exists() {
            cluster.run(
                "initdb",
                &[
                    "-D",
                    &cluster.dir_str(),
                    "-A",
                    "trust",
                    "-U",
                    "postgres",
                    "-E",
                    "UTF8",
                    "--no-locale",
                ],
            )?;
        }
        if !cluster.is_running() {
            let log = cluster.data_dir.join("server.log");
            let mut options = format!(
                "-c listen_addresses='' -k '{}' -p {SOCKET_PORT} -c max_connections=200",
                cluster.dir_str()
            );
            for setting in settings {
                options.push_str(&format!(" -c {setting}"));
            }
            cluster.run(
                "pg_ctl",
                &[
                    "-D",
                    &cluster.dir_str(),
                    "-l",
                    &log.to_string_lossy(),
                    "-o",
                    &options,
                    "-w",
                    "-t",
                    "60",
                    "start",
                ],
            )?;
        }
        Ok(cluster)
    }

    fn dir_str(&self) -> String {
        self.data_dir.to_string_lossy().into_owned()
    }

    fn is_running(&self) -> bool {
        self.command("pg_ctl", &["-D", &self.dir_str(), "status"])
            .output()
            .map(|o| o.status.success())
            .unwrap_or(false)
    }

    fn command(&self, program: &str, args: &[&str]) -> Command {
        let program = self.bin_dir.join(program);
        if self.run_as_postgres {
            let mut c = Command::new("runuser");
            c.args(["-u", "postgres", "--"]).arg(program).args(args);
            c
        } else {
            let mut c = Command::new(program);
            c.args(args);
            c
        }
    }

    fn run(&self, program: &str, args: &[&str]) -> Result<()> {
        let mut command = self.command(program, args);
        // The server gets its own process group: a Ctrl-C in the terminal reaches motcua,
        // which then stops the cluster in order, and not PostgreSQL behind its back.
        std::os::unix::process::CommandExt::process_group(&mut command, 0);
        let out = command
            .output()
            .with_context(|| format!("cannot run {program}"))?;
        if !out.status.success() {
            bail!(
                "{program} failed: {}{}",
                String::from_utf8_lossy(&out.stdout),
                String::from_utf8_lossy(&out.stderr)
            );
        }
        Ok(())
    }

    /// As root, the data directory must belong to `postgres`, and every folder above it
    /// must let that user through.
    fn give_to_postgres_user(&self) -> Result<()> {
        let dir = self.data_dir.display();
        let succeeds = |program: &str, args: &[&str]| -> Result<bool> {
            Ok(Command::new(program)
                .args(args)
                .arg(&self.data_dir)
                .status()
                .with_context(|| format!("cannot run {program}"))?
                .success())
        };
        if !succeeds("chown", &["-R", "postgres:postgres"])? {
            bail!(
                "running as root, but cannot give {dir} to the postgres user (is the postgresql package installed?)"
            );
        }
        if !succeeds("runuser", &["-u", "postgres", "--", "test", "-w"])? {
            bail!(
                "running as root: the postgres user cannot reach {dir}; use a MOTCUA_DATA_DIR whose parent folders others may enter"
            );
        }
        Ok(())
    }

    /// The URL of `database` on this cluster (over its socket).
    pub fn database_url(&self, database: &str) -> String {
        format!(
            "postgres://postgres@localhost/{database}?host={}&port={SOCKET_PORT}",
            self.dir_str()
        )
    }

    /// Creates `database` unless it exists.
    pub async fn ensure_database(&self, database: &str) -> Result<()> {
        use sqlx::Connection;
        let mut conn = sqlx::PgConnection::connect(&self.database_url("postgres"))
            .await
            .context("cannot connect to the private PostgreSQL cluster")?;
        let exists: Option<(i32,)> = sqlx::query_as("select 1 from pg_database where datname = $1")
            .bind(database)
            .fetch_optional(&mut conn)
            .await?;
        if exists.is_none() {
            // Identifiers cannot be bound; the name is ours, quoted anyway.
            sqlx::query(&format!(
                "create database \"{}\"",
                database.replace('"', "")
            ))
            .execute(&mut conn)
            .await?;
        }
        Ok(())
    }

    /// Stops the cluster (fast shutdown: sessions are ended, data is safe).
    pub fn stop(&self) -> Result<()> {
        self.run(
            "pg_ctl",
            &["-D", &self.dir_str(), "-m", "fast", "-w", "stop"],
        )
    }
}
