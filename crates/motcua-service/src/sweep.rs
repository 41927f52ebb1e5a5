//! Removing objects that no document row holds: what an upload left when its database
//! write failed and the immediate clean-up failed too (the storage went away meanwhile).

use motcua_files::FileStore;
use sqlx::PgPool;
use std::time::Duration;
use uuid::Uuid;

/// Objects younger than this may belong to an upload still in flight.
pub const GRACE: Duration = Duration::from_secs(10 * 60);

/// Deletes the orphans under `dossiers/` older than `grace` and answers how many went.
pub async fn sweep_orphans(
    pool: &PgPool,
    files: &dyn FileStore,
    grace: Duration,
) -> anyhow::Result<usize> {
    let keys = files.list("dossiers/").await?;
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap_or_default();
    // Keys end in the document's UUIDv7, whose first 48 bits are its creation time.
    let old: Vec<String> = keys
        .into_iter()
        .filter(|key| {
            let created = key
                .rsplit('/')
                .next()
                .and_then(|id| Uuid::parse_str(id).ok())
                .and_then(|id| id.get_timestamp())
                .map(|t| {
                    let (secs, nanos) = t.to_unix();
                    Duration::new(secs, nanos)
                });
            created.is_some_and(|at| now.saturating_sub(at) > grace)
        })
        .collect();
    let mut removed = 0;
    for chunk in old.chunks(500) {
        for key in motcua_store::documents::unknown_storage_keys(pool, chunk).await? {
            files.delete(&key).await?;
            tracing::info!(storage_key = %key, "removed an orphan object");
            removed += 1;
        }
    }
    Ok(removed)
}
