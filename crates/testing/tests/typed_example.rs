//! The typed clientset works against the fake unchanged: the
//! `create-update-delete-deployment` example's code runs on it, and its effects are
//! visible in the recorded actions and the tracker.

#![allow(clippy::unwrap_used)] // tests panic on purpose when the fake misbehaves

#[allow(dead_code)] // the example's `main` is not used here
#[path = "../../../examples/create_update_delete_deployment.rs"]
mod example;

use clientgo_api::core::v1::Pod;
use clientgo_apimachinery::ApiStatus;
use clientgo_apimachinery::meta::{GetOptions, ListOptions};
use clientgo_kubernetes::Clientset;
use clientgo_testing::FakeApiServer;
use serde_json::json;

#[tokio::test]
async fn the_deployment_example_runs_against_the_fake() {
    let fake = FakeApiServer::new().await.unwrap();
    let clientset = Clientset::new(&fake.rest_config()).unwrap();
    example::run(&clientset, "default").await.unwrap();

    let verbs: Vec<String> = fake
        .actions()
        .iter()
        .filter(|a| a.resource.resource == "deployments")
        .map(|a| format!("{:?}", a.verb).to_lowercase())
        .collect();
    assert_eq!(
        verbs,
        ["create", "get", "update", "list", "delete"],
        "{verbs:?}"
    );
    let error = clientset
        .apps_v1()
        .deployments("default")
        .get("typed-demo-deployment", &GetOptions::default())
        .await
        .unwrap_err();
    assert!(error.is_not_found(), "{error}");
}

#[tokio::test]
async fn typed_lists_and_selectors_work_on_seeded_objects() {
    let pod = |name: &str, app: &str| {
        json!({"apiVersion": "v1", "kind": "Pod",
            "metadata": {"name": name, "namespace": "apps", "labels": {"app": app}},
            "spec": {"containers": [{"name": "c", "image": "busybox"}]}})
    };
    let fake = FakeApiServer::with_objects([pod("a", "web"), pod("b", "db"), pod("c", "web")])
        .await
        .unwrap();
    let clientset = Clientset::new(&fake.rest_config()).unwrap();
    let pods = clientset.core_v1().pods("apps");
    let web = pods
        .list(&ListOptions::default().with_label_selector("app=web"))
        .await
        .unwrap();
    let names: Vec<_> = web
        .items
        .iter()
        .filter_map(|p: &Pod| p.metadata.name.clone())
        .collect();
    assert_eq!(names, ["a", "c"]);
    let b = pods.get("b", &GetOptions::default()).await.unwrap();
    assert_eq!(
        b.spec.unwrap().containers[0].image.as_deref(),
        Some("busybox")
    );
    assert!(b.metadata.uid.is_some() && b.metadata.resource_version.is_some());
}
