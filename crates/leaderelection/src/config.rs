//! [`LeaderElectionConfig`], its callbacks and client-go's validation rules.

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use futures_util::future::BoxFuture;
use tokio_util::sync::CancellationToken;

use crate::healthz::HealthzAdaptor;
use crate::lock::ResourceLock;
use crate::{Error, Result};

/// Each wait of the acquire loop lasts between `retry_period` and
/// `retry_period × (1 + JITTER_FACTOR)`; the renew deadline must exceed
/// `retry_period × JITTER_FACTOR`.
pub const JITTER_FACTOR: f64 = 1.2;

/// The default of [`LeaderElectionConfig::work_grace_period`]: 10 s.
pub const DEFAULT_WORK_GRACE_PERIOD: Duration = Duration::from_secs(10);

pub(crate) type StartedFn = dyn Fn(CancellationToken) -> BoxFuture<'static, ()> + Send + Sync;
type StoppedFn = dyn Fn() + Send + Sync;
type NewLeaderFn = dyn Fn(String) + Send + Sync;

/// What the elector calls when leadership changes (client-go's
/// `LeaderCallbacks`). `on_started_leading` and `on_stopped_leading` are required.
#[derive(Clone, Default)]
pub struct LeaderCallbacks {
    pub(crate) on_started_leading: Option<Arc<StartedFn>>,
    pub(crate) on_stopped_leading: Option<Arc<StoppedFn>>,
    pub(crate) on_new_leader: Option<Arc<NewLeaderFn>>,
}

impl std::fmt::Debug for LeaderCallbacks {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LeaderCallbacks")
            .field("on_started_leading", &self.on_started_leading.is_some())
            .field("on_stopped_leading", &self.on_stopped_leading.is_some())
            .field("on_new_leader", &self.on_new_leader.is_some())
            .finish()
    }
}

impl LeaderCallbacks {
    /// No callbacks yet (the two required ones must be added before the config
    /// validates).
    pub fn new() -> Self {
        Self::default()
    }

    /// Runs the future `f` returns as its own task when this candidate becomes leader:
    /// the work of the leader.
    ///
    /// The token is cancelled when leadership ends (lost, or the election cancelled):
    /// stop the work then. [`run`](crate::LeaderElector::run) waits for the work to
    /// return before it releases the lock and returns, at most
    /// [`work_grace_period`](LeaderElectionConfig::work_grace_period); a work still
    /// running then is aborted (dropped at its next `.await`).
    ///
    /// The token is cancelled by the elector's task, which may run after the work when
    /// a paused process resumes: check [`LeaderElector::is_leader`](crate::LeaderElector::is_leader),
    /// which reads the clock, right before each action taken as leader.
    pub fn on_started_leading<F, Fut>(mut self, f: F) -> Self
    where
        F: Fn(CancellationToken) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = ()> + Send + 'static,
    {
        self.on_started_leading = Some(Arc::new(move |token| Box::pin(f(token))));
        self
    }

    /// Called when [`LeaderElector::run`](crate::LeaderElector::run) returns, **also when
    /// this candidate never led** (as in client-go).
    pub fn on_stopped_leading<F>(mut self, f: F) -> Self
    where
        F: Fn() + Send + Sync + 'static,
    {
        self.on_stopped_leading = Some(Arc::new(f));
        self
    }

    /// Whether `on_stopped_leading` is set (a layer that adds its own callbacks keeps
    /// the user's).
    pub fn has_on_stopped_leading(&self) -> bool {
        self.on_stopped_leading.is_some()
    }

    /// Called (on its own task) with the identity of every newly observed leader,
    /// this candidate included.
    pub fn on_new_leader<F>(mut self, f: F) -> Self
    where
        F: Fn(String) + Send + Sync + 'static,
    {
        self.on_new_leader = Some(Arc::new(f));
        self
    }
}

