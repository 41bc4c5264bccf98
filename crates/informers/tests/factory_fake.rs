//! The factories against the in-process fake API server of `clientgo-testing`: sharing,
//! start/sync/shutdown life cycle, options.

#![allow(clippy::unwrap_used)]

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use clientgo_api::apps::v1::Deployment;
use clientgo_api::core::v1::ConfigMap;
use clientgo_apimachinery::labels::Selector;
use clientgo_apimachinery::{ApiStatus, GroupVersionResource};
use clientgo_cache::{CancellationToken, ResourceEventHandlerFuncs};
use clientgo_dynamic::DynamicClient;
use clientgo_informers::{
    DynamicSharedInformerFactory, MetadataSharedInformerFactory, SharedInformerFactory,
};
use clientgo_kubernetes::Clientset;
use clientgo_metadata::MetadataClient;
use clientgo_testing::FakeApiServer;
use serde_json::json;

fn config_map(ns: &str, name: &str, app: &str) -> serde_json::Value {
    json!({
        "apiVersion": "v1", "kind": "ConfigMap",
        "metadata": {"name": name, "namespace": ns, "labels": {"app": app},
                     "annotations": {"note": "x"}},
        "data": {"k": "v"},
    })
}

fn deployment(ns: &str, name: &str) -> serde_json::Value {
    json!({
        "apiVersion": "apps/v1", "kind": "Deployment",
        "metadata": {"name": name, "namespace": ns},
        "spec": {"selector": {"matchLabels": {"app": name}},
                 "template": {"metadata": {"labels": {"app": name}}}},
    })
}

async fn fake() -> FakeApiServer {
    FakeApiServer::with_objects([
        config_map("a", "web", "web"),
        config_map("a", "db", "db"),
        config_map("b", "web", "web"),
        deployment("a", "web"),
    ])
    .await
    .unwrap()
}

fn clientset(fake: &FakeApiServer) -> Clientset {
    Clientset::new(&fake.rest_config()).unwrap()
}

fn names(items: &[Arc<ConfigMap>]) -> Vec<String> {
    let mut out: Vec<String> = items
        .iter()
        .map(|o| {
            format!(
                "{}/{}",
                o.metadata.namespace.clone().unwrap_or_default(),
                o.metadata.name.clone().unwrap_or_default()
            )
        })
        .collect();
    out.sort();
    out
}

#[tokio::test]
async fn one_informer_per_type_even_when_requested_twice() {
    let fake = fake().await;
    let factory = SharedInformerFactory::new(clientset(&fake), Duration::ZERO);
    let first = factory.typed::<ConfigMap>();
    let second = factory.core_v1().config_maps();
    let _third = factory.clone().typed::<ConfigMap>(); // clones share informers
    assert_eq!(factory.informer_count(), 1);
    // Same informer: a handler added through one is counted by the other.
    first
        .informer()
        .add_event_handler(ResourceEventHandlerFuncs::<ConfigMap>::new())
        .unwrap();
    assert_eq!(second.informer().handler_count(), 1);
    let _deployments = factory.apps_v1().deployments();
    assert_eq!(factory.informer_count(), 2);

    let cancel = CancellationToken::new();
    factory.start(&cancel);
    factory.start(&cancel); // idempotent
    assert_eq!(factory.started_count(), 2);
    let synced = factory.wait_for_cache_sync(&cancel).await;
    assert!(synced.all_synced(), "{synced:?}");
    assert_eq!(synced.len(), 2);
    assert_eq!(
        names(&second.lister().list(&Selector::everything())).len(),
        3
    );
    cancel.cancel();
    factory.shutdown().await;
    assert!(first.informer().is_stopped());
}

