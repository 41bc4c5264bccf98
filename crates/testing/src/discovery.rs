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

/// The resources the Kubernetes API server serves itself, by group: kind and plural.
/// Every other group is a custom resource (or aggregated) group.
const BUILTIN: &[(&str, &[(&str, &str)])] = &[
    (
        "",
        &[
            ("Binding", "bindings"),
            ("ComponentStatus", "componentstatuses"),
            ("ConfigMap", "configmaps"),
            ("Endpoints", "endpoints"),
            ("Event", "events"),
            ("LimitRange", "limitranges"),
            ("Namespace", "namespaces"),
            ("Node", "nodes"),
            ("PersistentVolume", "persistentvolumes"),
            ("PersistentVolumeClaim", "persistentvolumeclaims"),
            ("Pod", "pods"),
            ("PodTemplate", "podtemplates"),
            ("ReplicationController", "replicationcontrollers"),
            ("ResourceQuota", "resourcequotas"),
            ("Secret", "secrets"),
            ("Service", "services"),
            ("ServiceAccount", "serviceaccounts"),
        ],
    ),
    (
        "admissionregistration.k8s.io",
        &[
            ("MutatingAdmissionPolicy", "mutatingadmissionpolicies"),
            (
                "MutatingAdmissionPolicyBinding",
                "mutatingadmissionpolicybindings",
            ),
            (
                "MutatingWebhookConfiguration",
                "mutatingwebhookconfigurations",
            ),
            ("ValidatingAdmissionPolicy", "validatingadmissionpolicies"),
            (
                "ValidatingAdmissionPolicyBinding",
                "validatingadmissionpolicybindings",
            ),
            (
                "ValidatingWebhookConfiguration",
                "validatingwebhookconfigurations",
            ),
        ],
    ),
    (
        "apiextensions.k8s.io",
        &[("CustomResourceDefinition", "customresourcedefinitions")],
    ),
    ("apiregistration.k8s.io", &[("APIService", "apiservices")]),
    (
        "apps",
        &[
            ("ControllerRevision", "controllerrevisions"),
            ("DaemonSet", "daemonsets"),
            ("Deployment", "deployments"),
            ("ReplicaSet", "replicasets"),
            ("StatefulSet", "statefulsets"),
        ],
    ),
    (
        "authentication.k8s.io",
        &[
            ("SelfSubjectReview", "selfsubjectreviews"),
            ("TokenReview", "tokenreviews"),
        ],
    ),
    (
        "authorization.k8s.io",
        &[
            ("LocalSubjectAccessReview", "localsubjectaccessreviews"),
            ("SelfSubjectAccessReview", "selfsubjectaccessreviews"),
            ("SelfSubjectRulesReview", "selfsubjectrulesreviews"),
            ("SubjectAccessReview", "subjectaccessreviews"),
        ],
    ),
    (
        "autoscaling",
        &[("HorizontalPodAutoscaler", "horizontalpodautoscalers")],
    ),
    ("batch", &[("CronJob", "cronjobs"), ("Job", "jobs")]),
    (
        "certificates.k8s.io",
        &[
            ("CertificateSigningRequest", "certificatesigningrequests"),
            ("ClusterTrustBundle", "clustertrustbundles"),
            ("PodCertificateRequest", "podcertificaterequests"),
        ],
    ),
    (
        "coordination.k8s.io",
        &[("Lease", "leases"), ("LeaseCandidate", "leasecandidates")],
    ),
    ("discovery.k8s.io", &[("EndpointSlice", "endpointslices")]),
    ("events.k8s.io", &[("Event", "events")]),
    (
        "flowcontrol.apiserver.k8s.io",
        &[
            ("FlowSchema", "flowschemas"),
            ("PriorityLevelConfiguration", "prioritylevelconfigurations"),
        ],
    ),
    (
        "internal.apiserver.k8s.io",
        &[("StorageVersion", "storageversions")],
    ),
    (
        "networking.k8s.io",
        &[
            ("IPAddress", "ipaddresses"),
            ("Ingress", "ingresses"),
            ("IngressClass", "ingressclasses"),
            ("NetworkPolicy", "networkpolicies"),
            ("ServiceCIDR", "servicecidrs"),
        ],
    ),
    ("node.k8s.io", &[("RuntimeClass", "runtimeclasses")]),
    ("policy", &[("PodDisruptionBudget", "poddisruptionbudgets")]),
    (
        "rbac.authorization.k8s.io",
        &[
            ("ClusterRole", "clusterroles"),
            ("ClusterRoleBinding", "clusterrolebindings"),
            ("Role", "roles"),
            ("RoleBinding", "rolebindings"),
        ],
    ),
    (
        "resource.k8s.io",
        &[
            ("DeviceClass", "deviceclasses"),
            ("DeviceTaintRule", "devicetaintrules"),
            ("ResourceClaim", "resourceclaims"),
            ("ResourceClaimTemplate", "resourceclaimtemplates"),
            ("ResourceSlice", "resourceslices"),
        ],
    ),
    ("scheduling.k8s.io", &[("PriorityClass", "priorityclasses")]),
    (
        "storage.k8s.io",
        &[
            ("CSIDriver", "csidrivers"),
            ("CSINode", "csinodes"),
            ("CSIStorageCapacity", "csistoragecapacities"),
            ("StorageClass", "storageclasses"),
            ("VolumeAttachment", "volumeattachments"),
            ("VolumeAttributesClass", "volumeattributesclasses"),
        ],
    ),
    (
        "storagemigration.k8s.io",
        &[("StorageVersionMigration", "storageversionmigrations")],
    ),
];

