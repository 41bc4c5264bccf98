//! Create, get, list, update, patch and delete through the dynamic and REST clients,
//! with the errors a real API server gives.

#![allow(clippy::unwrap_used)]

mod common;

use clientgo_apimachinery::meta::{
    ApplyOptions, CreateOptions, DeleteOptions, GetOptions, ListOptions, PatchOptions,
    Preconditions, UpdateOptions,
};
use clientgo_apimachinery::patch::PatchType;
use clientgo_apimachinery::{ApiStatus, GroupVersionResource};
use clientgo_testing::FakeApiServer;
use common::{client, deployments, object, pod, pods, pods_in};
use serde_json::{Value, json};

#[tokio::test]
async fn create_get_list_update_delete_round_trip() {
    let fake = FakeApiServer::new().await.unwrap();
    let pods = pods_in(&fake, "ns");
    let created = pods
        .create(
            &object(pod("a", "", json!({"app": "web"}))),
            &CreateOptions::default(),
            &[],
        )
        .await
        .unwrap();
    assert_eq!(created.namespace(), Some("ns"));
    assert_eq!(created.uid().unwrap().len(), 36);
    assert_eq!(created.generation(), Some(1));
    assert!(created.creation_timestamp().is_some());
    let rv: u64 = created.resource_version().unwrap().parse().unwrap();

    let got = pods.get("a", &GetOptions::default(), &[]).await.unwrap();
    assert_eq!(got, created);

    let list = pods.list(&ListOptions::default()).await.unwrap();
    assert_eq!(list.items.len(), 1);
    let raw: Value = fake
        .rest_client()
        .unwrap()
        .get()
        .group_version("", "v1")
        .namespace("ns")
        .resource("pods")
        .into_json()
        .await
        .unwrap();
    assert_eq!(raw["kind"], "PodList");
    assert_eq!(raw["apiVersion"], "v1");
    assert_eq!(raw["metadata"]["resourceVersion"], rv.to_string());

    let mut changed = got.clone();
    changed.set_labels(&[("app".to_owned(), "db".to_owned())].into());
    let updated = pods
        .update(&changed, &UpdateOptions::default(), &[])
        .await
        .unwrap();
    assert_eq!(updated.labels()["app"], "db");
    assert_eq!(updated.generation(), Some(1), "labels are not spec");
    assert!(updated.resource_version().unwrap().parse::<u64>().unwrap() > rv);

    pods.delete("a", &DeleteOptions::default(), &[])
        .await
        .unwrap();
    let error = pods
        .get("a", &GetOptions::default(), &[])
        .await
        .unwrap_err();
    assert!(error.is_not_found(), "{error}");
    assert!(
        pods.list(&ListOptions::default())
            .await
            .unwrap()
            .items
            .is_empty()
    );
}

#[tokio::test]
async fn errors_carry_statuses_the_predicates_understand() {
    let fake = FakeApiServer::with_objects([pod("a", "ns", json!({}))])
        .await
        .unwrap();
    let pods = pods_in(&fake, "ns");
    let again = pods
        .create(
            &object(pod("a", "ns", json!({}))),
            &CreateOptions::default(),
            &[],
        )
        .await
        .unwrap_err();
    assert!(again.is_already_exists(), "{again}");
    assert_eq!(again.status().unwrap().code(), 409);

    let missing = pods
        .get("nope", &GetOptions::default(), &[])
        .await
        .unwrap_err();
    assert!(missing.is_not_found());
    let status = missing.status().unwrap().status();
    assert_eq!(status.message(), "pods \"nope\" not found");
    let details = status.details.as_ref().unwrap();
    assert_eq!(details.name.as_deref(), Some("nope"));
    assert_eq!(details.kind.as_deref(), Some("pods"));
    for result in [
        pods.update(
            &object(pod("nope", "ns", json!({}))),
            &UpdateOptions::default(),
            &[],
        )
        .await
        .map(drop),
        pods.patch("nope", PatchType::Merge, b"{}", &PatchOptions::default())
            .await
            .map(drop),
        pods.delete("nope", &DeleteOptions::default(), &[]).await,
    ] {
        assert!(result.unwrap_err().is_not_found());
    }

    let wrong_namespace = pods
        .create(
            &object(pod("b", "other", json!({}))),
            &CreateOptions::default(),
            &[],
        )
        .await
        .unwrap_err();
    assert!(wrong_namespace.is_bad_request());
    assert!(
        wrong_namespace
            .to_string()
            .contains("does not match the namespace")
    );

    let nameless = pods
        .create(
            &object(json!({"apiVersion": "v1", "kind": "Pod", "metadata": {}})),
            &CreateOptions::default(),
            &[],
        )
        .await
        .unwrap_err();
    assert!(nameless.is_invalid(), "{nameless}");
}

