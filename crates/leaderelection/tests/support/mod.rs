//! Shared set-up of the leader election tests: the test cluster, candidates whose
//! leadership intervals are tracked, and a TCP proxy that can cut a candidate off.

#![allow(clippy::unwrap_used, dead_code)] // test set-up panics on purpose

use std::sync::Arc;
use std::time::{Duration, Instant};

use clientgo_clientcmd::{ClientConfig, ConfigOverrides, LoadingRules};
use clientgo_kubernetes::Clientset;
use clientgo_leaderelection::{
    CancellationToken, LeaderCallbacks, LeaderElectionConfig, LeaderElector, LeaseLock,
    ResourceLockConfig,
};
use parking_lot::Mutex;
use tokio::task::JoinHandle;

/// Short durations so that tests finish quickly: lease 2 s, renew 1.5 s, retry 0.3 s.
pub const LEASE: Duration = Duration::from_secs(2);
/// The renew deadline of the tests.
pub const RENEW: Duration = Duration::from_millis(1500);
/// The retry period of the tests.
pub const RETRY: Duration = Duration::from_millis(300);

/// The kubeconfig path of the test cluster.
pub async fn kubeconfig() -> std::path::PathBuf {
    let cluster = clientgo_envtest::test_cluster().await.unwrap();
    cluster.kubeconfig_path().to_path_buf()
}

/// For a child process of a test: a token cancelled when the parent goes away (this
/// process's stdin closes) or after `at_most`, whichever comes first.
pub fn child_stop_token(at_most: Duration) -> tokio_util::sync::CancellationToken {
    let stop = tokio_util::sync::CancellationToken::new();
    tokio::spawn({
        let stop = stop.clone();
        async move {
            let mut sink = Vec::new();
            let _ = tokio::io::AsyncReadExt::read_to_end(&mut tokio::io::stdin(), &mut sink).await;
            stop.cancel();
        }
    });
    tokio::spawn({
        let stop = stop.clone();
        async move {
            tokio::time::sleep(at_most).await;
            stop.cancel();
        }
    });
    stop
}

/// The REST configuration of the test cluster's admin.
pub async fn config() -> clientgo_rest::Config {
    ClientConfig::new(
        LoadingRules::explicit(kubeconfig().await),
        ConfigOverrides::default(),
    )
    .rest_config()
    .unwrap()
}

/// A fresh namespace.
pub async fn namespace(prefix: &str) -> String {
    let cluster = clientgo_envtest::test_cluster().await.unwrap();
    cluster.new_namespace(prefix).await.unwrap()
}

/// One leadership interval: `who` led from `start` until `end` (open while leading).
#[derive(Debug, Clone)]
pub struct Interval {
    pub who: String,
    pub start: Instant,
    pub end: Option<Instant>,
}

/// Leadership intervals of every candidate of a test, as seen through the callbacks.
#[derive(Debug, Default)]
pub struct Tracker {
    intervals: Mutex<Vec<Interval>>,
}

impl Tracker {
    /// `who` started leading now; returns the interval's index.
    pub fn start(&self, who: &str) -> usize {
        let mut intervals = self.intervals.lock();
        intervals.push(Interval {
            who: who.into(),
            start: Instant::now(),
            end: None,
        });
        intervals.len() - 1
    }

    /// Interval `index` ended at `at`.
    pub fn end(&self, index: usize, at: Instant) {
        let mut intervals = self.intervals.lock();
        if intervals[index].end.is_none() {
            intervals[index].end = Some(at);
        }
    }

    /// Ends the open interval of `who`, if any.
    pub fn end_open(&self, who: &str, at: Instant) {
        let mut intervals = self.intervals.lock();
        for interval in intervals.iter_mut() {
            if interval.who == who && interval.end.is_none() {
                interval.end = Some(at);
            }
        }
    }

    /// Who leads now (open intervals).
    pub fn leaders(&self) -> Vec<String> {
        self.intervals
            .lock()
            .iter()
            .filter(|i| i.end.is_none())
            .map(|i| i.who.clone())
            .collect()
    }

    /// Every interval so far.
    pub fn intervals(&self) -> Vec<Interval> {
        self.intervals.lock().clone()
    }

    /// When the first interval of `who` starting after `after` started.
    pub fn started_after(&self, who: &str, after: Instant) -> Option<Instant> {
        self.intervals
            .lock()
            .iter()
            .filter(|i| i.who == who && i.start >= after)
            .map(|i| i.start)
            .min()
    }

