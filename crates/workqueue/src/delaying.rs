//! A queue that can add items later (client-go's `DelayingInterface`).
//!
//! [`DelayingQueue::add_after`] keeps an item aside until its delay has passed, then adds
//! it to the underlying [`Queue`]. An item waits at most once: a second `add_after` for
//! a waiting item only moves it **earlier**; a later ready time is ignored. A zero delay
//! adds at once.
//!
//! One background Tokio task wakes at the next ready time. It ends when the queue shuts
//! down (waiting items are then discarded) or when the last `DelayingQueue` handle is
//! dropped.
//!
//! ```
//! # #[tokio::main(flavor = "current_thread", start_paused = true)]
//! # async fn main() {
//! use std::time::Duration;
//! use clientgo_workqueue::DelayingQueue;
//!
//! let queue = DelayingQueue::new();
//! queue.add_after("retry-me", Duration::from_secs(5));
//! assert_eq!(queue.len(), 0);
//!
//! tokio::time::sleep(Duration::from_secs(6)).await;
//! assert_eq!(queue.get().await, Some("retry-me"));
//! # }
//! ```

use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::hash::Hash;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Weak};
use std::time::Duration;

use parking_lot::Mutex;
use tokio::sync::{Notify, watch};
use tokio::time::Instant;

use crate::queue::{Queue, QueueConfig};

/// The waiting loop wakes at least this often, as a safety net (client-go: 10 s).
const HEARTBEAT: Duration = Duration::from_secs(10);

/// Delays beyond this are treated as "practically never" (about 30 years), which keeps
/// `Instant` arithmetic from overflowing.
const FAR_FUTURE: Duration = Duration::from_secs(86_400 * 365 * 30);

/// A [`Queue`] with [`add_after`](Self::add_after). See the [module
/// documentation](self).
///
/// A cheap handle: clones share the same queue.
pub struct DelayingQueue<T> {
    queue: Queue<T>,
    waiting: Arc<Waiting<T>>,
}

/// Items waiting for their ready time, shared by the handles and the waiting loop.
struct Waiting<T> {
    entries: Mutex<Entries<T>>,
    /// Wakes the loop: a new earliest entry, a shutdown, or the last handle dropped.
    wake: Arc<Notify>,
    loop_started: AtomicBool,
}

struct Entries<T> {
    /// Ordered by ready time, then by insertion (a sequence number).
    by_time: BTreeMap<(Instant, u64), T>,
    /// The key in `by_time` of each waiting item.
    by_item: HashMap<T, (Instant, u64)>,
    next_seq: u64,
    /// Set when the loop ended: nothing waits any more.
    closed: bool,
}

impl<T: Clone + Eq + Hash> Entries<T> {
    /// Makes `item` wait until `ready_at`, unless it already waits for an earlier time.
    /// Returns whether anything changed.
    fn insert(&mut self, item: T, ready_at: Instant) -> bool {
        if self.closed {
            return false;
        }
        if let Some(&key) = self.by_item.get(&item) {
            if key.0 <= ready_at {
                return false;
            }
            self.by_time.remove(&key);
        }
        let key = (ready_at, self.next_seq);
        self.next_seq = self.next_seq.wrapping_add(1);
        self.by_item.insert(item.clone(), key);
        self.by_time.insert(key, item);
        true
    }

    /// Removes the items ready at `now`, in ready order; also returns the next ready time.
    fn take_ready(&mut self, now: Instant) -> (Vec<T>, Option<Instant>) {
        let mut ready = Vec::new();
        while let Some(entry) = self.by_time.first_entry() {
            if entry.key().0 > now {
                return (ready, Some(entry.key().0));
            }
            let item = entry.remove();
            self.by_item.remove(&item);
            ready.push(item);
        }
        (ready, None)
    }

    fn close(&mut self) {
        self.closed = true;
        self.by_time.clear();
        self.by_item.clear();
    }
}

impl<T> Drop for Waiting<T> {
    fn drop(&mut self) {
        // The last handle is gone: let the loop notice and end.
        self.wake.notify_one();
    }
}

impl<T> Clone for DelayingQueue<T> {
    fn clone(&self) -> Self {
        Self {
            queue: self.queue.clone(),
            waiting: self.waiting.clone(),
        }
    }
}

impl<T> fmt::Debug for DelayingQueue<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DelayingQueue")
            .field("queue", &self.queue)
            .field("waiting", &self.waiting.entries.lock().by_item.len())
            .finish()
    }
}