#[tokio::test]
async fn informers_requested_after_start_wait_for_the_next_start() {
    let fake = fake().await;
    let factory = SharedInformerFactory::new(clientset(&fake), Duration::ZERO);
    let config_maps = factory.typed::<ConfigMap>();
    let cancel = CancellationToken::new();
    factory.start(&cancel);
    let deployments = factory.typed::<Deployment>();
    assert_eq!((factory.informer_count(), factory.started_count()), (2, 1));

    let synced = factory.wait_for_cache_sync(&cancel).await;
    assert_eq!(synced.synced::<ConfigMap>(), Some(true));
    assert_eq!(
        synced.synced::<Deployment>(),
        None,
        "not started: not reported"
    );
    assert!(config_maps.informer().has_synced());
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert!(!deployments.informer().has_synced(), "never started");

    factory.start(&cancel);
    let synced = factory.wait_for_cache_sync(&cancel).await;
    assert_eq!(synced.synced::<Deployment>(), Some(true));
    assert!(synced.unsynced().is_empty());
    assert_eq!(
        deployments
            .lister()
            .namespace("a")
            .get("web")
            .unwrap()
            .metadata
            .name
            .as_deref(),
        Some("web")
    );
    let missing = deployments.lister().namespace("b").get("web").unwrap_err();
    assert!(missing.is_not_found());
    assert_eq!(missing.to_string(), r#"deployment.apps "web" not found"#);
    cancel.cancel();
    factory.shutdown().await;
}

#[tokio::test]
async fn wait_for_cache_sync_reports_false_when_cancelled_first() {
    let fake = fake().await;
    // Every list fails: the informer cannot sync.
    fake.prepend_reactor("list", "configmaps", |_| {
        Some(clientgo_testing::Reaction::error(
            500,
            clientgo_apimachinery::meta::StatusReason::InternalError,
            "broken",
        ))
    });
    fake.prepend_reactor("watch", "configmaps", |_| {
        Some(clientgo_testing::Reaction::error(
            500,
            clientgo_apimachinery::meta::StatusReason::InternalError,
            "broken",
        ))
    });
    let factory = SharedInformerFactory::new(clientset(&fake), Duration::ZERO);
    factory.typed::<ConfigMap>();
    let run = CancellationToken::new();
    factory.start(&run);
    let wait = CancellationToken::new();
    let waiter = {
        let wait = wait.clone();
        tokio::spawn(async move {
            tokio::time::sleep(Duration::from_millis(300)).await;
            wait.cancel();
        })
    };
    let synced = factory.wait_for_cache_sync(&wait).await;
    waiter.await.unwrap();
    assert_eq!(synced.synced::<ConfigMap>(), Some(false));
    assert!(!synced.all_synced());
    assert_eq!(synced.unsynced().len(), 1);
    assert!(
        synced.unsynced()[0].contains("ConfigMap"),
        "{:?}",
        synced.unsynced()
    );
    run.cancel();
    factory.shutdown().await;
}

#[tokio::test]
async fn custom_resync_applies_to_its_type_only() {
    let fake = fake().await;
    let factory = SharedInformerFactory::new(clientset(&fake), Duration::ZERO)
        .with_custom_resync::<ConfigMap>(Duration::from_secs(1));
    assert_eq!(
        factory.resync_period_of::<ConfigMap>(),
        Duration::from_secs(1)
    );
    assert_eq!(factory.resync_period_of::<Deployment>(), Duration::ZERO);
    assert_eq!(
        factory.informer_options::<ConfigMap>().resync_period,
        Duration::from_secs(1)
    );
    let cm_updates = Arc::new(AtomicUsize::new(0));
    let deploy_updates = Arc::new(AtomicUsize::new(0));
    factory
        .typed::<ConfigMap>()
        .informer()
        .add_event_handler(ResourceEventHandlerFuncs::<ConfigMap>::new().on_update({
            let n = Arc::clone(&cm_updates);
            move |_, _| {
                n.fetch_add(1, Ordering::SeqCst);
            }
        }))
        .unwrap();
    factory
        .typed::<Deployment>()
        .informer()
        .add_event_handler(ResourceEventHandlerFuncs::<Deployment>::new().on_update({
            let n = Arc::clone(&deploy_updates);
            move |_, _| {
                n.fetch_add(1, Ordering::SeqCst);
            }
        }))
        .unwrap();
    let cancel = CancellationToken::new();
    factory.start(&cancel);
    assert!(factory.wait_for_cache_sync(&cancel).await.all_synced());
    tokio::time::sleep(Duration::from_millis(2500)).await;
    assert!(
        cm_updates.load(Ordering::SeqCst) >= 3,
        "3 config maps resynced at least once: {}",
        cm_updates.load(Ordering::SeqCst)
    );
    assert_eq!(
        deploy_updates.load(Ordering::SeqCst),
        0,
        "no resync by default"
    );
    cancel.cancel();
    factory.shutdown().await;
}

#[tokio::test]
async fn namespace_tweak_and_transform_options() {
    let fake = fake().await;
    let factory = SharedInformerFactory::new(clientset(&fake), Duration::ZERO)
        .with_namespace("a")
        .with_tweak_list_options(|o| o.label_selector = Some("app=web".into()))
        .with_transform(|m| {
            m.metadata_mut().annotations.clear();
            Ok(())
        })
        .with_informer_name("test-factory");
    assert_eq!(factory.namespace(), "a");
    let config_maps = factory.core_v1().config_maps();
    let cancel = CancellationToken::new();
    factory.start(&cancel);
    assert!(factory.wait_for_cache_sync(&cancel).await.all_synced());
    let all = config_maps.lister().list(&Selector::everything());
    assert_eq!(names(&all), ["a/web"], "namespace a and app=web only");
    assert!(all[0].metadata.annotations.is_empty(), "transformed");
    assert!(format!("{factory:?}").contains("test-factory"));

    // The tweak reaches lists and watches alike, in the namespace.
    tokio::time::sleep(Duration::from_millis(100)).await;
    let requests: Vec<_> = fake
        .actions()
        .into_iter()
        .filter(|a| a.resource.resource == "configmaps")
        .collect();
    assert!(!requests.is_empty());
    for action in &requests {
        assert_eq!(action.namespace, "a", "{action:?}");
        assert!(
            action
                .query
                .iter()
                .any(|(k, v)| k == "labelSelector" && v == "app=web"),
            "{action:?}"
        );
    }
    assert!(
        requests.iter().any(|a| a.verb.as_str() == "watch"),
        "{requests:?}"
    );
    cancel.cancel();
    factory.shutdown().await;
}

#[tokio::test]
async fn shutdown_waits_for_cancel_and_stops_later_starts() {
    let fake = fake().await;
    let factory = SharedInformerFactory::new(clientset(&fake), Duration::ZERO);
    let config_maps = factory.typed::<ConfigMap>();
    let cancel = CancellationToken::new();
    factory.start(&cancel);
    assert!(factory.wait_for_cache_sync(&cancel).await.all_synced());

    // Without cancelling, shutdown keeps waiting for the informer task.
    let early = tokio::time::timeout(Duration::from_millis(300), factory.shutdown()).await;
    assert!(
        early.is_err(),
        "shutdown must wait for the running informer"
    );
    assert!(!config_maps.informer().is_stopped());

    cancel.cancel();
    tokio::time::timeout(Duration::from_secs(10), factory.shutdown())
        .await
        .unwrap();
    assert!(config_maps.informer().is_stopped());

    // After shutdown, start does nothing.
    let deployments = factory.typed::<Deployment>();
    factory.start(&CancellationToken::new());
    assert_eq!(factory.started_count(), 1);
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert!(!deployments.informer().has_synced());
}

#[tokio::test]
async fn dynamic_and_metadata_factories_share_per_resource() {
    let fake = fake().await;
    let gvr = GroupVersionResource::new("", "v1", "configmaps");
    let dynamic = DynamicSharedInformerFactory::new(
        DynamicClient::new(&fake.rest_config()).unwrap(),
        Duration::ZERO,
    )
    .with_namespace("a");
    let metadata = MetadataSharedInformerFactory::new(
        MetadataClient::new(&fake.rest_config()).unwrap(),
        Duration::ZERO,
    )
    .with_tweak_list_options(|o| o.label_selector = Some("app=web".into()));
    let d = dynamic.for_resource(&gvr);
    let _again = dynamic.for_resource(&gvr);
    assert_eq!(dynamic.informer_count(), 1);
    let m = metadata.for_resource(&gvr);
    assert_eq!(m.resource(), &gvr);

    let cancel = CancellationToken::new();
    dynamic.start(&cancel);
    metadata.start(&cancel);
    let synced = dynamic.wait_for_cache_sync(&cancel).await;
    assert_eq!(synced.get(&gvr), Some(true));
    assert!(metadata.wait_for_cache_sync(&cancel).await.all_synced());

    let mut dyn_names: Vec<String> = d
        .lister()
        .list(&Selector::everything())
        .iter()
        .map(|o| o.name().unwrap_or_default().to_owned())
        .collect();
    dyn_names.sort();
    assert_eq!(dyn_names, ["db", "web"]);
    let web = d.lister().namespace("a").get("web").unwrap();
    assert_eq!(web.nested_string(&["data", "k"]).unwrap(), Some("v"));
    assert_eq!(
        d.lister()
            .namespace("a")
            .get("nope")
            .unwrap_err()
            .to_string(),
        r#"configmaps "nope" not found"#
    );
    assert_eq!(
        d.lister().list(&Selector::parse("app=db").unwrap()).len(),
        1,
        "labels of unstructured objects are matched"
    );

    let mut meta_keys: Vec<String> = m
        .lister()
        .list(&Selector::everything())
        .iter()
        .map(|o| {
            format!(
                "{}/{}",
                o.metadata.namespace.clone().unwrap_or_default(),
                o.metadata.name.clone().unwrap_or_default()
            )
        })
        .collect();
    meta_keys.sort();
    assert_eq!(meta_keys, ["a/web", "b/web"]);

    cancel.cancel();
    dynamic.shutdown().await;
    metadata.shutdown().await;
    assert!(d.informer().is_stopped() && m.informer().is_stopped());
}
