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

#[async_trait]
pub trait StaffRecords {
    /// Records a login: the member's agency and roles as the identity provider said.
    async fn record_staff_login(
        &mut self,
        username: &str,
        agency: &str,
        roles: &[&str],
        at: DateTime<Utc>,
    ) -> Result<(), StoreError>;
    async fn staff_member(&mut self, username: &str) -> Result<Option<StaffMember>, StoreError>;
}
