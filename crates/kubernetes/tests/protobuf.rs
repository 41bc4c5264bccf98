//! Typed clients reading protobuf from the real API server (the default content type,
//! `application/vnd.kubernetes.protobuf`): every built-in resource lists
//! to the same objects as in JSON, at the same resource version; watches deliver their
//! events from protobuf frames; errors arrive as protobuf `Status`es with their reason;
//! custom resources stay JSON; objects decoded from either encoding share their long
//! strings and field sets.

#![allow(clippy::unwrap_used)] // test set-up panics on purpose when the server misbehaves

mod support;

use std::time::Duration;

use clientgo_api::apiextensions::v1::CustomResourceDefinition;
use clientgo_api::core::v1::{ConfigMap, Pod};
use clientgo_apimachinery::meta::{
    CreateOptions, DeleteOptions, GetOptions, ListOptions, ObjectMeta, ResourceVersionMatch,
};
use clientgo_apimachinery::protobuf::{self, wire};
use clientgo_apimachinery::watch::WatchEvent;
use clientgo_apimachinery::{ApiStatus, GroupVersionResource, Resource, StringMap};
use clientgo_discovery::DiscoveryClient;
use clientgo_kubernetes::Clientset;
use futures_util::StreamExt;

/// Objects by namespace and name (component statuses are computed in any order),
/// compared as protobuf can carry them.
fn sorted(items: Vec<serde_json::Value>) -> Vec<serde_json::Value> {
    let mut items: Vec<_> = items
        .into_iter()
        .map(support::without_embedded_type_meta)
        .collect();
    items.sort_by_key(|item| {
        let meta = &item["metadata"];
        (meta["namespace"].to_string(), meta["name"].to_string())
    });
    items
}

#[tokio::test]
async fn every_builtin_resource_lists_the_same_objects_from_protobuf_and_json() {
    let config = support::config().await;
    let json = Clientset::from_rest(support::json_rest_client().await);
    let protobuf = Clientset::from_rest(support::protobuf_rest_client().await);
    let discovery = DiscoveryClient::new(&config)
        .unwrap()
        .server_groups_and_resources()
        .await
        .unwrap();
    let (mut compared, mut objects) = (0, 0);
    for list in &discovery.resources {
        let (group, version) = match list.group_version.split_once('/') {
            Some((group, version)) => (group, version),
            None => ("", list.group_version.as_str()),
        };
        for resource in &list.resources {
            if resource.name.contains('/') || !resource.verbs.iter().any(|v| v == "list") {
                continue;
            }
            let gvr = GroupVersionResource::new(group, version, resource.name.as_str());
            let Some(from_json) = json.list_values(&gvr, &ListOptions::default()).await else {
                continue; // custom resources of other tests
            };
            let from_json = from_json.unwrap_or_else(|e| panic!("listing {gvr} in JSON: {e}"));
            // The same snapshot: the resource version the JSON list was read at.
            let version = from_json
                .metadata
                .resource_version
                .as_deref()
                .map(str::to_owned);
            let exact = ListOptions {
                resource_version_match: version
                    .as_ref()
                    .filter(|v| !v.is_empty())
                    .map(|_| ResourceVersionMatch::Exact),
                resource_version: version.as_deref().map(str::to_owned),
                ..ListOptions::default()
            };
            let from_protobuf = protobuf
                .list_values(&gvr, &exact)
                .await
                .unwrap()
                .unwrap_or_else(|e| panic!("listing {gvr} in protobuf: {e}"));
            assert_eq!(
                sorted(from_protobuf.items),
                sorted(from_json.items.clone()),
                "{gvr} lists differently from protobuf"
            );
            assert_eq!(from_protobuf.kind, from_json.kind, "{gvr}");
            assert_eq!(from_protobuf.api_version, from_json.api_version, "{gvr}");
            compared += 1;
            objects += from_json.items.len();
        }
    }
    assert!(compared > 50, "only {compared} resources compared");
    assert!(objects > 100, "only {objects} objects compared");
}

