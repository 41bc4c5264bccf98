//! Queue metrics through a small provider trait (client-go's `MetricsProvider`).
//!
//! A [`MetricsProvider`] creates, for one queue name, the seven metrics client-go keeps
//! for a work queue:
//!
//! | metric | kind | moves when |
//! |---|---|---|
//! | depth | [`GaugeMetric`] | +1 on a new add, −1 on `get` |
//! | adds | [`CounterMetric`] | every accepted add |
//! | queue latency | [`HistogramMetric`] | seconds from the add to the `get` |
//! | work duration | [`HistogramMetric`] | seconds from the `get` to the `done` |
//! | unfinished work seconds | [`SettableGaugeMetric`] | every 500 ms: summed age of items being processed |
//! | longest running processor seconds | [`SettableGaugeMetric`] | every 500 ms: age of the oldest item being processed |
//! | retries | [`CounterMetric`] | every `add_after` / `add_rate_limited` |
//!
//! Metrics are kept only for **named** queues (see
//! [`QueueConfig::name`](crate::QueueConfig::name)). A queue uses the provider of its
//! config, else the process-wide one installed with [`set_global_metrics_provider`], else
//! none. Every provider method defaults to a no-op metric, so a provider may implement
//! only what it exports.
//!
//! With the `prometheus` feature (on by default),
//! [`PrometheusMetricsProvider`](crate::prometheus::PrometheusMetricsProvider) exports
//! them under client-go's names (`workqueue_depth`, ...).
//!
//! ```
//! use std::sync::Arc;
//! use std::sync::atomic::{AtomicU64, Ordering};
//! use clientgo_workqueue::metrics::{CounterMetric, MetricsProvider};
//! use clientgo_workqueue::{Queue, QueueConfig};
//!
//! #[derive(Default)]
//! struct Adds(Arc<AtomicU64>);
//! struct AddsCounter(Arc<AtomicU64>);
//! impl CounterMetric for AddsCounter {
//!     fn inc(&self) {
//!         self.0.fetch_add(1, Ordering::Relaxed);
//!     }
//! }
//! impl MetricsProvider for Adds {
//!     fn new_adds_metric(&self, _name: &str) -> Box<dyn CounterMetric> {
//!         Box::new(AddsCounter(self.0.clone()))
//!     }
//! }
//!
//! let provider = Adds::default();
//! let adds = provider.0.clone();
//! let queue = Queue::with_config(QueueConfig::new().name("pods").metrics_provider(Arc::new(provider)));
//! queue.add("a");
//! queue.add("a"); // de-duplicated: not counted
//! assert_eq!(adds.load(Ordering::Relaxed), 1);
//! ```

use std::collections::HashMap;
use std::hash::Hash;
use std::sync::{Arc, OnceLock};

use tokio::time::Instant;

/// A gauge that goes up and down by one (the queue depth).
pub trait GaugeMetric: Send + Sync {
    /// Adds one.
    fn inc(&self);
    /// Subtracts one.
    fn dec(&self);
}

/// A gauge that is set to a value (the unfinished-work gauges, in seconds).
pub trait SettableGaugeMetric: Send + Sync {
    /// Sets the value.
    fn set(&self, value: f64);
}

/// A monotonically increasing counter (adds, retries).
pub trait CounterMetric: Send + Sync {
    /// Adds one.
    fn inc(&self);
}

/// A distribution of observed values (latencies, in seconds).
pub trait HistogramMetric: Send + Sync {
    /// Records one value.
    fn observe(&self, value: f64);
}

/// A metric that records nothing; what the default [`MetricsProvider`] methods return.
#[derive(Debug, Clone, Copy, Default)]
pub struct NoopMetric;

impl GaugeMetric for NoopMetric {
    fn inc(&self) {}
    fn dec(&self) {}
}

impl SettableGaugeMetric for NoopMetric {
    fn set(&self, _value: f64) {}
}

impl CounterMetric for NoopMetric {
    fn inc(&self) {}
}

impl HistogramMetric for NoopMetric {
    fn observe(&self, _value: f64) {}
}

