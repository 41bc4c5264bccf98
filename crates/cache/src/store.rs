//! [`ThreadSafeStore`]: a map `key → Arc<object>` with secondary indices behind one
//! read/write lock, and [`Store`] (client-go's `Store`/`Indexer`): the same keyed by a
//! key function.
//!
//! ```
//! use std::sync::Arc;
//! use clientgo_apimachinery::meta::ObjectMeta;
//! use clientgo_cache::{NAMESPACE_INDEX, Store, namespace_indexers};
//!
//! let store = Store::<ObjectMeta>::with_indexers(namespace_indexers());
//! let mut a = ObjectMeta::named("a");
//! a.namespace = Some("prod".into());
//! store.add(Arc::new(a))?;
//! assert_eq!(store.index_keys(NAMESPACE_INDEX, "prod")?, ["prod/a"]);
//! assert!(store.get_by_key("prod/a").is_some());
//! # Ok::<(), clientgo_cache::Error>(())
//! ```

use std::collections::{BTreeSet, HashMap, HashSet};
use std::sync::Arc;

use parking_lot::RwLock;

use crate::error::{Error, Result};
use crate::index::{IndexFunc, Indexers};
use crate::keys::{DeletedObject, KeyFunc, meta_namespace_key};
use crate::object::CacheObject;

/// One operation of a [`ThreadSafeStore::transaction`].
#[derive(Debug)]
pub enum StoreOp<K> {
    /// Store the object (new key).
    Add(Arc<K>),
    /// Store the object (existing key).
    Update(Arc<K>),
    /// Remove the key; the object (or tombstone) only tells the resource version.
    Delete(DeletedObject<K>),
}

struct Inner<K> {
    items: HashMap<String, Arc<K>>,
    indexers: Indexers<K>,
    /// index name → index value → keys.
    indices: HashMap<String, HashMap<String, HashSet<String>>>,
    resource_version: String,
}

impl<K: CacheObject> Inner<K> {
    fn update_indices(&mut self, old: Option<&K>, new: Option<&K>, key: &str) {
        for (name, f) in &self.indexers {
            let old_values = old.map(|o| f(o)).unwrap_or_default();
            let new_values = new.map(|o| f(o)).unwrap_or_default();
            if old_values.len() == 1 && new_values.len() == 1 && old_values[0] == new_values[0] {
                continue;
            }
            let index = self.indices.entry(name.clone()).or_default();
            for value in &old_values {
                if let Some(set) = index.get_mut(value) {
                    set.remove(key);
                    if set.is_empty() {
                        index.remove(value);
                    }
                }
            }
            for value in new_values {
                index.entry(value).or_default().insert(key.to_owned());
            }
        }
    }

    fn put(&mut self, key: String, obj: Arc<K>) {
        if let Some(rv) = obj.object_resource_version() {
            rv.clone_into(&mut self.resource_version);
        }
        let old = self.items.insert(key.clone(), Arc::clone(&obj));
        self.update_indices(old.as_deref(), Some(&obj), &key);
    }

    fn remove(&mut self, key: &str, rv: Option<&str>) {
        if let Some(rv) = rv {
            rv.clone_into(&mut self.resource_version);
        }
        if let Some(old) = self.items.remove(key) {
            self.update_indices(Some(&old), None, key);
        }
    }

    fn rebuild_indices(&mut self) {
        self.indices.clear();
        let items: Vec<(String, Arc<K>)> = self
            .items
            .iter()
            .map(|(k, v)| (k.clone(), Arc::clone(v)))
            .collect();
        for (key, obj) in items {
            self.update_indices(None, Some(&obj), &key);
        }
    }

    fn keys_for(&self, index: &str, values: &[String]) -> Result<HashSet<String>> {
        if !self.indexers.contains_key(index) {
            return Err(Error::IndexNotFound(index.to_owned()));
        }
        let mut keys = HashSet::new();
        if let Some(idx) = self.indices.get(index) {
            for v in values {
                if let Some(set) = idx.get(v) {
                    keys.extend(set.iter().cloned());
                }
            }
        }
        Ok(keys)
    }
}

