//! Patch types and their content types.
//!
//! Mirrors the patch part of Go's `k8s.io/apimachinery/pkg/types`. The patch type is
//! sent as the request `Content-Type`; the server picks the merge algorithm from it.
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

use std::fmt;

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
