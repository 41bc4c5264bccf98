//! Reactors, recorded actions, discovery and hostile input.

#![allow(clippy::unwrap_used)]

mod common;

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use clientgo_apimachinery::meta::{
    APIGroupList, APIResourceList, APIVersions, CreateOptions, DeleteOptions, GetOptions,
    ListOptions, PatchOptions, StatusReason,
};
use clientgo_apimachinery::patch::PatchType;
use clientgo_apimachinery::{ApiResource, ApiStatus, GroupVersionResource, Scope};
use clientgo_testing::{FakeApiServer, Reaction, Verb};
use common::{client, deployments, object, pod, pods_in};
use serde_json::{Value, json};

#[tokio::test]
async fn an_injected_error_hits_only_its_verb_and_resource() {
    let fake = FakeApiServer::new().await.unwrap();
    fake.prepend_reactor("create", "pods", |_| {
        Some(Reaction::error(
            500,
            StatusReason::InternalError,
            "etcd is on fire",
        ))
    });
    let pods = pods_in(&fake, "ns");
    let error = pods
        .create(
            &object(pod("a", "ns", json!({}))),
            &CreateOptions::default(),
            &[],
        )
        .await
        .unwrap_err();
    assert!(error.is_internal_error(), "{error}");
    assert!(error.to_string().contains("etcd is on fire"));
    // Nothing was stored, other verbs and resources are untouched.
    assert!(
        pods.list(&ListOptions::default())
            .await
            .unwrap()
            .items
            .is_empty()
    );
    client(&fake)
        .resource(&GroupVersionResource::new("", "v1", "configmaps"))
        .namespace("ns")
        .create(
            &object(json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "c"}})),
            &CreateOptions::default(),
            &[],
        )
        .await
        .unwrap();
}

#[tokio::test]
async fn a_reactor_can_rewrite_a_get_from_the_tracker() {
    let fake = FakeApiServer::with_objects([pod("a", "ns", json!({}))])
        .await
        .unwrap();
    let tracker = fake.tracker().clone();
    fake.prepend_reactor("get", "pods", move |action| {
        let mut stored = tracker
            .get(&action.resource, &action.namespace, &action.name)
            .ok()?;
        stored["metadata"]["annotations"] = json!({"rewritten": "yes"});
        Some(Reaction::Object(stored))
    });
    let got = pods_in(&fake, "ns")
        .get("a", &GetOptions::default(), &[])
        .await
        .unwrap();
    assert_eq!(got.annotations()["rewritten"], "yes");
    // Not handled (missing object): the tracker answers.
    let missing = pods_in(&fake, "ns")
        .get("b", &GetOptions::default(), &[])
        .await
        .unwrap_err();
    assert!(missing.is_not_found());
}

#[tokio::test]
async fn prepended_reactors_win_and_unhandled_ones_fall_through() {
    let fake = FakeApiServer::with_objects([pod("a", "ns", json!({}))])
        .await
        .unwrap();
    let calls = Arc::new(AtomicUsize::new(0));
    let counted = Arc::clone(&calls);
    fake.add_reactor("*", "*", move |_| {
        counted.fetch_add(1, Ordering::SeqCst);
        None
    });
    fake.add_reactor("get", "pods", |_| {
        Some(Reaction::Object(
            json!({"kind": "Pod", "metadata": {"name": "second"}}),
        ))
    });
    fake.prepend_reactor("get", "pods", |_| {
        Some(Reaction::Object(
            json!({"kind": "Pod", "metadata": {"name": "first"}}),
        ))
    });
    let got = pods_in(&fake, "ns")
        .get("a", &GetOptions::default(), &[])
        .await
        .unwrap();
    assert_eq!(got.name(), Some("first"));
    assert_eq!(
        calls.load(Ordering::SeqCst),
        0,
        "the prepended reactor answered first"
    );
    pods_in(&fake, "ns")
        .list(&ListOptions::default())
        .await
        .unwrap();
    assert_eq!(calls.load(Ordering::SeqCst), 1);
    // Subresource reactors match "plural/subresource" only.
    fake.prepend_reactor("patch", "pods/status", |_| {
        Some(Reaction::error(
            409,
            StatusReason::Conflict,
            "status is locked",
        ))
    });
    let status = pods_in(&fake, "ns")
        .patch_status("a", PatchType::Merge, b"{}", &PatchOptions::default())
        .await
        .unwrap_err();
    assert!(status.is_conflict());
    pods_in(&fake, "ns")
        .patch("a", PatchType::Merge, b"{}", &PatchOptions::default())
        .await
        .unwrap();
}

