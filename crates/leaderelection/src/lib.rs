//! Leader election on a `coordination.k8s.io/v1` Lease: client-go's
//! `tools/leaderelection` in async Rust.
//!
//! Several replicas of a controller run a [`LeaderElector`] on the same [`LeaseLock`];
//! one of them holds the Lease and does the work, the others wait and take over when it
//! stops renewing or releases the Lease.
//!
//! - [`LeaderElectionConfig`]: the lock, the lease duration, renew deadline and retry
//!   period (required; [`LeaderElectionConfig::kube_defaults`] = 15 s / 10 s / 2 s),
//!   the [`LeaderCallbacks`], release on cancel, the grace period of the leader's work;
//!   validated with client-go's rules (lease duration > renew deadline > retry period ×
//!   [`JITTER_FACTOR`]).
//! - [`LeaderElector`]: [`run`](LeaderElector::run), [`is_leader`](LeaderElector::is_leader),
//!   [`get_leader`](LeaderElector::get_leader), [`check`](LeaderElector::check).
//! - [`ResourceLock`], [`LeaseLock`], [`LeaderElectionRecord`]: the lock and its record
//!   in the Lease spec, written with optimistic concurrency.
//! - [`HealthzAdaptor`]: a health check failing when the leader stopped renewing.
//! - [`metrics`] (and [`prometheus`], feature `prometheus`): leader status and slow
//!   path metrics.
//!
//! **Expiry is judged by the local clock only**: a candidate considers a Lease held by
//! another expired `leaseDurationSeconds` after it *last saw the record change*, never
//! by comparing the Lease's timestamps (written by another machine's clock) with its own.
//!
//! **Leadership ends in time, also after a pause.** The leader steps down as soon as it
//! reads another holder in the Lease, or once the renew deadline has passed since the
//! start of its last successful renewal by the monotonic clock, whichever comes first;
//! others take over no earlier than the lease duration after they saw that renewal. A
//! leader resuming from a pause longer than its deadline (SIGSTOP, a long stall) steps
//! down before it does anything else, and [`LeaderElector::is_leader`] reads the clock,
//! so work that checks it before each action does not act after the leadership ended.
//! (client-go restarts the deadline at each renew round, so a resumed leader there can
//! keep leading up to the renew deadline after another took over.) A process paused
//! between that check and its action can still act late: keep the work idempotent.
//!
//! **The work is waited for.** When leadership ends, the work's token is cancelled and
//! [`run`](LeaderElector::run) waits for the work (at most
//! [`LeaderElectionConfig::work_grace_period`]) before it releases the Lease and
//! returns; after a cancellation it keeps renewing the Lease meanwhile.
//!
//! ```no_run
//! use std::sync::Arc;
//! use clientgo_kubernetes::Clientset;
//! use clientgo_leaderelection::{
//!     CancellationToken, LeaderCallbacks, LeaderElectionConfig, LeaderElector, LeaseLock,
//!     ResourceLockConfig,
//! };
//!
//! # async fn run() -> Result<(), Box<dyn std::error::Error>> {
//! let clientset = Clientset::new(&clientgo_rest::Config::in_cluster()?)?;
//! let identity = std::env::var("POD_NAME")?;
//! let lock = LeaseLock::new(&clientset, "default", "my-controller", ResourceLockConfig {
//!     identity,
//!     event_recorder: None,
//! });
//! let callbacks = LeaderCallbacks::new()
//!     .on_started_leading(|leading: CancellationToken| async move {
//!         // Do the work until `leading` is cancelled; `run` waits for it to return.
//!         leading.cancelled().await;
//!     })
//!     .on_stopped_leading(|| println!("stopped leading"))
//!     .on_new_leader(|leader| println!("{leader} leads"));
//! let config = LeaderElectionConfig::kube_defaults(Arc::new(lock), callbacks)
//!     .release_on_cancel(true)
//!     .name("my-controller");
//! let elector = Arc::new(LeaderElector::new(config)?);
//! let cancel = CancellationToken::new();
//! elector.run(&cancel).await; // returns when leadership is lost or `cancel` fires
//! # Ok(()) }
//! ```

mod config;
mod elector;
mod error;
mod healthz;
mod lock;
pub mod metrics;
#[cfg(feature = "prometheus")]
pub mod prometheus;
mod record;
mod term;
mod work;

pub use config::{DEFAULT_WORK_GRACE_PERIOD, JITTER_FACTOR, LeaderCallbacks, LeaderElectionConfig};
pub use elector::{LeaderElector, run};
pub use error::{Error, Result};
pub use healthz::HealthzAdaptor;
pub use lock::{
    LEASES_RESOURCE_LOCK, LeaseLock, LockEventRecorder, ResourceLock, ResourceLockConfig, new_lock,
    new_lock_from_config,
};
pub use record::LeaderElectionRecord;
pub use tokio_util::sync::CancellationToken;
