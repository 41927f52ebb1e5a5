//! The transactional outbox: what the engine owes other systems, written in the unit of
//! work of the change that causes it and delivered afterwards by workers (`delivery`), so
//! that a change rolled back owes nothing and a change committed is never lost, and no
//! citizen or clerk waits for another system.
//!
//! A submitted dossier's changes are told to every target of [`Targets`] (DVCQG when it is
//! configured): the submission writes `dossier_created` in its one statement
//! (`store::submissions`); a workflow action writes `dossier_updated` then `step`; a change
//! of a submitted dossier's documents writes `dossier_updated`. The messages refer to the
//! dossier and the event; each target's deliverer builds its payload when it sends.

pub mod backoff;
pub mod delivery;
pub mod dvcqg;
pub mod operator;

use crate::store::outbox::NewMessage;
use crate::store::Session;
use crate::ServiceError;
use uuid::Uuid;

/// A new dossier (DVCQG: `DongBoHoSoMC` creating it).
pub const DOSSIER_CREATED: &str = "dossier_created";
/// A dossier as it is now (DVCQG: `DongBoHoSoMC` updating it).
pub const DOSSIER_UPDATED: &str = "dossier_updated";
/// A processing step, the event the message refers to (DVCQG: `CapNhatTienDoHoSoMC`).
pub const STEP: &str = "step";

/// The targets told of every change of a submitted dossier. Empty: nothing is written.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Targets(Vec<&'static str>);

impl Targets {
    pub fn new(targets: Vec<&'static str>) -> Self {
        Targets(targets)
    }

    pub fn as_slice(&self) -> &[&'static str] {
        &self.0
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

/// What changed in a submitted dossier.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Change {
    /// A workflow step (an action, an apology): the dossier, then the step.
    Step,
    /// Its documents or results: the dossier.
    Documents,
}

/// Writes, in `tx`, the messages telling every target of `targets` that the submitted
/// dossier `dossier_id` changed with event `event_id`.
pub async fn tell_dossier_changed(
    tx: &mut dyn Session,
    targets: &Targets,
    dossier_id: Uuid,
    event_id: i64,
    change: Change,
) -> Result<(), ServiceError> {
    if targets.is_empty() {
        return Ok(());
    }
    let mut messages = Vec::with_capacity(targets.0.len() * 2);
    for target in &targets.0 {
        let message = |kind| NewMessage {
            target,
            kind,
            dossier_id: Some(dossier_id),
            event_id: Some(event_id),
        };
        messages.push(message(DOSSIER_UPDATED));
        if change == Change::Step {
            messages.push(message(STEP));
        }
    }
    tx.enqueue(&messages).await?;
    Ok(())
}
