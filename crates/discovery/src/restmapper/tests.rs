//! The mapping logic on hand-built discovery data (in the spirit of client-go's
//! `discovery_test.go`, `shortcut_test.go` and `category_expansion_test.go`).

#![allow(clippy::unwrap_used)]

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

use clientgo_apimachinery::Scope;
use clientgo_apimachinery::meta::{
    APIGroup, APIGroupList, APIResource, APIResourceList, GroupVersionForDiscovery,
};
use clientgo_apimachinery::schema::{
    GroupKind, GroupResource, GroupVersionKind, GroupVersionResource,
};
use futures_util::future::BoxFuture;
use parking_lot::Mutex;

use super::*;
use crate::error::{Error, Result};
use crate::{Discovery, DiscoveryInterface, VersionInfo};

fn resource(
    name: &str,
    singular: &str,
    kind: &str,
    namespaced: bool,
    short: &[&str],
    categories: &[&str],
) -> APIResource {
    APIResource {
        name: name.into(),
        singular_name: singular.into(),
        namespaced,
        kind: kind.into(),
        verbs: vec!["get".into(), "list".into()],
        short_names: short.iter().map(|s| s.to_string()).collect(),
        categories: categories.iter().map(|s| s.to_string()).collect(),
        ..APIResource::default()
    }
}

fn group(name: &str, versions: &[&str], preferred: &str) -> APIGroup {
    let gv = |v: &str| GroupVersionForDiscovery {
        group_version: if name.is_empty() {
            v.to_string()
        } else {
            format!("{name}/{v}")
        },
        version: v.into(),
    };
    APIGroup {
        name: name.into(),
        versions: versions.iter().map(|v| gv(v)).collect(),
        preferred_version: Some(gv(preferred)),
        ..APIGroup::default()
    }
}

/// A small cluster: core pods/services/nodes, apps (v1 preferred over v1beta2) with
/// deployments/replicasets/statefulsets, extensions with replicasets and jobs, storage
/// classes, and a custom `widgets` resource also using the short name `rs`.
fn cluster() -> Discovery {
    let list = |gv: &str, resources: Vec<APIResource>| APIResourceList {
        group_version: gv.into(),
        resources,
        ..APIResourceList::default()
    };
    Discovery {
        groups: vec![
            group("", &["v1"], "v1"),
            group("apps", &["v1beta2", "v1"], "v1"),
            group("extensions", &["v1beta1"], "v1beta1"),
            group("storage.k8s.io", &["v1"], "v1"),
            group("stable.example.com", &["v1"], "v1"),
        ],
        resources: vec![
            list(
                "v1",
                vec![
                    resource("pods", "pod", "Pod", true, &["po"], &["all"]),
                    resource("pods/status", "", "Pod", true, &[], &[]),
                    resource("services", "service", "Service", true, &["svc"], &["all"]),
                    resource("nodes", "", "Node", false, &["no"], &[]),
                ],
            ),
            list(
                "apps/v1beta2",
                vec![
                    resource(
                        "deployments",
                        "deployment",
                        "Deployment",
                        true,
                        &["deploy"],
                        &["all"],
                    ),
                    resource("oldies", "oldie", "Oldie", true, &[], &[]),
                ],
            ),
            list(
                "apps/v1",
                vec![
                    resource(
                        "deployments",
                        "deployment",
                        "Deployment",
                        true,
                        &["deploy"],
                        &["all"],
                    ),
                    resource(
                        "replicasets",
                        "replicaset",
                        "ReplicaSet",
                        true,
                        &["rs"],
                        &["all"],
                    ),
                    resource(
                        "statefulsets",
                        "statefulset",
                        "StatefulSet",
                        true,
                        &["sts"],
                        &["all"],
                    ),
                ],
            ),
            list(
                "extensions/v1beta1",
                vec![
                    resource(
                        "replicasets",
                        "replicaset",
                        "ReplicaSet",
                        true,
                        &["rs"],
                        &["all"],
                    ),
                    resource("jobs", "job", "Job", true, &[], &["all"]),
                ],
            ),
            list(
                "storage.k8s.io/v1",
                vec![resource(
                    "storageclasses",
                    "storageclass",
                    "StorageClass",
                    false,
                    &["sc"],
                    &[],
                )],
            ),
            list(
                "stable.example.com/v1",
                vec![resource(
                    "widgets",
                    "widget",
                    "Widget",
                    true,
                    &["rs", "wd"],
                    &["all", "example"],
                )],
            ),
        ],
        ..Discovery::default()
    }
}

