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
