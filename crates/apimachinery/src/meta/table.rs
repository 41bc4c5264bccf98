//! `Table`: the server-side rendering `kubectl get` prints (`Accept:
//! application/json;as=Table;v=v1;g=meta.k8s.io`).

use std::fmt;

use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;

use super::ListMeta;
use super::object_meta::null_as_default;
use super::options::QueryParams;

/// An embedded object kept as raw JSON (Go's `runtime.RawExtension`).
#[derive(Clone, Serialize, Deserialize)]
#[serde(transparent)]
pub struct RawExtension(Box<RawValue>);

impl RawExtension {
    /// Wraps raw JSON; fails if it is not valid JSON.
    pub fn from_json(json: impl Into<String>) -> Result<Self, serde_json::Error> {
        RawValue::from_string(json.into()).map(Self)
    }

    /// The raw JSON text.
    pub fn as_str(&self) -> &str {
        self.0.get()
    }

    /// Decodes the object into a type.
    pub fn decode<'a, T: Deserialize<'a>>(&'a self) -> Result<T, serde_json::Error> {
        serde_json::from_str(self.0.get())
    }
}

impl fmt::Debug for RawExtension {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "RawExtension({})", self.0.get())
    }
}

impl PartialEq for RawExtension {
    fn eq(&self, other: &Self) -> bool {
        self.0.get() == other.0.get()
    }
}

/// A tabular rendering of objects.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Table {
    /// `Table`
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    /// `meta.k8s.io/v1`
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub api_version: Option<String>,
    /// List metadata (resource version, continue token).
    #[serde(default)]
    pub metadata: ListMeta,
    /// The columns.
    #[serde(default, deserialize_with = "null_as_default")]
    pub column_definitions: Vec<TableColumnDefinition>,
    /// The rows.
    #[serde(default, deserialize_with = "null_as_default")]
    pub rows: Vec<TableRow>,
}

/// One column of a [`Table`].
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TableColumnDefinition {
    /// Column title.
    #[serde(default)]
    pub name: String,
    /// OpenAPI type (`string`, `integer`, `number`, `boolean`, `date`).
    #[serde(default, rename = "type")]
    pub type_: String,
    /// OpenAPI format (`name` marks the object's name column).
    #[serde(default)]
    pub format: String,
    /// What the column shows.
    #[serde(default)]
    pub description: String,
    /// 0 for columns shown by default; higher for wide output only.
    #[serde(default)]
    pub priority: i32,
}

/// One row of a [`Table`].
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TableRow {
    /// One value per column.
    #[serde(default, deserialize_with = "null_as_default")]
    pub cells: Vec<serde_json::Value>,
    /// Row conditions (e.g. `Completed`).
    #[serde(
        default,
        deserialize_with = "null_as_default",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub conditions: Vec<TableRowCondition>,
    /// The object (or its metadata), if requested with `includeObject`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub object: Option<RawExtension>,
}

/// A condition of a [`TableRow`].
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TableRowCondition {
    /// The condition type, e.g. `Completed`.
    #[serde(default, rename = "type")]
    pub type_: String,
    /// `True`, `False` or `Unknown`.
    #[serde(default)]
    pub status: String,
    /// Machine-readable reason.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// Human-readable message.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
}

/// How much of each object a [`Table`] row embeds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum IncludeObjectPolicy {
    /// No object.
    None,
    /// Only `PartialObjectMetadata` (the server's default).
    Metadata,
    /// The full object.
    Object,
}

/// Options of table requests.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TableOptions {
    /// What each row embeds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub include_object: Option<IncludeObjectPolicy>,
}

impl QueryParams for TableOptions {
    fn query_pairs(&self) -> Vec<(&'static str, String)> {
        let Some(policy) = self.include_object else {
            return Vec::new();
        };
        let value = match policy {
            IncludeObjectPolicy::None => "None",
            IncludeObjectPolicy::Metadata => "Metadata",
            IncludeObjectPolicy::Object => "Object",
        };
        vec![("includeObject", value.to_owned())]
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::meta::PartialObjectMetadata;

    #[test]
    fn table_from_server_decodes_and_round_trips() {
        let json = r#"{"kind":"Table","apiVersion":"meta.k8s.io/v1","metadata":{"resourceVersion":"77"},"columnDefinitions":[{"name":"Name","type":"string","format":"name","description":"Name must be unique","priority":0},{"name":"Age","type":"string","format":"","description":"","priority":0}],"rows":[{"cells":["web-1","5m",3],"object":{"kind":"PartialObjectMetadata","apiVersion":"meta.k8s.io/v1","metadata":{"name":"web-1"}}}]}"#;
        let table: Table = serde_json::from_str(json).unwrap();
        assert_eq!(table.column_definitions[0].format, "name");
        assert_eq!(table.rows[0].cells[0], "web-1");
        let object: PartialObjectMetadata =
            table.rows[0].object.as_ref().unwrap().decode().unwrap();
        assert_eq!(object.metadata.name.as_deref(), Some("web-1"));
        assert_eq!(serde_json::to_string(&table).unwrap(), json);
    }

    #[test]
    fn table_options_encode_include_object() {
        assert!(TableOptions::default().query_pairs().is_empty());
        let opts = TableOptions {
            include_object: Some(IncludeObjectPolicy::Object),
        };
        assert_eq!(
            opts.query_pairs(),
            vec![("includeObject", "Object".to_owned())]
        );
    }
}
