//! The loaded procedures, by code and version. Built once at start; a dossier is always
//! handled by the version it started with.

use motcua_core::procedure::Procedure;
use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

#[derive(Default)]
pub struct Catalog {
    /// code → version → procedure; the last version is the current one.
    by_code: HashMap<String, BTreeMap<i32, Arc<Procedure>>>,
}

impl Catalog {
    pub fn new(procedures: Vec<Procedure>) -> Self {
        let mut by_code: HashMap<String, BTreeMap<i32, Arc<Procedure>>> = HashMap::new();
        for procedure in procedures {
            by_code
                .entry(procedure.code().to_owned())
                .or_default()
                .insert(procedure.version(), Arc::new(procedure));
        }
        Catalog { by_code }
    }

    /// The current (highest) version of a procedure.
    pub fn current(&self, code: &str) -> Option<&Arc<Procedure>> {
        self.by_code.get(code)?.values().next_back()
    }

    pub fn version(&self, code: &str, version: i32) -> Option<&Arc<Procedure>> {
        self.by_code.get(code)?.get(&version)
    }

    /// Every current version, ordered by code.
    pub fn current_all(&self) -> Vec<&Arc<Procedure>> {
        let mut all: Vec<_> = self
            .by_code
            .keys()
            .filter_map(|c| self.current(c))
            .collect();
        all.sort_by(|a, b| a.code().cmp(b.code()));
        all
    }

    pub fn is_empty(&self) -> bool {
        self.by_code.is_empty()
    }
}