impl<T> Default for DelayingQueue<T>
where
    T: Clone + Eq + Hash + Send + Sync + 'static,
{
    fn default() -> Self {
        Self::new()
    }
}

impl<T> DelayingQueue<T>
where
    T: Clone + Eq + Hash + Send + Sync + 'static,
{
    /// An unnamed delaying queue without metrics (client-go's `NewTypedDelayingQueue`).
    pub fn new() -> Self {
        Self::with_config(QueueConfig::new())
    }

    /// A delaying queue with `config` (client-go's `NewTypedDelayingQueueWithConfig`).
    pub fn with_config(config: QueueConfig) -> Self {
        Self::from_queue(Queue::with_config(config))
    }

    /// Adds delays on top of `queue` (e.g. one with a custom
    /// [`BackingQueue`](crate::BackingQueue)). Items become ready into `queue`.
    pub fn from_queue(queue: Queue<T>) -> Self {
        let delaying = Self {
            queue,
            waiting: Arc::new(Waiting {
                entries: Mutex::new(Entries {
                    by_time: BTreeMap::new(),
                    by_item: HashMap::new(),
                    next_seq: 0,
                    closed: false,
                }),
                wake: Arc::new(Notify::new()),
                loop_started: AtomicBool::new(false),
            }),
        };
        delaying.start_loop();
        delaying
    }

    /// Adds `item` once `delay` has passed; a zero delay adds it now. Ignored after
    /// shutdown. If `item` is already waiting, the earlier of the two ready times wins.
    /// Counts in the retries metric.
    ///
    /// The waiting loop runs on the Tokio runtime current when the queue was created or,
    /// failing that, when `add_after` is first called inside one.
    pub fn add_after(&self, item: T, delay: Duration) {
        if self.queue.shutting_down() {
            return;
        }
        self.queue.record_retry();
        if delay.is_zero() {
            self.queue.add(item);
            return;
        }
        let ready_at = after(Instant::now(), delay);
        let changed = self.waiting.entries.lock().insert(item, ready_at);
        self.start_loop();
        if changed {
            self.waiting.wake.notify_one();
        }
    }

    /// Adds `item` now. See [`Queue::add`].
    pub fn add(&self, item: T) {
        self.queue.add(item);
    }

    /// Waits for the next item. See [`Queue::get`].
    pub async fn get(&self) -> Option<T> {
        self.queue.get().await
    }

    /// Marks `item` as processed. See [`Queue::done`].
    pub fn done(&self, item: &T) {
        self.queue.done(item);
    }

    /// Number of queued items; items still waiting for their delay are not counted.
    pub fn len(&self) -> usize {
        self.queue.len()
    }

    /// Whether no item is queued (waiting items are not counted).
    pub fn is_empty(&self) -> bool {
        self.queue.is_empty()
    }

    /// Shuts the queue down and discards waiting items. See [`Queue::shut_down`].
    pub fn shut_down(&self) {
        self.queue.shut_down();
        self.waiting.entries.lock().close();
        self.waiting.wake.notify_one();
    }

    /// Shuts down, discards waiting items and waits for items being processed. See
    /// [`Queue::shut_down_with_drain`].
    pub async fn shut_down_with_drain(&self) {
        self.waiting.entries.lock().close();
        self.waiting.wake.notify_one();
        self.queue.shut_down_with_drain().await;
    }

    /// Whether the queue was shut down.
    pub fn shutting_down(&self) -> bool {
        self.queue.shutting_down()
    }

    /// The underlying queue.
    pub fn queue(&self) -> &Queue<T> {
        &self.queue
    }

    /// Number of items waiting for their delay.
    #[cfg(test)]
    fn waiting_len(&self) -> usize {
        self.waiting.entries.lock().by_item.len()
    }

    /// Starts the waiting loop unless it runs or no Tokio runtime is at hand.
    fn start_loop(&self) {
        let waiting = &self.waiting;
        if waiting.loop_started.load(Ordering::Acquire) {
            return;
        }
        let Ok(runtime) = tokio::runtime::Handle::try_current() else {
            tracing::debug!(
                "no Tokio runtime yet; delaying queue loop starts at the next add_after"
            );
            return;
        };
        if waiting
            .loop_started
            .compare_exchange(false, true, Ordering::AcqRel, Ordering::Acquire)
            .is_ok()
        {
            runtime.spawn(waiting_loop(
                self.queue.clone(),
                Arc::downgrade(waiting),
                waiting.wake.clone(),
                self.queue.shutdown_signal(),
            ));
        }
    }
}

