//! Mapping between kinds and resources from discovery (client-go's `restmapper` and
//! apimachinery's `meta.RESTMapper`).
//!
//! * [`DiscoveryRestMapper`]: built once from discovery data; every lookup is pure.
//! * [`DeferredDiscoveryRestMapper`]: built lazily from a (cached) discovery client,
//!   rebuilt once when a lookup misses while the cache was not fresh (new CRDs).
//! * [`ShortcutExpander`]: expands short names (`po`, `deploy`) before delegating.
//! * [`CategoryExpander`]s: `all` and other categories to group resources.
//!
//! ```no_run
//! # async fn run() -> Result<(), clientgo_discovery::Error> {
//! use std::sync::Arc;
//!
//! use clientgo_apimachinery::GroupVersionResource;
//! use clientgo_discovery::restmapper::{DeferredDiscoveryRestMapper, RestMapper, ShortcutExpander};
//! use clientgo_discovery::{DiscoveryClient, MemCacheClient};
//!
//! let config = clientgo_rest::Config::new("https://127.0.0.1:6443");
//! let discovery = Arc::new(MemCacheClient::new(DiscoveryClient::new(&config)?));
//! let mapper = ShortcutExpander::new(
//!     DeferredDiscoveryRestMapper::new(Arc::clone(&discovery)),
//!     discovery,
//!     None,
//! );
//! let gvk = mapper.kind_for(&GroupVersionResource::new("", "", "deploy")).await?;
//! assert_eq!(gvk.kind, "Deployment");
//! # Ok(()) }
//! ```

mod category;
mod deferred;
mod mapper;
mod shortcut;

pub use category::{
    CategoryExpander, DiscoveryCategoryExpander, SimpleCategoryExpander, UnionCategoryExpander,
};
pub use deferred::DeferredDiscoveryRestMapper;
pub use mapper::{APIGroupResources, DiscoveryRestMapper, get_api_group_resources};
pub use shortcut::{ShortcutExpander, WarningHandler};

use clientgo_apimachinery::Scope;
use clientgo_apimachinery::schema::{GroupKind, GroupVersionKind, GroupVersionResource};
use futures_util::future::BoxFuture;

use crate::error::Result;

/// How to reach the objects of a kind: its resource, its exact kind and its scope.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct RestMapping {
    /// The resource (group, version, plural name).
    pub resource: GroupVersionResource,
    /// The kind (group, version, kind).
    pub group_version_kind: GroupVersionKind,
    /// Namespaced or cluster-wide.
    pub scope: Scope,
}

/// Maps between resources and kinds (apimachinery's `meta.RESTMapper`). Partial
/// inputs are allowed: an empty group or version matches any. Object safe.
pub trait RestMapper: Send + Sync {
    /// The one kind of a (partial) resource, e.g. `deployments` → `apps/v1 Deployment`;
    /// an ambiguity error when several match at the same priority.
    fn kind_for<'a>(
        &'a self,
        resource: &'a GroupVersionResource,
    ) -> BoxFuture<'a, Result<GroupVersionKind>>;

    /// Every kind a (partial) resource may mean, highest priority first.
    fn kinds_for<'a>(
        &'a self,
        resource: &'a GroupVersionResource,
    ) -> BoxFuture<'a, Result<Vec<GroupVersionKind>>>;

    /// The one full resource of a (partial) resource (plural or singular name).
    fn resource_for<'a>(
        &'a self,
        resource: &'a GroupVersionResource,
    ) -> BoxFuture<'a, Result<GroupVersionResource>>;

    /// Every full resource a (partial) resource may mean, highest priority first.
    fn resources_for<'a>(
        &'a self,
        resource: &'a GroupVersionResource,
    ) -> BoxFuture<'a, Result<Vec<GroupVersionResource>>>;

    /// The mapping of a group kind, in the first of `versions` that has it, else in the
    /// preferred version.
    fn rest_mapping<'a>(
        &'a self,
        group_kind: &'a GroupKind,
        versions: &'a [String],
    ) -> BoxFuture<'a, Result<RestMapping>>;

    /// Every mapping of a group kind (in `versions`, or in every version).
    fn rest_mappings<'a>(
        &'a self,
        group_kind: &'a GroupKind,
        versions: &'a [String],
    ) -> BoxFuture<'a, Result<Vec<RestMapping>>>;

    /// The singular name of a resource (`pods` → `pod`).
    fn resource_singularizer<'a>(&'a self, resource: &'a str) -> BoxFuture<'a, Result<String>>;

    /// Forgets cached discovery data (a no-op for static mappers).
    fn reset(&self) {}
}

#[cfg(test)]
mod tests;
