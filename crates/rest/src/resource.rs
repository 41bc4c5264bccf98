//! [`ResourceRequests`]: the verbs of one resource (client-go's generic client), shared
//! by the typed clientset and the dynamic client, generic over the object types.
//!
//! Every request sets the group/version, the namespace when there is one, the resource,
//! then the name and subresources, and carries its options as query parameters; delete
//! options travel in the body, as the API expects.
//!
//! Answers are JSON unless the requests carry the protobuf codec of a kind
//! ([`with_protobuf`](ResourceRequests::with_protobuf), as typed clients do) and the
//! client prefers protobuf: then answers of exactly that kind or its list are asked for
//! and decoded in protobuf; other answer types (a `Scale`, `Unstructured`) stay JSON.

use std::any::Any;
use std::sync::Arc;

use clientgo_apimachinery::GroupVersionResource;
use clientgo_apimachinery::meta::{
    ApplyOptions, CreateOptions, DeleteOptions, GetOptions, ListOptions, PatchOptions, QueryParams,
    UpdateOptions,
};
use clientgo_apimachinery::patch::{PatchBody, PatchType};
use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::{Error, ProtobufDecoder, Request, RestClient, Result, WatchStream};

/// The verbs of one resource, cluster-wide or in one namespace. Objects are any serde
/// types: typed API objects or `Unstructured`.
#[derive(Clone)]
pub struct ResourceRequests {
    rest: RestClient,
    resource: GroupVersionResource,
    namespace: Option<String>,
    protobuf: Option<Arc<ProtobufDecoders>>,
}

/// The protobuf decoders of one kind `K`: a `ProtobufDecoder<K>` and a
/// `ProtobufDecoder<ObjectList<K>>`, found again by the answer type asked for.
struct ProtobufDecoders {
    object: Box<dyn Any + Send + Sync>,
    list: Box<dyn Any + Send + Sync>,
}

impl std::fmt::Debug for ResourceRequests {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ResourceRequests")
            .field("rest", &self.rest)
            .field("resource", &self.resource)
            .field("namespace", &self.namespace)
            .field("protobuf", &self.protobuf.is_some())
            .finish()
    }
}

impl ResourceRequests {
    /// The verbs of `resource` through `rest`, in `namespace` (`None` or `""`: cluster-wide
    /// or across all namespaces).
    pub fn new(rest: RestClient, resource: GroupVersionResource, namespace: Option<&str>) -> Self {
        Self {
            rest,
            resource,
            namespace: namespace.filter(|ns| !ns.is_empty()).map(str::to_string),
            protobuf: None,
        }
    }

