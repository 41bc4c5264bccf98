//! The patch engines of the fake server, usable on their own: JSON merge patch
//! ([`merge_patch`], RFC 7386), JSON patch ([`json_patch`], RFC 6902) and strategic
//! merge patch ([`strategic_merge_patch`]) with a pluggable table of list merge keys
//! ([`PatchMeta`], default [`BuiltinPatchMeta`]).

mod json;
mod merge;
mod strategic;

pub use json::json_patch;
pub use merge::merge_patch;
pub use strategic::{BuiltinPatchMeta, MergeStrategy, PatchMeta, strategic_merge_patch};

/// Why a patch could not be applied.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PatchError {
    /// The patch document itself is malformed (the server answers 400 BadRequest).
    #[error("malformed patch: {0}")]
    Malformed(String),
    /// The patch is well-formed but cannot be applied to this object (a failed `test`,
    /// a missing path; the server answers 422 Invalid).
    #[error("the patch cannot be applied: {0}")]
    Failed(String),
}