#[tokio::test]
async fn stale_resource_versions_conflict_until_refreshed() {
    let fake = FakeApiServer::with_objects([pod("a", "ns", json!({}))])
        .await
        .unwrap();
    let pods = pods_in(&fake, "ns");
    let first = pods.get("a", &GetOptions::default(), &[]).await.unwrap();
    let mut one = first.clone();
    one.set_labels(&[("x".to_owned(), "1".to_owned())].into());
    pods.update(&one, &UpdateOptions::default(), &[])
        .await
        .unwrap();

    let mut stale = first.clone();
    stale.set_labels(&[("x".to_owned(), "2".to_owned())].into());
    let conflict = pods
        .update(&stale, &UpdateOptions::default(), &[])
        .await
        .unwrap_err();
    assert!(conflict.is_conflict(), "{conflict}");
    assert_eq!(
        conflict.to_string(),
        "Operation cannot be fulfilled on pods \"a\": the object has been modified; please apply your changes to the latest version and try again"
    );

    let mut fresh = pods.get("a", &GetOptions::default(), &[]).await.unwrap();
    fresh.set_labels(&[("x".to_owned(), "2".to_owned())].into());
    let updated = pods
        .update(&fresh, &UpdateOptions::default(), &[])
        .await
        .unwrap();
    assert_eq!(updated.labels()["x"], "2");

    // Without a resource version the update is unconditional.
    let mut blind = stale.clone();
    blind.set_resource_version("");
    pods.update(&blind, &UpdateOptions::default(), &[])
        .await
        .unwrap();

    // A stale version in a merge patch conflicts too.
    let patch = json!({"metadata": {"resourceVersion": first.resource_version().unwrap(), "labels": {"y": "1"}}});
    let error = pods
        .patch(
            "a",
            PatchType::Merge,
            patch.to_string().as_bytes(),
            &PatchOptions::default(),
        )
        .await
        .unwrap_err();
    assert!(error.is_conflict());
}

#[tokio::test]
async fn status_and_main_resource_update_separately_and_generation_follows_spec() {
    let mut seeded = pod("a", "ns", json!({}));
    seeded["status"] = json!({"phase": "Pending"});
    let fake = FakeApiServer::with_objects([seeded]).await.unwrap();
    let pods = pods_in(&fake, "ns");
    let mut current = pods.get("a", &GetOptions::default(), &[]).await.unwrap();
    let mut value = current.clone().into_value();
    value["status"] = json!({"phase": "Running"});
    value["spec"]["containers"][0]["image"] = json!("app:2");
    current = object(value);
    let updated = pods
        .update(&current, &UpdateOptions::default(), &[])
        .await
        .unwrap();
    let updated = updated.into_value();
    assert_eq!(
        updated["status"]["phase"], "Pending",
        "the main resource keeps the status"
    );
    assert_eq!(updated["spec"]["containers"][0]["image"], "app:2");
    assert_eq!(updated["metadata"]["generation"], 2);

    let mut status = object(updated.clone());
    let mut status_value = status.clone().into_value();
    status_value["status"] = json!({"phase": "Running"});
    status_value["spec"]["containers"][0]["image"] = json!("ignored");
    status = object(status_value);
    let after = pods
        .update_status(&status, &UpdateOptions::default())
        .await
        .unwrap()
        .into_value();
    assert_eq!(after["status"]["phase"], "Running");
    assert_eq!(
        after["spec"]["containers"][0]["image"], "app:2",
        "status updates change only the status"
    );
    assert_eq!(after["metadata"]["generation"], 2);

    let patched = pods
        .patch_status(
            "a",
            PatchType::Merge,
            br#"{"status":{"phase":"Succeeded"}}"#,
            &PatchOptions::default(),
        )
        .await
        .unwrap()
        .into_value();
    assert_eq!(patched["status"]["phase"], "Succeeded");
}

