//! [`DeltaFifo`]: client-go's classic queue of per-key delta lists. Informers here use
//! the [`RealFifo`](crate::RealFifo); this one is for code that drives its own loop.
//!
//! Each key is queued once; new deltas for a queued key are appended to its list
//! without moving it. Consecutive deletes are merged. A relist ([`DeltaFifo::replace`])
//! queues `Replaced` (or `Sync`) deltas and tombstones for objects that disappeared.

use std::collections::{HashMap, HashSet, VecDeque};
use std::sync::Arc;

use parking_lot::Mutex;
use tokio::sync::Notify;

use crate::delta::{Delta, DeltaType};
use crate::error::{Error, Result};
use crate::keys::{DeletedFinalStateUnknown, DeletedObject, KeyFunc, meta_namespace_key};
use crate::object::CacheObject;
use crate::store::Store;

/// The deltas of one key, oldest first.
#[derive(Debug)]
pub struct Deltas<K>(pub Vec<Delta<K>>);

impl<K> Clone for Deltas<K> {
    fn clone(&self) -> Self {
        Self(self.0.clone())
    }
}

impl<K> Deltas<K> {
    /// The oldest delta.
    pub fn oldest(&self) -> Option<&Delta<K>> {
        self.0.first()
    }

    /// The newest delta.
    pub fn newest(&self) -> Option<&Delta<K>> {
        self.0.last()
    }
}

/// Settings of a [`DeltaFifo`].
pub struct DeltaFifoOptions<K> {
    /// The key function (default [`meta_namespace_key`]).
    pub key_func: Option<KeyFunc<K>>,
    /// The store the queue feeds, consulted for deletes, relists and resyncs.
    pub known_objects: Option<Store<K>>,
    /// Queue `Replaced` instead of `Sync` deltas for relisted objects.
    pub emit_delta_type_replaced: bool,
}

impl<K> Default for DeltaFifoOptions<K> {
    fn default() -> Self {
        Self {
            key_func: None,
            known_objects: None,
            emit_delta_type_replaced: false,
        }
    }
}

struct State<K> {
    items: HashMap<String, Vec<Delta<K>>>,
    queue: VecDeque<String>,
    populated: bool,
    initial_population: usize,
    closed: bool,
}

/// A queue of per-key delta lists. Cheap to clone (a handle).
pub struct DeltaFifo<K> {
    state: Arc<Mutex<State<K>>>,
    notify: Arc<Notify>,
    key_func: KeyFunc<K>,
    known: Option<Store<K>>,
    replaced: bool,
}

impl<K> Clone for DeltaFifo<K> {
    fn clone(&self) -> Self {
        Self {
            state: Arc::clone(&self.state),
            notify: Arc::clone(&self.notify),
            key_func: Arc::clone(&self.key_func),
            known: self.known.clone(),
            replaced: self.replaced,
        }
    }
}

impl<K: CacheObject> DeltaFifo<K> {
    /// A queue with `options`.
    pub fn new(options: DeltaFifoOptions<K>) -> Self {
        Self {
            state: Arc::new(Mutex::new(State {
                items: HashMap::new(),
                queue: VecDeque::new(),
                populated: false,
                initial_population: 0,
                closed: false,
            })),
            notify: Arc::new(Notify::new()),
            key_func: options
                .key_func
                .unwrap_or_else(|| Arc::new(|o: &K| meta_namespace_key(o))),
            known: options.known_objects,
            replaced: options.emit_delta_type_replaced,
        }
    }

    /// The key of a delta object (a tombstone's own key).
    pub fn key_of(&self, obj: &DeletedObject<K>) -> Result<String> {
        match obj {
            DeletedObject::Object(o) => (self.key_func)(o),
            DeletedObject::FinalStateUnknown(t) => Ok(t.key.clone()),
        }
    }

    fn queue_action(
        &self,
        s: &mut State<K>,
        key: String,
        delta_type: DeltaType,
        object: DeletedObject<K>,
    ) {
        let deltas = s.items.entry(key.clone()).or_default();
        let is_new = deltas.is_empty();
        deltas.push(Delta { delta_type, object });
        // Merge two trailing deletes, keeping the one with more information.
        let n = deltas.len();
        if n >= 2
            && deltas[n - 1].delta_type == DeltaType::Deleted
            && deltas[n - 2].delta_type == DeltaType::Deleted
            && let Some(newer) = deltas.pop()
            && deltas[n - 2].object.is_final_state_unknown()
        {
            deltas[n - 2] = newer;
        }
        if is_new {
            s.queue.push_back(key);
        }
    }

