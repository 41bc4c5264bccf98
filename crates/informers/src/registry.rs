//! The part every factory shares: one informer per key, started on request, awaited on
//! shutdown. Informers are stored type-erased and recovered by downcasting.

use std::any::Any;
use std::collections::HashMap;
use std::fmt;
use std::hash::Hash;
use std::sync::Arc;

use clientgo_cache::{BoxFuture, CacheObject, CancellationToken, SharedIndexInformer};
use futures_util::FutureExt;
use parking_lot::Mutex;
use serde::de::DeserializeOwned;

/// What the registry needs from an informer, whatever its object type.
trait ErasedInformer: Send + Sync {
    fn run(&self, cancel: CancellationToken) -> BoxFuture<'static, ()>;
    fn has_synced(&self) -> bool;
    fn as_any(&self) -> &dyn Any;
}

impl<K: CacheObject + DeserializeOwned> ErasedInformer for SharedIndexInformer<K> {
    fn run(&self, cancel: CancellationToken) -> BoxFuture<'static, ()> {
        let informer = self.clone();
        Box::pin(async move { informer.run(cancel).await })
    }

    fn has_synced(&self) -> bool {
        SharedIndexInformer::has_synced(self)
    }

    fn as_any(&self) -> &dyn Any {
        self
    }
}

struct Entry {
    informer: Arc<dyn ErasedInformer>,
    name: String,
    started: bool,
}

struct State<Key> {
    entries: HashMap<Key, Entry>,
    /// One token per started informer task, cancelled when the task ends.
    done: Vec<CancellationToken>,
    shutting_down: bool,
}

/// Informers by key, with client-go's factory life cycle.
pub(crate) struct Registry<Key> {
    state: Mutex<State<Key>>,
}

impl<Key> Default for Registry<Key> {
    fn default() -> Self {
        Self {
            state: Mutex::new(State {
                entries: HashMap::new(),
                done: Vec::new(),
                shutting_down: false,
            }),
        }
    }
}

impl<Key: Eq + Hash + Clone> Registry<Key> {
    /// The informer of `key`, created with `create` the first time. `create` runs
    /// without the lock held (it may use the factory); if two callers race, the first
    /// informer stored wins and the other is dropped unstarted.
    pub(crate) fn get_or_create<K: CacheObject + DeserializeOwned>(
        &self,
        key: &Key,
        name: impl FnOnce() -> String,
        create: impl FnOnce() -> SharedIndexInformer<K>,
    ) -> SharedIndexInformer<K> {
        if let Some(found) = self.find::<K>(key) {
            return found;
        }
        let created = create();
        let mut state = self.state.lock();
        if let Some(entry) = state.entries.get(key)
            && let Some(found) = entry
                .informer
                .as_any()
                .downcast_ref::<SharedIndexInformer<K>>()
        {
            return found.clone();
        }
        // A different object type under the same key cannot happen with the factories
        // of this crate (keys are the object type, or a GVR always holding one type).
        state.entries.insert(
            key.clone(),
            Entry {
                informer: Arc::new(created.clone()),
                name: name(),
                started: false,
            },
        );
        created
    }

    fn find<K: CacheObject + DeserializeOwned>(&self, key: &Key) -> Option<SharedIndexInformer<K>> {
        let state = self.state.lock();
        let entry = state.entries.get(key)?;
        entry
            .informer
            .as_any()
            .downcast_ref::<SharedIndexInformer<K>>()
            .cloned()
    }

    /// Starts every informer not started yet, each on its own Tokio task, stopping when
    /// `cancel` fires. Does nothing once shutdown has begun.
    pub(crate) fn start(&self, cancel: &CancellationToken) {
        let mut guard = self.state.lock();
        let state = &mut *guard;
        if state.shutting_down {
            return;
        }
        for entry in state.entries.values_mut().filter(|e| !e.started) {
            entry.started = true;
            tracing::debug!(informer = %entry.name, "starting informer");
            let done = CancellationToken::new();
            let finished = done.clone().drop_guard();
            let run = std::panic::AssertUnwindSafe(entry.informer.run(cancel.clone()));
            let name = entry.name.clone();
            tokio::spawn(async move {
                let _finished = finished; // also fires when the task panics or is aborted
                if run.catch_unwind().await.is_err() {
                    tracing::error!(informer = %name, "informer task panicked");
                }
            });
            state.done.push(done);
        }
    }

