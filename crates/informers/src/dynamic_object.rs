//! [`DynamicObject`]: an [`Unstructured`] object the cache can store.

use std::ops::{Deref, DerefMut};

use clientgo_apimachinery::Unstructured;
use clientgo_cache::CacheObject;
use serde::{Deserialize, Serialize};

/// An [`Unstructured`] object as stored by dynamic informers: the same JSON, plus the
/// [`CacheObject`] facts (name, namespace, resource version, labels) read from its
/// `metadata`. Dereferences to the [`Unstructured`] object.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct DynamicObject(pub Unstructured);

impl DynamicObject {
    /// The unstructured object.
    pub fn into_inner(self) -> Unstructured {
        self.0
    }
}

impl From<Unstructured> for DynamicObject {
    fn from(object: Unstructured) -> Self {
        Self(object)
    }
}

impl Deref for DynamicObject {
    type Target = Unstructured;

    fn deref(&self) -> &Unstructured {
        &self.0
    }
}

impl DerefMut for DynamicObject {
    fn deref_mut(&mut self) -> &mut Unstructured {
        &mut self.0
    }
}

impl CacheObject for DynamicObject {
    fn object_name(&self) -> Option<&str> {
        self.0.name()
    }

    fn object_namespace(&self) -> Option<&str> {
        self.0.namespace()
    }

    fn object_resource_version(&self) -> Option<&str> {
        self.0.resource_version()
    }

    fn object_label(&self, key: &str) -> Option<&str> {
        // A malformed `labels` field (not a map of strings) simply has no such label.
        self.0
            .nested_string(&["metadata", "labels", key])
            .ok()
            .flatten()
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    #[test]
    fn cache_facts_come_from_the_metadata() {
        let object: DynamicObject = serde_json::from_value(serde_json::json!({
            "apiVersion": "v1", "kind": "ConfigMap",
            "metadata": {"name": "a", "namespace": "ns", "resourceVersion": "7",
                         "labels": {"app": "web", "n": 1}},
        }))
        .unwrap();
        assert_eq!(object.object_name(), Some("a"));
        assert_eq!(object.object_namespace(), Some("ns"));
        assert_eq!(object.object_resource_version(), Some("7"));
        assert_eq!(object.object_label("app"), Some("web"));
        assert_eq!(object.object_label("n"), None, "not a string: no label");
        assert_eq!(object.object_label("x"), None);
        assert_eq!(object.kind(), Some("ConfigMap"));
        let odd = DynamicObject(
            Unstructured::from_value(serde_json::json!({"metadata": 3})).unwrap_or_default(),
        );
        assert_eq!(odd.object_label("app"), None);
        assert_eq!(
            serde_json::to_value(&object).unwrap()["metadata"]["name"],
            "a"
        );
    }
}
