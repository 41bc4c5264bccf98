//! Work queues for Kubernetes controllers: client-go's `util/workqueue` in async Rust.
//!
//! A controller turns events into keys (`namespace/name`), adds them to a queue, and runs
//! a few workers that take keys from the queue and reconcile them. The queues here make
//! that safe and cheap:
//!
//! - [`Queue`]: a FIFO that collapses duplicate keys, **never hands a key to two workers
//!   at once**, and re-delivers a key that changed while it was being processed.
//! - [`DelayingQueue`]: adds [`add_after`](DelayingQueue::add_after) (the earliest ready
//!   time wins for duplicates).
//! - [`RateLimitingQueue`]: adds [`add_rate_limited`](RateLimitingQueue::add_rate_limited),
//!   [`forget`](RateLimitingQueue::forget) and
//!   [`num_requeues`](RateLimitingQueue::num_requeues), with delays from a
//!   [`RateLimiter`] such as [`default_controller_rate_limiter`].
//! - [`metrics`]: depth, adds, latency, work duration, stuck-work and retry metrics
//!   through a [`MetricsProvider`](metrics::MetricsProvider); [`prometheus`] exports them
//!   under client-go's names (feature `prometheus`, on by default).
//! - [`parallelize_until`]: split indexed work over threads.
//!
//! Each module documents one piece; the main types are also re-exported here.
//!
//! Queues are cheap `Clone` handles over shared state, items are any
//! `T: Clone + Eq + Hash + Send + Sync + 'static`, and time is Tokio's, so tests can
//! `tokio::time::pause()` it. Background tasks (the delaying loop, the metrics updater)
//! end when the queue shuts down or its last handle is dropped.
//!
//! # A controller
//!
//! ```
//! use std::time::Duration;
//! use clientgo_workqueue::{QueueConfig, RateLimitingQueue, default_controller_rate_limiter};
//!
//! fn reconcile(key: &str, attempt: usize) -> Result<(), String> {
//!     // Pretend the first attempt for "default/db" fails.
//!     if key == "default/db" && attempt == 0 { Err("not ready".into()) } else { Ok(()) }
//! }
//!
//! # #[tokio::main(flavor = "current_thread", start_paused = true)]
//! # async fn main() {
//! let queue = RateLimitingQueue::<String>::with_config(
//!     default_controller_rate_limiter(),
//!     QueueConfig::new().name("example"),
//! );
//! let workers: Vec<_> = (0..2)
//!     .map(|_| {
//!         let queue = queue.clone();
//!         tokio::spawn(async move {
//!             let mut reconciled = Vec::new();
//!             while let Some(key) = queue.get().await {
//!                 match reconcile(&key, queue.num_requeues(&key)) {
//!                     Ok(()) => {
//!                         queue.forget(&key); // success: reset the backoff
//!                         reconciled.push(key.clone());
//!                     }
//!                     Err(_) => queue.add_rate_limited(key.clone()), // retry later
//!                 }
//!                 queue.done(&key);
//!             }
//!             reconciled
//!         })
//!     })
//!     .collect();
//!
//! queue.add("default/web".to_owned());
//! queue.add("default/db".to_owned());
//! tokio::time::sleep(Duration::from_secs(1)).await;
//! queue.shut_down_with_drain().await; // waits for keys being processed
//!
//! let mut reconciled = Vec::new();
//! for worker in workers {
//!     reconciled.extend(worker.await.unwrap());
//! }
//! reconciled.sort();
//! assert_eq!(reconciled, ["default/db", "default/web"]);
//! # }
//! ```
//!
//! # client-go names
//!
//! | client-go | here |
//! |---|---|
//! | `TypedInterface`, `NewTyped`, `NewTypedWithConfig` | [`Queue`], [`Queue::new`], [`Queue::with_config`] |
//! | `Get() (item, shutdown bool)` | [`Queue::get`]`.await -> Option<T>` (`None` = shut down and empty) |
//! | `Add`, `Done`, `Len`, `ShutDown`, `ShutDownWithDrain`, `ShuttingDown` | [`Queue::add`], [`Queue::done`], [`Queue::len`], [`Queue::shut_down`], [`Queue::shut_down_with_drain`], [`Queue::shutting_down`] |
//! | `QueueConfig{Name, MetricsProvider, Clock}` | [`QueueConfig`]; the clock is Tokio's (`tokio::time::pause`) |
//! | `QueueConfig.Queue` (`TypedQueue`) | [`Queue::with_backing`], [`BackingQueue`], [`FifoQueue`] |
//! | `TypedDelayingInterface`, `AddAfter` | [`DelayingQueue`], [`DelayingQueue::add_after`] |
//! | `TypedRateLimitingInterface`, `AddRateLimited`, `Forget`, `NumRequeues` | [`RateLimitingQueue`], [`RateLimitingQueue::add_rate_limited`], [`RateLimitingQueue::forget`], [`RateLimitingQueue::num_requeues`] |
//! | `TypedRateLimiter` (`When`, `Forget`, `NumRequeues`) | [`RateLimiter`] |
//! | `DefaultTypedControllerRateLimiter` | [`default_controller_rate_limiter`] |
//! | `DefaultTypedItemBasedRateLimiter` | [`default_item_based_rate_limiter`] |
//! | `TypedItemExponentialFailureRateLimiter` | [`ItemExponentialFailureRateLimiter`] |
//! | `TypedItemFastSlowRateLimiter` | [`ItemFastSlowRateLimiter`] |
//! | `TypedBucketRateLimiter` | [`BucketRateLimiter`] |
//! | `TypedMaxOfRateLimiter` | [`MaxOfRateLimiter`] |
//! | `TypedWithMaxWaitRateLimiter` | [`WithMaxWaitRateLimiter`] |
//! | `MetricsProvider`, `SetProvider` | [`metrics::MetricsProvider`], [`metrics::set_global_metrics_provider`] |
//! | Kubernetes' `workqueue_*` Prometheus metrics | [`prometheus::PrometheusMetricsProvider`] |
//! | `ParallelizeUntil`, `WithChunkSize` | [`parallelize_until`] |

pub mod delaying;
pub mod metrics;
pub mod parallelizer;
#[cfg(feature = "prometheus")]
pub mod prometheus;
pub mod queue;
pub mod rate_limiters;
pub mod rate_limiting;

pub use delaying::DelayingQueue;
pub use parallelizer::parallelize_until;
pub use queue::{BackingQueue, FifoQueue, Queue, QueueConfig};
pub use rate_limiters::{
    BucketRateLimiter, ItemExponentialFailureRateLimiter, ItemFastSlowRateLimiter,
    MaxOfRateLimiter, RateLimiter, WithMaxWaitRateLimiter, default_controller_rate_limiter,
    default_item_based_rate_limiter,
};
pub use rate_limiting::RateLimitingQueue;
