//! The REST client against the real API server: CRUD with typed errors, watches with
//! bookmarks and expired resource versions, warnings, byte streams.

#![allow(clippy::unwrap_used)] // test helpers panic on purpose when the server misbehaves

use std::sync::Arc;
use std::time::Duration;

use clientgo_apimachinery::watch::WatchEvent;
use clientgo_envtest::{ControlPlane, Credentials, TestCluster, User, test_cluster};
use clientgo_rest::{ApiStatus, CollectWarnings, Config, RestClient};
use futures_util::StreamExt;
use serde_json::{Value, json};

fn config_for(cluster: &TestCluster, user: &User) -> Config {
    let mut config = Config::new(cluster.server_url());
    config.transport = cluster.transport_config(user);
    config
}

async fn admin_client() -> (RestClient, String) {
    let cluster = test_cluster().await.unwrap();
    let client = RestClient::new(&config_for(cluster, &cluster.admin().unwrap())).unwrap();
    let namespace = cluster.new_namespace("rest").await.unwrap();
    (client, namespace)
}

fn config_map(name: &str, value: &str) -> Value {
    json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": name}, "data": {"key": value}})
}

#[tokio::test]
async fn create_get_update_delete_with_typed_errors() {
    let (client, ns) = admin_client().await;
    let configmaps = || {
        client
            .get()
            .group_version("", "v1")
            .namespace(&ns)
            .resource("configmaps")
    };

    let response = client
        .post()
        .group_version("", "v1")
        .namespace(&ns)
        .resource("configmaps")
        .json(&config_map("settings", "1"))
        .send()
        .await
        .unwrap();
    assert!(response.was_created());
    let created: Value = response.json().unwrap();
    let first_version = created["metadata"]["resourceVersion"]
        .as_str()
        .unwrap()
        .to_string();

    let again = client
        .post()
        .group_version("", "v1")
        .namespace(&ns)
        .resource("configmaps")
        .json(&config_map("settings", "1"))
        .send()
        .await
        .unwrap()
        .into_bytes()
        .unwrap_err();
    assert!(again.is_already_exists(), "{again}");

    let fetched: Value = configmaps().name("settings").into_json().await.unwrap();
    assert_eq!(fetched["data"]["key"], "1");

    let mut updated = fetched.clone();
    updated["data"]["key"] = json!("2");
    let put = |body: Value| {
        client
            .put()
            .group_version("", "v1")
            .namespace(&ns)
            .resource("configmaps")
            .name("settings")
            .json(&body)
    };
    let after: Value = put(updated.clone()).into_json().await.unwrap();
    assert_ne!(after["metadata"]["resourceVersion"], json!(first_version));

    // The same update again carries a stale resourceVersion now.
    let conflict = put(updated).into_json::<Value>().await.unwrap_err();
    assert!(conflict.is_conflict(), "{conflict}");

    client
        .delete()
        .group_version("", "v1")
        .namespace(&ns)
        .resource("configmaps")
        .name("settings")
        .send()
        .await
        .unwrap()
        .into_bytes()
        .unwrap();
    let gone = configmaps()
        .name("settings")
        .into_json::<Value>()
        .await
        .unwrap_err();
    assert!(gone.is_not_found(), "{gone}");
    let status = gone.status().unwrap();
    assert_eq!(status.code(), 404);
}

#[tokio::test]
async fn errors_without_a_status_body_are_still_typed() {
    let (client, _) = admin_client().await;
    let error = client
        .get()
        .abs_path("/apis/no.such.group/v1/things")
        .into_json::<Value>()
        .await
        .unwrap_err();
    assert!(error.is_not_found(), "{error}");
}

#[tokio::test]
async fn envtest_only_forbidden_users_get_a_forbidden_error() {
    let cluster = test_cluster().await.unwrap();
    let client = RestClient::new(&config_for(cluster, &cluster.unprivileged().unwrap())).unwrap();
    let error = client
        .get()
        .group_version("", "v1")
        .resource("secrets")
        .into_json::<Value>()
        .await
        .unwrap_err();
    assert!(error.is_forbidden(), "{error}");
    assert!(
        error.to_string().contains("secrets is forbidden"),
        "{error}"
    );
}

