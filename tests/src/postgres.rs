//! One private PostgreSQL cluster for the whole test run, shared across test processes
//! (cargo test runs binaries one by one, nextest runs tests in parallel processes), and a
//! fresh database for every test.

use motcua::postgres_local::LocalCluster;
use std::path::PathBuf;
use std::sync::OnceLock;

static CLUSTER: OnceLock<LocalCluster> = OnceLock::new();

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
        let cluster = LocalCluster::start(&dir)
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
