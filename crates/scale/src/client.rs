//! [`ScaleClient`]: get, update and patch the `/scale` subresource of any resource.

use std::sync::Arc;

use clientgo_apimachinery::Unstructured;
use clientgo_apimachinery::meta::{GetOptions, PatchOptions, UpdateOptions};
use clientgo_apimachinery::patch::{PatchBody, PatchType};
use clientgo_apimachinery::schema::{GroupResource, GroupVersionResource};
use clientgo_discovery::restmapper::RestMapper;
use clientgo_dynamic::{DynamicClient, ResourceClient};
use clientgo_rest::Config;

use crate::Scale;
use crate::convert;
use crate::error::{Error, Result};
use crate::resolver::ScaleKindResolver;

/// A client for the `/scale` subresource of any resource (client-go's
/// `scale.ScalesGetter`). Cheap to clone.
#[derive(Clone)]
pub struct ScaleClient {
    dynamic: DynamicClient,
    mapper: Arc<dyn RestMapper>,
    resolver: Arc<dyn ScaleKindResolver>,
}

impl std::fmt::Debug for ScaleClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ScaleClient").finish_non_exhaustive()
    }
}

impl ScaleClient {
    /// A scale client for `config`: group resources are mapped to their preferred
    /// version by `mapper`, the Scale kind to send comes from `resolver`.
    pub fn new(
        config: &Config,
        mapper: Arc<dyn RestMapper>,
        resolver: Arc<dyn ScaleKindResolver>,
    ) -> Result<Self> {
        Ok(Self::from_dynamic(
            DynamicClient::new(config)?,
            mapper,
            resolver,
        ))
    }

    /// A scale client sending its requests through `dynamic`.
    pub fn from_dynamic(
        dynamic: DynamicClient,
        mapper: Arc<dyn RestMapper>,
        resolver: Arc<dyn ScaleKindResolver>,
    ) -> Self {
        Self {
            dynamic,
            mapper,
            resolver,
        }
    }

    /// The scales of objects in `namespace` (`""` for cluster-scoped resources).
    pub fn scales(&self, namespace: &str) -> Scales<'_> {
        Scales {
            client: self,
            namespace: namespace.to_string(),
        }
    }
}

/// The scales of one namespace.
#[derive(Debug)]
pub struct Scales<'a> {
    client: &'a ScaleClient,
    namespace: String,
}

impl Scales<'_> {
    fn resource(&self, resource: &GroupVersionResource) -> ResourceClient {
        let client = self.client.dynamic.resource(resource);
        if self.namespace.is_empty() {
            client
        } else {
            client.namespace(&self.namespace)
        }
    }

    async fn preferred(&self, resource: &GroupResource) -> Result<GroupVersionResource> {
        let partial =
            GroupVersionResource::new(resource.group.clone(), "", resource.resource.clone());
        self.client
            .mapper
            .resource_for(&partial)
            .await
            .map_err(|source| Error::Mapping {
                resource: resource.clone(),
                source: Box::new(source),
            })
    }

    /// The scale of object `name` of `resource` (mapped to its preferred version).
    pub async fn get(
        &self,
        resource: &GroupResource,
        name: &str,
        options: &GetOptions,
    ) -> Result<Scale> {
        let gvr = self.preferred(resource).await?;
        let answer = self.resource(&gvr).get(name, options, &["scale"]).await?;
        convert::from_value(&answer.into_value())
    }

    /// Replaces the scale of the object `scale.metadata.name` names, sent in the Scale
    /// version the server expects for `resource`.
    pub async fn update(
        &self,
        resource: &GroupResource,
        scale: &Scale,
        options: &UpdateOptions,
    ) -> Result<Scale> {
        let gvr = self.preferred(resource).await?;
        let kind = self.client.resolver.scale_for_resource(&gvr).await?;
        let body = Unstructured::from_value(convert::to_value(scale, &kind)?)
            .map_err(|e| Error::NotConvertible(e.to_string()))?;
        let answer = self
            .resource(&gvr)
            .update(&body, options, &["scale"])
            .await?;
        convert::from_value(&answer.into_value())
    }

    /// Patches the scale of object `name` of `resource` (used as given, not mapped);
    /// `patch` is bytes, text, a `serde_json::Value` or a
    /// [`Json`](clientgo_apimachinery::patch::Json) value.
    pub async fn patch<P: PatchBody + ?Sized>(
        &self,
        resource: &GroupVersionResource,
        name: &str,
        patch_type: PatchType,
        patch: &P,
        options: &PatchOptions,
    ) -> Result<Scale> {
        let answer = self
            .resource(resource)
            .patch_subresource(name, "scale", patch_type, patch, options)
            .await?;
        convert::from_value(&answer.into_value())
    }
}
