//! [`MetadataSharedInformerFactory`]: informers over [`PartialObjectMetadata`] for any
//! resource, through `clientgo-metadata`.

use std::fmt;
use std::time::Duration;

use clientgo_apimachinery::meta::{ListOptions, PartialObjectMetadata};
use clientgo_apimachinery::{GroupVersionResource, ObjectList};
use clientgo_cache::{BoxFuture, ListerWatcher, TweakListOptions};
use clientgo_metadata::{MetadataClient, MetadataResourceClient};
use clientgo_rest::WatchStream;

use crate::options::CommonOptions;
use crate::resource_factory::{GenericInformer, ResourceFactory, resource_factory_methods};

/// Lists and watches the metadata of one resource through a
/// [`MetadataResourceClient`] (client-go's `NewFilteredMetadataInformer` list-watch).
#[derive(Clone)]
pub struct MetadataListWatch {
    client: MetadataResourceClient,
    tweak: Option<TweakListOptions>,
}

impl fmt::Debug for MetadataListWatch {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MetadataListWatch")
            .field("client", &self.client)
            .finish_non_exhaustive()
    }
}

impl MetadataListWatch {
    /// Lists and watches through `client`, each request's options changed by `tweak`.
    pub fn new(client: MetadataResourceClient, tweak: Option<TweakListOptions>) -> Self {
        Self { client, tweak }
    }

    fn options(&self, mut options: ListOptions) -> ListOptions {
        if let Some(tweak) = &self.tweak {
            tweak(&mut options);
        }
        options
    }
}

impl ListerWatcher<PartialObjectMetadata> for MetadataListWatch {
    fn list(
        &self,
        options: ListOptions,
    ) -> BoxFuture<'_, clientgo_rest::Result<ObjectList<PartialObjectMetadata>>> {
        let options = self.options(options);
        Box::pin(async move {
            let list = self.client.list(&options).await?;
            Ok(ObjectList {
                api_version: list.api_version,
                kind: list.kind,
                metadata: list.metadata,
                items: list.items,
            })
        })
    }

    fn watch(
        &self,
        options: ListOptions,
    ) -> BoxFuture<'_, clientgo_rest::Result<WatchStream<PartialObjectMetadata>>> {
        let mut options = self.options(options);
        options.watch = false; // the request adds `watch=true` itself
        Box::pin(async move { self.client.watch(&options).await })
    }
}

/// client-go's `metadatainformer.SharedInformerFactory`: one informer per resource
/// over [`PartialObjectMetadata`] (type and object metadata only, to save memory).
/// Same life cycle as [`SharedInformerFactory`](crate::SharedInformerFactory).
#[derive(Clone)]
pub struct MetadataSharedInformerFactory {
    client: MetadataClient,
    core: ResourceFactory,
}

impl fmt::Debug for MetadataSharedInformerFactory {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MetadataSharedInformerFactory")
            .field("namespace", &self.core.options.namespace)
            .field("informers", &self.core.len())
            .finish_non_exhaustive()
    }
}

impl MetadataSharedInformerFactory {
    /// A factory over `client` whose informers resync every `default_resync` (zero:
    /// never), across all namespaces.
    pub fn new(client: MetadataClient, default_resync: Duration) -> Self {
        Self {
            client,
            core: ResourceFactory::new(default_resync, CommonOptions::default()),
        }
    }

    resource_factory_methods!();

    /// The informer of `resource`, created on first request (then shared).
    pub fn for_resource(
        &self,
        resource: &GroupVersionResource,
    ) -> GenericInformer<PartialObjectMetadata> {
        self.core.for_resource(resource, || {
            let mut client = self.client.resource(resource);
            if !self.core.options.namespace.is_empty() {
                client = client.namespace(&self.core.options.namespace);
            }
            MetadataListWatch::new(client, self.core.options.tweak.clone())
        })
    }
}
