//! The engine's workload as plain figures, read when the metrics are scraped: the database
//! pool, the dossiers by procedure and state, every agency's queues and the outbox. Each scrape reads
//! them again, so every process reports the same dossier counts.

use crate::{ServiceError, Services};

/// One queue's figures (open, unclaimed, overdue dossiers, the earliest step deadline).
pub use crate::store::queues::QueueFigures;

/// This process's database pool.
#[derive(Debug, Clone, Copy)]
pub struct Pool {
    /// Open connections.
    pub connections: u32,
    /// Of those, idle.
    pub idle: usize,
}

/// The dossiers of one procedure in one state.
#[derive(Debug, Clone)]
pub struct DossierCount {
    pub procedure: String,
    pub state: String,
    pub count: i64,
}

/// One agency's queue.
#[derive(Debug, Clone)]
pub struct AgencyQueue {
    pub agency: String,
    pub figures: QueueFigures,
}

/// One outbox target's messages (pending, the oldest pending's age, failing, dead).
pub use crate::store::outbox::TargetFigures;

/// Dossiers, queues and the outbox, as the database holds them now.
#[derive(Debug, Clone)]
pub struct Workload {
    pub dossiers: Vec<DossierCount>,
    pub queues: Vec<AgencyQueue>,
    pub outbox: Vec<TargetFigures>,
}

pub fn pool(services: &Services) -> Pool {
    let held = services.store.connections();
    Pool {
        connections: held.open,
        idle: held.idle,
    }
}

/// The dossiers by procedure and state, every agency's open queues, and the outbox's
/// targets (three statements).
pub async fn workload(services: &Services) -> Result<Workload, ServiceError> {
    let mut session = services.store.session().await?;
    let counts = session.count_by_procedure_and_state().await?;
    let dossiers = counts
        .into_iter()
        .map(|(procedure, state, count)| DossierCount {
            procedure,
            state,
            count,
        })
        .collect();
    let queues = session
        .all_queue_figures(services.clock.now())
        .await?
        .into_iter()
        .map(|(agency, figures)| AgencyQueue { agency, figures })
        .collect();
    let mut outbox = session.outbox_figures().await?;
    // A configured target with nothing waiting reads 0, not nothing: an alert on its
    // pending count must see the series.
    for target in services.outbox_targets.as_slice() {
        if !outbox.iter().any(|f| f.target == *target) {
            outbox.push(TargetFigures {
                target: (*target).to_owned(),
                pending: 0,
                oldest_pending_age_secs: 0.0,
                retrying: 0,
                dead: 0,
            });
        }
    }
    Ok(Workload {
        dossiers,
        queues,
        outbox,
    })
}
