//! [`MemCacheClient`]: discovery cached in memory (client-go's
//! `discovery/cached/memory`).

use std::collections::HashMap;

use clientgo_apimachinery::meta::{APIGroup, APIGroupList, APIResourceList};
use futures_util::future::BoxFuture;
use parking_lot::Mutex;

use crate::error::{Error, Result};
use crate::interface::DiscoveryInterface;
use crate::{Discovery, DiscoveryClient, VersionInfo};

/// Discovery cached in memory: the first call fetches every group and the resources of
/// every group version (or their errors) and later calls are answered from memory until
/// [`invalidate`](DiscoveryInterface::invalidate).
///
/// Group versions that failed with a transient error (timeouts, broken connections,
/// 429, 5xx) are fetched again, once, when asked for; permanent failures (e.g. 404) stay
/// cached. The server version is never cached.
///
/// ```no_run
/// # async fn run() -> Result<(), clientgo_discovery::Error> {
/// use clientgo_discovery::{DiscoveryClient, DiscoveryInterface, MemCacheClient};
///
/// let config = clientgo_rest::Config::new("https://127.0.0.1:6443");
/// let cached = MemCacheClient::new(DiscoveryClient::new(&config)?);
/// let apps = cached.server_resources_for_group_version("apps/v1").await?; // fetches all
/// let again = cached.server_resources_for_group_version("apps/v1").await?; // from memory
/// assert_eq!(apps, again);
/// cached.invalidate(); // after installing CRDs
/// # Ok(()) }
/// ```
pub struct MemCacheClient<D = DiscoveryClient> {
    delegate: D,
    state: Mutex<State>,
    /// Held while the cache is filled, so that concurrent callers fill it once.
    refreshing: tokio::sync::Mutex<()>,
}

#[derive(Default)]
struct State {
    valid: bool,
    groups: Vec<APIGroup>,
    resources: HashMap<String, Result<APIResourceList>>,
    aggregated: bool,
}

impl<D> std::fmt::Debug for MemCacheClient<D> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let state = self.state.lock();
        f.debug_struct("MemCacheClient")
            .field("valid", &state.valid)
            .field("group_versions", &state.resources.len())
            .finish_non_exhaustive()
    }
}

impl<D: DiscoveryInterface> MemCacheClient<D> {
    /// A memory cache in front of `delegate`.
    pub fn new(delegate: D) -> Self {
        Self {
            delegate,
            state: Mutex::new(State::default()),
            refreshing: tokio::sync::Mutex::new(()),
        }
    }

    /// The client the cache asks.
    pub fn delegate(&self) -> &D {
        &self.delegate
    }

    /// Fills the cache unless it is valid.
    async fn ensure_filled(&self) -> Result<()> {
        if self.state.lock().valid {
            return Ok(());
        }
        let _refreshing = self.refreshing.lock().await;
        if self.state.lock().valid {
            return Ok(());
        }
        let discovery = self.delegate.server_groups_and_resources().await?;
        let mut resources = HashMap::new();
        for group in &discovery.groups {
            for version in &group.versions {
                let gv = &version.group_version;
                let entry = if let Some(error) = discovery.failed.get(gv) {
                    Err(error.clone())
                } else if let Some(list) = discovery.resources_for(gv) {
                    if list.resources.is_empty() && !discovery.aggregated {
                        tracing::trace!(group_version = %gv, "discovery listed no resources");
                        Err(Error::EmptyResponse(gv.clone()))
                    } else {
                        Ok(list.clone())
                    }
                } else {
                    continue;
                };
                resources.insert(gv.clone(), entry);
            }
        }
        let mut state = self.state.lock();
        if discovery.groups.is_empty() {
            tracing::debug!("discovery returned no groups; the cache stays empty");
            return Ok(());
        }
        *state = State {
            valid: true,
            groups: discovery.groups,
            resources,
            aggregated: discovery.aggregated,
        };
        Ok(())
    }

    async fn resources_for(&self, group_version: &str) -> Result<APIResourceList> {
        self.ensure_filled().await?;
        let cached = self.state.lock().resources.get(group_version).cloned();
        match cached {
            None => Err(Error::CacheNotFound),
            Some(Err(error)) if error.is_transient() => {
                let answer = self
                    .delegate
                    .server_resources_for_group_version(group_version)
                    .await;
                let mut state = self.state.lock();
                if state.valid {
                    state
                        .resources
                        .insert(group_version.to_string(), answer.clone());
                }
                answer
            }
            Some(entry) => entry,
        }
    }

    async fn groups_and_resources(&self) -> Result<Discovery> {
        self.ensure_filled().await?;
        let (groups, aggregated) = {
            let state = self.state.lock();
            (state.groups.clone(), state.aggregated)
        };
        let mut discovery = Discovery {
            groups,
            aggregated,
            ..Discovery::default()
        };
        let group_versions: Vec<String> = discovery
            .groups
            .iter()
            .flat_map(|g| g.versions.iter().map(|v| v.group_version.clone()))
            .collect();
        for gv in group_versions {
            match self.resources_for(&gv).await {
                Ok(list) => discovery.resources.push(list),
                Err(Error::CacheNotFound) => {}
                Err(error) => {
                    discovery.failed.insert(gv, error);
                }
            }
        }
        Ok(discovery)
    }
}

