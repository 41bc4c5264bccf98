//! The error type of the cache crate.

use clientgo_apimachinery::errors::ApiStatus;
use clientgo_apimachinery::meta::{Status, StatusCause, cause_type};

/// What can go wrong in stores, queues, reflectors and informers.
#[derive(Debug, Clone, thiserror::Error)]
pub enum Error {
    /// The key function could not compute a key for an object.
    #[error("couldn't create key for object {object}: {reason}")]
    Key {
        /// A description of the object.
        object: String,
        /// Why no key could be computed.
        reason: String,
    },

    /// A key is neither `name` nor `namespace/name`.
    #[error("unexpected key format: {0:?}")]
    KeyFormat(String),

    /// An index lookup named an index that does not exist.
    #[error("Index with name {0} does not exist")]
    IndexNotFound(String),

    /// `add_indexers` was given index names that already exist.
    #[error("indexer conflict: {0:?}")]
    IndexerConflict(Vec<String>),

    /// An index function used as a key function gave zero or several values.
    #[error("{0}")]
    IndexKey(String),

    /// A transform function failed.
    #[error("transforming: {0}")]
    Transform(String),

    /// A request to the API server failed.
    #[error(transparent)]
    Api(#[from] clientgo_rest::Error),

    /// A list failed.
    #[error("failed to list {what}: {source}")]
    List {
        /// The type description of the reflector.
        what: String,
        /// The failure.
        source: clientgo_rest::Error,
    },

    /// A list page could not be fetched.
    #[error("{0}")]
    Pager(String),

    /// A watch ended after less than a second without delivering anything.
    #[error(
        "very short watch: {0}: Unexpected watch close - watch lasted less than a second and no items received"
    )]
    VeryShortWatch(String),

    /// A streaming list (watch-list) did not complete; the reflector falls back to a list.
    #[error("streaming list of {what} failed: {reason}")]
    WatchList {
        /// The type description of the reflector.
        what: String,
        /// Why.
        reason: String,
    },

    /// The queue was closed.
    #[error("DeltaFIFO: manipulating with closed queue")]
    QueueClosed,

    /// A `Deltas` value without any delta has no key.
    #[error("0 length Deltas object; can't get key")]
    EmptyDeltas,

    /// Processing a popped item failed; the item is requeued when the error says so.
    #[error("processing failed: {0}")]
    Process(String),

    /// Returned by a [`DeltaFifo::pop`](crate::DeltaFifo::pop) callback to have the
    /// item queued again.
    #[error("requeue: {0}")]
    Requeue(String),

    /// A setting can only change before the informer starts.
    #[error("informer has already started")]
    AlreadyStarted,

    /// The informer has stopped; `what` was not done.
    #[error("{0} because it has stopped already")]
    Stopped(String),

    /// The retry watcher cannot start from this resource version.
    #[error("initial RV {0:?} is not supported due to issues with underlying WATCH")]
    UnsupportedResourceVersion(String),

    /// A watch closed before the condition was met.
    #[error("watch closed before UntilWithoutRetry timeout")]
    WatchClosed,

    /// The wait was cancelled or timed out.
    #[error("timed out waiting for the condition")]
    WaitInterrupted,

    /// Caches did not sync before the wait ended.
    #[error("UntilWithSync: unable to sync caches: {0}")]
    SyncFailed(String),

    /// A watch event could not be used (e.g. an object without a resource version).
    #[error("{0}")]
    Watch(String),
}

impl Error {
    /// A key error for `object` (described by `Debug` or a name).
    pub(crate) fn key(object: impl Into<String>, reason: impl Into<String>) -> Self {
        Self::Key {
            object: object.into(),
            reason: reason.into(),
        }
    }

    /// The REST error underneath, if any.
    pub fn rest_error(&self) -> Option<&clientgo_rest::Error> {
        match self {
            Self::Api(e) | Self::List { source: e, .. } => Some(e),
            _ => None,
        }
    }

    /// True for `410 Expired`/`Gone`: the resource version is no longer available, relist.
    pub fn is_expired(&self) -> bool {
        self.is_resource_expired() || self.is_gone()
    }

    /// True for "too large resource version" errors (cause `ResourceVersionTooLarge`, or a
    /// timeout whose causes or message say so).
    pub fn is_too_large_resource_version(&self) -> bool {
        let Some(status) = self.api_status() else {
            return false;
        };
        let too_large = |c: &StatusCause| {
            c.cause_type.as_deref() == Some(cause_type::RESOURCE_VERSION_TOO_LARGE)
        };
        let cause_says = |c: &StatusCause| {
            too_large(c)
                || c.message
                    .as_deref()
                    .is_some_and(|m| m.contains("Too large resource version"))
        };
        if status
            .details
            .as_ref()
            .is_some_and(|d| d.causes.iter().any(too_large))
        {
            return true;
        }
        self.is_timeout()
            && (status
                .details
                .as_ref()
                .is_some_and(|d| d.causes.iter().any(cause_says))
                || status.message().contains("Too large resource version"))
    }
}

impl ApiStatus for Error {
    fn api_status(&self) -> Option<&Status> {
        self.rest_error().and_then(ApiStatus::api_status)
    }
}

/// A `Result` with this crate's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;
