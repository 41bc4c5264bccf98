//! Discovery against the real API server: version, aggregated and legacy discovery
//! agree, new CRDs appear, and an APIService without a backend is a partial failure
//! that still returns every other group.

#![allow(clippy::unwrap_used)] // test helpers panic on purpose when the server misbehaves

use std::collections::BTreeSet;
use std::time::Duration;

use clientgo_apimachinery::meta::CreateOptions;
use clientgo_apimachinery::{ApiStatus, GroupVersionResource, Unstructured};
use clientgo_clientcmd::{ClientConfig, ConfigOverrides, LoadingRules};
use clientgo_discovery::{Discovery, DiscoveryClient};
use clientgo_dynamic::DynamicClient;
use serde_json::json;

async fn config() -> clientgo_rest::Config {
    let cluster = clientgo_envtest::test_cluster().await.unwrap();
    let rules = LoadingRules::explicit(cluster.kubeconfig_path());
    ClientConfig::new(rules, ConfigOverrides::default())
        .rest_config()
        .unwrap()
}

/// (group version, resource, kind, namespaced, verbs) of everything discovered.
fn summary(discovery: &Discovery) -> BTreeSet<(String, String, String, bool, Vec<String>)> {
    discovery
        .resources
        .iter()
        .flat_map(|list| {
            list.resources.iter().map(|r| {
                let mut verbs = r.verbs.clone();
                verbs.sort();
                (
                    list.group_version.clone(),
                    r.name.clone(),
                    r.kind.clone(),
                    r.namespaced,
                    verbs,
                )
            })
        })
        .collect()
}

fn group_versions(discovery: &Discovery) -> BTreeSet<String> {
    discovery
        .groups
        .iter()
        .flat_map(|g| g.versions.iter().map(|v| v.group_version.clone()))
        .collect()
}

#[tokio::test]
async fn envtest_only_the_server_version_is_the_running_release() {
    let discovery = DiscoveryClient::new(&config().await).unwrap();
    let version = discovery.server_version().await.unwrap();
    assert_eq!(
        version.git_version,
        format!("v{}", clientgo_envtest::default_version())
    );
    assert_eq!(version.major, "1");
}

#[tokio::test]
async fn aggregated_and_legacy_discovery_agree() {
    let discovery = DiscoveryClient::new(&config().await).unwrap();
    let aggregated = discovery.server_groups_and_resources().await.unwrap();
    let legacy = discovery.legacy_groups_and_resources().await.unwrap();
    assert!(
        aggregated.aggregated,
        "the server did not answer with aggregated discovery"
    );
    assert!(!legacy.aggregated);
    // The other test of this file registers an APIService without a backend at the same
    // time; depending on timing each kind of discovery lists it, omits it or reports it
    // failed. Compare everything else.
    let unsettled = |gv: &String| gv.starts_with("missing.clientgo.dev/");
    let mut aggregated_versions = group_versions(&aggregated);
    aggregated_versions.retain(|gv| !unsettled(gv));
    let mut legacy_versions = group_versions(&legacy);
    legacy_versions.retain(|gv| !unsettled(gv));
    assert_eq!(aggregated_versions, legacy_versions);
    assert!(
        aggregated.failed.keys().all(unsettled),
        "{:?}",
        aggregated.failed.keys()
    );
    assert!(
        legacy.failed.keys().all(unsettled),
        "{:?}",
        legacy.failed.keys()
    );
    let settled = |summary: BTreeSet<(String, String, String, bool, Vec<String>)>| {
        summary
            .into_iter()
            .filter(|entry| !unsettled(&entry.0))
            .collect::<BTreeSet<_>>()
    };
    let (a, l) = (settled(summary(&aggregated)), settled(summary(&legacy)));
    let only_aggregated: Vec<_> = a.difference(&l).collect();
    let only_legacy: Vec<_> = l.difference(&a).collect();
    assert!(
        only_aggregated.is_empty() && only_legacy.is_empty(),
        "only aggregated: {only_aggregated:?}\nonly legacy: {only_legacy:?}"
    );
    let pods = aggregated.resources_for("v1").unwrap();
    let pod = pods.resources.iter().find(|r| r.name == "pods").unwrap();
    assert!(pod.short_names.contains(&"po".to_string()));
    assert!(pod.categories.contains(&"all".to_string()));
    assert!(pods.resources.iter().any(|r| r.name == "pods/status"));
    assert_eq!(aggregated.groups[0].name, "", "the core group comes first");
}

#[tokio::test]
async fn an_api_service_without_backend_is_a_partial_failure() {
    let config = config().await;
    let dynamic = DynamicClient::new(&config).unwrap();
    let api_service = Unstructured::from_value(json!({
        "apiVersion": "apiregistration.k8s.io/v1",
        "kind": "APIService",
        "metadata": {"name": "v1.missing.clientgo.dev"},
        "spec": {
            "group": "missing.clientgo.dev", "version": "v1",
            "service": {"name": "nowhere", "namespace": "default", "port": 443},
            "groupPriorityMinimum": 1000, "versionPriority": 15,
            "insecureSkipTLSVerify": true,
        },
    }))
    .unwrap();
    let api_services = dynamic.resource(&GroupVersionResource::new(
        "apiregistration.k8s.io",
        "v1",
        "apiservices",
    ));
    match api_services
        .create(&api_service, &CreateOptions::default(), &[])
        .await
    {
        Ok(_) => {}
        Err(error) if error.is_already_exists() => {}
        Err(error) => panic!("creating the APIService: {error}"),
    }
    let discovery = DiscoveryClient::new(&config).unwrap();
    // The group is listed at once; its resources cannot be fetched.
    let mut legacy = discovery.legacy_groups_and_resources().await.unwrap();
    for _ in 0..50 {
        if legacy.failed.contains_key("missing.clientgo.dev/v1") {
            break;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
        legacy = discovery.legacy_groups_and_resources().await.unwrap();
    }
    assert!(!legacy.is_complete());
    let error = &legacy.failed["missing.clientgo.dev/v1"];
    assert!(
        error.is_service_unavailable() || error.status().is_some(),
        "{error}"
    );
    assert_eq!(legacy.failed.len(), 1, "{:?}", legacy.failed.keys());
    assert!(
        legacy.resources_for("apps/v1").is_some(),
        "other groups are still returned"
    );
    assert!(legacy.resources_for("v1").is_some());
}
