//! [`SharedIndexInformer`]: one reflector, one indexed store and one event log shared by
//! any number of handlers.
//!
//! * Objects are decoded once, transformed once ([`SharedIndexInformer::set_transform`]),
//!   stored once as `Arc<K>` and shared by the store and every handler.
//! * Each handler has its own unbounded buffer and task, so a slow handler never
//!   blocks the others or the informer. **Memory:** a handler that cannot keep up
//!   makes its buffer grow without bound (each entry holds `Arc`s, not copies, so the
//!   cost is a few words per pending notification plus objects kept alive longer).
//! * Handlers added after start first receive every stored object as an add with
//!   `is_in_initial_list = true`, then live events; their registration's
//!   [`has_synced`](ResourceEventHandlerRegistration::has_synced) says when they have
//!   handled that initial state.
//! * Relists arrive as one atomic replacement: deletions found by the relist are
//!   delivered as [`DeletedObject::FinalStateUnknown`] tombstones; relisted objects
//!   whose resource version did not change are not re-delivered.

mod handler;
mod listener;

use std::collections::{HashMap, HashSet};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use parking_lot::Mutex;
use serde::de::DeserializeOwned;
use tokio_util::sync::CancellationToken;

pub use handler::{ResourceEventHandler, ResourceEventHandlerFuncs};
use listener::{Listener, Notification, PanicSink, Processor, effective_resync};

use crate::delta::DeltaType;
use crate::error::{Error, Result};
use crate::index::{Indexers, namespace_indexers};
use crate::keys::{DeletedFinalStateUnknown, DeletedObject};
use crate::listwatch::ListerWatcher;
use crate::object::CacheObject;
use crate::real_fifo::{FifoItem, RealFifo};
use crate::reflector::{
    BackoffConfig, Reflector, ReflectorOptions, SyncVersion, TransformFunc, WatchErrorHandler,
};
use crate::store::{Store, StoreOp};

/// The smallest per-handler resync period.
pub const MINIMUM_RESYNC_PERIOD: Duration = Duration::from_secs(1);

/// What happens when a handler panics.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum HandlerPanicPolicy {
    /// Stop the informer and re-raise the panic from [`SharedIndexInformer::run`]
    /// (client-go's default, crash).
    #[default]
    Propagate,
    /// Log it, skip the notification and pause the handler for 1 s.
    Skip,
}

/// Settings of a [`SharedIndexInformer`].
pub struct InformerOptions<K> {
    /// Default per-handler resync period and initial resync check period (zero: none).
    pub resync_period: Duration,
    /// Index functions (default: the namespace index).
    pub indexers: Indexers<K>,
    /// What is watched, for logs (e.g. `"*v1.ConfigMap"`).
    pub object_description: String,
    /// Streaming list: `Some(true)`/`Some(false)` force it on/off, `None` uses it when
    /// the lister-watcher supports it.
    pub use_watch_list: Option<bool>,
    /// Page size of lists (`None`: client-go's rules).
    pub watch_list_page_size: Option<i64>,
    /// Backoff between list-and-watch cycles.
    pub backoff: BackoffConfig,
    /// Lower bound of the server-side watch timeout (only above 5 min).
    pub min_watch_timeout: Duration,
    /// What a handler panic does.
    pub handler_panic: HandlerPanicPolicy,
}

impl<K: CacheObject> Default for InformerOptions<K> {
    fn default() -> Self {
        Self {
            resync_period: Duration::ZERO,
            indexers: namespace_indexers(),
            object_description: "<unspecified>".into(),
            use_watch_list: None,
            watch_list_page_size: None,
            backoff: BackoffConfig::default(),
            min_watch_timeout: Duration::ZERO,
            handler_panic: HandlerPanicPolicy::default(),
        }
    }
}

#[derive(Default)]
struct Lifecycle {
    started: bool,
    stopped: bool,
    resync_check_period: Duration,
}

static NEXT_ID: AtomicU64 = AtomicU64::new(1);

