#![allow(clippy::unwrap_used)]
//! The controller pattern end to end: several workers reconcile keys from a
//! rate-limited queue, failing some keys a few times before they succeed.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;
use std::time::Duration;

use clientgo_workqueue::{QueueConfig, RateLimitingQueue, default_controller_rate_limiter};
use parking_lot::Mutex;
use tokio::sync::Notify;

const KEYS: usize = 30;
const WORKERS: usize = 4;

/// How many times reconciling `key` fails before it succeeds.
fn failures_of(key: &str) -> usize {
    key.len() % 4
}

#[derive(Default)]
struct Record {
    /// Keys some worker holds right now.
    in_flight: HashSet<String>,
    /// Reconcile attempts per key.
    attempts: HashMap<String, usize>,
    /// Successful reconciles per key.
    successes: HashMap<String, usize>,
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn workers_retry_until_every_key_succeeded() {
    let queue = RateLimitingQueue::with_config(
        default_controller_rate_limiter(),
        QueueConfig::new().name("controller-pattern"),
    );
    let keys: Vec<String> = (0..KEYS)
        .map(|i| format!("ns-{i}/obj{}", "x".repeat(i)))
        .collect();
    // Duplicate adds before any worker runs collapse into one.
    for key in keys.iter().chain(keys.iter()) {
        queue.add(key.clone());
    }
    assert_eq!(queue.len(), KEYS);

    let record = Arc::new(Mutex::new(Record::default()));
    let all_succeeded = Arc::new(Notify::new());
    let workers: Vec<_> = (0..WORKERS)
        .map(|_| {
            let queue = queue.clone();
            let record = record.clone();
            let all_succeeded = all_succeeded.clone();
            tokio::spawn(async move {
                while let Some(key) = queue.get().await {
                    let attempt = {
                        let mut record = record.lock();
                        assert!(
                            record.in_flight.insert(key.clone()),
                            "{key} handed to two workers at once"
                        );
                        let attempts = record.attempts.entry(key.clone()).or_default();
                        *attempts += 1;
                        *attempts
                    };
                    assert_eq!(queue.num_requeues(&key), attempt - 1);

                    // "Reconcile": give other workers a chance to run meanwhile.
                    tokio::time::sleep(Duration::from_millis(1)).await;
                    let succeeded = attempt > failures_of(&key);

                    let mut record = record.lock();
                    record.in_flight.remove(&key);
                    if succeeded {
                        queue.forget(&key);
                        *record.successes.entry(key.clone()).or_default() += 1;
                        if record.successes.len() == KEYS {
                            all_succeeded.notify_one();
                        }
                    } else {
                        queue.add_rate_limited(key.clone());
                    }
                    drop(record);
                    queue.done(&key);
                }
            })
        })
        .collect();

    all_succeeded.notified().await;
    queue.shut_down_with_drain().await;
    for worker in workers {
        worker.await.unwrap();
    }

    let record = std::mem::take(&mut *record.lock());
    assert!(record.in_flight.is_empty());
    for key in &keys {
        assert_eq!(
            record.successes.get(key),
            Some(&1),
            "{key} succeeded exactly once"
        );
        assert_eq!(
            record.attempts.get(key),
            Some(&(failures_of(key) + 1)),
            "{key} was attempted once per failure plus the success"
        );
        assert_eq!(queue.num_requeues(key), 0, "{key} was forgotten");
    }
    assert!(queue.is_empty());
    assert!(queue.shutting_down());

    // Every background task of the queue ended (the runtime runs nothing else).
    let runtime = tokio::runtime::Handle::current();
    for _ in 0..100 {
        if runtime.metrics().num_alive_tasks() == 0 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    assert_eq!(
        runtime.metrics().num_alive_tasks(),
        0,
        "a background task leaked"
    );
}