/// Creates the metrics of a named queue. Each method is called once per queue, with the
/// queue's name; every method defaults to a [`NoopMetric`].
pub trait MetricsProvider: Send + Sync {
    /// Number of items waiting in the queue (client-go's `workqueue_depth`).
    fn new_depth_metric(&self, _name: &str) -> Box<dyn GaugeMetric> {
        Box::new(NoopMetric)
    }
    /// Number of adds accepted (`workqueue_adds_total`).
    fn new_adds_metric(&self, _name: &str) -> Box<dyn CounterMetric> {
        Box::new(NoopMetric)
    }
    /// Seconds an item waited between its add and its `get`
    /// (`workqueue_queue_duration_seconds`).
    fn new_latency_metric(&self, _name: &str) -> Box<dyn HistogramMetric> {
        Box::new(NoopMetric)
    }
    /// Seconds between an item's `get` and its `done` (`workqueue_work_duration_seconds`).
    fn new_work_duration_metric(&self, _name: &str) -> Box<dyn HistogramMetric> {
        Box::new(NoopMetric)
    }
    /// Summed age, in seconds, of the items being processed
    /// (`workqueue_unfinished_work_seconds`).
    fn new_unfinished_work_seconds_metric(&self, _name: &str) -> Box<dyn SettableGaugeMetric> {
        Box::new(NoopMetric)
    }
    /// Age, in seconds, of the item processed for the longest time
    /// (`workqueue_longest_running_processor_seconds`).
    fn new_longest_running_processor_seconds_metric(
        &self,
        _name: &str,
    ) -> Box<dyn SettableGaugeMetric> {
        Box::new(NoopMetric)
    }
    /// Number of delayed (retried) adds (`workqueue_retries_total`).
    fn new_retries_metric(&self, _name: &str) -> Box<dyn CounterMetric> {
        Box::new(NoopMetric)
    }
    /// Whether this provider records nothing at all; queues skip metric bookkeeping (and
    /// the 500 ms unfinished-work updater) for such a provider. Defaults to `false`.
    fn is_noop(&self) -> bool {
        false
    }
}

/// The provider that records nothing (client-go's default when none is set).
#[derive(Debug, Clone, Copy, Default)]
pub struct NoopMetricsProvider;

impl MetricsProvider for NoopMetricsProvider {
    fn is_noop(&self) -> bool {
        true
    }
}

static GLOBAL_PROVIDER: OnceLock<Arc<dyn MetricsProvider>> = OnceLock::new();

/// Installs the provider used by queues whose config names none (client-go's
/// `SetProvider`). Only the first call has an effect; returns whether this call installed
/// `provider`. Queues created before the call keep the metrics they started with.
pub fn set_global_metrics_provider(provider: Arc<dyn MetricsProvider>) -> bool {
    GLOBAL_PROVIDER.set(provider).is_ok()
}

/// The provider installed with [`set_global_metrics_provider`], if any.
pub fn global_metrics_provider() -> Option<Arc<dyn MetricsProvider>> {
    GLOBAL_PROVIDER.get().cloned()
}

/// The metrics of one queue and the timestamps they need. Lives under the queue's lock.
pub(crate) struct QueueMetrics<T> {
    depth: Box<dyn GaugeMetric>,
    adds: Box<dyn CounterMetric>,
    latency: Box<dyn HistogramMetric>,
    work_duration: Box<dyn HistogramMetric>,
    unfinished_work: Box<dyn SettableGaugeMetric>,
    longest_running: Box<dyn SettableGaugeMetric>,
    retries: Box<dyn CounterMetric>,
    /// When each queued item was first added (cleared by `get`).
    added_at: HashMap<T, Instant>,
    /// When each item being processed was handed out (cleared by `done`).
    started_at: HashMap<T, Instant>,
}

