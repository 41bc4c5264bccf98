//! Watches against the fake server: initial state, live events, resuming from a
//! resource version, expiry, bookmarks, watch-list, selectors and namespaces.

#![allow(clippy::unwrap_used)]

mod common;

use std::time::Duration;

use clientgo_apimachinery::meta::{
    CreateOptions, DeleteOptions, ListOptions, PatchOptions, ResourceVersionMatch,
};
use clientgo_apimachinery::patch::PatchType;
use clientgo_apimachinery::watch::WatchEvent;
use clientgo_apimachinery::{ApiStatus, Unstructured};
use clientgo_rest::WatchStream;
use clientgo_testing::FakeApiServer;
use common::{client, object, pod, pods, pods_in};
use futures_util::StreamExt;
use serde_json::json;

async fn next(stream: &mut WatchStream<Unstructured>) -> WatchEvent<Unstructured> {
    tokio::time::timeout(Duration::from_secs(5), stream.next())
        .await
        .expect("no event within 5s")
        .expect("the watch ended")
        .unwrap()
}

/// Event type and object name.
fn summary(event: &WatchEvent<Unstructured>) -> (String, String) {
    let name = event
        .object()
        .and_then(|o| o.name())
        .unwrap_or_default()
        .to_owned();
    (event.event_type().as_str().to_owned(), name)
}

fn pair(kind: &str, name: &str) -> (String, String) {
    (kind.to_owned(), name.to_owned())
}

#[tokio::test]
async fn a_watch_from_nothing_sees_existing_objects_then_changes() {
    let fake = FakeApiServer::with_objects([pod("a", "ns", json!({}))])
        .await
        .unwrap();
    let pods = pods_in(&fake, "ns");
    let mut watch = pods.watch(&ListOptions::default()).await.unwrap();
    assert_eq!(summary(&next(&mut watch).await), pair("ADDED", "a"));

    pods.create(
        &object(pod("b", "ns", json!({}))),
        &CreateOptions::default(),
        &[],
    )
    .await
    .unwrap();
    pods.patch(
        "b",
        PatchType::Merge,
        br#"{"metadata":{"labels":{"x":"1"}}}"#,
        &PatchOptions::default(),
    )
    .await
    .unwrap();
    pods.delete("a", &DeleteOptions::default(), &[])
        .await
        .unwrap();
    assert_eq!(summary(&next(&mut watch).await), pair("ADDED", "b"));
    let modified = next(&mut watch).await;
    assert_eq!(summary(&modified), pair("MODIFIED", "b"));
    assert_eq!(modified.object().unwrap().labels()["x"], "1");
    let deleted = next(&mut watch).await;
    assert_eq!(summary(&deleted), pair("DELETED", "a"));
    // The deleted object carries the resource version of its deletion.
    assert_eq!(
        deleted.object().unwrap().resource_version().unwrap(),
        fake.tracker().resource_version().to_string()
    );
}

#[tokio::test]
async fn a_watch_from_a_resource_version_replays_only_later_events() {
    let fake = FakeApiServer::with_objects([pod("a", "ns", json!({}))])
        .await
        .unwrap();
    let pods = pods_in(&fake, "ns");
    let list = pods.list(&ListOptions::default()).await.unwrap();
    let rv = list.resource_version().unwrap().to_owned();
    pods.create(
        &object(pod("b", "ns", json!({}))),
        &CreateOptions::default(),
        &[],
    )
    .await
    .unwrap();
    let mut watch = pods
        .watch(&ListOptions::default().with_resource_version(rv))
        .await
        .unwrap();
    assert_eq!(summary(&next(&mut watch).await), pair("ADDED", "b"));
    pods.delete("b", &DeleteOptions::default(), &[])
        .await
        .unwrap();
    assert_eq!(summary(&next(&mut watch).await), pair("DELETED", "b"));
}

#[tokio::test]
async fn a_too_old_resource_version_is_expired() {
    let fake = FakeApiServer::builder()
        .history_limit(2)
        .objects(["a", "b", "c", "d"].map(|n| pod(n, "ns", json!({}))))
        .start()
        .await
        .unwrap();
    let mut watch = pods_in(&fake, "ns")
        .watch(&ListOptions::default().with_resource_version("1"))
        .await
        .unwrap();
    let error = tokio::time::timeout(Duration::from_secs(5), watch.next())
        .await
        .unwrap()
        .unwrap()
        .unwrap_err();
    assert!(error.is_resource_expired(), "{error}");
    assert_eq!(error.status().unwrap().code(), 410);
    assert!(watch.next().await.is_none());
}

#[tokio::test]
async fn bookmarks_and_the_end_of_initial_events() {
    let fake = FakeApiServer::builder()
        .bookmark_interval(Duration::from_millis(100))
        .objects([pod("a", "ns", json!({})), pod("b", "ns", json!({}))])
        .start()
        .await
        .unwrap();
    let options = ListOptions {
        allow_watch_bookmarks: true,
        send_initial_events: Some(true),
        resource_version_match: Some(ResourceVersionMatch::NotOlderThan),
        ..ListOptions::default()
    };
    let mut watch = pods_in(&fake, "ns").watch(&options).await.unwrap();
    assert_eq!(summary(&next(&mut watch).await), pair("ADDED", "a"));
    assert_eq!(summary(&next(&mut watch).await), pair("ADDED", "b"));
    let WatchEvent::Bookmark(end) = next(&mut watch).await else {
        panic!("expected the initial-events-end bookmark");
    };
    assert!(end.is_initial_events_end());
    assert_eq!(end.metadata.resource_version, "2");
    assert_eq!(end.kind.as_deref(), Some("Pod"));
    assert_eq!(end.api_version.as_deref(), Some("v1"));
    // Then periodic bookmarks without the annotation.
    let WatchEvent::Bookmark(periodic) = next(&mut watch).await else {
        panic!("expected a periodic bookmark");
    };
    assert!(!periodic.is_initial_events_end());

    // sendInitialEvents needs resourceVersionMatch=NotOlderThan.
    let bad = ListOptions {
        send_initial_events: Some(true),
        allow_watch_bookmarks: true,
        ..ListOptions::default()
    };
    let error = pods_in(&fake, "ns").watch(&bad).await.err().unwrap();
    assert!(error.is_invalid(), "{error}");
}

