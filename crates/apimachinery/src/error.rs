//! The crate's error type.

/// Everything that can go wrong in this crate: parsing user or server input.
///
/// API failures reported by a server are not in here: they are
/// [`StatusError`](crate::errors::StatusError)s, which carry the server's `Status`.
/// Messages match the Go implementation where Go users match on them.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A group/version string with more than one `/`.
    #[error("unexpected GroupVersion string: {0}")]
    InvalidGroupVersion(String),

    /// A label selector string, requirement or label that does not parse or validate.
    #[error("{0}")]
    InvalidLabelSelector(String),

    /// A field selector string that does not parse.
    #[error("{0}")]
    InvalidFieldSelector(String),

    /// A quantity that does not have the shape `<sign><number><suffix>`.
    #[error(
        "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'"
    )]
    QuantityFormat,

    /// The number part of a quantity is not usable: no digits where Go needs to read
    /// some (`.e-10`), or a value whose decimal exponent is beyond Go's 32-bit range.
    #[error("unable to parse numeric part of quantity")]
    QuantityNumeric,

    /// The suffix of a quantity is not one of the known SI, binary or exponent suffixes.
    #[error("unable to parse quantity's suffix")]
    QuantitySuffix,

    /// A timestamp that is not RFC 3339.
    #[error("{0}")]
    InvalidTime(String),

    /// An `IntOrString` that cannot be turned into a number.
    #[error("{0}")]
    InvalidIntOrString(String),

    /// A nested field of an unstructured object has an unexpected type, or a value
    /// cannot be set because a parent is not an object.
    #[error("{0}")]
    Unstructured(String),

    /// A watch event whose `type` is not one of the known event types.
    #[error("got invalid watch event type: {0}")]
    InvalidWatchEventType(String),

    /// An object was expected to be a `Status` but is something else.
    #[error("unexpected object: {0}")]
    UnexpectedObject(String),

    /// A stream frame or protobuf envelope is malformed.
    #[error("{0}")]
    Framing(String),

    /// JSON encoding or decoding failed.
    #[error(transparent)]
    Json(#[from] serde_json::Error),
}
