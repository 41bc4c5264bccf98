//! `autoscaling/v1` `Scale`, defined here until the generated API types exist.

use clientgo_apimachinery::meta::ObjectMeta;
use serde::{Deserialize, Serialize};

/// The `autoscaling/v1` `Scale` of a scalable resource: how many replicas are wanted
/// and how many there are.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Scale {
    /// `autoscaling/v1`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub api_version: Option<String>,
    /// `Scale`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    /// The metadata of the scaled object (name, namespace, resource version).
    #[serde(default)]
    pub metadata: ObjectMeta,
    /// The wanted state.
    #[serde(default)]
    pub spec: ScaleSpec,
    /// The observed state.
    #[serde(default)]
    pub status: ScaleStatus,
}

/// The wanted state of a [`Scale`].
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ScaleSpec {
    /// The wanted number of replicas.
    #[serde(default)]
    pub replicas: i32,
}

/// The observed state of a [`Scale`].
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ScaleStatus {
    /// The observed number of replicas.
    #[serde(default)]
    pub replicas: i32,
    /// The label selector of the replicas, in label selector syntax (`app=web`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub selector: Option<String>,
}
