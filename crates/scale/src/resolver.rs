//! Which Scale kind a resource's `/scale` endpoint speaks, from discovery.

use std::collections::HashMap;

use clientgo_apimachinery::schema::{GroupVersionKind, GroupVersionResource};
use clientgo_discovery::DiscoveryInterface;
use futures_util::future::BoxFuture;
use parking_lot::Mutex;

use crate::error::{Error, Result};

/// Finds the Scale group/version/kind of a resource's `/scale` subresource.
pub trait ScaleKindResolver: Send + Sync {
    /// The Scale kind of `resource`'s `/scale` subresource.
    fn scale_for_resource<'a>(
        &'a self,
        resource: &'a GroupVersionResource,
    ) -> BoxFuture<'a, Result<GroupVersionKind>>;
}

/// Looks `<resource>/scale` up in the resource's group version (client-go's
/// discovery scale kind resolver); answers are cached per resource.
pub struct DiscoveryScaleKindResolver<D> {
    discovery: D,
    cache: Mutex<HashMap<GroupVersionResource, GroupVersionKind>>,
}

impl<D> std::fmt::Debug for DiscoveryScaleKindResolver<D> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DiscoveryScaleKindResolver")
            .finish_non_exhaustive()
    }
}

impl<D: DiscoveryInterface> DiscoveryScaleKindResolver<D> {
    /// A resolver reading `discovery`.
    pub fn new(discovery: D) -> Self {
        Self {
            discovery,
            cache: Mutex::new(HashMap::new()),
        }
    }
}

impl<D: DiscoveryInterface> ScaleKindResolver for DiscoveryScaleKindResolver<D> {
    fn scale_for_resource<'a>(
        &'a self,
        resource: &'a GroupVersionResource,
    ) -> BoxFuture<'a, Result<GroupVersionKind>> {
        Box::pin(async move {
            if let Some(kind) = self.cache.lock().get(resource) {
                return Ok(kind.clone());
            }
            let gv = resource.group_version();
            let list = self
                .discovery
                .server_resources_for_group_version(&gv.to_string())
                .await?;
            let name = format!("{}/scale", resource.resource);
            let found = list
                .resources
                .iter()
                .find(|r| r.name == name)
                .ok_or_else(|| Error::NoScaleSubresource(resource.clone()))?;
            let group = found.group.clone().filter(|g| !g.is_empty());
            let version = found.version.clone().filter(|v| !v.is_empty());
            let kind = match (group, version) {
                (None, None) => GroupVersionKind::new(gv.group, gv.version, found.kind.clone()),
                (group, version) => GroupVersionKind::new(
                    group.unwrap_or_default(),
                    version.unwrap_or(gv.version),
                    found.kind.clone(),
                ),
            };
            self.cache.lock().insert(resource.clone(), kind.clone());
            Ok(kind)
        })
    }
}
