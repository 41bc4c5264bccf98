//! [`DeferredDiscoveryRestMapper`]: a [`DiscoveryRestMapper`] built on first use from a
//! (cached) discovery client and rebuilt when a lookup misses on stale data.

use std::sync::Arc;

use clientgo_apimachinery::schema::{GroupKind, GroupVersionKind, GroupVersionResource};
use futures_util::future::BoxFuture;
use parking_lot::Mutex;

use super::{DiscoveryRestMapper, RestMapper, RestMapping, get_api_group_resources};
use crate::error::Result;
use crate::interface::DiscoveryInterface;

/// A REST mapper over a cached discovery client (client-go's
/// `DeferredDiscoveryRESTMapper`): the mapper is built on first use; when a lookup
/// fails (or finds nothing) while the discovery cache is not
/// [`fresh`](DiscoveryInterface::fresh), the cache is invalidated, the mapper rebuilt
/// and the lookup tried once more. Call [`reset`](RestMapper::reset) after installing
/// CRDs to force a rebuild.
pub struct DeferredDiscoveryRestMapper<D> {
    discovery: D,
    delegate: Mutex<Option<Arc<DiscoveryRestMapper>>>,
    /// Held while the mapper is built, so that concurrent lookups build it once.
    building: tokio::sync::Mutex<()>,
}

impl<D> std::fmt::Debug for DeferredDiscoveryRestMapper<D> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DeferredDiscoveryRestMapper")
            .field("built", &self.delegate.lock().is_some())
            .finish_non_exhaustive()
    }
}

impl<D: DiscoveryInterface> DeferredDiscoveryRestMapper<D> {
    /// A mapper over `discovery` (typically a [`MemCacheClient`](crate::MemCacheClient)
    /// or [`CachedDiscoveryClient`](crate::CachedDiscoveryClient)).
    pub fn new(discovery: D) -> Self {
        Self {
            discovery,
            delegate: Mutex::new(None),
            building: tokio::sync::Mutex::new(()),
        }
    }

    /// The discovery client it reads.
    pub fn discovery(&self) -> &D {
        &self.discovery
    }

    /// The current mapper, built from discovery if needed.
    pub async fn delegate(&self) -> Result<Arc<DiscoveryRestMapper>> {
        if let Some(mapper) = self.delegate.lock().clone() {
            return Ok(mapper);
        }
        let _building = self.building.lock().await;
        if let Some(mapper) = self.delegate.lock().clone() {
            return Ok(mapper);
        }
        let groups = get_api_group_resources(&self.discovery).await?;
        let mapper = Arc::new(DiscoveryRestMapper::new(&groups));
        *self.delegate.lock() = Some(Arc::clone(&mapper));
        Ok(mapper)
    }

    /// Runs `lookup`; on a miss with stale discovery data, resets and runs it again.
    async fn with_retry<T>(
        &self,
        lookup: impl Fn(&DiscoveryRestMapper) -> Result<T>,
        is_empty: impl Fn(&T) -> bool,
    ) -> Result<T> {
        let answer = lookup(&*self.delegate().await?);
        let missed = answer.as_ref().map_or(true, &is_empty);
        if missed && !self.discovery.fresh() {
            tracing::debug!("REST mapper miss on stale discovery data; refreshing");
            RestMapper::reset(self);
            return lookup(&*self.delegate().await?);
        }
        answer
    }
}

impl<D: DiscoveryInterface> RestMapper for DeferredDiscoveryRestMapper<D> {
    fn kind_for<'a>(
        &'a self,
        resource: &'a GroupVersionResource,
    ) -> BoxFuture<'a, Result<GroupVersionKind>> {
        Box::pin(self.with_retry(|m| m.kind_for(resource), |_| false))
    }

    fn kinds_for<'a>(
        &'a self,
        resource: &'a GroupVersionResource,
    ) -> BoxFuture<'a, Result<Vec<GroupVersionKind>>> {
        Box::pin(self.with_retry(|m| m.kinds_for(resource), Vec::is_empty))
    }

    fn resource_for<'a>(
        &'a self,
        resource: &'a GroupVersionResource,
    ) -> BoxFuture<'a, Result<GroupVersionResource>> {
        Box::pin(self.with_retry(|m| m.resource_for(resource), |_| false))
    }

    fn resources_for<'a>(
        &'a self,
        resource: &'a GroupVersionResource,
    ) -> BoxFuture<'a, Result<Vec<GroupVersionResource>>> {
        Box::pin(self.with_retry(|m| m.resources_for(resource), Vec::is_empty))
    }

    fn rest_mapping<'a>(
        &'a self,
        group_kind: &'a GroupKind,
        versions: &'a [String],
    ) -> BoxFuture<'a, Result<RestMapping>> {
        Box::pin(self.with_retry(|m| m.rest_mapping(group_kind, versions), |_| false))
    }

    fn rest_mappings<'a>(
        &'a self,
        group_kind: &'a GroupKind,
        versions: &'a [String],
    ) -> BoxFuture<'a, Result<Vec<RestMapping>>> {
        Box::pin(self.with_retry(|m| m.rest_mappings(group_kind, versions), Vec::is_empty))
    }

    fn resource_singularizer<'a>(&'a self, resource: &'a str) -> BoxFuture<'a, Result<String>> {
        Box::pin(self.with_retry(|m| m.resource_singularizer(resource), |_| false))
    }

    /// Invalidates the discovery cache and drops the mapper; the next lookup rebuilds it.
    fn reset(&self) {
        self.discovery.invalidate();
        *self.delegate.lock() = None;
    }
}
