//! Object and list metadata: `TypeMeta`, `ObjectMeta`, `ListMeta` and their parts.

use std::fmt;

pub(crate) use crate::serde_util::{exact_vec, null_as_default};
use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;

use super::Time;
use crate::schema::GroupVersionKind;
use crate::{Str, StringMap};

/// The `apiVersion` and `kind` fields every object carries.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TypeMeta {
    /// The type name, e.g. `Deployment`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<Str>,
    /// `group/version` (or `version` for the core group), e.g. `apps/v1`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub api_version: Option<Str>,
}

impl TypeMeta {
    /// Type metadata for the given `apiVersion` and `kind`.
    pub fn new(api_version: impl Into<Str>, kind: impl Into<Str>) -> Self {
        Self {
            api_version: Some(api_version.into()),
            kind: Some(kind.into()),
        }
    }

    /// The group/version/kind (empty parts where fields are missing).
    pub fn group_version_kind(&self) -> GroupVersionKind {
        GroupVersionKind::from_api_version_and_kind(
            self.api_version.as_deref().unwrap_or_default(),
            self.kind.clone().unwrap_or_default(),
        )
    }
}

/// The `metadata` of every persisted object.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ObjectMeta {
    /// Unique name within the namespace (or the cluster for cluster-scoped objects).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<Str>,
    /// Prefix the server uses to generate a unique name when `name` is not set.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub generate_name: Option<Str>,
    /// The namespace; empty for cluster-scoped objects.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub namespace: Option<Str>,
    /// Deprecated URL of the object; no longer set by servers.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub self_link: Option<Str>,
    /// Server-assigned unique id, stable for the object's life.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub uid: Option<Str>,
    /// Opaque version for optimistic concurrency and watches.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resource_version: Option<Str>,
    /// Sequence number of spec changes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub generation: Option<i64>,
    /// When the object was created.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub creation_timestamp: Option<Time>,
    /// When the object will be (or was requested to be) deleted; set by the server.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deletion_timestamp: Option<Time>,
    /// Grace period of a pending deletion.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deletion_grace_period_seconds: Option<i64>,
    /// Labels (selectable key/value pairs).
    #[serde(
        default,
        deserialize_with = "null_as_default",
        skip_serializing_if = "StringMap::is_empty"
    )]
    pub labels: StringMap,
    /// Annotations (non-selectable key/value pairs).
    #[serde(
        default,
        deserialize_with = "null_as_default",
        skip_serializing_if = "StringMap::is_empty"
    )]
    pub annotations: StringMap,
    /// Objects this object depends on (for garbage collection).
    #[serde(
        default,
        deserialize_with = "exact_vec",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub owner_references: Vec<OwnerReference>,
    /// Finalizers that must be removed before the object is deleted.
    #[serde(
        default,
        deserialize_with = "exact_vec",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub finalizers: Vec<Str>,
    /// Which manager owns which fields (server-side apply).
    #[serde(
        default,
        deserialize_with = "exact_vec",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub managed_fields: Vec<ManagedFieldsEntry>,
}

impl ObjectMeta {
    /// Metadata with just a name.
    pub fn named(name: impl Into<Str>) -> Self {
        Self {
            name: Some(name.into()),
            ..Self::default()
        }
    }

    /// Metadata with a namespace and a name.
    pub fn namespaced(namespace: impl Into<Str>, name: impl Into<Str>) -> Self {
        Self {
            name: Some(name.into()),
            namespace: Some(namespace.into()),
            ..Self::default()
        }
    }

    /// The owner reference marked as controller, if any.
    pub fn controller(&self) -> Option<&OwnerReference> {
        self.owner_references
            .iter()
            .find(|r| r.controller == Some(true))
    }
}

/// Identifies an owning object; owned objects are garbage-collected with their owner.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct OwnerReference {
    /// The owner's `apiVersion`.
    #[serde(default)]
    pub api_version: Str,
    /// The owner's `kind`.
    #[serde(default)]
    pub kind: Str,
    /// The owner's name.
    #[serde(default)]
    pub name: Str,
    /// The owner's uid.
    #[serde(default)]
    pub uid: Str,
    /// True if the owner is the managing controller; at most one owner is.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub controller: Option<bool>,
    /// If true, the owner cannot be deleted (foreground) before this object is.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub block_owner_deletion: Option<bool>,
}

impl OwnerReference {
    /// A controller reference to `owner`, blocking owner deletion, as controllers set
    /// on the objects they create (client-go's `metav1.NewControllerRef`, with the kind
    /// taken from the owner's type). The owner must have been read from the server, so
    /// that it has a uid; `None` otherwise (the server would refuse the reference).
    pub fn controller_of<K: crate::Resource + crate::Metadata>(owner: &K) -> Option<Self> {
        let meta = owner.metadata();
        meta.uid.as_ref().filter(|uid| !uid.is_empty())?;
        Some(Self::new_controller_ref(meta, &K::group_version_kind()))
    }

    /// A controller reference to `owner` of kind `gvk`, blocking owner deletion, as
    /// controllers set on the objects they create.
    pub fn new_controller_ref(owner: &ObjectMeta, gvk: &GroupVersionKind) -> Self {
        Self {
            api_version: gvk.api_version().into(),
            kind: gvk.kind.as_str().into(),
            name: owner.name.clone().unwrap_or_default(),
            uid: owner.uid.clone().unwrap_or_default(),
            controller: Some(true),
            block_owner_deletion: Some(true),
        }
    }
}

