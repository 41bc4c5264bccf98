//! Objects without a Rust type: JSON-backed [`Unstructured`] and [`UnstructuredList`].
//!
//! Mirrors Go's `k8s.io/apimachinery/pkg/apis/meta/v1/unstructured`. An `Unstructured`
//! is the object's JSON map; every field is kept, including ones this crate knows
//! nothing about, so a read-modify-write round trip loses nothing. Accessors read the
//! common metadata; the `nested_*` helpers read and write any path.
//!
//! ```
//! use clientgo_apimachinery::unstructured::Unstructured;
//!
//! let mut obj: Unstructured = serde_json::from_str(
//!     r#"{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"web"},"spec":{"replicas":2}}"#,
//! )?;
//! assert_eq!(obj.name(), Some("web"));
//! assert_eq!(obj.nested_i64(&["spec", "replicas"])?, Some(2));
//! obj.set_nested_field(&["spec", "replicas"], 3.into())?;
//! obj.set_label("tier", "frontend");
//! assert_eq!(obj.labels()["tier"], "frontend");
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use std::collections::BTreeMap;
use std::fmt;

use serde::de::{DeserializeOwned, MapAccess, Visitor};
use serde::ser::SerializeMap;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::{Map, Value};

use crate::Error;
use crate::meta::{ListMeta, ObjectMeta, OwnerReference, Time};
use crate::schema::GroupVersionKind;

/// Go's name for a JSON value's type, used in accessor errors.
fn go_type_name(v: &Value) -> &'static str {
    match v {
        Value::Null => "<nil>",
        Value::Bool(_) => "bool",
        Value::Number(n) if n.is_f64() => "float64",
        Value::Number(_) => "int64",
        Value::String(_) => "string",
        Value::Array(_) => "[]interface {}",
        Value::Object(_) => "map[string]interface {}",
    }
}

fn json_path(path: &[&str]) -> String {
    format!(".{}", path.join("."))
}

fn type_error(path: &[&str], value: &Value, expected: &str) -> Error {
    Error::Unstructured(format!(
        "{} accessor error: {value} is of the type {}, expected {expected}",
        json_path(path),
        go_type_name(value)
    ))
}

/// Follows `path` through nested objects. `Ok(None)` if a key is missing; an error if a
/// parent on the way is not an object.
fn nested<'a>(root: &'a Map<String, Value>, path: &[&str]) -> Result<Option<&'a Value>, Error> {
    let Some((last, parents)) = path.split_last() else {
        return Ok(None);
    };
    let mut map = root;
    for (i, key) in parents.iter().enumerate() {
        match map.get(*key) {
            None | Some(Value::Null) => return Ok(None),
            Some(Value::Object(m)) => map = m,
            Some(other) => return Err(type_error(&path[..=i], other, "map[string]interface{}")),
        }
    }
    Ok(map.get(*last))
}

fn set_nested(root: &mut Map<String, Value>, path: &[&str], value: Value) -> Result<(), Error> {
    let Some((last, parents)) = path.split_last() else {
        return Ok(());
    };
    let mut map = root;
    for (i, key) in parents.iter().enumerate() {
        let entry = map
            .entry((*key).to_owned())
            .or_insert_with(|| Value::Object(Map::new()));
        if entry.is_null() {
            *entry = Value::Object(Map::new());
        }
        map = match entry {
            Value::Object(m) => m,
            _ => {
                return Err(Error::Unstructured(format!(
                    "value cannot be set because {} is not a map[string]interface{{}}",
                    json_path(&path[..=i])
                )));
            }
        };
    }
    map.insert((*last).to_owned(), value);
    Ok(())
}

fn remove_nested(root: &mut Map<String, Value>, path: &[&str]) {
    let Some((last, parents)) = path.split_last() else {
        return;
    };
    let mut map = root;
    for key in parents {
        match map.get_mut(*key) {
            Some(Value::Object(m)) => map = m,
            _ => return,
        }
    }
    map.remove(*last);
}

