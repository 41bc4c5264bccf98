//! [`ObjectRef`]: the key of a primary object in the work queue.

use std::fmt;

use clientgo_apimachinery::Metadata;

/// A primary object by namespace (empty for cluster-scoped objects) and name; displays
/// as the informer store's key (`namespace/name`, or `name`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ObjectRef {
    /// The namespace, empty for cluster-scoped objects.
    pub namespace: String,
    /// The name.
    pub name: String,
}

impl ObjectRef {
    /// The object `name` in `namespace` (`""` when cluster-scoped).
    pub fn new(namespace: impl Into<String>, name: impl Into<String>) -> Self {
        Self {
            namespace: namespace.into(),
            name: name.into(),
        }
    }

    /// The reference of `object`.
    pub fn from_object<K: Metadata>(object: &K) -> Self {
        Self::new(
            object.namespace().unwrap_or_default(),
            object.name().unwrap_or_default(),
        )
    }
}

impl fmt::Display for ObjectRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.namespace.is_empty() {
            f.write_str(&self.name)
        } else {
            write!(f, "{}/{}", self.namespace, self.name)
        }
    }
}
