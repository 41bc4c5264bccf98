//! The de-duplicating work queue (client-go's `workqueue.Typed`).
//!
//! A [`Queue`] hands items to workers in FIFO order with three guarantees controllers rely
//! on:
//!
//! - **One worker per item.** An item handed out by [`Queue::get`] is *processing* until
//!   the worker calls [`Queue::done`]; it is never handed to a second worker meanwhile.
//! - **Nothing is lost.** Adding an item that is being processed marks it *dirty*; `done`
//!   then queues it again, so the change is processed after the current run.
//! - **Collapsing.** An item waiting in the queue is there at most once: adding it again
//!   changes nothing.
//!
//! Shutting down ([`Queue::shut_down`]) stops accepting adds; workers still receive the
//! items already queued, then [`Queue::get`] returns `None`.
//! [`Queue::shut_down_with_drain`] additionally waits until every item being processed is
//! `done`.
//!
//! ```
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() {
//! use clientgo_workqueue::Queue;
//!
//! let queue = Queue::new();
//! queue.add("default/web");
//! queue.add("default/db");
//! queue.add("default/web"); // already queued: collapsed
//! assert_eq!(queue.len(), 2);
//!
//! let key = queue.get().await;
//! assert_eq!(key, Some("default/web"));
//! queue.add("default/web"); // processing: marked dirty, queued again by `done`
//! assert_eq!(queue.len(), 1);
//! queue.done(&"default/web");
//! assert_eq!(queue.len(), 2);
//!
//! queue.shut_down();
//! assert_eq!(queue.get().await, Some("default/db")); // queued items are still handed out
//! assert_eq!(queue.get().await, Some("default/web"));
//! assert_eq!(queue.get().await, None);
//! # }
//! ```

use std::collections::hash_map::Entry;
use std::collections::{HashMap, VecDeque};
use std::fmt;
use std::hash::Hash;
use std::pin::pin;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Weak};
use std::time::Duration;

use foldhash::fast::RandomState;
use parking_lot::Mutex;
use tokio::sync::{Notify, watch};
use tokio::time::{Instant, MissedTickBehavior};

use crate::metrics::{MetricsProvider, QueueMetrics};

/// How often the unfinished-work gauges are refreshed (client-go: 500 ms).
pub(crate) const UNFINISHED_WORK_UPDATE_PERIOD: Duration = Duration::from_millis(500);

/// The storage order of queued items (client-go's `TypedQueue`): a FIFO by default
/// ([`FifoQueue`]); a custom one can reorder (e.g. by priority).
///
/// The [`Queue`] keeps de-duplication and the processing set itself: `push` is only
/// called for an item not already stored, and `touch` when an already stored item is
/// added again.
pub trait BackingQueue<T>: Send {
    /// Stores an item that is not stored yet.
    fn push(&mut self, item: T);
    /// Removes and returns the next item to hand out.
    fn pop(&mut self) -> Option<T>;
    /// Number of stored items.
    fn len(&self) -> usize;
    /// Whether nothing is stored.
    fn is_empty(&self) -> bool {
        self.len() == 0
    }
    /// Called when a stored item is added again. The default does nothing.
    fn touch(&mut self, _item: &T) {}
}

/// The default [`BackingQueue`]: first in, first out.
#[derive(Debug, Clone)]
pub struct FifoQueue<T>(VecDeque<T>);

impl<T> FifoQueue<T> {
    /// An empty FIFO.
    pub fn new() -> Self {
        Self(VecDeque::new())
    }
}

impl<T> Default for FifoQueue<T> {
    fn default() -> Self {
        Self::new()
    }
}

impl<T: Send> BackingQueue<T> for FifoQueue<T> {
    fn push(&mut self, item: T) {
        self.0.push_back(item);
    }
    fn pop(&mut self) -> Option<T> {
        self.0.pop_front()
    }
    fn len(&self) -> usize {
        self.0.len()
    }
}

/// Settings of a queue (client-go's `QueueConfig`): its name (used as the metrics label)
/// and where its metrics go.
///
/// Time comes from Tokio's clock, so tests control it with `tokio::time::pause` and
/// `advance` (client-go's fake `Clock`).
#[derive(Clone, Default)]
pub struct QueueConfig {
    name: String,
    metrics_provider: Option<Arc<dyn MetricsProvider>>,
}

impl QueueConfig {
    /// An unnamed queue without metrics.
    pub fn new() -> Self {
        Self::default()
    }

