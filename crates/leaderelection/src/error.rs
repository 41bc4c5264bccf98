//! The error type of leader election.

/// What can go wrong when configuring or running leader election.
#[derive(Debug, Clone, thiserror::Error)]
pub enum Error {
    /// The [`LeaderElectionConfig`](crate::LeaderElectionConfig) breaks one of client-go's
    /// rules; the message is client-go's (`"leaseDuration must be greater than
    /// renewDeadline"`, ...).
    #[error("{0}")]
    Config(String),

    /// A lock type other than `leases` was asked for (client-go's messages: `"<type> lock
    /// is removed, migrate to leases"`, `"Invalid lock-type <type>"`).
    #[error("{0}")]
    LockType(String),

    /// `update` was called on a [`LeaseLock`](crate::LeaseLock) before any `get` or
    /// `create`.
    #[error("lease not initialized, call get or create first")]
    LeaseNotInitialized,

    /// A request to the API server failed. [`ApiStatus`](clientgo_rest::ApiStatus)
    /// predicates (`is_not_found`, `is_conflict`, ...) work through
    /// [`Error::api`].
    #[error(transparent)]
    Api(#[from] clientgo_rest::Error),

    /// The record could not be encoded (for change detection).
    #[error("encoding the leader election record: {0}")]
    Encode(String),

    /// The health check failed: this elector leads but has not renewed in time.
    #[error("failed election to renew leadership on lease {0}")]
    Unhealthy(String),
}

impl Error {
    /// The REST error underneath, if this is a failed request.
    pub fn api(&self) -> Option<&clientgo_rest::Error> {
        match self {
            Error::Api(error) => Some(error),
            _ => None,
        }
    }

    /// True when the server said the object does not exist.
    pub fn is_not_found(&self) -> bool {
        use clientgo_rest::ApiStatus;
        self.api().is_some_and(ApiStatus::is_not_found)
    }

    /// True when the server rejected a write because of a stale resourceVersion.
    pub fn is_conflict(&self) -> bool {
        use clientgo_rest::ApiStatus;
        self.api().is_some_and(ApiStatus::is_conflict)
    }
}

/// A `Result` with this crate's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;
