//! Loaded procedure versions. A published version never changes (docs/DOMAIN.md,
//! "Procedures").

use crate::{DbError, StoreError};
use serde_json::Value;
use sqlx::PgPool;

/// Records a loaded procedure version. Loading the same content again is a no-op; the same
/// code and version with different content is refused.
pub async fn record_version(
    pool: &PgPool,
    code: &str,
    version: i32,
    content: &Value,
) -> Result<(), DbError> {
    let stored: (Value,) = sqlx::query_as(
        "insert into procedure_version (code, version, content) values ($1, $2, $3)
         on conflict (code, version) do update set code = excluded.code
         returning content",
    )
    .bind(code)
    .bind(version)
    .bind(content)
    .fetch_one(pool)
    .await?;
    if &stored.0 != content {
        return Err(DbError(StoreError::ProcedureVersionChanged {
            code: code.to_owned(),
            version,
        }));
    }
    Ok(())
}

/// Every recorded version: (code, version, content).
pub async fn all_versions(pool: &PgPool) -> Result<Vec<(String, i32, Value)>, DbError> {
    Ok(sqlx::query_as(
        "select code, version, content from procedure_version order by code, version",
    )
    .fetch_all(pool)
    .await?)
}
