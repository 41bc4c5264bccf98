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
/// server reported as stale. client-go's rules: a stale version is left out of its
/// group (which is kept, possibly without versions) and the preferred version is the
/// first fresh one; a resource or subresource without a response kind is left out (a
/// resource still lends a subresource its scope and singular name).
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
        let mut versions = Vec::new();
        for version in group.versions {
            let gv = group_version(&version.version);
            if version.freshness.as_deref() == Some("Stale") {
                stale.push(gv);
                continue;
            }
            versions.push(GroupVersionForDiscovery {
                group_version: gv.clone(),
                version: version.version.clone(),
            });
            let mut resources = Vec::new();
            for resource in version.resources {
                let namespaced = resource.scope == "Namespaced";
                if let Some(kind) = known_kind(resource.response_kind.as_ref()) {
                    resources.push(api_resource(
                        &resource.resource,
                        &resource.singular_resource,
                        namespaced,
                        kind,
                        resource.verbs,
                        resource.short_names,
                        resource.categories,
                    ));
                }
                for sub in resource.subresources {
                    let Some(kind) = known_kind(sub.response_kind.as_ref()) else {
                        continue;
                    };
                    resources.push(api_resource(
                        &format!("{}/{}", resource.resource, sub.subresource),
                        &resource.singular_resource,
                        namespaced,
                        kind,
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

/// A response kind that names something (client-go skips empty ones).
fn known_kind(kind: Option<&Kind>) -> Option<&Kind> {
    kind.filter(|k| !(k.group.is_empty() && k.version.is_empty() && k.kind.is_empty()))
}

fn api_resource(
    name: &str,
    singular: &str,
    namespaced: bool,
    kind: &Kind,
    verbs: Vec<String>,
    short_names: Vec<String>,
    categories: Vec<String>,
) -> APIResource {
    APIResource {
        name: name.to_string(),
        singular_name: singular.to_string(),
        namespaced,
        group: Some(kind.group.clone()).filter(|g| !g.is_empty()),
        version: Some(kind.version.clone()).filter(|v| !v.is_empty()),
        kind: kind.kind.clone(),
        verbs,
        short_names,
        categories,
        storage_version_hash: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// client-go's `SplitGroupsAndResources` on the same document: the stale version is
    /// dropped, the first fresh one preferred, subresources take their parent's singular
    /// name, and entries without a response kind are skipped.
    #[test]
    fn splits_like_client_go() {
        let list: GroupDiscoveryList = serde_json::from_value(serde_json::json!({
            "items": [{
                "metadata": {"name": "widgets.example.com"},
                "versions": [
                    {"version": "v2", "freshness": "Stale"},
                    {"version": "v1", "freshness": "Current", "resources": [
                        {"resource": "widgets", "singularResource": "widget", "scope": "Namespaced",
                         "responseKind": {"group": "widgets.example.com", "version": "v1", "kind": "Widget"},
                         "verbs": ["get"],
                         "subresources": [
                            {"subresource": "status",
                             "responseKind": {"group": "widgets.example.com", "version": "v1", "kind": "Widget"},
                             "verbs": ["get"]},
                            {"subresource": "nokind", "verbs": ["get"]}
                         ]},
                        {"resource": "parents", "singularResource": "parent", "scope": "Cluster",
                         "subresources": [
                            {"subresource": "scale",
                             "responseKind": {"group": "autoscaling", "version": "v1", "kind": "Scale"}}
                         ]}
                    ]},
                    {"version": "v1beta1"}
                ]
            }]
        }))
        .unwrap();
        let (groups, lists, stale) = split(list);
        assert_eq!(stale, ["widgets.example.com/v2"]);
        let versions: Vec<&str> = groups[0]
            .versions
            .iter()
            .map(|v| v.group_version.as_str())
            .collect();
        assert_eq!(
            versions,
            ["widgets.example.com/v1", "widgets.example.com/v1beta1"]
        );
        assert_eq!(groups[0].preferred_version.as_ref().unwrap().version, "v1");
        let names: Vec<(&str, &str)> = lists[0]
            .resources
            .iter()
            .map(|r| (r.name.as_str(), r.singular_name.as_str()))
            .collect();
        assert_eq!(
            names,
            [
                ("widgets", "widget"),
                ("widgets/status", "widget"),
                ("parents/scale", "parent"),
            ]
        );
        assert!(!lists[0].resources[2].namespaced);
        assert_eq!(lists[0].resources[2].group.as_deref(), Some("autoscaling"));
    }
}