#[tokio::test]
async fn actions_are_recorded_in_order() {
    let fake = FakeApiServer::new().await.unwrap();
    let pods = pods_in(&fake, "ns");
    pods.create(
        &object(pod("a", "ns", json!({}))),
        &CreateOptions::default(),
        &[],
    )
    .await
    .unwrap();
    pods.get("a", &GetOptions::default(), &[]).await.unwrap();
    pods.patch(
        "a",
        PatchType::Merge,
        br#"{"metadata":{"labels":{"x":"y"}}}"#,
        &PatchOptions::default(),
    )
    .await
    .unwrap();
    client(&fake)
        .resource(&deployments())
        .list(&ListOptions::default().with_label_selector("app=web"))
        .await
        .unwrap();
    pods.delete("a", &DeleteOptions::default(), &[])
        .await
        .unwrap();

    let actions = fake.actions();
    let summary: Vec<(Verb, &str, &str, &str)> = actions
        .iter()
        .map(|a| {
            (
                a.verb,
                a.resource.resource.as_str(),
                a.namespace.as_str(),
                a.name.as_str(),
            )
        })
        .collect();
    assert_eq!(
        summary,
        [
            (Verb::Create, "pods", "ns", ""),
            (Verb::Get, "pods", "ns", "a"),
            (Verb::Patch, "pods", "ns", "a"),
            (Verb::List, "deployments", "", ""),
            (Verb::Delete, "pods", "ns", "a"),
        ]
    );
    assert_eq!(actions[0].object.as_ref().unwrap()["metadata"]["name"], "a");
    assert_eq!(actions[2].patch_type, Some(PatchType::Merge));
    assert_eq!(
        actions[2].patch.as_ref().unwrap()["metadata"]["labels"]["x"],
        "y"
    );
    assert_eq!(actions[3].resource.group, "apps");
    assert_eq!(actions[3].query_param("labelSelector"), Some("app=web"));
    assert!(actions[4].delete_options.is_some());
    fake.clear_actions();
    assert!(fake.actions().is_empty());
}

#[tokio::test]
async fn discovery_lists_seeded_and_registered_resources() {
    let fake = FakeApiServer::builder()
        .object(pod("a", "ns", json!({})))
        .object(json!({"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "d"}}))
        .resource(ApiResource {
            group: "example.com".into(),
            version: "v1alpha1".into(),
            kind: "Gizmo".into(),
            plural: "gizmos".into(),
            scope: Scope::Cluster,
        })
        .start()
        .await
        .unwrap();
    let rest = fake.rest_client().unwrap();
    let core: APIVersions = rest.get().abs_path("/api").into_json().await.unwrap();
    assert_eq!(core.versions, ["v1"]);
    let groups: APIGroupList = rest.get().abs_path("/apis").into_json().await.unwrap();
    let names: Vec<&str> = groups.groups.iter().map(|g| g.name.as_str()).collect();
    assert_eq!(names, ["apps", "example.com"]);
    let v1: APIResourceList = rest.get().abs_path("/api/v1").into_json().await.unwrap();
    let pods = v1.resources.iter().find(|r| r.name == "pods").unwrap();
    assert!(pods.namespaced);
    assert_eq!(pods.kind, "Pod");
    assert!(pods.verbs.iter().any(|v| v == "watch"));
    assert!(v1.resources.iter().any(|r| r.name == "pods/status"));
    let gizmos: APIResourceList = rest
        .get()
        .abs_path("/apis/example.com/v1alpha1")
        .into_json()
        .await
        .unwrap();
    assert_eq!(gizmos.group_version, "example.com/v1alpha1");
    assert!(!gizmos.resources[0].namespaced);
    let missing = rest
        .get()
        .abs_path("/apis/nope/v1")
        .into_json::<Value>()
        .await
        .unwrap_err();
    assert!(missing.is_not_found());
    let version: Value = rest.get().abs_path("/version").into_json().await.unwrap();
    assert_eq!(version["major"], "1");
    // Discovery is not recorded as actions.
    assert!(fake.actions().is_empty());
}

#[tokio::test]
async fn hostile_input_is_a_client_error_not_a_panic() {
    let fake = FakeApiServer::with_objects([pod("a", "ns", json!({}))])
        .await
        .unwrap();
    let rest = fake.rest_client().unwrap();
    let request = |method: &str| {
        let base = match method {
            "POST" => rest.post(),
            "PUT" => rest.put(),
            "DELETE" => rest.delete(),
            _ => rest.patch(method),
        };
        base.group_version("", "v1")
            .namespace("ns")
            .resource("pods")
    };
    let cases = [
        request("POST").body(&b"{not json"[..], "application/json"),
        request("POST").body(&b"[1,2]"[..], "application/json"),
        request("PUT")
            .name("a")
            .body(&b"\xff\xfe"[..], "application/json"),
        request("DELETE")
            .name("a")
            .body(&b"{\"preconditions\": 7}"[..], "application/json"),
        request(PatchType::Merge.content_type())
            .name("a")
            .body(&b"{"[..], PatchType::Merge.content_type()),
        request(PatchType::Json.content_type())
            .name("a")
            .body(&b"{\"op\":1}"[..], PatchType::Json.content_type()),
        request(PatchType::StrategicMerge.content_type())
            .name("a")
            .body(&b"[]"[..], PatchType::StrategicMerge.content_type()),
        request("application/x-nonsense")
            .name("a")
            .body(&b"{}"[..], "application/x-nonsense"),
    ];
    for (i, case) in cases.into_iter().enumerate() {
        let error = case.into_json::<Value>().await.unwrap_err();
        let code = error.status().map(|s| s.code()).unwrap_or_default();
        assert!((400..500).contains(&code), "case {i}: {error}");
    }
    let bad_selector = rest
        .get()
        .group_version("", "v1")
        .resource("pods")
        .param("fieldSelector", "no operator")
        .into_json::<Value>()
        .await
        .unwrap_err();
    assert!(bad_selector.is_bad_request());
    let bad_rv = rest
        .get()
        .group_version("", "v1")
        .resource("pods")
        .param("watch", "true")
        .param("resourceVersion", "abc")
        .into_json::<Value>()
        .await
        .unwrap_err();
    assert!(bad_rv.is_bad_request());
    // The server still works.
    let list = pods_in(&fake, "ns")
        .list(&ListOptions::default())
        .await
        .unwrap();
    assert_eq!(list.items.len(), 1);
}
