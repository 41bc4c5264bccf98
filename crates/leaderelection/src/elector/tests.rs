//! The elector's algorithm over an in-memory lock, with paused Tokio time.

#![allow(clippy::unwrap_used)]

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

use clientgo_apimachinery::errors::StatusError;
use clientgo_apimachinery::meta::MicroTime;
use clientgo_apimachinery::schema::GroupResource;
use futures_util::future::BoxFuture;

use super::*;

/// The stored record and its version, shared by the locks of several candidates.
#[derive(Default)]
struct Store {
    object: Mutex<Option<(LeaderElectionRecord, u64)>>,
}

/// A lock over a [`Store`] with resourceVersion-like optimistic concurrency.
struct FakeLock {
    identity: String,
    store: Arc<Store>,
    seen_version: Mutex<Option<u64>>,
    gets: AtomicUsize,
    updates: AtomicUsize,
    conflicts_to_inject: AtomicUsize,
    fail_get: AtomicBool,
    /// The next update succeeds only after the clock jumped by this much, as if the
    /// process had been paused while the request was in flight.
    pause_in_next_update: Mutex<Option<Duration>>,
}

impl FakeLock {
    fn new(identity: &str, store: &Arc<Store>) -> Arc<Self> {
        Arc::new(Self {
            identity: identity.into(),
            store: store.clone(),
            seen_version: Mutex::new(None),
            gets: AtomicUsize::new(0),
            updates: AtomicUsize::new(0),
            conflicts_to_inject: AtomicUsize::new(0),
            fail_get: AtomicBool::new(false),
            pause_in_next_update: Mutex::new(None),
        })
    }
}

fn resource() -> GroupResource {
    GroupResource::new("coordination.k8s.io", "leases")
}

fn conflict() -> Error {
    Error::Api(clientgo_rest::Error::Api(Box::new(
        StatusError::new_conflict(&resource(), "lease", "changed"),
    )))
}

impl ResourceLock for FakeLock {
    fn get(&self) -> BoxFuture<'_, Result<(LeaderElectionRecord, Vec<u8>)>> {
        Box::pin(async move {
            self.gets.fetch_add(1, Ordering::SeqCst);
            if self.fail_get.load(Ordering::SeqCst) {
                return Err(Error::Api(clientgo_rest::Error::Stream("down".into())));
            }
            let stored = self.store.object.lock().clone();
            let Some((record, version)) = stored else {
                return Err(Error::Api(clientgo_rest::Error::Api(Box::new(
                    StatusError::new_not_found(&resource(), "lease"),
                ))));
            };
            *self.seen_version.lock() = Some(version);
            let raw = record.to_raw()?;
            Ok((record, raw))
        })
    }

    fn create(&self, record: LeaderElectionRecord) -> BoxFuture<'_, Result<()>> {
        Box::pin(async move {
            let mut object = self.store.object.lock();
            if object.is_some() {
                return Err(Error::Api(clientgo_rest::Error::Api(Box::new(
                    StatusError::new_already_exists(&resource(), "lease"),
                ))));
            }
            *object = Some((record, 1));
            *self.seen_version.lock() = Some(1);
            Ok(())
        })
    }

    fn update(&self, record: LeaderElectionRecord) -> BoxFuture<'_, Result<()>> {
        Box::pin(async move {
            self.updates.fetch_add(1, Ordering::SeqCst);
            let pause = self.pause_in_next_update.lock().take();
            if let Some(pause) = pause {
                tokio::time::advance(pause).await;
            }
            let seen = (*self.seen_version.lock()).ok_or(Error::LeaseNotInitialized)?;
            if self
                .conflicts_to_inject
                .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| n.checked_sub(1))
                .is_ok()
            {
                return Err(conflict());
            }
            let mut object = self.store.object.lock();
            match object.as_mut() {
                Some((_, version)) if *version == seen => {
                    *object = Some((record, seen + 1));
                    *self.seen_version.lock() = Some(seen + 1);
                    Ok(())
                }
                _ => Err(conflict()),
            }
        })
    }

    fn record_event(&self, _message: &str) {}

    fn identity(&self) -> &str {
        &self.identity
    }

    fn describe(&self) -> String {
        "ns/lease".into()
    }
}

