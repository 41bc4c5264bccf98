//! Helpers shared by the integration tests.

#![allow(dead_code, clippy::unwrap_used)]

use clientgo_apimachinery::{GroupVersionResource, Unstructured};
use clientgo_dynamic::{DynamicClient, ResourceClient};
use clientgo_testing::FakeApiServer;
use serde_json::{Value, json};

/// The core pods resource.
pub fn pods() -> GroupVersionResource {
    GroupVersionResource::new("", "v1", "pods")
}

/// The apps deployments resource.
pub fn deployments() -> GroupVersionResource {
    GroupVersionResource::new("apps", "v1", "deployments")
}

/// A pod with one container.
pub fn pod(name: &str, namespace: &str, labels: Value) -> Value {
    json!({
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {"name": name, "namespace": namespace, "labels": labels},
        "spec": {"containers": [{"name": "app", "image": "app:1"}]},
    })
}

/// `value` as an Unstructured object.
pub fn object(value: Value) -> Unstructured {
    Unstructured::from_value(value).unwrap()
}

/// A dynamic client of `fake`.
pub fn client(fake: &FakeApiServer) -> DynamicClient {
    DynamicClient::new(&fake.rest_config()).unwrap()
}

/// The pods of `namespace`.
pub fn pods_in(fake: &FakeApiServer, namespace: &str) -> ResourceClient {
    client(fake).resource(&pods()).namespace(namespace)
}
