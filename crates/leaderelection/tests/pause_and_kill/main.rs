//! Never two leaders while leaders are paused and killed: five processes compete for a
//! Lease on a real kube-apiserver (lease 3 s, renew deadline 2 s, retry 0.5 s) while
//! the test stops processes (SIGSTOP) for longer than the lease duration and resumes
//! them (SIGCONT), and kills processes (SIGKILL) and starts new ones, at random. Every
//! process records when it acted as leader on a shared timeline; no two terms of
//! different processes may overlap, counting a killed leader's term until it was killed.
//!
//! The processes are this test binary run again with `pause_and_kill_child`.

#![allow(clippy::unwrap_used)]

mod child;
mod clock;
#[path = "../support/mod.rs"]
mod support;
mod timeline;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::sync::Arc;
use std::time::Duration;

use parking_lot::Mutex;
use timeline::Interval;
use tokio::process::{Child, ChildStdin, Command};

/// How long the test disturbs the processes.
const CHAOS: Duration = Duration::from_secs(65);
/// How many processes compete at any time.
const PROCESSES: usize = 5;
/// At most this many processes are stopped at once.
const MAX_PAUSED: usize = 2;

/// The environment of a child process.
const ENV_IDENTITY: &str = "LE_PAUSE_CHILD_IDENTITY";
const ENV_NAMESPACE: &str = "LE_PAUSE_CHILD_NAMESPACE";
const ENV_TIMELINE: &str = "LE_PAUSE_CHILD_TIMELINE";

/// The child process side; does nothing in a normal test run.
#[tokio::test]
async fn pause_and_kill_child() {
    let Ok(identity) = std::env::var(ENV_IDENTITY) else {
        return;
    };
    let namespace = std::env::var(ENV_NAMESPACE).unwrap();
    let timeline = PathBuf::from(std::env::var(ENV_TIMELINE).unwrap());
    child::run(&identity, &namespace, "lease", &timeline).await;
}

/// A running child process.
struct Process {
    identity: String,
    pid: u32,
    child: Child,
    stdin: Option<ChildStdin>,
}

impl Process {
    async fn spawn(identity: &str, namespace: &str, timeline: &Path) -> Self {
        let mut child = Command::new(std::env::current_exe().unwrap())
            .args([
                "pause_and_kill_child",
                "--exact",
                "--nocapture",
                "--test-threads=1",
            ])
            .env("CLIENTGO_TEST_KUBECONFIG", support::kubeconfig().await)
            .env(ENV_IDENTITY, identity)
            .env(ENV_NAMESPACE, namespace)
            .env(ENV_TIMELINE, timeline)
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .kill_on_drop(true)
            .spawn()
            .unwrap();
        let stdin = child.stdin.take();
        Self {
            identity: identity.into(),
            pid: child.id().unwrap(),
            child,
            stdin,
        }
    }

    /// SIGKILL; returns when the process is gone.
    async fn kill(mut self) -> u64 {
        self.child.start_kill().unwrap();
        self.child.wait().await.unwrap();
        clock::now()
    }
}

/// A pause of one process: stopped at `stopped`, continued at `continued`.
#[derive(Debug, Clone)]
struct Pause {
    who: String,
    leader: bool,
    stopped: u64,
    continued: u64,
}

/// What the parent did and saw.
#[derive(Debug, Default)]
struct Record {
    spawned: usize,
    pauses: Vec<Pause>,
    kills: Vec<(String, bool, u64)>,
}

/// The process leading now: the latest open term of a live process.
fn leader(intervals: &[Interval], processes: &[Process]) -> Option<String> {
    intervals
        .iter()
        .rev()
        .find(|i| i.end.is_none() && processes.iter().any(|p| p.identity == i.who))
        .map(|i| i.who.clone())
}

