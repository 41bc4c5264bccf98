//! A small controller layer over informers and the work queue (the shape of
//! controller-runtime's builder, in Rust idiom).
//!
//! ```no_run
//! use std::sync::Arc;
//! use std::time::Duration;
//!
//! use clientgo_api::core::v1::ConfigMap;
//! use clientgo_controller::{Action, Controller};
//! use clientgo_kubernetes::Clientset;
//! use tokio_util::sync::CancellationToken;
//!
//! # async fn run(clientset: Clientset, cancel: CancellationToken) {
//! let config_maps = clientset.core_v1().config_maps("default");
//! Controller::new("example", &config_maps)
//!     .workers(2)
//!     .run(cancel, |map: Arc<ConfigMap>| async move {
//!         println!("reconciling {:?}", map.metadata.name);
//!         Ok::<_, String>(Action::requeue_after(Duration::from_secs(300)))
//!     })
//!     .await;
//! # }
//! ```
//!
//! `examples/operator.rs` is a complete operator: a custom resource, owned objects in
//! other namespaces mapped back with `watches`, a finalizer, status and events.
//!
//! Rules the [`Controller`] follows:
//! - **Keys, not events.** Every event of the primary resource, of an owned object (an
//!   object whose controller reference names a primary) or of a watched object (through
//!   its mapping function) enqueues a primary's key; the queue collapses duplicates and
//!   never gives one key to two workers at once.
//! - **Reconcile sees the cache.** A worker looks the key up in the primary informer's
//!   store and calls `reconcile` with that object; a key whose object is gone is
//!   dropped (clean up external state with a finalizer, see
//!   `clientgo_kubernetes::finalizer`).
//! - **Outcomes.** `Ok(Action::done())` forgets the key's backoff;
//!   `Ok(Action::requeue_after(d))` forgets it and reconciles again after `d`; `Err(e)`
//!   is logged and retried with the queue's per-key exponential backoff (5 ms doubling
//!   to 1000 s, and 10 QPS overall: client-go's default controller rate limiter).
//! - **Start and stop.** Workers start once every informer has synced. Cancelling the
//!   token stops the informers, lets running reconciles finish, and returns.
//! - **Metrics** (with [`ControllerMetrics`], registered once per process): controller-runtime's
//!   `controller_runtime_reconcile_total{controller,result}`,
//!   `controller_runtime_reconcile_errors_total{controller}` and
//!   `controller_runtime_reconcile_time_seconds{controller}`, plus the work queue's
//!   `workqueue_*` metrics named after the controller.
//!
//! Nothing here hides the layers below: the informers, the store and the queue are
//! client-go's, usable alone.
//!
//! # Client-side rate limits
//!
//! A `clientgo_rest::Config` allows 5 requests per second with bursts of 10 by default,
//! as client-go does. A controller that writes for every event waits on that limit:
//! reacting to a deletion took 2.5 s at 5 QPS and 0.46 s at 100 QPS in our
//! measurements. Give controllers' clients a higher limit (`config.qps = 50.0;
//! config.burst = 100;` or `-1.0` to turn it off, as kube-controller-manager's 20/30
//! and controller-runtime's 20/30 defaults also trade safety for latency).
//!
//! # Leader election
//!
//! [`Controller::leader_election`] runs the controller as the leader's work of
//! `clientgo_leaderelection`: informers and workers start when this process acquires
//! the Lease; when leadership ends (taken over, not renewed in time, or `cancel`) they
//! stop and running reconciles finish before the Lease is released; a worker checks
//! leadership by the monotonic clock before each reconcile, so a process resuming from
//! a pause never reconciles as a second leader. [`Controller::run`] then returns
//! [`Stopped::LeadershipLost`]: exit, as client-go's components do, or build a new
//! controller to compete again.
//!
//! ```no_run
//! # use std::sync::Arc;
//! # use clientgo_api::core::v1::ConfigMap;
//! # use clientgo_controller::{Action, Controller, Stopped};
//! # use clientgo_kubernetes::Clientset;
//! use clientgo_leaderelection::{LeaderCallbacks, LeaderElectionConfig, LeaseLock, ResourceLockConfig};
//! # async fn run(clientset: Clientset, cancel: tokio_util::sync::CancellationToken)
//! #     -> Result<(), Box<dyn std::error::Error>> {
//! let lock = LeaseLock::new(&clientset, "default", "example-controller", ResourceLockConfig {
//!     identity: std::env::var("POD_NAME")?,
//!     event_recorder: None,
//! });
//! let election = LeaderElectionConfig::kube_defaults(Arc::new(lock), LeaderCallbacks::new())
//!     .release_on_cancel(true);
//! let stopped = Controller::new("example", &clientset.core_v1().config_maps("default"))
//!     .leader_election(election)?
//!     .run(cancel, |map: Arc<ConfigMap>| async move { Ok::<_, String>(Action::done()) })
//!     .await;
//! if stopped == Stopped::LeadershipLost {
//!     std::process::exit(1);
//! }
//! # Ok(()) }
//! ```

mod action;
mod controller;
mod metrics;
mod object_ref;

pub use action::Action;
pub use controller::{Controller, Stopped};
pub use metrics::ControllerMetrics;
pub use object_ref::ObjectRef;