/// Discovery data that can change, with a settable freshness.
struct Fake {
    data: Mutex<Discovery>,
    fresh: AtomicBool,
    invalidations: AtomicUsize,
}

impl Fake {
    fn new(data: Discovery) -> Arc<Self> {
        Arc::new(Self {
            data: Mutex::new(data),
            fresh: AtomicBool::new(true),
            invalidations: AtomicUsize::new(0),
        })
    }
}

impl DiscoveryInterface for Fake {
    fn server_groups(&self) -> BoxFuture<'_, Result<APIGroupList>> {
        Box::pin(async move {
            Ok(APIGroupList {
                groups: self.data.lock().groups.clone(),
                ..APIGroupList::default()
            })
        })
    }
    fn server_resources_for_group_version<'a>(
        &'a self,
        gv: &'a str,
    ) -> BoxFuture<'a, Result<APIResourceList>> {
        Box::pin(async move {
            self.data
                .lock()
                .resources_for(gv)
                .cloned()
                .ok_or(Error::CacheNotFound)
        })
    }
    fn server_groups_and_resources(&self) -> BoxFuture<'_, Result<Discovery>> {
        Box::pin(async move { Ok(self.data.lock().clone()) })
    }
    fn server_version(&self) -> BoxFuture<'_, Result<VersionInfo>> {
        Box::pin(async { Ok(VersionInfo::default()) })
    }
    fn fresh(&self) -> bool {
        self.fresh.load(Ordering::SeqCst)
    }
    fn invalidate(&self) {
        self.invalidations.fetch_add(1, Ordering::SeqCst);
        self.fresh.store(true, Ordering::SeqCst);
    }
}

fn gvr(g: &str, v: &str, r: &str) -> GroupVersionResource {
    GroupVersionResource::new(g, v, r)
}

fn gvk(g: &str, v: &str, k: &str) -> GroupVersionKind {
    GroupVersionKind::new(g, v, k)
}

async fn mapper() -> DiscoveryRestMapper {
    let fake = Fake::new(cluster());
    DiscoveryRestMapper::new(&get_api_group_resources(&fake).await.unwrap())
}

#[tokio::test]
async fn kinds_and_resources_follow_priorities() {
    let m = mapper().await;
    // Core first; the preferred version of a group before its other versions.
    assert_eq!(
        m.kind_for(&gvr("", "", "pods")).unwrap(),
        gvk("", "v1", "Pod")
    );
    assert_eq!(
        m.kind_for(&gvr("", "", "pod")).unwrap(),
        gvk("", "v1", "Pod")
    );
    assert_eq!(
        m.kind_for(&gvr("", "", "PODS")).unwrap(),
        gvk("", "v1", "Pod")
    );
    assert_eq!(
        m.resource_for(&gvr("", "", "deployments")).unwrap(),
        gvr("apps", "v1", "deployments")
    );
    assert_eq!(
        m.resource_for(&gvr("", "v1beta2", "deployment")).unwrap(),
        gvr("apps", "v1beta2", "deployments")
    );
    // Resources only in a non-preferred version are found there.
    assert_eq!(
        m.kind_for(&gvr("apps", "", "oldies")).unwrap(),
        gvk("apps", "v1beta2", "Oldie")
    );
    // Same resource in two groups: the group discovered first wins; all are listed.
    assert_eq!(
        m.resource_for(&gvr("", "", "replicasets")).unwrap(),
        gvr("apps", "v1", "replicasets")
    );
    assert_eq!(
        m.resources_for(&gvr("", "", "replicasets")).unwrap(),
        vec![
            gvr("apps", "v1", "replicasets"),
            gvr("extensions", "v1beta1", "replicasets")
        ]
    );
    assert_eq!(
        m.kinds_for(&gvr("", "", "deployments")).unwrap(),
        vec![
            gvk("apps", "v1", "Deployment"),
            gvk("apps", "v1beta2", "Deployment")
        ]
    );
    // Group prefixes: `storageclass.storage` finds storage.k8s.io.
    assert_eq!(
        m.resource_for(&gvr("storage", "", "storageclass")).unwrap(),
        gvr("storage.k8s.io", "v1", "storageclasses")
    );
    // Singular names guessed when discovery has none; subresources are not mapped.
    assert_eq!(m.resource_singularizer("nodes").unwrap(), "node");
    assert_eq!(
        m.kind_for(&gvr("", "", "node")).unwrap(),
        gvk("", "v1", "Node")
    );
    assert!(
        m.resources_for(&gvr("", "", "pods/status"))
            .unwrap_err()
            .is_no_match()
    );
}

