//! The dynamic client against the real API server: a custom resource definition created
//! by the test, then every verb on its objects (status subresource, server-side apply,
//! watch, delete collection) and on a built-in resource.

#![allow(clippy::unwrap_used)] // test helpers panic on purpose when the server misbehaves

use std::time::Duration;

use clientgo_apimachinery::meta::{
    ApplyOptions, CreateOptions, DeleteOptions, GetOptions, ListOptions, PatchOptions,
    UpdateOptions,
};
use clientgo_apimachinery::patch::PatchType;
use clientgo_apimachinery::watch::WatchEvent;
use clientgo_apimachinery::{ApiStatus, GroupVersionResource, Unstructured};
use clientgo_clientcmd::{ClientConfig, ConfigOverrides, LoadingRules};
use clientgo_dynamic::DynamicClient;
use futures_util::StreamExt;
use serde_json::json;

const GROUP: &str = "dynamic.clientgo.dev";

async fn client() -> DynamicClient {
    let cluster = clientgo_envtest::test_cluster().await.unwrap();
    let rules = LoadingRules::explicit(cluster.kubeconfig_path());
    let config = ClientConfig::new(rules, ConfigOverrides::default())
        .rest_config()
        .unwrap();
    DynamicClient::new(&config).unwrap()
}

fn object(value: serde_json::Value) -> Unstructured {
    Unstructured::from_value(value).unwrap()
}