    fn locked(&self) -> Result<parking_lot::MutexGuard<'_, State<K>>> {
        let s = self.state.lock();
        if s.closed {
            return Err(Error::QueueClosed);
        }
        Ok(s)
    }

    /// Queues an `Added` delta.
    pub fn add(&self, obj: Arc<K>) -> Result<()> {
        self.push(DeltaType::Added, obj)
    }

    /// Queues an `Updated` delta.
    pub fn update(&self, obj: Arc<K>) -> Result<()> {
        self.push(DeltaType::Updated, obj)
    }

    fn push(&self, t: DeltaType, obj: Arc<K>) -> Result<()> {
        let key = (self.key_func)(&obj)?;
        let mut s = self.locked()?;
        s.populated = true;
        self.queue_action(&mut s, key, t, DeletedObject::Object(obj));
        drop(s);
        self.notify.notify_one();
        Ok(())
    }

    /// Queues a `Deleted` delta, unless the key is neither queued nor known.
    pub fn delete(&self, obj: DeletedObject<K>) -> Result<()> {
        let key = self.key_of(&obj)?;
        let mut s = self.locked()?;
        s.populated = true;
        let queued = s.items.contains_key(&key);
        let known = self
            .known
            .as_ref()
            .is_some_and(|k| k.get_by_key(&key).is_some());
        if !queued && !known {
            return Ok(());
        }
        self.queue_action(&mut s, key, DeltaType::Deleted, obj);
        drop(s);
        self.notify.notify_one();
        Ok(())
    }

    /// A relist: `Replaced`/`Sync` for each object, tombstones for queued or known keys
    /// that are gone.
    pub fn replace(&self, list: Vec<Arc<K>>, _rv: &str) -> Result<()> {
        let action = if self.replaced {
            DeltaType::Replaced
        } else {
            DeltaType::Sync
        };
        let mut keyed = Vec::with_capacity(list.len());
        for obj in list {
            keyed.push(((self.key_func)(&obj)?, obj));
        }
        let mut s = self.locked()?;
        let keys: HashSet<String> = keyed.iter().map(|(k, _)| k.clone()).collect();
        let listed = keyed.len();
        for (key, obj) in keyed {
            self.queue_action(&mut s, key, action, DeletedObject::Object(obj));
        }
        let mut deletions = 0;
        let gone: Vec<(String, Option<Arc<K>>)> = s
            .items
            .iter()
            .filter(|(k, _)| !keys.contains(*k))
            .map(|(k, d)| (k.clone(), d.last().and_then(|d| d.object.object().cloned())))
            .collect();
        for (key, obj) in gone {
            deletions += 1;
            let tomb = DeletedFinalStateUnknown {
                key: key.clone(),
                obj,
            };
            self.queue_action(
                &mut s,
                key,
                DeltaType::Deleted,
                DeletedObject::FinalStateUnknown(tomb),
            );
        }
        if let Some(known) = &self.known {
            for key in known.list_keys() {
                if keys.contains(&key) || s.items.contains_key(&key) {
                    continue;
                }
                deletions += 1;
                let tomb = DeletedFinalStateUnknown {
                    key: key.clone(),
                    obj: known.get_by_key(&key),
                };
                self.queue_action(
                    &mut s,
                    key,
                    DeltaType::Deleted,
                    DeletedObject::FinalStateUnknown(tomb),
                );
            }
        }
        if !s.populated {
            s.populated = true;
            s.initial_population = listed + deletions;
        }
        drop(s);
        self.notify.notify_one();
        Ok(())
    }

    /// Queues `Sync` for every known object without queued deltas.
    pub fn resync(&self) -> Result<()> {
        let Some(known) = &self.known else {
            return Ok(());
        };
        let mut s = self.locked()?;
        for key in known.list_keys() {
            if s.items.contains_key(&key) {
                continue;
            }
            if let Some(obj) = known.get_by_key(&key) {
                self.queue_action(&mut s, key, DeltaType::Sync, DeletedObject::Object(obj));
            }
        }
        drop(s);
        self.notify.notify_one();
        Ok(())
    }

    /// Re-queues `deltas` unless its key is already queued.
    pub fn add_if_not_present(&self, deltas: Deltas<K>) -> Result<()> {
        let first = deltas.newest().ok_or(Error::EmptyDeltas)?;
        let key = self.key_of(&first.object)?;
        let mut s = self.locked()?;
        s.populated = true;
        if s.items.contains_key(&key) {
            return Ok(());
        }
        s.queue.push_back(key.clone());
        s.items.insert(key, deltas.0);
        drop(s);
        self.notify.notify_one();
        Ok(())
    }

    /// Waits for a key, removes it and calls `process(deltas, is_in_initial_list)`.
    /// When `process` fails with [`Error::Requeue`] the deltas are queued again (unless
    /// the key was queued meanwhile); the error is returned either way.
    pub async fn pop(
        &self,
        process: impl FnOnce(&Deltas<K>, bool) -> Result<()>,
    ) -> Result<Deltas<K>> {
        let (deltas, initial) = loop {
            let notified = self.notify.notified();
            {
                let mut s = self.state.lock();
                if s.closed {
                    return Err(Error::QueueClosed);
                }
                if let Some(key) = s.queue.pop_front() {
                    let initial = !(s.populated && s.initial_population == 0);
                    if s.initial_population > 0 {
                        s.initial_population -= 1;
                    }
                    // A key whose deltas were taken out is skipped.
                    let Some(deltas) = s.items.remove(&key) else {
                        continue;
                    };
                    break (Deltas(deltas), initial);
                }
            }
            notified.await;
        };
        match process(&deltas, initial) {
            Ok(()) => Ok(deltas),
            Err(Error::Requeue(reason)) => {
                self.add_if_not_present(deltas.clone())?;
                Err(Error::Requeue(reason))
            }
            Err(e) => Err(e),
        }
    }

    /// True once the first replace's items have all been popped (or the first
    /// operation was a single change).
    pub fn has_synced(&self) -> bool {
        let s = self.state.lock();
        s.populated && s.initial_population == 0
    }

    /// The queued keys in order.
    pub fn list_keys(&self) -> Vec<String> {
        self.state.lock().queue.iter().cloned().collect()
    }

    /// The queued deltas of `key`.
    pub fn get_by_key(&self, key: &str) -> Option<Deltas<K>> {
        self.state.lock().items.get(key).map(|d| Deltas(d.clone()))
    }

    /// The number of queued keys.
    pub fn len(&self) -> usize {
        self.state.lock().queue.len()
    }

    /// True when nothing is queued.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Closes the queue; pops return [`Error::QueueClosed`].
    pub fn close(&self) {
        self.state.lock().closed = true;
        self.notify.notify_waiters();
        self.notify.notify_one();
    }
}

