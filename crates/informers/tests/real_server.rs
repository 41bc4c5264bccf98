//! The factories against a real kube-apiserver (`clientgo-envtest`).

#![allow(clippy::unwrap_used)] // tests panic on purpose when the server misbehaves

use std::sync::Arc;
use std::time::Duration;

use clientgo_api::apps::v1::{Deployment, DeploymentSpec};
use clientgo_api::core::v1::{ConfigMap, Container, PodSpec, PodTemplateSpec};
use clientgo_apimachinery::labels::Selector;
use clientgo_apimachinery::meta::{CreateOptions, LabelSelector, ObjectMeta};
use clientgo_apimachinery::{GroupVersionResource, Metadata, StringMap};
use clientgo_cache::CancellationToken;
use clientgo_clientcmd::{ClientConfig, ConfigOverrides, LoadingRules};
use clientgo_dynamic::DynamicClient;
use clientgo_informers::{
    DynamicSharedInformerFactory, MetadataSharedInformerFactory, SharedInformerFactory,
};
use clientgo_kubernetes::Clientset;
use clientgo_listers::Lister;
use clientgo_metadata::MetadataClient;

async fn config() -> clientgo_rest::Config {
    let cluster = clientgo_envtest::test_cluster().await.unwrap();
    let mut config = ClientConfig::new(
        LoadingRules::explicit(cluster.kubeconfig_path()),
        ConfigOverrides::default(),
    )
    .rest_config()
    .unwrap();
    config.qps = -1.0;
    config
}

async fn namespace(prefix: &str) -> String {
    let cluster = clientgo_envtest::test_cluster().await.unwrap();
    cluster.new_namespace(prefix).await.unwrap()
}

fn labelled(name: &str, labels: &[(&str, &str)]) -> ObjectMeta {
    let mut meta = ObjectMeta::named(name);
    meta.labels = labels
        .iter()
        .map(|(k, v)| (*k, clientgo_apimachinery::Str::from(*v)))
        .collect();
    meta
}

fn config_map(name: &str, labels: &[(&str, &str)]) -> ConfigMap {
    ConfigMap {
        metadata: labelled(name, labels),
        data: Some(StringMap::from([("k", name.into())])),
        ..ConfigMap::default()
    }
}

fn deployment(name: &str, labels: &[(&str, &str)]) -> Deployment {
    let selector: StringMap = StringMap::from([("app", name.into())]);
    Deployment {
        metadata: labelled(name, labels),
        spec: DeploymentSpec {
            selector: LabelSelector::from_labels(selector.clone()),
            template: PodTemplateSpec {
                metadata: Some(ObjectMeta {
                    labels: selector,
                    ..ObjectMeta::default()
                }),
                spec: Some(Box::new(PodSpec {
                    containers: vec![Container {
                        name: "web".into(),
                        image: Some("nginx".into()),
                        ..Container::default()
                    }],
                    ..PodSpec::default()
                })),
            },
            ..DeploymentSpec::default()
        },
        ..Deployment::default()
    }
}

