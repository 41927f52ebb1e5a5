//! A retention run: every finished dossier past its procedure's retention is anonymised,
//! the files handed in with it are erased from storage, and idempotency answers older than
//! their replay window are forgotten. `motcua retention run` and the engine's periodic task
//! both call [`run`]; runs in several processes at once share the work (locked rows are
//! skipped), and a run that stops half-way is finished by the next one.
//!
//! The retention that applies is the one of the procedure's current version: a retention
//! period comes from the agency's retention schedule, which applies to the records it holds
//! today, whatever version they were filed under.

use crate::catalog::Catalog;
use crate::store::{Store, StoreError};
use chrono::{DateTime, TimeDelta, Utc};
use motcua_files::FileStore;
use serde::Serialize;
use serde_json::json;

/// How long a client may replay a request with its `Idempotency-Key`. The stored answers
/// hold dossiers' contents, so they are not kept for longer than a retry can need.
pub const IDEMPOTENCY_WINDOW: TimeDelta = TimeDelta::days(7);

/// Dossiers anonymised per transaction: small enough to keep locks short.
const BATCH: i64 = 200;

/// What a run did (or, for a dry run, would do).
#[derive(Debug, Default, Clone, Serialize, PartialEq, Eq)]
pub struct RetentionReport {
    pub dossiers_anonymised: u64,
    pub documents_erased: u64,
    pub objects_removed: u64,
    /// Erased documents' objects still in storage after the run (storage refused or was
    /// down); the next run tries them again.
    pub objects_left: u64,
    pub idempotency_keys_forgotten: u64,
    /// Procedures with finished dossiers that no loaded procedure file covers: their
    /// retention is unknown, so they are left as they are.
    pub unknown_procedures: Vec<String>,
}

/// Runs retention as of `now`.
pub async fn run(
    store: &dyn Store,
    files: &dyn FileStore,
    catalog: &Catalog,
    now: DateTime<Utc>,
) -> Result<RetentionReport, StoreError> {
    let mut report = RetentionReport::default();
    for procedure in catalog.current_all() {
        let rule = &procedure.spec().retention;
        let Some(closed_by) = rule.closed_by(now) else {
            continue;
        };
        let detail = json!({
            "retention": { "amount": rule.amount, "unit": rule.unit_name() },
            "closed_by": closed_by,
        });
        loop {
            let mut tx = store.begin().await?;
            let ids = tx.lock_expired(procedure.code(), closed_by, BATCH).await?;
            if ids.is_empty() {
                break;
            }
            let done = tx.anonymise(&ids, now, &detail).await?;
            tx.commit().await?;
            report.dossiers_anonymised += done.dossiers;
            report.documents_erased += done.documents;
        }
    }
    remove_objects(store, files, now, &mut report).await?;
    let mut db = store.session().await?;
    report.objects_left = db.count_objects_to_remove().await?;
    report.idempotency_keys_forgotten = db.forget_idempotency_keys(IDEMPOTENCY_WINDOW).await?;
    report.unknown_procedures = db.unknown_procedures(&known_codes(catalog)).await?;
    if !report.unknown_procedures.is_empty() {
        tracing::warn!(
            procedures = ?report.unknown_procedures,
            "finished dossiers of procedures without a loaded file keep their data: \
             their retention is unknown"
        );
    }
    Ok(report)
}

/// Removes the objects of erased documents. An object is marked removed only after storage
/// confirmed it; the first refusal ends this part of the run (storage is likely down), and
/// the next run starts again from what is left.
async fn remove_objects(
    store: &dyn Store,
    files: &dyn FileStore,
    now: DateTime<Utc>,
    report: &mut RetentionReport,
) -> Result<(), StoreError> {
    loop {
        let batch = store.session().await?.objects_to_remove(BATCH).await?;
        let full = batch.len() as i64 == BATCH;
        for (id, key) in &batch {
            if let Err(e) = files.delete(key).await {
                tracing::warn!(
                    document = %id,
                    error.message = %e,
                    "an erased document's object could not be removed; the next run retries"
                );
                return Ok(());
            }
            store.session().await?.mark_object_removed(*id, now).await?;
            report.objects_removed += 1;
        }
        if !full {
            return Ok(());
        }
    }
}

/// What a run as of `now` would anonymise, per procedure, without changing anything.
pub async fn preview(
    store: &dyn Store,
    catalog: &Catalog,
    now: DateTime<Utc>,
) -> Result<Vec<(String, i64)>, StoreError> {
    let mut due = Vec::new();
    let mut db = store.session().await?;
    for procedure in catalog.current_all() {
        if let Some(closed_by) = procedure.spec().retention.closed_by(now) {
            let count = db.count_expired(procedure.code(), closed_by).await?;
            due.push((procedure.code().to_owned(), count));
        }
    }
    Ok(due)
}

fn known_codes(catalog: &Catalog) -> Vec<String> {
    catalog
        .current_all()
        .iter()
        .map(|p| p.code().to_owned())
        .collect()
}