/// A concurrent map `key → Arc<K>` with secondary indices. Cheap to clone (a handle).
pub struct ThreadSafeStore<K> {
    inner: Arc<RwLock<Inner<K>>>,
}

impl<K> Clone for ThreadSafeStore<K> {
    fn clone(&self) -> Self {
        Self {
            inner: Arc::clone(&self.inner),
        }
    }
}

impl<K: CacheObject> ThreadSafeStore<K> {
    /// An empty store with `indexers`.
    pub fn new(indexers: Indexers<K>) -> Self {
        Self {
            inner: Arc::new(RwLock::new(Inner {
                items: HashMap::new(),
                indexers,
                indices: HashMap::new(),
                resource_version: String::new(),
            })),
        }
    }

    /// Stores `obj` under `key` and updates every index.
    pub fn add(&self, key: String, obj: Arc<K>) {
        self.inner.write().put(key, obj);
    }

    /// Same as [`add`](Self::add).
    pub fn update(&self, key: String, obj: Arc<K>) {
        self.add(key, obj);
    }

    /// Removes `key` and its index entries (unknown keys are ignored); `rv` is recorded
    /// as the store's resource version when given.
    pub fn delete(&self, key: &str, rv: Option<&str>) {
        self.inner.write().remove(key, rv);
    }

    /// The object under `key`.
    pub fn get(&self, key: &str) -> Option<Arc<K>> {
        self.inner.read().items.get(key).cloned()
    }

    /// Every object (unordered snapshot).
    pub fn list(&self) -> Vec<Arc<K>> {
        self.inner.read().items.values().cloned().collect()
    }

    /// Every key (unordered snapshot).
    pub fn list_keys(&self) -> Vec<String> {
        self.inner.read().items.keys().cloned().collect()
    }

    /// Every `(key, object)` pair (unordered snapshot).
    pub fn entries(&self) -> Vec<(String, Arc<K>)> {
        self.inner
            .read()
            .items
            .iter()
            .map(|(k, v)| (k.clone(), Arc::clone(v)))
            .collect()
    }

    /// The number of objects.
    pub fn len(&self) -> usize {
        self.inner.read().items.len()
    }

    /// True when empty.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Swaps in `items`, rebuilds every index from scratch and records `rv`.
    pub fn replace(&self, items: HashMap<String, Arc<K>>, rv: &str) {
        let mut inner = self.inner.write();
        inner.items = items;
        rv.clone_into(&mut inner.resource_version);
        inner.rebuild_indices();
    }

    /// Applies every operation under one write lock; the recorded resource version is
    /// that of the last object.
    pub fn transaction(&self, ops: Vec<(String, StoreOp<K>)>) {
        let mut inner = self.inner.write();
        for (key, op) in ops {
            match op {
                StoreOp::Add(o) | StoreOp::Update(o) => inner.put(key, o),
                StoreOp::Delete(d) => {
                    let rv = d
                        .object()
                        .and_then(|o| o.object_resource_version().map(str::to_owned));
                    inner.remove(&key, rv.as_deref());
                }
            }
        }
    }

    /// The objects sharing any index value with `obj` in index `index`.
    pub fn index(&self, index: &str, obj: &K) -> Result<Vec<Arc<K>>> {
        let inner = self.inner.read();
        let values = inner
            .indexers
            .get(index)
            .map(|f| f(obj))
            .ok_or_else(|| Error::IndexNotFound(index.to_owned()))?;
        let keys = inner.keys_for(index, &values)?;
        Ok(keys
            .iter()
            .filter_map(|k| inner.items.get(k).cloned())
            .collect())
    }

