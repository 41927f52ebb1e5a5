//! Whether the engine can serve (readiness): the database and the document storage answer,
//! procedures are loaded. The register is reported too, from its last calls, but does not
//! make the engine unready: without it only new drafts wait, and taking every process out
//! of the balancer would stop everything else as well.

use crate::Services;

/// What each dependency of the engine answered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Health {
    pub database: bool,
    pub storage: bool,
    pub procedures: bool,
    pub register: bool,
}

impl Health {
    /// The engine can serve: everything but the register answers.
    pub fn ready(&self) -> bool {
        self.database && self.procedures && self.storage
    }

    /// `ready`, `degraded` (ready, without the register) or `not_ready`.
    pub fn status(&self) -> &'static str {
        match (self.ready(), self.register) {
            (true, true) => "ready",
            (true, false) => "degraded",
            (false, _) => "not_ready",
        }
    }
}

/// Asks the database and the document storage, and reads the rest from memory.
pub async fn health(services: &Services) -> Health {
    let database = services.store.ping().await;
    let procedures = !services.catalog.is_empty();
    let storage = services.files.check().await.is_ok();
    let register = services.register.answering();
    Health {
        database,
        storage,
        procedures,
        register,
    }
}
