//! [`Client`]: the typed verbs of one resource (client-go's generic `gentype` client).

use std::marker::PhantomData;

use clientgo_apimachinery::meta::{
    ApplyOptions, CreateOptions, DeleteOptions, GetOptions, ListOptions, PatchOptions,
    UpdateOptions,
};
use clientgo_apimachinery::patch::{PatchBody, PatchType};
use clientgo_apimachinery::resource::verb;
use clientgo_apimachinery::{Metadata, ObjectList, Resource};
use clientgo_rest::{Error, ResourceRequests, RestClient, Result, WatchStream};
use serde::Serialize;
use serde::de::DeserializeOwned;

/// The verbs of resource `K` in one namespace (or cluster-wide). Each verb exists only
/// when the API serves it for `K` (the [`verb`] marker traits): `TokenReview` has only
/// `create`, `Event` no `update_status`.
///
/// Obtained from the clientset (`clientset.apps_v1().deployments("ns")`) or built with
/// [`Client::new`] for any type implementing [`Resource`], including custom resources.
pub struct Client<K> {
    requests: ResourceRequests,
    kind: PhantomData<fn() -> K>,
}

impl<K> Clone for Client<K> {
    fn clone(&self) -> Self {
        Self {
            requests: self.requests.clone(),
            kind: PhantomData,
        }
    }
}

impl<K> std::fmt::Debug for Client<K> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Client")
            .field("resource", self.requests.resource())
            .field("namespace", &self.requests.namespace())
            .finish()
    }
}

impl<K: Resource + 'static> Client<K> {
    /// The client of `K` in `namespace` (`""` or a cluster-scoped `K`: no namespace,
    /// which for a namespaced resource means all namespaces). Built-in kinds are read in
    /// protobuf when the REST client prefers it ([`RestClient::prefers_protobuf`]).
    pub fn new(rest: RestClient, namespace: &str) -> Self {
        let namespace = if K::is_namespaced() {
            Some(namespace)
        } else {
            None
        };
        let mut requests = ResourceRequests::new(rest, K::group_version_resource(), namespace);
        if let Some(codec) = K::protobuf() {
            requests = requests.with_protobuf(codec);
        }
        Self {
            requests,
            kind: PhantomData,
        }
    }
}

impl<K> Client<K> {
    /// The namespace this client works in, if any.
    pub fn namespace(&self) -> Option<&str> {
        self.requests.namespace()
    }

    /// The request builder underneath, for expansions and subresources without a
    /// dedicated method.
    pub fn requests(&self) -> &ResourceRequests {
        &self.requests
    }
}