    /// Panics if two intervals overlap by more than `slack`.
    pub fn assert_no_overlap(&self, slack: Duration) {
        let now = Instant::now();
        let mut intervals = self.intervals();
        intervals.sort_by_key(|i| i.start);
        for (n, a) in intervals.iter().enumerate() {
            for b in &intervals[n + 1..] {
                let a_end = a.end.unwrap_or(now);
                assert!(
                    b.start + slack >= a_end,
                    "{} led from {:?} until {:?} while {} started at {:?}",
                    a.who,
                    a.start,
                    a.end,
                    b.who,
                    b.start
                );
            }
        }
    }
}

/// An in-process candidate: runs elections on its lease in a loop until stopped; each
/// leadership is recorded in the tracker (start: `on_started_leading`; end: its token
/// cancelled).
pub struct Candidate {
    pub identity: String,
    round: Arc<Mutex<CancellationToken>>,
    /// The least pause before the candidate rejoins after its current round ends.
    sit_out: Arc<Mutex<Duration>>,
    stop: CancellationToken,
    task: JoinHandle<()>,
    pub stopped_leading: Arc<Mutex<Vec<Instant>>>,
}

impl Candidate {
    /// Starts competing for `namespace/lease` through `clientset`.
    pub fn spawn(
        clientset: &Clientset,
        namespace: &str,
        lease: &str,
        identity: &str,
        release_on_cancel: bool,
        tracker: &Arc<Tracker>,
    ) -> Self {
        let round = Arc::new(Mutex::new(CancellationToken::new()));
        let sit_out = Arc::new(Mutex::new(Duration::ZERO));
        let stop = CancellationToken::new();
        let stopped_leading = Arc::new(Mutex::new(Vec::new()));
        let lock = Arc::new(LeaseLock::new(
            clientset,
            namespace,
            lease,
            ResourceLockConfig {
                identity: identity.into(),
                event_recorder: None,
            },
        ));
        let task = tokio::spawn({
            let (round, sit_out, stop) = (round.clone(), sit_out.clone(), stop.clone());
            let tracker = tracker.clone();
            let (identity, stopped) = (identity.to_owned(), stopped_leading.clone());
            async move {
                while !stop.is_cancelled() {
                    let token = round.lock().clone();
                    let callbacks = {
                        let (tracker, who, stopped) =
                            (tracker.clone(), identity.clone(), stopped.clone());
                        LeaderCallbacks::new()
                            .on_started_leading(move |leading: CancellationToken| {
                                let index = tracker.start(&who);
                                let tracker = tracker.clone();
                                async move {
                                    leading.cancelled().await;
                                    tracker.end(index, Instant::now());
                                }
                            })
                            .on_stopped_leading(move || stopped.lock().push(Instant::now()))
                    };
                    let config =
                        LeaderElectionConfig::new(lock.clone(), LEASE, RENEW, RETRY, callbacks)
                            .release_on_cancel(release_on_cancel)
                            .name(identity.clone());
                    let elector = LeaderElector::new(config).unwrap();
                    elector.run(&token).await;
                    // A new round (with a fresh token if this one was cancelled).
                    {
                        let mut current = round.lock();
                        if current.is_cancelled() {
                            *current = CancellationToken::new();
                        }
                    }
                    // Rejoin after a random pause: a quick rejoin re-takes its own
                    // unreleased lease (same identity), a slow one lets others in.
                    let pause = Duration::from_millis(fastrand::u64(200..3000))
                        .max(std::mem::take(&mut *sit_out.lock()));
                    tokio::select! {
                        () = tokio::time::sleep(pause) => {}
                        () = stop.cancelled() => {}
                    }
                }
            }
        });
        Self {
            identity: identity.into(),
            round,
            sit_out,
            stop,
            task,
            stopped_leading,
        }
    }

    /// Cancels the current election (the candidate competes again shortly after).
    pub fn cancel_round(&self) -> Instant {
        let at = Instant::now();
        self.round.lock().cancel();
        at
    }

    /// Cancels the current election and keeps the candidate out for at least `pause`
    /// (long enough, and the others take the lease over).
    pub fn cancel_round_and_sit_out(&self, pause: Duration) -> Instant {
        *self.sit_out.lock() = pause;
        self.cancel_round()
    }

    /// Stops competing for good.
    pub async fn stop(self) {
        self.stop.cancel();
        self.round.lock().cancel();
        self.task.await.unwrap();
    }
}
