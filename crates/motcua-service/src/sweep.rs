//! Removing objects that no document row holds: what an upload left when its database
//! write failed and the immediate clean-up failed too (the storage went away meanwhile).

use crate::store::Store;
use motcua_files::FileStore;
use std::time::Duration;
use uuid::Uuid;

/// Objects younger than this may belong to an upload still in flight.
pub const GRACE: Duration = Duration::from_secs(10 * 60);

/// Deletes the orphans under `dossiers/` older than `grace` and answers how many went.
pub async fn sweep_orphans(
    store: &dyn Store,
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
        let unknown = store.session().await?.unknown_storage_keys(chunk).await?;
        for key in unknown {
            files.delete(&key).await?;
            tracing::info!(storage_key = %key, "removed an orphan object");
            removed += 1;
        }
    }
    Ok(removed)
}