impl<T: Eq + Hash + Clone> QueueMetrics<T> {
    /// The metrics for a queue called `name`: `None` when the queue is unnamed or no
    /// (non-noop) provider applies.
    pub(crate) fn new(name: &str, provider: Option<&Arc<dyn MetricsProvider>>) -> Option<Self> {
        if name.is_empty() {
            return None;
        }
        let global = GLOBAL_PROVIDER.get();
        let provider = provider.or(global)?;
        if provider.is_noop() {
            return None;
        }
        Some(Self {
            depth: provider.new_depth_metric(name),
            adds: provider.new_adds_metric(name),
            latency: provider.new_latency_metric(name),
            work_duration: provider.new_work_duration_metric(name),
            unfinished_work: provider.new_unfinished_work_seconds_metric(name),
            longest_running: provider.new_longest_running_processor_seconds_metric(name),
            retries: provider.new_retries_metric(name),
            added_at: HashMap::new(),
            started_at: HashMap::new(),
        })
    }

    /// An add that marked `item` dirty.
    pub(crate) fn add(&mut self, item: &T, now: Instant) {
        self.adds.inc();
        self.depth.inc();
        if !self.added_at.contains_key(item) {
            self.added_at.insert(item.clone(), now);
        }
    }

    /// `item` was handed to a worker.
    pub(crate) fn get(&mut self, item: &T, now: Instant) {
        self.depth.dec();
        self.started_at.insert(item.clone(), now);
        if let Some(added) = self.added_at.remove(item) {
            self.latency.observe(seconds_between(added, now));
        }
    }

    /// A worker finished `item`.
    pub(crate) fn done(&mut self, item: &T, now: Instant) {
        if let Some(started) = self.started_at.remove(item) {
            self.work_duration.observe(seconds_between(started, now));
        }
    }

    /// A delayed add.
    pub(crate) fn retry(&self) {
        self.retries.inc();
    }

    /// Refreshes the unfinished-work gauges (called by the periodic updater).
    pub(crate) fn update_unfinished_work(&self, now: Instant) {
        let mut total = 0.0;
        let mut oldest = 0.0_f64;
        for started in self.started_at.values() {
            let age = seconds_between(*started, now);
            total += age;
            oldest = oldest.max(age);
        }
        self.unfinished_work.set(total);
        self.longest_running.set(oldest);
    }
}

fn seconds_between(earlier: Instant, later: Instant) -> f64 {
    later.saturating_duration_since(earlier).as_secs_f64()
}

#[cfg(test)]
pub(crate) mod testing {
    //! A provider recording every metric in memory, for the tests of this crate.

    use super::*;
    use parking_lot::Mutex;

    /// The last values seen, per metric.
    #[derive(Debug, Default, Clone, PartialEq)]
    pub(crate) struct Recorded {
        pub(crate) depth: i64,
        pub(crate) adds: u64,
        pub(crate) latency: Vec<f64>,
        pub(crate) work_duration: Vec<f64>,
        pub(crate) unfinished_work: f64,
        pub(crate) longest_running: f64,
        pub(crate) retries: u64,
        /// Names the provider was asked for.
        pub(crate) names: Vec<String>,
    }

    #[derive(Clone, Default)]
    pub(crate) struct TestProvider(pub(crate) Arc<Mutex<Recorded>>);

    impl TestProvider {
        pub(crate) fn snapshot(&self) -> Recorded {
            self.0.lock().clone()
        }
    }

    struct Metric(Arc<Mutex<Recorded>>, fn(&mut Recorded, f64));

    impl GaugeMetric for Metric {
        fn inc(&self) {
            (self.1)(&mut self.0.lock(), 1.0);
        }
        fn dec(&self) {
            (self.1)(&mut self.0.lock(), -1.0);
        }
    }
    impl SettableGaugeMetric for Metric {
        fn set(&self, value: f64) {
            (self.1)(&mut self.0.lock(), value);
        }
    }
    impl CounterMetric for Metric {
        fn inc(&self) {
            (self.1)(&mut self.0.lock(), 1.0);
        }
    }
    impl HistogramMetric for Metric {
        fn observe(&self, value: f64) {
            (self.1)(&mut self.0.lock(), value);
        }
    }