#[tokio::test]
async fn the_server_answers_typed_lists_in_protobuf_and_the_codec_decodes_them() {
    let rest = support::protobuf_rest_client().await;
    assert!(rest.prefers_protobuf());
    let namespace = support::namespace("pb-raw").await;
    let clientset = Clientset::from_rest(rest.clone());
    let configmaps = clientset.core_v1().config_maps(&namespace);
    let mut data = StringMap::new();
    data.insert("empty".into(), Default::default());
    data.insert("key".into(), "value".into());
    configmaps
        .create(
            &ConfigMap {
                metadata: ObjectMeta::named("settings"),
                data: Some(data),
                ..ConfigMap::default()
            },
            &CreateOptions::default(),
        )
        .await
        .unwrap();
    let response = rest
        .get()
        .abs_path(&format!("/api/v1/namespaces/{namespace}/configmaps"))
        .header("Accept", "application/vnd.kubernetes.protobuf")
        .send()
        .await
        .unwrap();
    let content_type = response.headers()["content-type"]
        .to_str()
        .unwrap()
        .to_string();
    assert_eq!(content_type, "application/vnd.kubernetes.protobuf");
    let body = response.into_bytes().unwrap();
    assert!(body.starts_with(b"k8s\0"));
    let list = (ConfigMap::protobuf().unwrap().list)(&body).unwrap();
    assert_eq!(list.kind.as_deref(), Some("ConfigMapList"));
    assert_eq!(list.items.len(), 1);
    let typed = configmaps.list(&ListOptions::default()).await.unwrap();
    assert_eq!(list.items, typed.items);
    let data = list.items[0].data.as_ref().unwrap();
    assert_eq!(data.get_str("empty"), Some(""));
    assert_eq!(list.items[0].metadata.name.as_deref(), Some("settings"));
    assert!(list.items[0].metadata.generate_name.is_none());
}

#[tokio::test]
async fn objects_of_one_workload_share_their_long_strings_in_both_encodings() {
    let namespace = support::namespace("pb-shared").await;
    let image = "registry.example.com/team/frontend:v1.2.3";
    for name in ["web-0", "web-1"] {
        let mut meta = ObjectMeta::named(name);
        meta.labels = StringMap::from([("app.kubernetes.io/part-of", "storefront".into())]);
        let config = ConfigMap {
            metadata: meta,
            data: Some(StringMap::from([("image", image.into())])),
            ..ConfigMap::default()
        };
        support::clientset()
            .await
            .core_v1()
            .config_maps(&namespace)
            .create(&config, &CreateOptions::default())
            .await
            .unwrap();
    }
    for rest in [
        support::protobuf_rest_client().await,
        support::json_rest_client().await,
    ] {
        let list = Clientset::from_rest(rest)
            .core_v1()
            .config_maps(&namespace)
            .list(&ListOptions::default())
            .await
            .unwrap();
        let [first, second] = &list.items[..] else {
            panic!("two ConfigMaps expected, got {}", list.items.len());
        };
        let image_of = |config: &ConfigMap| config.data.as_ref().unwrap()["image"].clone();
        assert_eq!(image_of(first), image);
        assert_eq!(image_of(first).as_ptr(), image_of(second).as_ptr());
        // The same manager wrote the same fields: one field set held once.
        let fields_of = |config: &ConfigMap| {
            let entry = &config.metadata.managed_fields[0];
            entry.fields_v1.clone().unwrap()
        };
        assert_eq!(fields_of(first), fields_of(second));
        assert!(fields_of(first).as_str().contains("f:image"));
        assert_eq!(
            fields_of(first).as_str().as_ptr(),
            fields_of(second).as_str().as_ptr()
        );
        // Short text is inline in each object, so never shared.
        assert_ne!(
            first.metadata.name.as_ref().unwrap().as_ptr(),
            second.metadata.name.as_ref().unwrap().as_ptr()
        );
    }
}

#[tokio::test]
async fn errors_arrive_as_protobuf_statuses_with_their_reason() {
    let clientset = Clientset::from_rest(support::protobuf_rest_client().await);
    let namespace = support::namespace("pb-errors").await;
    let pods = clientset.core_v1().pods(&namespace);
    let missing = pods
        .get("missing", &GetOptions::default())
        .await
        .unwrap_err();
    assert!(missing.is_not_found(), "{missing}");
    assert!(
        missing.to_string().contains("\"missing\" not found"),
        "{missing}"
    );
    let configmaps = clientset.core_v1().config_maps(&namespace);
    let object = ConfigMap {
        metadata: ObjectMeta::named("twice"),
        ..ConfigMap::default()
    };
    configmaps
        .create(&object, &CreateOptions::default())
        .await
        .unwrap();
    let again = configmaps
        .create(&object, &CreateOptions::default())
        .await
        .unwrap_err();
    assert!(again.is_already_exists(), "{again}");
}