fn string_map(value: Option<&Value>) -> BTreeMap<String, String> {
    match value {
        Some(Value::Object(m)) => m
            .iter()
            .filter_map(|(k, v)| v.as_str().map(|s| (k.clone(), s.to_owned())))
            .collect(),
        _ => BTreeMap::new(),
    }
}

/// A Kubernetes object as a JSON map, keeping every field.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Unstructured {
    /// The object's fields.
    pub object: Map<String, Value>,
}

impl Unstructured {
    /// An empty object.
    pub fn new() -> Self {
        Self::default()
    }

    /// An empty object with `apiVersion` and `kind` set.
    pub fn with_type(api_version: &str, kind: &str) -> Self {
        let mut u = Self::new();
        u.set_api_version(api_version);
        u.set_kind(kind);
        u
    }

    /// Wraps a JSON value, which must be an object.
    pub fn from_value(value: Value) -> Result<Self, Error> {
        match value {
            Value::Object(object) => Ok(Self { object }),
            other => Err(Error::Unstructured(format!(
                "unstructured object must be a JSON object, got {}",
                go_type_name(&other)
            ))),
        }
    }

    /// Encodes a typed object.
    pub fn from_typed<T: Serialize>(typed: &T) -> Result<Self, Error> {
        Self::from_value(serde_json::to_value(typed)?)
    }

    /// Decodes into a typed object (copies the map).
    pub fn to_typed<T: DeserializeOwned>(&self) -> Result<T, Error> {
        self.clone().into_typed()
    }

    /// Decodes into a typed object.
    pub fn into_typed<T: DeserializeOwned>(self) -> Result<T, Error> {
        Ok(serde_json::from_value(Value::Object(self.object))?)
    }

    /// The JSON value.
    pub fn into_value(self) -> Value {
        Value::Object(self.object)
    }

    /// True if the object has an `items` array (it is a list).
    pub fn is_list(&self) -> bool {
        matches!(self.object.get("items"), Some(Value::Array(_)))
    }

    fn top_str(&self, key: &str) -> Option<&str> {
        self.object.get(key).and_then(Value::as_str)
    }

    fn meta_value(&self, key: &str) -> Option<&Value> {
        nested(&self.object, &["metadata", key]).ok().flatten()
    }

    fn meta_str(&self, key: &str) -> Option<&str> {
        self.meta_value(key).and_then(Value::as_str)
    }

    /// Sets a top-level string; an empty value removes the field.
    fn set_top_str(&mut self, key: &str, value: &str) {
        if value.is_empty() {
            self.object.remove(key);
        } else {
            self.object
                .insert(key.to_owned(), Value::String(value.to_owned()));
        }
    }

    /// Sets or (for `Value::Null`) removes `metadata.<key>`; a non-object `metadata` is
    /// replaced.
    fn set_meta(&mut self, key: &str, value: Value) {
        if value.is_null() {
            remove_nested(&mut self.object, &["metadata", key]);
            return;
        }
        let metadata = self
            .object
            .entry("metadata".to_owned())
            .or_insert_with(|| Value::Object(Map::new()));
        if !metadata.is_object() {
            *metadata = Value::Object(Map::new());
        }
        if let Value::Object(m) = metadata {
            m.insert(key.to_owned(), value);
        }
    }

    fn set_meta_str(&mut self, key: &str, value: &str) {
        let v = if value.is_empty() {
            Value::Null
        } else {
            Value::String(value.to_owned())
        };
        self.set_meta(key, v);
    }

    /// `apiVersion`.
    pub fn api_version(&self) -> Option<&str> {
        self.top_str("apiVersion")
    }

    /// Sets `apiVersion` (empty removes it).
    pub fn set_api_version(&mut self, api_version: &str) {
        self.set_top_str("apiVersion", api_version);
    }

    /// `kind`.
    pub fn kind(&self) -> Option<&str> {
        self.top_str("kind")
    }

    /// Sets `kind` (empty removes it).
    pub fn set_kind(&mut self, kind: &str) {
        self.set_top_str("kind", kind);
    }

