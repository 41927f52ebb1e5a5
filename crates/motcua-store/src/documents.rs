//! Documents (the citizen's store) and the documents of dossiers.

use crate::{records, DbError};
use chrono::{DateTime, Utc};
use motcua_core::dossier::DocumentKind;
pub use motcua_service::store::documents::{
    Attachment, Document, DossierDocument, DossierResult, NewDocument,
};
use sqlx::{PgConnection, PgExecutor};
use uuid::Uuid;

/// A row of [`Document`], as read.
#[derive(sqlx::FromRow)]
pub(crate) struct DocumentRow {
    id: Uuid,
    owner_pin: String,
    #[sqlx(try_from = "String")]
    kind: DocumentKind,
    file_name: String,
    content_type: String,
    size: i64,
    sha256: String,
    storage_key: String,
    issuer: Option<String>,
    result_code: Option<String>,
    created_at: DateTime<Utc>,
    erased_at: Option<DateTime<Utc>>,
}

impl From<DocumentRow> for Document {
    fn from(r: DocumentRow) -> Self {
        Document {
            id: r.id,
            owner_pin: r.owner_pin,
            kind: r.kind,
            file_name: r.file_name,
            content_type: r.content_type,
            size: r.size,
            sha256: r.sha256,
            storage_key: r.storage_key,
            issuer: r.issuer,
            result_code: r.result_code,
            created_at: r.created_at,
            erased_at: r.erased_at,
        }
    }
}

/// A row of [`DossierDocument`], as read.
#[derive(sqlx::FromRow)]
pub(crate) struct DossierDocumentRow {
    requirement: String,
    document_id: Option<Uuid>,
    source: String,
    digitised: bool,
    reused: bool,
    from_store: bool,
    replaces_result_code: Option<String>,
    added_by_kind: String,
    added_at: DateTime<Utc>,
    file_name: Option<String>,
    content_type: Option<String>,
    size: Option<i64>,
    sha256: Option<String>,
}

impl From<DossierDocumentRow> for DossierDocument {
    fn from(r: DossierDocumentRow) -> Self {
        DossierDocument {
            requirement: r.requirement,
            document_id: r.document_id,
            source: r.source,
            digitised: r.digitised,
            reused: r.reused,
            from_store: r.from_store,
            replaces_result_code: r.replaces_result_code,
            added_by_kind: r.added_by_kind,
            added_at: r.added_at,
            file_name: r.file_name,
            content_type: r.content_type,
            size: r.size,
            sha256: r.sha256,
        }
    }
}

const DOCUMENT_COLUMNS: &str = "id, owner_pin, kind, file_name, content_type, size, sha256, \
    storage_key, issuer, result_code, created_at, erased_at";