fn callbacks() -> LeaderCallbacks {
    LeaderCallbacks::new()
        .on_started_leading(|_token| async {})
        .on_stopped_leading(|| {})
}

fn config(lock: Arc<dyn ResourceLock>) -> LeaderElectionConfig {
    LeaderElectionConfig::new(
        lock,
        Duration::from_secs(10),
        Duration::from_secs(5),
        Duration::from_secs(2),
        callbacks(),
    )
}

fn elector(lock: &Arc<FakeLock>) -> LeaderElector {
    LeaderElector::new(config(lock.clone())).unwrap()
}

fn held_by(store: &Arc<Store>, holder: &str, transitions: i32) {
    let record = LeaderElectionRecord {
        holder_identity: holder.into(),
        lease_duration_seconds: 10,
        leader_transitions: transitions,
        acquire_time: MicroTime::from_unix(1_000, 0),
        renew_time: MicroTime::from_unix(1_000, 0),
        ..LeaderElectionRecord::default()
    };
    *store.object.lock() = Some((record, 7));
}

/// Another candidate writes the lock (a new version), holding it.
fn taken_over_by(store: &Arc<Store>, holder: &str) {
    let mut object = store.object.lock();
    let (record, version) = object.clone().unwrap();
    let record = LeaderElectionRecord {
        holder_identity: holder.into(),
        leader_transitions: record.leader_transitions + 1,
        ..record
    };
    *object = Some((record, version + 1));
}

fn stored(store: &Arc<Store>) -> LeaderElectionRecord {
    store.object.lock().clone().unwrap().0
}

#[tokio::test(start_paused = true)]
async fn acquires_by_creating_a_missing_lock() {
    let store = Arc::new(Store::default());
    let lock = FakeLock::new("a", &store);
    let elector = elector(&lock);
    assert!(elector.try_acquire_or_renew().await);
    assert!(elector.is_leader());
    assert_eq!(stored(&store).holder_identity, "a");
    assert_eq!(stored(&store).lease_duration_seconds, 10);
    assert_eq!(stored(&store).leader_transitions, 0);
}

#[tokio::test(start_paused = true)]
async fn acquires_an_unheld_lock_counting_a_transition() {
    let store = Arc::new(Store::default());
    held_by(&store, "", 3);
    let lock = FakeLock::new("a", &store);
    let elector = elector(&lock);
    assert!(elector.try_acquire_or_renew().await);
    assert_eq!(stored(&store).holder_identity, "a");
    assert_eq!(stored(&store).leader_transitions, 4);
}

#[tokio::test(start_paused = true)]
async fn does_not_take_a_held_lease_until_it_expires_by_the_local_clock() {
    let store = Arc::new(Store::default());
    held_by(&store, "b", 1);
    let lock = FakeLock::new("a", &store);
    let elector = elector(&lock);
    // The record's timestamps are far in the past (a skewed clock): irrelevant.
    assert!(!elector.try_acquire_or_renew().await);
    assert_eq!(elector.get_leader(), "b");
    tokio::time::advance(Duration::from_secs(9)).await;
    assert!(!elector.try_acquire_or_renew().await);
    // 10 s after the record was first seen (unchanged since): expired.
    tokio::time::advance(Duration::from_secs(2)).await;
    assert!(elector.try_acquire_or_renew().await);
    assert_eq!(stored(&store).holder_identity, "a");
    assert_eq!(stored(&store).leader_transitions, 2);
}

#[tokio::test(start_paused = true)]
async fn a_changing_record_keeps_the_lease_valid() {
    let store = Arc::new(Store::default());
    let holder = FakeLock::new("b", &store);
    let holder_elector = elector(&holder);
    assert!(holder_elector.try_acquire_or_renew().await);
    let lock = FakeLock::new("a", &store);
    let elector = elector(&lock);
    for _ in 0..10 {
        assert!(!elector.try_acquire_or_renew().await);
        tokio::time::advance(Duration::from_secs(3)).await;
        // The holder renews (its renewTime changes the raw record).
        assert!(holder_elector.try_acquire_or_renew().await);
    }
    assert!(!elector.try_acquire_or_renew().await);
}