    /// Waits until every started informer has synced, or `cancel` fires; then reports
    /// each started informer's state.
    pub(crate) async fn wait_for_cache_sync(&self, cancel: &CancellationToken) -> SyncResult<Key> {
        let started: Vec<(Key, String, Arc<dyn ErasedInformer>)> = {
            let state = self.state.lock();
            state
                .entries
                .iter()
                .filter(|(_, e)| e.started)
                .map(|(k, e)| (k.clone(), e.name.clone(), Arc::clone(&e.informer)))
                .collect()
        };
        let mut entries = HashMap::with_capacity(started.len());
        for (key, name, informer) in started {
            // Once `cancel` has fired, this only checks the current state.
            let synced =
                clientgo_cache::wait_for_cache_sync(cancel, &[&|| informer.has_synced()]).await;
            entries.insert(key, (name, synced));
        }
        SyncResult { entries }
    }

    /// Marks the registry as shutting down and waits for every informer task. Safe to
    /// call again (or to drop while waiting): it always waits for every task.
    pub(crate) async fn shutdown(&self) {
        let done = {
            let mut state = self.state.lock();
            state.shutting_down = true;
            state.done.clone()
        };
        for task in done {
            task.cancelled().await;
        }
    }

    /// How many informers exist, started or not.
    pub(crate) fn len(&self) -> usize {
        self.state.lock().entries.len()
    }

    /// How many informers have been started.
    pub(crate) fn started(&self) -> usize {
        self.state
            .lock()
            .entries
            .values()
            .filter(|e| e.started)
            .count()
    }
}

/// What [`wait_for_cache_sync`](crate::SharedInformerFactory::wait_for_cache_sync)
/// found: for every **started** informer, whether its cache synced (client-go's
/// `map[reflect.Type]bool`). Keys are the object type's [`TypeId`](std::any::TypeId)
/// for the typed factory and the resource for the dynamic and metadata factories.
#[derive(Clone, PartialEq, Eq)]
pub struct SyncResult<Key: Eq + Hash> {
    entries: HashMap<Key, (String, bool)>,
}

impl<Key: Eq + Hash> SyncResult<Key> {
    /// True if every started informer synced (also when none was started).
    pub fn all_synced(&self) -> bool {
        self.entries.values().all(|(_, synced)| *synced)
    }

    /// Whether the informer of `key` synced; `None` if it was not started.
    pub fn get(&self, key: &Key) -> Option<bool> {
        self.entries.get(key).map(|(_, synced)| *synced)
    }

    /// The names of the informers that did not sync, sorted.
    pub fn unsynced(&self) -> Vec<&str> {
        let mut names: Vec<&str> = self
            .entries
            .values()
            .filter(|(_, synced)| !*synced)
            .map(|(name, _)| name.as_str())
            .collect();
        names.sort_unstable();
        names
    }

    /// Every started informer: key, name and whether it synced.
    pub fn iter(&self) -> impl Iterator<Item = (&Key, &str, bool)> {
        self.entries
            .iter()
            .map(|(key, (name, synced))| (key, name.as_str(), *synced))
    }

    /// The number of started informers reported.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// True if no informer was started.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }
}

impl SyncResult<std::any::TypeId> {
    /// Whether the informer of object type `K` synced; `None` if it was not started.
    pub fn synced<K: 'static>(&self) -> Option<bool> {
        self.get(&std::any::TypeId::of::<K>())
    }
}

impl<Key: Eq + Hash> fmt::Debug for SyncResult<Key> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut entries: Vec<(&str, bool)> = self
            .entries
            .values()
            .map(|(n, s)| (n.as_str(), *s))
            .collect();
        entries.sort_unstable();
        f.debug_map().entries(entries).finish()
    }
}