#[tokio::test]
async fn watches_see_one_namespace_or_all() {
    let fake = FakeApiServer::new().await.unwrap();
    let mut everywhere = client(&fake)
        .resource(&pods())
        .watch(&ListOptions::default())
        .await
        .unwrap();
    let mut one = pods_in(&fake, "ns2")
        .watch(&ListOptions::default())
        .await
        .unwrap();
    for (name, namespace) in [("a", "ns1"), ("b", "ns2")] {
        pods_in(&fake, namespace)
            .create(
                &object(pod(name, namespace, json!({}))),
                &CreateOptions::default(),
                &[],
            )
            .await
            .unwrap();
    }
    assert_eq!(summary(&next(&mut everywhere).await), pair("ADDED", "a"));
    assert_eq!(summary(&next(&mut everywhere).await), pair("ADDED", "b"));
    assert_eq!(summary(&next(&mut one).await), pair("ADDED", "b"));
}

#[tokio::test]
async fn selectors_turn_changes_into_added_and_deleted() {
    let fake = FakeApiServer::with_objects([
        pod("a", "ns", json!({"app": "web"})),
        pod("b", "ns", json!({})),
    ])
    .await
    .unwrap();
    let pods = pods_in(&fake, "ns");
    let mut watch = pods
        .watch(&ListOptions::default().with_label_selector("app=web"))
        .await
        .unwrap();
    assert_eq!(summary(&next(&mut watch).await), pair("ADDED", "a"));
    // b enters the selection, a leaves it.
    pods.patch(
        "b",
        PatchType::Merge,
        br#"{"metadata":{"labels":{"app":"web"}}}"#,
        &PatchOptions::default(),
    )
    .await
    .unwrap();
    pods.patch(
        "a",
        PatchType::Merge,
        br#"{"metadata":{"labels":{"app":null}}}"#,
        &PatchOptions::default(),
    )
    .await
    .unwrap();
    assert_eq!(summary(&next(&mut watch).await), pair("ADDED", "b"));
    assert_eq!(summary(&next(&mut watch).await), pair("DELETED", "a"));

    let mut by_field = pods
        .watch(&ListOptions::default().with_field_selector("metadata.name=b"))
        .await
        .unwrap();
    assert_eq!(summary(&next(&mut by_field).await), pair("ADDED", "b"));
}

#[tokio::test]
async fn timeout_seconds_ends_the_watch() {
    let fake = FakeApiServer::new().await.unwrap();
    let options = ListOptions {
        timeout_seconds: Some(1),
        ..ListOptions::default()
    };
    let mut watch = pods_in(&fake, "ns").watch(&options).await.unwrap();
    let end = tokio::time::timeout(Duration::from_secs(5), watch.next())
        .await
        .unwrap();
    assert!(end.is_none());
}

#[tokio::test]
async fn a_watch_ends_when_its_client_goes_away() {
    let fake = FakeApiServer::new().await.unwrap();
    let watch = pods_in(&fake, "ns")
        .watch(&ListOptions::default())
        .await
        .unwrap();
    assert_eq!(fake.tracker().open_watches(), 1);
    drop(watch);
    for _ in 0..100 {
        if fake.tracker().open_watches() == 0 {
            return;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    panic!("the server kept the watch of a client that went away");
}

#[tokio::test]
async fn dropping_the_server_ends_its_watches() {
    let fake = FakeApiServer::new().await.unwrap();
    let mut watch = pods_in(&fake, "ns")
        .watch(&ListOptions::default())
        .await
        .unwrap();
    drop(fake);
    let end = tokio::time::timeout(Duration::from_secs(5), watch.next())
        .await
        .unwrap();
    assert!(end.is_none_or(|e| e.is_err()));
}

#[tokio::test]
async fn a_watch_reactor_streams_the_events_of_the_test() {
    let fake = FakeApiServer::new().await.unwrap();
    let (sender, events) = tokio::sync::mpsc::unbounded_channel();
    let events = std::sync::Mutex::new(Some(events));
    fake.prepend_watch_reactor("pods", move |_| events.lock().unwrap().take());
    let mut watch = pods_in(&fake, "ns")
        .watch(&ListOptions::default())
        .await
        .unwrap();
    sender
        .send(WatchEvent::Added(pod("injected", "ns", json!({}))))
        .unwrap();
    assert_eq!(summary(&next(&mut watch).await), pair("ADDED", "injected"));
    drop(sender);
    let end = tokio::time::timeout(Duration::from_secs(5), watch.next())
        .await
        .unwrap();
    assert!(end.is_none());
    // Once the reactor declines, the tracker serves watches again.
    let mut tracked = pods_in(&fake, "ns")
        .watch(&ListOptions::default())
        .await
        .unwrap();
    pods_in(&fake, "ns")
        .create(
            &object(pod("real", "ns", json!({}))),
            &CreateOptions::default(),
            &[],
        )
        .await
        .unwrap();
    assert_eq!(summary(&next(&mut tracked).await), pair("ADDED", "real"));
}
