//! The principal: who a request acts for, as the rules see them.

use crate::pin::Pin;
use crate::procedure::Role;
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
        /// Số định danh cá nhân.
        pin: Pin,
        name: String,
        /// VNeID assurance level, 1 or 2 (mức độ 1 / 2).
        assurance_level: u8,
    },
    Staff {
        subject: String,
        name: String,
        /// The workflow roles they hold; role names the engine does not know grant nothing
        /// and are not kept.
        roles: Vec<Role>,
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
            Principal::Citizen { pin, .. } => pin.as_str(),
            Principal::Staff { subject, .. } => subject,
        }
    }

    pub fn name(&self) -> &str {
        match self {
            Principal::Citizen { name, .. } | Principal::Staff { name, .. } => name,
        }
    }

    pub fn is_staff(&self) -> bool {
        matches!(self, Principal::Staff { .. })
    }

    /// The agency a member of staff works for; `None` for a citizen.
    pub fn agency(&self) -> Option<&str> {
        match self {
            Principal::Citizen { .. } => None,
            Principal::Staff { agency, .. } => Some(agency),
        }
    }

    /// Whether the principal acts in `role`: a citizen only as the citizen.
    pub fn holds(&self, role: Role) -> bool {
        match self {
            Principal::Citizen { .. } => role == Role::Citizen,
            Principal::Staff { roles, .. } => roles.contains(&role),
        }
    }

    /// The names of the roles held (none for a citizen), as tokens and logs write them.
    pub fn role_names(&self) -> Vec<&'static str> {
        match self {
            Principal::Citizen { .. } => Vec::new(),
            Principal::Staff { roles, .. } => roles.iter().map(|r| r.as_str()).collect(),
        }
    }

    /// Key under which idempotency keys and similar per-caller records are kept.
    pub fn scope_key(&self) -> String {
        format!("{}:{}", self.kind().as_str(), self.subject())
    }
}
