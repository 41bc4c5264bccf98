//! client-go's `tools/cache` for Rust: keep an indexed, in-memory copy of API objects in
//! sync with the server and fan out notifications to handlers.
//!
//! * [`Store`] / [`ThreadSafeStore`]: objects stored once as `Arc<K>` under
//!   `namespace/name` keys, with secondary indices ([`Indexers`], the
//!   [`NAMESPACE_INDEX`]).
//! * [`ListerWatcher`]: list and watch, over [`ResourceRequests`](clientgo_rest::ResourceRequests)
//!   ([`ListWatch`]) or closures ([`FnListWatch`]); [`ListPager`] for paged lists.
//! * [`Reflector`]: LIST (or a streaming list) then WATCH into a [`ReflectorStore`],
//!   relisting on `410 Expired`, with client-go's backoff and resource-version rules.
//! * Queues: [`RealFifo`] (the ordered log informers use) and [`DeltaFifo`].
//! * [`SharedIndexInformer`]: one reflector, one indexed store, any number of
//!   [`ResourceEventHandler`]s, each with its own unbounded buffer and task.
//! * [`watch_tools`]: [`RetryWatcher`](watch_tools::RetryWatcher) and
//!   [`until_with_sync`](watch_tools::until_with_sync), and
//!   [`await_condition`](watch_tools::await_condition) for one object.
//!
//! Objects are any [`CacheObject`] (every type with `Metadata`). Everything runs on
//! Tokio and stops on a [`CancellationToken`].
//!
//! ```
//! use std::sync::Arc;
//! use clientgo_apimachinery::meta::{ListMeta, ObjectMeta, PartialObjectMetadata};
//! use clientgo_apimachinery::ObjectList;
//! use clientgo_cache::{FnListWatch, InformerOptions, ResourceEventHandlerFuncs, SharedIndexInformer, CancellationToken};
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), clientgo_cache::Error> {
//! // A lister-watcher serving one object and a watch that never sends anything.
//! let lw = FnListWatch::new(
//!     |_| async {
//!         let mut cm = PartialObjectMetadata::default();
//!         cm.metadata = ObjectMeta::named("settings");
//!         cm.metadata.namespace = Some("default".into());
//!         Ok(ObjectList {
//!             metadata: ListMeta { resource_version: Some("1".into()), ..ListMeta::default() },
//!             items: vec![cm],
//!             ..ObjectList::default()
//!         })
//!     },
//!     |_| async { Ok(Box::pin(futures_util::stream::pending()) as clientgo_rest::WatchStream<_>) },
//! );
//! let informer = SharedIndexInformer::new(Arc::new(lw), InformerOptions::default());
//! let (tx, mut added) = tokio::sync::mpsc::unbounded_channel();
//! let registration = informer.add_event_handler(
//!     ResourceEventHandlerFuncs::<PartialObjectMetadata>::new().on_add(move |obj, _initial| {
//!         let _ = tx.send(obj.metadata.name.clone());
//!     }),
//! )?;
//! let cancel = CancellationToken::new();
//! let running = tokio::spawn({
//!     let (informer, cancel) = (informer.clone(), cancel.clone());
//!     async move { informer.run(cancel).await }
//! });
//! assert_eq!(added.recv().await.flatten().as_deref(), Some("settings"));
//! assert!(clientgo_cache::wait_for_cache_sync(&cancel, &[&|| registration.has_synced()]).await);
//! assert_eq!(informer.get_store().list_keys(), ["default/settings"]);
//! cancel.cancel();
//! running.await.expect("informer task");
//! # Ok(()) }
//! ```

mod delta;
mod delta_fifo;
mod error;
mod index;
pub mod informer;
mod keys;
mod listwatch;
mod object;
mod pager;
mod real_fifo;
pub mod reflector;
mod store;
pub mod watch_tools;

#[cfg(test)]
mod testing;

pub use delta::{Delta, DeltaType};
pub use delta_fifo::{DeltaFifo, DeltaFifoOptions, Deltas};

pub use error::{Error, Result};
pub use index::{
    IndexFunc, Indexers, NAMESPACE_INDEX, index_func_to_key_func, meta_namespace_index_func,
    namespace_indexers,
};
pub use informer::{
    HandlerPanicPolicy, InformerOptions, ResourceEventHandler, ResourceEventHandlerFuncs,
    ResourceEventHandlerRegistration, SharedIndexInformer, wait_for_cache_sync,
};
pub use keys::{
    DeletedFinalStateUnknown, DeletedObject, KeyFunc, ObjectName, meta_namespace_key,
    split_meta_namespace_key,
};
pub use listwatch::{BoxFuture, FnListWatch, ListWatch, ListerWatcher, TweakListOptions};
pub use object::CacheObject;
pub use pager::{DEFAULT_PAGE_SIZE, EachItemError, ListPager};
pub use real_fifo::{FifoItem, MAX_BATCH_SIZE, RealFifo};
pub use reflector::{
    BackoffConfig, Reflector, ReflectorOptions, ReflectorStore, TransformFunc, WatchErrorHandler,
};
pub use store::{Indexer, Store, StoreOp, ThreadSafeStore};
pub use tokio_util::sync::CancellationToken;
