//! [`SharedInformerFactory`]: one shared informer per typed resource.

use std::any::{TypeId, type_name};
use std::collections::HashMap;
use std::fmt;
use std::sync::{Arc, OnceLock};
use std::time::Duration;

use clientgo_apimachinery::meta::ListOptions;
use clientgo_apimachinery::resource::verb;
use clientgo_apimachinery::{GroupVersionResource, Metadata, Resource};
use clientgo_cache::{
    CacheObject, CancellationToken, InformerOptions, ListWatch, SharedIndexInformer,
};
use clientgo_dynamic::DynamicClient;
use clientgo_kubernetes::Clientset;
use serde::de::DeserializeOwned;

use crate::dynamic::DynamicSharedInformerFactory;
use crate::dynamic_object::DynamicObject;
use crate::options::CommonOptions;
use crate::registry::{Registry, SyncResult};
use crate::resource_factory::GenericInformer;
use crate::typed::TypedInformer;

#[derive(Clone, Default)]
struct Options {
    common: CommonOptions,
    custom_resync: HashMap<TypeId, Duration>,
    name: Option<String>,
}

/// client-go's `SharedInformerFactory`: hands out **one informer per object type**,
/// shared by every caller, and starts, syncs and stops them together.
///
/// * Accessors per group-version (`factory.core_v1().pods()`, features `core`, `apps`,
///   ...) or [`typed::<K>()`](Self::typed) for any listable and watchable type, and
///   [`informer_for`](Self::informer_for) for a custom constructor.
/// * Informers are created on request, with the factory's namespace, list-options
///   tweak, resync period (default or per type) and transform, and the `namespace`
///   index.
/// * [`start`](Self::start) starts every informer created so far that is not running.
///   **An informer requested after `start` stays stopped until `start` is called
///   again**: request every informer first, then start (the classic "WaitForCacheSync
///   hangs" bug, kubernetes#92777, is a `start` that came too early).
/// * [`wait_for_cache_sync`](Self::wait_for_cache_sync) waits for the started ones;
///   [`shutdown`](Self::shutdown) waits for their tasks once their token is cancelled.
///
/// Options (`with_*`) are meant to be set right after [`new`](Self::new), before the
/// first informer is requested; clones share the informers.
///
/// ```no_run
/// # async fn f(clientset: clientgo_kubernetes::Clientset) {
/// use std::time::Duration;
/// use clientgo_api::core::v1::ConfigMap;
/// use clientgo_apimachinery::labels::Selector;
/// use clientgo_cache::CancellationToken;
/// use clientgo_informers::SharedInformerFactory;
///
/// let factory = SharedInformerFactory::new(clientset, Duration::ZERO)
///     .with_namespace("default")
///     .with_tweak_list_options(|o| o.label_selector = Some("app=web".into()));
/// let config_maps = factory.typed::<ConfigMap>(); // or factory.core_v1().config_maps()
/// let cancel = CancellationToken::new();
/// factory.start(&cancel);
/// assert!(factory.wait_for_cache_sync(&cancel).await.all_synced());
/// for cm in config_maps.lister().namespace("default").list(&Selector::everything()) {
///     println!("{:?}", cm.metadata.name);
/// }
/// cancel.cancel();
/// factory.shutdown().await;
/// # }
/// ```
#[derive(Clone)]
pub struct SharedInformerFactory {
    clientset: Clientset,
    default_resync: Duration,
    options: Arc<Options>,
    registry: Arc<Registry<TypeId>>,
    /// Informers handed out by [`for_resource`](Self::for_resource), created on first use.
    generic: Arc<OnceLock<DynamicSharedInformerFactory>>,
}

impl fmt::Debug for SharedInformerFactory {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SharedInformerFactory")
            .field("namespace", &self.options.common.namespace)
            .field("default_resync", &self.default_resync)
            .field("name", &self.options.name)
            .field("informers", &self.registry.len())
            .finish_non_exhaustive()
    }
}

impl SharedInformerFactory {
    /// A factory over `clientset` whose informers resync every `default_resync`
    /// (zero: never), across all namespaces.
    pub fn new(clientset: Clientset, default_resync: Duration) -> Self {
        Self {
            clientset,
            default_resync,
            options: Arc::new(Options::default()),
            registry: Arc::new(Registry::default()),
            generic: Arc::new(OnceLock::new()),
        }
    }

    fn set(mut self, change: impl FnOnce(&mut Options)) -> Self {
        change(Arc::make_mut(&mut self.options));
        self
    }

    /// Limits every informer to one namespace (`""`: all namespaces, the default).
    /// Cluster-scoped resources are not affected.
    #[must_use]
    pub fn with_namespace(self, namespace: impl Into<String>) -> Self {
        let namespace = namespace.into();
        self.set(|o| o.common.namespace = namespace)
    }

    /// Changes the options of every list **and** watch of every informer (e.g. a label
    /// or field selector).
    #[must_use]
    pub fn with_tweak_list_options(
        self,
        tweak: impl Fn(&mut ListOptions) + Send + Sync + 'static,
    ) -> Self {
        self.set(|o| o.common.tweak = Some(Arc::new(tweak)))
    }

