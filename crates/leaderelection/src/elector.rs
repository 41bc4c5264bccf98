//! [`LeaderElector`]: acquires the lock, keeps renewing it while leading, and steps down
//! when it cannot (client-go's `LeaderElector`).

use std::sync::Arc;
use std::time::Duration;

use clientgo_apimachinery::meta::MicroTime;
use parking_lot::Mutex;
use tokio::time::Instant;
use tokio_util::sync::CancellationToken;

use crate::config::{JITTER_FACTOR, LeaderCallbacks, LeaderElectionConfig};
use crate::lock::ResourceLock;
use crate::metrics::{LeaderMetric, new_leader_metric};
use crate::record::LeaderElectionRecord;
use crate::{Error, Result};

/// What this candidate last saw of the lock.
#[derive(Debug, Default)]
struct Observed {
    record: LeaderElectionRecord,
    raw: Vec<u8>,
    /// LOCAL time the record was last seen to change: the only clock expiry is judged
    /// by (the timestamps in the record come from other machines' clocks).
    time: Option<Instant>,
    /// The holder last passed to `on_new_leader`.
    reported_leader: String,
}

/// A candidate in a leader election. Build one with [`LeaderElector::new`], share it in
/// an `Arc`, and drive it with [`run`](Self::run).
///
/// Leadership is **not fencing**: the previous leader stops at most `renew_deadline`
/// after its last successful renewal and others wait `lease_duration` (longer) after
/// last seeing the lock change, but a paused process or a clock running at a different
/// rate can still make two candidates briefly believe they lead. Keep the work
/// idempotent.
pub struct LeaderElector {
    config: LeaderElectionConfig,
    lock: Arc<dyn ResourceLock>,
    observed: Mutex<Observed>,
    metric: Arc<dyn LeaderMetric>,
}

impl std::fmt::Debug for LeaderElector {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LeaderElector")
            .field("config", &self.config)
            .field("observed", &*self.observed.lock())
            .finish()
    }
}

/// Calls `on_stopped_leading` and cancels the leader's token when `run` ends, also when
/// its future is dropped.
struct StopGuard<'a> {
    callbacks: &'a LeaderCallbacks,
    leading: Option<CancellationToken>,
}

impl Drop for StopGuard<'_> {
    fn drop(&mut self) {
        if let Some(token) = &self.leading {
            token.cancel();
        }
        if let Some(stopped) = &self.callbacks.on_stopped_leading {
            stopped();
        }
    }
}

impl LeaderElector {
    /// Validates `config` ([`LeaderElectionConfig::validate`]) and builds the elector.
    pub fn new(config: LeaderElectionConfig) -> Result<Self> {
        config.validate()?;
        let lock = config
            .lock
            .clone()
            .ok_or_else(|| Error::Config("Lock must not be nil.".into()))?;
        let metric = new_leader_metric();
        metric.off(&config.name);
        Ok(Self {
            config,
            lock,
            observed: Mutex::new(Observed::default()),
            metric,
        })
    }

    /// The configuration.
    pub fn config(&self) -> &LeaderElectionConfig {
        &self.config
    }

    /// True when the last observed holder is this candidate.
    pub fn is_leader(&self) -> bool {
        self.observed.lock().record.holder_identity == self.lock.identity()
    }

    /// The identity of the last observed holder (empty: none).
    pub fn get_leader(&self) -> String {
        self.observed.lock().record.holder_identity.clone()
    }

    /// The last observed record.
    pub fn observed_record(&self) -> LeaderElectionRecord {
        self.observed.lock().record.clone()
    }

