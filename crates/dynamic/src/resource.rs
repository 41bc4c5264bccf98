//! [`ResourceClient`]: the verbs of one resource.

use clientgo_apimachinery::meta::{
    ApplyOptions, CreateOptions, DeleteOptions, GetOptions, ListOptions, PatchOptions,
    UpdateOptions,
};
use clientgo_apimachinery::patch::{PatchBody, PatchType};
use clientgo_apimachinery::{GroupVersionResource, Unstructured, UnstructuredList};
use clientgo_rest::{Error, ResourceRequests, RestClient, Result, WatchStream};

/// The verbs of one resource, cluster-wide or in one namespace, on [`Unstructured`]
/// objects. Subresources (`status`, `scale`, ...) are named per call.
#[derive(Clone, Debug)]
pub struct ResourceClient {
    requests: ResourceRequests,
}

impl ResourceClient {
    pub(crate) fn new(rest: RestClient, resource: GroupVersionResource) -> Self {
        Self {
            requests: ResourceRequests::new(rest, resource, None),
        }
    }

    /// The same resource in `namespace` (for namespaced resources).
    pub fn namespace(mut self, namespace: &str) -> Self {
        self.requests = self.requests.in_namespace(namespace);
        self
    }

    /// Reads object `name` (or its subresource).
    pub async fn get(
        &self,
        name: &str,
        options: &GetOptions,
        subresources: &[&str],
    ) -> Result<Unstructured> {
        self.requests.get(name, options, subresources).await
    }

    /// Lists the objects.
    pub async fn list(&self, options: &ListOptions) -> Result<UnstructuredList> {
        self.requests.list(options).await
    }

    /// Watches the objects (`options.watch` is implied).
    pub async fn watch(&self, options: &ListOptions) -> Result<WatchStream<Unstructured>> {
        self.requests.watch(options).await
    }

    /// Creates `object` (or, with subresources, posts it to a subresource of the
    /// object with the same name).
    pub async fn create(
        &self,
        object: &Unstructured,
        options: &CreateOptions,
        subresources: &[&str],
    ) -> Result<Unstructured> {
        let name = if subresources.is_empty() {
            None
        } else {
            Some(required_name(object)?)
        };
        self.requests
            .create(name, object, options, subresources)
            .await
    }

    /// Replaces `object` (its name comes from its metadata); a stale
    /// `metadata.resourceVersion` fails with a conflict.
    pub async fn update(
        &self,
        object: &Unstructured,
        options: &UpdateOptions,
        subresources: &[&str],
    ) -> Result<Unstructured> {
        let name = required_name(object)?;
        self.requests
            .update(name, object, options, subresources)
            .await
    }

    /// Replaces the status of `object`.
    pub async fn update_status(
        &self,
        object: &Unstructured,
        options: &UpdateOptions,
    ) -> Result<Unstructured> {
        self.update(object, options, &["status"]).await
    }

    /// Patches object `name` with `patch` of `patch_type`: bytes or text sent as they
    /// are, a `serde_json::Value`, or a serializable value wrapped in
    /// [`Json`](clientgo_apimachinery::patch::Json).
    pub async fn patch<P: PatchBody + ?Sized>(
        &self,
        name: &str,
        patch_type: PatchType,
        patch: &P,
        options: &PatchOptions,
    ) -> Result<Unstructured> {
        self.patch_subresource(name, "", patch_type, patch, options)
            .await
    }

    /// Patches the status of object `name` (the `status` subresource).
    pub async fn patch_status<P: PatchBody + ?Sized>(
        &self,
        name: &str,
        patch_type: PatchType,
        patch: &P,
        options: &PatchOptions,
    ) -> Result<Unstructured> {
        self.patch_subresource(name, "status", patch_type, patch, options)
            .await
    }

    /// Patches `subresource` of object `name` (the object itself when empty).
    pub async fn patch_subresource<P: PatchBody + ?Sized>(
        &self,
        name: &str,
        subresource: &str,
        patch_type: PatchType,
        patch: &P,
        options: &PatchOptions,
    ) -> Result<Unstructured> {
        self.requests
            .patch_subresource(name, subresource, patch_type, patch, options)
            .await
    }

    /// Server-side apply of `object` (named `name`) as `options.field_manager`: the
    /// fields it sets become owned by that manager; fields it leaves out are not touched.
    pub async fn apply(
        &self,
        name: &str,
        object: &Unstructured,
        options: &ApplyOptions,
        subresources: &[&str],
    ) -> Result<Unstructured> {
        self.requests
            .apply(name, object, options, subresources)
            .await
    }

    /// Server-side apply of the status of `object`.
    pub async fn apply_status(
        &self,
        name: &str,
        object: &Unstructured,
        options: &ApplyOptions,
    ) -> Result<Unstructured> {
        self.apply(name, object, options, &["status"]).await
    }

    /// Deletes object `name`. The server's answer (the object while finalizers run, or a
    /// Status) is not returned.
    pub async fn delete(
        &self,
        name: &str,
        options: &DeleteOptions,
        subresources: &[&str],
    ) -> Result<()> {
        self.requests.delete(name, options, subresources).await
    }

    /// Deletes every object `list_options` selects.
    pub async fn delete_collection(
        &self,
        options: &DeleteOptions,
        list_options: &ListOptions,
    ) -> Result<()> {
        self.requests.delete_collection(options, list_options).await
    }
}

fn required_name(object: &Unstructured) -> Result<&str> {
    object
        .name()
        .filter(|name| !name.is_empty())
        .ok_or_else(|| Error::Request("the object has no metadata.name".into()))
}