/// The field set of a managed-fields entry, kept as the raw JSON the server sent.
///
/// Decoding and re-encoding preserves the bytes exactly; nothing parses the tree unless
/// asked to. JSON answers are checked when decoded; protobuf answers carry the text as
/// bytes, kept as they are (as client-go does) and checked when the entry is encoded
/// again or parsed. Objects of one workload and manager usually have the same field
/// set: decoding shares the text of equal ones, as it does for long strings.
#[derive(Clone, PartialEq, Eq)]
pub struct FieldsV1(Str);

impl FieldsV1 {
    /// Wraps raw JSON; fails if it is not valid JSON.
    pub fn from_json(json: impl Into<String>) -> Result<Self, serde_json::Error> {
        RawValue::from_string(json.into()).map(|raw| Self(Box::<str>::from(raw).into()))
    }

    /// Wraps text a protobuf answer carried, unchecked: it is checked when encoded or
    /// parsed.
    pub(crate) fn from_unchecked(text: &str) -> Self {
        Self(Str::decoded(text))
    }

    /// The raw JSON text.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Parses the field set into a JSON tree.
    pub fn to_value(&self) -> Result<serde_json::Value, serde_json::Error> {
        serde_json::from_str(&self.0)
    }
}

impl Serialize for FieldsV1 {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let raw = RawValue::from_string(self.0.to_string())
            .map_err(|e| serde::ser::Error::custom(format!("fieldsV1 is not JSON: {e}")))?;
        raw.serialize(serializer)
    }
}

impl<'de> Deserialize<'de> for FieldsV1 {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Box::<RawValue>::deserialize(deserializer).map(|raw| Self(Str::decoded(raw.get())))
    }
}

impl fmt::Debug for FieldsV1 {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "FieldsV1({})", self.0)
    }
}

/// One manager's ownership of fields (server-side apply bookkeeping).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ManagedFieldsEntry {
    /// The manager's name (`kubectl`, a controller name, ...).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub manager: Option<Str>,
    /// `Apply` or `Update`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub operation: Option<Str>,
    /// The version of the field set.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub api_version: Option<Str>,
    /// When the entry last changed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub time: Option<Time>,
    /// Format of `fieldsV1`; always `FieldsV1`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fields_type: Option<Str>,
    /// The owned fields, raw.
    #[serde(default, rename = "fieldsV1", skip_serializing_if = "Option::is_none")]
    pub fields_v1: Option<FieldsV1>,
    /// The subresource the change was made through (`status`, `scale`, ...).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subresource: Option<Str>,
}

/// The `metadata` of a list response.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ListMeta {
    /// Deprecated URL of the list.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub self_link: Option<Str>,
    /// The version of the list; start a watch from here.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resource_version: Option<Str>,
    /// Token for the next page of a paginated list.
    #[serde(default, rename = "continue", skip_serializing_if = "Option::is_none")]
    pub continue_: Option<Str>,
    /// Estimated number of items after this page.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub remaining_item_count: Option<i64>,
}

/// `"True"`
pub const CONDITION_TRUE: &str = "True";
/// `"False"`
pub const CONDITION_FALSE: &str = "False";
/// `"Unknown"`
pub const CONDITION_UNKNOWN: &str = "Unknown";

/// The standard condition shape (`status.conditions[]` of most newer APIs).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Condition {
    /// The condition type in CamelCase, e.g. `Available`.
    #[serde(default, rename = "type")]
    pub type_: Str,
    /// `True`, `False` or `Unknown`.
    #[serde(default)]
    pub status: Str,
    /// The `metadata.generation` the condition was computed from.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub observed_generation: Option<i64>,
    /// When the status last changed.
    #[serde(default)]
    pub last_transition_time: Time,
    /// Machine-readable CamelCase reason.
    #[serde(default)]
    pub reason: Str,
    /// Human-readable explanation.
    #[serde(default)]
    pub message: Str,
}

/// Only the type and object metadata of an object (what the metadata client and
/// `as=PartialObjectMetadata` requests return).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PartialObjectMetadata {
    /// `kind` of the object.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<Str>,
    /// `apiVersion` of the object (its real group/version, not `meta.k8s.io/v1`, when
    /// converted from a full object).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub api_version: Option<Str>,
    /// The object's metadata.
    #[serde(default)]
    pub metadata: ObjectMeta,
}

impl PartialObjectMetadata {
    /// The group/version/kind from `apiVersion` and `kind`.
    pub fn group_version_kind(&self) -> GroupVersionKind {
        GroupVersionKind::from_api_version_and_kind(
            self.api_version.as_deref().unwrap_or_default(),
            self.kind.clone().unwrap_or_default(),
        )
    }
}

/// A list of [`PartialObjectMetadata`].
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PartialObjectMetadataList {
    /// `PartialObjectMetadataList`
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<Str>,
    /// `meta.k8s.io/v1`
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub api_version: Option<Str>,
    /// List metadata (resource version, continue token).
    #[serde(default)]
    pub metadata: ListMeta,
    /// The items.
    #[serde(default, deserialize_with = "null_as_default")]
    pub items: Vec<PartialObjectMetadata>,
}
