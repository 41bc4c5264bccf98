//! The client-go for Rust peer of `cargo xtask bench workqueue`: runs the work queue
//! shapes on `clientgo-workqueue` and prints one line per shape:
//!
//! ```text
//! shape=<name> ops=<n> cpu_ns=<user+sys ns> allocs=<heap allocations>
//! ```
//!
//! The shapes, item counts and key spellings match `bench/workqueue/go` exactly. Keys
//! are `Arc<str>`: shared and immutable like Go strings, so handing one to the queue
//! copies a pointer on both sides. CPU time is the process's `getrusage` (user+sys,
//! every thread); allocations come from a counting global allocator. Each shape runs
//! once at a tenth of its size as a warm-up before the measured run.

use std::sync::Arc;

use clientgo_workqueue::{Queue, QueueConfig};

/// Distinct keys of the hot-keys shape.
const HOT_KEYS: usize = 10;
/// Adds of each hot key per burst.
const HOT_REPEATS: usize = 50;
/// Keys per round of client-go's `BenchmarkQueue`.
const BENCH_KEYS: usize = 100;
/// Queues built at a time, outside the measurement, for the `BenchmarkQueue` shape.
const QUEUE_BATCH: usize = 1000;


#[global_allocator]
static GLOBAL: alloc_counter::Counting = alloc_counter::Counting;

type Key = Arc<str>;

/// CPU time and allocations, as totals or as a difference.
#[derive(Clone, Copy, Default)]
struct Sample {
    cpu_ns: i64,
    allocs: u64,
}


impl Sample {
    fn start() -> Self {
        Self {
            cpu_ns: alloc_counter::cpu_ns(),
            allocs: alloc_counter::allocations(),
        }
    }

    fn since(self) -> Self {
        Self {
            cpu_ns: alloc_counter::cpu_ns() - self.cpu_ns,
            allocs: alloc_counter::allocations() - self.allocs,
        }
    }
}

/// A producer adds every key once while `workers` tasks get and finish items; the
/// producer then shuts the queue down and the workers drain it.
fn workers(runtime: &tokio::runtime::Runtime, keys: &Arc<Vec<Key>>, workers: usize) -> Sample {
    let start = Sample::start();
    let queue = Queue::<Key>::with_config(QueueConfig::new());
    let handles: Vec<_> = (0..workers)
        .map(|_| {
            let queue = queue.clone();
            runtime.spawn(async move {
                while let Some(key) = queue.get().await {
                    queue.done(&key);
                }
            })
        })
        .collect();
    let keys = keys.clone();
    let producer = runtime.spawn(async move {
        for key in keys.iter() {
            queue.add(key.clone());
        }
        queue.shut_down();
    });
    runtime.block_on(async {
        producer.await.expect("producer");
        for handle in handles {
            handle.await.expect("worker");
        }
    });
    start.since()
}

/// Bursts of adds of a few keys, collapsed by the queue; each burst is processed twice
/// (once queued, once re-queued because it was added again while processing), so both
/// sides process exactly `2 * HOT_KEYS` items per `2 * HOT_KEYS * HOT_REPEATS` adds.
fn hot(runtime: &tokio::runtime::Runtime, keys: &[Key], adds: usize) -> Sample {
    let queue = Queue::<Key>::with_config(QueueConfig::new());
    let mut held = Vec::with_capacity(HOT_KEYS);
    let rounds = adds / (2 * HOT_KEYS * HOT_REPEATS);
    let sample = runtime.block_on(async {
        let start = Sample::start();
        for _ in 0..rounds {
            for _ in 0..HOT_REPEATS {
                for key in keys {
                    queue.add(key.clone());
                }
            }
            for _ in keys {
                held.push(queue.get().await.expect("queued"));
            }
            for _ in 0..HOT_REPEATS {
                for key in keys {
                    queue.add(key.clone());
                }
            }
            for key in held.drain(..) {
                queue.done(&key);
            }
            for _ in keys {
                let key = queue.get().await.expect("queued again");
                queue.done(&key);
            }
        }
        start.since()
    });
    assert_eq!(queue.len(), 0, "hot: items left");
    sample
}

/// client-go's `BenchmarkQueue`: per round a new queue (built outside the measurement,
/// like the benchmark's `StopTimer`) and 100 add/get/done of distinct keys.
fn benchmark_queue(runtime: &tokio::runtime::Runtime, keys: &[Key], rounds: usize) -> Sample {
    let mut total = Sample::default();
    let mut done = 0;
    while done < rounds {
        let n = QUEUE_BATCH.min(rounds - done);
        done += n;
        let queues: Vec<_> = (0..n)
            .map(|_| Queue::<Key>::with_config(QueueConfig::new()))
            .collect();
        let sample = runtime.block_on(async {
            let start = Sample::start();
            for queue in &queues {
                for key in keys {
                    queue.add(key.clone());
                    let got = queue.get().await.expect("queued");
                    queue.done(&got);
                }
            }
            start.since()
        });
        drop(queues);
        total.cpu_ns += sample.cpu_ns;
        total.allocs += sample.allocs;
    }
    total
}

fn report(shape: &str, ops: usize, sample: Sample) {
    println!(
        "shape={shape} ops={ops} cpu_ns={} allocs={}",
        sample.cpu_ns, sample.allocs
    );
}

fn main() {
    let n = match std::env::args().nth(1) {
        None => 1_000_000,
        Some(arg) => match arg.parse::<usize>() {
            Ok(n) if n >= 10 * 2 * HOT_KEYS * HOT_REPEATS => n,
            _ => {
                eprintln!("usage: workqueue-clientgo [items (>= 10000)]");
                std::process::exit(2);
            }
        },
    };
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .build()
        .expect("runtime");
    let distinct: Vec<Key> = (0..n).map(|i| format!("default/pod-{i}").into()).collect();
    let hot_set = &distinct[..HOT_KEYS];
    let bench_set: Vec<Key> = (0..BENCH_KEYS).map(|i| format!("key-{i}").into()).collect();
    for warm in [true, false] {
        let size = if warm { n / 10 } else { n };
        let keys = Arc::new(distinct[..size].to_vec());
        let a = workers(&runtime, &keys, 1);
        let b = workers(&runtime, &keys, 4);
        let c = hot(&runtime, hot_set, size);
        let d = benchmark_queue(&runtime, &bench_set, size / BENCH_KEYS);
        if warm {
            continue;
        }
        report("1-worker", size, a);
        report("4-workers", size, b);
        let burst = 2 * HOT_KEYS * HOT_REPEATS;
        report("hot-keys", size / burst * burst, c);
        report("benchmark-queue", size / BENCH_KEYS * BENCH_KEYS, d);
    }
}