    /// The group/version/kind from `apiVersion` and `kind`.
    pub fn group_version_kind(&self) -> GroupVersionKind {
        GroupVersionKind::from_api_version_and_kind(
            self.api_version().unwrap_or_default(),
            self.kind().unwrap_or_default(),
        )
    }

    /// Sets `apiVersion` and `kind`.
    pub fn set_group_version_kind(&mut self, gvk: &GroupVersionKind) {
        self.set_api_version(&gvk.api_version());
        self.set_kind(&gvk.kind);
    }

    /// `metadata.name`.
    pub fn name(&self) -> Option<&str> {
        self.meta_str("name")
    }

    /// Sets `metadata.name` (empty removes it).
    pub fn set_name(&mut self, name: &str) {
        self.set_meta_str("name", name);
    }

    /// `metadata.generateName`.
    pub fn generate_name(&self) -> Option<&str> {
        self.meta_str("generateName")
    }

    /// Sets `metadata.generateName` (empty removes it).
    pub fn set_generate_name(&mut self, prefix: &str) {
        self.set_meta_str("generateName", prefix);
    }

    /// `metadata.namespace`.
    pub fn namespace(&self) -> Option<&str> {
        self.meta_str("namespace")
    }

    /// Sets `metadata.namespace` (empty removes it).
    pub fn set_namespace(&mut self, namespace: &str) {
        self.set_meta_str("namespace", namespace);
    }

    /// `metadata.uid`.
    pub fn uid(&self) -> Option<&str> {
        self.meta_str("uid")
    }

    /// Sets `metadata.uid` (empty removes it).
    pub fn set_uid(&mut self, uid: &str) {
        self.set_meta_str("uid", uid);
    }

    /// `metadata.resourceVersion`.
    pub fn resource_version(&self) -> Option<&str> {
        self.meta_str("resourceVersion")
    }

    /// Sets `metadata.resourceVersion` (empty removes it).
    pub fn set_resource_version(&mut self, rv: &str) {
        self.set_meta_str("resourceVersion", rv);
    }

    /// `metadata.selfLink`.
    pub fn self_link(&self) -> Option<&str> {
        self.meta_str("selfLink")
    }

    /// `metadata.generation`.
    pub fn generation(&self) -> Option<i64> {
        self.meta_value("generation").and_then(Value::as_i64)
    }

    /// Sets `metadata.generation`.
    pub fn set_generation(&mut self, generation: i64) {
        self.set_meta("generation", Value::from(generation));
    }

    /// `metadata.creationTimestamp`.
    pub fn creation_timestamp(&self) -> Option<Time> {
        self.meta_str("creationTimestamp")
            .and_then(|s| Time::parse(s).ok())
    }

    /// Sets `metadata.creationTimestamp` (`None` removes it).
    pub fn set_creation_timestamp(&mut self, t: Option<Time>) {
        let v = t
            .filter(|t| !t.is_zero())
            .map_or(Value::Null, |t| t.to_rfc3339().into());
        self.set_meta("creationTimestamp", v);
    }

    /// `metadata.deletionTimestamp`.
    pub fn deletion_timestamp(&self) -> Option<Time> {
        self.meta_str("deletionTimestamp")
            .and_then(|s| Time::parse(s).ok())
    }

    /// Sets `metadata.deletionTimestamp` (`None` removes it).
    pub fn set_deletion_timestamp(&mut self, t: Option<Time>) {
        let v = t
            .filter(|t| !t.is_zero())
            .map_or(Value::Null, |t| t.to_rfc3339().into());
        self.set_meta("deletionTimestamp", v);
    }

    /// `metadata.deletionGracePeriodSeconds`.
    pub fn deletion_grace_period_seconds(&self) -> Option<i64> {
        self.meta_value("deletionGracePeriodSeconds")
            .and_then(Value::as_i64)
    }

    /// `metadata.labels` (string values only).
    pub fn labels(&self) -> BTreeMap<String, String> {
        string_map(self.meta_value("labels"))
    }

    /// Replaces `metadata.labels` (an empty map removes the field).
    pub fn set_labels(&mut self, labels: &BTreeMap<String, String>) {
        self.set_meta("labels", string_map_value(labels));
    }