pub async fn insert(conn: &mut PgConnection, doc: NewDocument<'_>) -> Result<Document, DbError> {
    Ok(sqlx::query_as::<_, DocumentRow>(&format!(
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
    .await?
    .into())
}

pub async fn find(executor: impl PgExecutor<'_>, id: Uuid) -> Result<Option<Document>, DbError> {
    Ok(sqlx::query_as::<_, DocumentRow>(&format!(
        "select {DOCUMENT_COLUMNS} from document where id = $1"
    ))
    .bind(id)
    .fetch_optional(executor)
    .await?
    .map(Into::into))
}

/// The citizen's store, newest first; `before` pages by (created_at, id).
pub async fn list_for_owner(
    executor: impl PgExecutor<'_>,
    owner_pin: &str,
    before: Option<(DateTime<Utc>, Uuid)>,
    limit: i64,
) -> Result<Vec<Document>, DbError> {
    Ok(sqlx::query_as::<_, DocumentRow>(&format!(
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
    .await
    .map(records)?)
}

/// Removes a document nothing refers to any more (a replaced or removed draft upload).
/// Answers whether it was removed.
pub async fn delete_if_unreferenced(conn: &mut PgConnection, id: Uuid) -> Result<bool, DbError> {
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
) -> Result<Vec<String>, DbError> {
    Ok(sqlx::query_scalar(
        "select k from unnest($1::text[]) as k
         where not exists (select 1 from document d where d.storage_key = k)",
    )
    .bind(keys)
    .fetch_all(executor)
    .await?)
}

pub async fn list_for_dossier(
    executor: impl PgExecutor<'_>,
    dossier_id: Uuid,
) -> Result<Vec<DossierDocument>, DbError> {
    Ok(sqlx::query_as::<_, DossierDocumentRow>(
        "select dd.requirement, dd.document_id, dd.source, dd.digitised, dd.reused,
                dd.from_store, dd.replaces_result_code, dd.added_by_kind, dd.added_at,
                d.file_name, d.content_type, d.size, d.sha256
         from dossier_document dd left join document d on d.id = dd.document_id
         where dd.dossier_id = $1 order by dd.requirement",
    )
    .bind(dossier_id)
    .fetch_all(executor)
    .await
    .map(records)?)
}

/// Sets the document of a requirement, replacing any earlier one, whose document id is
/// returned so that the caller can remove it when nothing else refers to it.
pub async fn attach(conn: &mut PgConnection, a: Attachment<'_>) -> Result<Option<Uuid>, DbError> {
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
) -> Result<Option<Option<Uuid>>, DbError> {
    let removed = remove_requirement(&mut *conn, dossier_id, requirement).await?;
    if removed.is_some() {
        touch_dossier(conn, dossier_id).await?;
    }
    Ok(removed)
}

/// A new version of the dossier's row when its documents change: a submission checks
/// that the draft it read is still the row's version (`submissions::record`), documents
/// included.
async fn touch_dossier(conn: &mut PgConnection, dossier_id: Uuid) -> Result<(), DbError> {
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
) -> Result<Option<Option<Uuid>>, DbError> {
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
) -> Result<Vec<Uuid>, DbError> {
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
) -> Result<(), DbError> {
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

#[derive(sqlx::FromRow)]
struct VerificationRow {
    id: String,
    document_id: Uuid,
    dossier_id: Uuid,
    kind: String,
    issuer: String,
    issued_at: DateTime<Utc>,
    sha256: String,
    holder_initials: String,
    holder_birth_year: Option<i32>,
    revoked_at: Option<DateTime<Utc>>,
    revoked_reason: Option<String>,
}

pub async fn verification(
    conn: &mut PgConnection,
    id: &str,
) -> Result<Option<motcua_service::store::documents::Verification>, DbError> {
    let row: Option<VerificationRow> = sqlx::query_as(
        "select id, document_id, dossier_id, kind, issuer, issued_at, sha256, holder_initials, \
         holder_birth_year, revoked_at, revoked_reason from result_verification where id = $1",
    )
    .bind(id)
    .fetch_optional(conn)
    .await?;
    Ok(row.map(|r| motcua_service::store::documents::Verification {
        issued: motcua_service::store::documents::NewVerification {
            id: r.id,
            document_id: r.document_id,
            dossier_id: r.dossier_id,
            kind: r.kind,
            issuer: r.issuer,
            issued_at: r.issued_at,
            sha256: r.sha256,
            holder_initials: r.holder_initials,
            holder_birth_year: r.holder_birth_year,
        },
        revoked_at: r.revoked_at,
        revoked_reason: r.revoked_reason,
    }))
}

pub async fn revoke_verification(
    conn: &mut PgConnection,
    id: &str,
    at: DateTime<Utc>,
    reason: &str,
) -> Result<bool, DbError> {
    let done = sqlx::query(
        "update result_verification set revoked_at = $2, revoked_reason = $3 \
         where id = $1 and revoked_at is null",
    )
    .bind(id)
    .bind(at)
    .bind(reason)
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

pub async fn record_verification_check(
    conn: &mut PgConnection,
    verification_id: &str,
    at: DateTime<Utc>,
    address: &str,
    via: &str,
    outcome: &str,
) -> Result<(), DbError> {
    sqlx::query(
        "insert into verification_check (verification_id, at, address, via, outcome) \
         values ($1, $2, $3, $4, $5)",
    )
    .bind(verification_id)
    .bind(at)
    .bind(address)
    .bind(via)
    .bind(outcome)
    .execute(conn)
    .await?;
    Ok(())
}

pub async fn record_verification(
    conn: &mut PgConnection,
    v: &motcua_service::store::documents::NewVerification,
) -> Result<(), DbError> {
    sqlx::query(
        "insert into result_verification (id, document_id, dossier_id, kind, issuer, issued_at, \
         sha256, holder_initials, holder_birth_year) values ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
    )
    .bind(&v.id)
    .bind(v.document_id)
    .bind(v.dossier_id)
    .bind(&v.kind)
    .bind(&v.issuer)
    .bind(v.issued_at)
    .bind(&v.sha256)
    .bind(&v.holder_initials)
    .bind(v.holder_birth_year)
    .execute(conn)
    .await?;
    Ok(())
}

#[derive(sqlx::FromRow)]
struct ResultRow {
    document_id: Uuid,
    file_name: String,
    result_code: Option<String>,
    published_at: Option<chrono::DateTime<chrono::Utc>>,
}

/// The dossier's results, oldest first.
pub async fn results(
    conn: &mut PgConnection,
    dossier_id: Uuid,
) -> Result<Vec<DossierResult>, DbError> {
    let rows: Vec<ResultRow> = sqlx::query_as(
        "select r.document_id, d.file_name, d.result_code, r.published_at
           from dossier_result r join document d on d.id = r.document_id
          where r.dossier_id = $1 order by d.created_at, d.id",
    )
    .bind(dossier_id)
    .fetch_all(conn)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| DossierResult {
            document_id: r.document_id,
            file_name: r.file_name,
            result_code: r.result_code,
            published_at: r.published_at,
        })
        .collect())
}

/// Whether an electronic result is attached to the dossier.
pub async fn has_result(conn: &mut PgConnection, dossier_id: Uuid) -> Result<bool, DbError> {
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
) -> Result<Vec<Uuid>, DbError> {
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
) -> Result<bool, DbError> {
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
) -> Result<bool, DbError> {
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