    /// Names the queue. Only named queues produce metrics.
    pub fn name(mut self, name: impl Into<String>) -> Self {
        self.name = name.into();
        self
    }

    /// Sends the queue's metrics to `provider` instead of the global one
    /// ([`set_global_metrics_provider`](crate::metrics::set_global_metrics_provider)).
    pub fn metrics_provider(mut self, provider: Arc<dyn MetricsProvider>) -> Self {
        self.metrics_provider = Some(provider);
        self
    }

    /// The queue's name (empty when unnamed).
    pub fn queue_name(&self) -> &str {
        &self.name
    }
}

impl fmt::Debug for QueueConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("QueueConfig")
            .field("name", &self.name)
            .field("metrics_provider", &self.metrics_provider.is_some())
            .finish()
    }
}

/// Capacity reserved when a queue is built, so a queue holding up to this many items at
/// a time never allocates after construction.
const INITIAL_CAPACITY: usize = 16;

/// A de-duplicating FIFO work queue that never hands one item to two workers at once.
/// See the [module documentation](self) for the guarantees.
///
/// `Queue` is a cheap handle: clones share the same queue, so give one to each worker.
/// A background task refreshing the unfinished-work metrics runs only for queues with
/// metrics; it ends at shutdown or when the last handle is dropped.
///
/// Once its tables have grown to the largest number of items it holds at a time, the
/// queue allocates nothing in `add`, `get` and `done`; it clones an item once when the
/// item becomes known to it (so cheap-to-clone items such as `Arc<str>` keep it
/// allocation-free).
pub struct Queue<T> {
    inner: Arc<Inner<T>>,
}

pub(crate) struct Inner<T> {
    state: Mutex<State<T>>,
    /// Wakes `get`ters: one per queued item while some wait, all at shutdown.
    available: Notify,
    /// Wakes `shut_down_with_drain` when processing becomes empty or a plain shutdown
    /// cancels the drain.
    drained: Notify,
    /// `true` once shut down. Background tasks watch it; it closes when the queue is
    /// dropped.
    shutdown: watch::Sender<bool>,
    /// Whether the queue has metrics and therefore wants the unfinished-work updater.
    wants_updater: bool,
    updater_started: AtomicBool,
}

/// Where an item known to the queue stands (client-go's dirty and processing sets).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Status {
    /// Waiting to be handed out (dirty, not processing).
    Queued,
    /// Handed out and not added since (processing, not dirty).
    Processing,
    /// Handed out and added again since (processing and dirty): `done` queues it again.
    ProcessingDirty,
}

/// The record of one item known to the queue.
struct Slot<T> {
    /// The item while it waits in the FIFO order; `None` otherwise.
    item: Option<T>,
    status: Status,
}

/// The order in which queued items are handed out.
enum Order<T> {
    /// First in, first out: slot numbers in a ring, each item waiting in its slot, so
    /// `get` needs no hashing.
    Fifo(VecDeque<usize>),
    /// A custom backing queue holding the items themselves.
    Custom(Box<dyn BackingQueue<T>>),
}

/// What `done` asks its caller to do once the lock is released.
enum AfterDone {
    Nothing,
    /// The item was queued again: wake a getter.
    WakeGetter,
    /// The last item being processed is done while a drain waits: wake it.
    WakeDrain,
}

/// Everything behind the queue's lock.
///
/// Every item that is queued or being processed has exactly one slot, found through
/// `index` (the item itself) or through the FIFO ring (the slot number); free slots are
/// reused most recently freed first. Tables only grow, so a warm queue does not allocate.
struct State<T> {
    /// The slot of every item that is queued or being processed. Hashed with foldhash,
    /// seeded per process like Go's maps: std's SipHash was a fifth of the queue's CPU.
    index: HashMap<T, usize, RandomState>,
    slots: Vec<Slot<T>>,
    /// Slots not in use.
    free: Vec<usize>,
    order: Order<T>,
    /// Number of items being processed.
    processing: usize,
    /// Getters registered for a wake-up on `available`.
    waiting: usize,
    shutting_down: bool,
    /// Whether a `shut_down_with_drain` is waiting for the processing set to empty.
    drain: bool,
    metrics: Option<QueueMetrics<T>>,
}

impl<T> State<T> {
    /// Number of queued items.
    fn queued(&self) -> usize {
        match &self.order {
            Order::Fifo(ring) => ring.len(),
            Order::Custom(backing) => backing.len(),
        }
    }
}

