//! A custom resource defined with the derive, with a field of every kind the schema
//! mapping knows: its definition must generate these types again.

use std::collections::BTreeMap;

use clientgo_api::{CustomResource, StructuralSchema};
use clientgo_apimachinery::{IntOrString, Quantity, Time};
use serde::{Deserialize, Serialize};

/// A backup schedule.
#[derive(CustomResource, StructuralSchema, Clone, Debug, PartialEq, Serialize, Deserialize)]
#[resource(
    group = "roundtrip.clientgo.dev",
    version = "v1",
    kind = "Backup",
    namespaced,
    short_names = ["bk"],
    categories = ["backups-all"],
    status = "BackupStatus",
    scale(spec_replicas = ".spec.parallelism", status_replicas = ".status.running"),
    printer_column(name = "Schedule", type = "string", json_path = ".spec.schedule"),
    derive(PartialEq)
)]
#[serde(rename_all = "camelCase")]
pub struct BackupSpec {
    /// When backups run, in cron syntax.
    pub schedule: String,
    pub parallelism: i32,
    pub retention_days: Option<i64>,
    pub ratio: Option<f64>,
    pub paused: Option<bool>,
    /// Where backups go.
    pub target: BackupSpecTarget,
    pub volumes: Option<Vec<BackupSpecVolumes>>,
    pub labels: Option<BTreeMap<String, String>>,
    pub port: Option<IntOrString>,
    pub size: Option<Quantity>,
    pub not_before: Option<Time>,
    /// Options for the backup tool, kept as given.
    pub options: Option<serde_json::Value>,
    pub mode: Option<BackupSpecMode>,
}

/// A bucket and a path in it.
#[derive(StructuralSchema, Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct BackupSpecTarget {
    pub bucket: String,
    pub path: Option<String>,
}

#[derive(StructuralSchema, Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct BackupSpecVolumes {
    pub claim_name: String,
    pub read_only: Option<bool>,
}

/// How much is copied.
#[derive(StructuralSchema, Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum BackupSpecMode {
    Full,
    Incremental,
}

#[derive(StructuralSchema, Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct BackupStatus {
    pub running: Option<i32>,
    pub last_success: Option<Time>,
}