    /// Runs the election until `cancel` is cancelled: acquires the lock (retrying every
    /// retry period with jitter), spawns `on_started_leading` with a token that is
    /// cancelled when leadership ends, renews until the renew deadline passes without
    /// success or `cancel` fires, releases the lock if
    /// [`release_on_cancel`](LeaderElectionConfig::release_on_cancel) is set and the
    /// election was cancelled, and finally calls `on_stopped_leading` — **also when
    /// leadership was never acquired**.
    ///
    /// Returns when leadership is lost: to compete again, call `run` again.
    pub async fn run(&self, cancel: &CancellationToken) {
        let mut guard = StopGuard {
            callbacks: &self.config.callbacks,
            leading: None,
        };
        if !self.acquire(cancel).await {
            return;
        }
        let leading = cancel.child_token();
        guard.leading = Some(leading.clone());
        if let Some(started) = &self.config.callbacks.on_started_leading {
            tokio::spawn(started(leading.clone()));
        }
        self.renew(cancel).await;
        leading.cancel();
        self.lock.record_event("stopped leading");
        if self.config.release_on_cancel && cancel.is_cancelled() {
            self.release().await;
        }
    }

    /// Tries until it holds the lock; false when cancelled first.
    async fn acquire(&self, cancel: &CancellationToken) -> bool {
        let description = self.lock.describe();
        tracing::info!(lease = %description, "attempting to acquire leader lease");
        loop {
            let acquired = tokio::select! {
                acquired = self.try_acquire_or_renew() => acquired,
                () = cancel.cancelled() => return false,
            };
            self.maybe_report_transition();
            if acquired {
                self.lock.record_event("became leader");
                self.metric.on(&self.config.name);
                tracing::info!(lease = %description, "successfully acquired lease");
                return true;
            }
            tracing::debug!(lease = %description, "failed to acquire lease");
            tokio::select! {
                () = tokio::time::sleep(jittered(self.config.retry_period)) => {}
                () = cancel.cancelled() => return false,
            }
        }
    }

    /// Renews every retry period until a renewal does not succeed within the renew
    /// deadline or `cancel` fires.
    async fn renew(&self, cancel: &CancellationToken) {
        let description = self.lock.describe();
        loop {
            let renewed = self.renew_within_deadline(cancel).await;
            self.maybe_report_transition();
            if !renewed {
                self.metric.off(&self.config.name);
                if cancel.is_cancelled() {
                    tracing::info!(lease = %description, "leader election cancelled");
                } else {
                    tracing::info!(lease = %description, "failed to renew lease");
                }
                return;
            }
            tracing::trace!(lease = %description, "successfully renewed lease");
            tokio::select! {
                () = tokio::time::sleep(self.config.retry_period) => {}
                () = cancel.cancelled() => {
                    self.metric.off(&self.config.name);
                    return;
                }
            }
        }
    }

    /// One renewal: attempts right away and then every retry period, each attempt cut
    /// off at the renew deadline.
    async fn renew_within_deadline(&self, cancel: &CancellationToken) -> bool {
        let attempts = async {
            loop {
                if self.try_acquire_or_renew().await {
                    return true;
                }
                tokio::time::sleep(self.config.retry_period).await;
            }
        };
        tokio::select! {
            renewed = tokio::time::timeout(self.config.renew_deadline, attempts) => {
                renewed.unwrap_or(false)
            }
            () = cancel.cancelled() => false,
        }
    }

