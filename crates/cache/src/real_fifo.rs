//! [`RealFifo`]: the ordered event log between an informer's reflector and its store
//! (client-go's `RealFIFO` with the `AtomicFIFO` behaviour).
//!
//! Unlike [`DeltaFifo`](crate::DeltaFifo) nothing is coalesced: every change is queued
//! in arrival order, so handlers see every event. A relist is one atomic
//! [`FifoItem::ReplacedAll`], a resync one [`FifoItem::SyncAll`], and bookmarks are
//! queued too so the store's resource version follows the stream.

use std::collections::{HashSet, VecDeque};
use std::sync::Arc;

use parking_lot::Mutex;
use tokio::sync::Notify;

use crate::delta::{Delta, DeltaType};
use crate::error::{Error, Result};
use crate::keys::{DeletedObject, KeyFunc, meta_namespace_key};
use crate::object::CacheObject;
use crate::reflector::ReflectorStore;

/// Most items handed to one batch.
pub const MAX_BATCH_SIZE: usize = 1000;

/// One entry of a [`RealFifo`].
#[derive(Debug)]
pub enum FifoItem<K> {
    /// One change of one object.
    Delta {
        /// The object's key.
        key: String,
        /// The change.
        delta: Delta<K>,
    },
    /// A relist: the complete state at `rv`.
    ReplacedAll {
        /// The list's resource version.
        rv: String,
        /// Every object.
        objects: Vec<Arc<K>>,
    },
    /// A resync of every stored object.
    SyncAll,
    /// The watch reached `rv`.
    Bookmark(String),
}

struct State<K> {
    items: VecDeque<FifoItem<K>>,
    closed: bool,
    /// Some operation happened (a replace or a single change).
    populated: bool,
    /// Items of the first replace not processed yet.
    initial_population: usize,
}

/// The ordered event log of informers. Cheap to clone (a handle).
pub struct RealFifo<K> {
    state: Arc<Mutex<State<K>>>,
    notify: Arc<Notify>,
    key_func: KeyFunc<K>,
}

impl<K> Clone for RealFifo<K> {
    fn clone(&self) -> Self {
        Self {
            state: Arc::clone(&self.state),
            notify: Arc::clone(&self.notify),
            key_func: Arc::clone(&self.key_func),
        }
    }
}

impl<K> RealFifo<K> {
    /// Closes the queue: waiting and later pops return [`Error::QueueClosed`] at once,
    /// and so do additions.
    pub fn close(&self) {
        self.state.lock().closed = true;
        self.notify.notify_waiters();
        self.notify.notify_one();
    }

    /// True once closed.
    pub fn is_closed(&self) -> bool {
        self.state.lock().closed
    }
}

impl<K: CacheObject> Default for RealFifo<K> {
    fn default() -> Self {
        Self::new()
    }
}

impl<K: CacheObject> RealFifo<K> {
    /// An empty queue keyed by [`meta_namespace_key`].
    pub fn new() -> Self {
        Self::with_key_func(Arc::new(|o: &K| meta_namespace_key(o)))
    }

    /// An empty queue with a custom key function.
    pub fn with_key_func(key_func: KeyFunc<K>) -> Self {
        Self {
            state: Arc::new(Mutex::new(State {
                items: VecDeque::new(),
                closed: false,
                populated: false,
                initial_population: 0,
            })),
            notify: Arc::new(Notify::new()),
            key_func,
        }
    }

    fn push(&self, item: FifoItem<K>) -> Result<()> {
        let mut s = self.state.lock();
        if s.closed {
            return Err(Error::QueueClosed);
        }
        s.populated = true;
        s.items.push_back(item);
        drop(s);
        self.notify.notify_one();
        Ok(())
    }

    fn push_delta(&self, delta_type: DeltaType, obj: Arc<K>) -> Result<()> {
        let key = (self.key_func)(&obj)?;
        self.push(FifoItem::Delta {
            key,
            delta: Delta::new(delta_type, obj),
        })
    }

    /// Queues an `Added` delta.
    pub fn add(&self, obj: Arc<K>) -> Result<()> {
        self.push_delta(DeltaType::Added, obj)
    }

    /// Queues an `Updated` delta.
    pub fn update(&self, obj: Arc<K>) -> Result<()> {
        self.push_delta(DeltaType::Updated, obj)
    }

