//! [`ResourceClient`]: the verbs of one resource.

use clientgo_apimachinery::meta::{
    ApplyOptions, CreateOptions, DeleteOptions, GetOptions, ListOptions, PatchOptions, QueryParams,
    UpdateOptions,
};
use clientgo_apimachinery::patch::PatchType;
use clientgo_apimachinery::{GroupVersionResource, Unstructured, UnstructuredList};
use clientgo_rest::{Error, Request, RestClient, Result, WatchStream};

/// The verbs of one resource, cluster-wide or in one namespace, on [`Unstructured`]
/// objects. Subresources (`status`, `scale`, ...) are named per call.
#[derive(Clone, Debug)]
pub struct ResourceClient {
    rest: RestClient,
    resource: GroupVersionResource,
    namespace: Option<String>,
}

impl ResourceClient {
    pub(crate) fn new(rest: RestClient, resource: GroupVersionResource) -> Self {
        Self {
            rest,
            resource,
            namespace: None,
        }
    }

    /// The same resource in `namespace` (for namespaced resources).
    pub fn namespace(mut self, namespace: &str) -> Self {
        self.namespace = Some(namespace.to_string());
        self
    }

    /// A request for this resource (and `name`, `subresources`) with `options`.
    fn request(
        &self,
        request: Request,
        name: Option<&str>,
        subresources: &[&str],
        options: &dyn QueryParams,
    ) -> Request {
        let mut request = request
            .group_version(&self.resource.group, &self.resource.version)
            .namespace_if(self.namespace.as_deref())
            .resource(&self.resource.resource);
        if let Some(name) = name {
            request = request.name(name);
        }
        if !subresources.is_empty() {
            request = request.subresource(subresources);
        }
        request.params(options.query_pairs())
    }

    /// Reads object `name` (or its subresource).
    pub async fn get(
        &self,
        name: &str,
        options: &GetOptions,
        subresources: &[&str],
    ) -> Result<Unstructured> {
        self.request(self.rest.get(), Some(name), subresources, options)
            .into_json()
            .await
    }

    /// Lists the objects.
    pub async fn list(&self, options: &ListOptions) -> Result<UnstructuredList> {
        self.request(self.rest.get(), None, &[], options)
            .into_json()
            .await
    }

    /// Watches the objects (`options.watch` is implied).
    pub async fn watch(&self, options: &ListOptions) -> Result<WatchStream<Unstructured>> {
        self.request(self.rest.get(), None, &[], options)
            .watch()
            .await
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
        self.request(self.rest.post(), name, subresources, options)
            .json(object)
            .into_json()
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
        self.request(self.rest.put(), Some(name), subresources, options)
            .json(object)
            .into_json()
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

    /// Patches object `name` with `patch` of `patch_type`.
    pub async fn patch(
        &self,
        name: &str,
        patch_type: PatchType,
        patch: &[u8],
        options: &PatchOptions,
        subresources: &[&str],
    ) -> Result<Unstructured> {
        let content_type = patch_type.content_type();
        self.request(
            self.rest.patch(content_type),
            Some(name),
            subresources,
            options,
        )
        .body(patch.to_vec(), content_type)
        .into_json()
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
        let body = serde_json::to_vec(object)
            .map_err(|e| Error::Request(format!("encoding the object: {e}")))?;
        self.patch(
            name,
            PatchType::Apply,
            &body,
            &options.to_patch_options(),
            subresources,
        )
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
        self.request(self.rest.delete(), Some(name), subresources, &NoParams)
            .json(options)
            .send()
            .await?
            .into_bytes()
            .map(drop)
    }

    /// Deletes every object `list_options` selects.
    pub async fn delete_collection(
        &self,
        options: &DeleteOptions,
        list_options: &ListOptions,
    ) -> Result<()> {
        self.request(self.rest.delete(), None, &[], list_options)
            .json(options)
            .send()
            .await?
            .into_bytes()
            .map(drop)
    }
}

/// No query parameters (delete options travel in the body).
struct NoParams;

impl QueryParams for NoParams {
    fn query_pairs(&self) -> Vec<(&'static str, String)> {
        Vec::new()
    }
}

fn required_name(object: &Unstructured) -> Result<&str> {
    object
        .name()
        .filter(|name| !name.is_empty())
        .ok_or_else(|| Error::Request("the object has no metadata.name".into()))
}
