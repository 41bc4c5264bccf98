//! Work queue metrics for Prometheus (feature `prometheus`, on by default).
//!
//! [`PrometheusMetricsProvider`] registers the metrics Kubernetes components export for
//! their work queues, each labelled with the queue `name`:
//!
//! | name | type |
//! |---|---|
//! | `workqueue_depth` | gauge |
//! | `workqueue_adds_total` | counter |
//! | `workqueue_queue_duration_seconds` | histogram |
//! | `workqueue_work_duration_seconds` | histogram |
//! | `workqueue_unfinished_work_seconds` | gauge |
//! | `workqueue_longest_running_processor_seconds` | gauge |
//! | `workqueue_retries_total` | counter |
//!
//! Histogram buckets are 10 ns, 100 ns, … 10 s (ten buckets, as in Kubernetes).
//!
//! ```
//! use std::sync::Arc;
//! use clientgo_workqueue::prometheus::PrometheusMetricsProvider;
//! use clientgo_workqueue::{Queue, QueueConfig};
//!
//! let registry = prometheus::Registry::new();
//! let provider = Arc::new(PrometheusMetricsProvider::new(&registry)?);
//! let queue = Queue::with_config(QueueConfig::new().name("pods").metrics_provider(provider));
//! queue.add("default/web");
//!
//! let text = prometheus::TextEncoder::new().encode_to_string(&registry.gather())?;
//! assert!(text.contains("workqueue_depth{name=\"pods\"} 1"));
//! assert!(text.contains("workqueue_adds_total{name=\"pods\"} 1"));
//! # Ok::<(), prometheus::Error>(())
//! ```

use ::prometheus::core::Collector;
use ::prometheus::{
    Gauge, GaugeVec, Histogram, HistogramOpts, HistogramVec, IntCounter, IntCounterVec, IntGauge,
    IntGaugeVec, Opts, Registry,
};

use crate::metrics::{
    CounterMetric, GaugeMetric, HistogramMetric, MetricsProvider, NoopMetric, SettableGaugeMetric,
};

/// The label carrying the queue name.
const NAME_LABEL: &str = "name";

/// Exports queue metrics under client-go's names into a Prometheus [`Registry`]. See the
/// [module documentation](self).
#[derive(Debug, Clone)]
pub struct PrometheusMetricsProvider {
    depth: IntGaugeVec,
    adds: IntCounterVec,
    latency: HistogramVec,
    work_duration: HistogramVec,
    unfinished_work: GaugeVec,
    longest_running: GaugeVec,
    retries: IntCounterVec,
}

impl PrometheusMetricsProvider {
    /// Creates the seven metric families and registers them in `registry`. Fails when
    /// they are registered there already.
    pub fn new(registry: &Registry) -> Result<Self, ::prometheus::Error> {
        let provider = Self::unregistered()?;
        for collector in provider.collectors() {
            registry.register(collector)?;
        }
        Ok(provider)
    }

    fn unregistered() -> Result<Self, ::prometheus::Error> {
        let buckets = ::prometheus::exponential_buckets(10e-9, 10.0, 10)?;
        let labels = &[NAME_LABEL];
        Ok(Self {
            depth: IntGaugeVec::new(
                Opts::new("workqueue_depth", "Current depth of the work queue."),
                labels,
            )?,
            adds: IntCounterVec::new(
                Opts::new(
                    "workqueue_adds_total",
                    "Total number of adds handled by the work queue.",
                ),
                labels,
            )?,
            latency: HistogramVec::new(
                HistogramOpts::new(
                    "workqueue_queue_duration_seconds",
                    "How long in seconds an item stays in the work queue before being handed to a worker.",
                )
                .buckets(buckets.clone()),
                labels,
            )?,
            work_duration: HistogramVec::new(
                HistogramOpts::new(
                    "workqueue_work_duration_seconds",
                    "How long in seconds processing an item from the work queue takes.",
                )
                .buckets(buckets),
                labels,
            )?,
            unfinished_work: GaugeVec::new(
                Opts::new(
                    "workqueue_unfinished_work_seconds",
                    "Seconds of work in progress that work_duration has not observed yet. \
                     Large values indicate stuck workers; its growth rate estimates their number.",
                ),
                labels,
            )?,
            longest_running: GaugeVec::new(
                Opts::new(
                    "workqueue_longest_running_processor_seconds",
                    "How many seconds the longest running worker of the work queue has been running.",
                ),
                labels,
            )?,
            retries: IntCounterVec::new(
                Opts::new(
                    "workqueue_retries_total",
                    "Total number of retries handled by the work queue.",
                ),
                labels,
            )?,
        })
    }

    fn collectors(&self) -> [Box<dyn Collector>; 7] {
        [
            Box::new(self.depth.clone()),
            Box::new(self.adds.clone()),
            Box::new(self.latency.clone()),
            Box::new(self.work_duration.clone()),
            Box::new(self.unfinished_work.clone()),
            Box::new(self.longest_running.clone()),
            Box::new(self.retries.clone()),
        ]
    }
}

/// The child of `vec` for queue `name`, or a no-op metric should the label be rejected.
macro_rules! child {
    ($vec:expr, $name:expr) => {
        match $vec.get_metric_with_label_values(&[$name]) {
            Ok(metric) => Box::new(metric),
            Err(error) => {
                tracing::warn!(%error, queue = $name, "work queue metric unavailable");
                Box::new(NoopMetric)
            }
        }
    };
}