    /// The objects whose index `index` contains `value`.
    pub fn by_index(&self, index: &str, value: &str) -> Result<Vec<Arc<K>>> {
        let inner = self.inner.read();
        let keys = inner.keys_for(index, &[value.to_owned()])?;
        Ok(keys
            .iter()
            .filter_map(|k| inner.items.get(k).cloned())
            .collect())
    }

    /// The keys (sorted) whose index `index` contains `value`.
    pub fn index_keys(&self, index: &str, value: &str) -> Result<Vec<String>> {
        let inner = self.inner.read();
        let keys: BTreeSet<String> = inner
            .keys_for(index, &[value.to_owned()])?
            .into_iter()
            .collect();
        Ok(keys.into_iter().collect())
    }

    /// Every value of index `index` that has objects (empty if the index is unknown).
    pub fn list_index_func_values(&self, index: &str) -> Vec<String> {
        self.inner
            .read()
            .indices
            .get(index)
            .map(|idx| idx.keys().cloned().collect())
            .unwrap_or_default()
    }

    /// The index functions.
    pub fn get_indexers(&self) -> Indexers<K> {
        self.inner.read().indexers.clone()
    }

    /// Adds index functions and applies them to every stored object at once. Error if a
    /// name already exists (then nothing is added).
    pub fn add_indexers(&self, new: Indexers<K>) -> Result<()> {
        let mut inner = self.inner.write();
        let mut conflicts: Vec<String> = new
            .keys()
            .filter(|n| inner.indexers.contains_key(*n))
            .cloned()
            .collect();
        if !conflicts.is_empty() {
            conflicts.sort();
            return Err(Error::IndexerConflict(conflicts));
        }
        let items: Vec<(String, Arc<K>)> = inner
            .items
            .iter()
            .map(|(k, v)| (k.clone(), Arc::clone(v)))
            .collect();
        for (name, f) in new {
            let index = inner.indices.entry(name.clone()).or_default();
            for (key, obj) in &items {
                for v in f(obj) {
                    index.entry(v).or_default().insert(key.clone());
                }
            }
            inner.indexers.insert(name, f);
        }
        Ok(())
    }

    /// Records `rv` as the store's resource version (a watch bookmark).
    pub fn bookmark(&self, rv: &str) {
        rv.clone_into(&mut self.inner.write().resource_version);
    }

    /// The resource version of the last change, list or bookmark applied.
    pub fn last_store_sync_resource_version(&self) -> String {
        self.inner.read().resource_version.clone()
    }
}

/// A keyed, indexed store of `Arc<K>` (client-go's `Store` and `Indexer` in one type):
/// keys come from a key function (default [`meta_namespace_key`]). Cheap to clone (a
/// handle); informers hand out clones of theirs.
pub struct Store<K> {
    key_func: KeyFunc<K>,
    items: ThreadSafeStore<K>,
}

impl<K> Clone for Store<K> {
    fn clone(&self) -> Self {
        Self {
            key_func: Arc::clone(&self.key_func),
            items: self.items.clone(),
        }
    }
}

impl<K> std::fmt::Debug for Store<K> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Store").finish_non_exhaustive()
    }
}

/// client-go's name for an indexed store.
pub type Indexer<K> = Store<K>;

impl<K: CacheObject> Default for Store<K> {
    fn default() -> Self {
        Self::new()
    }
}

impl<K: CacheObject> Store<K> {
    /// An empty store keyed by [`meta_namespace_key`], without indices.
    pub fn new() -> Self {
        Self::with_key_func_and_indexers(Arc::new(|o: &K| meta_namespace_key(o)), Indexers::new())
    }

    /// An empty store keyed by [`meta_namespace_key`] with `indexers`.
    pub fn with_indexers(indexers: Indexers<K>) -> Self {
        Self::with_key_func_and_indexers(Arc::new(|o: &K| meta_namespace_key(o)), indexers)
    }

