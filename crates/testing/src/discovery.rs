//! What the fake server knows about resources: scope guessing for seeded objects and the
//! discovery documents (`/api`, `/apis`, `/api/v1`, `/apis/<group>/<version>`,
//! `/version`).

use std::collections::BTreeMap;

use clientgo_apimachinery::meta::{
    APIGroup, APIGroupList, APIResource, APIResourceList, APIVersions, GroupVersionForDiscovery,
    ServerAddressByClientCIDR,
};
use clientgo_apimachinery::{ApiResource, GroupVersionKind, Scope};
use serde_json::{Value, json};

/// Built-in kinds that are cluster-scoped, by group; every other kind is assumed to be
/// namespaced when guessed.
const CLUSTER_SCOPED: &[(&str, &[&str])] = &[
    (
        "",
        &["Namespace", "Node", "PersistentVolume", "ComponentStatus"],
    ),
    (
        "rbac.authorization.k8s.io",
        &["ClusterRole", "ClusterRoleBinding"],
    ),
    ("apiextensions.k8s.io", &["CustomResourceDefinition"]),
    ("apiregistration.k8s.io", &["APIService"]),
    (
        "storage.k8s.io",
        &[
            "StorageClass",
            "CSIDriver",
            "CSINode",
            "VolumeAttachment",
            "VolumeAttributesClass",
        ],
    ),
    ("scheduling.k8s.io", &["PriorityClass"]),
    ("node.k8s.io", &["RuntimeClass"]),
    (
        "certificates.k8s.io",
        &["CertificateSigningRequest", "ClusterTrustBundle"],
    ),
    (
        "admissionregistration.k8s.io",
        &[
            "ValidatingWebhookConfiguration",
            "MutatingWebhookConfiguration",
            "ValidatingAdmissionPolicy",
            "ValidatingAdmissionPolicyBinding",
            "MutatingAdmissionPolicy",
            "MutatingAdmissionPolicyBinding",
        ],
    ),
    (
        "networking.k8s.io",
        &["IngressClass", "IPAddress", "ServiceCIDR"],
    ),
    (
        "flowcontrol.apiserver.k8s.io",
        &["FlowSchema", "PriorityLevelConfiguration"],
    ),
    ("resource.k8s.io", &["DeviceClass", "ResourceSlice"]),
    (
        "authentication.k8s.io",
        &["TokenReview", "SelfSubjectReview"],
    ),
    (
        "authorization.k8s.io",
        &[
            "SubjectAccessReview",
            "SelfSubjectAccessReview",
            "SelfSubjectRulesReview",
        ],
    ),
    ("storagemigration.k8s.io", &["StorageVersionMigration"]),
    ("internal.apiserver.k8s.io", &["StorageVersion"]),
];

/// The scope of a kind: cluster-scoped for the built-in cluster-scoped kinds, else
/// namespaced.
pub(crate) fn guess_scope(gvk: &GroupVersionKind) -> Scope {
    let cluster = CLUSTER_SCOPED
        .iter()
        .any(|(group, kinds)| *group == gvk.group && kinds.contains(&gvk.kind.as_str()));
    if cluster {
        Scope::Cluster
    } else {
        Scope::Namespaced
    }
}

/// The resource of a kind, guessed like discovery-less clients do.
pub(crate) fn guess_resource(gvk: &GroupVersionKind) -> ApiResource {
    ApiResource::from_gvk_guess(gvk, guess_scope(gvk))
}

/// The verbs every resource of the fake server supports.
const VERBS: [&str; 8] = [
    "create",
    "delete",
    "deletecollection",
    "get",
    "list",
    "patch",
    "update",
    "watch",
];

/// The discovery documents of a set of registered resources.
pub(crate) struct Discovery<'a> {
    /// Registered resources by group, version, plural.
    pub(crate) resources: &'a BTreeMap<(String, String, String), ApiResource>,
    /// `host:port` of the server.
    pub(crate) address: &'a str,
}