/// The configuration of a [`LeaderElector`](crate::LeaderElector) (client-go's
/// `LeaderElectionConfig`). The three durations have no defaults in client-go and are
/// required; [`LeaderElectionConfig::kube_defaults`] sets the values core Kubernetes
/// components use (15 s / 10 s / 2 s).
#[derive(Clone)]
pub struct LeaderElectionConfig {
    /// The lock competed for.
    pub lock: Option<Arc<dyn ResourceLock>>,
    /// How long non-leaders wait, after last seeing the record change, before they try
    /// to take over. Must exceed `renew_deadline`.
    pub lease_duration: Duration,
    /// How long leadership lasts after the start of the leader's last successful
    /// renewal, by its monotonic clock: the leader steps down when it could not renew
    /// within this time. Must exceed `retry_period × JITTER_FACTOR`.
    pub renew_deadline: Duration,
    /// The wait between attempts to acquire or renew.
    pub retry_period: Duration,
    /// The leadership callbacks.
    pub callbacks: LeaderCallbacks,
    /// A health check to attach the elector to (see [`HealthzAdaptor`]).
    pub watchdog: Option<Arc<HealthzAdaptor>>,
    /// Release the lock (empty holder, 1 s duration) when leadership ends, so that
    /// another candidate takes over within about a retry period instead of after the
    /// lease duration. The lock is released only once the work has returned: not when
    /// it had to be aborted after the grace period.
    pub release_on_cancel: bool,
    /// How long [`run`](crate::LeaderElector::run) waits, once leadership ended, for the
    /// work started by `on_started_leading` to return before aborting it (default
    /// [`DEFAULT_WORK_GRACE_PERIOD`]). After a cancellation the elector keeps renewing
    /// the lock meanwhile, so nobody else takes over while the work winds down.
    pub work_grace_period: Duration,
    /// Name used in metrics and health messages.
    pub name: String,
    /// Coordinated leader election: a central controller picks the holder; the elector
    /// never creates the lock and stops renewing once another holder is preferred.
    pub coordinated: bool,
}

impl std::fmt::Debug for LeaderElectionConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LeaderElectionConfig")
            .field("lock", &self.lock.as_ref().map(|lock| lock.describe()))
            .field("lease_duration", &self.lease_duration)
            .field("renew_deadline", &self.renew_deadline)
            .field("retry_period", &self.retry_period)
            .field("callbacks", &self.callbacks)
            .field("release_on_cancel", &self.release_on_cancel)
            .field("work_grace_period", &self.work_grace_period)
            .field("name", &self.name)
            .field("coordinated", &self.coordinated)
            .finish()
    }
}

impl LeaderElectionConfig {
    /// A config over `lock` with the given durations and callbacks; the work grace
    /// period is [`DEFAULT_WORK_GRACE_PERIOD`], the other fields are off/empty.
    pub fn new(
        lock: Arc<dyn ResourceLock>,
        lease_duration: Duration,
        renew_deadline: Duration,
        retry_period: Duration,
        callbacks: LeaderCallbacks,
    ) -> Self {
        Self {
            lock: Some(lock),
            lease_duration,
            renew_deadline,
            retry_period,
            callbacks,
            watchdog: None,
            release_on_cancel: false,
            work_grace_period: DEFAULT_WORK_GRACE_PERIOD,
            name: String::new(),
            coordinated: false,
        }
    }

    /// A config over `lock` with the durations of kube-controller-manager and the
    /// scheduler: lease 15 s, renew deadline 10 s, retry 2 s.
    pub fn kube_defaults(lock: Arc<dyn ResourceLock>, callbacks: LeaderCallbacks) -> Self {
        Self::new(
            lock,
            Duration::from_secs(15),
            Duration::from_secs(10),
            Duration::from_secs(2),
            callbacks,
        )
    }

    /// Sets [`release_on_cancel`](Self::release_on_cancel).
    pub fn release_on_cancel(mut self, release: bool) -> Self {
        self.release_on_cancel = release;
        self
    }

    /// Sets [`work_grace_period`](Self::work_grace_period).
    pub fn work_grace_period(mut self, grace: Duration) -> Self {
        self.work_grace_period = grace;
        self
    }

    /// Sets [`name`](Self::name).
    pub fn name(mut self, name: impl Into<String>) -> Self {
        self.name = name.into();
        self
    }

    /// Sets [`watchdog`](Self::watchdog).
    pub fn watchdog(mut self, watchdog: Arc<HealthzAdaptor>) -> Self {
        self.watchdog = Some(watchdog);
        self
    }

    /// Checks client-go's rules in client-go's order (the first failure wins, with
    /// client-go's message).
    pub fn validate(&self) -> Result<()> {
        let fail = |message: &str| Err(Error::Config(message.to_owned()));
        if self.lease_duration <= self.renew_deadline {
            return fail("leaseDuration must be greater than renewDeadline");
        }
        if self.renew_deadline.as_secs_f64() <= JITTER_FACTOR * self.retry_period.as_secs_f64() {
            return fail("renewDeadline must be greater than retryPeriod*JitterFactor");
        }
        if self.lease_duration.is_zero() {
            return fail("leaseDuration must be greater than zero");
        }
        if self.renew_deadline.is_zero() {
            return fail("renewDeadline must be greater than zero");
        }
        if self.retry_period.is_zero() {
            return fail("retryPeriod must be greater than zero");
        }
        if self.callbacks.on_started_leading.is_none() {
            return fail("OnStartedLeading callback must not be nil");
        }
        if self.callbacks.on_stopped_leading.is_none() {
            return fail("OnStoppedLeading callback must not be nil");
        }
        let Some(lock) = &self.lock else {
            return fail("Lock must not be nil.");
        };
        if lock.identity().is_empty() {
            return fail("Lock identity is empty");
        }
        Ok(())
    }
}
