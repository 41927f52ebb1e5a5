//! How citizens want to be told of their dossiers (`migrations/…_citizen_contact.sql`).

use super::StoreError;
use async_trait::async_trait;
use serde::{Deserialize, Serialize};

/// A citizen's contact: addresses and the channels chosen among them.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Contact {
    pub email: Option<String>,
    /// `+84…`.
    pub phone: Option<String>,
    /// `email`, `sms`: each needs its address.
    pub channels: Vec<String>,
}

#[async_trait]
pub trait ContactRecords {
    /// The contact of the citizen with this PIN, if they gave one.
    async fn contact(&mut self, citizen_pin: &str) -> Result<Option<Contact>, StoreError>;
    /// Sets it, replacing the one before.
    async fn save_contact(
        &mut self,
        citizen_pin: &str,
        contact: &Contact,
    ) -> Result<(), StoreError>;
}