impl MetricsProvider for PrometheusMetricsProvider {
    fn new_depth_metric(&self, name: &str) -> Box<dyn GaugeMetric> {
        child!(self.depth, name)
    }
    fn new_adds_metric(&self, name: &str) -> Box<dyn CounterMetric> {
        child!(self.adds, name)
    }
    fn new_latency_metric(&self, name: &str) -> Box<dyn HistogramMetric> {
        child!(self.latency, name)
    }
    fn new_work_duration_metric(&self, name: &str) -> Box<dyn HistogramMetric> {
        child!(self.work_duration, name)
    }
    fn new_unfinished_work_seconds_metric(&self, name: &str) -> Box<dyn SettableGaugeMetric> {
        child!(self.unfinished_work, name)
    }
    fn new_longest_running_processor_seconds_metric(
        &self,
        name: &str,
    ) -> Box<dyn SettableGaugeMetric> {
        child!(self.longest_running, name)
    }
    fn new_retries_metric(&self, name: &str) -> Box<dyn CounterMetric> {
        child!(self.retries, name)
    }
}

impl GaugeMetric for IntGauge {
    fn inc(&self) {
        IntGauge::inc(self);
    }
    fn dec(&self) {
        IntGauge::dec(self);
    }
}

impl CounterMetric for IntCounter {
    fn inc(&self) {
        IntCounter::inc(self);
    }
}

impl HistogramMetric for Histogram {
    fn observe(&self, value: f64) {
        Histogram::observe(self, value);
    }
}

impl SettableGaugeMetric for Gauge {
    fn set(&self, value: f64) {
        Gauge::set(self, value);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{DelayingQueue, Queue, QueueConfig};
    use std::sync::Arc;
    use std::time::Duration;

    /// The registry in the text exposition format.
    fn exposition(registry: &Registry) -> String {
        ::prometheus::TextEncoder::new()
            .encode_to_string(&registry.gather())
            .unwrap()
    }

    /// The value of the sample line starting with `series` (name and labels).
    fn sample(text: &str, series: &str) -> f64 {
        text.lines()
            .find_map(|line| line.strip_prefix(series)?.strip_prefix(' '))
            .unwrap_or_else(|| panic!("{series} not exported in:\n{text}"))
            .parse()
            .unwrap()
    }

    #[tokio::test(start_paused = true)]
    async fn exports_client_go_names_labelled_by_queue() {
        let registry = Registry::new();
        let provider = Arc::new(PrometheusMetricsProvider::new(&registry).unwrap());
        let queue = DelayingQueue::with_config(
            QueueConfig::new()
                .name("pods")
                .metrics_provider(provider.clone()),
        );
        queue.add("a");
        queue.add("b");
        let item = queue.get().await.unwrap();
        tokio::time::sleep(Duration::from_millis(600)).await;
        queue.done(&item);
        queue.add_after("c", Duration::from_secs(1));

        let text = exposition(&registry);
        assert_eq!(sample(&text, r#"workqueue_depth{name="pods"}"#), 1.0);
        assert_eq!(sample(&text, r#"workqueue_adds_total{name="pods"}"#), 2.0);
        assert_eq!(
            sample(
                &text,
                r#"workqueue_queue_duration_seconds_count{name="pods"}"#
            ),
            1.0
        );
        assert_eq!(
            sample(
                &text,
                r#"workqueue_queue_duration_seconds_bucket{name="pods",le="0.00000001"}"#
            ),
            1.0,
            "added and taken at the same instant"
        );
        assert_eq!(
            sample(
                &text,
                r#"workqueue_queue_duration_seconds_bucket{name="pods",le="10"}"#
            ),
            1.0
        );
        assert_eq!(
            sample(
                &text,
                r#"workqueue_work_duration_seconds_count{name="pods"}"#
            ),
            1.0
        );
        let work = sample(&text, r#"workqueue_work_duration_seconds_sum{name="pods"}"#);
        assert!((work - 0.6).abs() < 1e-9, "{work}");
        let unfinished = sample(&text, r#"workqueue_unfinished_work_seconds{name="pods"}"#);
        assert!((unfinished - 0.5).abs() < 1e-9, "{unfinished}");
        let longest = sample(
            &text,
            r#"workqueue_longest_running_processor_seconds{name="pods"}"#,
        );
        assert!((longest - 0.5).abs() < 1e-9, "{longest}");
        assert_eq!(
            sample(&text, r#"workqueue_retries_total{name="pods"}"#),
            1.0
        );
        let buckets = text
            .lines()
            .filter(|l| l.starts_with(r#"workqueue_work_duration_seconds_bucket{name="pods""#))
            .count();
        assert_eq!(buckets, 11, "ten buckets and +Inf");

        // A second queue gets its own label value.
        let other = Queue::with_config(QueueConfig::new().name("nodes").metrics_provider(provider));
        other.add("x");
        let text = exposition(&registry);
        assert_eq!(sample(&text, r#"workqueue_depth{name="nodes"}"#), 1.0);
        assert_eq!(sample(&text, r#"workqueue_depth{name="pods"}"#), 1.0);
        queue.shut_down();
        other.shut_down();
    }

    #[test]
    fn registering_twice_in_one_registry_fails() {
        let registry = Registry::new();
        assert!(PrometheusMetricsProvider::new(&registry).is_ok());
        assert!(PrometheusMetricsProvider::new(&registry).is_err());
    }
}