#[tokio::test(start_paused = true)]
async fn renewing_keeps_the_acquire_time_and_uses_the_fast_path() {
    let store = Arc::new(Store::default());
    let lock = FakeLock::new("a", &store);
    let elector = elector(&lock);
    assert!(elector.try_acquire_or_renew().await);
    let acquired = stored(&store).acquire_time;
    let gets = lock.gets.load(Ordering::SeqCst);
    tokio::time::advance(Duration::from_secs(2)).await;
    assert!(elector.try_acquire_or_renew().await);
    assert_eq!(lock.gets.load(Ordering::SeqCst), gets, "fast path: no GET");
    assert_eq!(stored(&store).acquire_time, acquired);
    // A failed optimistic update falls back to the slow path and still renews.
    lock.conflicts_to_inject.store(1, Ordering::SeqCst);
    assert!(elector.try_acquire_or_renew().await);
    assert_eq!(lock.gets.load(Ordering::SeqCst), gets + 1);
    assert_eq!(stored(&store).acquire_time, acquired);
    assert_eq!(stored(&store).leader_transitions, 0);
}

#[tokio::test(start_paused = true)]
async fn release_clears_the_holder_and_retries_conflicts() {
    let store = Arc::new(Store::default());
    let lock = FakeLock::new("a", &store);
    let elector = elector(&lock);
    assert!(elector.try_acquire_or_renew().await);
    lock.conflicts_to_inject.store(2, Ordering::SeqCst);
    let gets = lock.gets.load(Ordering::SeqCst);
    assert!(elector.release().await);
    assert_eq!(
        lock.gets.load(Ordering::SeqCst),
        gets + 3,
        "a GET before each try"
    );
    let record = stored(&store);
    assert_eq!(record.holder_identity, "");
    assert_eq!(record.lease_duration_seconds, 1);
    assert!(!elector.is_leader());
}

#[tokio::test(start_paused = true)]
async fn release_when_not_leader_changes_nothing() {
    let store = Arc::new(Store::default());
    held_by(&store, "b", 1);
    let lock = FakeLock::new("a", &store);
    let elector = elector(&lock);
    assert!(elector.release().await);
    assert_eq!(lock.updates.load(Ordering::SeqCst), 0);
    assert_eq!(stored(&store).holder_identity, "b");
    // A failing GET: nothing released.
    lock.fail_get.store(true, Ordering::SeqCst);
    assert!(!elector.release().await);
}

#[tokio::test(start_paused = true)]
async fn run_leads_renews_and_releases_on_cancel() {
    let store = Arc::new(Store::default());
    let lock = FakeLock::new("a", &store);
    let started = Arc::new(AtomicUsize::new(0));
    let stopped = Arc::new(AtomicUsize::new(0));
    let leaders = Arc::new(Mutex::new(Vec::new()));
    let (s, t, l) = (started.clone(), stopped.clone(), leaders.clone());
    let callbacks = LeaderCallbacks::new()
        .on_started_leading(move |token: CancellationToken| {
            let s = s.clone();
            async move {
                s.fetch_add(1, Ordering::SeqCst);
                token.cancelled().await;
                s.fetch_add(10, Ordering::SeqCst);
            }
        })
        .on_stopped_leading(move || {
            t.fetch_add(1, Ordering::SeqCst);
        })
        .on_new_leader(move |leader| l.lock().push(leader));
    let config = LeaderElectionConfig {
        callbacks,
        ..config(lock.clone())
    }
    .release_on_cancel(true);
    let elector = Arc::new(LeaderElector::new(config).unwrap());
    let cancel = CancellationToken::new();
    let task = tokio::spawn({
        let (elector, cancel) = (elector.clone(), cancel.clone());
        async move { elector.run(&cancel).await }
    });
    tokio::time::sleep(Duration::from_secs(30)).await;
    assert!(elector.is_leader());
    assert_eq!(started.load(Ordering::SeqCst), 1);
    assert!(
        lock.updates.load(Ordering::SeqCst) >= 10,
        "renewed every retry period"
    );
    assert!(elector.check(Duration::ZERO).is_ok());
    cancel.cancel();
    task.await.unwrap();
    tokio::task::yield_now().await;
    assert_eq!(
        started.load(Ordering::SeqCst),
        11,
        "leading token cancelled"
    );
    assert_eq!(stopped.load(Ordering::SeqCst), 1);
    assert_eq!(stored(&store).holder_identity, "");
    assert_eq!(leaders.lock().as_slice(), ["a"]);
}

