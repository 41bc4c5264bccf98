//! The error type of discovery, its caches and the REST mapper.

use clientgo_apimachinery::errors::{ApiStatus, StatusError};
use clientgo_apimachinery::meta::Status;
use clientgo_apimachinery::schema::{
    GroupKind, GroupVersion, GroupVersionKind, GroupVersionResource,
};

/// What can go wrong while discovering, caching discovery or mapping kinds and
/// resources.
#[derive(Debug, Clone, thiserror::Error)]
pub enum Error {
    /// A request to the server failed (the predicates of [`ApiStatus`] work on it).
    #[error(transparent)]
    Rest(#[from] clientgo_rest::Error),

    /// The memory cache does not know the group version (client-go's
    /// `ErrCacheNotFound`).
    #[error("not found")]
    CacheNotFound,

    /// The server listed no resources for a group version.
    #[error("received empty response for: {0}")]
    EmptyResponse(String),

    /// A group version was required but empty.
    #[error("groupVersion shouldn't be empty")]
    EmptyGroupVersion,

    /// A lookup needs a resource name.
    #[error("a resource must be present, got: {0}")]
    MissingResource(GroupVersionResource),

    /// Reading or writing the disk cache failed.
    #[error("discovery cache {path}: {detail}")]
    Io {
        /// The file or directory.
        path: String,
        /// What went wrong.
        detail: String,
    },

    /// No kind is known for a group kind (in the searched versions).
    #[error("{}", no_kind_match_message(.group_kind, .searched_versions))]
    NoKindMatch {
        /// The group and kind looked up.
        group_kind: GroupKind,
        /// The versions that were searched (empty: any).
        searched_versions: Vec<String>,
    },

    /// No resource matches a (partial) group/version/resource.
    #[error("no matches for {0}")]
    NoResourceMatch(GroupVersionResource),

    /// Several resources match at the same priority.
    #[error("{partial} matches multiple resources {}", join(.matching))]
    AmbiguousResource {
        /// What was looked up.
        partial: GroupVersionResource,
        /// Everything it matches.
        matching: Vec<GroupVersionResource>,
    },

    /// Several kinds match at the same priority.
    #[error("{partial} matches multiple kinds {}", join(.matching))]
    AmbiguousKind {
        /// What was looked up (a resource or a kind).
        partial: String,
        /// Everything it matches.
        matching: Vec<GroupVersionKind>,
    },
}

impl Error {
    /// The server's status error, if the server answered with one.
    pub fn status(&self) -> Option<&StatusError> {
        match self {
            Error::Rest(error) => error.status(),
            _ => None,
        }
    }

    /// Whether this is a "no match" error of the REST mapper (client-go's
    /// `meta.IsNoMatchError`): the kind or resource is unknown to discovery.
    pub fn is_no_match(&self) -> bool {
        matches!(self, Error::NoKindMatch { .. } | Error::NoResourceMatch(_))
    }

    /// Whether this is an ambiguity error of the REST mapper.
    pub fn is_ambiguous(&self) -> bool {
        matches!(
            self,
            Error::AmbiguousKind { .. } | Error::AmbiguousResource { .. }
        )
    }

    /// Whether asking again may succeed: the request timed out or its connection
    /// failed, or the server answered 429 or 5xx (client-go's `isTransientError`).
    pub fn is_transient(&self) -> bool {
        match self {
            Error::Rest(clientgo_rest::Error::Transport(_) | clientgo_rest::Error::Timeout(_)) => {
                true
            }
            Error::Rest(clientgo_rest::Error::Retried { last, .. }) => {
                Error::Rest((**last).clone()).is_transient()
            }
            Error::Rest(error) => error
                .status()
                .is_some_and(|status| status.code() == 429 || status.code() >= 500),
            _ => false,
        }
    }

    pub(crate) fn io(path: &std::path::Path, error: impl std::fmt::Display) -> Self {
        Error::Io {
            path: path.display().to_string(),
            detail: error.to_string(),
        }
    }
}

impl ApiStatus for Error {
    fn api_status(&self) -> Option<&Status> {
        self.status().map(StatusError::status)
    }
}

fn join<T: std::fmt::Display>(items: &[T]) -> String {
    let parts: Vec<String> = items.iter().map(|item| format!("[{item}]")).collect();
    format!("[{}]", parts.join(" "))
}

fn no_kind_match_message(group_kind: &GroupKind, searched_versions: &[String]) -> String {
    let mut versions: Vec<String> = searched_versions
        .iter()
        .map(|v| GroupVersion::new(group_kind.group.clone(), v.clone()).to_string())
        .collect();
    versions.sort();
    versions.dedup();
    match versions.as_slice() {
        [] => format!(
            "no matches for kind {:?} in group {:?}",
            group_kind.kind, group_kind.group
        ),
        [one] => format!(
            "no matches for kind {:?} in version {one:?}",
            group_kind.kind
        ),
        many => format!(
            "no matches for kind {:?} in versions {many:?}",
            group_kind.kind
        ),
    }
}

/// A `Result` with this crate's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;
