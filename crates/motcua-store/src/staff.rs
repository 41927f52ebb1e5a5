//! The staff the engine knows (`staff_member`): written at each staff login and from the
//! staff directory, read when a supervisor hands a dossier to someone.

use crate::DbError;
use chrono::{DateTime, Utc};
pub use motcua_service::store::staff::{StaffLogin, StaffMember};
use sqlx::PgExecutor;

/// A row of [`StaffMember`], as read.
#[derive(sqlx::FromRow)]
pub(crate) struct StaffMemberRow {
    username: String,
    agency: String,
    roles: Vec<String>,
    source: String,
    first_seen: DateTime<Utc>,
    last_seen: DateTime<Utc>,
}

impl From<StaffMemberRow> for StaffMember {
    fn from(r: StaffMemberRow) -> Self {
        StaffMember {
            username: r.username,
            agency: r.agency,
            roles: r.roles,
            source: r.source,
            first_seen: r.first_seen,
            last_seen: r.last_seen,
        }
    }
}

/// Where a staff member's agency and roles were last written from.
pub const FROM_LOGIN: &str = "login";
pub const FROM_DIRECTORY: &str = "directory";

/// Records a staff login: the agency and roles of its claims, seen `at`. One statement.
pub async fn record_login(
    executor: impl PgExecutor<'_>,
    login: StaffLogin<'_>,
) -> Result<(), DbError> {
    sqlx::query(
        "insert into staff_member (username, agency, roles, source, first_seen, last_seen)
         values ($1, $2, $3, 'login', $4, $4)
         on conflict (username) do update
            set agency = excluded.agency, roles = excluded.roles, source = 'login',
                first_seen = least(staff_member.first_seen, excluded.first_seen),
                last_seen = greatest(staff_member.last_seen, excluded.last_seen)",
    )
    .bind(login.username)
    .bind(login.agency)
    .bind(login.roles)
    .bind(login.at)
    .execute(executor)
    .await?;
    Ok(())
}

/// One entry of the staff directory.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DirectoryEntry {
    pub username: String,
    pub agency: String,
    pub roles: Vec<String>,
}

/// Writes the staff directory as loaded `at`, in one statement: each entry is added, or
/// updated if the directory wrote it (what a login wrote is the provider's word and stays),
/// and the entries the directory wrote that it no longer lists are taken back. Returns how
/// many entries were added or changed. Usernames must be unique among `entries`.
pub async fn load_directory(
    executor: impl PgExecutor<'_>,
    entries: &[DirectoryEntry],
    at: DateTime<Utc>,
) -> Result<u64, DbError> {
    let usernames: Vec<&str> = entries.iter().map(|e| e.username.as_str()).collect();
    let agencies: Vec<&str> = entries.iter().map(|e| e.agency.as_str()).collect();
    // Roles travel as one comma-joined text each: PostgreSQL has no array of arrays of
    // different lengths to unnest. Role names have no commas.
    let roles: Vec<String> = entries.iter().map(|e| e.roles.join(",")).collect();
    let result = sqlx::query(
        "with gone as (
             delete from staff_member
             where source = 'directory' and not (username = any($1))
         )
         insert into staff_member (username, agency, roles, source, first_seen, last_seen)
         select u, a, case when r = '' then '{}'::text[] else string_to_array(r, ',') end,
                'directory', $4, $4
         from unnest($1::text[], $2::text[], $3::text[]) as e(u, a, r)
         on conflict (username) do update
            set agency = excluded.agency, roles = excluded.roles,
                last_seen = greatest(staff_member.last_seen, excluded.last_seen)
            where staff_member.source = 'directory'",
    )
    .bind(&usernames)
    .bind(&agencies)
    .bind(&roles)
    .bind(at)
    .execute(executor)
    .await?;
    Ok(result.rows_affected())
}

/// The staff member known by `username`, if any.
pub async fn find(
    executor: impl PgExecutor<'_>,
    username: &str,
) -> Result<Option<StaffMember>, DbError> {
    Ok(sqlx::query_as::<_, StaffMemberRow>(
        "select username, agency, roles, source, first_seen, last_seen
         from staff_member where username = $1",
    )
    .bind(username)
    .fetch_optional(executor)
    .await?
    .map(Into::into))
}