#[tokio::test]
async fn rest_mappings_prefer_requested_then_preferred_versions() {
    let m = mapper().await;
    let deployment = GroupKind::new("apps", "Deployment");
    let mapping = m.rest_mapping(&deployment, &[]).unwrap();
    assert_eq!(mapping.resource, gvr("apps", "v1", "deployments"));
    assert_eq!(mapping.scope, Scope::Namespaced);
    let old = m.rest_mapping(&deployment, &["v1beta2".into()]).unwrap();
    assert_eq!(old.group_version_kind, gvk("apps", "v1beta2", "Deployment"));
    assert_eq!(m.rest_mappings(&deployment, &[]).unwrap().len(), 2);
    let node = m.rest_mapping(&GroupKind::new("", "Node"), &[]).unwrap();
    assert_eq!(
        (node.resource, node.scope),
        (gvr("", "v1", "nodes"), Scope::Cluster)
    );
    // Lower-cased kinds and list kinds are known.
    assert_eq!(
        m.rest_mapping(&GroupKind::new("", "pod"), &[])
            .unwrap()
            .resource,
        gvr("", "v1", "pods")
    );
    assert!(m.rest_mapping(&GroupKind::new("", "PodList"), &[]).is_ok());
}

#[tokio::test]
async fn misses_are_no_match_errors() {
    let m = mapper().await;
    let error = m
        .rest_mapping(&GroupKind::new("apps", "Nope"), &[])
        .unwrap_err();
    assert!(error.is_no_match(), "{error}");
    assert_eq!(
        error.to_string(),
        r#"no matches for kind "Nope" in group "apps""#
    );
    let error = m
        .rest_mapping(&GroupKind::new("apps", "Deployment"), &["v9".into()])
        .unwrap_err();
    assert_eq!(
        error.to_string(),
        r#"no matches for kind "Deployment" in version "apps/v9""#
    );
    assert!(
        m.kind_for(&gvr("", "", "nothing"))
            .unwrap_err()
            .is_no_match()
    );
    assert!(
        m.kind_for(&gvr("apps", "v1", "pods"))
            .unwrap_err()
            .is_no_match()
    );
    assert!(matches!(
        m.kind_for(&gvr("", "v1", "")),
        Err(Error::MissingResource(_))
    ));
}

#[tokio::test]
async fn partial_discovery_failures_are_ignored() {
    let mut data = cluster();
    data.resources
        .retain(|l| l.group_version != "extensions/v1beta1");
    data.failed.insert(
        "extensions/v1beta1".into(),
        Error::EmptyResponse("x".into()),
    );
    let groups = get_api_group_resources(&Fake::new(data)).await.unwrap();
    let extensions = groups
        .iter()
        .find(|g| g.group.name == "extensions")
        .unwrap();
    assert!(extensions.versioned_resources.is_empty());
    let m = DiscoveryRestMapper::new(&groups);
    assert_eq!(
        m.resources_for(&gvr("", "", "replicasets")).unwrap(),
        vec![gvr("apps", "v1", "replicasets")]
    );
    assert!(m.kind_for(&gvr("", "", "jobs")).unwrap_err().is_no_match());
}

#[tokio::test]
async fn the_deferred_mapper_refreshes_once_on_a_stale_miss() {
    let fake = Fake::new(cluster());
    let deferred = DeferredDiscoveryRestMapper::new(Arc::clone(&fake));
    assert_eq!(
        deferred.kind_for(&gvr("", "", "pods")).await.unwrap().kind,
        "Pod"
    );
    // A new resource appears, but the cache is fresh: a miss is final.
    fake.data.lock().resources[0].resources.push(resource(
        "gizmos",
        "gizmo",
        "Gizmo",
        true,
        &[],
        &[],
    ));
    assert!(
        deferred
            .kind_for(&gvr("", "", "gizmos"))
            .await
            .unwrap_err()
            .is_no_match()
    );
    assert_eq!(fake.invalidations.load(Ordering::SeqCst), 0);
    // Stale cache: one reset, then found.
    fake.fresh.store(false, Ordering::SeqCst);
    assert_eq!(
        deferred
            .kind_for(&gvr("", "", "gizmos"))
            .await
            .unwrap()
            .kind,
        "Gizmo"
    );
    assert_eq!(fake.invalidations.load(Ordering::SeqCst), 1);
    // Hits do not reset.
    fake.fresh.store(false, Ordering::SeqCst);
    deferred.kind_for(&gvr("", "", "gizmos")).await.unwrap();
    assert_eq!(fake.invalidations.load(Ordering::SeqCst), 1);
    // A miss after reset with fresh data is returned as is (no loop).
    assert!(
        deferred
            .rest_mapping(&GroupKind::new("", "Nope"), &[])
            .await
            .unwrap_err()
            .is_no_match()
    );
    assert_eq!(fake.invalidations.load(Ordering::SeqCst), 2);
}

