//! The principal: who a request acts for. The rules' own type, in `motcua-core`.

pub use motcua_core::principal::{LoginKind, Principal};
use motcua_core::procedure::Role;

/// The roles among `names` that the engine knows; the others grant nothing.
pub fn known_roles(names: &[String]) -> Vec<Role> {
    names.iter().filter_map(|n| Role::from_name(n)).collect()
}