struct Shared<K> {
    id: u64,
    lw: Arc<dyn ListerWatcher<K>>,
    indexer: Store<K>,
    fifo: RealFifo<K>,
    options: InformerOptions<K>,
    lifecycle: Mutex<Lifecycle>,
    transform: Mutex<Option<TransformFunc<K>>>,
    watch_error_handler: Mutex<Option<WatchErrorHandler>>,
    /// Held while a batch is applied and distributed, and while a late handler gets the
    /// current state, so it sees that state exactly once.
    block_deltas: Mutex<()>,
    processor: Mutex<Processor<K>>,
    sync_version: Mutex<Option<SyncVersion>>,
    panic: Mutex<Option<String>>,
    run_token: Mutex<Option<CancellationToken>>,
}

/// A shared, indexed informer over objects of type `K`. Cheap to clone (a handle).
pub struct SharedIndexInformer<K> {
    shared: Arc<Shared<K>>,
}

impl<K> Clone for SharedIndexInformer<K> {
    fn clone(&self) -> Self {
        Self {
            shared: Arc::clone(&self.shared),
        }
    }
}

/// The handle of one handler's registration.
pub struct ResourceEventHandlerRegistration {
    id: u64,
    informer_id: u64,
    pending_initial: Arc<std::sync::atomic::AtomicI64>,
    informer_synced: Arc<dyn Fn() -> bool + Send + Sync>,
}

impl std::fmt::Debug for ResourceEventHandlerRegistration {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ResourceEventHandlerRegistration")
            .field("id", &self.id)
            .field("has_synced", &self.has_synced())
            .finish()
    }
}

impl ResourceEventHandlerRegistration {
    /// True once the informer has synced **and** this handler has handled every add of
    /// the initial list (or, for a late handler, of the state it was given).
    pub fn has_synced(&self) -> bool {
        (self.informer_synced)() && self.pending_initial.load(Ordering::SeqCst) <= 0
    }
}

