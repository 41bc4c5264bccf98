//! Deltas: the changes queues carry from the reflector to the store and handlers.

use std::sync::Arc;

use crate::keys::DeletedObject;

/// What happened to an object.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DeltaType {
    /// Created (or first seen by a watch).
    Added,
    /// Changed.
    Updated,
    /// Deleted (the object may be a tombstone).
    Deleted,
    /// Part of a relist (the informer decides add vs update from its store).
    Replaced,
    /// A periodic resync of a stored object.
    Sync,
}

/// One change of one object.
#[derive(Debug)]
pub struct Delta<K> {
    /// What happened.
    pub delta_type: DeltaType,
    /// The object (a tombstone only for `Deleted`).
    pub object: DeletedObject<K>,
}

impl<K> Clone for Delta<K> {
    fn clone(&self) -> Self {
        Self {
            delta_type: self.delta_type,
            object: self.object.clone(),
        }
    }
}

impl<K> Delta<K> {
    /// A delta about an object.
    pub fn new(delta_type: DeltaType, object: Arc<K>) -> Self {
        Self {
            delta_type,
            object: DeletedObject::Object(object),
        }
    }
}
