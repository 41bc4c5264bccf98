//! [`MetadataResourceClient`]: the verbs of one resource, answering metadata only.

use clientgo_apimachinery::meta::{
    DeleteOptions, GetOptions, ListOptions, PartialObjectMetadata, PartialObjectMetadataList,
    PatchOptions,
};
use clientgo_apimachinery::patch::{PatchBody, PatchType};
use clientgo_apimachinery::watch::WatchEvent;
use clientgo_dynamic::ResourceClient;
use clientgo_rest::{Error, Result, WatchStream};
use futures_util::StreamExt;

use crate::convert;

/// The verbs of one resource, cluster-wide or in one namespace, answering
/// [`PartialObjectMetadata`].
#[derive(Clone, Debug)]
pub struct MetadataResourceClient {
    objects: ResourceClient,
    lists: ResourceClient,
    plain: ResourceClient,
}

impl MetadataResourceClient {
    pub(crate) fn new(
        objects: ResourceClient,
        lists: ResourceClient,
        plain: ResourceClient,
    ) -> Self {
        Self {
            objects,
            lists,
            plain,
        }
    }

    /// The same resource in `namespace`.
    pub fn namespace(self, namespace: &str) -> Self {
        Self {
            objects: self.objects.namespace(namespace),
            lists: self.lists.namespace(namespace),
            plain: self.plain.namespace(namespace),
        }
    }

    /// The metadata of object `name` (or of its subresource).
    pub async fn get(
        &self,
        name: &str,
        options: &GetOptions,
        subresources: &[&str],
    ) -> Result<PartialObjectMetadata> {
        convert::object(self.objects.get(name, options, subresources).await?)
    }

    /// The metadata of every object `options` selects.
    pub async fn list(&self, options: &ListOptions) -> Result<PartialObjectMetadataList> {
        convert::list(self.lists.list(options).await?)
    }

    /// Watches the objects; every event carries metadata only.
    pub async fn watch(&self, options: &ListOptions) -> Result<WatchStream<PartialObjectMetadata>> {
        let events = self.objects.watch(options).await?;
        Ok(Box::pin(events.map(|event| {
            Ok(match event? {
                WatchEvent::Added(object) => WatchEvent::Added(convert::object(object)?),
                WatchEvent::Modified(object) => WatchEvent::Modified(convert::object(object)?),
                WatchEvent::Deleted(object) => WatchEvent::Deleted(convert::object(object)?),
                WatchEvent::Bookmark(bookmark) => WatchEvent::Bookmark(bookmark),
                WatchEvent::Error(status) => {
                    return Err(Error::Api(Box::new((*status).into())));
                }
            })
        })))
    }

    /// Patches object `name` and returns its metadata; `patch` is bytes, text, a
    /// `serde_json::Value` or a [`Json`](clientgo_apimachinery::patch::Json) value.
    pub async fn patch<P: PatchBody + ?Sized>(
        &self,
        name: &str,
        patch_type: PatchType,
        patch: &P,
        options: &PatchOptions,
    ) -> Result<PartialObjectMetadata> {
        self.patch_subresource(name, "", patch_type, patch, options)
            .await
    }

    /// Patches `subresource` of object `name` (the object itself when empty) and
    /// returns its metadata.
    pub async fn patch_subresource<P: PatchBody + ?Sized>(
        &self,
        name: &str,
        subresource: &str,
        patch_type: PatchType,
        patch: &P,
        options: &PatchOptions,
    ) -> Result<PartialObjectMetadata> {
        convert::object(
            self.objects
                .patch_subresource(name, subresource, patch_type, patch, options)
                .await?,
        )
    }

    /// Deletes object `name` (options sent as a JSON body).
    pub async fn delete(
        &self,
        name: &str,
        options: &DeleteOptions,
        subresources: &[&str],
    ) -> Result<()> {
        self.plain.delete(name, options, subresources).await
    }

    /// Deletes every object `list_options` selects.
    pub async fn delete_collection(
        &self,
        options: &DeleteOptions,
        list_options: &ListOptions,
    ) -> Result<()> {
        self.plain.delete_collection(options, list_options).await
    }
}
