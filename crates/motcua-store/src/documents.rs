//! Documents (the citizen's store) and the documents of dossiers.

use crate::StoreError;
use chrono::{DateTime, Utc};
use motcua_core::dossier::DocumentKind;
use sqlx::{PgConnection, PgExecutor};
use uuid::Uuid;

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Document {
    pub id: Uuid,
    pub owner_pin: String,
    #[sqlx(try_from = "String")]
    pub kind: DocumentKind,
    pub file_name: String,
    pub content_type: String,
    pub size: i64,
    pub sha256: String,
    pub storage_key: String,
    pub issuer: Option<String>,
    pub result_code: Option<String>,
    pub created_at: DateTime<Utc>,
    /// When retention erased it (`crate::retention`): its name and owner are gone, and its
    /// bytes are or will soon be.
    pub erased_at: Option<DateTime<Utc>>,
}

const DOCUMENT_COLUMNS: &str = "id, owner_pin, kind, file_name, content_type, size, sha256, \
    storage_key, issuer, result_code, created_at, erased_at";

pub struct NewDocument<'a> {
    pub id: Uuid,
    pub owner_pin: &'a str,
    pub kind: DocumentKind,
    pub file_name: &'a str,
    pub content_type: &'a str,
    pub size: i64,
    pub sha256: &'a str,
    pub storage_key: &'a str,
    pub issuer: Option<&'a str>,
    pub result_code: Option<&'a str>,
}

pub async fn insert(conn: &mut PgConnection, doc: NewDocument<'_>) -> Result<Document, StoreError> {
    Ok(sqlx::query_as(&format!(
        "insert into document (id, owner_pin, kind, file_name, content_type, size, sha256,
                               storage_key, issuer, result_code)
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) returning {DOCUMENT_COLUMNS}"
    ))
    .bind(doc.id)
    .bind(doc.owner_pin)
    .bind(doc.kind.as_str())
    .bind(doc.file_name)
    .bind(doc.content_type)
    .bind(doc.size)
    .bind(doc.sha256)
    .bind(doc.storage_key)
    .bind(doc.issuer)
    .bind(doc.result_code)
    .fetch_one(conn)
    .await?)
}

pub async fn find(executor: impl PgExecutor<'_>, id: Uuid) -> Result<Option<Document>, StoreError> {
    Ok(sqlx::query_as(&format!(
        "select {DOCUMENT_COLUMNS} from document where id = $1"
    ))
    .bind(id)
    .fetch_optional(executor)
    .await?)
}

/// The citizen's store, newest first; `before` pages by (created_at, id).
pub async fn list_for_owner(
    executor: impl PgExecutor<'_>,
    owner_pin: &str,
    before: Option<(DateTime<Utc>, Uuid)>,
    limit: i64,
) -> Result<Vec<Document>, StoreError> {
    Ok(sqlx::query_as(&format!(
        "select {DOCUMENT_COLUMNS} from document
         where owner_pin = $1 and ($2::timestamptz is null or (created_at, id) < ($2, $3))
           and (kind <> 'result' or exists (select 1 from dossier_result r
                                            where r.document_id = document.id
                                              and r.published_at is not null))
         order by created_at desc, id desc limit $4"
    ))
    .bind(owner_pin)
    .bind(before.map(|b| b.0))
    .bind(before.map(|b| b.1))
    .bind(limit)
    .fetch_all(executor)
    .await?)
}

/// Removes a document nothing refers to any more (a replaced or removed draft upload).
/// Answers whether it was removed.
pub async fn delete_if_unreferenced(conn: &mut PgConnection, id: Uuid) -> Result<bool, StoreError> {
    let removed = sqlx::query(
        "delete from document d where d.id = $1 and d.kind = 'upload'
           and not exists (select 1 from dossier_document dd where dd.document_id = d.id)
           and not exists (select 1 from dossier_result r where r.document_id = d.id)",
    )
    .bind(id)
    .execute(conn)
    .await?
    .rows_affected();
    Ok(removed == 1)
}

/// Which of `keys` no document row holds: objects a failed request left behind.
pub async fn unknown_storage_keys(
    executor: impl PgExecutor<'_>,
    keys: &[String],
) -> Result<Vec<String>, StoreError> {
    Ok(sqlx::query_scalar(
        "select k from unnest($1::text[]) as k
         where not exists (select 1 from document d where d.storage_key = k)",
    )
    .bind(keys)
    .fetch_all(executor)
    .await?)
}

/// One document of a dossier, with the stored file when it was digitised.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct DossierDocument {
    pub requirement: String,
    pub document_id: Option<Uuid>,
    pub source: String,
    pub digitised: bool,
    pub reused: bool,
    pub from_store: bool,
    pub replaces_result_code: Option<String>,
    pub added_by_kind: String,
    pub added_at: DateTime<Utc>,
    pub file_name: Option<String>,
    pub content_type: Option<String>,
    pub size: Option<i64>,
    pub sha256: Option<String>,
}

pub async fn list_for_dossier(
    executor: impl PgExecutor<'_>,
    dossier_id: Uuid,
) -> Result<Vec<DossierDocument>, StoreError> {
    Ok(sqlx::query_as(
        "select dd.requirement, dd.document_id, dd.source, dd.digitised, dd.reused,
                dd.from_store, dd.replaces_result_code, dd.added_by_kind, dd.added_at,
                d.file_name, d.content_type, d.size, d.sha256
         from dossier_document dd left join document d on d.id = dd.document_id
         where dd.dossier_id = $1 order by dd.requirement",
    )
    .bind(dossier_id)
    .fetch_all(executor)
    .await?)
}

