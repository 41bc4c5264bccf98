//! Aggregated discovery (`apidiscovery.k8s.io/v2`): every group, version and resource
//! of `/api` or `/apis` in one document, turned into the legacy shapes.

use clientgo_apimachinery::meta::{
    APIGroup, APIResource, APIResourceList, GroupVersionForDiscovery,
};
use serde::Deserialize;

/// The media type that asks for aggregated discovery, with plain JSON as fallback.
pub(crate) const ACCEPT: &str =
    "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json";

/// Whether a response's content type is the aggregated document.
pub(crate) fn is_aggregated(content_type: &str) -> bool {
    content_type.contains("as=APIGroupDiscoveryList")
}

#[derive(Debug, Default, Deserialize)]
pub(crate) struct GroupDiscoveryList {
    #[serde(default)]
    items: Vec<GroupDiscovery>,
}

#[derive(Debug, Default, Deserialize)]
struct GroupDiscovery {
    #[serde(default)]
    metadata: Name,
    #[serde(default)]
    versions: Vec<VersionDiscovery>,
}

#[derive(Debug, Default, Deserialize)]
struct Name {
    #[serde(default)]
    name: String,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
struct VersionDiscovery {
    #[serde(default)]
    version: String,
    #[serde(default)]
    resources: Vec<ResourceDiscovery>,
    /// `Current`, or `Stale` when the server could not refresh this version.
    #[serde(default)]
    freshness: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
struct ResourceDiscovery {
    #[serde(default)]
    resource: String,
    #[serde(default)]
    response_kind: Option<Kind>,
    #[serde(default)]
    scope: String,
    #[serde(default)]
    singular_resource: String,
    #[serde(default)]
    verbs: Vec<String>,
    #[serde(default)]
    short_names: Vec<String>,
    #[serde(default)]
    categories: Vec<String>,
    #[serde(default)]
    subresources: Vec<SubresourceDiscovery>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
struct SubresourceDiscovery {
    #[serde(default)]
    subresource: String,
    #[serde(default)]
    response_kind: Option<Kind>,
    #[serde(default)]
    verbs: Vec<String>,
}

#[derive(Debug, Default, Deserialize)]
struct Kind {
    #[serde(default)]
    group: String,
    #[serde(default)]
    version: String,
    #[serde(default)]
    kind: String,
}

/// The groups and resource lists of an aggregated document, and the group versions the
/// server reported as stale.
pub(crate) fn split(
    list: GroupDiscoveryList,
) -> (Vec<APIGroup>, Vec<APIResourceList>, Vec<String>) {
    let mut groups = Vec::new();
    let mut lists = Vec::new();
    let mut stale = Vec::new();
    for group in list.items {
        let name = group.metadata.name;
        let group_version = |version: &str| {
            if name.is_empty() {
                version.to_string()
            } else {
                format!("{name}/{version}")
            }
        };
        let versions: Vec<GroupVersionForDiscovery> = group
            .versions
            .iter()
            .map(|v| GroupVersionForDiscovery {
                group_version: group_version(&v.version),
                version: v.version.clone(),
            })
            .collect();
        for version in group.versions {
            let gv = group_version(&version.version);
            if version.freshness.as_deref() == Some("Stale") {
                stale.push(gv);
                continue;
            }
            let mut resources = Vec::new();
            for resource in version.resources {
                let namespaced = resource.scope == "Namespaced";
                let kind = resource.response_kind.as_ref();
                resources.push(api_resource(
                    &resource.resource,
                    &resource.singular_resource,
                    namespaced,
                    kind,
                    resource.verbs,
                    resource.short_names,
                    resource.categories,
                ));
                for sub in resource.subresources {
                    resources.push(api_resource(
                        &format!("{}/{}", resource.resource, sub.subresource),
                        "",
                        namespaced,
                        sub.response_kind.as_ref(),
                        sub.verbs,
                        Vec::new(),
                        Vec::new(),
                    ));
                }
            }
            lists.push(APIResourceList {
                kind: Some("APIResourceList".into()),
                api_version: Some("v1".into()),
                group_version: gv,
                resources,
            });
        }
        groups.push(APIGroup {
            kind: Some("APIGroup".into()),
            api_version: Some("v1".into()),
            name,
            preferred_version: versions.first().cloned(),
            versions,
            server_address_by_client_cidrs: Vec::new(),
        });
    }
    (groups, lists, stale)
}

fn api_resource(
    name: &str,
    singular: &str,
    namespaced: bool,
    kind: Option<&Kind>,
    verbs: Vec<String>,
    short_names: Vec<String>,
    categories: Vec<String>,
) -> APIResource {
    APIResource {
        name: name.to_string(),
        singular_name: singular.to_string(),
        namespaced,
        group: kind.map(|k| k.group.clone()).filter(|g| !g.is_empty()),
        version: kind.map(|k| k.version.clone()).filter(|v| !v.is_empty()),
        kind: kind.map(|k| k.kind.clone()).unwrap_or_default(),
        verbs,
        short_names,
        categories,
        storage_version_hash: None,
    }
}
