//! The staff the engine knows: from their logins, or from the operator's directory.

use super::StoreError;
use async_trait::async_trait;
use chrono::{DateTime, Utc};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StaffMember {
    pub username: String,
    pub agency: String,
    pub roles: Vec<String>,
    /// `login` (seen at a login) or `directory` (from the operator's staff directory).
    pub source: String,
    pub first_seen: DateTime<Utc>,
    pub last_seen: DateTime<Utc>,
}

/// A staff member seen at a login: their agency and roles as the identity provider said.
#[derive(Debug, Clone, Copy)]
pub struct StaffLogin<'a> {
    pub username: &'a str,
    pub agency: &'a str,
    pub roles: &'a [&'a str],
    pub at: DateTime<Utc>,
}

#[async_trait]
pub trait StaffRecords {
    async fn record_staff_login(&mut self, login: StaffLogin<'_>) -> Result<(), StoreError>;
    async fn staff_member(&mut self, username: &str) -> Result<Option<StaffMember>, StoreError>;
}
