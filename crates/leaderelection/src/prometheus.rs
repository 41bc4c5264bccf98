//! Leader election metrics for Prometheus (feature `prometheus`, on by default).
//!
//! | name | type | labels |
//! |---|---|---|
//! | `leader_election_master_status` | gauge: 1 while leading, else 0 | `name` |
//! | `leader_election_slowpath_total` | counter of renewals that read the lock first | `name` |
//!
//! ```
//! use std::sync::Arc;
//! use clientgo_leaderelection::metrics::LeaderMetricsProvider;
//! use clientgo_leaderelection::prometheus::PrometheusLeaderMetrics;
//!
//! let registry = prometheus::Registry::new();
//! let provider = PrometheusLeaderMetrics::new(&registry)?;
//! provider.new_leader_metric().on("controller");
//! let text = prometheus::TextEncoder::new().encode_to_string(&registry.gather())?;
//! assert!(text.contains("leader_election_master_status{name=\"controller\"} 1"));
//! // Install it for every elector of the process:
//! clientgo_leaderelection::metrics::set_global_metrics_provider(Arc::new(provider));
//! # Ok::<(), prometheus::Error>(())
//! ```

use std::sync::Arc;

use ::prometheus::{IntCounterVec, IntGaugeVec, Opts, Registry};

use crate::metrics::{LeaderMetric, LeaderMetricsProvider};

/// Exports leader election metrics under Kubernetes' names into a Prometheus
/// [`Registry`]. See the [module documentation](self).
#[derive(Debug, Clone)]
pub struct PrometheusLeaderMetrics {
    status: IntGaugeVec,
    slowpath: IntCounterVec,
}

impl PrometheusLeaderMetrics {
    /// Creates the two metric families and registers them in `registry`; fails when
    /// they are registered there already.
    pub fn new(registry: &Registry) -> Result<Self, ::prometheus::Error> {
        let status = IntGaugeVec::new(
            Opts::new(
                "leader_election_master_status",
                "Gauge of if the reporting system is master of the relevant lease, 0 indicates backup, 1 indicates master. 'name' is the string used to identify the lease. Please make sure to group by name.",
            ),
            &["name"],
        )?;
        let slowpath = IntCounterVec::new(
            Opts::new(
                "leader_election_slowpath_total",
                "Total number of slow path exercised in renewing leader leases. 'name' is the string used to identify the lease. Please make sure to group by name.",
            ),
            &["name"],
        )?;
        registry.register(Box::new(status.clone()))?;
        registry.register(Box::new(slowpath.clone()))?;
        Ok(Self { status, slowpath })
    }
}

impl LeaderMetric for PrometheusLeaderMetrics {
    fn on(&self, name: &str) {
        self.status.with_label_values(&[name]).set(1);
    }

    fn off(&self, name: &str) {
        self.status.with_label_values(&[name]).set(0);
    }

    fn slowpath_exercised(&self, name: &str) {
        self.slowpath.with_label_values(&[name]).inc();
    }
}

impl LeaderMetricsProvider for PrometheusLeaderMetrics {
    fn new_leader_metric(&self) -> Arc<dyn LeaderMetric> {
        Arc::new(self.clone())
    }
}
