//! client-go's `informers` for Rust: shared informer factories.
//!
//! * [`SharedInformerFactory`]: one [`SharedIndexInformer`](clientgo_cache::SharedIndexInformer)
//!   per typed resource, shared by every part of a program that asks for it, with
//!   accessors per group-version (`factory.core_v1().pods()`,
//!   `factory.apps_v1().deployments()`, one Cargo feature per API group) returning a
//!   [`TypedInformer`] (`informer()` and a [`Lister`](clientgo_listers::Lister)).
//! * [`DynamicSharedInformerFactory`]: the same for any resource by
//!   group/version/resource, over unstructured [`DynamicObject`]s.
//! * [`MetadataSharedInformerFactory`]: the same over [`PartialObjectMetadata`]
//!   (metadata only).
//!
//! Every factory follows client-go's life cycle: request informers, [`start`]
//! (each informer on its own Tokio task), [`wait_for_cache_sync`], read through listers
//! or react in handlers, cancel the token, [`shutdown`] (waits for the tasks).
//! **Informers requested after `start` are not running until `start` is called again.**
//!
//! [`PartialObjectMetadata`]: clientgo_apimachinery::meta::PartialObjectMetadata
//! [`start`]: SharedInformerFactory::start
//! [`wait_for_cache_sync`]: SharedInformerFactory::wait_for_cache_sync
//! [`shutdown`]: SharedInformerFactory::shutdown
//!
//! ```no_run
//! use std::time::Duration;
//! use clientgo_apimachinery::labels::Selector;
//! use clientgo_cache::{CancellationToken, ResourceEventHandlerFuncs};
//! use clientgo_informers::SharedInformerFactory;
//! use clientgo_kubernetes::Clientset;
//!
//! # #[cfg(feature = "core")]
//! # async fn f() -> Result<(), Box<dyn std::error::Error>> {
//! let clientset = Clientset::new(&clientgo_clientcmd::default_rest_config()?)?;
//! let factory = SharedInformerFactory::new(clientset, Duration::from_secs(600))
//!     .with_namespace("default");
//! let pods = factory.core_v1().pods();
//! pods.informer().add_event_handler(
//!     ResourceEventHandlerFuncs::new().on_add(|pod: &std::sync::Arc<clientgo_api::core::v1::Pod>, _| {
//!         println!("added {:?}", pod.metadata.name);
//!     }),
//! )?;
//!
//! let cancel = CancellationToken::new();
//! factory.start(&cancel);
//! let synced = factory.wait_for_cache_sync(&cancel).await;
//! assert!(synced.all_synced(), "not synced: {:?}", synced.unsynced());
//! let running = pods.lister().namespace("default").list(&Selector::parse("app=web")?);
//! println!("{} web pods", running.len());
//!
//! cancel.cancel();
//! factory.shutdown().await;
//! # Ok(()) }
//! ```

mod dynamic;
mod dynamic_object;
mod factory;
mod metadata;
mod options;
mod registry;
mod resource_factory;
mod typed;

#[allow(unused_imports)]
mod generated;

#[allow(unused_imports)]
pub use generated::*;

pub use dynamic::{DynamicListWatch, DynamicSharedInformerFactory};
pub use dynamic_object::DynamicObject;
pub use factory::SharedInformerFactory;
pub use metadata::{MetadataListWatch, MetadataSharedInformerFactory};
pub use options::MetadataTransform;
pub use registry::SyncResult;
pub use resource_factory::GenericInformer;
pub use typed::TypedInformer;