/// `now + delay`, never overflowing: absurd delays become about 30 years.
fn after(now: Instant, delay: Duration) -> Instant {
    now.checked_add(delay.min(FAR_FUTURE))
        .or_else(|| now.checked_add(HEARTBEAT))
        .unwrap_or(now)
}

/// Moves waiting items into `queue` when they become ready. Holds the waiting entries
/// only weakly, so dropping every handle ends it.
async fn waiting_loop<T>(
    queue: Queue<T>,
    waiting: Weak<Waiting<T>>,
    wake: Arc<Notify>,
    mut shutdown: watch::Receiver<bool>,
) where
    T: Clone + Eq + Hash + Send + Sync + 'static,
{
    loop {
        let Some(entries) = waiting.upgrade() else {
            tracing::trace!("delaying queue dropped; waiting loop ends");
            return;
        };
        if *shutdown.borrow() {
            entries.entries.lock().close();
            tracing::trace!("delaying queue shut down; waiting loop ends");
            return;
        }
        let now = Instant::now();
        let (ready, next) = entries.entries.lock().take_ready(now);
        drop(entries);
        for item in ready {
            queue.add(item);
        }
        let heartbeat = after(now, HEARTBEAT);
        let wake_at = next.map_or(heartbeat, |next| next.min(heartbeat));
        tokio::select! {
            _ = shutdown.wait_for(|down| *down) => {}
            _ = wake.notified() => {}
            _ = tokio::time::sleep_until(wake_at) => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    async fn settle() {
        for _ in 0..20 {
            tokio::task::yield_now().await;
        }
    }

    fn alive_tasks() -> usize {
        tokio::runtime::Handle::current()
            .metrics()
            .num_alive_tasks()
    }

    const MS: Duration = Duration::from_millis(1);

    #[tokio::test(start_paused = true)]
    async fn item_is_not_visible_before_its_delay() {
        let queue = DelayingQueue::new();
        queue.add_after("foo", 50 * MS);
        settle().await;
        assert_eq!(queue.len(), 0);
        assert_eq!(queue.waiting_len(), 1);

        tokio::time::sleep(49 * MS).await;
        settle().await;
        assert_eq!(queue.len(), 0, "not ready at 49 ms");

        tokio::time::sleep(2 * MS).await;
        settle().await;
        assert_eq!(queue.len(), 1, "ready at 50 ms");
        assert_eq!(queue.waiting_len(), 0);
        assert_eq!(queue.get().await, Some("foo"));
    }

    #[tokio::test(start_paused = true)]
    async fn zero_delay_adds_at_once() {
        let queue = DelayingQueue::new();
        queue.add_after("foo", Duration::ZERO);
        assert_eq!(queue.len(), 1);
        assert_eq!(queue.waiting_len(), 0);
    }

    #[tokio::test(start_paused = true)]
    async fn later_duplicate_is_ignored() {
        let queue = DelayingQueue::new();
        queue.add_after("foo", 50 * MS);
        queue.add_after("foo", 70 * MS);
        assert_eq!(queue.waiting_len(), 1);

        tokio::time::sleep(60 * MS).await;
        settle().await;
        assert_eq!(queue.len(), 1);
        let item = queue.get().await.unwrap();
        queue.done(&item);

        tokio::time::sleep(20 * MS).await;
        settle().await;
        assert_eq!(
            queue.len(),
            0,
            "the 70 ms request was collapsed into the 50 ms one"
        );
    }

    #[tokio::test(start_paused = true)]
    async fn earlier_duplicate_moves_the_item_forward() {
        let queue = DelayingQueue::new();
        queue.add_after("foo", 70 * MS);
        queue.add_after("foo", 50 * MS);
        assert_eq!(queue.waiting_len(), 1);

        tokio::time::sleep(60 * MS).await;
        settle().await;
        assert_eq!(queue.len(), 1, "ready at the earlier time");
        let item = queue.get().await.unwrap();
        queue.done(&item);

        tokio::time::sleep(20 * MS).await;
        settle().await;
        assert_eq!(queue.len(), 0, "the 70 ms request is gone");
    }

    #[tokio::test(start_paused = true)]
    async fn items_fire_in_ready_order() {
        let queue = DelayingQueue::new();
        queue.add_after("foo", Duration::from_secs(1));
        queue.add_after("bar", 50 * MS);

        tokio::time::sleep(60 * MS).await;
        settle().await;
        assert_eq!(queue.len(), 1);
        assert_eq!(queue.get().await, Some("bar"));

        tokio::time::sleep(Duration::from_secs(1)).await;
        settle().await;
        assert_eq!(queue.get().await, Some("foo"));
    }

    #[tokio::test(start_paused = true)]
    async fn many_items_come_out_sorted_by_ready_time() {
        let queue = DelayingQueue::new();
        // Insert in an order unrelated to the ready times; equal times keep insertion order.
        let delays = [7u64, 3, 9, 1, 3, 8, 2, 6, 5, 4];
        for (item, delay) in delays.iter().enumerate() {
            queue.add_after(item, Duration::from_millis(*delay));
        }
        tokio::time::sleep(10 * MS).await;
        settle().await;
        let mut order = Vec::new();
        while !queue.is_empty() {
            order.push(queue.get().await.unwrap());
        }
        assert_eq!(order, vec![3, 6, 1, 4, 9, 8, 7, 0, 5, 2]);
    }

    #[tokio::test(start_paused = true)]
    async fn ready_item_already_queued_is_collapsed() {
        let queue = DelayingQueue::new();
        queue.add("foo");
        queue.add_after("foo", 10 * MS);
        tokio::time::sleep(20 * MS).await;
        settle().await;
        assert_eq!(queue.len(), 1);
    }

    #[tokio::test(start_paused = true)]
    async fn absurd_delay_does_not_overflow() {
        let queue = DelayingQueue::new();
        queue.add_after("never", Duration::MAX);
        tokio::time::sleep(Duration::from_secs(86_400)).await;
        settle().await;
        assert_eq!(queue.len(), 0);
        assert_eq!(queue.waiting_len(), 1);
    }

    #[tokio::test(start_paused = true)]
    async fn shut_down_discards_waiting_items_and_ends_the_loop() {
        let queue = DelayingQueue::new();
        queue.add_after("foo", 50 * MS);
        settle().await;
        assert_eq!(alive_tasks(), 1, "waiting loop runs");
        queue.shut_down();
        settle().await;
        assert_eq!(alive_tasks(), 0, "waiting loop ended");
        assert_eq!(queue.waiting_len(), 0);
        queue.add_after("bar", 10 * MS);
        queue.add_after("baz", Duration::ZERO);
        tokio::time::sleep(100 * MS).await;
        assert_eq!(queue.len(), 0);
        assert_eq!(queue.get().await, None);
    }

    #[tokio::test(start_paused = true)]
    async fn shut_down_of_the_inner_queue_ends_the_loop() {
        let queue = DelayingQueue::new();
        queue.add_after("foo", 50 * MS);
        settle().await;
        assert_eq!(alive_tasks(), 1);
        queue.queue().shut_down();
        settle().await;
        assert_eq!(alive_tasks(), 0);
        assert_eq!(queue.waiting_len(), 0);
    }

    #[tokio::test(start_paused = true)]
    async fn shut_down_with_drain_ends_the_loop() {
        let queue = DelayingQueue::new();
        queue.add("foo");
        let item = queue.get().await.unwrap();
        queue.add_after("bar", 50 * MS);
        let drain = tokio::spawn({
            let queue = queue.clone();
            async move { queue.shut_down_with_drain().await }
        });
        settle().await;
        assert_eq!(queue.waiting_len(), 0);
        assert!(!drain.is_finished());
        queue.done(&item);
        drain.await.unwrap();
        settle().await;
        assert_eq!(alive_tasks(), 0);
    }

    #[tokio::test(start_paused = true)]
    async fn dropping_every_handle_ends_the_loop() {
        let queue = DelayingQueue::new();
        let other = queue.clone();
        queue.add_after("foo", Duration::from_secs(60));
        settle().await;
        assert_eq!(alive_tasks(), 1);
        drop(queue);
        settle().await;
        assert_eq!(alive_tasks(), 1, "a handle is left");
        drop(other);
        settle().await;
        assert_eq!(alive_tasks(), 0);
    }

    #[test]
    fn created_outside_a_runtime_starts_its_loop_later() {
        let queue = DelayingQueue::new();
        queue.add_after("early", 10 * MS);
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_time()
            .start_paused(true)
            .build()
            .unwrap();
        runtime.block_on(async {
            assert_eq!(alive_tasks(), 0);
            queue.add_after("late", 20 * MS);
            settle().await;
            assert_eq!(alive_tasks(), 1);
            tokio::time::sleep(30 * MS).await;
            settle().await;
            assert_eq!(
                queue.len(),
                2,
                "the entry made before the loop started is kept"
            );
            queue.shut_down();
            settle().await;
            assert_eq!(alive_tasks(), 0);
        });
    }
}