    /// Resyncs the informer of object type `K` every `period` instead of the default.
    #[must_use]
    pub fn with_custom_resync<K: 'static>(self, period: Duration) -> Self {
        self.set(|o| {
            o.custom_resync.insert(TypeId::of::<K>(), period);
        })
    }

    /// Resync periods by object type (`TypeId::of::<K>()`), client-go's
    /// `WithCustomResyncConfig`; added to those already set.
    #[must_use]
    pub fn with_custom_resync_config(self, periods: HashMap<TypeId, Duration>) -> Self {
        self.set(|o| o.custom_resync.extend(periods))
    }

    /// Applies `transform` to every object of every informer before it is stored and
    /// handed to handlers (e.g. `|m| { m.metadata_mut().managed_fields.clear(); Ok(()) }`).
    /// An error drops the object, as client-go does.
    #[must_use]
    pub fn with_transform(
        self,
        transform: impl Fn(&mut dyn Metadata) -> Result<(), String> + Send + Sync + 'static,
    ) -> Self {
        self.set(|o| o.common.transform = Some(Arc::new(transform)))
    }

    /// Names the factory's informers (client-go's `WithInformerName`, their identity in
    /// logs).
    #[must_use]
    pub fn with_informer_name(self, name: impl Into<String>) -> Self {
        let name = name.into();
        self.set(|o| o.name = Some(name))
    }

    /// The clientset informers list and watch through.
    pub fn clientset(&self) -> &Clientset {
        &self.clientset
    }

    /// The namespace informers are limited to (`""`: all).
    pub fn namespace(&self) -> &str {
        &self.options.common.namespace
    }

    /// The resync period the informer of `K` gets: its custom one, else the default.
    pub fn resync_period_of<K: 'static>(&self) -> Duration {
        self.options
            .custom_resync
            .get(&TypeId::of::<K>())
            .copied()
            .unwrap_or(self.default_resync)
    }

    /// The informer of `K`, created on first request (then shared): lists and watches
    /// `K` through the clientset in the factory's namespace.
    pub fn typed<K>(&self) -> TypedInformer<K>
    where
        K: Resource + Metadata + DeserializeOwned + Send + Sync + 'static,
        K: verb::List + verb::Watch,
    {
        let informer = self.informer_for::<K>(|factory| {
            let client = factory
                .clientset
                .namespaced::<K>(&factory.options.common.namespace);
            let lw = ListWatch::new(client.requests().clone())
                .with_tweak(factory.options.common.tweak_fn());
            SharedIndexInformer::new(Arc::new(lw), factory.informer_options::<K>())
        });
        TypedInformer::new(informer)
    }

    /// The informer of `K`, created by `new_informer` on first request (client-go's
    /// `InformerFor`): the map key is the type, so later callers get this informer
    /// whatever constructor they pass. The factory's transform is installed on the
    /// new informer. [`informer_options`](Self::informer_options) gives the factory's
    /// settings for it.
    pub fn informer_for<K>(
        &self,
        new_informer: impl FnOnce(&Self) -> SharedIndexInformer<K>,
    ) -> SharedIndexInformer<K>
    where
        K: CacheObject + DeserializeOwned + Metadata,
    {
        self.registry.get_or_create(
            &TypeId::of::<K>(),
            || self.describe::<K>(),
            || {
                let informer = new_informer(self);
                self.options.common.install_transform(&informer);
                informer
            },
        )
    }

    /// The informer settings of the factory for `K`: its resync period, the
    /// `namespace` index and a description naming the type.
    pub fn informer_options<K: CacheObject + 'static>(&self) -> InformerOptions<K> {
        InformerOptions {
            resync_period: self.resync_period_of::<K>(),
            object_description: self.describe::<K>(),
            ..InformerOptions::default()
        }
    }

    fn describe<K>(&self) -> String {
        match &self.options.name {
            Some(name) => format!("{name}/{}", type_name::<K>()),
            None => type_name::<K>().to_owned(),
        }
    }

    /// Starts every informer created so far and not yet started, each on its own Tokio
    /// task, running until `cancel` fires. Call it again for informers requested later.
    /// Does nothing after [`shutdown`](Self::shutdown).
    pub fn start(&self, cancel: &CancellationToken) {
        self.registry.start(cancel);
        if let Some(generic) = self.generic.get() {
            generic.start(cancel);
        }
    }

    /// Waits until every **started** informer has synced its cache, or `cancel` fires;
    /// reports each started informer (keyed by object type).
    /// Informers from [`for_resource`](Self::for_resource) are waited for too, but not
    /// reported: ask their `informer().has_synced()`.
    pub async fn wait_for_cache_sync(&self, cancel: &CancellationToken) -> SyncResult<TypeId> {
        if let Some(generic) = self.generic.get() {
            generic.wait_for_cache_sync(cancel).await;
        }
        self.registry.wait_for_cache_sync(cancel).await
    }

    /// Stops starting informers and waits until every informer task has ended. Cancel
    /// the token given to [`start`](Self::start) first, or this waits forever.
    pub async fn shutdown(&self) {
        self.registry.shutdown().await;
        if let Some(generic) = self.generic.get() {
            generic.shutdown().await;
        }
    }

    /// A generic informer for `resource` (client-go's `ForResource`): objects as
    /// [`DynamicObject`]s, with this factory's namespace and list-options tweak, started,
    /// synced and shut down with the factory's other informers. `None` when no
    /// generated type serves `resource` in this build (its API group's feature is off,
    /// or it is not a built-in resource); use a [`DynamicSharedInformerFactory`] for
    /// custom resources.
    pub fn for_resource(
        &self,
        resource: &GroupVersionResource,
    ) -> Option<GenericInformer<DynamicObject>> {
        if !crate::generated::has_typed_informer(
            &resource.group,
            &resource.version,
            &resource.resource,
        ) {
            return None;
        }
        let generic = self.generic.get_or_init(|| {
            DynamicSharedInformerFactory::with_options(
                DynamicClient::from_rest(self.clientset.rest_client().clone()),
                self.default_resync,
                self.options.common.clone(),
            )
        });
        Some(generic.for_resource(resource))
    }

    /// The number of informers created.
    pub fn informer_count(&self) -> usize {
        self.registry.len()
    }

    /// The number of informers started.
    pub fn started_count(&self) -> usize {
        self.registry.started()
    }
}
