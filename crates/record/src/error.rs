//! The error type of event recording.

/// What can go wrong when recording events.
#[derive(Debug, Clone, thiserror::Error)]
pub enum Error {
    /// A request to the API server failed; [`ApiStatus`](clientgo_rest::ApiStatus)
    /// predicates work on the inner error.
    #[error(transparent)]
    Api(#[from] clientgo_rest::Error),

    /// A patch could not be encoded.
    #[error("encoding a patch: {0}")]
    Encode(String),

    /// `start_recording_to_sink` of an events.k8s.io broadcaster was called twice.
    #[error("broadcaster is already recording to a sink")]
    AlreadyRecording,
}

/// A `Result` with this crate's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;