#[tokio::test]
async fn label_and_field_selectors_filter_lists() {
    let fake = FakeApiServer::with_objects([
        pod("a", "ns1", json!({"app": "web", "tier": "front"})),
        pod("b", "ns1", json!({"app": "db"})),
        pod("c", "ns2", json!({"app": "web"})),
    ])
    .await
    .unwrap();
    let all = client(&fake).resource(&pods());
    let names = |list: clientgo_apimachinery::UnstructuredList| -> Vec<String> {
        list.items
            .iter()
            .map(|i| i.name().unwrap().to_owned())
            .collect()
    };
    let everything = all.list(&ListOptions::default()).await.unwrap();
    assert_eq!(names(everything), ["a", "b", "c"]);
    let web = all
        .list(&ListOptions::default().with_label_selector("app=web"))
        .await
        .unwrap();
    assert_eq!(names(web), ["a", "c"]);
    let front = all
        .list(&ListOptions::default().with_label_selector("app in (web,db),tier"))
        .await
        .unwrap();
    assert_eq!(names(front), ["a"]);
    let by_name = all
        .list(
            &ListOptions::default().with_field_selector("metadata.name!=a,metadata.namespace=ns1"),
        )
        .await
        .unwrap();
    assert_eq!(names(by_name), ["b"]);
    let by_spec = pods_in(&fake, "ns2")
        .list(&ListOptions::default().with_field_selector("spec.containers=x"))
        .await
        .unwrap();
    assert!(by_spec.items.is_empty());
    let bad = all
        .list(&ListOptions::default().with_label_selector("app in ("))
        .await
        .unwrap_err();
    assert!(bad.is_bad_request(), "{bad}");
}

