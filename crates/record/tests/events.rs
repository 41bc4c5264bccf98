//! Event recording against a real kube-apiserver: de-duplication, aggregation, the spam
//! filter, involved object references, and events.k8s.io series.

#![allow(clippy::unwrap_used)]

use std::sync::Arc;
use std::time::Duration;

use clientgo_api::core::v1::{ConfigMap, EventSource};
use clientgo_apimachinery::ObjectMeta;
use clientgo_apimachinery::meta::{CreateOptions, ListOptions};
use clientgo_clientcmd::{ClientConfig, ConfigOverrides, LoadingRules};
use clientgo_kubernetes::Clientset;
use clientgo_record::events::{EventBroadcaster as SeriesBroadcaster, EventsOptions};
use clientgo_record::{AGGREGATED_MESSAGE_PREFIX, ClientsetEventSink, EventBroadcaster, EventType};

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

/// A fresh namespace with ConfigMap `cm` in it.
async fn config_map(clientset: &Clientset, prefix: &str) -> ConfigMap {
    let cluster = clientgo_envtest::test_cluster().await.unwrap();
    let namespace = cluster.new_namespace(prefix).await.unwrap();
    let map = ConfigMap {
        metadata: ObjectMeta {
            name: Some("cm".into()),
            ..ObjectMeta::default()
        },
        ..ConfigMap::default()
    };
    clientset
        .core_v1()
        .config_maps(&namespace)
        .create(&map, &CreateOptions::default())
        .await
        .unwrap()
}

fn source() -> EventSource {
    EventSource {
        component: Some("record-test".into()),
        host: Some("test-host".into()),
    }
}

async fn core_events(clientset: &Clientset, namespace: &str) -> Vec<clientgo_api::core::v1::Event> {
    clientset
        .core_v1()
        .events(namespace)
        .list(&ListOptions::default())
        .await
        .unwrap()
        .items
}

#[tokio::test]
async fn identical_events_become_one_event_with_a_count() {
    let clientset = clientset().await;
    let map = config_map(&clientset, "rec-dedup").await;
    let namespace = map.metadata.namespace.clone().unwrap();
    let broadcaster = EventBroadcaster::new();
    broadcaster.start_recording_to_sink(Arc::new(ClientsetEventSink::new(clientset.clone())));
    let recorder = broadcaster.new_recorder(source());
    // A typed event type and a lister's `Arc` record the same event as the strings
    // and the object do.
    let shared = Arc::new(map.clone());
    for i in 0..15 {
        if i % 2 == 0 {
            recorder.event(&map, "Normal", "Synced", "configuration applied");
        } else {
            recorder.event(
                &shared,
                EventType::Normal,
                "Synced",
                "configuration applied",
            );
        }
    }
    broadcaster.shutdown().await;

    let events = core_events(&clientset, &namespace).await;
    assert_eq!(events.len(), 1, "{events:#?}");
    let event = &events[0];
    assert_eq!(event.count, Some(15));
    assert!(event.metadata.name.as_deref().unwrap().starts_with("cm."));
    assert_eq!(event.reason.as_deref(), Some("Synced"));
    assert_eq!(event.type_.as_deref(), Some("Normal"));
    assert_eq!(
        event.source.as_ref().unwrap().component.as_deref(),
        Some("record-test")
    );
    assert_eq!(event.reporting_component.as_deref(), Some("record-test"));
    assert!(event.first_timestamp <= event.last_timestamp);
    let object = &event.involved_object;
    assert_eq!(object.kind.as_deref(), Some("ConfigMap"));
    assert_eq!(object.api_version.as_deref(), Some("v1"));
    assert_eq!(object.name.as_deref(), Some("cm"));
    assert_eq!(object.namespace.as_deref(), Some(namespace.as_str()));
    assert_eq!(object.uid, map.metadata.uid);
    assert_eq!(object.resource_version, map.metadata.resource_version);
}

