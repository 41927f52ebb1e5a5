//! The principal: who a request acts for.

use serde::{Deserialize, Serialize};

/// Which population a login is for (`/v1/auth/login?kind=`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LoginKind {
    Citizen,
    Staff,
}

impl LoginKind {
    pub fn as_str(self) -> &'static str {
        match self {
            LoginKind::Citizen => "citizen",
            LoginKind::Staff => "staff",
        }
    }
}

/// A citizen (công dân) identified by their personal identification number, or a member of
/// staff (cán bộ) with roles in one agency.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Principal {
    Citizen {
        /// Số định danh cá nhân, already checked for shape.
        pin: String,
        name: String,
        /// VNeID assurance level, 1 or 2 (mức độ 1 / 2).
        assurance_level: u8,
    },
    Staff {
        subject: String,
        name: String,
        roles: Vec<String>,
        agency: String,
    },
}

impl Principal {
    pub fn kind(&self) -> LoginKind {
        match self {
            Principal::Citizen { .. } => LoginKind::Citizen,
            Principal::Staff { .. } => LoginKind::Staff,
        }
    }

    /// The subject: the PIN of a citizen, the username of staff.
    pub fn subject(&self) -> &str {
        match self {
            Principal::Citizen { pin, .. } => pin,
            Principal::Staff { subject, .. } => subject,
        }
    }

    pub fn name(&self) -> &str {
        match self {
            Principal::Citizen { name, .. } | Principal::Staff { name, .. } => name,
        }
    }

    /// Key under which idempotency keys and similar per-caller records are kept.
    pub fn scope_key(&self) -> String {
        format!("{}:{}", self.kind().as_str(), self.subject())
    }
}
