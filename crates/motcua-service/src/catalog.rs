//! The loaded procedures, by code and version. Built once at start; a dossier is always
//! handled by the version it started with: the folder's files, and the earlier versions the
//! database recorded when they were published, for the dossiers filed under them.

use crate::store::{Store, StoreError};
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

    /// Adds the versions the database recorded (`procedure_version`, written when a version
    /// was first loaded) whose files have left the folder, so that the dossiers filed under
    /// them are still read and finished by them.
    ///
    /// A version published before procedures declared their retention gets the current
    /// version's: that is the one applied anyway (`crate::retention`). A recorded version that
    /// does not load any more is named in a warning; its dossiers answer 500 until its file
    /// is back in the folder. A recorded version need not carry the words a person reads
    /// (`Procedure::parse_recorded`): those published before procedures had them do not.
    pub async fn with_recorded_versions(mut self, store: &dyn Store) -> Result<Self, StoreError> {
        for (code, version, mut content) in store.procedure_versions().await? {
            if self.version(&code, version).is_some() {
                continue;
            }
            if let (Some(fields), Some(current)) = (content.as_object_mut(), self.current(&code)) {
                if !fields.contains_key("retention") {
                    fields.insert("retention".into(), current.raw()["retention"].clone());
                }
            }
            let source = format!("procedure {code} version {version} (recorded in the database)");
            match Procedure::parse_recorded(&source, &content.to_string()) {
                Ok(procedure) => {
                    self.earlier.insert((code, version), Arc::new(procedure));
                }
                Err(problems) => {
                    let problems: Vec<String> = problems.iter().map(ToString::to_string).collect();
                    tracing::warn!(
                        procedure = %code,
                        version,
                        problems = %problems.join("; "),
                        "an earlier procedure version no longer loads: put its file back in \
                         MOTCUA_PROCEDURES_DIR to handle the dossiers filed under it"
                    );
                }
            }
        }
        Ok(self)
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