#[tokio::test]
async fn similar_events_are_aggregated() {
    let clientset = clientset().await;
    let map = config_map(&clientset, "rec-aggregate").await;
    let namespace = map.metadata.namespace.clone().unwrap();
    let broadcaster = EventBroadcaster::new();
    broadcaster.start_recording_to_sink(Arc::new(ClientsetEventSink::new(clientset.clone())));
    let recorder = broadcaster.new_recorder(source());
    for n in 0..12 {
        recorder.eventf(
            &map,
            "Warning",
            "Failed",
            format_args!("attempt {n} failed"),
        );
    }
    broadcaster.shutdown().await;

    let events = core_events(&clientset, &namespace).await;
    let combined: Vec<_> = events
        .iter()
        .filter(|e| {
            e.message
                .as_deref()
                .unwrap_or_default()
                .starts_with(AGGREGATED_MESSAGE_PREFIX)
        })
        .collect();
    assert_eq!(combined.len(), 1, "{events:#?}");
    assert_eq!(combined[0].count, Some(3), "the 10th, 11th and 12th events");
    assert_eq!(
        combined[0].message.as_deref(),
        Some("(combined from similar events): attempt 11 failed")
    );
    assert_eq!(events.len(), 10, "9 single events and the aggregate");
}

#[tokio::test]
async fn the_spam_filter_drops_events_beyond_the_burst() {
    let clientset = clientset().await;
    let map = config_map(&clientset, "rec-spam").await;
    let namespace = map.metadata.namespace.clone().unwrap();
    let broadcaster = EventBroadcaster::new();
    broadcaster.start_recording_to_sink(Arc::new(ClientsetEventSink::new(clientset.clone())));
    let recorder = broadcaster.new_recorder(source());
    for _ in 0..30 {
        recorder.event(&map, "Warning", "Flapping", "again");
    }
    broadcaster.shutdown().await;

    let events = core_events(&clientset, &namespace).await;
    assert_eq!(events.len(), 1);
    assert_eq!(events[0].count, Some(25), "5 of 30 dropped");
}

#[tokio::test]
async fn events_k8s_io_repeats_form_a_series() {
    let clientset = clientset().await;
    let map = config_map(&clientset, "rec-series").await;
    let namespace = map.metadata.namespace.clone().unwrap();
    let options = EventsOptions {
        refresh_interval: Duration::from_millis(500),
        ..EventsOptions::default()
    };
    let broadcaster = SeriesBroadcaster::with_options(clientset.clone(), options);
    broadcaster.start_recording_to_sink().unwrap();
    assert!(broadcaster.start_recording_to_sink().is_err(), "only once");
    let recorder = broadcaster.new_recorder("series-test");
    for _ in 0..5 {
        recorder.eventf(
            &map,
            None,
            "Normal",
            "Reconciled",
            "Reconcile",
            format_args!("done"),
        );
    }
    // The second occurrence starts the series right away; the refresh sends the rest.
    tokio::time::sleep(Duration::from_secs(2)).await;
    broadcaster.shutdown().await;

    let events = clientset
        .events_v1()
        .events(&namespace)
        .list(&ListOptions::default())
        .await
        .unwrap()
        .items;
    assert_eq!(events.len(), 1, "{events:#?}");
    let event = &events[0];
    let series = event.series.as_ref().expect("a series");
    assert!(series.count >= 2);
    assert_eq!(series.count, 5, "refreshed");
    assert_eq!(event.reporting_controller.as_deref(), Some("series-test"));
    assert!(
        event
            .reporting_instance
            .as_deref()
            .unwrap()
            .starts_with("series-test-")
    );
    assert_eq!(event.action.as_deref(), Some("Reconcile"));
    assert_eq!(event.note.as_deref(), Some("done"));
    let regarding = event.regarding.as_ref().unwrap();
    assert_eq!(regarding.uid, map.metadata.uid);
    assert_eq!(regarding.kind.as_deref(), Some("ConfigMap"));
}