    /// Queues a `Deleted` delta (object or tombstone).
    pub fn delete(&self, obj: DeletedObject<K>) -> Result<()> {
        let key = match &obj {
            DeletedObject::Object(o) => (self.key_func)(o)?,
            DeletedObject::FinalStateUnknown(t) => t.key.clone(),
        };
        self.push(FifoItem::Delta {
            key,
            delta: Delta {
                delta_type: DeltaType::Deleted,
                object: obj,
            },
        })
    }

    /// Queues one `ReplacedAll` item; the first one sets the initial population.
    pub fn replace(&self, objects: Vec<Arc<K>>, rv: String) -> Result<()> {
        let mut s = self.state.lock();
        if s.closed {
            return Err(Error::QueueClosed);
        }
        s.items.push_back(FifoItem::ReplacedAll { rv, objects });
        if !s.populated {
            s.populated = true;
            s.initial_population = s.items.len();
        }
        drop(s);
        self.notify.notify_one();
        Ok(())
    }

    /// Queues one `SyncAll` item.
    pub fn resync(&self) -> Result<()> {
        let mut s = self.state.lock();
        if s.closed {
            return Err(Error::QueueClosed);
        }
        // A resync before anything was listed has nothing to do.
        if !s.populated {
            return Ok(());
        }
        s.items.push_back(FifoItem::SyncAll);
        drop(s);
        self.notify.notify_one();
        Ok(())
    }

    /// Queues a bookmark.
    pub fn bookmark(&self, rv: &str) -> Result<()> {
        self.push(FifoItem::Bookmark(rv.to_owned()))
    }

    /// True once the first replace's items have all been processed (or the first
    /// operation was a single change).
    pub fn has_synced(&self) -> bool {
        let s = self.state.lock();
        s.populated && s.initial_population == 0
    }

    /// The number of queued items.
    pub fn len(&self) -> usize {
        self.state.lock().items.len()
    }

    /// True when nothing is queued.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Waits for items, takes a batch from the head and calls `process(batch,
    /// is_in_initial_list)` with the queue unlocked. A batch has at most
    /// [`MAX_BATCH_SIZE`] items with distinct keys, never crosses the end of the
    /// initial population, and a non-delta item (`ReplacedAll`, `SyncAll`, `Bookmark`)
    /// always travels alone. The initial population shrinks only after `process`
    /// returned, so [`has_synced`](Self::has_synced) flips once the last initial item
    /// was handled.
    pub async fn pop_batch<R>(
        &self,
        process: impl FnOnce(Vec<FifoItem<K>>, bool) -> R,
    ) -> Result<R> {
        let (batch, initial, from_initial) = loop {
            let notified = self.notify.notified();
            {
                let mut s = self.state.lock();
                if s.closed {
                    return Err(Error::QueueClosed);
                }
                if !s.items.is_empty() {
                    let initial = !(s.populated && s.initial_population == 0);
                    let limit = if s.initial_population > 0 {
                        s.initial_population.min(MAX_BATCH_SIZE)
                    } else {
                        MAX_BATCH_SIZE
                    };
                    let mut batch = Vec::new();
                    let mut keys = HashSet::new();
                    while batch.len() < limit {
                        let take = match s.items.front() {
                            None => false,
                            Some(FifoItem::Delta { key, .. }) => {
                                !keys.contains(key)
                                    && !matches!(batch.first(), Some(i) if !matches!(i, FifoItem::Delta { .. }))
                            }
                            Some(_) => batch.is_empty(),
                        };
                        if !take {
                            break;
                        }
                        if let Some(item) = s.items.pop_front() {
                            if let FifoItem::Delta { key, .. } = &item {
                                keys.insert(key.clone());
                            }
                            batch.push(item);
                        }
                    }
                    let from_initial = batch.len().min(s.initial_population);
                    break (batch, initial, from_initial);
                }
            }
            notified.await;
        };
        let result = process(batch, initial);
        if from_initial > 0 {
            let mut s = self.state.lock();
            s.initial_population = s.initial_population.saturating_sub(from_initial);
        }
        Ok(result)
    }
}