impl<T: Clone + Eq + Hash> State<T> {
    fn new(order: Order<T>, metrics: Option<QueueMetrics<T>>) -> Self {
        Self {
            index: HashMap::with_capacity_and_hasher(INITIAL_CAPACITY, RandomState::default()),
            slots: Vec::with_capacity(INITIAL_CAPACITY),
            free: Vec::with_capacity(INITIAL_CAPACITY),
            order,
            processing: 0,
            waiting: 0,
            shutting_down: false,
            drain: false,
            metrics,
        }
    }

    /// Stores `slot` in a free slot (a new one if none is free) and returns its number.
    fn new_slot(slots: &mut Vec<Slot<T>>, free: &mut Vec<usize>, slot: Slot<T>) -> usize {
        match free.pop() {
            Some(number) => {
                slots[number] = slot;
                number
            }
            None => {
                slots.push(slot);
                slots.len() - 1
            }
        }
    }

    /// Queues a copy of `item`, whose slot is `slot` (number `slot_number`).
    fn enqueue(order: &mut Order<T>, slot_number: usize, slot: &mut Slot<T>, item: &T) {
        slot.status = Status::Queued;
        match order {
            Order::Fifo(ring) => {
                slot.item = Some(item.clone());
                ring.push_back(slot_number);
            }
            Order::Custom(backing) => backing.push(item.clone()),
        }
    }

    /// client-go's `Add`; returns whether an item was queued.
    fn add(&mut self, item: T) -> bool {
        if self.shutting_down {
            return false;
        }
        match self.index.entry(item) {
            Entry::Occupied(entry) => {
                let slot = &mut self.slots[*entry.get()];
                match slot.status {
                    Status::Queued => {
                        if let Order::Custom(backing) = &mut self.order {
                            backing.touch(entry.key());
                        }
                    }
                    Status::Processing => {
                        if let Some(metrics) = self.metrics.as_mut() {
                            metrics.add(entry.key(), Instant::now());
                        }
                        slot.status = Status::ProcessingDirty;
                    }
                    Status::ProcessingDirty => {}
                }
                false
            }
            Entry::Vacant(entry) => {
                if let Some(metrics) = self.metrics.as_mut() {
                    metrics.add(entry.key(), Instant::now());
                }
                let slot = Slot {
                    item: None,
                    status: Status::Queued,
                };
                let number = Self::new_slot(&mut self.slots, &mut self.free, slot);
                Self::enqueue(
                    &mut self.order,
                    number,
                    &mut self.slots[number],
                    entry.key(),
                );
                entry.insert(number);
                true
            }
        }
    }

    /// client-go's `Get` once an item is queued: the next item, now being processed.
    fn take(&mut self) -> Option<T> {
        let (item, number) = match &mut self.order {
            Order::Fifo(ring) => {
                let number = ring.pop_front()?;
                (self.slots[number].item.take()?, number)
            }
            Order::Custom(backing) => {
                let item = backing.pop()?;
                let number = match self.index.get(&item) {
                    Some(&number) => number,
                    // Not added through this queue: track it like any handed-out item.
                    None => {
                        let slot = Slot {
                            item: None,
                            status: Status::Processing,
                        };
                        let number = Self::new_slot(&mut self.slots, &mut self.free, slot);
                        self.index.insert(item.clone(), number);
                        number
                    }
                };
                (item, number)
            }
        };
        self.slots[number].status = Status::Processing;
        self.processing += 1;
        if let Some(metrics) = self.metrics.as_mut() {
            metrics.get(&item, Instant::now());
        }
        Some(item)
    }

    /// client-go's `Done`, except that an item not being processed is left alone.
    fn done(&mut self, item: &T) -> AfterDone {
        if let Some(metrics) = self.metrics.as_mut() {
            metrics.done(item, Instant::now());
        }
        let Some((key, number)) = self.index.remove_entry(item) else {
            return AfterDone::Nothing;
        };
        let slot = &mut self.slots[number];
        match slot.status {
            Status::Queued => {
                self.index.insert(key, number);
                AfterDone::Nothing
            }
            Status::Processing => {
                self.processing -= 1;
                self.free.push(number);
                if self.processing == 0 && self.drain {
                    AfterDone::WakeDrain
                } else {
                    AfterDone::Nothing
                }
            }
            Status::ProcessingDirty => {
                self.processing -= 1;
                Self::enqueue(&mut self.order, number, slot, &key);
                self.index.insert(key, number);
                AfterDone::WakeGetter
            }
        }
    }
}