impl<K> SharedIndexInformer<K>
where
    K: CacheObject + DeserializeOwned,
{
    /// An informer listing and watching through `lw`.
    pub fn new(lw: Arc<dyn ListerWatcher<K>>, options: InformerOptions<K>) -> Self {
        let indexer = Store::with_indexers(options.indexers.clone());
        let lifecycle = Lifecycle {
            resync_check_period: options.resync_period,
            ..Lifecycle::default()
        };
        Self {
            shared: Arc::new(Shared {
                id: NEXT_ID.fetch_add(1, Ordering::Relaxed),
                lw,
                indexer,
                fifo: RealFifo::new(),
                options,
                lifecycle: Mutex::new(lifecycle),
                transform: Mutex::new(None),
                watch_error_handler: Mutex::new(None),
                block_deltas: Mutex::new(()),
                processor: Mutex::new(Processor::new()),
                sync_version: Mutex::new(None),
                panic: Mutex::new(None),
                run_token: Mutex::new(None),
            }),
        }
    }

    /// The indexed store (a handle sharing the informer's data).
    pub fn get_store(&self) -> Store<K> {
        self.shared.indexer.clone()
    }

    /// Same as [`get_store`](Self::get_store).
    pub fn get_indexer(&self) -> Store<K> {
        self.get_store()
    }

    /// True once the initial list has been applied to the store and handed to every
    /// handler's buffer.
    pub fn has_synced(&self) -> bool {
        self.shared.fifo.has_synced()
    }

    /// The resource version of the last list, event or bookmark (`""` before start).
    pub fn last_sync_resource_version(&self) -> String {
        self.shared
            .sync_version
            .lock()
            .as_ref()
            .map(SyncVersion::get)
            .unwrap_or_default()
    }

    /// True once [`run`](Self::run) has returned.
    pub fn is_stopped(&self) -> bool {
        self.shared.lifecycle.lock().stopped
    }

    /// Sets a transform applied to every object before it is stored and handed to
    /// handlers (e.g. to drop `managedFields`). Only before start.
    pub fn set_transform(
        &self,
        f: impl Fn(K) -> std::result::Result<K, String> + Send + Sync + 'static,
    ) -> Result<()> {
        let l = self.shared.lifecycle.lock();
        if l.started {
            return Err(Error::AlreadyStarted);
        }
        *self.shared.transform.lock() = Some(Arc::new(f));
        Ok(())
    }

    /// Sets the handler of errors that end a list-and-watch cycle. Only before start.
    pub fn set_watch_error_handler(
        &self,
        f: impl Fn(&Error) + Send + Sync + 'static,
    ) -> Result<()> {
        let l = self.shared.lifecycle.lock();
        if l.started {
            return Err(Error::AlreadyStarted);
        }
        *self.shared.watch_error_handler.lock() = Some(Arc::new(f));
        Ok(())
    }

    /// Adds index functions (applied to the current content); error after stop.
    pub fn add_indexers(&self, indexers: Indexers<K>) -> Result<()> {
        if self.shared.lifecycle.lock().stopped {
            return Err(Error::Stopped("indexer was not added".into()));
        }
        self.shared.indexer.add_indexers(indexers)
    }

    /// Adds a handler with the informer's default resync period.
    pub fn add_event_handler(
        &self,
        handler: impl ResourceEventHandler<K>,
    ) -> Result<ResourceEventHandlerRegistration> {
        let period = self.shared.options.resync_period;
        self.add_event_handler_with_resync_period(handler, period)
    }

    /// Adds a handler resynced every `resync_period` (zero: never; below 1 s: 1 s;
    /// after start, at least the informer's resync check period).
    pub fn add_event_handler_with_resync_period(
        &self,
        handler: impl ResourceEventHandler<K>,
        resync_period: Duration,
    ) -> Result<ResourceEventHandlerRegistration> {
        let handler: Arc<dyn ResourceEventHandler<K>> = Arc::new(handler);
        let shared = &self.shared;
        let _block = shared.block_deltas.lock();
        let mut lifecycle = shared.lifecycle.lock();
        if lifecycle.stopped {
            return Err(Error::Stopped(
                "handler was not added to shared informer".into(),
            ));
        }
        let mut requested = resync_period;
        if !requested.is_zero() && requested < MINIMUM_RESYNC_PERIOD {
            tracing::warn!(?requested, "resync period too small; raising it to 1s");
            requested = MINIMUM_RESYNC_PERIOD;
        }
        let mut processor = shared.processor.lock();
        if !requested.is_zero() && requested < lifecycle.resync_check_period {
            if lifecycle.started {
                tracing::warn!(?requested, check = ?lifecycle.resync_check_period, "resync period smaller than the informer's check period; raising it");
                requested = lifecycle.resync_check_period;
            } else {
                lifecycle.resync_check_period = requested;
                for l in &mut processor.listeners {
                    l.set_resync_period(requested);
                }
            }
        }
        let period = effective_resync(requested, lifecycle.resync_check_period);
        let id = NEXT_ID.fetch_add(1, Ordering::Relaxed);
        let mut listener = Listener::new(id, handler, requested, period);
        if lifecycle.started {
            for obj in shared.indexer.list() {
                listener.push(Notification::Add(obj, true));
            }
            if let Some(runtime) = processor.runtime.clone() {
                listener.start(&runtime, shared.options.handler_panic, self.panic_sink());
            }
        }
        let pending_initial = Arc::clone(&listener.pending_initial);
        processor.listeners.push(listener);
        let fifo = shared.fifo.clone();
        Ok(ResourceEventHandlerRegistration {
            id,
            informer_id: shared.id,
            pending_initial,
            informer_synced: Arc::new(move || fifo.has_synced()),
        })
    }

    /// Removes a handler; it drains what is already buffered, then ends. Unknown,
    /// foreign or already removed registrations are ignored.
    pub fn remove_event_handler(&self, registration: &ResourceEventHandlerRegistration) {
        drop(self.detach(registration));
    }

    /// Removes a handler and waits until its task has finished.
    pub async fn shut_down_event_handler(&self, registration: &ResourceEventHandlerRegistration) {
        if let Some(task) = self.detach(registration)
            && let Err(error) = task.await
        {
            tracing::debug!(%error, "handler task ended abnormally");
        }
    }

    fn detach(
        &self,
        registration: &ResourceEventHandlerRegistration,
    ) -> Option<tokio::task::JoinHandle<()>> {
        if registration.informer_id != self.shared.id {
            return None;
        }
        let mut processor = self.shared.processor.lock();
        let index = processor
            .listeners
            .iter()
            .position(|l| l.id == registration.id)?;
        let mut listener = processor.listeners.remove(index);
        listener.close()
    }

    /// The number of registered handlers.
    pub fn handler_count(&self) -> usize {
        self.shared.processor.lock().listeners.len()
    }

    fn panic_sink(&self) -> PanicSink {
        let shared = Arc::downgrade(&self.shared);
        Arc::new(move |message| {
            if let Some(shared) = shared.upgrade() {
                shared.panic.lock().get_or_insert(message);
                if let Some(token) = shared.run_token.lock().as_ref() {
                    token.cancel();
                }
            }
        })
    }

    /// Runs the informer until `cancel` fires (or this future is dropped): the
    /// reflector, the event log and the handlers' tasks. A second call returns at once.
    /// When it returns, every task it started has ended and the informer is stopped.
    ///
    /// # Panics
    ///
    /// Re-raises a handler's panic under [`HandlerPanicPolicy::Propagate`].
    pub async fn run(&self, cancel: CancellationToken) {
        let shared = &self.shared;
        let token = cancel.child_token();
        {
            let mut lifecycle = shared.lifecycle.lock();
            if lifecycle.started {
                tracing::warn!("the shared informer has already been started");
                return;
            }
            lifecycle.started = true;
        }
        *shared.run_token.lock() = Some(token.clone());
        let guard = StopGuard {
            shared: Arc::clone(shared),
            token: token.clone(),
        };
        let processor_ref = Arc::downgrade(shared);
        let options = ReflectorOptions {
            name: format!("informer {}", shared.options.object_description),
            type_description: shared.options.object_description.clone(),
            resync_period: shared.lifecycle.lock().resync_check_period,
            min_watch_timeout: shared.options.min_watch_timeout,
            backoff: shared.options.backoff,
            watch_list_page_size: shared.options.watch_list_page_size,
            use_watch_list: shared.options.use_watch_list,
            should_resync: Some(Arc::new(move || {
                processor_ref
                    .upgrade()
                    .is_some_and(|s| s.processor.lock().should_resync())
            })),
            watch_error_handler: shared.watch_error_handler.lock().clone(),
            transform: shared.transform.lock().clone(),
            ..ReflectorOptions::default()
        };
        let reflector = Reflector::new(
            Arc::clone(&shared.lw),
            Arc::new(shared.fifo.clone()),
            options,
        );
        *shared.sync_version.lock() = Some(reflector.sync_version());
        {
            let runtime = tokio::runtime::Handle::current();
            let sink = self.panic_sink();
            let mut processor = shared.processor.lock();
            processor.runtime = Some(runtime.clone());
            for l in &mut processor.listeners {
                l.start(&runtime, shared.options.handler_panic, Arc::clone(&sink));
            }
        }
        let reflector_task = tokio::spawn({
            let token = token.clone();
            async move { reflector.run(token).await }
        });
        loop {
            let popped = tokio::select! {
                r = shared.fifo.pop_batch(|items, initial| self.process(items, initial)) => r,
                () = token.cancelled() => break,
            };
            if popped.is_err() {
                break;
            }
        }
        token.cancel();
        if let Err(error) = reflector_task.await {
            tracing::warn!(%error, "reflector task ended abnormally");
        }
        let tasks = guard.stop();
        for task in tasks {
            if let Err(error) = task.await {
                tracing::debug!(%error, "handler task ended abnormally");
            }
        }
        let panic = shared.panic.lock().take();
        if let Some(message) = panic {
            std::panic::resume_unwind(Box::new(format!("event handler panicked: {message}")));
        }
    }

    /// Applies a popped batch to the store and hands it to the handlers.
    fn process(&self, items: Vec<FifoItem<K>>, is_in_initial_list: bool) {
        let shared = &self.shared;
        let _block = shared.block_deltas.lock();
        let indexer = &shared.indexer;
        let mut ops = Vec::with_capacity(items.len());
        let mut notifications = Vec::with_capacity(items.len());
        for item in items {
            match item {
                FifoItem::Delta { key, delta } => match (delta.delta_type, delta.object) {
                    (DeltaType::Deleted, obj) => {
                        notifications.push((Notification::Delete(obj.clone()), false));
                        ops.push((key, StoreOp::Delete(obj)));
                    }
                    (_, DeletedObject::Object(new)) => match indexer.get_by_key(&key) {
                        Some(old) => {
                            let sync = same_version(old.as_ref(), new.as_ref());
                            notifications.push((Notification::Update(old, Arc::clone(&new)), sync));
                            ops.push((key, StoreOp::Update(new)));
                        }
                        None => {
                            notifications.push((
                                Notification::Add(Arc::clone(&new), is_in_initial_list),
                                false,
                            ));
                            ops.push((key, StoreOp::Add(new)));
                        }
                    },
                    (_, DeletedObject::FinalStateUnknown(t)) => {
                        tracing::debug!(key = %t.key, "ignoring a tombstone in a non-delete delta");
                    }
                },
                FifoItem::ReplacedAll { rv, objects } => {
                    self.replace_all(objects, &rv, is_in_initial_list);
                }
                FifoItem::SyncAll => {
                    let processor = shared.processor.lock();
                    for obj in indexer.list() {
                        processor.distribute(&Notification::Update(Arc::clone(&obj), obj), true);
                    }
                }
                FifoItem::Bookmark(rv) => indexer.bookmark(&rv),
            }
        }
        if !ops.is_empty() {
            indexer.thread_safe_store().transaction(ops);
        }
        let processor = shared.processor.lock();
        for (n, sync) in &notifications {
            processor.distribute(n, *sync);
        }
    }

    fn replace_all(&self, objects: Vec<Arc<K>>, rv: &str, is_in_initial_list: bool) {
        let indexer = &self.shared.indexer;
        let old: HashMap<String, Arc<K>> =
            indexer.thread_safe_store().entries().into_iter().collect();
        let mut keyed = Vec::with_capacity(objects.len());
        let mut new_keys = HashSet::with_capacity(objects.len());
        for obj in objects {
            match indexer.key_of(&obj) {
                Ok(key) => {
                    new_keys.insert(key.clone());
                    keyed.push((key, obj));
                }
                Err(error) => tracing::warn!(%error, "skipping a listed object without a key"),
            }
        }
        let new_map: HashMap<String, Arc<K>> = keyed
            .iter()
            .map(|(k, o)| (k.clone(), Arc::clone(o)))
            .collect();
        indexer.thread_safe_store().replace(new_map, rv);
        let processor = self.shared.processor.lock();
        for (key, obj) in &old {
            if !new_keys.contains(key) {
                processor.distribute(
                    &Notification::Delete(DeletedObject::FinalStateUnknown(
                        DeletedFinalStateUnknown {
                            key: key.clone(),
                            obj: Some(Arc::clone(obj)),
                        },
                    )),
                    false,
                );
            }
        }
        for (key, obj) in keyed {
            match old.get(&key) {
                Some(previous) => {
                    let sync = same_version(previous.as_ref(), obj.as_ref());
                    processor.distribute(&Notification::Update(Arc::clone(previous), obj), sync);
                }
                None => processor.distribute(&Notification::Add(obj, is_in_initial_list), false),
            }
        }
    }
}