#[tokio::test(start_paused = true)]
async fn run_steps_down_when_renewals_fail_past_the_deadline() {
    let store = Arc::new(Store::default());
    let lock = FakeLock::new("a", &store);
    let stopped = Arc::new(AtomicUsize::new(0));
    let t = stopped.clone();
    let callbacks = callbacks().on_stopped_leading(move || {
        t.fetch_add(1, Ordering::SeqCst);
    });
    let config = LeaderElectionConfig {
        callbacks,
        ..config(lock.clone())
    };
    let elector = Arc::new(LeaderElector::new(config).unwrap());
    let cancel = CancellationToken::new();
    let task = tokio::spawn({
        let (elector, cancel) = (elector.clone(), cancel.clone());
        async move { elector.run(&cancel).await }
    });
    tokio::time::sleep(Duration::from_secs(5)).await;
    assert!(elector.is_leader());
    // Every write fails from now on.
    lock.conflicts_to_inject.store(usize::MAX, Ordering::SeqCst);
    let cut = Instant::now();
    task.await.unwrap();
    let stepped_down = cut.elapsed();
    assert_eq!(stopped.load(Ordering::SeqCst), 1);
    assert!(
        stepped_down <= Duration::from_secs(2) + Duration::from_secs(5),
        "{stepped_down:?}"
    );
    // Not leading any more but the record still says so: unhealthy after the lease.
    tokio::time::advance(Duration::from_secs(11)).await;
    assert!(matches!(
        elector.check(Duration::ZERO),
        Err(Error::Unhealthy(_))
    ));
}

#[tokio::test(start_paused = true)]
async fn on_stopped_leading_runs_even_without_leading() {
    let store = Arc::new(Store::default());
    held_by(&store, "b", 0);
    let lock = FakeLock::new("a", &store);
    let stopped = Arc::new(AtomicUsize::new(0));
    let t = stopped.clone();
    let config = LeaderElectionConfig {
        callbacks: callbacks().on_stopped_leading(move || {
            t.fetch_add(1, Ordering::SeqCst);
        }),
        ..config(lock.clone())
    };
    let elector = LeaderElector::new(config).unwrap();
    let cancel = CancellationToken::new();
    cancel.cancel();
    elector.run(&cancel).await;
    assert_eq!(stopped.load(Ordering::SeqCst), 1);
}

#[tokio::test(start_paused = true)]
async fn healthz_reports_a_leader_that_stopped_renewing() {
    let store = Arc::new(Store::default());
    let lock = FakeLock::new("a", &store);
    let elector = Arc::new(elector(&lock));
    let healthz = crate::HealthzAdaptor::new(Duration::from_secs(1));
    assert_eq!(healthz.name(), "leaderElection");
    assert!(healthz.check().is_ok(), "no elector yet");
    healthz.set_leader_election(elector.clone());
    assert!(healthz.check().is_ok(), "not leader");
    assert!(elector.try_acquire_or_renew().await);
    tokio::time::advance(Duration::from_secs(10)).await;
    assert!(healthz.check().is_ok(), "within lease + tolerance");
    tokio::time::advance(Duration::from_secs(2)).await;
    let error = healthz.check().unwrap_err();
    assert_eq!(
        error.to_string(),
        "failed election to renew leadership on lease "
    );
}

