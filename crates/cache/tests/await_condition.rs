//! `await_condition` against the real server: a condition met later, one met already,
//! deletion, a CRD becoming Established, and the timeout.

#![allow(clippy::unwrap_used)]

use std::time::Duration;

use clientgo_api::apiextensions::v1::CustomResourceDefinition;
use clientgo_api::core::v1::ConfigMap;
use clientgo_apimachinery::meta::{CreateOptions, DeleteOptions, ObjectMeta};
use clientgo_cache::Error;
use clientgo_cache::watch_tools::{await_condition, conditions};
use clientgo_clientcmd::{ClientConfig, ConfigOverrides, LoadingRules};
use clientgo_kubernetes::Clientset;

async fn clientset() -> Clientset {
    let cluster = clientgo_envtest::test_cluster().await.unwrap();
    let config = ClientConfig::new(
        LoadingRules::explicit(cluster.kubeconfig_path()),
        ConfigOverrides::default(),
    )
    .rest_config()
    .unwrap();
    Clientset::new(&config).unwrap()
}

fn config_map(name: &str) -> ConfigMap {
    ConfigMap {
        metadata: ObjectMeta {
            name: Some(name.into()),
            ..ObjectMeta::default()
        },
        ..ConfigMap::default()
    }
}

#[tokio::test]
async fn waits_for_existence_deletion_and_times_out() {
    let clientset = clientset().await;
    let cluster = clientgo_envtest::test_cluster().await.unwrap();
    let namespace = cluster.new_namespace("await").await.unwrap();
    let maps = clientset.core_v1().config_maps(&namespace);

    // Created while the wait runs.
    let creator = {
        let maps = maps.clone();
        tokio::spawn(async move {
            tokio::time::sleep(Duration::from_millis(300)).await;
            maps.create(&config_map("later"), &CreateOptions::default())
                .await
                .unwrap();
        })
    };
    let appeared = await_condition::<ConfigMap>(
        maps.requests().clone(),
        "later",
        Duration::from_secs(10),
        conditions::exists,
    )
    .await
    .unwrap();
    assert_eq!(appeared.unwrap().metadata.name.as_deref(), Some("later"));
    creator.await.unwrap();

    // Already true: answered from the synced state.
    let present = await_condition::<ConfigMap>(
        maps.requests().clone(),
        "later",
        Duration::from_secs(10),
        conditions::exists,
    )
    .await
    .unwrap();
    assert!(present.is_some());

    // Not deleted within the timeout.
    let timed_out = await_condition::<ConfigMap>(
        maps.requests().clone(),
        "later",
        Duration::from_millis(500),
        conditions::is_deleted,
    )
    .await
    .unwrap_err();
    assert!(matches!(timed_out, Error::WaitInterrupted), "{timed_out}");

    // Deleted while the wait runs.
    let deleter = {
        let maps = maps.clone();
        tokio::spawn(async move {
            tokio::time::sleep(Duration::from_millis(300)).await;
            maps.delete("later", &DeleteOptions::default())
                .await
                .unwrap();
        })
    };
    let gone = await_condition::<ConfigMap>(
        maps.requests().clone(),
        "later",
        Duration::from_secs(10),
        conditions::is_deleted,
    )
    .await
    .unwrap();
    assert!(gone.is_none());
    deleter.await.unwrap();
}

#[tokio::test]
async fn a_new_crd_becomes_established() {
    let clientset = clientset().await;
    let crds = clientset.apiextensions_v1().custom_resource_definitions();
    let crd: CustomResourceDefinition = serde_json::from_value(serde_json::json!({
        "metadata": { "name": "waits.await.clientgo.dev" },
        "spec": {
            "group": "await.clientgo.dev",
            "names": { "kind": "Wait", "plural": "waits", "singular": "wait", "listKind": "WaitList" },
            "scope": "Namespaced",
            "versions": [{ "name": "v1", "served": true, "storage": true,
                "schema": { "openAPIV3Schema": { "type": "object", "x-kubernetes-preserve-unknown-fields": true } } }],
        },
    }))
    .unwrap();
    match crds.create(&crd, &CreateOptions::default()).await {
        Ok(_) => {}
        Err(error) if clientgo_apimachinery::ApiStatus::is_already_exists(&error) => {}
        Err(error) => panic!("{error}"),
    }
    let established = await_condition::<CustomResourceDefinition>(
        crds.requests().clone(),
        "waits.await.clientgo.dev",
        Duration::from_secs(30),
        conditions::is_crd_established,
    )
    .await
    .unwrap()
    .unwrap();
    assert!(conditions::has_true_condition("NamesAccepted")(Some(
        established.as_ref()
    )));
}
