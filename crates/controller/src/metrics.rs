//! [`ControllerMetrics`]: controller-runtime's reconcile metrics and the work queue's,
//! registered once in a Prometheus registry and shared by every controller.

use std::sync::Arc;

use clientgo_workqueue::prometheus::PrometheusMetricsProvider;
use prometheus::{HistogramOpts, HistogramVec, IntCounterVec, Opts, Registry};

/// The metrics of every controller of a process: register them once, pass them to each
/// [`Controller`](crate::Controller) (their series carry the controller's name).
#[derive(Clone)]
pub struct ControllerMetrics {
    total: IntCounterVec,
    errors: IntCounterVec,
    time: HistogramVec,
    pub(crate) queues: Arc<PrometheusMetricsProvider>,
}

impl std::fmt::Debug for ControllerMetrics {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ControllerMetrics").finish_non_exhaustive()
    }
}

impl ControllerMetrics {
    /// Registers the reconcile metrics and the `workqueue_*` metrics in `registry`;
    /// fails when they are registered there already.
    pub fn register(registry: &Registry) -> prometheus::Result<Self> {
        let total = IntCounterVec::new(
            Opts::new(
                "controller_runtime_reconcile_total",
                "Total number of reconciliations per controller",
            ),
            &["controller", "result"],
        )?;
        let errors = IntCounterVec::new(
            Opts::new(
                "controller_runtime_reconcile_errors_total",
                "Total number of reconciliation errors per controller",
            ),
            &["controller"],
        )?;
        let time = HistogramVec::new(
            HistogramOpts::new(
                "controller_runtime_reconcile_time_seconds",
                "Length of time per reconciliation per controller",
            )
            .buckets(vec![
                0.005, 0.01, 0.025, 0.05, 0.1, 0.15, 0.2, 0.25, 0.3, 0.35, 0.4, 0.45, 0.5, 0.6,
                0.7, 0.8, 0.9, 1.0, 1.25, 1.5, 1.75, 2.0, 2.5, 3.0, 3.5, 4.0, 4.5, 5.0, 6.0, 7.0,
                8.0, 9.0, 10.0, 15.0, 20.0, 25.0, 30.0, 40.0, 50.0, 60.0,
            ]),
            &["controller"],
        )?;
        registry.register(Box::new(total.clone()))?;
        registry.register(Box::new(errors.clone()))?;
        registry.register(Box::new(time.clone()))?;
        let queues = Arc::new(PrometheusMetricsProvider::new(registry)?);
        Ok(Self {
            total,
            errors,
            time,
            queues,
        })
    }

    /// Counts one reconcile of `controller` that took `seconds` with `result`
    /// (`success`, `requeue_after` or `error`).
    pub(crate) fn observe(&self, controller: &str, result: &str, seconds: f64) {
        self.total.with_label_values(&[controller, result]).inc();
        if result == "error" {
            self.errors.with_label_values(&[controller]).inc();
        }
        self.time.with_label_values(&[controller]).observe(seconds);
    }
}
