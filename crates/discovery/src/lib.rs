//! Discovery (client-go's `discovery` package): which groups, versions and resources an
//! API server serves, and its version.
//!
//! [`DiscoveryClient::server_groups_and_resources`] asks for aggregated discovery
//! (`apidiscovery.k8s.io/v2`: two requests for everything) and falls back to the legacy
//! calls (one request per group version) on servers without it. Group versions that
//! fail are reported in [`Discovery::failed`] next to everything that worked, as
//! client-go's partial `ErrGroupDiscoveryFailed` does.
//!
//! ```no_run
//! # async fn run() -> Result<(), clientgo_rest::Error> {
//! use clientgo_discovery::DiscoveryClient;
//!
//! let config = clientgo_rest::Config::new("https://127.0.0.1:6443");
//! let discovery = DiscoveryClient::new(&config)?;
//! println!("{}", discovery.server_version().await?.git_version);
//! let everything = discovery.server_groups_and_resources().await?;
//! for list in &everything.resources {
//!     for resource in &list.resources {
//!         println!("{} {}", list.group_version, resource.name);
//!     }
//! }
//! # Ok(()) }
//! ```

mod aggregated;
mod disk;
mod error;
mod interface;
mod memory;
mod openapi;
pub mod restmapper;

pub use disk::{CachedDiscoveryClient, DEFAULT_CACHE_TTL, default_cache_dir};
pub use error::{Error, Result};
pub use interface::DiscoveryInterface;
pub use memory::MemCacheClient;
pub use openapi::{OpenApiV3Index, OpenApiV3Path};

use std::collections::BTreeMap;

use clientgo_apimachinery::errors::StatusError;
use clientgo_apimachinery::meta::{
    APIGroup, APIGroupList, APIResourceList, APIVersions, GroupVersionForDiscovery,
};
use clientgo_rest::{Config, RestClient};

use serde::Deserialize;

/// What `/version` says.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct VersionInfo {
    /// Major version, e.g. `1`.
    #[serde(default)]
    pub major: String,
    /// Minor version, e.g. `37`.
    #[serde(default)]
    pub minor: String,
    /// The release, e.g. `v1.37.2`.
    #[serde(default)]
    pub git_version: String,
    /// The commit it was built from.
    #[serde(default)]
    pub git_commit: String,
    /// When it was built.
    #[serde(default)]
    pub build_date: String,
    /// The Go version it was built with.
    #[serde(default)]
    pub go_version: String,
    /// `os/arch`.
    #[serde(default)]
    pub platform: String,
}

/// Everything discovery found.
#[derive(Clone, Debug, Default)]
pub struct Discovery {
    /// Every group (the core group has the empty name), preferred version first.
    pub groups: Vec<APIGroup>,
    /// The resources of every group version that answered.
    pub resources: Vec<APIResourceList>,
    /// Group versions that could not be discovered, and why.
    pub failed: BTreeMap<String, Error>,
    /// Whether the server answered with aggregated discovery.
    pub aggregated: bool,
}

impl Discovery {
    /// Whether every group version was discovered.
    pub fn is_complete(&self) -> bool {
        self.failed.is_empty()
    }

    /// The resources of `group_version` (e.g. `apps/v1`, `v1`).
    pub fn resources_for(&self, group_version: &str) -> Option<&APIResourceList> {
        self.resources
            .iter()
            .find(|list| list.group_version == group_version)
    }
}

/// Discovers what an API server serves.
#[derive(Clone, Debug)]
pub struct DiscoveryClient {
    rest: RestClient,
}

impl DiscoveryClient {
    /// A discovery client for `config`.
    pub fn new(config: &Config) -> clientgo_rest::Result<Self> {
        Ok(Self::from_rest(RestClient::new(config)?))
    }

    /// A discovery client sharing `rest`'s connections and settings.
    pub fn from_rest(rest: RestClient) -> Self {
        Self { rest }
    }

    /// The REST client requests go through.
    pub fn rest(&self) -> &RestClient {
        &self.rest
    }

