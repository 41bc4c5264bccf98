//! Object references for events (client-go's `tools/reference`).

use clientgo_api::core::v1::ObjectReference;
use clientgo_apimachinery::{Metadata, Resource, Str};

/// The reference an event uses for `object`: kind and apiVersion from its type, name,
/// namespace, uid and resourceVersion from its metadata (client-go's `GetReference`).
pub fn get_reference<K: Resource + Metadata>(object: &K) -> ObjectReference {
    let non_empty = |value: Option<&str>| value.filter(|v| !v.is_empty()).map(Str::from);
    ObjectReference {
        api_version: Some(K::api_version().into()),
        kind: Some(K::KIND.into()),
        name: non_empty(object.name()),
        namespace: non_empty(object.namespace()),
        uid: non_empty(object.uid()),
        resource_version: non_empty(object.resource_version()),
        field_path: None,
    }
}

/// [`get_reference`] naming a part of the object (`fieldPath`, e.g.
/// `spec.containers{web}`).
pub fn get_partial_reference<K: Resource + Metadata>(
    object: &K,
    field_path: &str,
) -> ObjectReference {
    ObjectReference {
        field_path: Some(field_path.into()),
        ..get_reference(object)
    }
}

/// The namespace events about `reference` go to: its own, or `default` for
/// cluster-scoped objects.
pub(crate) fn event_namespace(reference: &ObjectReference) -> Str {
    reference
        .namespace
        .clone()
        .filter(|namespace| !namespace.is_empty())
        .unwrap_or_else(|| "default".into())
}

#[cfg(test)]
mod tests {
    use clientgo_api::core::v1::{ConfigMap, Node};
    use clientgo_apimachinery::ObjectMeta;

    use super::*;

    #[test]
    fn references_carry_type_and_identity() {
        let map = ConfigMap {
            metadata: ObjectMeta {
                name: Some("cm".into()),
                namespace: Some("ns".into()),
                uid: Some("u-1".into()),
                resource_version: Some("42".into()),
                ..ObjectMeta::default()
            },
            ..ConfigMap::default()
        };
        let reference = get_partial_reference(&map, "data");
        assert_eq!(reference.kind.as_deref(), Some("ConfigMap"));
        assert_eq!(reference.api_version.as_deref(), Some("v1"));
        assert_eq!(reference.name.as_deref(), Some("cm"));
        assert_eq!(reference.uid.as_deref(), Some("u-1"));
        assert_eq!(reference.resource_version.as_deref(), Some("42"));
        assert_eq!(reference.field_path.as_deref(), Some("data"));
        assert_eq!(event_namespace(&reference), "ns");
        let node = Node {
            metadata: ObjectMeta {
                name: Some("n1".into()),
                ..ObjectMeta::default()
            },
            ..Node::default()
        };
        assert_eq!(event_namespace(&get_reference(&node)), "default");
    }
}
