//! Reading server-side apply ownership: which parts of an object a field manager owns,
//! according to its `managedFields` entry (the `FieldsV1` set format).
//!
//! A field set is a JSON tree whose keys name what is owned: `f:<field>` a field of an
//! object, `k:<json>` a list item by its key fields, `v:<json>` a set item by value,
//! `i:<index>` a list item by position, and `.` the element itself. [`extract_owned`]
//! prunes an object down to the fields one manager owns, which is how apply
//! configurations are extracted for read-modify-apply (client-go's `Extract*`).
//!
//! ```
//! use clientgo_apimachinery::managed_fields::prune;
//! use serde_json::json;
//!
//! let object = json!({"spec": {"replicas": 3, "paused": false,
//!     "template": {"spec": {"containers": [{"name": "web", "image": "nginx"}, {"name": "log", "image": "busybox"}]}}}});
//! let owned = json!({"f:spec": {"f:replicas": {}, "f:template": {"f:spec": {"f:containers": {
//!     "k:{\"name\":\"web\"}": {".": {}, "f:name": {}, "f:image": {}}}}}}});
//! assert_eq!(
//!     prune(&object, &owned),
//!     Some(json!({"spec": {"replicas": 3, "template": {"spec": {"containers": [{"name": "web", "image": "nginx"}]}}}}))
//! );
//! ```

use serde_json::{Map, Value};

use crate::meta::ManagedFieldsEntry;

/// The part of `object` the field set `fields` covers; `None` when nothing is.
pub fn prune(object: &Value, fields: &Value) -> Option<Value> {
    let Value::Object(set) = fields else {
        return None;
    };
    if set.is_empty() {
        return Some(object.clone()); // a leaf: the whole value is owned
    }
    match object {
        Value::Object(map) => {
            let mut out = Map::new();
            for (key, child) in set {
                let Some(name) = key.strip_prefix("f:") else {
                    continue;
                };
                if let Some(value) = map.get(name)
                    && let Some(kept) = prune(value, child)
                {
                    out.insert(name.to_string(), kept);
                }
            }
            (!out.is_empty() || set.contains_key(".")).then_some(Value::Object(out))
        }
        Value::Array(items) => {
            let kept: Vec<Value> = items
                .iter()
                .enumerate()
                .filter_map(|(index, item)| {
                    let child = set
                        .iter()
                        .find_map(|(key, child)| item_matches(key, index, item).then_some(child))?;
                    prune(item, child)
                })
                .collect();
            (!kept.is_empty()).then_some(Value::Array(kept))
        }
        scalar => set.contains_key(".").then(|| scalar.clone()),
    }
}

/// Whether field-set key `key` names list item `item` at `index`.
fn item_matches(key: &str, index: usize, item: &Value) -> bool {
    if let Some(json) = key.strip_prefix("k:") {
        let Ok(Value::Object(wanted)) = serde_json::from_str::<Value>(json) else {
            return false;
        };
        return wanted
            .iter()
            .all(|(field, value)| item.get(field) == Some(value));
    }
    if let Some(json) = key.strip_prefix("v:") {
        return serde_json::from_str::<Value>(json).is_ok_and(|value| &value == item);
    }
    if let Some(position) = key.strip_prefix("i:") {
        return position.parse::<usize>() == Ok(index);
    }
    false
}

/// The fields of `object` owned by `manager` through server-side apply on
/// `subresource` (`""` for the object itself, `"status"` for its status), with the
/// identifying `apiVersion`, `kind`, `metadata.name` and `metadata.namespace` always
/// kept. An object the manager never applied yields just those.
pub fn extract_owned(
    object: &Value,
    managed: &[ManagedFieldsEntry],
    manager: &str,
    subresource: &str,
) -> Value {
    let entry = managed.iter().find(|entry| {
        entry.manager.as_deref() == Some(manager)
            && entry.operation.as_deref() == Some("Apply")
            && entry.subresource.as_deref().unwrap_or_default() == subresource
    });
    let owned = entry
        .and_then(|entry| entry.fields_v1.as_ref())
        .and_then(|fields| fields.to_value().ok())
        .and_then(|fields| prune(object, &fields));
    let mut out = match owned {
        Some(Value::Object(map)) => map,
        _ => Map::new(),
    };
    for key in ["apiVersion", "kind"] {
        if let Some(value) = object.get(key) {
            out.insert(key.to_string(), value.clone());
        }
    }
    let metadata = out
        .entry("metadata")
        .or_insert_with(|| Value::Object(Map::new()));
    if let Value::Object(metadata) = metadata {
        for key in ["name", "namespace"] {
            if let Some(value) = object.pointer(&format!("/metadata/{key}")) {
                metadata.insert(key.to_string(), value.clone());
            }
        }
    }
    Value::Object(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::meta::FieldsV1;
    use serde_json::json;

    fn entry(
        manager: &str,
        operation: &str,
        subresource: Option<&str>,
        fields: Value,
    ) -> ManagedFieldsEntry {
        ManagedFieldsEntry {
            manager: Some(manager.into()),
            operation: Some(operation.into()),
            subresource: subresource.map(Into::into),
            fields_v1: Some(FieldsV1::from_json(fields.to_string()).unwrap()),
            ..ManagedFieldsEntry::default()
        }
    }

    #[test]
    fn extracts_only_the_managers_applied_fields() {
        let object = json!({"apiVersion": "v1", "kind": "ConfigMap",
            "metadata": {"name": "cm", "namespace": "ns", "labels": {"a": "1", "b": "2"}, "uid": "x"},
            "data": {"mine": "1", "theirs": "2"}});
        let managed = [
            entry(
                "me",
                "Apply",
                None,
                json!({"f:data": {"f:mine": {}}, "f:metadata": {"f:labels": {"f:a": {}}}}),
            ),
            entry("other", "Update", None, json!({"f:data": {"f:theirs": {}}})),
        ];
        assert_eq!(
            extract_owned(&object, &managed, "me", ""),
            json!({"apiVersion": "v1", "kind": "ConfigMap",
                "metadata": {"name": "cm", "namespace": "ns", "labels": {"a": "1"}},
                "data": {"mine": "1"}})
        );
        // An Update entry is not an apply configuration.
        assert_eq!(
            extract_owned(&object, &managed, "other", ""),
            json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "cm", "namespace": "ns"}})
        );
    }

    #[test]
    fn status_entries_are_separate() {
        let object =
            json!({"metadata": {"name": "d"}, "status": {"replicas": 2}, "spec": {"replicas": 1}});
        let managed = [
            entry(
                "me",
                "Apply",
                Some("status"),
                json!({"f:status": {"f:replicas": {}}}),
            ),
            entry("me", "Apply", None, json!({"f:spec": {"f:replicas": {}}})),
        ];
        assert_eq!(
            extract_owned(&object, &managed, "me", "status"),
            json!({"metadata": {"name": "d"}, "status": {"replicas": 2}})
        );
    }

    #[test]
    fn set_items_and_positions() {
        let object = json!({"finalizers": ["a", "b"], "args": ["x", "y"]});
        let fields = json!({"f:finalizers": {"v:\"b\"": {}}, "f:args": {"i:0": {}}});
        assert_eq!(
            prune(&object, &fields),
            Some(json!({"finalizers": ["b"], "args": ["x"]}))
        );
    }

    #[test]
    fn malformed_keys_own_nothing() {
        let object = json!({"items": [{"name": "a"}]});
        let fields = json!({"f:items": {"k:not json": {}}});
        assert_eq!(prune(&object, &fields), None);
    }
}