/// Stops process `pid` for `duration`, then continues it; the pause goes to `record`.
fn pause(
    process: &Process,
    leader: bool,
    duration: Duration,
    paused: &Arc<Mutex<BTreeSet<String>>>,
    record: &Arc<Mutex<Record>>,
) -> tokio::task::JoinHandle<()> {
    let (pid, who) = (process.pid, process.identity.clone());
    let (paused, record) = (paused.clone(), record.clone());
    paused.lock().insert(who.clone());
    tokio::spawn(async move {
        clock::pause(pid, true);
        let stopped = clock::now();
        tokio::time::sleep(duration).await;
        clock::pause(pid, false);
        let continued = clock::now();
        paused.lock().remove(&who);
        record.lock().pauses.push(Pause {
            who,
            leader,
            stopped,
            continued,
        });
    })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn never_two_leaders_while_leaders_are_paused_and_killed() {
    let namespace = support::namespace("le-pause").await;
    let folder = tempfile::tempdir().unwrap();
    let timeline = folder.path().join("timeline");
    let record = Arc::new(Mutex::new(Record::default()));
    let paused = Arc::new(Mutex::new(BTreeSet::new()));
    let mut processes = Vec::new();
    for n in 0..PROCESSES {
        processes.push(Process::spawn(&format!("p{n}"), &namespace, &timeline).await);
    }
    record.lock().spawned = PROCESSES;
    let mut pauses = Vec::new();

    let end = clock::now() + u64::try_from(CHAOS.as_nanos()).unwrap();
    while clock::now() < end {
        tokio::time::sleep(Duration::from_millis(fastrand::u64(1000..2500))).await;
        let intervals = timeline::read(&timeline);
        let leader = leader(&intervals, &processes);
        let running: Vec<usize> = (0..processes.len())
            .filter(|n| !paused.lock().contains(&processes[*n].identity))
            .collect();
        let leading = running
            .iter()
            .copied()
            .find(|n| Some(&processes[*n].identity) == leader.as_ref());
        // Mostly the leader, sometimes anyone; while nobody leads, mostly wait.
        let target = match leading {
            Some(n) if fastrand::u8(0..100) < 80 => n,
            None if fastrand::u8(0..100) < 60 => continue,
            _ => running[fastrand::usize(0..running.len())],
        };
        let is_leader = Some(target) == leading;
        if fastrand::u8(0..100) < 65 && paused.lock().len() < MAX_PAUSED {
            // Longer than the lease duration.
            let duration = Duration::from_millis(fastrand::u64(3500..7000));
            pauses.push(pause(
                &processes[target],
                is_leader,
                duration,
                &paused,
                &record,
            ));
        } else {
            let process = processes.swap_remove(target);
            let who = process.identity.clone();
            let killed = process.kill().await;
            let spawned = {
                let mut record = record.lock();
                record.kills.push((who, is_leader, killed));
                record.spawned += 1;
                record.spawned
            };
            let identity = format!("p{}", spawned - 1);
            processes.push(Process::spawn(&identity, &namespace, &timeline).await);
        }
    }

    // Resume everyone, then let them stop (stdin closes) and release.
    for pause in pauses {
        pause.await.unwrap();
    }
    for process in &mut processes {
        process.stdin.take();
    }
    let mut exits = Vec::new();
    for mut process in processes {
        let who = process.identity.clone();
        let exited = tokio::time::timeout(Duration::from_secs(15), process.child.wait()).await;
        let at = match exited {
            Ok(status) => {
                status.unwrap();
                clock::now()
            }
            Err(_) => process.kill().await,
        };
        exits.push((who, at));
    }

    let record = record.lock();
    let mut intervals = timeline::read(&timeline);
    for (who, _, at) in &record.kills {
        timeline::end_open(&mut intervals, who, *at);
    }
    for (who, at) in &exits {
        timeline::end_open(&mut intervals, who, *at);
    }
    report_and_check(&intervals, &record);
}

/// Prints the figures of the run and checks them.
fn report_and_check(intervals: &[Interval], record: &Record) {
    let now = clock::now();
    let ms = |nanos: u64| Duration::from_nanos(nanos).as_secs_f64() * 1000.0;
    let mut overlaps = Vec::new();
    for (n, a) in intervals.iter().enumerate() {
        for b in &intervals[n + 1..] {
            if a.overlaps(b, now) {
                overlaps.push((a.clone(), b.clone()));
            }
        }
    }
    let changes = intervals
        .windows(2)
        .filter(|pair| pair[0].who != pair[1].who)
        .count();
    let leaders: BTreeSet<&str> = intervals.iter().map(|i| i.who.as_str()).collect();
    // Leaders stopped for so long that another led before they were continued: how
    // long after SIGCONT did they notice?
    let mut stale = Vec::new();
    for pause in &record.pauses {
        let term = intervals.iter().find(|i| {
            i.who == pause.who
                && i.start <= pause.stopped
                && i.noticed.is_none_or(|n| n >= pause.continued)
        });
        let taken = intervals
            .iter()
            .any(|i| i.who != pause.who && i.start > pause.stopped && i.start < pause.continued);
        if let (Some(term), true) = (term, taken)
            && let Some(noticed) = term.noticed
        {
            stale.push(ms(noticed.saturating_sub(pause.continued)));
        }
    }
    let leader_pauses = record.pauses.iter().filter(|p| p.leader).count();
    let leader_kills = record.kills.iter().filter(|k| k.1).count();
    println!(
        "pause/kill run: {} processes, {} pauses ({leader_pauses} of the leader, {:.1}–{:.1} s), \
         {} kills ({leader_kills} of the leader), {} terms, {changes} leadership changes, \
         {} distinct leaders, {} leaders resumed after another took over (noticed {:?} ms \
         after SIGCONT), {} overlaps",
        record.spawned,
        record.pauses.len(),
        record
            .pauses
            .iter()
            .map(|p| ms(p.continued - p.stopped) / 1000.0)
            .fold(f64::INFINITY, f64::min),
        record
            .pauses
            .iter()
            .map(|p| ms(p.continued - p.stopped) / 1000.0)
            .fold(0.0, f64::max),
        record.kills.len(),
        intervals.len(),
        leaders.len(),
        stale.len(),
        stale.iter().map(|m| m.round()).collect::<Vec<_>>(),
        overlaps.len(),
    );
    for (a, b) in &overlaps {
        println!(
            "overlap: {} acted {:.1}..{:.1} ms, {} acted {:.1}..{:.1} ms",
            a.who,
            ms(a.start),
            ms(a.end.unwrap_or(now)),
            b.who,
            ms(b.start),
            ms(b.end.unwrap_or(now))
        );
    }
    assert!(overlaps.is_empty(), "{} overlapping terms", overlaps.len());
    assert!(changes >= 5, "too few leadership changes: {changes}");
    assert!(leaders.len() >= 3, "too few leaders: {leaders:?}");
    assert!(
        !stale.is_empty(),
        "no leader was resumed after another took over"
    );
}
