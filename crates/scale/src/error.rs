//! The error type of the scale client.

use clientgo_apimachinery::errors::ApiStatus;
use clientgo_apimachinery::meta::Status;
use clientgo_apimachinery::schema::{GroupResource, GroupVersionResource};

/// What can go wrong while reading or changing a scale.
#[derive(Debug, Clone, thiserror::Error)]
pub enum Error {
    /// The request failed (the predicates of [`ApiStatus`] work on it).
    #[error(transparent)]
    Rest(#[from] clientgo_rest::Error),

    /// Discovery failed.
    #[error(transparent)]
    Discovery(#[from] clientgo_discovery::Error),

    /// The REST mapper does not know the group resource.
    #[error("unable to get full preferred group-version-resource for {resource}: {source}")]
    Mapping {
        /// The group resource looked up.
        resource: GroupResource,
        /// Why it failed.
        source: Box<clientgo_discovery::Error>,
    },

    /// Discovery lists no `/scale` subresource for the resource.
    #[error("could not find scale subresource for {0} in discovery information")]
    NoScaleSubresource(GroupVersionResource),

    /// The answer of a `/scale` endpoint is no Scale of a known version.
    #[error(
        "received an object from a /scale endpoint which was not convertible to autoscaling Scale: {0}"
    )]
    NotConvertible(String),
}

impl Error {
    /// The server's status, if the server answered with an error.
    pub fn status(&self) -> Option<&Status> {
        match self {
            Error::Rest(error) => error.api_status(),
            Error::Discovery(error) => error.api_status(),
            _ => None,
        }
    }
}

impl ApiStatus for Error {
    fn api_status(&self) -> Option<&Status> {
        self.status()
    }
}

/// A `Result` with this crate's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;