fn same_version<K: CacheObject>(a: &K, b: &K) -> bool {
    matches!((a.object_resource_version(), b.object_resource_version()), (Some(x), Some(y)) if x == y)
}

/// Stops the informer when `run` ends or its future is dropped: cancels the reflector,
/// closes the queue and every handler's input.
struct StopGuard<K> {
    shared: Arc<Shared<K>>,
    token: CancellationToken,
}

impl<K> StopGuard<K> {
    fn stop(self) -> Vec<tokio::task::JoinHandle<()>> {
        self.stop_inner()
    }

    fn stop_inner(&self) -> Vec<tokio::task::JoinHandle<()>> {
        self.token.cancel();
        self.shared.fifo.close();
        let _block = self.shared.block_deltas.lock();
        self.shared.lifecycle.lock().stopped = true;
        let mut processor = self.shared.processor.lock();
        processor
            .listeners
            .iter_mut()
            .filter_map(Listener::close)
            .collect()
    }
}

impl<K> Drop for StopGuard<K> {
    fn drop(&mut self) {
        drop(self.stop_inner());
    }
}

/// Waits until every check is true (polling every 100 ms, first check at once); false
/// if `cancel` fires first.
pub async fn wait_for_cache_sync(
    cancel: &CancellationToken,
    checks: &[&(dyn Fn() -> bool + Sync)],
) -> bool {
    loop {
        if checks.iter().all(|c| c()) {
            return true;
        }
        tokio::select! {
            () = tokio::time::sleep(Duration::from_millis(100)) => {}
            () = cancel.cancelled() => return false,
        }
    }
}

#[cfg(test)]
mod tests;
