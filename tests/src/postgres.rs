//! One private PostgreSQL cluster for the whole test run, shared across test processes
//! (cargo test runs binaries one by one, nextest runs tests in parallel processes), and a
//! fresh database for every test.

use motcua::postgres_local::LocalCluster;
use std::path::PathBuf;
use std::sync::OnceLock;

static CLUSTER: OnceLock<LocalCluster> = OnceLock::new();
static SETTINGS: OnceLock<Vec<String>> = OnceLock::new();

/// Server settings (`name=value`) for the cluster this process starts: a benchmark's
/// tuning (`scripts/bench --postgres NAME=VALUE`). Call before the first database; a
/// cluster already running keeps its own.
pub fn configure_cluster(settings: Vec<String>) {
    let _ = SETTINGS.set(settings);
}

/// `MOTCUA_TEST_PG_DIR`, else a folder in the system's temp dir (short: socket paths are
/// limited to about 100 bytes).
fn cluster_dir() -> PathBuf {
    std::env::var_os("MOTCUA_TEST_PG_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| std::env::temp_dir().join("motcua-test-pg"))
}

fn cluster() -> &'static LocalCluster {
    CLUSTER.get_or_init(|| {
        let dir = cluster_dir();
        std::fs::create_dir_all(dir.parent().unwrap()).unwrap();
        // Processes that start at once must not initdb the same folder together.
        let lock_path = dir.with_extension("lock");
        let lock = std::fs::File::create(&lock_path).unwrap();
        lock.lock().unwrap();
        let settings = SETTINGS.get().map(Vec::as_slice).unwrap_or_default();
        let cluster = LocalCluster::start_with(&dir, settings)
            .unwrap_or_else(|e| panic!("cannot start the test PostgreSQL cluster: {e:#}"));
        lock.unlock().unwrap();
        cluster
    })
}

/// Creates an empty database with a unique name and returns its URL.
pub async fn fresh_database() -> String {
    let cluster = tokio::task::spawn_blocking(cluster).await.unwrap();
    let name = format!("t_{}", uuid::Uuid::new_v4().simple());
    cluster.ensure_database(&name).await.unwrap();
    cluster.database_url(&name)
}

/// A PostgreSQL cluster of one test's own, for a test that stops and starts it; stopped and
/// removed when dropped.
pub struct PrivateCluster {
    cluster: std::sync::Arc<LocalCluster>,
    dir: PathBuf,
}

impl PrivateCluster {
    pub async fn start() -> PrivateCluster {
        // Beside the run's shared cluster, so that scripts/with-test-postgres stops and
        // removes it even when the test dies; short, for the socket path's 100 bytes.
        let parent = cluster_dir()
            .parent()
            .map(PathBuf::from)
            .unwrap_or_else(std::env::temp_dir);
        let dir = parent.join(format!(
            "p-{}",
            &uuid::Uuid::new_v4().simple().to_string()[..8]
        ));
        let started = dir.clone();
        let cluster = tokio::task::spawn_blocking(move || LocalCluster::start(&started))
            .await
            .unwrap()
            .unwrap_or_else(|e| panic!("cannot start a private PostgreSQL cluster: {e:#}"));
        cluster.ensure_database("motcua").await.unwrap();
        PrivateCluster {
            cluster: std::sync::Arc::new(cluster),
            dir,
        }
    }

    pub fn database_url(&self) -> String {
        self.cluster.database_url("motcua")
    }

    /// A fast shutdown, as an operator's restart or a failover does: sessions are ended.
    pub async fn stop(&self) {
        let cluster = self.cluster.clone();
        tokio::task::spawn_blocking(move || cluster.stop())
            .await
            .unwrap()
            .unwrap();
    }

    /// Starts the stopped cluster again with its data.
    pub async fn start_again(&self) {
        let dir = self.dir.clone();
        tokio::task::spawn_blocking(move || LocalCluster::start(&dir).map(drop))
            .await
            .unwrap()
            .unwrap();
    }
}

