//! [`ObjectList`]: the list type of every typed resource (`PodList`, `DeploymentList`, ...).

use serde::{Deserialize, Serialize};

use super::ListMeta;
use super::object_meta::null_as_default;
use crate::Str;

/// A list of objects of one kind, as list requests return it: `items` plus list
/// metadata (the `resourceVersion` to watch from, the `continue` token).
///
/// Generated list types are aliases of this one (`PodList = ObjectList<Pod>`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ObjectList<K> {
    /// The list's `apiVersion`, as the server sent it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub api_version: Option<Str>,
    /// The list's `kind`, e.g. `PodList`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<Str>,
    /// The list metadata.
    #[serde(default)]
    pub metadata: ListMeta,
    /// The objects.
    #[serde(
        default = "Vec::new",
        deserialize_with = "null_as_default",
        bound(deserialize = "K: Deserialize<'de>")
    )]
    pub items: Vec<K>,
}

impl<K> Default for ObjectList<K> {
    fn default() -> Self {
        Self {
            api_version: None,
            kind: None,
            metadata: ListMeta::default(),
            items: Vec::new(),
        }
    }
}

impl<K> ObjectList<K> {
    /// The `resourceVersion` of the list, to start a watch from.
    pub fn resource_version(&self) -> Option<&str> {
        self.metadata.resource_version.as_deref()
    }

    /// The token for the next page, if the list was paginated and has more.
    pub fn continue_token(&self) -> Option<&str> {
        self.metadata.continue_.as_deref().filter(|t| !t.is_empty())
    }
}

impl<K> IntoIterator for ObjectList<K> {
    type Item = K;
    type IntoIter = std::vec::IntoIter<K>;

    fn into_iter(self) -> Self::IntoIter {
        self.items.into_iter()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, PartialEq, Serialize, Deserialize)]
    struct Item {
        name: String,
    }

    #[test]
    fn decodes_a_list_with_null_items() {
        let list: ObjectList<Item> = serde_json::from_str(
            r#"{"kind":"ItemList","metadata":{"resourceVersion":"7"},"items":null}"#,
        )
        .unwrap();
        assert!(list.items.is_empty());
        assert_eq!(list.resource_version(), Some("7"));
        assert_eq!(list.continue_token(), None);
    }

    #[test]
    fn iterates_over_items() {
        let list: ObjectList<Item> =
            serde_json::from_str(r#"{"metadata":{"continue":"abc"},"items":[{"name":"a"}]}"#)
                .unwrap();
        assert_eq!(list.continue_token(), Some("abc"));
        let names: Vec<_> = list.into_iter().map(|item| item.name).collect();
        assert_eq!(names, ["a"]);
    }
}
