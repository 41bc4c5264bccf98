//! [`CacheObject`]: what the cache needs to know about an object.

use clientgo_apimachinery::Metadata;

/// The few facts stores, queues and informers read from an object: its name,
/// namespace and resource version.
///
/// Every type with [`Metadata`] (all generated API types, `PartialObjectMetadata`) has it
/// through a blanket implementation. Objects without an `ObjectMeta` (a dynamic,
/// unstructured object) can implement it through a local wrapper type, so the whole
/// machinery stays generic.
pub trait CacheObject: Send + Sync + 'static {
    /// `metadata.name`.
    fn object_name(&self) -> Option<&str>;
    /// `metadata.namespace`.
    fn object_namespace(&self) -> Option<&str>;
    /// `metadata.resourceVersion`.
    fn object_resource_version(&self) -> Option<&str>;
    /// `metadata.labels` value of `key`.
    fn object_label(&self, key: &str) -> Option<&str>;
}

impl<T: Metadata + Send + Sync + 'static> CacheObject for T {
    fn object_name(&self) -> Option<&str> {
        self.metadata().name.as_deref()
    }

    fn object_namespace(&self) -> Option<&str> {
        self.metadata().namespace.as_deref()
    }

    fn object_resource_version(&self) -> Option<&str> {
        self.metadata().resource_version.as_deref()
    }

    fn object_label(&self, key: &str) -> Option<&str> {
        self.metadata().labels.get_str(key)
    }
}
