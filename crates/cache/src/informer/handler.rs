//! [`ResourceEventHandler`]: what informers notify.

use std::sync::Arc;

use crate::keys::DeletedObject;

/// Receives an informer's notifications, one at a time, on the handler's own task.
///
/// Handlers should be quick (typically: put a key on a work queue); a slow handler
/// delays only itself, but its buffer grows meanwhile. Every method has an empty
/// default.
pub trait ResourceEventHandler<K>: Send + Sync + 'static {
    /// An object was added; `is_in_initial_list` is true for the objects of the initial
    /// list (and for the synthetic adds a handler registered late receives).
    fn on_add(&self, _obj: &Arc<K>, _is_in_initial_list: bool) {}

    /// An object changed (or, with the same resource version, a periodic resync).
    fn on_update(&self, _old: &Arc<K>, _new: &Arc<K>) {}

    /// An object was deleted; a [`DeletedObject::FinalStateUnknown`] tombstone when the
    /// delete itself was missed.
    fn on_delete(&self, _obj: &DeletedObject<K>) {}
}

type AddFn<K> = Box<dyn Fn(&Arc<K>, bool) + Send + Sync>;
type UpdateFn<K> = Box<dyn Fn(&Arc<K>, &Arc<K>) + Send + Sync>;
type DeleteFn<K> = Box<dyn Fn(&DeletedObject<K>) + Send + Sync>;

/// A handler from optional closures (missing ones ignore the notification).
pub struct ResourceEventHandlerFuncs<K> {
    add: Option<AddFn<K>>,
    update: Option<UpdateFn<K>>,
    delete: Option<DeleteFn<K>>,
}

impl<K> Default for ResourceEventHandlerFuncs<K> {
    fn default() -> Self {
        Self {
            add: None,
            update: None,
            delete: None,
        }
    }
}

impl<K> ResourceEventHandlerFuncs<K> {
    /// A handler ignoring everything.
    pub fn new() -> Self {
        Self::default()
    }

    /// Sets the add callback.
    #[must_use]
    pub fn on_add(mut self, f: impl Fn(&Arc<K>, bool) + Send + Sync + 'static) -> Self {
        self.add = Some(Box::new(f));
        self
    }

    /// Sets the update callback.
    #[must_use]
    pub fn on_update(mut self, f: impl Fn(&Arc<K>, &Arc<K>) + Send + Sync + 'static) -> Self {
        self.update = Some(Box::new(f));
        self
    }

    /// Sets the delete callback.
    #[must_use]
    pub fn on_delete(mut self, f: impl Fn(&DeletedObject<K>) + Send + Sync + 'static) -> Self {
        self.delete = Some(Box::new(f));
        self
    }
}

impl<K: Send + Sync + 'static> ResourceEventHandler<K> for ResourceEventHandlerFuncs<K> {
    fn on_add(&self, obj: &Arc<K>, is_in_initial_list: bool) {
        if let Some(f) = &self.add {
            f(obj, is_in_initial_list);
        }
    }

    fn on_update(&self, old: &Arc<K>, new: &Arc<K>) {
        if let Some(f) = &self.update {
            f(old, new);
        }
    }

    fn on_delete(&self, obj: &DeletedObject<K>) {
        if let Some(f) = &self.delete {
            f(obj);
        }
    }
}
