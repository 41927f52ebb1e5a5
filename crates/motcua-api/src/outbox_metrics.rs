//! The outbox's figures on `/metrics`, per target: read from the database at each scrape
//! (`figures::workload`), so every engine process shows the same.

use motcua_service::figures::TargetFigures;
use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::registry::Registry;
use std::sync::atomic::AtomicU64;

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct TargetLabels {
    target: String,
}

pub(crate) struct OutboxGauges {
    pending: Family<TargetLabels, Gauge>,
    oldest_pending_age: Family<TargetLabels, Gauge<f64, AtomicU64>>,
    retrying: Family<TargetLabels, Gauge>,
    dead: Family<TargetLabels, Gauge>,
}

impl OutboxGauges {
    pub(crate) fn register(registry: &mut Registry) -> Self {
        let gauges = OutboxGauges {
            pending: Family::default(),
            oldest_pending_age: Family::default(),
            retrying: Family::default(),
            dead: Family::default(),
        };
        registry.register(
            "outbox_pending_messages",
            "Outbox messages not delivered yet, by target",
            gauges.pending.clone(),
        );
        registry.register(
            "outbox_oldest_pending_age_seconds",
            "Age of the oldest pending outbox message, by target (0 when none is pending)",
            gauges.oldest_pending_age.clone(),
        );
        registry.register(
            "outbox_retrying_messages",
            "Pending outbox messages whose last attempt failed, by target",
            gauges.retrying.clone(),
        );
        registry.register(
            "outbox_dead_messages",
            "Outbox messages refused or failed their last attempt, waiting for an operator \
             (motcua outbox retry|drop), by target",
            gauges.dead.clone(),
        );
        gauges
    }

    pub(crate) fn show(&self, targets: &[TargetFigures]) {
        // A target with nothing left must read 0, not its last figures.
        self.pending.clear();
        self.oldest_pending_age.clear();
        self.retrying.clear();
        self.dead.clear();
        for figures in targets {
            let labels = TargetLabels {
                target: figures.target.clone(),
            };
            self.pending.get_or_create(&labels).set(figures.pending);
            self.oldest_pending_age
                .get_or_create(&labels)
                .set(figures.oldest_pending_age_secs);
            self.retrying.get_or_create(&labels).set(figures.retrying);
            self.dead.get_or_create(&labels).set(figures.dead);
        }
    }
}