/// Whether the API server serves `group` itself (decoding bodies into its Go types, so
/// that a missing `apiVersion` or `kind` is filled in), as opposed to a custom resource
/// group, whose bodies must name their type.
pub(crate) fn is_builtin_group(group: &str) -> bool {
    BUILTIN.iter().any(|(g, _)| *g == group)
}

/// The kind of a built-in resource, by group and plural.
pub(crate) fn builtin_kind(group: &str, plural: &str) -> Option<&'static str> {
    let (_, resources) = BUILTIN.iter().find(|(g, _)| *g == group)?;
    resources
        .iter()
        .find(|(_, p)| *p == plural)
        .map(|(kind, _)| *kind)
}

/// The plural of a built-in kind.
fn builtin_plural(group: &str, kind: &str) -> Option<&'static str> {
    let (_, resources) = BUILTIN.iter().find(|(g, _)| *g == group)?;
    resources
        .iter()
        .find(|(k, _)| *k == kind)
        .map(|(_, plural)| *plural)
}

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

/// The resource of a kind: the real plural of a built-in kind, else guessed like
/// discovery-less clients do.
pub(crate) fn guess_resource(gvk: &GroupVersionKind) -> ApiResource {
    let mut resource = ApiResource::from_gvk_guess(gvk, guess_scope(gvk));
    if let Some(plural) = builtin_plural(&gvk.group, &gvk.kind) {
        plural.clone_into(&mut resource.plural);
    }
    resource
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
        let endpoints = guess_resource(&GroupVersionKind::new("", "v1", "Endpoints"));
        assert_eq!(endpoints.plural, "endpoints");
    }

    #[test]
    fn built_in_groups_and_kinds_are_known() {
        assert!(is_builtin_group(""));
        assert!(is_builtin_group("networking.k8s.io"));
        assert!(!is_builtin_group("gateway.networking.k8s.io"));
        assert!(!is_builtin_group("example.com"));
        assert_eq!(builtin_kind("", "configmaps"), Some("ConfigMap"));
        assert_eq!(builtin_kind("apps", "statefulsets"), Some("StatefulSet"));
        assert_eq!(builtin_kind("example.com", "widgets"), None);
        // Every cluster-scoped kind is a built-in one.
        for (group, kinds) in CLUSTER_SCOPED {
            for kind in *kinds {
                assert!(builtin_plural(group, kind).is_some(), "{group} {kind}");
            }
        }
    }
}