    impl MetricsProvider for TestProvider {
        fn new_depth_metric(&self, name: &str) -> Box<dyn GaugeMetric> {
            self.0.lock().names.push(name.to_owned());
            Box::new(Metric(self.0.clone(), |r, v| r.depth += v as i64))
        }
        fn new_adds_metric(&self, _name: &str) -> Box<dyn CounterMetric> {
            Box::new(Metric(self.0.clone(), |r, _| r.adds += 1))
        }
        fn new_latency_metric(&self, _name: &str) -> Box<dyn HistogramMetric> {
            Box::new(Metric(self.0.clone(), |r, v| r.latency.push(v)))
        }
        fn new_work_duration_metric(&self, _name: &str) -> Box<dyn HistogramMetric> {
            Box::new(Metric(self.0.clone(), |r, v| r.work_duration.push(v)))
        }
        fn new_unfinished_work_seconds_metric(&self, _name: &str) -> Box<dyn SettableGaugeMetric> {
            Box::new(Metric(self.0.clone(), |r, v| r.unfinished_work = v))
        }
        fn new_longest_running_processor_seconds_metric(
            &self,
            _name: &str,
        ) -> Box<dyn SettableGaugeMetric> {
            Box::new(Metric(self.0.clone(), |r, v| r.longest_running = v))
        }
        fn new_retries_metric(&self, _name: &str) -> Box<dyn CounterMetric> {
            Box::new(Metric(self.0.clone(), |r, _| r.retries += 1))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::testing::TestProvider;
    use super::*;
    use crate::{DelayingQueue, Queue, QueueConfig};
    use std::time::Duration;

    const MS: Duration = Duration::from_millis(1);

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() < 1e-9
    }

    async fn sleep_until_ms(start: Instant, ms: u64) {
        tokio::time::sleep_until(start + Duration::from_millis(ms)).await;
        for _ in 0..20 {
            tokio::task::yield_now().await;
        }
    }

    #[tokio::test(start_paused = true)]
    async fn all_metrics_move_as_expected() {
        let provider = TestProvider::default();
        let start = Instant::now();
        let queue = Queue::with_config(
            QueueConfig::new()
                .name("test")
                .metrics_provider(Arc::new(provider.clone())),
        );
        assert_eq!(provider.snapshot().names, ["test"]);

        queue.add("foo");
        let m = provider.snapshot();
        assert_eq!((m.adds, m.depth), (1, 1));

        sleep_until_ms(start, 50).await;
        let foo = queue.get().await.unwrap();
        let m = provider.snapshot();
        assert_eq!(m.depth, 0);
        assert_eq!(m.latency.len(), 1);
        assert!(close(m.latency[0], 0.05), "{:?}", m.latency);

        sleep_until_ms(start, 75).await;
        queue.done(&foo);
        let m = provider.snapshot();
        assert_eq!(m.work_duration.len(), 1);
        assert!(close(m.work_duration[0], 0.025), "{:?}", m.work_duration);

        // Duplicates count once.
        queue.add("foo");
        queue.add("bar");
        queue.add("foo");
        let m = provider.snapshot();
        assert_eq!((m.adds, m.depth), (3, 2));

        let foo = queue.get().await.unwrap();
        assert_eq!(foo, "foo");
        // The updater ticks at 500 ms: foo has been processed for 425 ms.
        sleep_until_ms(start, 500).await;
        let m = provider.snapshot();
        assert!(close(m.unfinished_work, 0.425), "{}", m.unfinished_work);
        assert!(close(m.longest_running, 0.425), "{}", m.longest_running);

        let bar = queue.get().await.unwrap();
        sleep_until_ms(start, 1000).await;
        let m = provider.snapshot();
        assert!(
            close(m.unfinished_work, 0.925 + 0.5),
            "{}",
            m.unfinished_work
        );
        assert!(close(m.longest_running, 0.925), "{}", m.longest_running);

        queue.done(&foo);
        queue.done(&bar);
        sleep_until_ms(start, 1500).await;
        let m = provider.snapshot();
        assert_eq!(m.work_duration.len(), 3);
        assert!(close(m.unfinished_work, 0.0));
        assert!(close(m.longest_running, 0.0));
        assert_eq!(m.depth, 0);
        assert_eq!(m.retries, 0);

        // Nothing moves after shutdown.
        queue.add("in flight");
        let _in_flight = queue.get().await.unwrap();
        queue.shut_down();
        let before = provider.snapshot();
        queue.add("late");
        sleep_until_ms(start, 5000).await;
        assert_eq!(provider.snapshot(), before, "no metrics after shutdown");
    }

