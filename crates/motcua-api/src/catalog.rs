//! The loaded procedures, by code and version. Built once at start; a dossier is always
//! handled by the version it started with: the folder's files, and the earlier versions the
//! database recorded when they were published, for the dossiers filed under them.

use motcua_core::procedure::Procedure;
use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

#[derive(Default)]
pub struct Catalog {
    /// code → version → procedure, from the procedures folder; the last version is the
    /// current one.
    by_code: HashMap<String, BTreeMap<i32, Arc<Procedure>>>,
    /// Versions no longer in the folder, loaded from the database: they handle the dossiers
    /// filed under them, and are never offered for new ones.
    earlier: HashMap<(String, i32), Arc<Procedure>>,
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
        Catalog {
            by_code,
            earlier: HashMap::new(),
        }
    }

    /// Adds versions recorded in the database whose files left the folder. A version the
    /// folder has is not replaced.
    pub fn with_earlier(mut self, earlier: Vec<Procedure>) -> Self {
        for procedure in earlier {
            let key = (procedure.code().to_owned(), procedure.version());
            if self
                .by_code
                .get(&key.0)
                .is_some_and(|v| v.contains_key(&key.1))
            {
                continue;
            }
            self.earlier.insert(key, Arc::new(procedure));
        }
        self
    }

    /// The current (highest) version of a procedure.
    pub fn current(&self, code: &str) -> Option<&Arc<Procedure>> {
        self.by_code.get(code)?.values().next_back()
    }

    pub fn version(&self, code: &str, version: i32) -> Option<&Arc<Procedure>> {
        self.by_code
            .get(code)
            .and_then(|versions| versions.get(&version))
            .or_else(|| self.earlier.get(&(code.to_owned(), version)))
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
