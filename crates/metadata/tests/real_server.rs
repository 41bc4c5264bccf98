//! The metadata client against the real API server: 100 ConfigMaps of 10 KiB each
//! listed as metadata only (a fraction of the bytes of a full list), and get, patch,
//! watch, delete and delete-collection on their metadata.

#![allow(clippy::unwrap_used)] // test helpers panic on purpose when the server misbehaves

use std::time::Duration;

use clientgo_apimachinery::meta::{DeleteOptions, GetOptions, ListOptions, PatchOptions};
use clientgo_apimachinery::patch::PatchType;
use clientgo_apimachinery::watch::WatchEvent;
use clientgo_apimachinery::{ApiStatus, GroupVersionResource, Unstructured};
use clientgo_clientcmd::{ClientConfig, ConfigOverrides, LoadingRules};
use clientgo_dynamic::DynamicClient;
use clientgo_metadata::{ACCEPT_LIST, MetadataClient};
use clientgo_rest::RestClient;
use futures_util::StreamExt;
use serde_json::json;

async fn config() -> clientgo_rest::Config {
    let cluster = clientgo_envtest::test_cluster().await.unwrap();
    let rules = LoadingRules::explicit(cluster.kubeconfig_path());
    let mut config = ClientConfig::new(rules, ConfigOverrides::default())
        .rest_config()
        .unwrap();
    config.qps = -1.0; // 100 creations without client-side throttling
    config
}

fn configmaps() -> GroupVersionResource {
    GroupVersionResource::new("", "v1", "configmaps")
}

async fn list_bytes(rest: &RestClient, ns: &str, accept: &str) -> usize {
    rest.get()
        .group_version("", "v1")
        .namespace(ns)
        .resource("configmaps")
        .param("labelSelector", "bulk=yes")
        .header("Accept", accept)
        .send()
        .await
        .unwrap()
        .into_bytes()
        .unwrap()
        .len()
}

async fn next(
    events: &mut clientgo_rest::WatchStream<clientgo_metadata::PartialObjectMetadata>,
) -> WatchEvent<clientgo_metadata::PartialObjectMetadata> {
    tokio::time::timeout(Duration::from_secs(20), events.next())
        .await
        .unwrap()
        .unwrap()
        .unwrap()
}

#[tokio::test]
async fn metadata_lists_are_small_and_every_verb_works() {
    let config = config().await;
    let cluster = clientgo_envtest::test_cluster().await.unwrap();
    let ns = cluster.new_namespace("metadata").await.unwrap();
    let dynamic = DynamicClient::new(&config).unwrap();
    let full = dynamic.resource(&configmaps()).namespace(&ns);
    let payload = "x".repeat(10 * 1024);
    let creations = (0..100).map(|i| {
        let object = Unstructured::from_value(json!({
            "apiVersion": "v1", "kind": "ConfigMap",
            "metadata": {"name": format!("cm-{i:03}"), "labels": {"bulk": "yes", "index": i.to_string()}},
            "data": {"payload": payload},
        }))
        .unwrap();
        let full = full.clone();
        async move { full.create(&object, &Default::default(), &[]).await.unwrap() }
    });
    futures_util::stream::iter(creations)
        .buffer_unordered(10)
        .collect::<Vec<_>>()
        .await;

    let client = MetadataClient::new(&config).unwrap();
    let metadata = client.resource(&configmaps()).namespace(&ns);
    let selected = ListOptions::default().with_label_selector("bulk=yes");
    let list = metadata.list(&selected).await.unwrap();
    assert_eq!(list.items.len(), 100);
    assert_eq!(list.kind.as_deref(), Some("PartialObjectMetadataList"));
    assert!(list.metadata.resource_version.is_some());
    let first = &list.items[0];
    assert_eq!(first.kind.as_deref(), Some("PartialObjectMetadata"));
    assert_eq!(first.metadata.name.as_deref(), Some("cm-000"));
    assert_eq!(first.metadata.labels["bulk"], "yes");
    assert!(first.metadata.uid.is_some());

    // The same list costs far fewer bytes as metadata (no data travels).
    let rest = RestClient::new(&config).unwrap();
    let full_bytes = list_bytes(&rest, &ns, "application/json").await;
    let metadata_bytes = list_bytes(&rest, &ns, ACCEPT_LIST).await;
    assert!(full_bytes > 100 * 10 * 1024, "{full_bytes}");
    assert!(
        metadata_bytes * 10 < full_bytes,
        "metadata {metadata_bytes} bytes, full {full_bytes} bytes"
    );

    // get
    let got = metadata
        .get("cm-042", &GetOptions::default(), &[])
        .await
        .unwrap();
    assert_eq!(got.metadata.labels["index"], "42");
    assert_eq!(got.kind.as_deref(), Some("PartialObjectMetadata"));

    // watch from the list's resource version, then patch and delete.
    let rv = list.metadata.resource_version.clone().unwrap();
    let mut events = metadata
        .watch(
            &ListOptions::default()
                .with_label_selector("index=42")
                .with_resource_version(rv),
        )
        .await
        .unwrap();
    let patched = metadata
        .patch(
            "cm-042",
            PatchType::Merge,
            br#"{"metadata":{"labels":{"patched":"true"}}}"#,
            &PatchOptions::default(),
        )
        .await
        .unwrap();
    assert_eq!(patched.metadata.labels["patched"], "true");
    assert_eq!(patched.metadata.labels["index"], "42");
    let full_object = full.get("cm-042", &Default::default(), &[]).await.unwrap();
    assert_eq!(
        full_object.nested_string(&["data", "payload"]).unwrap(),
        Some(payload.as_str()),
        "patching labels left the data alone"
    );
    metadata
        .delete("cm-042", &DeleteOptions::default(), &[])
        .await
        .unwrap();
    match next(&mut events).await {
        WatchEvent::Modified(object) => {
            assert_eq!(object.metadata.labels["patched"], "true");
            assert_eq!(object.kind.as_deref(), Some("PartialObjectMetadata"));
        }
        other => panic!("expected MODIFIED, got {other:?}"),
    }
    match next(&mut events).await {
        WatchEvent::Deleted(object) => assert_eq!(object.metadata.name.as_deref(), Some("cm-042")),
        other => panic!("expected DELETED, got {other:?}"),
    }
    let gone = metadata
        .get("cm-042", &GetOptions::default(), &[])
        .await
        .unwrap_err();
    assert!(gone.is_not_found(), "{gone}");

    // delete collection
    metadata
        .delete_collection(&DeleteOptions::default(), &selected)
        .await
        .unwrap();
    let remaining = metadata.list(&selected).await.unwrap();
    assert!(remaining.items.is_empty(), "{} left", remaining.items.len());
}
