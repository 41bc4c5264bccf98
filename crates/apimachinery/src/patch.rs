//! Patch types, their content types, and patch bodies.
//!
//! Mirrors the patch part of Go's `k8s.io/apimachinery/pkg/types`. The patch type is
//! sent as the request `Content-Type`; the server picks the merge algorithm from it.
//! A [`PatchBody`] is what clients' `patch` methods take: bytes or text sent as they
//! are, a `serde_json::Value`, or any serializable value wrapped in [`Json`].
//!
//! ```
//! use clientgo_apimachinery::patch::PatchType;
//!
//! assert_eq!(PatchType::Merge.content_type(), "application/merge-patch+json");
//! assert_eq!(
//!     PatchType::from_content_type("application/apply-patch+yaml"),
//!     Some(PatchType::Apply)
//! );
//! ```

use std::borrow::Cow;
use std::fmt;

use serde::Serialize;

/// How a patch body is interpreted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PatchType {
    /// JSON Patch (RFC 6902): a list of operations.
    Json,
    /// JSON Merge Patch (RFC 7386): a partial object; `null` deletes, lists are replaced.
    Merge,
    /// Strategic merge patch: like merge, but lists of built-in types merge by key.
    /// Not supported for custom resources.
    StrategicMerge,
    /// Server-side apply with a YAML (or JSON) body; needs a field manager.
    Apply,
    /// Server-side apply with a CBOR body.
    ApplyCbor,
}

impl PatchType {
    /// The `Content-Type` of the request.
    pub fn content_type(self) -> &'static str {
        match self {
            Self::Json => "application/json-patch+json",
            Self::Merge => "application/merge-patch+json",
            Self::StrategicMerge => "application/strategic-merge-patch+json",
            Self::Apply => "application/apply-patch+yaml",
            Self::ApplyCbor => "application/apply-patch+cbor",
        }
    }

    /// The patch type of a content type (parameters after `;` are ignored).
    pub fn from_content_type(content_type: &str) -> Option<Self> {
        let media = content_type.split(';').next().unwrap_or_default().trim();
        [
            Self::Json,
            Self::Merge,
            Self::StrategicMerge,
            Self::Apply,
            Self::ApplyCbor,
        ]
        .into_iter()
        .find(|p| p.content_type().eq_ignore_ascii_case(media))
    }

    /// True for the server-side apply types.
    pub fn is_apply(self) -> bool {
        matches!(self, Self::Apply | Self::ApplyCbor)
    }
}

impl fmt::Display for PatchType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.content_type())
    }
}

/// The body of a patch: bytes or text are sent unchanged (as client-go's `[]byte`);
/// a [`serde_json::Value`] or a value wrapped in [`Json`] is serialized to JSON.
///
/// ```
/// use clientgo_apimachinery::patch::{Json, PatchBody};
///
/// let raw = br#"{"metadata":{"labels":{"a":"b"}}}"#;
/// assert_eq!(raw.patch_bytes().unwrap().as_ref(), raw);
/// let value = serde_json::json!({ "metadata": { "labels": { "a": "b" } } });
/// assert_eq!(value.patch_bytes().unwrap().as_ref(), raw);
/// let typed = Json(std::collections::BTreeMap::from([("spec", ["x"])]));
/// assert_eq!(typed.patch_bytes().unwrap().as_ref(), br#"{"spec":["x"]}"#);
/// ```
pub trait PatchBody {
    /// The bytes sent as the request body.
    fn patch_bytes(&self) -> Result<Cow<'_, [u8]>, serde_json::Error>;
}

impl PatchBody for [u8] {
    fn patch_bytes(&self) -> Result<Cow<'_, [u8]>, serde_json::Error> {
        Ok(Cow::Borrowed(self))
    }
}

impl<const N: usize> PatchBody for [u8; N] {
    fn patch_bytes(&self) -> Result<Cow<'_, [u8]>, serde_json::Error> {
        Ok(Cow::Borrowed(self))
    }
}

impl PatchBody for Vec<u8> {
    fn patch_bytes(&self) -> Result<Cow<'_, [u8]>, serde_json::Error> {
        Ok(Cow::Borrowed(self))
    }
}

impl PatchBody for str {
    fn patch_bytes(&self) -> Result<Cow<'_, [u8]>, serde_json::Error> {
        Ok(Cow::Borrowed(self.as_bytes()))
    }
}

impl PatchBody for String {
    fn patch_bytes(&self) -> Result<Cow<'_, [u8]>, serde_json::Error> {
        Ok(Cow::Borrowed(self.as_bytes()))
    }
}

impl PatchBody for serde_json::Value {
    fn patch_bytes(&self) -> Result<Cow<'_, [u8]>, serde_json::Error> {
        serde_json::to_vec(self).map(Cow::Owned)
    }
}

/// Any serializable value as a JSON patch body: a typed partial object or apply
/// configuration for a merge patch, a list of operations for a JSON patch.
#[derive(Clone, Copy, Debug)]
pub struct Json<T>(pub T);

impl<T: Serialize> PatchBody for Json<T> {
    fn patch_bytes(&self) -> Result<Cow<'_, [u8]>, serde_json::Error> {
        serde_json::to_vec(&self.0).map(Cow::Owned)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn content_types_round_trip() {
        for p in [
            PatchType::Json,
            PatchType::Merge,
            PatchType::StrategicMerge,
            PatchType::Apply,
            PatchType::ApplyCbor,
        ] {
            assert_eq!(PatchType::from_content_type(p.content_type()), Some(p));
            assert_eq!(p.to_string(), p.content_type());
        }
        assert_eq!(
            PatchType::from_content_type("application/json-patch+json; charset=utf-8"),
            Some(PatchType::Json)
        );
        assert_eq!(PatchType::from_content_type("application/json"), None);
        assert!(PatchType::ApplyCbor.is_apply());
        assert!(!PatchType::Merge.is_apply());
    }
}
