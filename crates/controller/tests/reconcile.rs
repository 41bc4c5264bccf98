//! The controller against the real server: a ConfigMap "mirror" controller that keeps a
//! copy of each labelled ConfigMap, owned by it. Creation, update propagation, a
//! tampered copy restored through the owned watch, retries with backoff, requeue-after,
//! metrics, and a stop that returns.

#![allow(clippy::unwrap_used)]

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use clientgo_api::core::v1::ConfigMap;
use clientgo_api::core::v1::apply::ConfigMapApplyConfiguration;
use clientgo_apimachinery::meta::{ApplyOptions, CreateOptions, ObjectMeta, OwnerReference};
use clientgo_cache::watch_tools::await_condition;
use clientgo_clientcmd::{ClientConfig, ConfigOverrides, LoadingRules};
use clientgo_controller::{Action, Controller, ControllerMetrics};
use clientgo_kubernetes::{Client, Clientset};
use parking_lot::Mutex;
use tokio_util::sync::CancellationToken;

const WAIT: Duration = Duration::from_secs(20);

fn source(name: &str, value: &str, extra: &[(&str, &str)]) -> ConfigMap {
    let mut labels = vec![("mirror".to_owned(), "yes".to_owned())];
    labels.extend(extra.iter().map(|(k, v)| (k.to_string(), v.to_string())));
    ConfigMap {
        metadata: ObjectMeta {
            name: Some(name.into()),
            labels: labels.into_iter().collect(),
            ..ObjectMeta::default()
        },
        data: Some(
            [("value".to_owned(), value.to_owned())]
                .into_iter()
                .collect(),
        ),
        ..ConfigMap::default()
    }
}

/// The copy's `value`, once it equals `expected`.
async fn copy_has(maps: &Client<ConfigMap>, name: &str, expected: &str) {
    let wanted = expected.to_owned();
    await_condition::<ConfigMap>(maps.requests().clone(), name, WAIT, move |copy| {
        copy.and_then(|c| c.data.as_ref())
            .and_then(|d| d.get("value"))
            .is_some_and(|v| *v == wanted)
    })
    .await
    .unwrap_or_else(|e| panic!("{name} never had value {expected:?}: {e}"));
}

#[tokio::test]
async fn a_mirror_controller_keeps_its_copies() {
    let cluster = clientgo_envtest::test_cluster().await.unwrap();
    let mut config = ClientConfig::new(
        LoadingRules::explicit(cluster.kubeconfig_path()),
        ConfigOverrides::default(),
    )
    .rest_config()
    .unwrap();
    config.qps = -1.0;
    let clientset = Clientset::new(&config).unwrap();
    let namespace = cluster.new_namespace("controller").await.unwrap();
    let maps = clientset.core_v1().config_maps(&namespace);

    let registry = prometheus::Registry::new();
    let metrics = ControllerMetrics::register(&registry).unwrap();
    let attempts: Arc<Mutex<HashMap<String, usize>>> = Arc::default();
    let controller = Controller::new("mirror", &maps)
        .owns(&maps)
        .workers(2)
        .metrics(&metrics);
    let cancel = CancellationToken::new();
    let running = tokio::spawn({
        let (maps, attempts, cancel) = (maps.clone(), Arc::clone(&attempts), cancel.clone());
        controller.run(cancel, move |object: Arc<ConfigMap>| {
            let (maps, attempts) = (maps.clone(), Arc::clone(&attempts));
            async move {
                let name = object.metadata.name.clone().unwrap();
                let attempt = {
                    let mut attempts = attempts.lock();
                    let count = attempts.entry(name.to_string()).or_default();
                    *count += 1;
                    *count
                };
                let labels = &object.metadata.labels;
                if labels.get_str("mirror") != Some("yes") {
                    return Ok(Action::done());
                }
                let fail_times: usize = labels.get("fail-times").map_or(0, |n| n.parse().unwrap());
                if attempt <= fail_times {
                    return Err(format!("attempt {attempt} of {name} fails on purpose"));
                }
                let value = object.data.as_ref().and_then(|d| d.get("value")).cloned();
                let copy = ConfigMapApplyConfiguration::new(
                    format!("{name}-copy"),
                    object.metadata.namespace.clone().unwrap(),
                )
                .with_labels([("mirror", "copy")])
                .with_data([("value", value.unwrap_or_default())])
                .with_owner_references([OwnerReference::controller_of(object.as_ref())
                    .unwrap()
                    .into()]);
                let apply = ApplyOptions {
                    force: true,
                    ..ApplyOptions::new("mirror-controller")
                };
                maps.apply(&copy, &apply).await.map_err(|e| e.to_string())?;
                if labels.contains_key("periodic") {
                    return Ok(Action::requeue_after(Duration::from_millis(200)));
                }
                Ok(Action::done())
            }
        })
    });

    // Created, then updated: the copy follows.
    let create = CreateOptions::default();
    maps.create(&source("app", "1", &[]), &create)
        .await
        .unwrap();
    copy_has(&maps, "app-copy", "1").await;
    let mut app = maps.get("app", &Default::default()).await.unwrap();
    app.data = Some([("value".to_owned(), "2".to_owned())].into_iter().collect());
    maps.update(&app, &Default::default()).await.unwrap();
    copy_has(&maps, "app-copy", "2").await;

    // Tampered with: the owned watch reconciles the owner, which restores it.
    let mut copy = maps.get("app-copy", &Default::default()).await.unwrap();
    copy.data = Some(
        [("value".to_owned(), "tampered".to_owned())]
            .into_iter()
            .collect(),
    );
    maps.update(&copy, &Default::default()).await.unwrap();
    copy_has(&maps, "app-copy", "2").await;

    // Two failures, retried with backoff, then success.
    maps.create(&source("flaky", "f", &[("fail-times", "2")]), &create)
        .await
        .unwrap();
    copy_has(&maps, "flaky-copy", "f").await;
    assert!(attempts.lock()["flaky"] >= 3);

    // Requeued every 200 ms without any event.
    maps.create(&source("tick", "t", &[("periodic", "on")]), &create)
        .await
        .unwrap();
    copy_has(&maps, "tick-copy", "t").await;
    let before = attempts.lock()["tick"];
    tokio::time::sleep(Duration::from_millis(1500)).await;
    let after = attempts.lock()["tick"];
    assert!(
        after >= before + 3,
        "requeued {} times in 1.5 s",
        after - before
    );

    let families = registry.gather();
    let count = |name: &str, label: Option<(&str, &str)>| -> f64 {
        families
            .iter()
            .filter(|f| f.name() == name)
            .flat_map(|f| f.get_metric().iter())
            .filter(|m| {
                label.is_none_or(|(k, v)| {
                    m.get_label()
                        .iter()
                        .any(|l| l.name() == k && l.value() == v)
                })
            })
            .map(|m| m.get_counter().get_value())
            .sum()
    };
    assert!(count("controller_runtime_reconcile_errors_total", None) >= 2.0);
    assert!(
        count(
            "controller_runtime_reconcile_total",
            Some(("result", "success"))
        ) >= 3.0
    );
    assert!(
        count(
            "controller_runtime_reconcile_total",
            Some(("result", "requeue_after"))
        ) >= 3.0
    );
    assert!(families.iter().any(|f| f.name() == "workqueue_adds_total"));

    cancel.cancel();
    tokio::time::timeout(Duration::from_secs(10), running)
        .await
        .expect("the controller stops")
        .unwrap();
}