    /// Sets one label.
    pub fn set_label(&mut self, key: &str, value: &str) {
        let mut labels = self.labels();
        labels.insert(key.to_owned(), value.to_owned());
        self.set_labels(&labels);
    }

    /// `metadata.annotations` (string values only).
    pub fn annotations(&self) -> BTreeMap<String, String> {
        string_map(self.meta_value("annotations"))
    }

    /// Replaces `metadata.annotations` (an empty map removes the field).
    pub fn set_annotations(&mut self, annotations: &BTreeMap<String, String>) {
        self.set_meta("annotations", string_map_value(annotations));
    }

    /// `metadata.finalizers` (string values only).
    pub fn finalizers(&self) -> Vec<String> {
        match self.meta_value("finalizers") {
            Some(Value::Array(a)) => a
                .iter()
                .filter_map(|v| v.as_str().map(str::to_owned))
                .collect(),
            _ => Vec::new(),
        }
    }

    /// Replaces `metadata.finalizers` (empty removes the field).
    pub fn set_finalizers(&mut self, finalizers: &[String]) {
        let v = if finalizers.is_empty() {
            Value::Null
        } else {
            Value::from(finalizers.to_vec())
        };
        self.set_meta("finalizers", v);
    }

    /// `metadata.ownerReferences` (entries that do not decode are skipped).
    pub fn owner_references(&self) -> Vec<OwnerReference> {
        match self.meta_value("ownerReferences") {
            Some(Value::Array(a)) => a
                .iter()
                .filter_map(|v| OwnerReference::deserialize(v).ok())
                .collect(),
            _ => Vec::new(),
        }
    }

    /// Replaces `metadata.ownerReferences` (empty removes the field).
    pub fn set_owner_references(&mut self, refs: &[OwnerReference]) -> Result<(), Error> {
        let v = if refs.is_empty() {
            Value::Null
        } else {
            serde_json::to_value(refs)?
        };
        self.set_meta("ownerReferences", v);
        Ok(())
    }

    /// The whole `metadata`, decoded.
    pub fn metadata(&self) -> Result<ObjectMeta, Error> {
        match self.object.get("metadata") {
            None | Some(Value::Null) => Ok(ObjectMeta::default()),
            Some(v) => Ok(ObjectMeta::deserialize(v)?),
        }
    }

    /// Replaces `metadata`.
    pub fn set_metadata(&mut self, meta: &ObjectMeta) -> Result<(), Error> {
        self.object
            .insert("metadata".to_owned(), serde_json::to_value(meta)?);
        Ok(())
    }

    /// The value at `path`, e.g. `&["spec", "template", "spec"]`.
    ///
    /// `Ok(None)` if a key is missing; an error if a parent is not an object.
    pub fn nested_field(&self, path: &[&str]) -> Result<Option<&Value>, Error> {
        nested(&self.object, path)
    }

    /// The string at `path`; an error if it is another type.
    pub fn nested_string(&self, path: &[&str]) -> Result<Option<&str>, Error> {
        match nested(&self.object, path)? {
            None => Ok(None),
            Some(Value::String(s)) => Ok(Some(s)),
            Some(other) => Err(type_error(path, other, "string")),
        }
    }

    /// The boolean at `path`; an error if it is another type.
    pub fn nested_bool(&self, path: &[&str]) -> Result<Option<bool>, Error> {
        match nested(&self.object, path)? {
            None => Ok(None),
            Some(Value::Bool(b)) => Ok(Some(*b)),
            Some(other) => Err(type_error(path, other, "bool")),
        }
    }

    /// The integer at `path`; an error if it is another type (including a fraction).
    pub fn nested_i64(&self, path: &[&str]) -> Result<Option<i64>, Error> {
        match nested(&self.object, path)? {
            None => Ok(None),
            Some(v) => v
                .as_i64()
                .map(Some)
                .ok_or_else(|| type_error(path, v, "int64")),
        }
    }