#[tokio::test]
async fn watches_deliver_events_in_order_and_bookmarks() {
    let (client, ns) = admin_client().await;
    let watch = client
        .get()
        .group_version("", "v1")
        .namespace(&ns)
        .resource("configmaps")
        .param("sendInitialEvents", "true")
        .param("resourceVersionMatch", "NotOlderThan")
        .param("allowWatchBookmarks", "true")
        .timeout(Duration::from_secs(60))
        .watch::<Value>()
        .await
        .unwrap();
    let mut watch = watch;
    // The initial state is empty: the first event is the initial-events-end bookmark.
    match watch.next().await.unwrap().unwrap() {
        WatchEvent::Bookmark(bookmark) => assert!(bookmark.is_initial_events_end(), "{bookmark:?}"),
        other => panic!("expected a bookmark, got {:?}", other.event_type()),
    }
    let base = || {
        client
            .post()
            .group_version("", "v1")
            .namespace(&ns)
            .resource("configmaps")
    };
    base()
        .json(&config_map("watched", "a"))
        .send()
        .await
        .unwrap()
        .into_bytes()
        .unwrap();
    client
        .patch("application/merge-patch+json")
        .group_version("", "v1")
        .namespace(&ns)
        .resource("configmaps")
        .name("watched")
        .body(r#"{"data":{"key":"b"}}"#, "application/merge-patch+json")
        .send()
        .await
        .unwrap()
        .into_bytes()
        .unwrap();
    client
        .delete()
        .group_version("", "v1")
        .namespace(&ns)
        .resource("configmaps")
        .name("watched")
        .send()
        .await
        .unwrap()
        .into_bytes()
        .unwrap();
    let mut seen = Vec::new();
    let mut versions = Vec::new();
    while seen.len() < 3 {
        let event = tokio::time::timeout(Duration::from_secs(30), watch.next())
            .await
            .expect("no watch event within 30 s")
            .unwrap()
            .unwrap();
        if let WatchEvent::Added(o) | WatchEvent::Modified(o) | WatchEvent::Deleted(o) = &event {
            let version: u64 = o["metadata"]["resourceVersion"]
                .as_str()
                .unwrap()
                .parse()
                .unwrap();
            versions.push(version);
        }
        match event {
            WatchEvent::Added(o) => seen.push(("ADDED", o["data"]["key"].clone())),
            WatchEvent::Modified(o) => seen.push(("MODIFIED", o["data"]["key"].clone())),
            WatchEvent::Deleted(o) => seen.push(("DELETED", o["data"]["key"].clone())),
            WatchEvent::Bookmark(_) => {}
            other => panic!("unexpected {:?}", other.event_type()),
        }
    }
    assert_eq!(
        seen,
        vec![
            ("ADDED", json!("a")),
            ("MODIFIED", json!("b")),
            ("DELETED", json!("b"))
        ]
    );
    assert!(
        versions.windows(2).all(|w| w[0] < w[1]),
        "resource versions not increasing: {versions:?}"
    );
}

#[tokio::test]
async fn timeout_seconds_ends_a_watch_cleanly() {
    let (client, ns) = admin_client().await;
    let mut watch = client
        .get()
        .group_version("", "v1")
        .namespace(&ns)
        .resource("configmaps")
        .param("timeoutSeconds", "1")
        .watch::<Value>()
        .await
        .unwrap();
    let end = tokio::time::timeout(Duration::from_secs(30), watch.next())
        .await
        .expect("the server did not end the watch");
    assert!(
        end.is_none(),
        "the watch ended with an item instead of cleanly"
    );
}

#[tokio::test]
async fn envtest_only_a_too_old_resource_version_ends_the_watch_with_a_gone_error() {
    // A control plane of its own that compacts etcd every second and serves watches
    // from etcd (the watch cache would keep compacted history a while longer).
    let plane = ControlPlane::builder()
        .etcd_compaction_interval(Duration::from_secs(1))
        .apiserver_flag("watch-cache", "false")
        .start()
        .await
        .unwrap();
    let mut config = Config::new(plane.server_url());
    config.transport.tls.ca_data = Some(plane.ca_certificate_pem().as_bytes().to_vec());
    let Credentials::ClientCertificate(key) = plane.admin().credentials else {
        panic!("admin has a certificate")
    };
    config.transport.tls.cert_data = Some(key.certificate_pem.into_bytes());
    config.transport.tls.key_data = Some(key.private_key_pem);
    let client = RestClient::new(&config).unwrap();
    let configmaps = || {
        client
            .get()
            .group_version("", "v1")
            .namespace("default")
            .resource("configmaps")
    };
    let created: Value = client
        .post()
        .group_version("", "v1")
        .namespace("default")
        .resource("configmaps")
        .json(&config_map("counter", "0"))
        .into_json()
        .await
        .unwrap();
    let old = created["metadata"]["resourceVersion"]
        .as_str()
        .unwrap()
        .to_string();
    // Write until the old version is compacted away.
    for n in 1.. {
        client
            .patch("application/merge-patch+json")
            .group_version("", "v1")
            .namespace("default")
            .resource("configmaps")
            .name("counter")
            .body(
                format!(r#"{{"data":{{"key":"{n}"}}}}"#),
                "application/merge-patch+json",
            )
            .send()
            .await
            .unwrap()
            .into_bytes()
            .unwrap();
        let listed = configmaps()
            .param("resourceVersion", old.as_str())
            .param("resourceVersionMatch", "Exact")
            .into_json::<Value>()
            .await;
        if listed
            .as_ref()
            .is_err_and(|e| e.is_resource_expired() || e.is_gone())
        {
            break;
        }
        assert!(n < 120, "resource version {old} never expired");
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
    let outcome = configmaps()
        .param("resourceVersion", old.as_str())
        .watch::<Value>()
        .await;
    let error = match outcome {
        Err(error) => error,
        Ok(mut watch) => tokio::time::timeout(Duration::from_secs(30), watch.next())
            .await
            .expect("no watch event within 30 s")
            .expect("the watch ended without an event")
            .unwrap_err(),
    };
    assert!(error.status().is_some(), "not a status error: {error}");
    assert!(error.is_resource_expired() || error.is_gone(), "{error}");
}

#[tokio::test]
async fn server_warnings_reach_the_handler() {
    let cluster = test_cluster().await.unwrap();
    let warnings = Arc::new(CollectWarnings::default());
    let mut config = config_for(cluster, &cluster.admin().unwrap());
    config.warning_handler = Some(warnings.clone());
    let client = RestClient::new(&config).unwrap();
    let ns = cluster.new_namespace("warn").await.unwrap();
    let mut body = config_map("odd", "1");
    body["unexpectedField"] = json!(true);
    client
        .post()
        .group_version("", "v1")
        .namespace(&ns)
        .resource("configmaps")
        .param("fieldValidation", "Warn")
        .json(&body)
        .send()
        .await
        .unwrap()
        .into_bytes()
        .unwrap();
    let texts = warnings.texts();
    assert!(
        texts.iter().any(|t| t.contains("unexpectedField")),
        "{texts:?}"
    );
}

#[tokio::test]
async fn byte_streams_deliver_the_whole_body() {
    let (client, _) = admin_client().await;
    let mut stream = client.get().abs_path("/openapi/v2").stream().await.unwrap();
    let mut total = 0;
    while let Some(chunk) = stream.next().await {
        total += chunk.unwrap().len();
    }
    assert!(total > 1_000_000, "only {total} bytes");
}

#[tokio::test]
async fn request_timeouts_are_enforced() {
    let (client, ns) = admin_client().await;
    // A watch with a client timeout shorter than the server's answer never ends on its own.
    let outcome = client
        .get()
        .group_version("", "v1")
        .namespace(&ns)
        .resource("configmaps")
        .param("watch", "true")
        .timeout(Duration::from_millis(300))
        .send()
        .await;
    assert!(
        matches!(outcome, Err(clientgo_rest::Error::Timeout(_))),
        "{outcome:?}"
    );
}