/// Creates the `widgets` CRD (once per test binary) and waits until it is served.
async fn widgets(client: &DynamicClient) -> GroupVersionResource {
    let crds = client.resource(&GroupVersionResource::new(
        "apiextensions.k8s.io",
        "v1",
        "customresourcedefinitions",
    ));
    let crd = object(json!({
        "apiVersion": "apiextensions.k8s.io/v1",
        "kind": "CustomResourceDefinition",
        "metadata": {"name": format!("widgets.{GROUP}")},
        "spec": {
            "group": GROUP,
            "names": {"kind": "Widget", "plural": "widgets", "singular": "widget", "shortNames": ["wd"]},
            "scope": "Namespaced",
            "versions": [{
                "name": "v1", "served": true, "storage": true,
                "subresources": {"status": {}},
                "schema": {"openAPIV3Schema": {"type": "object", "x-kubernetes-preserve-unknown-fields": true}},
            }],
        },
    }));
    match crds.create(&crd, &CreateOptions::default(), &[]).await {
        Ok(_) => {}
        Err(error) if error.is_already_exists() => {}
        Err(error) => panic!("creating the CRD: {error}"),
    }
    let widgets = GroupVersionResource::new(GROUP, "v1", "widgets");
    // Established, and the new resource answers.
    for _ in 0..100 {
        let listed = client
            .resource(&widgets)
            .list(&ListOptions::default())
            .await;
        if listed.is_ok() {
            return widgets;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("the widgets resource was never served");
}

async fn namespace() -> String {
    let cluster = clientgo_envtest::test_cluster().await.unwrap();
    cluster.new_namespace("dynamic").await.unwrap()
}

#[tokio::test]
async fn every_verb_works_on_a_custom_resource() {
    let client = client().await;
    let widgets = widgets(&client).await;
    let ns = namespace().await;
    let resource = client.resource(&widgets).namespace(&ns);

    let created = resource
        .create(
            &object(json!({
                "apiVersion": format!("{GROUP}/v1"), "kind": "Widget",
                "metadata": {"name": "w1", "labels": {"team": "a"}},
                "spec": {"size": 1, "colour": "red"},
            })),
            &CreateOptions::default(),
            &[],
        )
        .await
        .unwrap();
    assert_eq!(created.name(), Some("w1"));
    assert_eq!(created.nested_i64(&["spec", "size"]).unwrap(), Some(1));

    // Update with the current resourceVersion, then a stale one conflicts.
    let mut changed = created.clone();
    changed
        .set_nested_field(&["spec", "size"], json!(2))
        .unwrap();
    let updated = resource
        .update(&changed, &UpdateOptions::default(), &[])
        .await
        .unwrap();
    assert_eq!(updated.nested_i64(&["spec", "size"]).unwrap(), Some(2));
    let stale = resource
        .update(&changed, &UpdateOptions::default(), &[])
        .await
        .unwrap_err();
    assert!(stale.is_conflict(), "{stale}");

    // The status subresource changes status only.
    let mut with_status = updated.clone();
    with_status
        .set_nested_field(&["status", "ready"], json!(true))
        .unwrap();
    with_status
        .set_nested_field(&["spec", "size"], json!(99))
        .unwrap();
    let status_updated = resource
        .update_status(&with_status, &UpdateOptions::default())
        .await
        .unwrap();
    assert_eq!(
        status_updated.nested_field(&["status", "ready"]).unwrap(),
        Some(&json!(true))
    );
    assert_eq!(
        status_updated.nested_i64(&["spec", "size"]).unwrap(),
        Some(2)
    );
    let status = resource
        .get("w1", &GetOptions::default(), &["status"])
        .await
        .unwrap();
    assert_eq!(
        status.nested_field(&["status", "ready"]).unwrap(),
        Some(&json!(true))
    );

    // Merge patch.
    let patched = resource
        .patch(
            "w1",
            PatchType::Merge,
            br#"{"spec":{"colour":"blue"}}"#,
            &PatchOptions::default(),
        )
        .await
        .unwrap();
    assert_eq!(
        patched.nested_string(&["spec", "colour"]).unwrap(),
        Some("blue")
    );

    // Server-side apply: a second manager owns only what it sets.
    let applied = resource
        .apply(
            "w1",
            &object(json!({
                "apiVersion": format!("{GROUP}/v1"), "kind": "Widget",
                "metadata": {"name": "w1"},
                "spec": {"shape": "round"},
            })),
            &ApplyOptions::new("shaper"),
            &[],
        )
        .await
        .unwrap();
    assert_eq!(
        applied.nested_string(&["spec", "shape"]).unwrap(),
        Some("round")
    );
    assert_eq!(
        applied.nested_string(&["spec", "colour"]).unwrap(),
        Some("blue")
    );
    let managers: Vec<String> = applied.object["metadata"]["managedFields"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|m| m["manager"].as_str().map(String::from))
        .collect();
    assert!(managers.contains(&"shaper".to_string()), "{managers:?}");

    // Apply to the status subresource.
    let status_applied = resource
        .apply_status(
            "w1",
            &object(json!({
                "apiVersion": format!("{GROUP}/v1"), "kind": "Widget",
                "metadata": {"name": "w1"},
                "status": {"phase": "Ready"},
            })),
            &ApplyOptions::new("status-writer"),
        )
        .await
        .unwrap();
    assert_eq!(
        status_applied.nested_string(&["status", "phase"]).unwrap(),
        Some("Ready")
    );

    // List as an UnstructuredList, with a label selector.
    resource
        .create(
            &object(json!({"apiVersion": format!("{GROUP}/v1"), "kind": "Widget", "metadata": {"name": "w2", "labels": {"team": "b"}}})),
            &CreateOptions::default(),
            &[],
        )
        .await
        .unwrap();
    let team_a = resource
        .list(&ListOptions {
            label_selector: Some("team=a".into()),
            ..ListOptions::default()
        })
        .await
        .unwrap();
    let names: Vec<&str> = team_a.items.iter().filter_map(|w| w.name()).collect();
    assert_eq!(names, ["w1"]);
    assert!(team_a.resource_version().is_some());

    // Delete one, then the rest as a collection.
    resource
        .delete("w1", &DeleteOptions::default(), &[])
        .await
        .unwrap();
    let gone = resource
        .get("w1", &GetOptions::default(), &[])
        .await
        .unwrap_err();
    assert!(gone.is_not_found(), "{gone}");
    resource
        .delete_collection(&DeleteOptions::default(), &ListOptions::default())
        .await
        .unwrap();
    assert!(
        resource
            .list(&ListOptions::default())
            .await
            .unwrap()
            .items
            .is_empty()
    );
}

#[tokio::test]
async fn watches_deliver_unstructured_events() {
    let client = client().await;
    let widgets = widgets(&client).await;
    let ns = namespace().await;
    let resource = client.resource(&widgets).namespace(&ns);
    let listed = resource.list(&ListOptions::default()).await.unwrap();
    let mut watch = resource
        .watch(&ListOptions {
            resource_version: listed.resource_version().map(String::from),
            ..ListOptions::default()
        })
        .await
        .unwrap();
    resource
        .create(
            &object(json!({"apiVersion": format!("{GROUP}/v1"), "kind": "Widget", "metadata": {"name": "watched"}})),
            &CreateOptions::default(),
            &[],
        )
        .await
        .unwrap();
    let event = tokio::time::timeout(Duration::from_secs(30), watch.next())
        .await
        .expect("no event within 30 s")
        .unwrap()
        .unwrap();
    match event {
        WatchEvent::Added(widget) => assert_eq!(widget.name(), Some("watched")),
        other => panic!("expected ADDED, got {:?}", other.event_type()),
    }
}

#[tokio::test]
async fn built_in_and_cluster_scoped_resources_work_too() {
    let client = client().await;
    let namespaces = client.resource(&GroupVersionResource::new("", "v1", "namespaces"));
    let list = namespaces.list(&ListOptions::default()).await.unwrap();
    assert!(list.items.iter().any(|ns| ns.name() == Some("kube-system")));

    let ns = namespace().await;
    let configmaps = client
        .resource(&GroupVersionResource::new("", "v1", "configmaps"))
        .namespace(&ns);
    let created = configmaps
        .create(
            &object(json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "cm"}, "data": {"k": "v"}})),
            &CreateOptions::default().dry_run_all(),
            &[],
        )
        .await
        .unwrap();
    assert_eq!(created.name(), Some("cm"));
    // A dry run stores nothing.
    let missing = configmaps
        .get("cm", &GetOptions::default(), &[])
        .await
        .unwrap_err();
    assert!(missing.is_not_found(), "{missing}");
}
