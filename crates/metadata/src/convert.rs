//! Answers turned into [`PartialObjectMetadata`]: the server's transformation, or a
//! full object reduced to its metadata when the server ignored the request for one.

use clientgo_apimachinery::meta::{ListMeta, PartialObjectMetadata, PartialObjectMetadataList};
use clientgo_apimachinery::{Unstructured, UnstructuredList};
use clientgo_rest::{Error, Result};

const META_GROUP_VERSION: &str = "meta.k8s.io/v1";

fn decode_error(detail: impl std::fmt::Display) -> Error {
    Error::Decode {
        what: "object metadata".into(),
        detail: detail.to_string(),
    }
}

/// One object as metadata.
pub(crate) fn object(object: Unstructured) -> Result<PartialObjectMetadata> {
    let transformed = object.kind() == Some("PartialObjectMetadata")
        && object.api_version() == Some(META_GROUP_VERSION);
    let mut partial: PartialObjectMetadata = object.into_typed().map_err(decode_error)?;
    if transformed {
        return Ok(partial);
    }
    // The server sent the full object: accept it only if it has object metadata.
    let meta = &partial.metadata;
    let looks_like_metadata = meta.uid.is_some()
        || meta.creation_timestamp.is_some()
        || meta.name.as_deref().is_some_and(|n| !n.is_empty())
        || meta.generate_name.as_deref().is_some_and(|n| !n.is_empty());
    if !looks_like_metadata {
        return Err(decode_error(
            "object does not appear to match the ObjectMeta schema",
        ));
    }
    partial.kind = None;
    partial.api_version = None;
    Ok(partial)
}

/// A list as metadata.
pub(crate) fn list(list: UnstructuredList) -> Result<PartialObjectMetadataList> {
    let field = |name: &str| {
        list.object
            .get(name)
            .and_then(|v| v.as_str())
            .map(Into::into)
    };
    let metadata: ListMeta = match list.object.get("metadata") {
        Some(value) => serde_json::from_value(value.clone()).map_err(decode_error)?,
        None => ListMeta::default(),
    };
    Ok(PartialObjectMetadataList {
        kind: field("kind"),
        api_version: field("apiVersion"),
        metadata,
        items: list.items.into_iter().map(object).collect::<Result<_>>()?,
    })
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;
    use serde_json::json;

    fn unstructured(value: serde_json::Value) -> Unstructured {
        Unstructured::from_value(value).unwrap()
    }

    #[test]
    fn transformed_objects_keep_their_type() {
        let partial = object(unstructured(json!({
            "kind": "PartialObjectMetadata", "apiVersion": "meta.k8s.io/v1",
            "metadata": {"name": "a", "labels": {"x": "y"}},
        })))
        .unwrap();
        assert_eq!(partial.kind.as_deref(), Some("PartialObjectMetadata"));
        assert_eq!(partial.metadata.labels["x"], "y");
    }

    #[test]
    fn full_objects_are_reduced_to_their_metadata() {
        let partial = object(unstructured(json!({
            "kind": "ConfigMap", "apiVersion": "v1",
            "metadata": {"name": "a", "uid": "u"}, "data": {"big": "x"},
        })))
        .unwrap();
        assert_eq!(partial.kind, None);
        assert_eq!(partial.metadata.uid.as_deref(), Some("u"));
        let error = object(unstructured(
            json!({"kind": "Thing", "apiVersion": "v1", "spec": {}}),
        ))
        .unwrap_err();
        assert!(
            error
                .to_string()
                .contains("object does not appear to match the ObjectMeta schema"),
            "{error}"
        );
    }
}
