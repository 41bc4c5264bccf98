//! The core of the dynamic and metadata factories: informers keyed by resource
//! (group/version/resource), each over one object type.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use clientgo_apimachinery::GroupVersionResource;
use clientgo_cache::{
    CacheObject, CancellationToken, InformerOptions, ListerWatcher, SharedIndexInformer,
};
use clientgo_listers::Lister;
use serde::de::DeserializeOwned;

use crate::options::CommonOptions;
use crate::registry::{Registry, SyncResult};

/// The shared informer of one resource and a generic lister over its cache (client-go's
/// `GenericInformer` of the dynamic and metadata informer packages). Cheap to clone.
pub struct GenericInformer<K> {
    informer: SharedIndexInformer<K>,
    resource: GroupVersionResource,
}

impl<K> Clone for GenericInformer<K> {
    fn clone(&self) -> Self {
        Self {
            informer: self.informer.clone(),
            resource: self.resource.clone(),
        }
    }
}

impl<K> fmt::Debug for GenericInformer<K> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("GenericInformer")
            .field("resource", &self.resource)
            .finish_non_exhaustive()
    }
}

impl<K: CacheObject + DeserializeOwned> GenericInformer<K> {
    /// The shared informer.
    pub fn informer(&self) -> SharedIndexInformer<K> {
        self.informer.clone()
    }

    /// A lister over the cache; NotFound errors name the resource's group-resource
    /// (e.g. `configmaps "x" not found`), as client-go's dynamic lister does.
    pub fn lister(&self) -> Lister<K> {
        Lister::with_group_resource(self.informer.get_indexer(), self.resource.group_resource())
    }

    /// The resource.
    pub fn resource(&self) -> &GroupVersionResource {
        &self.resource
    }
}

/// Informers by resource for one object type, with the factory options. Clones share
/// the informers.
#[derive(Clone)]
pub(crate) struct ResourceFactory {
    pub(crate) default_resync: Duration,
    pub(crate) options: CommonOptions,
    registry: Arc<Registry<GroupVersionResource>>,
}

impl ResourceFactory {
    pub(crate) fn new(default_resync: Duration, options: CommonOptions) -> Self {
        Self {
            default_resync,
            options,
            registry: Arc::new(Registry::default()),
        }
    }

    /// The informer of `resource`, created from `lw` on first request.
    pub(crate) fn for_resource<K, L>(
        &self,
        resource: &GroupVersionResource,
        lw: impl FnOnce() -> L,
    ) -> GenericInformer<K>
    where
        K: CacheObject + DeserializeOwned,
        L: ListerWatcher<K> + 'static,
    {
        let informer = self.registry.get_or_create(
            resource,
            || resource.to_string(),
            || {
                let options = InformerOptions {
                    resync_period: self.default_resync,
                    object_description: resource.to_string(),
                    ..InformerOptions::default()
                };
                SharedIndexInformer::new(Arc::new(lw()), options)
            },
        );
        GenericInformer {
            informer,
            resource: resource.clone(),
        }
    }

    pub(crate) fn start(&self, cancel: &CancellationToken) {
        self.registry.start(cancel);
    }

    pub(crate) async fn wait_for_cache_sync(
        &self,
        cancel: &CancellationToken,
    ) -> SyncResult<GroupVersionResource> {
        self.registry.wait_for_cache_sync(cancel).await
    }

    pub(crate) async fn shutdown(&self) {
        self.registry.shutdown().await;
    }

    pub(crate) fn len(&self) -> usize {
        self.registry.len()
    }
}

/// The `with_*` options and life cycle methods the dynamic and metadata factories share.
macro_rules! resource_factory_methods {
    () => {
        /// Limits every informer to one namespace (`""`: all namespaces, the default).
        /// Only meaningful for namespaced resources.
        #[must_use]
        pub fn with_namespace(mut self, namespace: impl Into<String>) -> Self {
            self.core.options.namespace = namespace.into();
            self
        }

        /// Changes the options of every list **and** watch of every informer.
        #[must_use]
        pub fn with_tweak_list_options(
            mut self,
            tweak: impl Fn(&mut clientgo_apimachinery::meta::ListOptions) + Send + Sync + 'static,
        ) -> Self {
            self.core.options.tweak = Some(std::sync::Arc::new(tweak));
            self
        }

        /// Starts every informer created so far and not yet started, each on its own
        /// Tokio task, until `cancel` fires. **Informers requested later stay stopped
        /// until `start` is called again.** Does nothing after `shutdown`.
        pub fn start(&self, cancel: &clientgo_cache::CancellationToken) {
            self.core.start(cancel);
        }

        /// Waits until every **started** informer has synced, or `cancel` fires;
        /// reports each started informer by resource.
        pub async fn wait_for_cache_sync(
            &self,
            cancel: &clientgo_cache::CancellationToken,
        ) -> crate::SyncResult<clientgo_apimachinery::GroupVersionResource> {
            self.core.wait_for_cache_sync(cancel).await
        }

        /// Stops starting informers and waits for every informer task to end. Cancel
        /// the token given to `start` first, or this waits forever.
        pub async fn shutdown(&self) {
            self.core.shutdown().await;
        }

        /// The number of informers created.
        pub fn informer_count(&self) -> usize {
            self.core.len()
        }

        /// The namespace informers are limited to (`""`: all).
        pub fn namespace(&self) -> &str {
            &self.core.options.namespace
        }
    };
}

pub(crate) use resource_factory_methods;