impl<K> Client<K>
where
    K: Resource + Metadata + Serialize + DeserializeOwned + 'static,
{
    /// Reads object `name`.
    pub async fn get(&self, name: &str, options: &GetOptions) -> Result<K>
    where
        K: verb::Get,
    {
        self.requests.get(name, options, &[]).await
    }

    /// Lists the objects; `options.timeout_seconds` also bounds the request.
    pub async fn list(&self, options: &ListOptions) -> Result<ObjectList<K>>
    where
        K: verb::List,
    {
        self.requests.list(options).await
    }

    /// Watches the objects.
    pub async fn watch(&self, options: &ListOptions) -> Result<WatchStream<K>>
    where
        K: verb::Watch + Send + 'static,
    {
        self.requests.watch(options).await
    }

    /// Creates `object`; `apiVersion` and `kind` are sent from `K` when the object
    /// leaves them out (a custom resource's server needs them).
    pub async fn create(&self, object: &K, options: &CreateOptions) -> Result<K>
    where
        K: verb::Create,
    {
        let body = with_type_meta::<K, _>(object)?;
        self.requests.create(None, &body, options, &[]).await
    }

    /// Replaces `object` (named by its metadata); a stale `metadata.resourceVersion`
    /// fails with a conflict ([`ApiStatus::is_conflict`](clientgo_rest::ApiStatus::is_conflict)).
    pub async fn update(&self, object: &K, options: &UpdateOptions) -> Result<K>
    where
        K: verb::Update,
    {
        let name = required_name(object)?;
        let body = with_type_meta::<K, _>(object)?;
        self.requests.update(name, &body, options, &[]).await
    }

    /// Replaces the status of `object` (the `status` subresource).
    pub async fn update_status(&self, object: &K, options: &UpdateOptions) -> Result<K>
    where
        K: verb::Status,
    {
        let name = required_name(object)?;
        let body = with_type_meta::<K, _>(object)?;
        self.requests
            .update(name, &body, options, &["status"])
            .await
    }

    /// Patches object `name` with `patch` of `patch_type` (JSON patch, merge patch,
    /// strategic merge patch or server-side apply). `patch` is bytes or text sent as
    /// they are, a `serde_json::Value`, or any serializable value wrapped in
    /// [`Json`](clientgo_apimachinery::patch::Json).
    pub async fn patch<P: PatchBody + ?Sized>(
        &self,
        name: &str,
        patch_type: PatchType,
        patch: &P,
        options: &PatchOptions,
    ) -> Result<K>
    where
        K: verb::Patch,
    {
        self.patch_subresource(name, "", patch_type, patch, options)
            .await
    }

    /// Patches the status of object `name` (the `status` subresource); `patch` as for
    /// [`patch`](Self::patch).
    pub async fn patch_status<P: PatchBody + ?Sized>(
        &self,
        name: &str,
        patch_type: PatchType,
        patch: &P,
        options: &PatchOptions,
    ) -> Result<K>
    where
        K: verb::Status + verb::Patch,
    {
        self.patch_subresource(name, "status", patch_type, patch, options)
            .await
    }

    /// Patches `subresource` of object `name` (the object itself when empty) and
    /// decodes the answer as `K`, so for subresources that answer with the object
    /// (`status`, a pod's `resize` or `ephemeralcontainers`); `scale` answers with a
    /// `Scale`, patched through the scale client. `patch` as for [`patch`](Self::patch).
    pub async fn patch_subresource<P: PatchBody + ?Sized>(
        &self,
        name: &str,
        subresource: &str,
        patch_type: PatchType,
        patch: &P,
        options: &PatchOptions,
    ) -> Result<K>
    where
        K: verb::Patch,
    {
        self.requests
            .patch_subresource(name, subresource, patch_type, patch, options)
            .await
    }

    /// Server-side apply of `config` as `options.field_manager`: the fields it sets
    /// become owned by that manager, fields it leaves out are left alone.
    ///
    /// `config` is anything that serializes to the object's JSON form with
    /// `metadata.name`: a generated apply configuration (`DeploymentApplyConfiguration`),
    /// a typed object (all of whose set fields are claimed), or a `serde_json::Value`.
    /// `apiVersion` and `kind` are filled in from `K` when it leaves them out.
    pub async fn apply<A>(&self, config: &A, options: &ApplyOptions) -> Result<K>
    where
        K: verb::Patch,
        A: Serialize + ?Sized,
    {
        let body = with_type_meta::<K, _>(config)?;
        let name = apply_name(&body)?;
        self.requests.apply(name, &body, options, &[]).await
    }

    /// Server-side apply of the status in `config` (any value [`apply`](Self::apply)
    /// takes).
    pub async fn apply_status<A>(&self, config: &A, options: &ApplyOptions) -> Result<K>
    where
        K: verb::Status + verb::Patch,
        A: Serialize + ?Sized,
    {
        let body = with_type_meta::<K, _>(config)?;
        let name = apply_name(&body)?;
        self.requests.apply(name, &body, options, &["status"]).await
    }

    /// Deletes object `name` (options in the body: propagation policy, preconditions,
    /// grace period).
    pub async fn delete(&self, name: &str, options: &DeleteOptions) -> Result<()>
    where
        K: verb::Delete,
    {
        self.requests.delete(name, options, &[]).await
    }

    /// Deletes every object `list_options` selects.
    pub async fn delete_collection(
        &self,
        options: &DeleteOptions,
        list_options: &ListOptions,
    ) -> Result<()>
    where
        K: verb::DeleteCollection,
    {
        self.requests.delete_collection(options, list_options).await
    }

    /// Reads the `scale` subresource of object `name`.
    #[cfg(feature = "autoscaling")]
    pub async fn get_scale(
        &self,
        name: &str,
        options: &GetOptions,
    ) -> Result<clientgo_api::autoscaling::v1::Scale>
    where
        K: verb::Scale,
    {
        self.requests.get(name, options, &["scale"]).await
    }

    /// Replaces the `scale` subresource of object `name`.
    #[cfg(feature = "autoscaling")]
    pub async fn update_scale(
        &self,
        name: &str,
        scale: &clientgo_api::autoscaling::v1::Scale,
        options: &UpdateOptions,
    ) -> Result<clientgo_api::autoscaling::v1::Scale>
    where
        K: verb::Scale,
    {
        self.requests.update(name, scale, options, &["scale"]).await
    }
}

/// `metadata.name` of `object`, which the request needs.
pub(crate) fn required_name<K: Metadata>(object: &K) -> Result<&str> {
    object
        .name()
        .filter(|name| !name.is_empty())
        .ok_or_else(|| Error::Request("the object has no metadata.name".into()))
}

/// `metadata.name` of an apply request's body.
fn apply_name(body: &serde_json::Value) -> Result<&str> {
    body.pointer("/metadata/name")
        .and_then(serde_json::Value::as_str)
        .filter(|name| !name.is_empty())
        .ok_or_else(|| Error::Request("an apply configuration must have metadata.name".into()))
}

/// `object` as JSON, with `apiVersion` and `kind` of `K` where it has none (client-go
/// sends the typed object's TypeMeta, which its generated clients set; here a type
/// that leaves them out still reaches a server that needs them, as custom resources'
/// servers do).
pub(crate) fn with_type_meta<K: Resource, B: Serialize + ?Sized>(
    object: &B,
) -> Result<serde_json::Value> {
    let mut value = serde_json::to_value(object)
        .map_err(|e| Error::Request(format!("encoding the object: {e}")))?;
    if let Some(fields) = value.as_object_mut() {
        for (field, filled) in [
            ("apiVersion", K::api_version().into_owned()),
            ("kind", K::KIND.to_owned()),
        ] {
            let slot = fields.entry(field).or_insert(serde_json::Value::Null);
            if slot.is_null() {
                *slot = serde_json::Value::String(filled);
            }
        }
    }
    Ok(value)
}
