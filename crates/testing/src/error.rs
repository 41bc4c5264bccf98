//! The error type of this crate.

use clientgo_apimachinery::StatusError;

/// What can go wrong when starting or seeding a fake API server.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The listening socket could not be opened.
    #[error("starting the fake API server: {0}")]
    Start(#[from] std::io::Error),

    /// A seeded object is not usable (not a JSON object, no `kind`, no name).
    #[error("invalid object: {0}")]
    InvalidObject(String),

    /// A typed object could not be turned into JSON.
    #[error("encoding the object as JSON: {0}")]
    Encode(#[from] serde_json::Error),

    /// The tracker refused the object (it would have answered a request with this
    /// status).
    #[error(transparent)]
    Api(#[from] Box<StatusError>),
}

impl From<StatusError> for Error {
    fn from(error: StatusError) -> Self {
        Error::Api(Box::new(error))
    }
}