impl<K: CacheObject> crate::reflector::ReflectorStore<K> for DeltaFifo<K> {
    fn add(&self, obj: Arc<K>) -> Result<()> {
        DeltaFifo::add(self, obj)
    }
    fn update(&self, obj: Arc<K>) -> Result<()> {
        DeltaFifo::update(self, obj)
    }
    fn delete(&self, obj: Arc<K>) -> Result<()> {
        DeltaFifo::delete(self, DeletedObject::Object(obj))
    }
    fn replace(&self, list: Vec<Arc<K>>, rv: String) -> Result<()> {
        DeltaFifo::replace(self, list, &rv)
    }
    fn resync(&self) -> Result<()> {
        DeltaFifo::resync(self)
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use crate::testing::{Obj, cm};

    fn types(d: &Deltas<Obj>) -> Vec<(DeltaType, bool)> {
        d.0.iter()
            .map(|d| (d.delta_type, d.object.is_final_state_unknown()))
            .collect()
    }

    async fn pop(f: &DeltaFifo<Obj>) -> (String, Vec<(DeltaType, bool)>, bool) {
        let mut initial = false;
        let d = f
            .pop(|_, i| {
                initial = i;
                Ok(())
            })
            .await
            .unwrap();
        (
            f.key_of(&d.newest().unwrap().object).unwrap(),
            types(&d),
            initial,
        )
    }

    #[tokio::test]
    async fn keys_keep_their_place_and_deltas_accumulate() {
        let f = DeltaFifo::new(DeltaFifoOptions::default());
        f.add(Arc::new(cm("a", "1"))).unwrap();
        f.add(Arc::new(cm("b", "1"))).unwrap();
        f.update(Arc::new(cm("a", "2"))).unwrap(); // line jumper stays in place
        assert_eq!(f.list_keys(), ["ns/a", "ns/b"]);
        assert!(f.has_synced());
        let (key, t, _) = pop(&f).await;
        assert_eq!(key, "ns/a");
        assert_eq!(t, [(DeltaType::Added, false), (DeltaType::Updated, false)]);
        assert_eq!(pop(&f).await.0, "ns/b");
    }

    #[tokio::test]
    async fn deletes_of_unknown_keys_are_ignored_and_consecutive_deletes_merge() {
        let f = DeltaFifo::new(DeltaFifoOptions::default());
        f.delete(DeletedObject::Object(Arc::new(cm("x", "1"))))
            .unwrap();
        assert!(f.is_empty());
        f.add(Arc::new(cm("a", "1"))).unwrap();
        f.delete(DeletedObject::FinalStateUnknown(DeletedFinalStateUnknown {
            key: "ns/a".into(),
            obj: None,
        }))
        .unwrap();
        f.delete(DeletedObject::Object(Arc::new(cm("a", "2"))))
            .unwrap();
        f.delete(DeletedObject::Object(Arc::new(cm("a", "3"))))
            .unwrap();
        let (_, t, _) = pop(&f).await;
        assert_eq!(
            t,
            [(DeltaType::Added, false), (DeltaType::Deleted, false)],
            "tombstone replaced, then newer dropped"
        );
    }

    #[tokio::test]
    async fn replace_makes_tombstones_and_counts_the_initial_population() {
        let known = Store::new();
        known.add(Arc::new(cm("stored", "1"))).unwrap();
        let f = DeltaFifo::new(DeltaFifoOptions {
            known_objects: Some(known.clone()),
            emit_delta_type_replaced: true,
            ..DeltaFifoOptions::default()
        });
        f.replace(vec![Arc::new(cm("a", "1"))], "5").unwrap();
        assert!(!f.has_synced());
        assert_eq!(pop(&f).await.1, [(DeltaType::Replaced, false)]);
        assert!(!f.has_synced());
        let (key, t, initial) = pop(&f).await;
        assert_eq!(key, "ns/stored");
        assert_eq!(t, [(DeltaType::Deleted, true)]);
        assert!(initial);
        assert!(f.has_synced());
        // Without emit_delta_type_replaced: Sync; queued keys missing from a relist get tombstones.
        let f = DeltaFifo::new(DeltaFifoOptions::<Obj>::default());
        f.add(Arc::new(cm("q", "1"))).unwrap();
        f.replace(vec![Arc::new(cm("a", "1"))], "5").unwrap();
        assert_eq!(
            pop(&f).await.1,
            [(DeltaType::Added, false), (DeltaType::Deleted, true)]
        );
        assert_eq!(pop(&f).await.1, [(DeltaType::Sync, false)]);
    }

    #[tokio::test]
    async fn resync_skips_queued_keys_and_requeue_on_error() {
        let known = Store::new();
        known.add(Arc::new(cm("a", "1"))).unwrap();
        known.add(Arc::new(cm("b", "1"))).unwrap();
        let f = DeltaFifo::new(DeltaFifoOptions {
            known_objects: Some(known),
            ..DeltaFifoOptions::default()
        });
        f.update(Arc::new(cm("a", "2"))).unwrap();
        f.resync().unwrap();
        assert_eq!(f.get_by_key("ns/a").unwrap().0.len(), 1);
        assert_eq!(
            types(&f.get_by_key("ns/b").unwrap()),
            [(DeltaType::Sync, false)]
        );
        let err = f
            .pop(|_, _| Err(Error::Requeue("later".into())))
            .await
            .unwrap_err();
        assert!(matches!(err, Error::Requeue(_)));
        assert_eq!(f.list_keys(), ["ns/b", "ns/a"], "requeued at the end");
    }

    #[tokio::test]
    async fn pop_unblocks_on_close() {
        let f = DeltaFifo::<Obj>::new(DeltaFifoOptions::default());
        let g = f.clone();
        let waiter = tokio::spawn(async move { g.pop(|_, _| Ok(())).await.map(|_| ()) });
        tokio::task::yield_now().await;
        f.close();
        assert!(matches!(waiter.await.unwrap(), Err(Error::QueueClosed)));
        assert_eq!(
            Error::QueueClosed.to_string(),
            "DeltaFIFO: manipulating with closed queue"
        );
    }
}
