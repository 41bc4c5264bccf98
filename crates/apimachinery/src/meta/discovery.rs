//! Legacy discovery documents: `/api` ([`APIVersions`]), `/apis` ([`APIGroupList`]) and
//! `/apis/<group>/<version>` ([`APIResourceList`]).

use serde::{Deserialize, Serialize};

use super::object_meta::null_as_default;
use crate::schema::GroupVersion;

/// One resource served by a group/version.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct APIResource {
    /// Plural resource name, possibly with a subresource (`pods`, `pods/log`).
    #[serde(default)]
    pub name: String,
    /// Singular name, used by `kubectl` for display and lookup.
    #[serde(default)]
    pub singular_name: String,
    /// True if the resource lives in namespaces.
    #[serde(default)]
    pub namespaced: bool,
    /// Group of the kind, when it differs from the list's (subresources).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub group: Option<String>,
    /// Version of the kind, when it differs from the list's (subresources).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
    /// The kind of the objects (`Pod`).
    #[serde(default)]
    pub kind: String,
    /// Supported verbs (`get`, `list`, `watch`, `create`, ...).
    #[serde(default, deserialize_with = "null_as_default")]
    pub verbs: Vec<String>,
    /// Short names (`po`).
    #[serde(
        default,
        deserialize_with = "null_as_default",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub short_names: Vec<String>,
    /// Categories (`all`).
    #[serde(
        default,
        deserialize_with = "null_as_default",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub categories: Vec<String>,
    /// Hash of the storage version, to detect storage migrations.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub storage_version_hash: Option<String>,
}

/// The resources of one group/version.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct APIResourceList {
    /// `APIResourceList`
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    /// `v1`
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub api_version: Option<String>,
    /// The group/version these resources belong to (`apps/v1`, `v1`).
    #[serde(default)]
    pub group_version: String,
    /// The resources.
    #[serde(default, deserialize_with = "null_as_default")]
    pub resources: Vec<APIResource>,
}

impl APIResourceList {
    /// The parsed group/version.
    pub fn parsed_group_version(&self) -> Result<GroupVersion, crate::Error> {
        GroupVersion::parse(&self.group_version)
    }
}

/// A group/version as listed by discovery.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct GroupVersionForDiscovery {
    /// `group/version`
    #[serde(default)]
    pub group_version: String,
    /// `version`
    #[serde(default)]
    pub version: String,
}

/// Which server address a client in a CIDR should use.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ServerAddressByClientCIDR {
    /// The client network.
    #[serde(default, rename = "clientCIDR")]
    pub client_cidr: String,
    /// `host:port` to use from that network.
    #[serde(default)]
    pub server_address: String,
}

/// One API group and its versions.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct APIGroup {
    /// `APIGroup`
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    /// `v1`
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub api_version: Option<String>,
    /// The group name (`apps`).
    #[serde(default)]
    pub name: String,
    /// The served versions, preferred first.
    #[serde(default, deserialize_with = "null_as_default")]
    pub versions: Vec<GroupVersionForDiscovery>,
    /// The version clients should use.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub preferred_version: Option<GroupVersionForDiscovery>,
    /// Alternative server addresses.
    #[serde(
        default,
        rename = "serverAddressByClientCIDRs",
        deserialize_with = "null_as_default",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub server_address_by_client_cidrs: Vec<ServerAddressByClientCIDR>,
}

/// All API groups (`/apis`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct APIGroupList {
    /// `APIGroupList`
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    /// `v1`
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub api_version: Option<String>,
    /// The groups.
    #[serde(default, deserialize_with = "null_as_default")]
    pub groups: Vec<APIGroup>,
}

/// The versions of the legacy core API (`/api`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct APIVersions {
    /// `APIVersions`
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    /// `v1`
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub api_version: Option<String>,
    /// The versions (`["v1"]`).
    #[serde(default, deserialize_with = "null_as_default")]
    pub versions: Vec<String>,
    /// Alternative server addresses.
    #[serde(
        default,
        rename = "serverAddressByClientCIDRs",
        deserialize_with = "null_as_default",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub server_address_by_client_cidrs: Vec<ServerAddressByClientCIDR>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resource_list_decodes_server_document() {
        let json = r#"{"kind":"APIResourceList","apiVersion":"v1","groupVersion":"apps/v1","resources":[
            {"name":"deployments","singularName":"deployment","namespaced":true,"kind":"Deployment",
             "verbs":["create","delete","get","list","patch","update","watch"],"shortNames":["deploy"],
             "categories":["all"],"storageVersionHash":"8aSe+NMegvE="},
            {"name":"deployments/scale","singularName":"","namespaced":true,"group":"autoscaling",
             "version":"v1","kind":"Scale","verbs":["get","patch","update"]}]}"#;
        let list: APIResourceList = serde_json::from_str(json).unwrap();
        assert_eq!(
            list.parsed_group_version().unwrap(),
            GroupVersion::new("apps", "v1")
        );
        assert_eq!(list.resources.len(), 2);
        assert_eq!(list.resources[0].short_names, ["deploy"]);
        assert_eq!(list.resources[1].group.as_deref(), Some("autoscaling"));
        let back: APIResourceList =
            serde_json::from_str(&serde_json::to_string(&list).unwrap()).unwrap();
        assert_eq!(back, list);
    }

    #[test]
    fn group_list_and_versions_decode() {
        let json = r#"{"kind":"APIGroupList","apiVersion":"v1","groups":[{"name":"apps",
            "versions":[{"groupVersion":"apps/v1","version":"v1"}],
            "preferredVersion":{"groupVersion":"apps/v1","version":"v1"}}]}"#;
        let list: APIGroupList = serde_json::from_str(json).unwrap();
        assert_eq!(
            list.groups[0].preferred_version.as_ref().unwrap().version,
            "v1"
        );
        let json = r#"{"kind":"APIVersions","versions":["v1"],"serverAddressByClientCIDRs":[
            {"clientCIDR":"0.0.0.0/0","serverAddress":"10.0.0.1:6443"}]}"#;
        let v: APIVersions = serde_json::from_str(json).unwrap();
        assert_eq!(
            v.server_address_by_client_cidrs[0].server_address,
            "10.0.0.1:6443"
        );
        assert!(
            serde_json::to_string(&v)
                .unwrap()
                .contains("\"clientCIDR\":\"0.0.0.0/0\"")
        );
    }
}
