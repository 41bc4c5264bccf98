//! One process of the test: an elector competing for the Lease again and again, whose
//! work acts as leader every 10 ms and records its terms on the timeline.
//!
//! The work checks [`LeaderElector::is_leader`] before each action, as the elector's
//! documentation asks, and also stops when its token fires. The process runs until its
//! stdin closes (the parent is done or gone), and two and a half minutes at most.

use std::path::Path;
use std::sync::{Arc, OnceLock};
use std::time::Duration;

use clientgo_kubernetes::Clientset;
use clientgo_leaderelection::{
    CancellationToken, LeaderCallbacks, LeaderElectionConfig, LeaderElector, LeaseLock,
    ResourceLockConfig,
};

use super::clock;
use super::timeline::Writer;

/// Lease duration of the processes.
pub const LEASE: Duration = Duration::from_secs(3);
/// Renew deadline of the processes.
pub const RENEW: Duration = Duration::from_secs(2);
/// Retry period of the processes.
pub const RETRY: Duration = Duration::from_millis(500);
/// How often the work acts.
const ACT_EVERY: Duration = Duration::from_millis(10);

/// Competes as `identity` for `namespace/lease`, recording terms on `timeline`.
pub async fn run(identity: &str, namespace: &str, lease: &str, timeline: &Path) {
    let clientset = Clientset::new(&crate::support::config().await).unwrap();
    let stop = crate::support::child_stop_token(Duration::from_secs(150));
    let lock = Arc::new(LeaseLock::new(
        &clientset,
        namespace,
        lease,
        ResourceLockConfig {
            identity: identity.into(),
            event_recorder: None,
        },
    ));
    let writer = Arc::new(parking_lot::Mutex::new(Writer::open(timeline, identity)));
    while !stop.is_cancelled() {
        let elector_cell = Arc::new(OnceLock::<Arc<LeaderElector>>::new());
        let callbacks = {
            let (cell, writer) = (elector_cell.clone(), writer.clone());
            LeaderCallbacks::new()
                .on_started_leading(move |leading: CancellationToken| {
                    let (cell, writer) = (cell.clone(), writer.clone());
                    async move {
                        let Some(elector) = cell.get().cloned() else {
                            return;
                        };
                        work(&elector, &leading, &writer).await;
                    }
                })
                .on_stopped_leading(|| {})
        };
        let config = LeaderElectionConfig::new(lock.clone(), LEASE, RENEW, RETRY, callbacks)
            .release_on_cancel(true)
            .work_grace_period(Duration::from_secs(2));
        let elector = Arc::new(LeaderElector::new(config).unwrap());
        let _ = elector_cell.set(elector.clone());
        elector.run(&stop).await;
    }
}

/// Acts as leader every [`ACT_EVERY`] while the elector says it leads.
async fn work(
    elector: &LeaderElector,
    leading: &CancellationToken,
    writer: &parking_lot::Mutex<Writer>,
) {
    let mut last = None;
    loop {
        let now = clock::now();
        if leading.is_cancelled() || !elector.is_leader() {
            break;
        }
        if last.is_none() {
            writer.lock().started(now);
        }
        last = Some(now);
        tokio::select! {
            () = tokio::time::sleep(ACT_EVERY) => {}
            () = leading.cancelled() => {}
        }
    }
    if let Some(last) = last {
        writer.lock().ended(last, clock::now());
    }
}