#[tokio::test]
async fn merge_json_and_strategic_patches() {
    let deployment = json!({
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": "web", "namespace": "ns"},
        "spec": {"replicas": 1, "template": {"spec": {"containers": [
            {"name": "app", "image": "app:1", "env": [{"name": "A", "value": "1"}]},
            {"name": "sidecar", "image": "side:1"},
        ]}}},
    });
    let fake = FakeApiServer::with_objects([deployment]).await.unwrap();
    let deployments = client(&fake).resource(&deployments()).namespace("ns");
    let options = PatchOptions::default();

    let merged = deployments
        .patch(
            "web",
            PatchType::Merge,
            br#"{"spec":{"replicas":3},"metadata":{"labels":{"a":"b"}}}"#,
            &options,
        )
        .await
        .unwrap()
        .into_value();
    assert_eq!(merged["spec"]["replicas"], 3);
    assert_eq!(merged["metadata"]["labels"]["a"], "b");
    assert_eq!(merged["metadata"]["generation"], 2);

    let json_patched = deployments
        .patch(
            "web",
            PatchType::Json,
            br#"[{"op":"test","path":"/spec/replicas","value":3},{"op":"replace","path":"/spec/replicas","value":5},{"op":"remove","path":"/metadata/labels/a"}]"#,
            &options,
        )
        .await
        .unwrap()
        .into_value();
    assert_eq!(json_patched["spec"]["replicas"], 5);
    assert_eq!(json_patched["metadata"]["labels"], json!({}));
    let failed_test = deployments
        .patch(
            "web",
            PatchType::Json,
            br#"[{"op":"test","path":"/spec/replicas","value":1}]"#,
            &options,
        )
        .await
        .unwrap_err();
    assert!(failed_test.is_invalid(), "{failed_test}");

    let strategic = deployments
        .patch(
            "web",
            PatchType::StrategicMerge,
            br#"{"spec":{"template":{"spec":{"containers":[{"name":"app","image":"app:2","env":[{"name":"B","value":"2"}]}]}}}}"#,
            &options,
        )
        .await
        .unwrap()
        .into_value();
    assert_eq!(
        strategic["spec"]["template"]["spec"]["containers"],
        json!([
            {"name": "app", "image": "app:2", "env": [{"name": "A", "value": "1"}, {"name": "B", "value": "2"}]},
            {"name": "sidecar", "image": "side:1"},
        ])
    );
    // A merge patch replaces the list instead.
    let replaced = deployments
        .patch(
            "web",
            PatchType::Merge,
            br#"{"spec":{"template":{"spec":{"containers":[{"name":"only"}]}}}}"#,
            &options,
        )
        .await
        .unwrap()
        .into_value();
    assert_eq!(
        replaced["spec"]["template"]["spec"]["containers"],
        json!([{"name": "only"}])
    );
}

#[tokio::test]
async fn apply_creates_then_merges() {
    let fake = FakeApiServer::new().await.unwrap();
    let config_maps = client(&fake)
        .resource(&GroupVersionResource::new("", "v1", "configmaps"))
        .namespace("ns");
    let options = ApplyOptions::new("test-manager");
    let first = object(
        json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "cm"}, "data": {"a": "1"}}),
    );
    let created = config_maps
        .apply("cm", &first, &options, &[])
        .await
        .unwrap();
    assert_eq!(created.namespace(), Some("ns"));
    assert!(created.uid().is_some());
    let second = object(
        json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "cm"}, "data": {"b": "2"}}),
    );
    let merged = config_maps
        .apply("cm", &second, &options, &[])
        .await
        .unwrap()
        .into_value();
    assert_eq!(merged["data"], json!({"a": "1", "b": "2"}));
    assert_eq!(merged["metadata"]["uid"], created.uid().unwrap());

    // Apply needs a field manager, like the real server.
    let error = config_maps
        .patch(
            "cm",
            PatchType::Apply,
            second.to_string().as_bytes(),
            &PatchOptions::default(),
        )
        .await
        .unwrap_err();
    assert!(error.is_invalid(), "{error}");
}

#[tokio::test]
async fn delete_preconditions_and_collections() {
    let fake = FakeApiServer::with_objects([
        pod("a", "ns", json!({"app": "web"})),
        pod("b", "ns", json!({"app": "web"})),
        pod("c", "ns", json!({"app": "db"})),
    ])
    .await
    .unwrap();
    let pods = pods_in(&fake, "ns");
    let a = pods.get("a", &GetOptions::default(), &[]).await.unwrap();
    let wrong_uid = DeleteOptions {
        preconditions: Some(Preconditions {
            uid: Some("not-the-uid".into()),
            ..Preconditions::default()
        }),
        ..DeleteOptions::default()
    };
    let error = pods.delete("a", &wrong_uid, &[]).await.unwrap_err();
    assert!(error.is_conflict(), "{error}");
    assert!(
        error
            .to_string()
            .contains("Precondition failed: UID in precondition: not-the-uid")
    );
    let wrong_rv = DeleteOptions {
        preconditions: Some(Preconditions {
            resource_version: Some("1234".into()),
            ..Preconditions::default()
        }),
        ..DeleteOptions::default()
    };
    assert!(
        pods.delete("a", &wrong_rv, &[])
            .await
            .unwrap_err()
            .is_conflict()
    );
    let right = DeleteOptions {
        preconditions: Some(Preconditions {
            uid: a.uid().map(str::to_owned),
            resource_version: a.resource_version().map(str::to_owned),
        }),
        ..DeleteOptions::default()
    };
    // The answer is the deleted object.
    let deleted: Value = fake
        .rest_client()
        .unwrap()
        .delete()
        .group_version("", "v1")
        .namespace("ns")
        .resource("pods")
        .name("a")
        .json(&right)
        .into_json()
        .await
        .unwrap();
    assert_eq!(deleted["metadata"]["name"], "a");

    pods.delete_collection(
        &DeleteOptions::default(),
        &ListOptions::default().with_label_selector("app=web"),
    )
    .await
    .unwrap();
    let left: Vec<String> = pods
        .list(&ListOptions::default())
        .await
        .unwrap()
        .items
        .iter()
        .map(|i| i.name().unwrap().to_owned())
        .collect();
    assert_eq!(left, ["c"]);
}

