//! One exchange with the lock: an attempt to acquire or renew it, and its release
//! (client-go's `tryAcquireOrRenew`, `tryCoordinatedRenew` and `release`).
//!
//! Rules:
//! - Expiry of another holder's lease is judged by the local clock only, from when this
//!   candidate last saw the record change.
//! - The leader renews on the fast path (an update over the cached lock, no read);
//!   when that fails it reads the lock first (the slow path).
//! - A renewal never takes the lock over: when the leader reads another holder (or no
//!   lock at all) it fails, and leaves the record it read observed.
//! - Every successful write of this candidate's record is dated, for its term, by the
//!   instant the attempt started.

use tokio::time::Instant;

use clientgo_apimachinery::meta::MicroTime;

use super::LeaderElector;
use crate::record::LeaderElectionRecord;

/// What an attempt is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Attempt {
    /// Acquire the lock, or renew it if this candidate holds it.
    Acquire,
    /// Keep the lock this candidate holds.
    Renew,
}

impl LeaderElector {
    /// One attempt to acquire the lock (renewing it if this candidate holds it); true
    /// when this candidate holds it afterwards. A success begins a term.
    pub(crate) async fn try_acquire_or_renew(&self) -> bool {
        self.attempt(Attempt::Acquire).await
    }

    /// One attempt to renew the lock this candidate holds; true when renewed. A
    /// success extends the term unless it is over by the time the renewal completes.
    pub(crate) async fn try_renew(&self) -> bool {
        self.attempt(Attempt::Renew).await
    }

    async fn attempt(&self, attempt: Attempt) -> bool {
        let started = Instant::now();
        let now = MicroTime::now();
        let desired = LeaderElectionRecord {
            holder_identity: self.lock.identity().to_owned(),
            lease_duration_seconds: whole_seconds(self.config.lease_duration),
            acquire_time: now,
            renew_time: now,
            ..LeaderElectionRecord::default()
        };
        let written = if self.config.coordinated {
            self.try_coordinated_renew(desired).await
        } else {
            self.try_write(desired, attempt).await
        };
        let Some(record) = written else {
            return false;
        };
        self.set_observed_record(record);
        let mut term = self.term.lock();
        match attempt {
            Attempt::Acquire => term.begin(started),
            Attempt::Renew => term.renewed(started, Instant::now()),
        }
        true
    }

    /// The non-coordinated attempt: the record written, if any.
    async fn try_write(
        &self,
        desired: LeaderElectionRecord,
        attempt: Attempt,
    ) -> Option<LeaderElectionRecord> {
        // Fast path: renew what we hold without reading it first.
        if self.holds_lock() && self.is_lease_valid(Instant::now()) {
            let old = self.observed_record();
            let record = LeaderElectionRecord {
                acquire_time: old.acquire_time,
                leader_transitions: old.leader_transitions,
                ..desired.clone()
            };
            match self.lock.update(record.clone()).await {
                Ok(()) => return Some(record),
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
            Err(error) if error.is_not_found() && attempt == Attempt::Renew => {
                tracing::info!(lease = %self.lock.describe(), "lease is gone");
                // Nobody holds a lock that does not exist.
                self.observe_raw(LeaderElectionRecord::default(), Vec::new());
                return None;
            }
            Err(error) if error.is_not_found() => {
                return match self.lock.create(desired.clone()).await {
                    Ok(()) => Some(desired),
                    Err(error) => {
                        tracing::error!(lease = %self.lock.describe(), %error, "error initially creating lease lock");
                        None
                    }
                };
            }
            Err(error) => {
                tracing::error!(lease = %self.lock.describe(), %error, "error retrieving resource lock");
                return None;
            }
        };

        if attempt == Attempt::Renew && !self.holds_lock() {
            tracing::info!(
                lease = %self.lock.describe(), holder = %old.holder_identity,
                "lease is held by another candidate"
            );
            return None;
        }
        if !old.holder_identity.is_empty()
            && self.is_lease_valid(Instant::now())
            && !self.holds_lock()
        {
            tracing::debug!(
                lease = %self.lock.describe(), holder = %old.holder_identity,
                "lock is held and has not yet expired"
            );
            return None;
        }

        let record = if self.holds_lock() {
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
        self.write(record).await
    }

    /// The coordinated variant: never creates the lock, only renews a lease a central
    /// coordinator gave to this candidate, and stops renewing once another holder is
    /// preferred.
    async fn try_coordinated_renew(
        &self,
        desired: LeaderElectionRecord,
    ) -> Option<LeaderElectionRecord> {
        let old = match self.lock.get().await {
            Ok((old, raw)) => {
                self.observe_raw(old.clone(), raw);
                old
            }
            Err(error) => {
                tracing::debug!(lease = %self.lock.describe(), %error, "coordinated lease not available");
                return None;
            }
        };
        if !self.is_lease_valid(Instant::now()) {
            tracing::debug!(lease = %self.lock.describe(), "lease has expired");
            return None;
        }
        if !self.holds_lock() || !old.preferred_holder.is_empty() {
            return None;
        }
        let record = LeaderElectionRecord {
            acquire_time: old.acquire_time,
            leader_transitions: old.leader_transitions,
            strategy: old.strategy,
            ..desired
        };
        self.write(record).await
    }

    /// Writes `record` over the lock; the record when the server took it.
    async fn write(&self, record: LeaderElectionRecord) -> Option<LeaderElectionRecord> {
        match self.lock.update(record.clone()).await {
            Ok(()) => Some(record),
            Err(error) => {
                tracing::error!(lease = %self.lock.describe(), %error, "failed to update lock");
                None
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
}

/// A duration in whole seconds (as client-go writes `leaseDurationSeconds`).
fn whole_seconds(duration: std::time::Duration) -> i32 {
    i32::try_from(duration.as_secs()).unwrap_or(i32::MAX)
}