impl Drop for PrivateCluster {
    fn drop(&mut self) {
        let _ = self.cluster.stop();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// A cluster of one test's own that listens on a loopback TCP port with TLS on (the server
/// certificate and key the test made), as a database on another machine would; stopped and
/// removed when dropped.
pub struct TlsCluster {
    dir: PathBuf,
    pub port: u16,
}

impl TlsCluster {
    /// Starts it with `cert` and `key` (PEM files) as the server's certificate and key, and
    /// a database `motcua`.
    pub async fn start(cert: &std::path::Path, key: &std::path::Path) -> TlsCluster {
        let parent = cluster_dir()
            .parent()
            .map(PathBuf::from)
            .unwrap_or_else(std::env::temp_dir);
        let dir = parent.join(format!(
            "t-{}",
            &uuid::Uuid::new_v4().simple().to_string()[..8]
        ));
        let port = {
            let listener = std::net::TcpListener::bind(("127.0.0.1", 0)).unwrap();
            listener.local_addr().unwrap().port()
        };
        let (cert, key) = (cert.to_owned(), key.to_owned());
        let started = dir.clone();
        tokio::task::spawn_blocking(move || {
            // initdb and a first start on the socket only, for the database; then again
            // with TCP and TLS, which LocalCluster does not offer.
            let cluster = LocalCluster::start(&started)
                .unwrap_or_else(|e| panic!("cannot start a private PostgreSQL cluster: {e:#}"));
            tokio::runtime::Runtime::new()
                .unwrap()
                .block_on(cluster.ensure_database("motcua"))
                .unwrap();
            cluster.stop().unwrap();
            let started = started.canonicalize().unwrap();
            std::fs::copy(&cert, started.join("server.crt")).unwrap();
            std::fs::copy(&key, started.join("server.key")).unwrap();
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(
                started.join("server.key"),
                std::fs::Permissions::from_mode(0o600),
            )
            .unwrap();
            if runs_as_postgres(&started) {
                for file in ["server.crt", "server.key"] {
                    crate::command::run(
                        std::process::Command::new("chown")
                            .arg("postgres:postgres")
                            .arg(started.join(file)),
                    );
                }
            }
            let mut pg_ctl = pg_ctl(&started);
            crate::command::run(pg_ctl.arg("-D").arg(&started).args([
                "-l",
                &started.join("server.log").to_string_lossy(),
                "-o",
                &format!(
                    "-c listen_addresses=127.0.0.1 -p {port} -k '{}' -c ssl=on \
                     -c ssl_cert_file=server.crt -c ssl_key_file=server.key",
                    started.display()
                ),
                "-w",
                "-t",
                "60",
                "start",
            ]));
        })
        .await
        .unwrap();
        TlsCluster { dir, port }
    }

    /// The server's log (why it refused a connection).
    pub fn log(&self) -> String {
        std::fs::read_to_string(self.dir.join("server.log")).unwrap_or_default()
    }

    /// The same cluster over its Unix socket (no TLS there): for the test's own checks.
    pub fn socket_url(&self) -> String {
        let dir = self.dir.canonicalize().unwrap_or_else(|_| self.dir.clone());
        format!(
            "postgres://postgres@localhost/motcua?host={}&port={}",
            dir.display(),
            self.port
        )
    }
}

impl Drop for TlsCluster {
    fn drop(&mut self) {
        let _ = pg_ctl(&self.dir)
            .arg("-D")
            .arg(&self.dir)
            .args(["-m", "immediate", "-w", "stop"])
            .output();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// Whether the cluster in `dir` belongs to another user than this process's (root runs
/// PostgreSQL as `postgres`, as LocalCluster does).
fn runs_as_postgres(dir: &std::path::Path) -> bool {
    use std::os::unix::fs::MetadataExt;
    let owner = std::fs::metadata(dir).map(|m| m.uid()).unwrap_or(0);
    let me = std::fs::metadata("/proc/self")
        .map(|m| m.uid())
        .unwrap_or(0);
    owner != me
}

/// `pg_ctl` for the cluster in `dir`, run as the cluster's owner.
fn pg_ctl(dir: &std::path::Path) -> std::process::Command {
    let program = motcua::postgres_local::find_bin_dir()
        .map(|bin| bin.join("pg_ctl"))
        .unwrap_or_else(|_| PathBuf::from("pg_ctl"));
    if runs_as_postgres(dir) {
        let mut command = std::process::Command::new("runuser");
        command.args(["-u", "postgres", "--"]).arg(program);
        command
    } else {
        std::process::Command::new(program)
    }
}
