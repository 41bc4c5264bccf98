//! Media types the API server speaks, and content negotiation strings.
//!
//! Mirrors the constants of Go's `k8s.io/apimachinery/pkg/runtime` and the `Accept`
//! strings client-go builds. Watch responses add `;stream=watch`; server-side
//! transformations are requested with `as=`, `g=` and `v=` parameters.

/// JSON.
pub const APPLICATION_JSON: &str = "application/json";
/// YAML.
pub const APPLICATION_YAML: &str = "application/yaml";
/// Kubernetes protobuf (built-in types only).
pub const APPLICATION_PROTOBUF: &str = "application/vnd.kubernetes.protobuf";
/// CBOR.
pub const APPLICATION_CBOR: &str = "application/cbor";
/// A sequence of CBOR items (CBOR watch streams).
pub const APPLICATION_CBOR_SEQ: &str = "application/cbor-seq";

/// JSON watch stream: concatenated (newline-separated) `WatchEvent` objects.
pub const APPLICATION_JSON_WATCH: &str = "application/json;stream=watch";
/// Protobuf watch stream: 4-byte big-endian length-prefixed `WatchEvent` frames.
pub const APPLICATION_PROTOBUF_WATCH: &str = "application/vnd.kubernetes.protobuf;stream=watch";

/// Ask for a server-side `Table` rendering.
pub const AS_TABLE_JSON: &str = "application/json;as=Table;v=v1;g=meta.k8s.io";
/// Ask for metadata only (`PartialObjectMetadata`).
pub const AS_PARTIAL_OBJECT_METADATA_JSON: &str =
    "application/json;as=PartialObjectMetadata;g=meta.k8s.io;v=v1";
/// Ask for list metadata only (`PartialObjectMetadataList`).
pub const AS_PARTIAL_OBJECT_METADATA_LIST_JSON: &str =
    "application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1";

/// The four bytes (`k8s\0`) that start every Kubernetes protobuf message.
pub const PROTOBUF_MAGIC: [u8; 4] = *b"k8s\0";

/// The media type of a `Content-Type` value without parameters, lower-cased and trimmed
/// (`"Application/JSON; charset=utf-8"` → `"application/json"`).
///
/// ```
/// use clientgo_apimachinery::media_type::essence;
/// assert_eq!(essence("application/json;stream=watch"), "application/json");
/// ```
pub fn essence(content_type: &str) -> String {
    without_parameters(content_type).to_ascii_lowercase()
}

/// Whether `content_type` is of `media_type` (lower-case, without parameters),
/// ignoring its parameters and case, as [`essence`] compares, without allocating.
///
/// ```
/// use clientgo_apimachinery::media_type::{APPLICATION_JSON, is_media_type};
/// assert!(is_media_type("Application/JSON; charset=utf-8", APPLICATION_JSON));
/// ```
pub fn is_media_type(content_type: &str, media_type: &str) -> bool {
    without_parameters(content_type).eq_ignore_ascii_case(media_type)
}

/// The media type of a `Content-Type` value, parameters and spaces cut, case kept.
fn without_parameters(content_type: &str) -> &str {
    content_type.split(';').next().unwrap_or_default().trim()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn essence_strips_parameters_and_case() {
        assert_eq!(essence("Application/JSON; charset=utf-8"), APPLICATION_JSON);
        assert_eq!(essence(APPLICATION_PROTOBUF_WATCH), APPLICATION_PROTOBUF);
        assert_eq!(essence(AS_TABLE_JSON), APPLICATION_JSON);
        assert_eq!(essence(""), "");
        for content_type in [
            "Application/JSON; charset=utf-8",
            APPLICATION_PROTOBUF_WATCH,
            AS_TABLE_JSON,
            "",
            " text/plain ",
        ] {
            for media_type in [APPLICATION_JSON, APPLICATION_PROTOBUF, "", "text/plain"] {
                assert_eq!(
                    is_media_type(content_type, media_type),
                    essence(content_type) == media_type,
                    "{content_type:?} as {media_type:?}"
                );
            }
        }
    }
}
