//! [`DiscoveryInterface`]: what every discovery client offers (live, memory-cached,
//! disk-cached), so that REST mappers and other consumers work over any of them.

use clientgo_apimachinery::meta::{APIGroupList, APIResourceList};
use futures_util::future::BoxFuture;

use crate::error::{Error, Result};
use crate::{Discovery, DiscoveryClient, VersionInfo};

/// A discovery client: live ([`DiscoveryClient`]) or cached
/// ([`MemCacheClient`](crate::MemCacheClient),
/// [`CachedDiscoveryClient`](crate::CachedDiscoveryClient)). Object safe, so it can be
/// shared as `Arc<dyn DiscoveryInterface>`.
pub trait DiscoveryInterface: Send + Sync {
    /// Every group with its versions (the core group first, with the empty name).
    fn server_groups(&self) -> BoxFuture<'_, Result<APIGroupList>>;

    /// The resources of one group version (`v1`, `apps/v1`).
    fn server_resources_for_group_version<'a>(
        &'a self,
        group_version: &'a str,
    ) -> BoxFuture<'a, Result<APIResourceList>>;

    /// Every group and the resources of every version; group versions that failed are
    /// in [`Discovery::failed`] (a partial result, not an error).
    fn server_groups_and_resources(&self) -> BoxFuture<'_, Result<Discovery>>;

    /// The server's version (never cached).
    fn server_version(&self) -> BoxFuture<'_, Result<VersionInfo>>;

    /// Whether everything served so far came from the server during this cache
    /// generation (always true for live clients). A REST mapper that misses while the
    /// cache is not fresh invalidates it and tries again.
    fn fresh(&self) -> bool {
        true
    }

    /// Forgets everything cached (a no-op for live clients).
    fn invalidate(&self) {}
}

impl DiscoveryInterface for DiscoveryClient {
    fn server_groups(&self) -> BoxFuture<'_, Result<APIGroupList>> {
        Box::pin(async move { Ok(DiscoveryClient::server_groups(self).await?) })
    }

    fn server_resources_for_group_version<'a>(
        &'a self,
        group_version: &'a str,
    ) -> BoxFuture<'a, Result<APIResourceList>> {
        Box::pin(async move {
            if group_version.is_empty() {
                return Err(Error::EmptyGroupVersion);
            }
            match DiscoveryClient::server_resources_for_group_version(self, group_version).await {
                // As client-go: a server without the core group lists nothing for it.
                Err(error)
                    if group_version == "v1" && error.status().is_some_and(|s| s.code() == 404) =>
                {
                    Ok(APIResourceList {
                        group_version: group_version.to_string(),
                        ..APIResourceList::default()
                    })
                }
                other => Ok(other?),
            }
        })
    }

    fn server_groups_and_resources(&self) -> BoxFuture<'_, Result<Discovery>> {
        Box::pin(async move { Ok(DiscoveryClient::server_groups_and_resources(self).await?) })
    }

    fn server_version(&self) -> BoxFuture<'_, Result<VersionInfo>> {
        Box::pin(async move { Ok(DiscoveryClient::server_version(self).await?) })
    }
}

impl<T: DiscoveryInterface + ?Sized> DiscoveryInterface for std::sync::Arc<T> {
    fn server_groups(&self) -> BoxFuture<'_, Result<APIGroupList>> {
        (**self).server_groups()
    }

    fn server_resources_for_group_version<'a>(
        &'a self,
        group_version: &'a str,
    ) -> BoxFuture<'a, Result<APIResourceList>> {
        (**self).server_resources_for_group_version(group_version)
    }

    fn server_groups_and_resources(&self) -> BoxFuture<'_, Result<Discovery>> {
        (**self).server_groups_and_resources()
    }

    fn server_version(&self) -> BoxFuture<'_, Result<VersionInfo>> {
        (**self).server_version()
    }

    fn fresh(&self) -> bool {
        (**self).fresh()
    }

    fn invalidate(&self) {
        (**self).invalidate()
    }
}
