//! The error type of the REST layer.

use std::time::Duration;

use clientgo_apimachinery::errors::{ApiStatus, StatusError};
use clientgo_apimachinery::meta::Status;

/// What can go wrong with a request.
#[derive(Debug, Clone, thiserror::Error)]
pub enum Error {
    /// The configuration is unusable (e.g. an invalid host).
    #[error("invalid configuration: {0}")]
    Config(String),

    /// The request was built wrongly (e.g. a name set twice, a `/` in a name).
    #[error("{0}")]
    Request(String),

    /// The server answered with an error status. The predicates of [`ApiStatus`]
    /// (`is_not_found`, `is_conflict`, ...) work on [`Error`] directly.
    #[error(transparent)]
    Api(#[from] Box<StatusError>),

    /// The request could not be sent or its answer not received (connection, TLS,
    /// credentials).
    #[error("{0}")]
    Transport(std::sync::Arc<clientgo_transport::Error>),

    /// The request did not finish within its timeout.
    #[error("the request did not finish within {0:?}")]
    Timeout(Duration),

    /// The response body could not be decoded.
    #[error("decoding {what}: {detail}")]
    Decode {
        /// What was being decoded.
        what: String,
        /// Why it failed.
        detail: String,
    },

    /// A watch or byte stream broke off.
    #[error("{0}")]
    Stream(String),

    /// The answer was larger than the configured limit
    /// ([`ResponseLimits`](crate::ResponseLimits)).
    #[error("the {what} exceeds the limit of {limit} bytes (Config::limits)")]
    TooLarge {
        /// What was too large (`response body`, `watch event`).
        what: &'static str,
        /// The limit in bytes.
        limit: usize,
    },

    /// The final error of a retried request, with the error of the attempt before.
    #[error("{last} - error from a previous attempt: {previous}")]
    Retried {
        /// The last attempt's error.
        last: Box<Error>,
        /// The attempt before it.
        previous: Box<Error>,
    },
}

impl Error {
    /// The server's status error, if the server answered with one (also through a
    /// retried request's final error).
    pub fn status(&self) -> Option<&StatusError> {
        match self {
            Error::Api(status) => Some(status),
            Error::Retried { last, .. } => last.status(),
            _ => None,
        }
    }

    pub(crate) fn transport(error: clientgo_transport::Error) -> Self {
        Error::Transport(std::sync::Arc::new(error))
    }
}

impl ApiStatus for Error {
    fn api_status(&self) -> Option<&Status> {
        self.status().map(StatusError::status)
    }
}

/// A `Result` with this crate's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;
