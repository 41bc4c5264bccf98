//! Custom resource types shared by the derive's tests.

use std::collections::BTreeMap;

use clientgo_api::{CustomResource, StructuralSchema};
use clientgo_apimachinery::IntOrString;
use clientgo_apimachinery::meta::Condition;
use serde::{Deserialize, Serialize};

/// Copies a ConfigMap into other namespaces.
#[derive(
    CustomResource, StructuralSchema, Clone, Debug, Default, PartialEq, Serialize, Deserialize,
)]
#[resource(
    group = "derive.clientgo.dev",
    version = "v1",
    kind = "Mirror",
    namespaced,
    status = "MirrorStatus",
    short_names = ["mir"],
    categories = ["clientgo-test"],
    scale(spec_replicas = ".spec.replicas", status_replicas = ".status.replicas"),
    printer_column(name = "Source", type = "string", json_path = ".spec.source"),
    printer_column(name = "Copies", type = "integer", json_path = ".status.copies", priority = 1),
    derive(PartialEq)
)]
#[serde(rename_all = "camelCase")]
pub struct MirrorSpec {
    /// The ConfigMap to copy.
    pub source: String,
    /// Where the copies go.
    #[serde(default)]
    pub target_namespaces: Vec<String>,
    /// How many copies (the scale subresource's replicas).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub replicas: Option<i32>,
    /// When to overwrite.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub policy: Option<Policy>,
    /// Labels put on every copy.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub labels: BTreeMap<String, String>,
    /// A port, by number or name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub port: Option<IntOrString>,
    /// Anything at all.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub extra: Option<serde_json::Value>,
    /// Never sent.
    #[serde(skip)]
    pub scratch: u8,
}

/// When a copy is overwritten.
#[derive(StructuralSchema, Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub enum Policy {
    /// Every time the source changes.
    Always,
    /// Only when the copy is missing.
    IfMissing,
    /// Never again.
    #[serde(rename = "never")]
    Never,
}

/// What the mirror did.
#[derive(StructuralSchema, Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct MirrorStatus {
    /// Copies written.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub copies: Option<i32>,
    /// The scale subresource's replicas.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub replicas: Option<i32>,
    /// Conditions.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub conditions: Vec<Condition>,
}

/// A cluster-scoped resource with nothing but a spec.
#[derive(CustomResource, StructuralSchema, Clone, Debug, Serialize, Deserialize)]
#[resource(group = "derive.clientgo.dev", version = "v1alpha1", kind = "Gateway")]
pub struct GatewaySpec {
    /// The address (the 16-byte string of the built-in types works in custom ones too).
    pub address: clientgo_apimachinery::Str,
    /// A weight, carried as a newtype.
    pub weight: Weight,
}

/// A newtype over an integer.
#[derive(StructuralSchema, Clone, Copy, Debug, Serialize, Deserialize)]
pub struct Weight(pub u16);