    /// The number at `path`; an error if it is another type.
    pub fn nested_f64(&self, path: &[&str]) -> Result<Option<f64>, Error> {
        match nested(&self.object, path)? {
            None => Ok(None),
            Some(v) => v
                .as_f64()
                .map(Some)
                .ok_or_else(|| type_error(path, v, "float64")),
        }
    }

    /// The array at `path`; an error if it is another type.
    pub fn nested_slice(&self, path: &[&str]) -> Result<Option<&Vec<Value>>, Error> {
        match nested(&self.object, path)? {
            None => Ok(None),
            Some(Value::Array(a)) => Ok(Some(a)),
            Some(other) => Err(type_error(path, other, "[]interface{}")),
        }
    }

    /// The array of strings at `path`; an error if it or an element is another type.
    pub fn nested_string_slice(&self, path: &[&str]) -> Result<Option<Vec<String>>, Error> {
        let Some(items) = self.nested_slice(path)? else {
            return Ok(None);
        };
        items
            .iter()
            .map(|v| {
                v.as_str().map(str::to_owned).ok_or_else(|| {
                    Error::Unstructured(format!(
                        "{} accessor error: contains non-string value in the slice: {v} is of the type {}, expected string",
                        json_path(path),
                        go_type_name(v)
                    ))
                })
            })
            .collect::<Result<Vec<_>, _>>()
            .map(Some)
    }

    /// The object at `path`; an error if it is another type.
    pub fn nested_map(&self, path: &[&str]) -> Result<Option<&Map<String, Value>>, Error> {
        match nested(&self.object, path)? {
            None => Ok(None),
            Some(Value::Object(m)) => Ok(Some(m)),
            Some(other) => Err(type_error(path, other, "map[string]interface{}")),
        }
    }

    /// The string map at `path`; an error if it or a value is another type.
    pub fn nested_string_map(
        &self,
        path: &[&str],
    ) -> Result<Option<BTreeMap<String, String>>, Error> {
        let Some(m) = self.nested_map(path)? else {
            return Ok(None);
        };
        m.iter()
            .map(|(k, v)| {
                v.as_str()
                    .map(|s| (k.clone(), s.to_owned()))
                    .ok_or_else(|| {
                        Error::Unstructured(format!(
                            "{} accessor error: contains non-string value in the map under key {k:?}: {v} is of the type {}, expected string",
                            json_path(path),
                            go_type_name(v)
                        ))
                    })
            })
            .collect::<Result<BTreeMap<_, _>, _>>()
            .map(Some)
    }

    /// Sets the value at `path`, creating missing parents; an error if a parent exists
    /// and is not an object.
    pub fn set_nested_field(&mut self, path: &[&str], value: Value) -> Result<(), Error> {
        set_nested(&mut self.object, path, value)
    }

    /// Sets a string at `path`.
    pub fn set_nested_string(&mut self, path: &[&str], value: &str) -> Result<(), Error> {
        set_nested(&mut self.object, path, Value::String(value.to_owned()))
    }

    /// Sets a string map at `path`.
    pub fn set_nested_string_map(
        &mut self,
        path: &[&str],
        value: &BTreeMap<String, String>,
    ) -> Result<(), Error> {
        set_nested(&mut self.object, path, string_map_object(value))
    }

    /// Removes the value at `path` (nothing happens if it is missing).
    pub fn remove_nested_field(&mut self, path: &[&str]) {
        remove_nested(&mut self.object, path);
    }
}

fn string_map_object(m: &BTreeMap<String, String>) -> Value {
    Value::Object(
        m.iter()
            .map(|(k, v)| (k.clone(), Value::String(v.clone())))
            .collect(),
    )
}

fn string_map_value(m: &BTreeMap<String, String>) -> Value {
    if m.is_empty() {
        Value::Null
    } else {
        string_map_object(m)
    }
}

impl TryFrom<Value> for Unstructured {
    type Error = Error;

    fn try_from(value: Value) -> Result<Self, Error> {
        Self::from_value(value)
    }
}