    /// The same requests, decoding answers of kind `K` (and lists of them) with `codec`
    /// when the client prefers protobuf.
    #[must_use]
    pub fn with_protobuf<K: 'static>(
        mut self,
        codec: clientgo_apimachinery::protobuf::Codec<K>,
    ) -> Self {
        self.protobuf = Some(Arc::new(ProtobufDecoders {
            object: Box::new(codec.object),
            list: Box::new(codec.list),
        }));
        self
    }

    /// The protobuf decoder of answer type `T`, if these requests have one.
    fn protobuf<T: 'static>(&self) -> Option<ProtobufDecoder<T>> {
        let decoders = self.protobuf.as_ref()?;
        decoders
            .object
            .downcast_ref::<ProtobufDecoder<T>>()
            .or_else(|| decoders.list.downcast_ref::<ProtobufDecoder<T>>())
            .copied()
    }

    /// The same resource in `namespace`.
    pub fn in_namespace(mut self, namespace: &str) -> Self {
        self.namespace = Some(namespace.to_string()).filter(|ns| !ns.is_empty());
        self
    }

    /// The resource.
    pub fn resource(&self) -> &GroupVersionResource {
        &self.resource
    }

    /// The namespace, if any.
    pub fn namespace(&self) -> Option<&str> {
        self.namespace.as_deref()
    }

    /// The REST client.
    pub fn rest(&self) -> &RestClient {
        &self.rest
    }

    /// A request for this resource (and `name`, `subresources`) with `options` as query.
    pub fn request(
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

    /// `GET` object `name` (or its subresource).
    pub async fn get<T: DeserializeOwned + 'static>(
        &self,
        name: &str,
        options: &GetOptions,
        subresources: &[&str],
    ) -> Result<T> {
        self.request(self.rest.get(), Some(name), subresources, options)
            .into_object(self.protobuf())
            .await
    }

    /// `GET` the collection.
    pub async fn list<L: DeserializeOwned + 'static>(&self, options: &ListOptions) -> Result<L> {
        self.request(self.rest.get(), None, &[], options)
            .into_object(self.protobuf())
            .await
    }

    /// Watches the collection (`watch=true` is implied).
    pub async fn watch<T: DeserializeOwned + Send + 'static>(
        &self,
        options: &ListOptions,
    ) -> Result<WatchStream<T>> {
        self.request(self.rest.get(), None, &[], options)
            .watch_objects(self.protobuf())
            .await
    }

    /// `POST` `object` to the collection, or with a `name` to a subresource of that
    /// object.
    pub async fn create<B: Serialize + ?Sized, T: DeserializeOwned + 'static>(
        &self,
        name: Option<&str>,
        object: &B,
        options: &CreateOptions,
        subresources: &[&str],
    ) -> Result<T> {
        self.request(self.rest.post(), name, subresources, options)
            .json(object)
            .into_object(self.protobuf())
            .await
    }

    /// `PUT` `object` as object `name` (or its subresource).
    pub async fn update<B: Serialize + ?Sized, T: DeserializeOwned + 'static>(
        &self,
        name: &str,
        object: &B,
        options: &UpdateOptions,
        subresources: &[&str],
    ) -> Result<T> {
        self.request(self.rest.put(), Some(name), subresources, options)
            .json(object)
            .into_object(self.protobuf())
            .await
    }

    /// `PATCH` object `name` (or its subresource) with `patch` of `patch_type`: bytes
    /// or text sent as they are, or a value serialized to JSON ([`PatchBody`]).
    pub async fn patch<T: DeserializeOwned + 'static, P: PatchBody + ?Sized>(
        &self,
        name: &str,
        patch_type: PatchType,
        patch: &P,
        options: &PatchOptions,
        subresources: &[&str],
    ) -> Result<T> {
        let body = patch
            .patch_bytes()
            .map_err(|e| Error::Request(format!("encoding the patch: {e}")))?;
        let content_type = patch_type.content_type();
        self.request(
            self.rest.patch(content_type),
            Some(name),
            subresources,
            options,
        )
        .body(body.into_owned(), content_type)
        .into_object(self.protobuf())
        .await
    }

    /// [`patch`](Self::patch) of one `subresource` of object `name` (the object itself
    /// when empty).
    pub async fn patch_subresource<T: DeserializeOwned + 'static, P: PatchBody + ?Sized>(
        &self,
        name: &str,
        subresource: &str,
        patch_type: PatchType,
        patch: &P,
        options: &PatchOptions,
    ) -> Result<T> {
        let subresources: &[&str] = if subresource.is_empty() {
            &[]
        } else {
            &[subresource]
        };
        self.patch(name, patch_type, patch, options, subresources)
            .await
    }

    /// Server-side apply of `config` to object `name` (or its subresource) as
    /// `options.field_manager`.
    pub async fn apply<B: Serialize + ?Sized, T: DeserializeOwned + 'static>(
        &self,
        name: &str,
        config: &B,
        options: &ApplyOptions,
        subresources: &[&str],
    ) -> Result<T> {
        let body = serde_json::to_vec(config)
            .map_err(|e| Error::Request(format!("encoding the apply configuration: {e}")))?;
        self.patch(
            name,
            PatchType::Apply,
            body.as_slice(),
            &options.to_patch_options(),
            subresources,
        )
        .await
    }

    /// `DELETE` object `name` (or its subresource); the server's answer (the object
    /// while finalizers run, or a Status) is not returned.
    pub async fn delete(
        &self,
        name: &str,
        options: &DeleteOptions,
        subresources: &[&str],
    ) -> Result<()> {
        self.request(self.rest.delete(), Some(name), subresources, &())
            .json(options)
            .send()
            .await?
            .into_bytes()
            .map(drop)
    }

    /// `DELETE` every object `list_options` selects.
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
