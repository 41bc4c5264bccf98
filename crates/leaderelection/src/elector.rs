//! [`LeaderElector`]: acquires the lock, leads while it keeps renewing it, steps down,
//! and winds the leader's work down (client-go's `LeaderElector`).
//!
//! Rules:
//! - Leadership ends as soon as the elector reads another holder in the lock, or once
//!   the renew deadline has passed since the start of its last successful renewal by
//!   the monotonic clock ([`Term`]), whichever comes first; the elector checks the
//!   deadline before and after every step, so a resumed process steps down before it
//!   does anything else as leader.
//! - When leadership ends the work's token is cancelled, then the work is awaited (at
//!   most the grace period), then the lock is released (if configured and the work
//!   returned), then `on_stopped_leading` runs and `run` returns.
//! - After a cancellation the elector keeps renewing the lock while the work winds
//!   down, for as long as it holds it.

mod attempt;

use std::sync::Arc;
use std::time::Duration;

use parking_lot::Mutex;
use tokio::time::Instant;
use tokio_util::sync::CancellationToken;

use crate::config::{JITTER_FACTOR, LeaderCallbacks, LeaderElectionConfig, StartedFn};
use crate::lock::ResourceLock;
use crate::metrics::{LeaderMetric, new_leader_metric};
use crate::record::LeaderElectionRecord;
use crate::term::Term;
use crate::work::Work;
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

/// Why a leadership term ended.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Ended {
    /// The election was cancelled.
    Cancelled,
    /// No renewal succeeded within the renew deadline.
    Expired,
    /// Another holder (possibly none) was read in the lock.
    Taken(String),
}

/// A candidate in a leader election. Build one with [`LeaderElector::new`], share it in
/// an `Arc`, and drive it with [`run`](Self::run).
///
/// **When leadership ends.** The leader steps down — the token of its work is
/// cancelled and [`is_leader`](Self::is_leader) turns false — as soon as it reads
/// another holder in the lock, or once the renew deadline has passed since the start of
/// its last successful renewal by the monotonic clock, whichever comes first. Others
/// take over no earlier than the lease duration after they saw that renewal, so a
/// leader stops at least `lease_duration − renew_deadline` before anyone else can lead,
/// provided the clocks of both run at about the same rate. This holds across a pause
/// of the process (SIGSTOP, a long stall): on resuming, the leader finds its deadline
/// passed and steps down before anything else, and a renewal that completes after the
/// deadline does not extend leadership. client-go restarts its deadline at every renew
/// round instead, so a paused leader there can keep leading up to the renew deadline
/// after another took over.
///
/// What remains: the work learns of the end through its token, which the elector's
/// task cancels, and a resumed process may run the work first; check
/// [`is_leader`](Self::is_leader), which reads the clock, right before each action. A
/// process paused between that check and the action can still act late, and a machine
/// whose monotonic clock stops while it is suspended counts the suspension as no time.
/// This is not fencing: keep the work idempotent.
pub struct LeaderElector {
    config: LeaderElectionConfig,
    lock: Arc<dyn ResourceLock>,
    started: Arc<StartedFn>,
    observed: Mutex<Observed>,
    term: Mutex<Term>,
    metric: Arc<dyn LeaderMetric>,
}

impl std::fmt::Debug for LeaderElector {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LeaderElector")
            .field("config", &self.config)
            .field("observed", &*self.observed.lock())
            .field("term", &*self.term.lock())
            .finish()
    }
}