/// A getter registered on `available`; unregisters when dropped (woken or cancelled).
struct WaitingGetter<'a, T>(&'a Inner<T>);

impl<T> Drop for WaitingGetter<'_, T> {
    fn drop(&mut self) {
        self.0.state.lock().waiting -= 1;
    }
}

impl<T> Clone for Queue<T> {
    fn clone(&self) -> Self {
        Self {
            inner: self.inner.clone(),
        }
    }
}

impl<T> fmt::Debug for Queue<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let state = self.inner.state.lock();
        f.debug_struct("Queue")
            .field("len", &state.queued())
            .field("processing", &state.processing)
            .field("shutting_down", &state.shutting_down)
            .finish()
    }
}

impl<T> Default for Queue<T>
where
    T: Clone + Eq + Hash + Send + Sync + 'static,
{
    fn default() -> Self {
        Self::new()
    }
}

impl<T> Queue<T>
where
    T: Clone + Eq + Hash + Send + Sync + 'static,
{
    /// An unnamed FIFO queue without metrics (client-go's `NewTyped`).
    pub fn new() -> Self {
        Self::with_config(QueueConfig::new())
    }

    /// A FIFO queue with `config` (client-go's `NewTypedWithConfig`).
    pub fn with_config(config: QueueConfig) -> Self {
        Self::with_order(
            config,
            Order::Fifo(VecDeque::with_capacity(INITIAL_CAPACITY)),
        )
    }

    /// A queue storing its items in `backing` (client-go's `QueueConfig.Queue`).
    pub fn with_backing(config: QueueConfig, backing: impl BackingQueue<T> + 'static) -> Self {
        Self::with_order(config, Order::Custom(Box::new(backing)))
    }

    fn with_order(config: QueueConfig, order: Order<T>) -> Self {
        let metrics = QueueMetrics::new(&config.name, config.metrics_provider.as_ref());
        let wants_updater = metrics.is_some();
        let queue = Self {
            inner: Arc::new(Inner {
                state: Mutex::new(State::new(order, metrics)),
                available: Notify::new(),
                drained: Notify::new(),
                shutdown: watch::Sender::new(false),
                wants_updater,
                updater_started: AtomicBool::new(false),
            }),
        };
        queue.start_updater();
        queue
    }

    /// Marks `item` as needing processing. Ignored after shutdown and while `item` is
    /// already queued; while it is being processed it is queued again by [`done`](Self::done).
    pub fn add(&self, item: T) {
        let mut state = self.inner.state.lock();
        let wake = state.add(item) && state.waiting > 0;
        drop(state);
        if wake {
            self.inner.available.notify_one();
        }
    }

    /// Waits for the next item and marks it as being processed; call
    /// [`done`](Self::done) with it when finished.
    ///
    /// After shutdown, items still queued are handed out; `None` means the queue is shut
    /// down and empty, so the worker should stop. Cancel-safe: dropping the future
    /// before it completes takes no item.
    pub async fn get(&self) -> Option<T> {
        self.start_updater();
        loop {
            let mut notified = pin!(self.inner.available.notified());
            {
                let mut state = self.inner.state.lock();
                if let Some(item) = state.take() {
                    // Keep the wake-up chain going should a notification have been
                    // consumed by a getter that found nothing.
                    let wake = state.waiting > 0 && state.queued() > 0;
                    drop(state);
                    if wake {
                        self.inner.available.notify_one();
                    }
                    return Some(item);
                }
                if state.shutting_down {
                    return None;
                }
                // Registered before the lock is released, so an add after this look
                // wakes this getter.
                notified.as_mut().enable();
                state.waiting += 1;
            }
            let _registered = WaitingGetter(&self.inner);
            notified.await;
        }
    }

    /// Marks `item` as processed. If it was added while being processed, it is queued
    /// again now. Calling `done` for an item that is not being processed does nothing.
    pub fn done(&self, item: &T) {
        let mut state = self.inner.state.lock();
        let after = state.done(item);
        let waiting = state.waiting > 0;
        drop(state);
        match after {
            AfterDone::WakeGetter if waiting => self.inner.available.notify_one(),
            AfterDone::WakeDrain => self.inner.drained.notify_waiters(),
            AfterDone::WakeGetter | AfterDone::Nothing => {}
        }
    }

    /// Number of queued items (items being processed are not counted).
    pub fn len(&self) -> usize {
        self.inner.state.lock().queued()
    }

    /// Whether no item is queued.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Stops accepting adds and wakes every waiting worker. Returns at once: items being
    /// processed are not waited for, and queued items are still handed out by `get`.
    /// Also ends a pending [`shut_down_with_drain`](Self::shut_down_with_drain).
    pub fn shut_down(&self) {
        {
            let mut state = self.inner.state.lock();
            state.drain = false;
            state.shutting_down = true;
        }
        self.signal_shutdown();
        self.inner.drained.notify_waiters();
    }

    /// Like [`shut_down`](Self::shut_down), then waits until every item being processed
    /// is `done` (queued items are not waited for: workers keep receiving them). A
    /// concurrent `shut_down` ends the wait.
    ///
    /// Never await this from a worker of the same queue while it holds an item: the
    /// drain would wait for that worker forever.
    pub async fn shut_down_with_drain(&self) {
        {
            let mut state = self.inner.state.lock();
            state.drain = true;
            state.shutting_down = true;
        }
        self.signal_shutdown();
        loop {
            let mut notified = pin!(self.inner.drained.notified());
            notified.as_mut().enable();
            {
                let state = self.inner.state.lock();
                if state.processing == 0 || !state.drain {
                    return;
                }
            }
            notified.await;
        }
    }

    /// Whether the queue was shut down.
    pub fn shutting_down(&self) -> bool {
        self.inner.state.lock().shutting_down
    }

    /// Counts one delayed add in the retries metric (used by the delaying queue).
    pub(crate) fn record_retry(&self) {
        if let Some(metrics) = self.inner.state.lock().metrics.as_ref() {
            metrics.retry();
        }
    }

    /// A receiver of the shutdown flag; its sender closes when the queue is dropped.
    pub(crate) fn shutdown_signal(&self) -> watch::Receiver<bool> {
        self.inner.shutdown.subscribe()
    }

    fn signal_shutdown(&self) {
        self.inner.shutdown.send_replace(true);
        self.inner.available.notify_waiters();
    }

    /// Starts the unfinished-work updater if the queue has metrics, it is not running and
    /// a Tokio runtime is at hand (otherwise the next `get` tries again).
    fn start_updater(&self) {
        let inner = &self.inner;
        if !inner.wants_updater || inner.updater_started.load(Ordering::Acquire) {
            return;
        }
        let Ok(runtime) = tokio::runtime::Handle::try_current() else {
            tracing::debug!("no Tokio runtime yet; work queue metrics updater starts later");
            return;
        };
        if inner
            .updater_started
            .compare_exchange(false, true, Ordering::AcqRel, Ordering::Acquire)
            .is_ok()
        {
            runtime.spawn(update_unfinished_work(
                Arc::downgrade(inner),
                inner.shutdown.subscribe(),
            ));
        }
    }
}

