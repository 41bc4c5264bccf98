//! [`HealthzAdaptor`]: a health check that fails when this process leads but has stopped
//! renewing (client-go's `HealthzAdaptor`).

use std::sync::Arc;
use std::time::Duration;

use parking_lot::Mutex;

use crate::{LeaderElector, Result};

/// A health check over a [`LeaderElector`]: healthy until an elector is attached, then
/// healthy unless the elector leads and has not renewed for more than the lease duration
/// plus the tolerance given here. Wire it with
/// [`LeaderElectionConfig::watchdog`](crate::LeaderElectionConfig::watchdog).
#[derive(Debug)]
pub struct HealthzAdaptor {
    tolerance: Duration,
    elector: Mutex<Option<Arc<LeaderElector>>>,
}

impl HealthzAdaptor {
    /// A check tolerating `tolerance` of expiry beyond the lease duration.
    pub fn new(tolerance: Duration) -> Self {
        Self {
            tolerance,
            elector: Mutex::new(None),
        }
    }

    /// The name of the check: `leaderElection`.
    pub fn name(&self) -> &'static str {
        "leaderElection"
    }

    /// Attaches the elector to check.
    pub fn set_leader_election(&self, elector: Arc<LeaderElector>) {
        *self.elector.lock() = Some(elector);
    }

    /// `Ok` while no elector is attached, or see [`LeaderElector::check`].
    pub fn check(&self) -> Result<()> {
        let elector = self.elector.lock().clone();
        elector.map_or(Ok(()), |elector| elector.check(self.tolerance))
    }
}
