//! The leader's work against a real kube-apiserver: `run` waits for the work to wind
//! down before it releases the Lease and returns, keeps the Lease meanwhile, and
//! abandons a work that ignores its token after the grace period.

#![allow(clippy::unwrap_used)]

mod support;

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use clientgo_apimachinery::meta::GetOptions;
use clientgo_kubernetes::Clientset;
use clientgo_leaderelection::{
    CancellationToken, LeaderCallbacks, LeaderElectionConfig, LeaderElector, LeaseLock,
    ResourceLockConfig,
};
use parking_lot::Mutex;
use support::{Candidate, LEASE, RENEW, RETRY, Tracker};

/// The holder of Lease `namespace/name`.
async fn holder(clientset: &Clientset, namespace: &str, name: &str) -> String {
    let lease = clientset
        .coordination_v1()
        .leases(namespace)
        .get(name, &GetOptions::default())
        .await
        .unwrap();
    lease
        .spec
        .and_then(|spec| spec.holder_identity)
        .map(String::from)
        .unwrap_or_default()
}

/// Elector `identity` on `namespace/name` releasing on cancel, with `callbacks`.
fn elector(
    clientset: &Clientset,
    namespace: &str,
    name: &str,
    identity: &str,
    callbacks: LeaderCallbacks,
    grace: Duration,
) -> Arc<LeaderElector> {
    let lock = LeaseLock::new(
        clientset,
        namespace,
        name,
        ResourceLockConfig {
            identity: identity.into(),
            event_recorder: None,
        },
    );
    let config = LeaderElectionConfig::new(Arc::new(lock), LEASE, RENEW, RETRY, callbacks)
        .release_on_cancel(true)
        .work_grace_period(grace);
    Arc::new(LeaderElector::new(config).unwrap())
}

/// Runs `elector` until `cancel` on a task of its own.
fn spawn_run(
    elector: &Arc<LeaderElector>,
    cancel: &CancellationToken,
) -> tokio::task::JoinHandle<()> {
    let (elector, cancel) = (elector.clone(), cancel.clone());
    tokio::spawn(async move { elector.run(&cancel).await })
}

async fn wait_until_leading(elector: &LeaderElector) {
    let deadline = Instant::now() + Duration::from_secs(10);
    while !elector.is_leader() {
        assert!(Instant::now() < deadline, "never led");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn run_returns_and_releases_only_after_the_work_wound_down() {
    let namespace = support::namespace("le-wind-down").await;
    let config = support::config().await;
    let clientset = Clientset::new(&config).unwrap();
    // Winding down takes longer than the lease duration.
    let wind_down = LEASE + Duration::from_secs(1);
    let returned = Arc::new(Mutex::new(None));
    let stopped = Arc::new(Mutex::new(None));
    let callbacks = {
        let (returned, stopped) = (returned.clone(), stopped.clone());
        let (clientset, namespace) = (clientset.clone(), namespace.clone());
        LeaderCallbacks::new()
            .on_started_leading(move |leading: CancellationToken| {
                let (returned, clientset, namespace) =
                    (returned.clone(), clientset.clone(), namespace.clone());
                async move {
                    leading.cancelled().await;
                    tokio::time::sleep(wind_down).await;
                    let holder = holder(&clientset, &namespace, "lease").await;
                    *returned.lock() = Some((Instant::now(), holder));
                }
            })
            .on_stopped_leading(move || *stopped.lock() = Some(Instant::now()))
    };
    let a = elector(
        &clientset,
        &namespace,
        "lease",
        "a",
        callbacks,
        Duration::from_secs(30),
    );
    let cancel = CancellationToken::new();
    let run = spawn_run(&a, &cancel);
    wait_until_leading(&a).await;
    // A follower waiting to take over.
    let tracker = Arc::new(Tracker::default());
    let b = Candidate::spawn(
        &Clientset::new(&config).unwrap(),
        &namespace,
        "lease",
        "b",
        true,
        &tracker,
    );
    tokio::time::sleep(Duration::from_secs(1)).await;

    let cancelled = Instant::now();
    cancel.cancel();
    run.await.unwrap();
    let run_returned = Instant::now();
    let holder_after = holder(&clientset, &namespace, "lease").await;
    let (work_returned, holder_then) = returned.lock().clone().expect("the work returned");
    let stopped = stopped.lock().expect("on_stopped_leading ran");
    tokio::time::sleep(Duration::from_secs(1)).await;
    let b_started = tracker.started_after("b", cancelled);
    b.stop().await;
    println!(
        "cancelled at 0: the work returned after {:?} (holder then: {holder_then:?}), run returned after {:?} (holder then: {holder_after:?}), b led after {:?}",
        work_returned - cancelled,
        run_returned - cancelled,
        b_started.map(|at| at - cancelled)
    );
    assert!(work_returned - cancelled >= wind_down);
    assert_eq!(
        holder_then, "a",
        "the Lease was kept while the work wound down"
    );
    assert!(work_returned <= stopped && stopped <= run_returned);
    assert_ne!(holder_after, "a", "released before run returned");
    let b_started = b_started.expect("b took over after the release");
    assert!(b_started > work_returned, "b led while a's work ran");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_work_ignoring_its_token_is_abandoned_after_the_grace_period() {
    let namespace = support::namespace("le-abandon").await;
    let clientset = Clientset::new(&support::config().await).unwrap();
    let steps = Arc::new(AtomicU64::new(0));
    let callbacks = {
        let steps = steps.clone();
        LeaderCallbacks::new()
            .on_started_leading(move |_leading: CancellationToken| {
                let steps = steps.clone();
                async move {
                    loop {
                        tokio::time::sleep(Duration::from_millis(20)).await;
                        steps.fetch_add(1, Ordering::SeqCst);
                    }
                }
            })
            .on_stopped_leading(|| {})
    };
    let grace = Duration::from_secs(1);
    let a = elector(&clientset, &namespace, "lease", "a", callbacks, grace);
    let cancel = CancellationToken::new();
    let run = spawn_run(&a, &cancel);
    wait_until_leading(&a).await;

    let cancelled = Instant::now();
    cancel.cancel();
    tokio::time::timeout(grace + Duration::from_secs(5), run)
        .await
        .expect("run returned")
        .unwrap();
    let returned = cancelled.elapsed();
    println!("cancelled at 0: run returned after {returned:?}");
    assert!(returned >= grace, "{returned:?}");
    tokio::time::sleep(Duration::from_millis(100)).await;
    let after_abort = steps.load(Ordering::SeqCst);
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(steps.load(Ordering::SeqCst), after_abort, "aborted");
    // Not known to have stopped in time: the Lease was left to expire, not released.
    assert_eq!(holder(&clientset, &namespace, "lease").await, "a");
}