    /// The server's version (`/version`).
    pub async fn server_version(&self) -> clientgo_rest::Result<VersionInfo> {
        self.rest.get().abs_path("/version").into_json().await
    }

    /// The groups and their versions, the legacy way (`/api` and `/apis`).
    pub async fn server_groups(&self) -> clientgo_rest::Result<APIGroupList> {
        let core: APIVersions = self.rest.get().abs_path("/api").into_json().await?;
        let mut list: APIGroupList = self.rest.get().abs_path("/apis").into_json().await?;
        if !core.versions.is_empty() {
            let versions: Vec<GroupVersionForDiscovery> = core
                .versions
                .iter()
                .map(|v| GroupVersionForDiscovery {
                    group_version: v.clone(),
                    version: v.clone(),
                })
                .collect();
            list.groups.insert(
                0,
                APIGroup {
                    name: String::new(),
                    preferred_version: versions.first().cloned(),
                    versions,
                    ..APIGroup::default()
                },
            );
        }
        Ok(list)
    }

    /// The resources of one group version (`v1`, `apps/v1`).
    pub async fn server_resources_for_group_version(
        &self,
        group_version: &str,
    ) -> clientgo_rest::Result<APIResourceList> {
        let path = if group_version.contains('/') {
            format!("/apis/{group_version}")
        } else {
            format!("/api/{group_version}")
        };
        self.rest.get().abs_path(&path).into_json().await
    }

    /// Every group and the resources of every version: aggregated discovery when the
    /// server offers it, else the legacy calls (one per group version, concurrently).
    pub async fn server_groups_and_resources(&self) -> clientgo_rest::Result<Discovery> {
        match self.aggregated().await? {
            Some(discovery) => Ok(discovery),
            None => self.legacy_groups_and_resources().await,
        }
    }

    /// [`server_groups_and_resources`](Self::server_groups_and_resources) the legacy
    /// way only (for servers, or tests, that need it).
    pub async fn legacy_groups_and_resources(&self) -> clientgo_rest::Result<Discovery> {
        let groups = self.server_groups().await?.groups;
        let group_versions: Vec<String> = groups
            .iter()
            .flat_map(|g| g.versions.iter().map(|v| v.group_version.clone()))
            .collect();
        let answers = futures_util::future::join_all(
            group_versions
                .iter()
                .map(|gv| self.server_resources_for_group_version(gv)),
        )
        .await;
        let mut discovery = Discovery {
            groups,
            ..Discovery::default()
        };
        for (gv, answer) in group_versions.into_iter().zip(answers) {
            match answer {
                Ok(list) => discovery.resources.push(list),
                Err(error) => {
                    discovery.failed.insert(gv, Error::Rest(error));
                }
            }
        }
        Ok(discovery)
    }

    /// Aggregated discovery of `/api` and `/apis`, or `None` when the server answers
    /// with the legacy documents.
    async fn aggregated(&self) -> clientgo_rest::Result<Option<Discovery>> {
        let mut discovery = Discovery {
            aggregated: true,
            ..Discovery::default()
        };
        for path in ["/api", "/apis"] {
            let response = self
                .rest
                .get()
                .abs_path(path)
                .header("Accept", aggregated::ACCEPT)
                .send()
                .await?;
            let content_type = response
                .headers()
                .get("content-type")
                .and_then(|v| v.to_str().ok())
                .unwrap_or_default()
                .to_string();
            if !aggregated::is_aggregated(&content_type) {
                return Ok(None);
            }
            let list: aggregated::GroupDiscoveryList = response.json()?;
            let (groups, resources, stale) = aggregated::split(list);
            discovery.groups.extend(groups);
            discovery.resources.extend(resources);
            for gv in stale {
                // Reported like the 503 the legacy call would give.
                let status = StatusError::new_service_unavailable(&format!(
                    "the server could not refresh the discovery of {gv} (stale)"
                ));
                discovery
                    .failed
                    .insert(gv, Error::Rest(clientgo_rest::Error::Api(Box::new(status))));
            }
        }
        Ok(Some(discovery))
    }
}