#[tokio::test]
async fn watches_deliver_events_from_protobuf_frames() {
    let clientset = Clientset::from_rest(support::protobuf_rest_client().await);
    let namespace = support::namespace("pb-watch").await;
    let configmaps = clientset.core_v1().config_maps(&namespace);
    let start = configmaps.list(&ListOptions::default()).await.unwrap();
    let mut events = configmaps
        .watch(&ListOptions {
            resource_version: start
                .metadata
                .resource_version
                .as_deref()
                .map(str::to_owned),
            allow_watch_bookmarks: true,
            ..ListOptions::default()
        })
        .await
        .unwrap();
    let mut object = configmaps
        .create(
            &ConfigMap {
                metadata: ObjectMeta::named("watched"),
                ..ConfigMap::default()
            },
            &CreateOptions::default(),
        )
        .await
        .unwrap();
    object.data = Some(StringMap::from_iter([("k".to_string(), "v".to_string())]));
    let updated = configmaps
        .update(&object, &Default::default())
        .await
        .unwrap();
    configmaps
        .delete("watched", &DeleteOptions::default())
        .await
        .unwrap();
    let mut seen = Vec::new();
    while seen.len() < 3 {
        let event = tokio::time::timeout(Duration::from_secs(30), events.next())
            .await
            .expect("an event within 30 s")
            .expect("the watch is still open")
            .unwrap();
        match event {
            WatchEvent::Added(cm) => seen.push(("ADDED", cm)),
            WatchEvent::Modified(cm) => seen.push(("MODIFIED", cm)),
            WatchEvent::Deleted(cm) => seen.push(("DELETED", cm)),
            WatchEvent::Bookmark(_) => {}
            WatchEvent::Error(status) => panic!("watch error {status:?}"),
        }
    }
    let types: Vec<&str> = seen.iter().map(|(t, _)| *t).collect();
    assert_eq!(types, ["ADDED", "MODIFIED", "DELETED"]);
    assert_eq!(
        seen[1].1, updated,
        "the MODIFIED object equals the update's answer"
    );
    assert_eq!(seen[0].1.kind.as_deref(), Some("ConfigMap"));
    assert_eq!(seen[0].1.api_version.as_deref(), Some("v1"));
}

#[tokio::test]
async fn a_watch_error_event_carries_the_servers_protobuf_status() {
    let rest = support::protobuf_rest_client().await;
    // The server's own protobuf Status (a 404), framed as the ERROR event of a watch.
    let response = rest
        .get()
        .abs_path("/api/v1/namespaces/default/pods/missing")
        .header("Accept", "application/vnd.kubernetes.protobuf")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 404);
    let status = response.body().to_vec();
    assert!(status.starts_with(b"k8s\0"));
    let mut object = Vec::new();
    wire::put_bytes(&mut object, 1, &status);
    let mut frame = Vec::new();
    wire::put_bytes(&mut frame, 1, b"ERROR");
    wire::put_bytes(&mut frame, 2, &object);
    let event = protobuf::decode_watch_event(&frame, Pod::protobuf().unwrap().object).unwrap();
    let WatchEvent::Error(status) = event else {
        panic!("expected an ERROR event, got {event:?}");
    };
    assert_eq!(status.code, 404);
    assert_eq!(status.kind.as_deref(), Some("Status"));
    assert!(status.message.unwrap().contains("\"missing\" not found"));
}

#[tokio::test]
async fn kinds_without_a_protobuf_form_stay_json() {
    assert!(CustomResourceDefinition::protobuf().is_none());
    assert!(Pod::protobuf().is_some());
    let clientset = Clientset::from_rest(support::protobuf_rest_client().await);
    let crds = clientset
        .apiextensions_v1()
        .custom_resource_definitions()
        .list(&ListOptions::default())
        .await
        .unwrap();
    assert_eq!(crds.kind.as_deref(), Some("CustomResourceDefinitionList"));
    let dynamic = clientgo_dynamic::DynamicClient::from_rest(support::protobuf_rest_client().await);
    let namespaces = dynamic
        .resource(&GroupVersionResource::new("", "v1", "namespaces"))
        .list(&ListOptions::default())
        .await
        .unwrap();
    assert!(!namespaces.items.is_empty());
}
