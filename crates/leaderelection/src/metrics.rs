//! Leader election metrics through a small provider trait (client-go's
//! `leaderelection` metrics provider).
//!
//! A [`LeaderMetricsProvider`] creates, for one election name, a [`LeaderMetric`]: a
//! gauge that is on while this process leads and off otherwise, and a counter of renewals
//! that needed the slow path (a GET before the update). Kubernetes components export
//! them as `leader_election_master_status` and `leader_election_slowpath_total`; with the
//! `prometheus` feature (on by default),
//! [`PrometheusLeaderMetrics`](crate::prometheus::PrometheusLeaderMetrics) does that.
//!
//! An elector uses the process-wide provider installed with
//! [`set_global_metrics_provider`]; without one nothing is recorded.

use std::sync::{Arc, OnceLock};

/// The metrics of one election.
pub trait LeaderMetric: Send + Sync {
    /// This process became leader of election `name`.
    fn on(&self, name: &str);
    /// This process is not (or no longer) leader of election `name`.
    fn off(&self, name: &str);
    /// A renewal of election `name` had to read the lock first.
    fn slowpath_exercised(&self, name: &str);
}

/// Creates the [`LeaderMetric`] of an elector.
pub trait LeaderMetricsProvider: Send + Sync {
    /// The metric of elections; called once per elector.
    fn new_leader_metric(&self) -> Arc<dyn LeaderMetric>;
}

/// A metric that records nothing.
#[derive(Debug, Clone, Copy, Default)]
pub struct NoopLeaderMetric;

impl LeaderMetric for NoopLeaderMetric {
    fn on(&self, _name: &str) {}
    fn off(&self, _name: &str) {}
    fn slowpath_exercised(&self, _name: &str) {}
}

static GLOBAL_PROVIDER: OnceLock<Arc<dyn LeaderMetricsProvider>> = OnceLock::new();

/// Installs the provider electors created afterwards use (client-go's `SetProvider`).
/// Only the first call has an effect; returns whether this call installed `provider`.
pub fn set_global_metrics_provider(provider: Arc<dyn LeaderMetricsProvider>) -> bool {
    GLOBAL_PROVIDER.set(provider).is_ok()
}

/// The metric a new elector uses: the global provider's, else a no-op.
pub(crate) fn new_leader_metric() -> Arc<dyn LeaderMetric> {
    GLOBAL_PROVIDER.get().map_or_else(
        || Arc::new(NoopLeaderMetric) as _,
        |p| p.new_leader_metric(),
    )
}