    /// An empty store with a custom key function and `indexers`.
    pub fn with_key_func_and_indexers(key_func: KeyFunc<K>, indexers: Indexers<K>) -> Self {
        Self {
            key_func,
            items: ThreadSafeStore::new(indexers),
        }
    }

    /// The key of `obj`.
    pub fn key_of(&self, obj: &K) -> Result<String> {
        (self.key_func)(obj)
    }

    /// The key function.
    pub fn key_func(&self) -> KeyFunc<K> {
        Arc::clone(&self.key_func)
    }

    /// The thread-safe store underneath.
    pub fn thread_safe_store(&self) -> &ThreadSafeStore<K> {
        &self.items
    }

    /// Adds (or replaces) `obj`.
    pub fn add(&self, obj: Arc<K>) -> Result<()> {
        let key = self.key_of(&obj)?;
        self.items.add(key, obj);
        Ok(())
    }

    /// Same as [`add`](Self::add).
    pub fn update(&self, obj: Arc<K>) -> Result<()> {
        self.add(obj)
    }

    /// Removes `obj` (by key); unknown objects are ignored.
    pub fn delete(&self, obj: &K) -> Result<()> {
        let key = self.key_of(obj)?;
        self.items.delete(&key, obj.object_resource_version());
        Ok(())
    }

    /// Removes the object of a delete notification (object or tombstone).
    pub fn delete_object(&self, obj: &DeletedObject<K>) -> Result<()> {
        let key = match obj {
            DeletedObject::Object(o) => self.key_of(o)?,
            DeletedObject::FinalStateUnknown(t) => t.key.clone(),
        };
        let rv = obj.object().and_then(|o| o.object_resource_version());
        self.items.delete(&key, rv);
        Ok(())
    }

    /// Removes `key`.
    pub fn delete_by_key(&self, key: &str) {
        self.items.delete(key, None);
    }

    /// The stored object with `obj`'s key.
    pub fn get(&self, obj: &K) -> Result<Option<Arc<K>>> {
        Ok(self.items.get(&self.key_of(obj)?))
    }

    /// The object under `key`.
    pub fn get_by_key(&self, key: &str) -> Option<Arc<K>> {
        self.items.get(key)
    }

    /// Every object (unordered).
    pub fn list(&self) -> Vec<Arc<K>> {
        self.items.list()
    }

    /// Every key (unordered).
    pub fn list_keys(&self) -> Vec<String> {
        self.items.list_keys()
    }

    /// The number of objects.
    pub fn len(&self) -> usize {
        self.items.len()
    }

    /// True when empty.
    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    /// Replaces the whole content with `list` (rebuilding the indices) and records `rv`.
    /// Objects without a key are skipped and reported in the error after the rest was
    /// stored.
    pub fn replace(&self, list: Vec<Arc<K>>, rv: &str) -> Result<()> {
        let mut items = HashMap::with_capacity(list.len());
        let mut first_error = None;
        for obj in list {
            match self.key_of(&obj) {
                Ok(key) => {
                    items.insert(key, obj);
                }
                Err(e) => {
                    first_error.get_or_insert(e);
                }
            }
        }
        self.items.replace(items, rv);
        first_error.map_or(Ok(()), Err)
    }

    /// A no-op (stores have nothing to resync); here for the [`ReflectorStore`]
    /// contract.
    ///
    /// [`ReflectorStore`]: crate::ReflectorStore
    pub fn resync(&self) -> Result<()> {
        Ok(())
    }

    /// Records a bookmark's resource version.
    pub fn bookmark(&self, rv: &str) {
        self.items.bookmark(rv);
    }

    /// The resource version of the last change, list or bookmark applied.
    pub fn last_store_sync_resource_version(&self) -> String {
        self.items.last_store_sync_resource_version()
    }

