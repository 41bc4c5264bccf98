//! Leader election against a real kube-apiserver: the Lease lock, failover times, a
//! candidate cut off from the server, and never two leaders while leaders are cancelled
//! and killed at random (three candidates in this process, one in a child process).

#![allow(clippy::unwrap_used)]

mod support;

use std::net::SocketAddr;
use std::process::Stdio;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use clientgo_apimachinery::meta::{GetOptions, MicroTime};
use clientgo_envtest::TcpProxy;
use clientgo_kubernetes::Clientset;
use clientgo_leaderelection::{
    CancellationToken, LeaderCallbacks, LeaderElectionConfig, LeaderElectionRecord, LeaderElector,
    LeaseLock, ResourceLock, ResourceLockConfig,
};
use support::{Candidate, LEASE, RENEW, RETRY, Tracker};
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::{Child, ChildStdin, Command};
use tokio::task::JoinHandle;

fn lock_config(identity: &str) -> ResourceLockConfig {
    ResourceLockConfig {
        identity: identity.into(),
        event_recorder: None,
    }
}

/// Waits until `condition` holds, polling every 20 ms; panics after `limit`.
async fn wait_for(limit: Duration, what: &str, mut condition: impl FnMut() -> bool) {
    let deadline = Instant::now() + limit;
    while !condition() {
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

#[tokio::test]
async fn lease_lock_maps_the_record_and_uses_optimistic_concurrency() {
    let namespace = support::namespace("le-lock").await;
    let clientset = Clientset::new(&support::config().await).unwrap();
    let labels: clientgo_apimachinery::StringMap =
        clientgo_apimachinery::StringMap::from([("app", "demo".into())]);
    let lock =
        LeaseLock::new(&clientset, &namespace, "lock", lock_config("me")).with_labels(labels);
    assert!(lock.get().await.unwrap_err().is_not_found());

    let record = LeaderElectionRecord {
        holder_identity: "me".into(),
        lease_duration_seconds: 15,
        acquire_time: MicroTime::from_unix(1_700_000_000, 123_456_000),
        renew_time: MicroTime::from_unix(1_700_000_001, 0),
        leader_transitions: 2,
        ..LeaderElectionRecord::default()
    };
    lock.create(record.clone()).await.unwrap();
    let (read, raw) = lock.get().await.unwrap();
    assert_eq!(read, record);
    assert_eq!(raw, record.to_raw().unwrap());

    // Another candidate writes in between: our cached resourceVersion is stale.
    let other = LeaseLock::new(&clientset, &namespace, "lock", lock_config("other"));
    other.get().await.unwrap();
    let theirs = LeaderElectionRecord {
        holder_identity: "other".into(),
        ..record.clone()
    };
    other.update(theirs).await.unwrap();
    let error = lock.update(record.clone()).await.unwrap_err();
    assert!(error.is_conflict(), "{error}");
    lock.get().await.unwrap();
    lock.update(record.clone()).await.unwrap();

    let lease = clientset
        .coordination_v1()
        .leases(&namespace)
        .get("lock", &GetOptions::default())
        .await
        .unwrap();
    assert_eq!(lease.metadata.labels.get_str("app"), Some("demo"));
    let spec = lease.spec.unwrap();
    assert_eq!(spec.holder_identity.as_deref(), Some("me"));
    assert_eq!(spec.lease_transitions, Some(2));
    assert_eq!(spec.strategy, None);
}

/// Leader `a` stops (with or without releasing), follower `b` takes over: how long
/// after the stop did `b` start leading?
async fn failover(namespace: &str, lease: &str, release: bool) -> Duration {
    let config = support::config().await;
    let tracker = Arc::new(Tracker::default());
    let a = Candidate::spawn(
        &Clientset::new(&config).unwrap(),
        namespace,
        lease,
        "a",
        release,
        &tracker,
    );
    wait_for(Duration::from_secs(10), "a to lead", || {
        tracker.leaders() == ["a"]
    })
    .await;
    let b = Candidate::spawn(
        &Clientset::new(&config).unwrap(),
        namespace,
        lease,
        "b",
        release,
        &tracker,
    );
    tokio::time::sleep(Duration::from_secs(1)).await;
    assert_eq!(tracker.leaders(), ["a"]);
    let stopped = Instant::now();
    a.stop().await;
    wait_for(Duration::from_secs(10), "b to take over", || {
        tracker.started_after("b", stopped).is_some()
    })
    .await;
    let took_over = tracker.started_after("b", stopped).unwrap();
    b.stop().await;
    tracker.assert_no_overlap(Duration::ZERO);
    took_over - stopped
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn failover_after_expiry_and_after_release() {
    let namespace = support::namespace("le-failover").await;
    let mut expired = Vec::new();
    let mut released = Vec::new();
    for round in 0..3 {
        expired.push(failover(&namespace, &format!("expiry-{round}"), false).await);
        released.push(failover(&namespace, &format!("release-{round}"), true).await);
    }
    println!(
        "failover (lease {LEASE:?}, renew {RENEW:?}, retry {RETRY:?}): without release {expired:?}, with release {released:?}"
    );
    for time in &expired {
        // The follower waits for the lease duration after it last saw a renewal (at most
        // one retry period before the stop), then up to one jittered retry period.
        assert!(
            *time >= LEASE - RETRY - Duration::from_millis(500),
            "{time:?}"
        );
        assert!(
            *time <= LEASE + RETRY.mul_f64(2.2) + Duration::from_secs(2),
            "{time:?}"
        );
    }
    for time in &released {
        assert!(
            *time <= RETRY.mul_f64(2.2) + Duration::from_secs(1),
            "{time:?}"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn envtest_only_a_cut_off_leader_stops_leading_before_another_takes_over() {
    let namespace = support::namespace("le-cut").await;
    let direct = support::config().await;
    let target: SocketAddr = direct
        .host
        .trim_start_matches("https://")
        .trim_end_matches('/')
        .parse()
        .unwrap();
    let proxy = TcpProxy::start(target).await.unwrap();
    let mut via_proxy = direct.clone();
    via_proxy.host = proxy.url();

    let tracker = Arc::new(Tracker::default());
    let cut_off = Candidate::spawn(
        &Clientset::new(&via_proxy).unwrap(),
        &namespace,
        "cut",
        "cut-off",
        false,
        &tracker,
    );
    wait_for(Duration::from_secs(10), "cut-off to lead", || {
        tracker.leaders() == ["cut-off"]
    })
    .await;
    let survivor = Candidate::spawn(
        &Clientset::new(&direct).unwrap(),
        &namespace,
        "cut",
        "survivor",
        false,
        &tracker,
    );
    tokio::time::sleep(Duration::from_secs(1)).await;

    let cut = Instant::now();
    proxy.shutdown();
    wait_for(Duration::from_secs(10), "survivor to take over", || {
        tracker.started_after("survivor", cut).is_some()
    })
    .await;
    let took_over = tracker.started_after("survivor", cut).unwrap();
    let stopped = cut_off
        .stopped_leading
        .lock()
        .iter()
        .copied()
        .find(|at| *at >= cut)
        .expect("on_stopped_leading was called");
    println!(
        "cut off at 0: leader stopped leading after {:?}, survivor took over after {:?}",
        stopped - cut,
        took_over - cut
    );
    assert!(
        stopped < took_over,
        "stopped {:?} >= takeover {:?}",
        stopped - cut,
        took_over - cut
    );
    tracker.assert_no_overlap(Duration::ZERO);
    cut_off.stop().await;
    survivor.stop().await;
}

/// A candidate in a child process (this test binary running [`child_candidate`]); its
/// leadership is reported on stdout.
struct ChildCandidate {
    identity: String,
    process: Child,
    _stdin: ChildStdin,
    reader: JoinHandle<()>,
    killed: Arc<AtomicBool>,
}

impl ChildCandidate {
    async fn spawn(namespace: &str, lease: &str, identity: &str, tracker: &Arc<Tracker>) -> Self {
        let mut process = Command::new(std::env::current_exe().unwrap())
            .args([
                "child_candidate",
                "--exact",
                "--nocapture",
                "--test-threads=1",
            ])
            .env("CLIENTGO_TEST_KUBECONFIG", support::kubeconfig().await)
            .env("LE_CHILD_NAMESPACE", namespace)
            .env("LE_CHILD_LEASE", lease)
            .env("LE_CHILD_IDENTITY", identity)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .kill_on_drop(true)
            .spawn()
            .unwrap();
        let stdout = process.stdout.take().unwrap();
        let stdin = process.stdin.take().unwrap();
        let killed = Arc::new(AtomicBool::new(false));
        let reader = tokio::spawn({
            let (tracker, identity, killed) =
                (tracker.clone(), identity.to_owned(), killed.clone());
            async move {
                let mut lines = BufReader::new(stdout).lines();
                while let Ok(Some(line)) = lines.next_line().await {
                    if killed.load(Ordering::SeqCst) {
                        break;
                    }
                    // The harness may print `test child_candidate ... ` before the
                    // first event on the same line.
                    if line.ends_with("LE-EVENT started") {
                        tracker.start(&identity);
                    } else if line.ends_with("LE-EVENT stopped") {
                        tracker.end_open(&identity, Instant::now());
                    }
                }
            }
        });
        Self {
            identity: identity.into(),
            process,
            _stdin: stdin,
            reader,
            killed,
        }
    }

    /// SIGKILL: the child cannot release its lease.
    async fn kill(mut self, tracker: &Tracker) {
        self.killed.store(true, Ordering::SeqCst);
        tracker.end_open(&self.identity, Instant::now());
        self.process.start_kill().unwrap();
        self.process.wait().await.unwrap();
        self.reader.abort();
    }
}

/// The child process side of the chaos test; does nothing in a normal test run.
#[tokio::test]
async fn child_candidate() {
    let Ok(identity) = std::env::var("LE_CHILD_IDENTITY") else {
        return;
    };
    let namespace = std::env::var("LE_CHILD_NAMESPACE").unwrap();
    let lease = std::env::var("LE_CHILD_LEASE").unwrap();
    let clientset = Clientset::new(&support::config().await).unwrap();
    // Exit when the parent goes away (stdin closes), and after two minutes at most.
    let stop = support::child_stop_token(Duration::from_secs(120));
    let lock = Arc::new(LeaseLock::new(
        &clientset,
        &namespace,
        &lease,
        lock_config(&identity),
    ));
    while !stop.is_cancelled() {
        let callbacks = LeaderCallbacks::new()
            .on_started_leading(|leading: CancellationToken| async move {
                println!("LE-EVENT started");
                leading.cancelled().await;
                println!("LE-EVENT stopped");
            })
            .on_stopped_leading(|| {});
        let config = LeaderElectionConfig::new(lock.clone(), LEASE, RENEW, RETRY, callbacks);
        LeaderElector::new(config).unwrap().run(&stop).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn never_two_leaders_while_leaders_are_cancelled_and_killed() {
    let namespace = support::namespace("le-chaos").await;
    let config = support::config().await;
    let clientset = Clientset::new(&config).unwrap();
    let tracker = Arc::new(Tracker::default());
    // A clientset (and so a client-side rate limiter) per candidate, as if in separate
    // processes.
    let candidates: Vec<Candidate> = (0..3)
        .map(|n| {
            let own = Clientset::new(&config).unwrap();
            Candidate::spawn(
                &own,
                &namespace,
                "chaos",
                &format!("local-{n}"),
                n != 1,
                &tracker,
            )
        })
        .collect();
    let mut child = ChildCandidate::spawn(&namespace, "chaos", "child-0", &tracker).await;
    let mut children = 1;

    // Sample the callbacks' view and the Lease every 100 ms.
    let sampling = CancellationToken::new();
    let sampler = tokio::spawn({
        let (tracker, sampling) = (tracker.clone(), sampling.clone());
        let leases = clientset.coordination_v1().leases(&namespace);
        async move {
            let mut samples = 0;
            let mut holders = Vec::new();
            while !sampling.is_cancelled() {
                let leaders = tracker.leaders();
                assert!(leaders.len() <= 1, "two leaders at once: {leaders:?}");
                if let Ok(lease) = leases.get("chaos", &GetOptions::default()).await {
                    let holder = lease
                        .spec
                        .and_then(|s| s.holder_identity)
                        .unwrap_or_default();
                    if holders.last() != Some(&holder) {
                        holders.push(holder);
                    }
                }
                samples += 1;
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
            (samples, holders)
        }
    });

    let (mut cancels, mut kills) = (0, 0);
    // Who was disrupted last: a leader disrupted twice in a row (it re-took its own
    // unreleased lease) sits its next round out, so leadership must change hands.
    let mut last_disrupted = None;
    let end = Instant::now() + Duration::from_secs(25);
    while Instant::now() < end {
        tokio::time::sleep(Duration::from_millis(fastrand::u64(800..2500))).await;
        let leader = tracker.leaders().first().cloned();
        let again = leader.is_some() && leader == last_disrupted;
        last_disrupted.clone_from(&leader);
        match leader {
            Some(who) if who == child.identity => {
                child.kill(&tracker).await;
                kills += 1;
                child = ChildCandidate::spawn(
                    &namespace,
                    "chaos",
                    &format!("child-{children}"),
                    &tracker,
                )
                .await;
                children += 1;
            }
            Some(who) => {
                if let Some(candidate) = candidates.iter().find(|c| c.identity == who) {
                    if again {
                        candidate.cancel_round_and_sit_out(LEASE * 3);
                    } else {
                        candidate.cancel_round();
                    }
                    cancels += 1;
                }
            }
            None => {}
        }
    }
    sampling.cancel();
    let (samples, holders) = sampler.await.unwrap();
    child.kill(&tracker).await;
    for candidate in candidates {
        candidate.stop().await;
    }
    let intervals = tracker.intervals();
    let distinct: std::collections::BTreeSet<_> = intervals.iter().map(|i| i.who.clone()).collect();
    println!(
        "chaos: {samples} samples, {cancels} cancellations, {kills} kills, {} leadership intervals by {distinct:?}; lease holders in order: {holders:?}",
        intervals.len()
    );
    tracker.assert_no_overlap(Duration::ZERO);
    assert!(
        cancels + kills >= 5,
        "too few disruptions: {cancels} + {kills}"
    );
    assert!(distinct.len() >= 2, "leadership never moved: {distinct:?}");
}