    /// One attempt to acquire or renew the lock; true when this candidate holds it
    /// afterwards.
    pub(crate) async fn try_acquire_or_renew(&self) -> bool {
        let now = MicroTime::now();
        let desired = LeaderElectionRecord {
            holder_identity: self.lock.identity().to_owned(),
            lease_duration_seconds: whole_seconds(self.config.lease_duration),
            acquire_time: now,
            renew_time: now,
            ..LeaderElectionRecord::default()
        };
        if self.config.coordinated {
            return self.try_coordinated_renew(desired).await;
        }

        // Fast path: renew what we hold without reading it first.
        if self.is_leader() && self.is_lease_valid(Instant::now()) {
            let old = self.observed_record();
            let record = LeaderElectionRecord {
                acquire_time: old.acquire_time,
                leader_transitions: old.leader_transitions,
                ..desired.clone()
            };
            match self.lock.update(record.clone()).await {
                Ok(()) => {
                    self.set_observed_record(record);
                    return true;
                }
                Err(error) => tracing::info!(
                    lease = %self.lock.describe(), %error,
                    "failed to update lease optimistically, falling back to slow path"
                ),
            }
        }

        // Slow path: read the lock.
        let old = match self.lock.get().await {
            Ok((old, raw)) => {
                self.observe_raw(old.clone(), raw);
                old
            }
            Err(error) if error.is_not_found() => {
                return match self.lock.create(desired.clone()).await {
                    Ok(()) => {
                        self.set_observed_record(desired);
                        true
                    }
                    Err(error) => {
                        tracing::error!(lease = %self.lock.describe(), %error, "error initially creating lease lock");
                        false
                    }
                };
            }
            Err(error) => {
                tracing::error!(lease = %self.lock.describe(), %error, "error retrieving resource lock");
                return false;
            }
        };

        if !old.holder_identity.is_empty()
            && self.is_lease_valid(Instant::now())
            && !self.is_leader()
        {
            tracing::debug!(
                lease = %self.lock.describe(), holder = %old.holder_identity,
                "lock is held and has not yet expired"
            );
            return false;
        }

        let record = if self.is_leader() {
            self.metric.slowpath_exercised(&self.config.name);
            LeaderElectionRecord {
                acquire_time: old.acquire_time,
                leader_transitions: old.leader_transitions,
                ..desired
            }
        } else {
            LeaderElectionRecord {
                leader_transitions: old.leader_transitions.saturating_add(1),
                ..desired
            }
        };
        match self.lock.update(record.clone()).await {
            Ok(()) => {
                self.set_observed_record(record);
                true
            }
            Err(error) => {
                tracing::error!(lease = %self.lock.describe(), %error, "failed to update lock");
                false
            }
        }
    }

    /// The coordinated variant: never creates the lock, only renews a lease a central
    /// coordinator gave to this candidate, and stops renewing once another holder is
    /// preferred.
    async fn try_coordinated_renew(&self, desired: LeaderElectionRecord) -> bool {
        let old = match self.lock.get().await {
            Ok((old, raw)) => {
                self.observe_raw(old.clone(), raw);
                old
            }
            Err(error) => {
                tracing::debug!(lease = %self.lock.describe(), %error, "coordinated lease not available");
                return false;
            }
        };
        if !self.is_lease_valid(Instant::now()) {
            tracing::debug!(lease = %self.lock.describe(), "lease has expired");
            return false;
        }
        if !self.is_leader() || !old.preferred_holder.is_empty() {
            return false;
        }
        let record = LeaderElectionRecord {
            acquire_time: old.acquire_time,
            leader_transitions: old.leader_transitions,
            strategy: old.strategy,
            ..desired
        };
        match self.lock.update(record.clone()).await {
            Ok(()) => {
                self.set_observed_record(record);
                true
            }
            Err(error) => {
                tracing::error!(lease = %self.lock.describe(), %error, "failed to update lock");
                false
            }
        }
    }