    /// Applies operations atomically; items whose key cannot be computed are skipped
    /// and reported (the others are applied).
    pub fn transaction(&self, ops: Vec<StoreOp<K>>) -> Result<()> {
        let total = ops.len();
        let mut keyed = Vec::with_capacity(total);
        let mut errors = Vec::new();
        for op in ops {
            let key = match &op {
                StoreOp::Add(o) | StoreOp::Update(o) => self.key_of(o),
                StoreOp::Delete(DeletedObject::Object(o)) => self.key_of(o),
                StoreOp::Delete(DeletedObject::FinalStateUnknown(t)) => Ok(t.key.clone()),
            };
            match key {
                Ok(k) => keyed.push((k, op)),
                Err(e) => errors.push(e.to_string()),
            }
        }
        let done = keyed.len();
        self.items.transaction(keyed);
        if errors.is_empty() {
            Ok(())
        } else {
            Err(Error::Process(format!(
                "failed to execute ({}/{total}) transactions: {}",
                total - done,
                errors.join("; ")
            )))
        }
    }

    /// The objects sharing an index value with `obj` in index `index`.
    pub fn index(&self, index: &str, obj: &K) -> Result<Vec<Arc<K>>> {
        self.items.index(index, obj)
    }

    /// The objects whose index `index` contains `value`.
    pub fn by_index(&self, index: &str, value: &str) -> Result<Vec<Arc<K>>> {
        self.items.by_index(index, value)
    }

    /// The keys (sorted) whose index `index` contains `value`.
    pub fn index_keys(&self, index: &str, value: &str) -> Result<Vec<String>> {
        self.items.index_keys(index, value)
    }

    /// Every value of index `index` that has objects.
    pub fn list_index_func_values(&self, index: &str) -> Vec<String> {
        self.items.list_index_func_values(index)
    }

    /// The index functions.
    pub fn get_indexers(&self) -> Indexers<K> {
        self.items.get_indexers()
    }

    /// Adds index functions, applied at once to the stored objects.
    pub fn add_indexers(&self, new: Indexers<K>) -> Result<()> {
        self.items.add_indexers(new)
    }