impl<K: CacheObject> ReflectorStore<K> for RealFifo<K> {
    fn add(&self, obj: Arc<K>) -> Result<()> {
        RealFifo::add(self, obj)
    }
    fn update(&self, obj: Arc<K>) -> Result<()> {
        RealFifo::update(self, obj)
    }
    fn delete(&self, obj: Arc<K>) -> Result<()> {
        RealFifo::delete(self, DeletedObject::Object(obj))
    }
    fn replace(&self, list: Vec<Arc<K>>, rv: String) -> Result<()> {
        RealFifo::replace(self, list, rv)
    }
    fn resync(&self) -> Result<()> {
        RealFifo::resync(self)
    }
    fn bookmark(&self, rv: &str) {
        if let Err(error) = RealFifo::bookmark(self, rv) {
            tracing::debug!(%error, "bookmark not queued");
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use crate::testing::{Obj, cm};

    fn describe(items: &[FifoItem<Obj>]) -> Vec<String> {
        items
            .iter()
            .map(|i| match i {
                FifoItem::Delta { key, delta } => format!("{:?}:{key}", delta.delta_type),
                FifoItem::ReplacedAll { rv, objects } => {
                    format!("ReplacedAll:{rv}:{}", objects.len())
                }
                FifoItem::SyncAll => "SyncAll".into(),
                FifoItem::Bookmark(rv) => format!("Bookmark:{rv}"),
            })
            .collect()
    }

    async fn pop(f: &RealFifo<Obj>) -> (Vec<String>, bool) {
        f.pop_batch(|items, initial| (describe(&items), initial))
            .await
            .unwrap()
    }

    #[tokio::test]
    async fn keeps_every_event_in_order_and_batches_distinct_keys() {
        let f = RealFifo::new();
        f.add(Arc::new(cm("a", "1"))).unwrap();
        f.update(Arc::new(cm("b", "2"))).unwrap();
        f.update(Arc::new(cm("a", "3"))).unwrap();
        f.delete(DeletedObject::Object(Arc::new(cm("a", "4"))))
            .unwrap();
        assert!(f.has_synced(), "first operation was not a replace");
        assert_eq!(
            pop(&f).await.0,
            ["Added:ns/a", "Updated:ns/b"],
            "stops at a duplicate key"
        );
        assert_eq!(pop(&f).await.0, ["Updated:ns/a"]);
        assert_eq!(pop(&f).await.0, ["Deleted:ns/a"]);
    }

    #[tokio::test]
    async fn replace_is_atomic_and_non_delta_items_travel_alone() {
        let f = RealFifo::new();
        f.replace(
            vec![Arc::new(cm("a", "1")), Arc::new(cm("b", "1"))],
            "5".into(),
        )
        .unwrap();
        f.add(Arc::new(cm("c", "6"))).unwrap();
        f.bookmark("7").unwrap();
        f.resync().unwrap();
        assert!(!f.has_synced());
        let (items, initial) = pop(&f).await;
        assert_eq!(items, ["ReplacedAll:5:2"]);
        assert!(initial);
        assert!(f.has_synced(), "synced once the replace was processed");
        let (items, initial) = pop(&f).await;
        assert_eq!(
            items,
            ["Added:ns/c"],
            "a delta batch stops before a bookmark"
        );
        assert!(!initial);
        assert_eq!(pop(&f).await.0, ["Bookmark:7"]);
        assert_eq!(pop(&f).await.0, ["SyncAll"]);
    }

    #[tokio::test]
    async fn has_synced_flips_only_after_processing() {
        let f = RealFifo::<Obj>::new();
        f.replace(vec![], "1".into()).unwrap();
        let g = f.clone();
        f.pop_batch(move |_, initial| {
            assert!(initial);
            assert!(!g.has_synced(), "still processing the initial item");
        })
        .await
        .unwrap();
        assert!(f.has_synced());
    }

    #[tokio::test]
    async fn pop_unblocks_on_close() {
        let f = RealFifo::<Obj>::new();
        let g = f.clone();
        let waiter = tokio::spawn(async move { g.pop_batch(|_, _| ()).await });
        tokio::task::yield_now().await;
        f.close();
        assert!(matches!(waiter.await.unwrap(), Err(Error::QueueClosed)));
        assert!(f.add(Arc::new(cm("a", "1"))).is_err());
    }
}