    /// Gives the lock up if this candidate holds it: empty holder, a one-second lease,
    /// same transition count. Retries on conflicts; bounded by the renew deadline. True
    /// when released or nothing was to release.
    pub(crate) async fn release(&self) -> bool {
        let attempt = async {
            loop {
                let old = match self.lock.get().await {
                    Ok((old, _)) => old,
                    Err(error) => {
                        tracing::error!(lease = %self.lock.describe(), %error, "error retrieving resource lock");
                        return false;
                    }
                };
                if old.holder_identity != self.lock.identity() {
                    return true;
                }
                let now = MicroTime::now();
                let record = LeaderElectionRecord {
                    leader_transitions: old.leader_transitions,
                    lease_duration_seconds: 1,
                    acquire_time: now,
                    renew_time: now,
                    ..LeaderElectionRecord::default()
                };
                match self.lock.update(record.clone()).await {
                    Ok(()) => {
                        self.set_observed_record(record);
                        return true;
                    }
                    Err(error) if error.is_conflict() => {
                        tracing::debug!(lease = %self.lock.describe(), "conflict releasing lease, retrying");
                    }
                    Err(error) => {
                        tracing::error!(lease = %self.lock.describe(), %error, "failed to release lease");
                        return false;
                    }
                }
            }
        };
        let released = tokio::time::timeout(self.config.renew_deadline, attempt)
            .await
            .unwrap_or(false);
        if released {
            tracing::info!(lease = %self.lock.describe(), "released lease");
        }
        released
    }

    /// Health: `Ok` unless this candidate leads and has not renewed for longer than the
    /// lease duration plus `tolerance`.
    pub fn check(&self, tolerance: Duration) -> Result<()> {
        if !self.is_leader() {
            return Ok(());
        }
        let observed = self.observed.lock().time;
        let limit = self.config.lease_duration + tolerance;
        match observed {
            Some(time) if time.elapsed() <= limit => Ok(()),
            _ => Err(Error::Unhealthy(self.config.name.clone())),
        }
    }

    /// Whether the observed lease is still valid by the local clock.
    fn is_lease_valid(&self, now: Instant) -> bool {
        let observed = self.observed.lock();
        let duration =
            Duration::from_secs(u64::try_from(observed.record.lease_duration_seconds).unwrap_or(0));
        observed.time.is_some_and(|time| time + duration > now)
    }

    /// Takes a freshly read record into account: a change of its raw form restarts
    /// the expiry clock.
    fn observe_raw(&self, record: LeaderElectionRecord, raw: Vec<u8>) {
        let mut observed = self.observed.lock();
        if observed.raw != raw {
            observed.record = record;
            observed.raw = raw;
            observed.time = Some(Instant::now());
        }
    }

    /// Records what this candidate just wrote.
    fn set_observed_record(&self, record: LeaderElectionRecord) {
        let mut observed = self.observed.lock();
        observed.record = record;
        observed.time = Some(Instant::now());
    }

    /// Calls `on_new_leader` (on its own task) when the observed holder changed. An
    /// empty holder (a released lock) is remembered but not reported.
    fn maybe_report_transition(&self) {
        let holder = {
            let mut observed = self.observed.lock();
            if observed.record.holder_identity == observed.reported_leader {
                return;
            }
            observed.reported_leader = observed.record.holder_identity.clone();
            observed.reported_leader.clone()
        };
        if holder.is_empty() {
            return;
        }
        if let Some(callback) = self.config.callbacks.on_new_leader.clone() {
            tokio::spawn(async move { callback(holder) });
        }
    }
}

/// Validates `config`, attaches the elector to the config's watchdog, and runs it until
/// `cancel` fires or leadership is lost (client-go's `RunOrDie`, returning the
/// validation error instead of panicking).
pub async fn run(config: LeaderElectionConfig, cancel: &CancellationToken) -> Result<()> {
    let watchdog = config.watchdog.clone();
    let elector = Arc::new(LeaderElector::new(config)?);
    if let Some(watchdog) = watchdog {
        watchdog.set_leader_election(elector.clone());
    }
    elector.run(cancel).await;
    Ok(())
}

/// A duration in whole seconds (as client-go writes `leaseDurationSeconds`).
fn whole_seconds(duration: Duration) -> i32 {
    i32::try_from(duration.as_secs()).unwrap_or(i32::MAX)
}

/// `period` plus a random share of up to `JITTER_FACTOR × period`.
fn jittered(period: Duration) -> Duration {
    period + period.mul_f64(fastrand::f64() * JITTER_FACTOR)
}

#[cfg(test)]
mod tests;