#[tokio::test]
async fn generate_name_and_dry_run() {
    let fake = FakeApiServer::new().await.unwrap();
    let pods = pods_in(&fake, "ns");
    let generated =
        object(json!({"apiVersion": "v1", "kind": "Pod", "metadata": {"generateName": "web-"}}));
    let first = pods
        .create(&generated, &CreateOptions::default(), &[])
        .await
        .unwrap();
    let second = pods
        .create(&generated, &CreateOptions::default(), &[])
        .await
        .unwrap();
    let (first, second) = (first.name().unwrap(), second.name().unwrap());
    assert!(first.starts_with("web-") && first.len() == 9, "{first}");
    assert_ne!(first, second);

    let dry = CreateOptions::default().dry_run_all();
    let answer = pods
        .create(&object(pod("dry", "ns", json!({}))), &dry, &[])
        .await
        .unwrap();
    assert_eq!(answer.name(), Some("dry"));
    assert!(
        pods.get("dry", &GetOptions::default(), &[])
            .await
            .unwrap_err()
            .is_not_found()
    );
    let patched = pods
        .patch(
            first,
            PatchType::Merge,
            br#"{"metadata":{"labels":{"x":"y"}}}"#,
            &PatchOptions {
                dry_run: vec!["All".into()],
                ..PatchOptions::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(patched.labels()["x"], "y");
    let stored = pods.get(first, &GetOptions::default(), &[]).await.unwrap();
    assert!(stored.labels().is_empty());
    let dry_delete = DeleteOptions {
        dry_run: vec!["All".into()],
        ..DeleteOptions::default()
    };
    pods.delete(first, &dry_delete, &[]).await.unwrap();
    assert!(pods.get(first, &GetOptions::default(), &[]).await.is_ok());
}

#[tokio::test]
async fn cluster_scoped_resources_and_typed_seeding() {
    let fake = FakeApiServer::with_objects([
        json!({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "team-a", "namespace": "ignored"}}),
        json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "defaulted"}}),
    ])
    .await
    .unwrap();
    let namespaces = client(&fake).resource(&GroupVersionResource::new("", "v1", "namespaces"));
    let namespace = namespaces
        .get("team-a", &GetOptions::default(), &[])
        .await
        .unwrap();
    assert_eq!(namespace.namespace(), None);
    let config_map = client(&fake)
        .resource(&GroupVersionResource::new("", "v1", "configmaps"))
        .namespace("default")
        .get("defaulted", &GetOptions::default(), &[])
        .await
        .unwrap();
    assert_eq!(config_map.namespace(), Some("default"));
    // The namespace's status subresource is not mistaken for a namespaced resource.
    let patched = namespaces
        .patch_status(
            "team-a",
            PatchType::Merge,
            br#"{"status":{"phase":"Active"}}"#,
            &PatchOptions::default(),
        )
        .await
        .unwrap()
        .into_value();
    assert_eq!(patched["status"]["phase"], "Active");
}