/// A list of unstructured objects; list-level fields other than `items` are kept in
/// `object`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct UnstructuredList {
    /// `apiVersion`, `kind`, `metadata` and any other list fields (never `items`).
    pub object: Map<String, Value>,
    /// The items.
    pub items: Vec<Unstructured>,
}

impl UnstructuredList {
    /// An empty list.
    pub fn new() -> Self {
        Self::default()
    }

    /// `apiVersion`.
    pub fn api_version(&self) -> Option<&str> {
        self.object.get("apiVersion").and_then(Value::as_str)
    }

    /// `kind`, e.g. `DeploymentList`.
    pub fn kind(&self) -> Option<&str> {
        self.object.get("kind").and_then(Value::as_str)
    }

    fn meta_str(&self, key: &str) -> Option<&str> {
        nested(&self.object, &["metadata", key])
            .ok()
            .flatten()
            .and_then(Value::as_str)
    }

    /// `metadata.resourceVersion`.
    pub fn resource_version(&self) -> Option<&str> {
        self.meta_str("resourceVersion")
    }

    /// `metadata.continue`.
    pub fn continue_token(&self) -> Option<&str> {
        self.meta_str("continue")
    }

    /// `metadata.remainingItemCount`.
    pub fn remaining_item_count(&self) -> Option<i64> {
        nested(&self.object, &["metadata", "remainingItemCount"])
            .ok()
            .flatten()
            .and_then(Value::as_i64)
    }

    /// Sets `metadata.resourceVersion`.
    pub fn set_resource_version(&mut self, rv: &str) -> Result<(), Error> {
        set_nested(
            &mut self.object,
            &["metadata", "resourceVersion"],
            rv.into(),
        )
    }

    /// The list metadata, decoded.
    pub fn list_meta(&self) -> Result<ListMeta, Error> {
        match self.object.get("metadata") {
            None | Some(Value::Null) => Ok(ListMeta::default()),
            Some(v) => Ok(ListMeta::deserialize(v)?),
        }
    }
}

impl Serialize for UnstructuredList {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(self.object.len() + 1))?;
        for (k, v) in &self.object {
            if k != "items" {
                map.serialize_entry(k, v)?;
            }
        }
        map.serialize_entry("items", &self.items)?;
        map.end()
    }
}

impl<'de> Deserialize<'de> for UnstructuredList {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct ListVisitor;

        impl<'de> Visitor<'de> for ListVisitor {
            type Value = UnstructuredList;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a list object with items")
            }

            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
                let mut list = UnstructuredList::default();
                while let Some(key) = map.next_key::<String>()? {
                    if key == "items" {
                        list.items = map
                            .next_value::<Option<Vec<Unstructured>>>()?
                            .unwrap_or_default();
                    } else {
                        let value: Value = map.next_value()?;
                        list.object.insert(key, value);
                    }
                }
                Ok(list)
            }
        }

        deserializer.deserialize_map(ListVisitor)
    }
}