    #[tokio::test(start_paused = true)]
    async fn delayed_adds_count_as_retries() {
        let provider = TestProvider::default();
        let queue = DelayingQueue::with_config(
            QueueConfig::new()
                .name("retries")
                .metrics_provider(Arc::new(provider.clone())),
        );
        queue.add_after("a", 10 * MS);
        queue.add_after("a", 20 * MS);
        queue.add_after("b", Duration::ZERO);
        let m = provider.snapshot();
        assert_eq!(m.retries, 3);
        assert_eq!((m.adds, m.depth), (1, 1), "only b is queued yet");

        tokio::time::sleep(30 * MS).await;
        for _ in 0..20 {
            tokio::task::yield_now().await;
        }
        let m = provider.snapshot();
        assert_eq!((m.adds, m.depth), (2, 2));

        queue.shut_down();
        queue.add_after("c", 10 * MS);
        assert_eq!(provider.snapshot().retries, 3, "ignored after shutdown");
    }

    #[tokio::test]
    async fn unnamed_and_noop_queues_keep_no_metrics() {
        let provider = TestProvider::default();
        let queue =
            Queue::with_config(QueueConfig::new().metrics_provider(Arc::new(provider.clone())));
        queue.add(1);
        assert!(provider.snapshot().names.is_empty());
        assert_eq!(provider.snapshot().adds, 0);

        let noop = Queue::with_config(
            QueueConfig::new()
                .name("noop")
                .metrics_provider(Arc::new(NoopMetricsProvider)),
        );
        noop.add(1);
        assert_eq!(noop.len(), 1);
        assert!(
            QueueMetrics::<u8>::new("noop", Some(&(Arc::new(NoopMetricsProvider) as _))).is_none()
        );
    }

    #[tokio::test]
    async fn partial_provider_defaults_to_noop_metrics() {
        struct DepthOnly(Arc<parking_lot::Mutex<i64>>);
        struct Depth(Arc<parking_lot::Mutex<i64>>);
        impl GaugeMetric for Depth {
            fn inc(&self) {
                *self.0.lock() += 1;
            }
            fn dec(&self) {
                *self.0.lock() -= 1;
            }
        }
        impl MetricsProvider for DepthOnly {
            fn new_depth_metric(&self, _name: &str) -> Box<dyn GaugeMetric> {
                Box::new(Depth(self.0.clone()))
            }
        }
        let depth = Arc::new(parking_lot::Mutex::new(0));
        let queue = Queue::with_config(
            QueueConfig::new()
                .name("partial")
                .metrics_provider(Arc::new(DepthOnly(depth.clone()))),
        );
        queue.add("a");
        queue.add("b");
        assert_eq!(*depth.lock(), 2);
        let a = queue.get().await.unwrap();
        queue.done(&a);
        assert_eq!(*depth.lock(), 1);
        queue.shut_down();
    }

    #[tokio::test]
    async fn global_provider_is_set_once_and_used_by_named_queues() {
        let provider = TestProvider::default();
        assert!(set_global_metrics_provider(Arc::new(provider.clone())));
        assert!(!set_global_metrics_provider(Arc::new(NoopMetricsProvider)));
        assert!(global_metrics_provider().is_some());

        let queue = Queue::with_config(QueueConfig::new().name("global"));
        queue.add("x");
        assert_eq!(provider.snapshot().names, ["global"]);
        assert_eq!(provider.snapshot().adds, 1);
        queue.shut_down();
    }
}