#[derive(serde::Serialize)]
struct Widget {
    metadata: clientgo_apimachinery::ObjectMeta,
    spec: Value,
}

impl clientgo_apimachinery::Resource for Widget {
    const GROUP: &'static str = "example.com";
    const VERSION: &'static str = "v1";
    const KIND: &'static str = "Widget";
    const PLURAL: &'static str = "widgetz";
    const SCOPE: clientgo_apimachinery::Scope = clientgo_apimachinery::Scope::Namespaced;
}

#[tokio::test]
async fn typed_objects_register_their_resource() {
    let widget = Widget {
        metadata: clientgo_apimachinery::ObjectMeta {
            name: Some("w".into()),
            namespace: Some("ns".into()),
            ..Default::default()
        },
        spec: json!({"size": 1}),
    };
    let fake = FakeApiServer::builder()
        .with_object(&widget)
        .start()
        .await
        .unwrap();
    let widgets = client(&fake)
        .resource(&GroupVersionResource::new("example.com", "v1", "widgetz"))
        .namespace("ns");
    let got = widgets.get("w", &GetOptions::default(), &[]).await.unwrap();
    assert_eq!(got.kind(), Some("Widget"));
    assert_eq!(got.api_version(), Some("example.com/v1"));
    // Objects of unregistered resources are stored all the same.
    let gadgets = client(&fake)
        .resource(&GroupVersionResource::new("example.com", "v1", "gadgets"))
        .namespace("ns");
    gadgets
        .create(&object(json!({"apiVersion": "example.com/v1", "kind": "Gadget", "metadata": {"name": "g"}})), &CreateOptions::default(), &[])
        .await
        .unwrap();
    assert_eq!(
        gadgets
            .list(&ListOptions::default())
            .await
            .unwrap()
            .items
            .len(),
        1
    );
}

#[tokio::test]
async fn apply_and_patches_never_guess_a_type() {
    let fake = FakeApiServer::new().await.unwrap();
    let options = PatchOptions {
        field_manager: Some("test-manager".into()),
        ..PatchOptions::default()
    };
    let config_maps = client(&fake)
        .resource(&GroupVersionResource::new("", "v1", "configmaps"))
        .namespace("ns");
    // Apply takes the applied type as given, even for built-in resources.
    for (body, message) in [
        (
            json!({"apiVersion": "v1", "metadata": {"name": "cm"}}),
            "invalid object type: /v1, Kind=",
        ),
        (
            json!({"kind": "ConfigMap", "metadata": {"name": "cm"}}),
            "invalid object type: /, Kind=ConfigMap",
        ),
        (
            json!({"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "cm"}}),
            "invalid object type: /v1, Kind=Secret",
        ),
    ] {
        let error = config_maps
            .patch(
                "cm",
                PatchType::Apply,
                body.to_string().as_bytes(),
                &options,
            )
            .await
            .unwrap_err();
        let status = error.status().unwrap();
        assert_eq!((status.code(), status.message()), (400, message), "{body}");
    }
    // Removing the kind of a custom resource leaves an object the server cannot
    // decode.
    let widgets = client(&fake)
        .resource(&GroupVersionResource::new("example.com", "v1", "widgets"))
        .namespace("ns");
    widgets
        .create(
            &object(json!({"apiVersion": "example.com/v1", "kind": "Widget", "metadata": {"name": "w"}})),
            &CreateOptions::default(),
            &[],
        )
        .await
        .unwrap();
    let error = widgets
        .patch(
            "w",
            PatchType::Json,
            br#"[{"op": "remove", "path": "/kind"}]"#,
            &PatchOptions::default(),
        )
        .await
        .unwrap_err();
    assert!(error.is_invalid(), "{error}");
    assert!(
        error.to_string().contains("Object 'Kind' is missing in"),
        "{error}"
    );
}