impl Discovery<'_> {
    /// `/api`.
    pub(crate) fn core_versions(&self) -> Value {
        let versions = APIVersions {
            kind: Some("APIVersions".into()),
            api_version: None,
            versions: vec!["v1".into()],
            server_address_by_client_cidrs: vec![ServerAddressByClientCIDR {
                client_cidr: "0.0.0.0/0".into(),
                server_address: self.address.to_owned(),
            }],
        };
        serde_json::to_value(versions).unwrap_or_default()
    }

    /// The non-core groups and their versions, in name order.
    fn groups(&self) -> Vec<APIGroup> {
        let mut groups: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
        for (group, version, _) in self.resources.keys() {
            if group.is_empty() {
                continue;
            }
            let versions = groups.entry(group).or_default();
            if !versions.contains(&version.as_str()) {
                versions.push(version);
            }
        }
        groups
            .into_iter()
            .map(|(name, versions)| {
                let versions: Vec<GroupVersionForDiscovery> = versions
                    .into_iter()
                    .map(|version| GroupVersionForDiscovery {
                        group_version: format!("{name}/{version}"),
                        version: version.to_owned(),
                    })
                    .collect();
                APIGroup {
                    kind: Some("APIGroup".into()),
                    api_version: Some("v1".into()),
                    name: name.to_owned(),
                    preferred_version: versions.first().cloned(),
                    versions,
                    server_address_by_client_cidrs: Vec::new(),
                }
            })
            .collect()
    }

    /// `/apis`.
    pub(crate) fn group_list(&self) -> Value {
        let list = APIGroupList {
            kind: Some("APIGroupList".into()),
            api_version: Some("v1".into()),
            groups: self.groups(),
        };
        serde_json::to_value(list).unwrap_or_default()
    }

    /// `/apis/<group>`, if any resource of the group is registered.
    pub(crate) fn group(&self, name: &str) -> Option<Value> {
        let group = self.groups().into_iter().find(|g| g.name == name)?;
        serde_json::to_value(group).ok()
    }

    /// `/api/v1` or `/apis/<group>/<version>`, if any resource of it is registered (the
    /// core `v1` always answers).
    pub(crate) fn resource_list(&self, group: &str, version: &str) -> Option<Value> {
        let mut resources = Vec::new();
        for ((g, v, _), resource) in self.resources {
            if g != group || v != version {
                continue;
            }
            let namespaced = resource.scope == Scope::Namespaced;
            resources.push(APIResource {
                name: resource.plural.clone(),
                singular_name: resource.kind.to_lowercase(),
                namespaced,
                kind: resource.kind.clone(),
                verbs: VERBS.iter().map(|v| (*v).to_owned()).collect(),
                ..APIResource::default()
            });
            resources.push(APIResource {
                name: format!("{}/status", resource.plural),
                namespaced,
                kind: resource.kind.clone(),
                verbs: ["get", "patch", "update"].map(String::from).to_vec(),
                ..APIResource::default()
            });
        }
        if resources.is_empty() && !(group.is_empty() && version == "v1") {
            return None;
        }
        let group_version = if group.is_empty() {
            version.to_owned()
        } else {
            format!("{group}/{version}")
        };
        let list = APIResourceList {
            kind: Some("APIResourceList".into()),
            api_version: Some("v1".into()),
            group_version,
            resources,
        };
        serde_json::to_value(list).ok()
    }
}

/// `/version`: the pinned release, marked as fake.
pub(crate) fn version() -> Value {
    json!({
        "major": "1",
        "minor": "37",
        "gitVersion": "v1.37.2-fake",
        "gitCommit": "0000000000000000000000000000000000000000",
        "gitTreeState": "clean",
        "buildDate": "2026-01-01T00:00:00Z",
        "goVersion": "go1.26",
        "compiler": "gc",
        "platform": "linux/amd64",
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scopes_and_plurals_are_guessed() {
        let pod = guess_resource(&GroupVersionKind::new("", "v1", "Pod"));
        assert_eq!(
            (pod.plural.as_str(), pod.scope),
            ("pods", Scope::Namespaced)
        );
        let ns = guess_resource(&GroupVersionKind::new("", "v1", "Namespace"));
        assert_eq!(
            (ns.plural.as_str(), ns.scope),
            ("namespaces", Scope::Cluster)
        );
        let role = guess_resource(&GroupVersionKind::new(
            "rbac.authorization.k8s.io",
            "v1",
            "ClusterRole",
        ));
        assert_eq!(role.scope, Scope::Cluster);
        let policy = guess_resource(&GroupVersionKind::new(
            "networking.k8s.io",
            "v1",
            "NetworkPolicy",
        ));
        assert_eq!(policy.plural, "networkpolicies");
    }
}