#[tokio::test(start_paused = true)]
async fn coordinated_mode_never_creates_and_respects_the_preferred_holder() {
    let store = Arc::new(Store::default());
    let lock = FakeLock::new("a", &store);
    let coordinated = |lock: &Arc<FakeLock>| {
        let mut config = config(lock.clone());
        config.coordinated = true;
        LeaderElector::new(config).unwrap()
    };
    let elector = coordinated(&lock);
    assert!(!elector.try_acquire_or_renew().await);
    assert!(store.object.lock().is_none());
    held_by(&store, "a", 2);
    assert!(elector.try_acquire_or_renew().await);
    assert_eq!(stored(&store).leader_transitions, 2);
    let mut record = stored(&store);
    record.preferred_holder = "b".into();
    let version = store.object.lock().as_ref().unwrap().1;
    *store.object.lock() = Some((record, version + 1));
    assert!(!elector.try_acquire_or_renew().await, "end of term");
    // Someone else's lease: not renewed.
    held_by(&store, "b", 3);
    assert!(
        !coordinated(&FakeLock::new("a", &store))
            .try_acquire_or_renew()
            .await
    );
}

#[test]
fn config_validation_follows_client_go_order_and_messages() {
    let store = Arc::new(Store::default());
    let lock: Arc<dyn ResourceLock> = FakeLock::new("a", &store);
    let secs = Duration::from_secs;
    let case =
        |lease, renew, retry, callbacks: LeaderCallbacks, lock: Option<Arc<dyn ResourceLock>>| {
            LeaderElectionConfig {
                lock,
                lease_duration: lease,
                renew_deadline: renew,
                retry_period: retry,
                callbacks,
                watchdog: None,
                release_on_cancel: false,
                work_grace_period: crate::DEFAULT_WORK_GRACE_PERIOD,
                name: String::new(),
                coordinated: false,
            }
            .validate()
            .err()
            .map(|e| e.to_string())
        };
    let some = Some(lock.clone());
    assert_eq!(
        case(secs(15), secs(10), secs(2), callbacks(), some.clone()),
        None
    );
    let expected = [
        (
            case(secs(10), secs(10), secs(2), callbacks(), some.clone()),
            "leaseDuration must be greater than renewDeadline",
        ),
        (
            case(
                Duration::ZERO,
                Duration::ZERO,
                Duration::ZERO,
                callbacks(),
                some.clone(),
            ),
            "leaseDuration must be greater than renewDeadline",
        ),
        (
            case(
                secs(15),
                Duration::from_millis(2400),
                secs(2),
                callbacks(),
                some.clone(),
            ),
            "renewDeadline must be greater than retryPeriod*JitterFactor",
        ),
        (
            case(
                secs(15),
                secs(10),
                Duration::ZERO,
                callbacks(),
                some.clone(),
            ),
            "retryPeriod must be greater than zero",
        ),
        (
            case(
                secs(15),
                secs(10),
                secs(2),
                LeaderCallbacks::new().on_stopped_leading(|| {}),
                some.clone(),
            ),
            "OnStartedLeading callback must not be nil",
        ),
        (
            case(
                secs(15),
                secs(10),
                secs(2),
                LeaderCallbacks::new().on_started_leading(|_t| async {}),
                some.clone(),
            ),
            "OnStoppedLeading callback must not be nil",
        ),
        (
            case(secs(15), secs(10), secs(2), callbacks(), None),
            "Lock must not be nil.",
        ),
        (
            case(
                secs(15),
                secs(10),
                secs(2),
                callbacks(),
                Some(FakeLock::new("", &store)),
            ),
            "Lock identity is empty",
        ),
    ];
    for (got, want) in expected {
        assert_eq!(got.as_deref(), Some(want));
    }
    let defaults = LeaderElectionConfig::kube_defaults(lock, callbacks());
    assert_eq!(
        (
            defaults.lease_duration,
            defaults.renew_deadline,
            defaults.retry_period
        ),
        (secs(15), secs(10), secs(2))
    );
    assert_eq!(defaults.work_grace_period, secs(10));
    assert!(defaults.validate().is_ok());
}

#[test]
fn jitter_stays_within_the_factor() {
    for _ in 0..1000 {
        let wait = jittered(Duration::from_secs(2));
        assert!(wait >= Duration::from_secs(2) && wait < Duration::from_millis(6400));
    }
}