impl<D: DiscoveryInterface> DiscoveryInterface for MemCacheClient<D> {
    fn server_groups(&self) -> BoxFuture<'_, Result<APIGroupList>> {
        Box::pin(async move {
            self.ensure_filled().await?;
            Ok(APIGroupList {
                kind: Some("APIGroupList".into()),
                api_version: Some("v1".into()),
                groups: self.state.lock().groups.clone(),
            })
        })
    }

    fn server_resources_for_group_version<'a>(
        &'a self,
        group_version: &'a str,
    ) -> BoxFuture<'a, Result<APIResourceList>> {
        Box::pin(self.resources_for(group_version))
    }

    fn server_groups_and_resources(&self) -> BoxFuture<'_, Result<Discovery>> {
        Box::pin(self.groups_and_resources())
    }

    fn server_version(&self) -> BoxFuture<'_, Result<VersionInfo>> {
        self.delegate.server_version()
    }

    fn fresh(&self) -> bool {
        self.state.lock().valid
    }

    fn invalidate(&self) {
        *self.state.lock() = State::default();
        self.delegate.invalidate();
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use std::sync::atomic::{AtomicUsize, Ordering};

    use clientgo_apimachinery::meta::{APIResource, GroupVersionForDiscovery};
    use clientgo_rest::StatusError;

    use super::*;

    /// A fake server: `ok/v1` always answers, `gone/v1` is a permanent 404 and
    /// `flaky/v1` answers 503 until `healed`.
    #[derive(Default)]
    struct Fake {
        full_calls: AtomicUsize,
        flaky_calls: AtomicUsize,
        healed: std::sync::atomic::AtomicBool,
    }

    fn list(gv: &str) -> APIResourceList {
        APIResourceList {
            group_version: gv.into(),
            resources: vec![APIResource {
                name: "things".into(),
                kind: "Thing".into(),
                ..APIResource::default()
            }],
            ..APIResourceList::default()
        }
    }

    fn group(name: &str) -> APIGroup {
        let v = GroupVersionForDiscovery {
            group_version: format!("{name}/v1"),
            version: "v1".into(),
        };
        APIGroup {
            name: name.into(),
            preferred_version: Some(v.clone()),
            versions: vec![v],
            ..APIGroup::default()
        }
    }

    fn status(code: u16) -> Error {
        let status = if code == 404 {
            StatusError::new_not_found(&Default::default(), "x")
        } else {
            StatusError::new_service_unavailable("later")
        };
        Error::Rest(clientgo_rest::Error::Api(Box::new(status)))
    }

    impl Fake {
        fn flaky(&self) -> Result<APIResourceList> {
            self.flaky_calls.fetch_add(1, Ordering::SeqCst);
            if self.healed.load(Ordering::SeqCst) {
                Ok(list("flaky/v1"))
            } else {
                Err(status(503))
            }
        }
    }

    impl DiscoveryInterface for Fake {
        fn server_groups(&self) -> BoxFuture<'_, Result<APIGroupList>> {
            unreachable!("the cache fills itself from server_groups_and_resources")
        }
        fn server_resources_for_group_version<'a>(
            &'a self,
            gv: &'a str,
        ) -> BoxFuture<'a, Result<APIResourceList>> {
            Box::pin(async move {
                match gv {
                    "flaky/v1" => self.flaky(),
                    "gone/v1" => Err(status(404)),
                    other => Ok(list(other)),
                }
            })
        }
        fn server_groups_and_resources(&self) -> BoxFuture<'_, Result<Discovery>> {
            Box::pin(async move {
                self.full_calls.fetch_add(1, Ordering::SeqCst);
                let mut discovery = Discovery {
                    groups: vec![group("ok"), group("gone"), group("flaky")],
                    resources: vec![list("ok/v1")],
                    ..Discovery::default()
                };
                discovery.failed.insert("gone/v1".into(), status(404));
                match self.flaky() {
                    Ok(l) => discovery.resources.push(l),
                    Err(e) => {
                        discovery.failed.insert("flaky/v1".into(), e);
                    }
                }
                Ok(discovery)
            })
        }
        fn server_version(&self) -> BoxFuture<'_, Result<VersionInfo>> {
            Box::pin(async { Ok(VersionInfo::default()) })
        }
    }

    #[tokio::test]
    async fn caches_results_and_permanent_errors_and_refetches_transient_ones() {
        let cache = MemCacheClient::new(Fake::default());
        assert!(!cache.fresh());
        let ok = cache
            .server_resources_for_group_version("ok/v1")
            .await
            .unwrap();
        assert_eq!(ok, list("ok/v1"));
        assert!(cache.fresh());
        assert_eq!(cache.delegate().full_calls.load(Ordering::SeqCst), 1);
        // Unknown group versions are not fetched.
        assert!(matches!(
            cache.server_resources_for_group_version("nope/v1").await,
            Err(Error::CacheNotFound)
        ));
        // 404 stays cached.
        let gone = cache.server_resources_for_group_version("gone/v1").await;
        assert!(gone.unwrap_err().status().is_some_and(|s| s.code() == 404));
        // 503 is asked again, once per call, and the answer cached.
        assert!(
            cache
                .server_resources_for_group_version("flaky/v1")
                .await
                .is_err()
        );
        assert_eq!(cache.delegate().flaky_calls.load(Ordering::SeqCst), 2);
        cache.delegate().healed.store(true, Ordering::SeqCst);
        assert!(
            cache
                .server_resources_for_group_version("flaky/v1")
                .await
                .is_ok()
        );
        assert!(
            cache
                .server_resources_for_group_version("flaky/v1")
                .await
                .is_ok()
        );
        assert_eq!(cache.delegate().flaky_calls.load(Ordering::SeqCst), 3);
        let all = cache.server_groups_and_resources().await.unwrap();
        assert_eq!(all.resources.len(), 2);
        assert_eq!(all.failed.keys().collect::<Vec<_>>(), vec!["gone/v1"]);
        assert_eq!(cache.delegate().full_calls.load(Ordering::SeqCst), 1);
        cache.invalidate();
        assert!(!cache.fresh());
        cache.server_groups().await.unwrap();
        assert_eq!(cache.delegate().full_calls.load(Ordering::SeqCst), 2);
    }
}
