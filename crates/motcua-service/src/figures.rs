//! The engine's workload as plain figures, read when the metrics are scraped: the database
//! pool, the dossiers by procedure and state, and every agency's queues. Each scrape reads
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

/// Dossiers and queues, as the database holds them now.
#[derive(Debug, Clone)]
pub struct Workload {
    pub dossiers: Vec<DossierCount>,
    pub queues: Vec<AgencyQueue>,
}

pub fn pool(services: &Services) -> Pool {
    let held = services.store.connections();
    Pool {
        connections: held.open,
        idle: held.idle,
    }
}

/// The dossiers by procedure and state, then every agency's open queues (two statements).
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
    Ok(Workload { dossiers, queues })
}