/// What the work of a [`leader`] saw: when its token fired, when it returned, and the
/// holder in the store when it returned; when `on_stopped_leading` ran; whether the
/// work was dropped.
#[derive(Default)]
struct WorkLog {
    cancelled: Mutex<Option<Instant>>,
    returned: Mutex<Option<(Instant, String)>>,
    stopped_leading: Mutex<Option<Instant>>,
    dropped: AtomicBool,
}

/// Marks the work's future dropped.
struct DropMark(Arc<WorkLog>);

impl Drop for DropMark {
    fn drop(&mut self) {
        self.0.dropped.store(true, Ordering::SeqCst);
    }
}

/// Candidate `a` running the election on `store` until `cancel`, with a work that
/// takes `wind_down` to return once its token fired (`None`: ignores its token).
fn leader(
    store: &Arc<Store>,
    adjust: impl FnOnce(LeaderElectionConfig) -> LeaderElectionConfig,
    wind_down: Option<Duration>,
    cancel: &CancellationToken,
) -> (
    Arc<FakeLock>,
    Arc<LeaderElector>,
    Arc<WorkLog>,
    tokio::task::JoinHandle<()>,
) {
    let lock = FakeLock::new("a", store);
    let log = Arc::new(WorkLog::default());
    let (work_log, stopped_log, work_store) = (log.clone(), log.clone(), store.clone());
    let callbacks = LeaderCallbacks::new()
        .on_started_leading(move |token: CancellationToken| {
            let (log, store) = (work_log.clone(), work_store.clone());
            async move {
                let _mark = DropMark(log.clone());
                let Some(wind_down) = wind_down else {
                    loop {
                        tokio::time::sleep(Duration::from_millis(100)).await;
                    }
                };
                token.cancelled().await;
                *log.cancelled.lock() = Some(Instant::now());
                tokio::time::sleep(wind_down).await;
                let holder = stored(&store).holder_identity;
                *log.returned.lock() = Some((Instant::now(), holder));
            }
        })
        .on_stopped_leading(move || *stopped_log.stopped_leading.lock() = Some(Instant::now()));
    let config = adjust(LeaderElectionConfig {
        callbacks,
        ..config(lock.clone())
    });
    let elector = Arc::new(LeaderElector::new(config).unwrap());
    let task = tokio::spawn({
        let (elector, cancel) = (elector.clone(), cancel.clone());
        async move { elector.run(&cancel).await }
    });
    (lock, elector, log, task)
}

#[tokio::test(start_paused = true)]
async fn a_leader_paused_past_its_deadline_steps_down_as_it_resumes() {
    let store = Arc::new(Store::default());
    let cancel = CancellationToken::new();
    let (_lock, elector, log, task) = leader(&store, |c| c, Some(Duration::ZERO), &cancel);
    tokio::time::sleep(Duration::from_secs(3)).await;
    assert!(elector.is_leader());
    // The process stops for 20 s; meanwhile the lease expires and `b` takes over.
    taken_over_by(&store, "b");
    tokio::time::advance(Duration::from_secs(20)).await;
    let resumed = Instant::now();
    assert!(!elector.is_leader(), "the deadline passed during the pause");
    task.await.unwrap();
    assert_eq!(
        resumed.elapsed(),
        Duration::ZERO,
        "stepped down on resuming"
    );
    assert_eq!(*log.cancelled.lock(), Some(resumed));
    assert!(log.stopped_leading.lock().is_some());
}

#[tokio::test(start_paused = true)]
async fn a_leader_steps_down_as_soon_as_it_reads_another_holder() {
    let store = Arc::new(Store::default());
    let cancel = CancellationToken::new();
    let (_lock, elector, log, task) = leader(&store, |c| c, Some(Duration::ZERO), &cancel);
    tokio::time::sleep(Duration::from_secs(3)).await;
    taken_over_by(&store, "b");
    let taken = Instant::now();
    task.await.unwrap();
    // At the next renewal (one retry period at most), not after the renew deadline.
    let stepped_down = log.cancelled.lock().unwrap() - taken;
    assert!(stepped_down <= Duration::from_secs(2), "{stepped_down:?}");
    assert!(!elector.is_leader());
    assert_eq!(elector.get_leader(), "b");
    assert_eq!(stored(&store).holder_identity, "b", "not taken back");
}