/// Calls `on_stopped_leading` and cancels the work's token when `run` ends, also when
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
        let started = config
            .callbacks
            .on_started_leading
            .clone()
            .ok_or_else(|| Error::Config("OnStartedLeading callback must not be nil".into()))?;
        let metric = new_leader_metric();
        metric.off(&config.name);
        Ok(Self {
            term: Mutex::new(Term::new(config.renew_deadline)),
            config,
            lock,
            started,
            observed: Mutex::new(Observed::default()),
            metric,
        })
    }

    /// The configuration.
    pub fn config(&self) -> &LeaderElectionConfig {
        &self.config
    }

    /// True while this candidate leads: the last observed holder is this candidate and
    /// its term has not ended — in particular, less than the renew deadline has passed
    /// since the start of its last successful renewal, which this reads from the clock
    /// at each call. Safe to poll from the work right before acting as leader.
    pub fn is_leader(&self) -> bool {
        self.holds_lock() && self.term.lock().deadline(Instant::now()).is_some()
    }

    /// The identity of the last observed holder (empty: none).
    pub fn get_leader(&self) -> String {
        self.observed.lock().record.holder_identity.clone()
    }

    /// The last observed record.
    pub fn observed_record(&self) -> LeaderElectionRecord {
        self.observed.lock().record.clone()
    }

    /// Runs the election until leadership ends or `cancel` is cancelled:
    ///
    /// 1. acquires the lock (retrying every retry period with jitter);
    /// 2. spawns the work of `on_started_leading` with a token;
    /// 3. renews every retry period until leadership ends (see [`LeaderElector`]) or
    ///    `cancel` fires;
    /// 4. cancels the work's token and waits for the work to return, at most
    ///    [`work_grace_period`](LeaderElectionConfig::work_grace_period) (then aborts
    ///    it); after a cancellation it keeps renewing the lock meanwhile;
    /// 5. releases the lock if
    ///    [`release_on_cancel`](LeaderElectionConfig::release_on_cancel) is set and the
    ///    work returned;
    /// 6. calls `on_stopped_leading` — **also when leadership was never acquired**.
    ///
    /// Returns when leadership is lost: to compete again, call `run` again. Dropping the
    /// future instead cancels the work's token and calls `on_stopped_leading` without
    /// waiting for the work.
    pub async fn run(&self, cancel: &CancellationToken) {
        let mut guard = StopGuard {
            callbacks: &self.config.callbacks,
            leading: None,
        };
        if !self.acquire(cancel).await {
            return;
        }
        let work = Work::start(self.started.as_ref(), cancel.child_token());
        guard.leading = Some(work.token().clone());
        let ended = self.lead(cancel).await;
        self.term.lock().end();
        work.token().cancel();
        self.metric.off(&self.config.name);
        let description = self.lock.describe();
        match &ended {
            Ended::Cancelled => tracing::info!(lease = %description, "leader election cancelled"),
            Ended::Expired => tracing::info!(lease = %description, "failed to renew lease"),
            Ended::Taken(holder) => {
                tracing::info!(lease = %description, %holder, "lease taken over");
            }
        }
        self.lock.record_event("stopped leading");
        let returned = self.wind_down(work, &ended).await;
        if self.config.release_on_cancel && returned {
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

    /// Leads: renews right away and then every retry period (retrying failed renewals
    /// every retry period) until leadership ends or `cancel` fires. Every wait and
    /// every attempt is cut off at the term's deadline, and the deadline is checked
    /// again after each of them.
    async fn lead(&self, cancel: &CancellationToken) -> Ended {
        loop {
            let Some(deadline) = self.deadline() else {
                return self.why_ended();
            };
            let renewed = tokio::select! {
                renewed = self.try_renew() => renewed,
                () = tokio::time::sleep_until(deadline) => false,
                () = cancel.cancelled() => return Ended::Cancelled,
            };
            self.maybe_report_transition();
            let Some(deadline) = self.deadline() else {
                return self.why_ended();
            };
            if renewed {
                tracing::trace!(lease = %self.lock.describe(), "successfully renewed lease");
            }
            tokio::select! {
                () = tokio::time::sleep(self.config.retry_period) => {}
                () = tokio::time::sleep_until(deadline) => {}
                () = cancel.cancelled() => return Ended::Cancelled,
            }
        }
    }

    /// When the current term ends unless renewed; `None` when this candidate does not
    /// lead (any more).
    fn deadline(&self) -> Option<Instant> {
        if !self.holds_lock() {
            return None;
        }
        self.term.lock().deadline(Instant::now())
    }

    /// Why [`deadline`](Self::deadline) found the term over.
    fn why_ended(&self) -> Ended {
        if self.holds_lock() {
            Ended::Expired
        } else {
            Ended::Taken(self.get_leader())
        }
    }

    /// Waits for the work to return (at most the grace period); after a cancellation
    /// renews the lock meanwhile. True when the work returned.
    async fn wind_down(&self, work: Work, ended: &Ended) -> bool {
        let stopped = work.stop(self.config.work_grace_period);
        if *ended != Ended::Cancelled {
            return stopped.await;
        }
        tokio::pin!(stopped);
        tokio::select! {
            returned = &mut stopped => returned,
            () = self.keep_holding() => stopped.await,
        }
    }

    /// Renews the lock every retry period for as long as this candidate holds it
    /// (the term is over: renewals no longer extend it).
    async fn keep_holding(&self) {
        loop {
            tokio::time::sleep(self.config.retry_period).await;
            if !self.holds_lock() {
                return;
            }
            self.try_renew().await;
        }
    }

    /// Health: `Ok` unless the observed record names this candidate and was not
    /// renewed for longer than the lease duration plus `tolerance`.
    pub fn check(&self, tolerance: Duration) -> Result<()> {
        if !self.holds_lock() {
            return Ok(());
        }
        let observed = self.observed.lock().time;
        let limit = self.config.lease_duration + tolerance;
        match observed {
            Some(time) if time.elapsed() <= limit => Ok(()),
            _ => Err(Error::Unhealthy(self.config.name.clone())),
        }
    }

    /// True when the last observed holder is this candidate (whether or not its term
    /// is over).
    fn holds_lock(&self) -> bool {
        self.observed.lock().record.holder_identity == self.lock.identity()
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

/// `period` plus a random share of up to `JITTER_FACTOR × period`.
fn jittered(period: Duration) -> Duration {
    period + period.mul_f64(fastrand::f64() * JITTER_FACTOR)
}

#[cfg(test)]
mod tests;