impl fmt::Display for Unstructured {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let kind = self.kind().unwrap_or("<unknown kind>");
        match (self.namespace(), self.name()) {
            (Some(ns), Some(name)) => write!(f, "{kind} {ns}/{name}"),
            (None, Some(name)) => write!(f, "{kind} {name}"),
            _ => f.write_str(kind),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const DEPLOYMENT: &str = r#"{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"web","namespace":"prod","uid":"u-1","resourceVersion":"42","generation":3,"creationTimestamp":"2024-01-02T03:04:05Z","labels":{"app":"web"},"annotations":{"note":"x"},"finalizers":["a/b"],"ownerReferences":[{"apiVersion":"v1","kind":"ConfigMap","name":"cm","uid":"u-2"}],"managedFields":[{"manager":"m","operation":"Apply","fieldsType":"FieldsV1","fieldsV1":{"f:spec":{"f:replicas":{}}}}]},"spec":{"replicas":2,"paused":false,"strategy":{"type":"RollingUpdate"},"futureField":{"x":[1,2.5,"s"]}},"status":{"observedGeneration":3}}"#;

    fn deployment() -> Unstructured {
        serde_json::from_str(DEPLOYMENT).unwrap()
    }

    #[test]
    fn round_trip_preserves_unknown_fields() {
        let u = deployment();
        let back: Value = serde_json::to_value(&u).unwrap();
        let original: Value = serde_json::from_str(DEPLOYMENT).unwrap();
        assert_eq!(back, original);
        assert_eq!(
            u.nested_field(&["spec", "futureField", "x"])
                .unwrap()
                .unwrap(),
            &serde_json::json!([1, 2.5, "s"])
        );
    }

    #[test]
    fn metadata_accessors_read_common_fields() {
        let u = deployment();
        assert_eq!(u.api_version(), Some("apps/v1"));
        assert_eq!(u.kind(), Some("Deployment"));
        assert_eq!(
            u.group_version_kind(),
            GroupVersionKind::new("apps", "v1", "Deployment")
        );
        assert_eq!(u.name(), Some("web"));
        assert_eq!(u.namespace(), Some("prod"));
        assert_eq!(u.uid(), Some("u-1"));
        assert_eq!(u.resource_version(), Some("42"));
        assert_eq!(u.generation(), Some(3));
        assert_eq!(
            u.creation_timestamp().unwrap().to_string(),
            "2024-01-02T03:04:05Z"
        );
        assert_eq!(u.deletion_timestamp(), None);
        assert_eq!(u.labels()["app"], "web");
        assert_eq!(u.annotations()["note"], "x");
        assert_eq!(u.finalizers(), ["a/b"]);
        assert_eq!(u.owner_references()[0].name, "cm");
        let meta = u.metadata().unwrap();
        assert_eq!(meta.name.as_deref(), Some("web"));
        assert_eq!(meta.managed_fields.len(), 1);
        assert_eq!(u.to_string(), "Deployment prod/web");
    }

    #[test]
    fn setters_write_and_empty_values_remove() {
        let mut u = Unstructured::with_type("v1", "ConfigMap");
        u.set_name("cm");
        u.set_namespace("default");
        u.set_label("a", "1");
        u.set_finalizers(&["f".to_owned()]);
        u.set_deletion_timestamp(Some(Time::from_unix(0, 0)));
        u.set_generation(2);
        assert_eq!(
            serde_json::to_string(&u).unwrap(),
            r#"{"apiVersion":"v1","kind":"ConfigMap","metadata":{"deletionTimestamp":"1970-01-01T00:00:00Z","finalizers":["f"],"generation":2,"labels":{"a":"1"},"name":"cm","namespace":"default"}}"#
        );
        u.set_namespace("");
        u.set_labels(&BTreeMap::new());
        u.set_finalizers(&[]);
        u.set_deletion_timestamp(None);
        assert_eq!(
            serde_json::to_string(&u).unwrap(),
            r#"{"apiVersion":"v1","kind":"ConfigMap","metadata":{"generation":2,"name":"cm"}}"#
        );
        u.set_group_version_kind(&GroupVersionKind::new("apps", "v1", "Deployment"));
        assert_eq!(u.api_version(), Some("apps/v1"));
    }

    #[test]
    fn nested_getters_check_types() {
        let u = deployment();
        assert_eq!(u.nested_i64(&["spec", "replicas"]).unwrap(), Some(2));
        assert_eq!(u.nested_bool(&["spec", "paused"]).unwrap(), Some(false));
        assert_eq!(
            u.nested_string(&["spec", "strategy", "type"]).unwrap(),
            Some("RollingUpdate")
        );
        assert_eq!(u.nested_string(&["spec", "missing"]).unwrap(), None);
        assert_eq!(u.nested_string(&["nope", "deeper"]).unwrap(), None);
        assert_eq!(u.nested_f64(&["spec", "replicas"]).unwrap(), Some(2.0));
        assert_eq!(
            u.nested_string_map(&["metadata", "labels"])
                .unwrap()
                .unwrap()["app"],
            "web"
        );
        assert_eq!(
            u.nested_string_slice(&["metadata", "finalizers"])
                .unwrap()
                .unwrap(),
            ["a/b"]
        );
        assert_eq!(
            u.nested_string(&["spec", "replicas"])
                .unwrap_err()
                .to_string(),
            ".spec.replicas accessor error: 2 is of the type int64, expected string"
        );
        assert_eq!(
            u.nested_string(&["spec", "replicas", "x"])
                .unwrap_err()
                .to_string(),
            ".spec.replicas accessor error: 2 is of the type int64, expected map[string]interface{}"
        );
        assert!(
            u.nested_string_slice(&["spec", "futureField", "x"])
                .is_err()
        );
        assert!(u.nested_i64(&["spec", "strategy"]).is_err());
        assert!(u.nested_map(&["spec", "replicas"]).is_err());
    }

    #[test]
    fn set_nested_creates_parents_and_refuses_non_objects() {
        let mut u = Unstructured::new();
        u.set_nested_field(&["spec", "template", "metadata", "name"], "x".into())
            .unwrap();
        assert_eq!(
            u.nested_string(&["spec", "template", "metadata", "name"])
                .unwrap(),
            Some("x")
        );
        u.set_nested_field(&["spec", "replicas"], 3.into()).unwrap();
        let err = u
            .set_nested_field(&["spec", "replicas", "x"], 1.into())
            .unwrap_err();
        assert_eq!(
            err.to_string(),
            "value cannot be set because .spec.replicas is not a map[string]interface{}"
        );
        u.set_nested_string_map(
            &["metadata", "labels"],
            &BTreeMap::from([("k".into(), "v".into())]),
        )
        .unwrap();
        assert_eq!(u.labels()["k"], "v");
        u.remove_nested_field(&["spec", "template"]);
        assert_eq!(u.nested_field(&["spec", "template"]).unwrap(), None);
        u.remove_nested_field(&["not", "there"]);
    }

    #[test]
    fn typed_conversion_both_ways() {
        let u = deployment();
        let meta: crate::meta::PartialObjectMetadata = u.to_typed().unwrap();
        assert_eq!(meta.metadata.namespace.as_deref(), Some("prod"));
        assert_eq!(
            meta.metadata.managed_fields[0]
                .fields_v1
                .as_ref()
                .unwrap()
                .as_str(),
            r#"{"f:spec":{"f:replicas":{}}}"#
        );
        let again = Unstructured::from_typed(&meta).unwrap();
        assert_eq!(again.name(), Some("web"));
        assert!(Unstructured::from_value(serde_json::json!([1])).is_err());
        assert!(serde_json::from_str::<Unstructured>("[1]").is_err());
    }

    #[test]
    fn list_keeps_list_fields_and_items() {
        let json = r#"{"apiVersion":"v1","items":[{"kind":"Pod","metadata":{"name":"a"}},{"kind":"Pod","metadata":{"name":"b"},"extra":true}],"kind":"PodList","metadata":{"continue":"c","remainingItemCount":5,"resourceVersion":"9"}}"#;
        let list: UnstructuredList = serde_json::from_str(json).unwrap();
        assert_eq!(list.kind(), Some("PodList"));
        assert_eq!(list.api_version(), Some("v1"));
        assert_eq!(list.resource_version(), Some("9"));
        assert_eq!(list.continue_token(), Some("c"));
        assert_eq!(list.remaining_item_count(), Some(5));
        assert_eq!(list.items.len(), 2);
        assert_eq!(list.items[1].name(), Some("b"));
        assert_eq!(
            list.list_meta().unwrap().resource_version.as_deref(),
            Some("9")
        );
        let back: Value = serde_json::to_value(&list).unwrap();
        assert_eq!(back, serde_json::from_str::<Value>(json).unwrap());
        let empty: UnstructuredList =
            serde_json::from_str(r#"{"kind":"PodList","items":null}"#).unwrap();
        assert!(empty.items.is_empty());
        assert_eq!(
            serde_json::to_string(&empty).unwrap(),
            r#"{"kind":"PodList","items":[]}"#
        );
        assert!(Unstructured::from_value(back).unwrap().is_list());
    }
}