#[tokio::test(start_paused = true)]
async fn a_renewal_completing_after_the_deadline_does_not_extend_leadership() {
    let store = Arc::new(Store::default());
    let cancel = CancellationToken::new();
    let (lock, elector, log, task) = leader(&store, |c| c, Some(Duration::ZERO), &cancel);
    tokio::time::sleep(Duration::from_secs(3)).await;
    *lock.pause_in_next_update.lock() = Some(Duration::from_secs(20));
    let paused = Instant::now();
    tokio::time::timeout(Duration::from_secs(60), task)
        .await
        .expect("stepped down")
        .unwrap();
    // The next renewal (within a retry period) took 20 s: stepped down as it returned.
    let stepped_down = log.cancelled.lock().unwrap() - paused;
    assert!(
        stepped_down >= Duration::from_secs(20) && stepped_down <= Duration::from_secs(22),
        "{stepped_down:?}"
    );
    assert_eq!(
        stored(&store).holder_identity,
        "a",
        "the renewal was written"
    );
    assert!(!elector.is_leader());
}

#[tokio::test(start_paused = true)]
async fn run_waits_for_the_work_before_releasing_and_returning() {
    let store = Arc::new(Store::default());
    let cancel = CancellationToken::new();
    let (_lock, elector, log, task) = leader(
        &store,
        |c| c.release_on_cancel(true),
        Some(Duration::from_secs(1)),
        &cancel,
    );
    tokio::time::sleep(Duration::from_secs(3)).await;
    assert!(elector.is_leader());
    cancel.cancel();
    let cancelled = Instant::now();
    task.await.unwrap();
    let (returned, holder) = log.returned.lock().clone().expect("the work returned");
    assert_eq!(returned - cancelled, Duration::from_secs(1));
    assert_eq!(holder, "a", "released only after the work returned");
    assert!(log.stopped_leading.lock().unwrap() >= returned);
    assert_eq!(stored(&store).holder_identity, "");
}

#[tokio::test(start_paused = true)]
async fn a_cancelled_leader_keeps_the_lease_while_its_work_winds_down() {
    let store = Arc::new(Store::default());
    let cancel = CancellationToken::new();
    // Winding down takes three lease durations.
    let (lock, _elector, log, task) = leader(
        &store,
        |c| {
            c.release_on_cancel(true)
                .work_grace_period(Duration::from_secs(60))
        },
        Some(Duration::from_secs(30)),
        &cancel,
    );
    tokio::time::sleep(Duration::from_secs(3)).await;
    let other = elector(&FakeLock::new("b", &store));
    cancel.cancel();
    let updates = lock.updates.load(Ordering::SeqCst);
    while !task.is_finished() {
        assert!(
            !other.try_acquire_or_renew().await,
            "taken during the wind-down"
        );
        tokio::time::sleep(Duration::from_secs(1)).await;
    }
    assert!(log.returned.lock().is_some());
    assert!(
        lock.updates.load(Ordering::SeqCst) >= updates + 10,
        "kept renewing"
    );
    assert!(other.try_acquire_or_renew().await, "released at the end");
}

#[tokio::test(start_paused = true)]
async fn a_work_ignoring_its_token_is_aborted_after_the_grace_period() {
    let store = Arc::new(Store::default());
    let cancel = CancellationToken::new();
    let (_lock, _elector, log, task) = leader(
        &store,
        |c| {
            c.release_on_cancel(true)
                .work_grace_period(Duration::from_secs(3))
        },
        None,
        &cancel,
    );
    tokio::time::sleep(Duration::from_secs(3)).await;
    cancel.cancel();
    let cancelled = Instant::now();
    task.await.unwrap();
    assert_eq!(cancelled.elapsed(), Duration::from_secs(3));
    assert!(log.stopped_leading.lock().is_some());
    tokio::task::yield_now().await;
    assert!(log.dropped.load(Ordering::SeqCst), "aborted");
    // Not known to have stopped: not released, others wait for the lease to expire.
    assert_eq!(stored(&store).holder_identity, "a");
}