    /// Adds one index function.
    pub fn add_index(&self, name: &str, f: IndexFunc<K>) -> Result<()> {
        self.add_indexers(HashMap::from([(name.to_owned(), f)]))
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use crate::index::{NAMESPACE_INDEX, namespace_indexers};
    use crate::keys::DeletedFinalStateUnknown;
    use clientgo_apimachinery::meta::ObjectMeta;

    fn obj(ns: &str, name: &str, rv: &str, labels: &[(&str, &str)]) -> Arc<ObjectMeta> {
        let mut m = ObjectMeta::named(name);
        m.namespace = Some(ns).filter(|n| !n.is_empty()).map(Into::into);
        m.resource_version = Some(rv.into());
        m.labels = labels
            .iter()
            .map(|(k, v)| (*k, clientgo_apimachinery::Str::from(*v)))
            .collect();
        Arc::new(m)
    }

    fn by_label(name: &'static str) -> IndexFunc<ObjectMeta> {
        Arc::new(move |o: &ObjectMeta| {
            o.labels
                .get(name)
                .map(|v| v.split(',').map(str::to_owned).collect())
                .unwrap_or_default()
        })
    }

    #[test]
    fn basic_add_update_delete_get_list() {
        let s = Store::<ObjectMeta>::new();
        s.add(obj("ns", "a", "1", &[])).unwrap();
        s.add(obj("ns", "b", "2", &[])).unwrap();
        s.update(obj("ns", "a", "3", &[])).unwrap();
        assert_eq!(s.len(), 2);
        assert_eq!(
            s.get_by_key("ns/a").unwrap().resource_version.as_deref(),
            Some("3")
        );
        assert_eq!(s.last_store_sync_resource_version(), "3");
        s.delete(&obj("ns", "a", "4", &[])).unwrap();
        assert!(s.get_by_key("ns/a").is_none());
        assert_eq!(s.last_store_sync_resource_version(), "4");
        s.delete(&obj("ns", "zzz", "5", &[])).unwrap(); // unknown: no-op
        let mut keys = s.list_keys();
        keys.sort();
        assert_eq!(keys, ["ns/b"]);
        assert!(s.get(&obj("ns", "b", "", &[])).unwrap().is_some());
        s.bookmark("9");
        assert_eq!(s.last_store_sync_resource_version(), "9");
        assert!(s.add(Arc::new(ObjectMeta::default())).is_err());
    }

    #[test]
    fn empty_index_sets_are_removed_and_multi_values_work() {
        let s = Store::with_indexers(HashMap::from([("by".to_owned(), by_label("users"))]));
        s.add(obj("", "a", "1", &[("users", "ernie,bert")]))
            .unwrap();
        s.add(obj("", "b", "1", &[("users", "bert")])).unwrap();
        assert_eq!(s.index_keys("by", "bert").unwrap(), ["a", "b"]);
        let mut values = s.list_index_func_values("by");
        values.sort();
        assert_eq!(values, ["bert", "ernie"]);
        s.update(obj("", "a", "2", &[("users", "oscar")])).unwrap();
        let mut values = s.list_index_func_values("by");
        values.sort();
        assert_eq!(values, ["bert", "oscar"], "ernie's empty set is gone");
        s.delete_by_key("b");
        assert_eq!(s.list_index_func_values("by"), ["oscar"]);
        let matches = s
            .index("by", &obj("", "q", "1", &[("users", "oscar,bert")]))
            .unwrap();
        assert_eq!(matches.len(), 1);
        assert_eq!(
            s.by_index("nope", "x").unwrap_err().to_string(),
            "Index with name nope does not exist"
        );
    }

    #[test]
    fn replace_rebuilds_indices_and_records_rv() {
        let s = Store::with_indexers(namespace_indexers());
        s.add(obj("a", "x", "1", &[])).unwrap();
        s.replace(vec![obj("b", "y", "5", &[]), obj("b", "z", "6", &[])], "10")
            .unwrap();
        assert!(s.by_index(NAMESPACE_INDEX, "a").unwrap().is_empty());
        assert_eq!(s.index_keys(NAMESPACE_INDEX, "b").unwrap(), ["b/y", "b/z"]);
        assert_eq!(s.last_store_sync_resource_version(), "10");
    }

    #[test]
    fn add_indexers_applies_to_existing_objects_and_rejects_conflicts() {
        let s = Store::with_indexers(namespace_indexers());
        s.add(obj("a", "x", "1", &[("team", "red")])).unwrap();
        s.add_index("team", by_label("team")).unwrap();
        assert_eq!(s.index_keys("team", "red").unwrap(), ["a/x"]);
        let err = s.add_index(NAMESPACE_INDEX, by_label("x")).unwrap_err();
        assert_eq!(err.to_string(), "indexer conflict: [\"namespace\"]");
        assert_eq!(s.get_indexers().len(), 2);
    }

    #[test]
    fn transactions_apply_everything_and_report_key_errors() {
        let s = Store::<ObjectMeta>::with_indexers(namespace_indexers());
        s.add(obj("a", "gone", "1", &[])).unwrap();
        let err = s
            .transaction(vec![
                StoreOp::Add(obj("a", "x", "2", &[])),
                StoreOp::Add(Arc::new(ObjectMeta::default())),
                StoreOp::Delete(DeletedObject::FinalStateUnknown(DeletedFinalStateUnknown {
                    key: "a/gone".into(),
                    obj: Some(obj("a", "gone", "3", &[])),
                })),
            ])
            .unwrap_err();
        assert!(
            err.to_string()
                .contains("failed to execute (1/3) transactions")
        );
        assert_eq!(s.list_keys(), ["a/x"]);
        assert_eq!(s.last_store_sync_resource_version(), "3");
    }
}