pub struct Attachment<'a> {
    pub dossier_id: Uuid,
    pub requirement: &'a str,
    pub document_id: Option<Uuid>,
    pub source: &'a str,
    pub reused: bool,
    pub from_store: bool,
    pub replaces_result_code: Option<&'a str>,
    pub added_by_kind: &'a str,
    pub added_by: &'a str,
}

/// Sets the document of a requirement, replacing any earlier one, whose document id is
/// returned so that the caller can remove it when nothing else refers to it.
pub async fn attach(
    conn: &mut PgConnection,
    a: Attachment<'_>,
) -> Result<Option<Uuid>, StoreError> {
    let previous = remove_requirement(&mut *conn, a.dossier_id, a.requirement).await?;
    touch_dossier(&mut *conn, a.dossier_id).await?;
    sqlx::query(
        "insert into dossier_document (dossier_id, requirement, document_id, source, digitised,
                                       reused, from_store, replaces_result_code, added_by_kind,
                                       added_by)
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
    )
    .bind(a.dossier_id)
    .bind(a.requirement)
    .bind(a.document_id)
    .bind(a.source)
    .bind(a.document_id.is_some())
    .bind(a.reused)
    .bind(a.from_store)
    .bind(a.replaces_result_code)
    .bind(a.added_by_kind)
    .bind(a.added_by)
    .execute(conn)
    .await?;
    Ok(previous.flatten())
}

/// Removes the document of a requirement. `None`: there was none; `Some(doc)`: there was
/// one (`doc` is `None` for a paper-only record).
pub async fn detach(
    conn: &mut PgConnection,
    dossier_id: Uuid,
    requirement: &str,
) -> Result<Option<Option<Uuid>>, StoreError> {
    let removed = remove_requirement(&mut *conn, dossier_id, requirement).await?;
    if removed.is_some() {
        touch_dossier(conn, dossier_id).await?;
    }
    Ok(removed)
}

/// A new version of the dossier's row when its documents change: a submission checks
/// that the draft it read is still the row's version (`submissions::record`), documents
/// included.
async fn touch_dossier(conn: &mut PgConnection, dossier_id: Uuid) -> Result<(), StoreError> {
    sqlx::query("update dossier set updated_at = now() where id = $1")
        .bind(dossier_id)
        .execute(conn)
        .await?;
    Ok(())
}

async fn remove_requirement(
    conn: &mut PgConnection,
    dossier_id: Uuid,
    requirement: &str,
) -> Result<Option<Option<Uuid>>, StoreError> {
    Ok(sqlx::query_scalar(
        "delete from dossier_document where dossier_id = $1 and requirement = $2
         returning document_id",
    )
    .bind(dossier_id)
    .bind(requirement)
    .fetch_optional(conn)
    .await?)
}

/// The dossiers of `agency` that hold `document_id` (for staff access to a file).
pub async fn dossiers_of_agency_holding(
    executor: impl PgExecutor<'_>,
    document_id: Uuid,
    agency: &str,
) -> Result<Vec<Uuid>, StoreError> {
    Ok(sqlx::query_scalar(
        "select distinct x.dossier_id from (
             select dossier_id from dossier_document where document_id = $1
             union select dossier_id from dossier_result where document_id = $1) x
         join dossier d on d.id = x.dossier_id
         where d.agency_id = $2",
    )
    .bind(document_id)
    .bind(agency)
    .fetch_all(executor)
    .await?)
}

pub async fn record_result(
    conn: &mut PgConnection,
    dossier_id: Uuid,
    document_id: Uuid,
    issued_by: &str,
) -> Result<(), StoreError> {
    sqlx::query(
        "insert into dossier_result (dossier_id, document_id, issued_by) values ($1, $2, $3)",
    )
    .bind(dossier_id)
    .bind(document_id)
    .bind(issued_by)
    .execute(conn)
    .await?;
    Ok(())
}

/// Whether an electronic result is attached to the dossier.
pub async fn has_result(conn: &mut PgConnection, dossier_id: Uuid) -> Result<bool, StoreError> {
    Ok(
        sqlx::query_scalar("select exists (select 1 from dossier_result where dossier_id = $1)")
            .bind(dossier_id)
            .fetch_one(conn)
            .await?,
    )
}

/// The dossier's results go into the citizen's store (issued). Answers their documents.
pub async fn publish_results(
    conn: &mut PgConnection,
    dossier_id: Uuid,
    at: DateTime<Utc>,
) -> Result<Vec<Uuid>, StoreError> {
    Ok(sqlx::query_scalar(
        "update dossier_result set published_at = $2
         where dossier_id = $1 and published_at is null returning document_id",
    )
    .bind(dossier_id)
    .bind(at)
    .fetch_all(conn)
    .await?)
}

/// Whether a result document has been issued to its owner (only issued results are reused).
pub async fn is_published_result(
    executor: impl PgExecutor<'_>,
    document_id: Uuid,
) -> Result<bool, StoreError> {
    Ok(sqlx::query_scalar(
        "select exists (select 1 from dossier_result
                        where document_id = $1 and published_at is not null)",
    )
    .bind(document_id)
    .fetch_one(executor)
    .await?)
}

/// Whether the citizen holds an issued electronic result of a dossier of `procedure_code`.
pub async fn holds_result_of(
    executor: impl PgExecutor<'_>,
    owner_pin: &str,
    procedure_code: &str,
) -> Result<bool, StoreError> {
    Ok(sqlx::query_scalar(
        "select exists (
             select 1 from dossier_result r
             join dossier d on d.id = r.dossier_id
             join document doc on doc.id = r.document_id
             where doc.owner_pin = $1 and d.procedure_code = $2 and r.published_at is not null)",
    )
    .bind(owner_pin)
    .bind(procedure_code)
    .fetch_one(executor)
    .await?)
}