/// Waits until `lister` holds exactly `expected` (sorted `namespace/name`).
async fn eventually<K: Metadata + clientgo_cache::CacheObject>(
    lister: &Lister<K>,
    expected: &[String],
) {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
    loop {
        let mut got: Vec<String> = lister
            .list(&Selector::everything())
            .iter()
            .map(|o| {
                let m = o.metadata();
                format!(
                    "{}/{}",
                    m.namespace.clone().unwrap_or_default(),
                    m.name.clone().unwrap_or_default()
                )
            })
            .collect();
        got.sort();
        if got == expected {
            return;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "cache never converged: got {got:?}, want {expected:?}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

fn keys(ns: &str, names: &[&str]) -> Vec<String> {
    let mut out: Vec<String> = names.iter().map(|n| format!("{ns}/{n}")).collect();
    out.sort();
    out
}

#[tokio::test]
async fn typed_factory_with_two_informers_namespace_and_tweak() {
    let config = config().await;
    let clientset = Clientset::new(&config).unwrap();
    let ns = namespace("informers-typed").await;
    let other = namespace("informers-other").await;
    let create = CreateOptions::default();
    let cms = clientset.core_v1().config_maps(&ns);
    let deps = clientset.apps_v1().deployments(&ns);

    // Before start: one matching and one filtered-out object of each type, plus one in
    // another namespace.
    cms.create(&config_map("before", &[("team", "a")]), &create)
        .await
        .unwrap();
    cms.create(&config_map("unlabelled", &[]), &create)
        .await
        .unwrap();
    deps.create(&deployment("before", &[("team", "a")]), &create)
        .await
        .unwrap();
    clientset
        .core_v1()
        .config_maps(&other)
        .create(&config_map("elsewhere", &[("team", "a")]), &create)
        .await
        .unwrap();

    let factory = SharedInformerFactory::new(clientset.clone(), Duration::ZERO)
        .with_namespace(ns.clone())
        .with_tweak_list_options(|o| o.label_selector = Some("team=a".into()));
    let cm_informer = factory.core_v1().config_maps();
    let dep_informer = factory.apps_v1().deployments();
    assert_eq!(factory.informer_count(), 2);
    let cancel = CancellationToken::new();
    factory.start(&cancel);
    let synced = factory.wait_for_cache_sync(&cancel).await;
    assert!(synced.all_synced(), "{synced:?}");
    assert_eq!(synced.synced::<ConfigMap>(), Some(true));
    assert_eq!(synced.synced::<Deployment>(), Some(true));

    let cm_lister = cm_informer.lister();
    let dep_lister = dep_informer.lister();
    eventually(&cm_lister, &keys(&ns, &["before"])).await;
    eventually(&dep_lister, &keys(&ns, &["before"])).await;

    // After start: the informers follow creations, and the filters still apply.
    cms.create(&config_map("after", &[("team", "a")]), &create)
        .await
        .unwrap();
    cms.create(&config_map("after-other-team", &[("team", "b")]), &create)
        .await
        .unwrap();
    deps.create(&deployment("after", &[("team", "a")]), &create)
        .await
        .unwrap();
    clientset
        .core_v1()
        .config_maps(&other)
        .create(&config_map("elsewhere-after", &[("team", "a")]), &create)
        .await
        .unwrap();
    eventually(&cm_lister, &keys(&ns, &["after", "before"])).await;
    eventually(&dep_lister, &keys(&ns, &["after", "before"])).await;
    let got = cm_lister.namespace(&ns).get("after").unwrap();
    assert_eq!(got.data.as_ref().unwrap()["k"], "after");
    assert!(cm_lister.namespace(&other).get("elsewhere").is_err());
    assert_eq!(
        cm_lister
            .namespace(&ns)
            .get("unlabelled")
            .unwrap_err()
            .to_string(),
        r#"configmap "unlabelled" not found"#
    );

    // Deletions reach the cache too.
    cms.delete("after", &Default::default()).await.unwrap();
    eventually(&cm_lister, &keys(&ns, &["before"])).await;

    // Shutdown after cancel returns and leaves no informer running.
    cancel.cancel();
    tokio::time::timeout(Duration::from_secs(10), factory.shutdown())
        .await
        .expect("shutdown returns after cancel");
    assert!(cm_informer.informer().is_stopped());
    assert!(dep_informer.informer().is_stopped());
}

#[tokio::test]
async fn dynamic_and_metadata_factories_see_the_same_config_maps() {
    let config = config().await;
    let clientset = Clientset::new(&config).unwrap();
    let ns = namespace("informers-generic").await;
    let create = CreateOptions::default();
    let cms = clientset.core_v1().config_maps(&ns);
    cms.create(&config_map("one", &[("app", "x")]), &create)
        .await
        .unwrap();

    let gvr = GroupVersionResource::new("", "v1", "configmaps");
    let dynamic =
        DynamicSharedInformerFactory::new(DynamicClient::new(&config).unwrap(), Duration::ZERO)
            .with_namespace(ns.clone());
    let metadata =
        MetadataSharedInformerFactory::new(MetadataClient::new(&config).unwrap(), Duration::ZERO)
            .with_namespace(ns.clone());
    let d = dynamic.for_resource(&gvr);
    let m = metadata.for_resource(&gvr);
    let cancel = CancellationToken::new();
    dynamic.start(&cancel);
    metadata.start(&cancel);
    assert_eq!(
        dynamic.wait_for_cache_sync(&cancel).await.get(&gvr),
        Some(true)
    );
    assert_eq!(
        metadata.wait_for_cache_sync(&cancel).await.get(&gvr),
        Some(true)
    );

    cms.create(&config_map("two", &[("app", "y")]), &create)
        .await
        .unwrap();
    let expected = keys(&ns, &["one", "two"]);
    eventually(&m.lister(), &expected).await;
    let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
    loop {
        let mut got: Vec<String> = d
            .lister()
            .namespace(&ns)
            .list(&Selector::everything())
            .iter()
            .map(|o| {
                format!(
                    "{}/{}",
                    o.namespace().unwrap_or_default(),
                    o.name().unwrap_or_default()
                )
            })
            .collect();
        got.sort();
        if got == expected {
            break;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "dynamic cache: {got:?}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    // Both caches agree on the resource versions, and the dynamic one has the data.
    let two: Arc<_> = d.lister().namespace(&ns).get("two").unwrap();
    assert_eq!(two.nested_string(&["data", "k"]).unwrap(), Some("two"));
    let two_meta = m.lister().namespace(&ns).get("two").unwrap();
    assert_eq!(
        two.resource_version(),
        two_meta.metadata.resource_version.as_deref()
    );
    assert_eq!(m.lister().list(&Selector::parse("app=x").unwrap()).len(), 1);
    assert_eq!(
        d.lister()
            .namespace(&ns)
            .get("three")
            .unwrap_err()
            .to_string(),
        r#"configmaps "three" not found"#
    );

    cancel.cancel();
    dynamic.shutdown().await;
    metadata.shutdown().await;
    assert!(d.informer().is_stopped() && m.informer().is_stopped());
}

#[tokio::test]
async fn for_resource_gives_a_generic_informer_with_the_factory_options() {
    let config = config().await;
    let clientset = Clientset::new(&config).unwrap();
    let ns = namespace("informers-for-resource").await;
    let create = CreateOptions::default();
    let cms = clientset.core_v1().config_maps(&ns);
    cms.create(&config_map("kept", &[("team", "a")]), &create)
        .await
        .unwrap();
    cms.create(&config_map("filtered", &[("team", "b")]), &create)
        .await
        .unwrap();

    let factory = SharedInformerFactory::new(clientset.clone(), Duration::ZERO)
        .with_namespace(ns.clone())
        .with_tweak_list_options(|o| o.label_selector = Some("team=a".into()));
    let gvr = GroupVersionResource::new("", "v1", "configmaps");
    let generic = factory.for_resource(&gvr).unwrap();
    assert!(
        factory
            .for_resource(&GroupVersionResource::new("example.com", "v1", "widgets"))
            .is_none(),
        "no informer for a resource without a generated type"
    );
    let cancel = CancellationToken::new();
    factory.start(&cancel);
    factory.wait_for_cache_sync(&cancel).await;
    assert!(generic.informer().has_synced());
    let names: Vec<String> = generic
        .lister()
        .list(&Selector::everything())
        .iter()
        .map(|o| o.name().unwrap_or_default().to_string())
        .collect();
    assert_eq!(names, ["kept"]);
    // The same informer is handed out again.
    assert_eq!(
        factory
            .for_resource(&gvr)
            .unwrap()
            .informer()
            .get_store()
            .list_keys(),
        [format!("{ns}/kept")]
    );
    cancel.cancel();
    factory.shutdown().await;
    assert!(generic.informer().is_stopped());
}