#[tokio::test]
async fn short_names_expand_like_kubectl() {
    let fake = Fake::new(cluster());
    let warnings = Arc::new(Mutex::new(Vec::<String>::new()));
    let sink = Arc::clone(&warnings);
    let expander = ShortcutExpander::new(
        DeferredDiscoveryRestMapper::new(Arc::clone(&fake)),
        Arc::clone(&fake),
        Some(Arc::new(move |w: &str| sink.lock().push(w.to_string()))),
    );
    let cases = [
        (gvr("", "", "po"), gvr("", "", "pods")),
        (gvr("", "v1", "po"), gvr("", "", "pods")),
        (gvr("", "", "sts"), gvr("apps", "", "statefulsets")),
        (gvr("", "", "deploy"), gvr("apps", "", "deployments")),
        (gvr("", "", "pods"), gvr("", "", "pods")),
        (gvr("", "", "pod"), gvr("", "", "pod")),
        (gvr("", "", "unknown"), gvr("", "", "unknown")),
        (
            gvr("extensions", "", "rs"),
            gvr("extensions", "", "replicasets"),
        ),
        (
            gvr("storage", "v1", "sc"),
            gvr("storage.k8s.io", "v1", "storageclasses"),
        ),
        (
            gvr("stable.example.com", "", "wd"),
            gvr("stable.example.com", "", "widgets"),
        ),
    ];
    for (input, expected) in cases {
        assert_eq!(
            expander.expand_resource_shortcut(&input).await,
            expected,
            "{input}"
        );
    }
    assert!(warnings.lock().is_empty(), "{:?}", warnings.lock());
    // `rs` is apps (first), and could also be extensions or widgets: one warning each.
    assert_eq!(
        expander.expand_resource_shortcut(&gvr("", "", "rs")).await,
        gvr("apps", "", "replicasets")
    );
    assert_eq!(
        *warnings.lock(),
        vec![
            r#"short name "rs" could also match lower priority resource replicasets.extensions"#.to_string(),
            r#"short name "rs" could also match lower priority resource widgets.stable.example.com"#.to_string(),
        ]
    );
    assert_eq!(
        expander.kind_for(&gvr("", "", "po")).await.unwrap(),
        gvk("", "v1", "Pod")
    );
    assert_eq!(
        expander.resource_for(&gvr("", "", "deploy")).await.unwrap(),
        gvr("apps", "v1", "deployments")
    );
    assert_eq!(expander.resource_singularizer("po").await.unwrap(), "pod");
    // A short name of a CRD installed later: the miss refreshes and expands again.
    fake.data.lock().resources[0].resources.push(resource(
        "gizmos",
        "gizmo",
        "Gizmo",
        true,
        &["gz"],
        &[],
    ));
    fake.fresh.store(false, Ordering::SeqCst);
    assert_eq!(
        expander.kind_for(&gvr("", "", "gz")).await.unwrap(),
        gvk("", "v1", "Gizmo")
    );
}

#[tokio::test]
async fn categories_expand_from_discovery_and_unions() {
    let fake = Fake::new(cluster());
    let discovered = DiscoveryCategoryExpander::new(Arc::clone(&fake));
    let all = discovered.expand("all").await.unwrap();
    assert_eq!(
        all,
        vec![
            GroupResource::new("", "pods"),
            GroupResource::new("", "services"),
            GroupResource::new("apps", "deployments"),
            GroupResource::new("apps", "replicasets"),
            GroupResource::new("apps", "statefulsets"),
            GroupResource::new("extensions", "replicasets"),
            GroupResource::new("extensions", "jobs"),
            GroupResource::new("stable.example.com", "widgets"),
        ]
    );
    assert_eq!(
        discovered.expand("example").await.unwrap(),
        vec![GroupResource::new("stable.example.com", "widgets")]
    );
    assert!(discovered.expand("nope").await.is_none());
    let simple = SimpleCategoryExpander {
        expansions: [(
            "example".to_string(),
            vec![
                GroupResource::new("", "pods"),
                GroupResource::new("stable.example.com", "widgets"),
            ],
        )]
        .into(),
    };
    let union = UnionCategoryExpander(vec![Arc::new(discovered), Arc::new(simple)]);
    assert_eq!(
        union.expand("example").await.unwrap(),
        vec![
            GroupResource::new("stable.example.com", "widgets"),
            GroupResource::new("", "pods")
        ]
    );
    assert!(union.expand("nope").await.is_none());
}
