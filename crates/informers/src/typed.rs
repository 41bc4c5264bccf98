//! [`TypedInformer`]: the informer and lister of one typed resource.

use std::fmt;

use clientgo_apimachinery::Resource;
use clientgo_cache::{CacheObject, SharedIndexInformer};
use clientgo_listers::Lister;
use serde::de::DeserializeOwned;

/// The shared informer of resource `K` and a lister over its cache (client-go's
/// generated `XInformer`). Cheap to clone.
pub struct TypedInformer<K> {
    informer: SharedIndexInformer<K>,
}

impl<K> Clone for TypedInformer<K> {
    fn clone(&self) -> Self {
        Self {
            informer: self.informer.clone(),
        }
    }
}

impl<K> fmt::Debug for TypedInformer<K> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TypedInformer")
            .field("type", &std::any::type_name::<K>())
            .finish_non_exhaustive()
    }
}

impl<K> TypedInformer<K> {
    /// Wraps an informer of `K`.
    pub fn new(informer: SharedIndexInformer<K>) -> Self {
        Self { informer }
    }
}

impl<K: Resource + CacheObject + DeserializeOwned> TypedInformer<K> {
    /// The shared informer (add handlers, indexers, check `has_synced`).
    pub fn informer(&self) -> SharedIndexInformer<K> {
        self.informer.clone()
    }

    /// A lister over the informer's cache.
    pub fn lister(&self) -> Lister<K> {
        Lister::new(self.informer.get_indexer())
    }
}
