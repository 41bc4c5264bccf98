//! [`await_condition`]: wait until one named object satisfies a condition (or is gone),
//! and [`conditions`] for the common waits.
//!
//! Rules:
//! - The wait runs [`until_with_sync`] over a list+watch of that one name (a
//!   `metadata.name` field selector), so it survives watch ends and relists like any
//!   informer and never misses the state between the first read and the watch.
//! - A condition sees `Some(object)` while the object exists and `None` once it is
//!   gone (or before it exists); it is checked on the synced state first, then on
//!   every change.
//! - The wait ends with the object that satisfied the condition (`None` when absence
//!   did), or [`Error::WaitInterrupted`] once `timeout` has passed.

use std::sync::Arc;
use std::time::Duration;

use clientgo_apimachinery::watch::WatchEvent;
use clientgo_rest::ResourceRequests;
use parking_lot::Mutex;
use tokio_util::sync::CancellationToken;

use super::until::until_with_sync;
use crate::error::{Error, Result};
use crate::listwatch::ListWatch;
use crate::object::CacheObject;
use crate::store::Store;

/// Waits up to `timeout` until `condition` holds for object `name` of the resource of
/// `requests` (a typed client's `requests()`, in the object's namespace).
pub async fn await_condition<K>(
    requests: ResourceRequests,
    name: &str,
    timeout: Duration,
    condition: impl Fn(Option<&K>) -> bool + Send + Sync + 'static,
) -> Result<Option<Arc<K>>>
where
    K: CacheObject + serde::de::DeserializeOwned,
{
    let selector = format!("metadata.name={name}");
    let lw = ListWatch::new(requests)
        .with_tweak(move |options| options.field_selector = Some(selector.clone()));
    let condition = Arc::new(condition);
    let satisfied_by: Arc<Mutex<Option<Arc<K>>>> = Arc::default();
    let precondition = {
        let (condition, satisfied_by) = (Arc::clone(&condition), Arc::clone(&satisfied_by));
        move |store: &Store<K>| {
            let current = store.list().into_iter().next();
            let holds = condition(current.as_deref());
            if holds {
                *satisfied_by.lock() = current;
            }
            holds
        }
    };
    let cancel = CancellationToken::new();
    let wait = until_with_sync::<K>(&cancel, Arc::new(lw), Some(&precondition), |event| {
        Ok(match event {
            WatchEvent::Added(object) | WatchEvent::Modified(object) => condition(Some(object)),
            WatchEvent::Deleted(_) => condition(None),
            _ => false,
        })
    });
    match tokio::time::timeout(timeout, wait).await {
        Err(_elapsed) => Err(Error::WaitInterrupted),
        Ok(Ok(None)) => Ok(satisfied_by.lock().take()),
        Ok(Ok(Some(WatchEvent::Added(object) | WatchEvent::Modified(object)))) => Ok(Some(object)),
        Ok(Ok(Some(_))) => Ok(None),
        Ok(Err(error)) => Err(error),
    }
}

/// Ready-made conditions for [`await_condition`].
pub mod conditions {
    use clientgo_apimachinery::Metadata;
    use serde::Serialize;

    /// The object is gone (deleted, or never created).
    pub fn is_deleted<K>(object: Option<&K>) -> bool {
        object.is_none()
    }

    /// The object exists.
    pub fn exists<K>(object: Option<&K>) -> bool {
        object.is_some()
    }

    /// The object has a `status.conditions` entry of type `type_` with status `True`
    /// (any object with standard conditions: a CRD's `Established`, a Pod's `Ready`, a
    /// Job's `Complete`, ...).
    pub fn has_true_condition<K: Serialize>(
        type_: &str,
    ) -> impl Fn(Option<&K>) -> bool + Send + Sync + 'static {
        let type_ = type_.to_owned();
        move |object| object.is_some_and(|object| condition_is_true(object, &type_))
    }

    /// A CustomResourceDefinition is served (`Established`).
    pub fn is_crd_established<K: Serialize>(object: Option<&K>) -> bool {
        object.is_some_and(|object| condition_is_true(object, "Established"))
    }

    /// A Deployment has seen its latest spec (`status.observedGeneration` ≥
    /// `metadata.generation`) and is `Available` (enough ready replicas), as
    /// `kubectl rollout status` judges availability.
    pub fn is_deployment_available<K: Serialize + Metadata>(object: Option<&K>) -> bool {
        object.is_some_and(|object| {
            let Ok(value) = serde_json::to_value(object) else {
                return false;
            };
            let observed = value
                .pointer("/status/observedGeneration")
                .and_then(serde_json::Value::as_i64);
            let generation = object.metadata().generation;
            observed.is_some_and(|o| generation.is_none_or(|g| o >= g))
                && has_true_condition_in(&value, "Available")
        })
    }

    fn condition_is_true<K: Serialize>(object: &K, type_: &str) -> bool {
        serde_json::to_value(object).is_ok_and(|value| has_true_condition_in(&value, type_))
    }

    /// Whether the JSON form of an object has condition `type_` with status `True`.
    fn has_true_condition_in(value: &serde_json::Value, type_: &str) -> bool {
        value
            .pointer("/status/conditions")
            .and_then(serde_json::Value::as_array)
            .is_some_and(|conditions| {
                conditions.iter().any(|c| {
                    c.get("type").and_then(serde_json::Value::as_str) == Some(type_)
                        && c.get("status").and_then(serde_json::Value::as_str) == Some("True")
                })
            })
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use clientgo_apimachinery::Metadata;
    use clientgo_apimachinery::meta::ObjectMeta;
    use serde_json::{Value, json};

    use super::conditions::{has_true_condition, is_deployment_available};

    #[derive(serde::Serialize)]
    struct Deployment {
        metadata: ObjectMeta,
        status: Value,
    }

    impl Metadata for Deployment {
        fn metadata(&self) -> &ObjectMeta {
            &self.metadata
        }
        fn metadata_mut(&mut self) -> &mut ObjectMeta {
            &mut self.metadata
        }
    }

    fn deployment(generation: i64, status: Value) -> Deployment {
        Deployment {
            metadata: ObjectMeta {
                generation: Some(generation),
                ..ObjectMeta::default()
            },
            status,
        }
    }

    #[test]
    fn availability_needs_the_latest_generation_and_the_available_condition() {
        let available = json!([{ "type": "Available", "status": "True" }]);
        let ready = deployment(
            2,
            json!({ "observedGeneration": 2, "conditions": available }),
        );
        assert!(is_deployment_available(Some(&ready)));
        let stale = deployment(
            3,
            json!({ "observedGeneration": 2, "conditions": available }),
        );
        assert!(!is_deployment_available(Some(&stale)));
        let unavailable = deployment(
            2,
            json!({ "observedGeneration": 2, "conditions": [{ "type": "Available", "status": "False" }] }),
        );
        assert!(!is_deployment_available(Some(&unavailable)));
        assert!(!is_deployment_available::<Deployment>(None));
        assert!(has_true_condition("Available")(Some(&ready)));
        assert!(!has_true_condition("Progressing")(Some(&ready)));
    }
}