/// Refreshes the unfinished-work gauges every 500 ms until the queue shuts down or is
/// dropped.
async fn update_unfinished_work<T>(queue: Weak<Inner<T>>, mut shutdown: watch::Receiver<bool>)
where
    T: Clone + Eq + Hash,
{
    let mut ticker = tokio::time::interval_at(
        Instant::now() + UNFINISHED_WORK_UPDATE_PERIOD,
        UNFINISHED_WORK_UPDATE_PERIOD,
    );
    ticker.set_missed_tick_behavior(MissedTickBehavior::Delay);
    loop {
        tokio::select! {
            // Completes at shutdown, or with an error once the queue is gone.
            _ = shutdown.wait_for(|down| *down) => return,
            _ = ticker.tick() => {}
        }
        let Some(inner) = queue.upgrade() else {
            return;
        };
        let state = inner.state.lock();
        if state.shutting_down {
            return;
        }
        if let Some(metrics) = state.metrics.as_ref() {
            metrics.update_unfinished_work(Instant::now());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::{HashMap, HashSet};
    use std::sync::atomic::AtomicUsize;

    /// Lets spawned tasks run until they block (paused-clock tests only).
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

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn basic_many_producers_and_workers() {
        for drain in [false, true] {
            let queue = Queue::<String>::new();
            let producers: Vec<_> = (0..50)
                .map(|i| {
                    let queue = queue.clone();
                    tokio::spawn(async move {
                        for _ in 0..50 {
                            queue.add(format!("item-{i}"));
                            tokio::task::yield_now().await;
                        }
                    })
                })
                .collect();
            let in_flight = Arc::new(Mutex::new(HashSet::new()));
            let workers: Vec<_> = (0..10)
                .map(|_| {
                    let queue = queue.clone();
                    let in_flight = in_flight.clone();
                    tokio::spawn(async move {
                        let mut processed = 0usize;
                        while let Some(item) = queue.get().await {
                            assert_ne!(item, "added after shutdown");
                            assert!(in_flight.lock().insert(item.clone()), "{item} twice");
                            tokio::task::yield_now().await;
                            assert!(in_flight.lock().remove(&item));
                            queue.done(&item);
                            processed += 1;
                        }
                        processed
                    })
                })
                .collect();
            for producer in producers {
                producer.await.unwrap();
            }
            if drain {
                queue.shut_down_with_drain().await;
            } else {
                queue.shut_down();
            }
            queue.add("added after shutdown".to_owned());
            let mut processed = 0;
            for worker in workers {
                processed += worker.await.unwrap();
            }
            assert!(processed >= 50, "every key processed at least once");
            assert_eq!(queue.len(), 0);
        }
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn add_while_processing_requeues_after_done() {
        for drain in [false, true] {
            let queue = Queue::<u32>::new();
            let producers: Vec<_> = (0..50)
                .map(|i| {
                    let queue = queue.clone();
                    tokio::spawn(async move { queue.add(i) })
                })
                .collect();
            let in_flight = Arc::new(Mutex::new(HashSet::new()));
            let gets = Arc::new(Mutex::new(HashMap::<u32, usize>::new()));
            let all_seen_twice = Arc::new(Notify::new());
            let workers: Vec<_> = (0..10)
                .map(|_| {
                    let queue = queue.clone();
                    let in_flight = in_flight.clone();
                    let gets = gets.clone();
                    let all_seen_twice = all_seen_twice.clone();
                    tokio::spawn(async move {
                        // Every worker re-adds each item it sees for the first time, while
                        // processing it: the item must come back after `done`.
                        let mut seen = HashMap::<u32, usize>::new();
                        while let Some(item) = queue.get().await {
                            assert!(in_flight.lock().insert(item), "{item} held twice");
                            let count = seen.entry(item).or_default();
                            *count += 1;
                            if *count < 2 {
                                queue.add(item);
                            }
                            tokio::task::yield_now().await;
                            assert!(in_flight.lock().remove(&item));
                            queue.done(&item);
                            let mut gets = gets.lock();
                            *gets.entry(item).or_default() += 1;
                            if gets.len() == 50 && gets.values().all(|n| *n >= 2) {
                                all_seen_twice.notify_one();
                            }
                        }
                    })
                })
                .collect();
            for producer in producers {
                producer.await.unwrap();
            }
            all_seen_twice.notified().await;
            if drain {
                queue.shut_down_with_drain().await;
            } else {
                queue.shut_down();
            }
            for worker in workers {
                worker.await.unwrap();
            }
            assert_eq!(queue.len(), 0);
            assert!(in_flight.lock().is_empty());
        }
    }

    #[tokio::test]
    async fn len_counts_queued_items_once() {
        let queue = Queue::new();
        queue.add("foo");
        assert_eq!(queue.len(), 1);
        queue.add("bar");
        assert_eq!(queue.len(), 2);
        queue.add("foo");
        assert_eq!(queue.len(), 2, "a queued item is collapsed");
        assert!(!queue.is_empty());
    }

    #[tokio::test]
    async fn fifo_order() {
        let queue = Queue::new();
        for i in 0..5 {
            queue.add(i);
        }
        for i in 0..5 {
            assert_eq!(queue.get().await, Some(i));
        }
    }

    #[tokio::test]
    async fn reinsert_while_processing_comes_back_after_done() {
        let queue = Queue::new();
        queue.add("foo");
        let item = queue.get().await.unwrap();
        assert_eq!(item, "foo");
        queue.add(item);
        assert_eq!(queue.len(), 0, "not queued while processing");
        queue.done(&item);
        assert_eq!(queue.len(), 1);
        assert_eq!(queue.get().await, Some("foo"));
        queue.done(&"foo");
        assert_eq!(queue.len(), 0);
    }

    #[tokio::test]
    async fn collapse_while_processing() {
        let queue = Queue::new();
        queue.add("foo");
        let item = queue.get().await.unwrap();
        queue.add("foo");
        queue.add("foo");
        queue.done(&item);
        assert_eq!(
            queue.len(),
            1,
            "several adds while processing collapse into one"
        );
        assert_eq!(queue.get().await, Some("foo"));
        queue.done(&"foo");
        assert!(queue.is_empty());
    }

    #[tokio::test(start_paused = true)]
    async fn never_hands_an_item_to_two_workers() {
        let queue = Queue::new();
        queue.add("foo");
        let first = queue.get().await.unwrap();
        queue.add("foo");
        // A second worker waits: "foo" is dirty but being processed.
        let second = tokio::time::timeout(Duration::from_millis(10), queue.get()).await;
        assert!(second.is_err(), "second worker must not receive foo");
        queue.done(&first);
        assert_eq!(queue.get().await, Some("foo"));
    }

    #[tokio::test]
    async fn done_of_unknown_item_does_not_queue_it_twice() {
        let queue = Queue::new();
        queue.add("foo");
        queue.done(&"foo"); // never handed out
        assert_eq!(queue.len(), 1);
        queue.done(&"bar");
        assert_eq!(queue.len(), 1);
    }

    #[tokio::test]
    async fn get_waits_for_an_add() {
        let queue = Queue::new();
        let worker = tokio::spawn({
            let queue = queue.clone();
            async move { queue.get().await }
        });
        tokio::task::yield_now().await;
        queue.add(7);
        assert_eq!(worker.await.unwrap(), Some(7));
    }

    #[tokio::test]
    async fn shut_down_wakes_waiting_workers() {
        let queue = Queue::<u8>::new();
        let workers: Vec<_> = (0..3)
            .map(|_| {
                let queue = queue.clone();
                tokio::spawn(async move { queue.get().await })
            })
            .collect();
        settle().await;
        queue.shut_down();
        for worker in workers {
            assert_eq!(worker.await.unwrap(), None);
        }
        assert!(queue.shutting_down());
    }

    #[tokio::test]
    async fn adds_after_shut_down_are_ignored() {
        let queue = Queue::new();
        queue.add(1);
        queue.shut_down();
        queue.add(2);
        assert_eq!(
            queue.get().await,
            Some(1),
            "queued before shutdown: still delivered"
        );
        assert_eq!(queue.get().await, None);
    }

    #[tokio::test(start_paused = true)]
    async fn shut_down_with_drain_waits_for_processing_items() {
        let queue = Queue::new();
        queue.add("foo");
        queue.add("bar");
        let first = queue.get().await.unwrap();
        let second = queue.get().await.unwrap();
        let drain = tokio::spawn({
            let queue = queue.clone();
            async move { queue.shut_down_with_drain().await }
        });
        settle().await;
        assert_eq!(queue.get().await, None, "shut down and nothing queued");
        assert!(!drain.is_finished());
        queue.done(&first);
        settle().await;
        assert!(!drain.is_finished(), "bar is still being processed");
        queue.done(&second);
        drain.await.unwrap();
    }

    #[tokio::test]
    async fn shut_down_does_not_wait_for_processing_items() {
        let queue = Queue::new();
        queue.add("foo");
        queue.add("bar");
        let _first = queue.get().await.unwrap();
        let _second = queue.get().await.unwrap();
        queue.shut_down(); // returns although nothing is done
        assert!(queue.shutting_down());
    }

    #[tokio::test]
    async fn shut_down_with_drain_returns_at_once_when_idle() {
        let queue = Queue::<u8>::new();
        queue.shut_down_with_drain().await;
        assert!(queue.shutting_down());
    }

    #[tokio::test(start_paused = true)]
    async fn shut_down_forces_a_pending_drain_to_end() {
        let queue = Queue::new();
        queue.add("foo");
        queue.add("bar");
        let _first = queue.get().await.unwrap();
        let _second = queue.get().await.unwrap();
        let drain = tokio::spawn({
            let queue = queue.clone();
            async move { queue.shut_down_with_drain().await }
        });
        settle().await;
        assert_eq!(queue.get().await, None);
        assert!(!drain.is_finished());
        queue.shut_down();
        drain.await.unwrap();
    }

    #[tokio::test(start_paused = true)]
    async fn drain_with_a_dirty_item_delivers_it_again() {
        let queue = Queue::new();
        queue.add("foo");
        let gotten = queue.get().await.unwrap();
        queue.add("foo");
        let drain = tokio::spawn({
            let queue = queue.clone();
            async move { queue.shut_down_with_drain().await }
        });
        settle().await;
        assert!(!drain.is_finished());
        queue.done(&gotten);
        // Dirty while processing: queued again despite the shutdown.
        let again = queue.get().await;
        assert_eq!(again, Some("foo"));
        queue.done(&"foo");
        assert_eq!(queue.get().await, None);
        drain.await.unwrap();
    }

    #[tokio::test]
    async fn done_items_are_released() {
        let queue = Queue::new();
        let item = Arc::new("big object".to_owned());
        queue.add(item.clone());
        let gotten = queue.get().await.unwrap();
        queue.done(&gotten);
        drop(gotten);
        assert_eq!(Arc::strong_count(&item), 1, "the queue kept no copy");
    }

    #[tokio::test(start_paused = true)]
    async fn cancelled_get_takes_nothing() {
        let queue = Queue::new();
        let pending = tokio::time::timeout(Duration::from_millis(1), queue.get()).await;
        assert!(pending.is_err());
        queue.add(1);
        assert_eq!(queue.get().await, Some(1));
    }

    #[derive(Default)]
    struct Lifo {
        items: Vec<u32>,
        touched: Arc<AtomicUsize>,
    }

    impl BackingQueue<u32> for Lifo {
        fn push(&mut self, item: u32) {
            self.items.push(item);
        }
        fn pop(&mut self) -> Option<u32> {
            self.items.pop()
        }
        fn len(&self) -> usize {
            self.items.len()
        }
        fn touch(&mut self, _item: &u32) {
            self.touched.fetch_add(1, Ordering::SeqCst);
        }
    }

    #[tokio::test]
    async fn custom_backing_queue_decides_the_order() {
        let touched = Arc::new(AtomicUsize::new(0));
        let queue = Queue::with_backing(
            QueueConfig::new(),
            Lifo {
                items: Vec::new(),
                touched: touched.clone(),
            },
        );
        queue.add(1);
        queue.add(2);
        queue.add(1);
        assert_eq!(
            touched.load(Ordering::SeqCst),
            1,
            "re-adding a queued item touches it"
        );
        assert_eq!(queue.get().await, Some(2));
        queue.add(2); // processing: no touch
        assert_eq!(touched.load(Ordering::SeqCst), 1);
        assert_eq!(queue.get().await, Some(1));
    }

    #[tokio::test(start_paused = true)]
    async fn metrics_updater_ends_at_shut_down() {
        let provider = crate::metrics::testing::TestProvider::default();
        let queue = Queue::<u8>::with_config(
            QueueConfig::new()
                .name("updater")
                .metrics_provider(Arc::new(provider)),
        );
        settle().await;
        assert_eq!(alive_tasks(), 1, "updater running");
        queue.shut_down();
        settle().await;
        assert_eq!(alive_tasks(), 0, "updater ended");
    }

    #[tokio::test(start_paused = true)]
    async fn metrics_updater_ends_when_the_queue_is_dropped() {
        let provider = crate::metrics::testing::TestProvider::default();
        let queue = Queue::<u8>::with_config(
            QueueConfig::new()
                .name("dropped")
                .metrics_provider(Arc::new(provider)),
        );
        settle().await;
        assert_eq!(alive_tasks(), 1);
        drop(queue);
        settle().await;
        assert_eq!(alive_tasks(), 0);
    }

    #[tokio::test(start_paused = true)]
    async fn unnamed_queue_runs_no_task() {
        let provider = crate::metrics::testing::TestProvider::default();
        let queue =
            Queue::<u8>::with_config(QueueConfig::new().metrics_provider(Arc::new(provider)));
        queue.add(1);
        settle().await;
        assert_eq!(alive_tasks(), 0);
    }

    #[test]
    fn queue_works_without_a_runtime_until_get() {
        let provider = crate::metrics::testing::TestProvider::default();
        let queue = Queue::with_config(
            QueueConfig::new()
                .name("late")
                .metrics_provider(Arc::new(provider.clone())),
        );
        queue.add(1u8);
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_time()
            .start_paused(true)
            .build()
            .unwrap();
        runtime.block_on(async {
            assert_eq!(queue.get().await, Some(1));
            settle().await;
            assert_eq!(alive_tasks(), 1, "updater started by get");
            tokio::time::sleep(UNFINISHED_WORK_UPDATE_PERIOD).await;
            settle().await;
            assert!(provider.snapshot().unfinished_work > 0.0);
            queue.shut_down();
            settle().await;
            assert_eq!(alive_tasks(), 0);
        });
    }
}
