//! [`DynamicSharedInformerFactory`]: informers over [`DynamicObject`] for any resource,
//! through `clientgo-dynamic`.

use std::fmt;
use std::time::Duration;

use clientgo_apimachinery::meta::ListOptions;
use clientgo_apimachinery::{GroupVersionResource, ObjectList};
use clientgo_cache::{BoxFuture, ListerWatcher, TweakListOptions};
use clientgo_dynamic::{DynamicClient, ResourceClient};
use clientgo_rest::WatchStream;
use futures_util::StreamExt;

use crate::DynamicObject;
use crate::options::CommonOptions;
use crate::resource_factory::{GenericInformer, ResourceFactory, resource_factory_methods};

/// Lists and watches one resource as [`DynamicObject`]s through a dynamic
/// [`ResourceClient`] (client-go's `NewFilteredDynamicInformer` list-watch).
#[derive(Clone)]
pub struct DynamicListWatch {
    client: ResourceClient,
    tweak: Option<TweakListOptions>,
}

impl fmt::Debug for DynamicListWatch {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DynamicListWatch")
            .field("client", &self.client)
            .finish_non_exhaustive()
    }
}

impl DynamicListWatch {
    /// Lists and watches through `client`, each request's options changed by `tweak`.
    pub fn new(client: ResourceClient, tweak: Option<TweakListOptions>) -> Self {
        Self { client, tweak }
    }

    fn options(&self, mut options: ListOptions) -> ListOptions {
        if let Some(tweak) = &self.tweak {
            tweak(&mut options);
        }
        options
    }
}

impl ListerWatcher<DynamicObject> for DynamicListWatch {
    fn list(
        &self,
        options: ListOptions,
    ) -> BoxFuture<'_, clientgo_rest::Result<ObjectList<DynamicObject>>> {
        let options = self.options(options);
        Box::pin(async move {
            let list = self.client.list(&options).await?;
            let metadata = list.list_meta().map_err(|e| clientgo_rest::Error::Decode {
                what: "the list metadata".into(),
                detail: e.to_string(),
            })?;
            Ok(ObjectList {
                api_version: list.api_version().map(Into::into),
                kind: list.kind().map(Into::into),
                metadata,
                items: list.items.into_iter().map(DynamicObject).collect(),
            })
        })
    }

    fn watch(
        &self,
        options: ListOptions,
    ) -> BoxFuture<'_, clientgo_rest::Result<WatchStream<DynamicObject>>> {
        let mut options = self.options(options);
        options.watch = false; // the request adds `watch=true` itself
        Box::pin(async move {
            let events = self.client.watch(&options).await?;
            Ok(
                Box::pin(events.map(|event| event.map(|e| e.map(DynamicObject))))
                    as WatchStream<DynamicObject>,
            )
        })
    }
}

/// client-go's `DynamicSharedInformerFactory`: one informer per resource over
/// [`DynamicObject`] (unstructured objects), for any resource the server serves,
/// custom resources included. Same life cycle as
/// [`SharedInformerFactory`](crate::SharedInformerFactory).
///
/// ```no_run
/// # async fn f(client: clientgo_dynamic::DynamicClient) {
/// use std::time::Duration;
/// use clientgo_apimachinery::GroupVersionResource;
/// use clientgo_apimachinery::labels::Selector;
/// use clientgo_cache::CancellationToken;
/// use clientgo_informers::DynamicSharedInformerFactory;
///
/// let factory = DynamicSharedInformerFactory::new(client, Duration::ZERO).with_namespace("default");
/// let secrets = factory.for_resource(&GroupVersionResource::new("", "v1", "secrets"));
/// let cancel = CancellationToken::new();
/// factory.start(&cancel);
/// factory.wait_for_cache_sync(&cancel).await;
/// for secret in secrets.lister().list(&Selector::everything()) {
///     println!("{:?}", secret.name());
/// }
/// cancel.cancel();
/// factory.shutdown().await;
/// # }
/// ```
#[derive(Clone)]
pub struct DynamicSharedInformerFactory {
    client: DynamicClient,
    core: ResourceFactory,
}

impl fmt::Debug for DynamicSharedInformerFactory {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DynamicSharedInformerFactory")
            .field("namespace", &self.core.options.namespace)
            .field("informers", &self.core.len())
            .finish_non_exhaustive()
    }
}

impl DynamicSharedInformerFactory {
    /// A factory over `client` whose informers resync every `default_resync` (zero:
    /// never), across all namespaces.
    pub fn new(client: DynamicClient, default_resync: Duration) -> Self {
        Self::with_options(client, default_resync, CommonOptions::default())
    }

    /// A factory sharing a typed factory's namespace and list-options tweak.
    pub(crate) fn with_options(
        client: DynamicClient,
        default_resync: Duration,
        options: CommonOptions,
    ) -> Self {
        Self {
            client,
            core: ResourceFactory::new(default_resync, options),
        }
    }

    resource_factory_methods!();

    /// The informer of `resource`, created on first request (then shared).
    pub fn for_resource(&self, resource: &GroupVersionResource) -> GenericInformer<DynamicObject> {
        self.core.for_resource(resource, || {
            let mut client = self.client.resource(resource);
            if !self.core.options.namespace.is_empty() {
                client = client.namespace(&self.core.options.namespace);
            }
            DynamicListWatch::new(client, self.core.options.tweak.clone())
        })
    }
}
