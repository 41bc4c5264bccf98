#![allow(clippy::unwrap_used)]
// The counting allocator below needs `unsafe impl GlobalAlloc`; it only forwards to the
// system allocator.
#![allow(unsafe_code)]
//! Allocation counts of a warm queue: once its tables have grown to the number of items
//! it holds at a time, `add`, `get` and `done` allocate nothing.
//!
//! A counting global allocator counts the allocations of the current thread only (the
//! test harness may allocate on other threads meanwhile); the queue runs on a
//! current-thread runtime on that thread.

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;
use std::sync::Arc;

use clientgo_workqueue::{Queue, QueueConfig};

thread_local! {
    static ALLOCATIONS: Cell<u64> = const { Cell::new(0) };
}

/// The system allocator, counting allocations per thread.
struct Counting;

fn count() {
    // `try_with`: the thread-local may already be gone while a thread exits.
    let _ = ALLOCATIONS.try_with(|n| n.set(n.get() + 1));
}

// SAFETY: every call is forwarded unchanged to the system allocator; only a counter is
// updated besides.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        count();
        // SAFETY: same contract as the caller's.
        unsafe { System.alloc(layout) }
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        count();
        // SAFETY: same contract as the caller's.
        unsafe { System.alloc_zeroed(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: same contract as the caller's.
        unsafe { System.dealloc(ptr, layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        count();
        // SAFETY: same contract as the caller's.
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

/// Runs `rounds` rounds of: add `keys` twice each (the second add collapses), get every
/// key, add each again while processing (marks it dirty), finish each (re-queued), then
/// get and finish each once more. `held` must have room for every key.
async fn exercise(
    queue: &Queue<Arc<str>>,
    keys: &[Arc<str>],
    held: &mut Vec<Arc<str>>,
    rounds: usize,
) {
    for _ in 0..rounds {
        for key in keys.iter().chain(keys) {
            queue.add(key.clone());
        }
        for _ in keys {
            held.push(queue.get().await.unwrap());
        }
        for key in keys {
            queue.add(key.clone());
        }
        for key in held.drain(..) {
            queue.done(&key);
        }
        for _ in keys {
            let key = queue.get().await.unwrap();
            queue.done(&key);
        }
    }
}

/// Allocations made on this thread so far.
fn allocated() -> u64 {
    ALLOCATIONS.with(Cell::get)
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap()
}

#[test]
fn a_warm_queue_does_not_allocate() {
    let keys: Vec<Arc<str>> = (0..1000)
        .map(|i| format!("default/pod-{i}").into())
        .collect();
    runtime().block_on(async {
        let queue = Queue::<Arc<str>>::with_config(QueueConfig::new());
        let mut held = Vec::with_capacity(keys.len());
        // Warm-up: the tables grow to 1000 items.
        exercise(&queue, &keys, &mut held, 1).await;
        let before = allocated();
        exercise(&queue, &keys, &mut held, 100).await;
        assert_eq!(allocated() - before, 0, "allocations in 100 warm rounds");
        assert!(queue.is_empty());
    });
}

#[test]
fn a_queue_holding_a_few_items_stops_allocating_after_its_first_round() {
    let keys: Vec<Arc<str>> = (0..8).map(|i| format!("key-{i}").into()).collect();
    runtime().block_on(async {
        let mut held = Vec::with_capacity(keys.len());
        let queue = Queue::<Arc<str>>::with_config(QueueConfig::new());
        // The first round pays once-only costs (the runtime's and, with some feature
        // sets of the dependencies, table growth); none after.
        exercise(&queue, &keys, &mut held, 1).await;
        let before = allocated();
        exercise(&queue, &keys, &mut held, 100).await;
        // client-go's BenchmarkQueue shape: one item at a time.
        for key in &keys {
            queue.add(key.clone());
            let got = queue.get().await.unwrap();
            queue.done(&got);
        }
        assert_eq!(allocated() - before, 0, "allocations after construction");
    });
}
