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
//!
//! A dossier filed on the national portal and pushed to the engine (`national_intake`) is
//! told differently: DVCQG holds it already, so it gets no `dossier_created` or
//! `dossier_updated`, but a `national_status` (`DongBoTrangThaiHoSo`) when it enters the
//! flow and after each step.

pub mod backoff;
pub mod delivery;
pub mod dvcqg;
pub mod operator;
pub mod pace;
pub mod paygov;

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
/// The status after the event the message refers to, of a dossier filed on the national
/// portal (DVCQG: `DongBoTrangThaiHoSo`).
pub const NATIONAL_STATUS: &str = "national_status";

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
/// dossier `dossier_id` changed with event `event_id`. `filed_nationally`: the dossier was
/// filed on the national portal (it has a national code): DVCQG is told its status after a
/// step, and nothing of its documents.
pub async fn tell_dossier_changed(
    tx: &mut dyn Session,
    targets: &Targets,
    dossier_id: Uuid,
    event_id: i64,
    change: Change,
    filed_nationally: bool,
) -> Result<(), ServiceError> {
    if targets.is_empty() {
        return Ok(());
    }
    if filed_nationally {
        return tell_national_status(tx, targets, dossier_id, event_id, change).await;
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

/// The status after event `event_id` of dossier `dossier_id`, filed on the national portal,
/// for DVCQG if it is a target (a change of documents alone changes no status).
pub async fn tell_national_status(
    tx: &mut dyn Session,
    targets: &Targets,
    dossier_id: Uuid,
    event_id: i64,
    change: Change,
) -> Result<(), ServiceError> {
    if change != Change::Step || !targets.0.contains(&dvcqg::TARGET) {
        return Ok(());
    }
    tx.enqueue(&[NewMessage {
        target: dvcqg::TARGET,
        kind: NATIONAL_STATUS,
        dossier_id: Some(dossier_id),
        event_id: Some(event_id),
    }])
    .await?;
    Ok(())
}
