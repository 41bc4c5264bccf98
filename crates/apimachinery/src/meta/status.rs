//! `Status`, the body of every API failure (and of some successes), and the raw wire
//! form of watch events.

use std::fmt;

use serde::de::{self, Visitor};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::value::RawValue;

use super::ListMeta;
use super::object_meta::null_as_default;

/// `status` of a successful operation.
pub const STATUS_SUCCESS: &str = "Success";
/// `status` of a failed operation.
pub const STATUS_FAILURE: &str = "Failure";

/// Why an operation failed, in machine-readable form (`status.reason`).
///
/// Unknown strings are kept in [`StatusReason::Other`] so they round-trip.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum StatusReason {
    /// No reason given (`""`).
    #[default]
    Unknown,
    /// 401: the client must authenticate.
    Unauthorized,
    /// 403: the action is not allowed.
    Forbidden,
    /// 404: the resource does not exist.
    NotFound,
    /// 409: the resource already exists.
    AlreadyExists,
    /// 409: the update conflicts (stale resource version).
    Conflict,
    /// 410: the resource is gone.
    Gone,
    /// 422: the object is invalid (see the causes).
    Invalid,
    /// 500: the operation timed out on the server; retry later.
    ServerTimeout,
    /// 500: stored data could not be read.
    StoreReadError,
    /// 504: the request did not finish in time.
    Timeout,
    /// 429: too many requests; retry later.
    TooManyRequests,
    /// 400: the request is malformed.
    BadRequest,
    /// 405: the verb is not supported on the resource.
    MethodNotAllowed,
    /// 406: no acceptable content type.
    NotAcceptable,
    /// 413: the request body is too large.
    RequestEntityTooLarge,
    /// 415: the request content type is not supported.
    UnsupportedMediaType,
    /// 500: an internal error.
    InternalError,
    /// 410: the requested resource version is too old.
    Expired,
    /// 503: the server is unavailable.
    ServiceUnavailable,
    /// Any other reason string.
    Other(String),
}

impl StatusReason {
    /// The wire string (`""` for [`Unknown`](Self::Unknown)).
    pub fn as_str(&self) -> &str {
        match self {
            Self::Unknown => "",
            Self::Unauthorized => "Unauthorized",
            Self::Forbidden => "Forbidden",
            Self::NotFound => "NotFound",
            Self::AlreadyExists => "AlreadyExists",
            Self::Conflict => "Conflict",
            Self::Gone => "Gone",
            Self::Invalid => "Invalid",
            Self::ServerTimeout => "ServerTimeout",
            Self::StoreReadError => "StoreReadError",
            Self::Timeout => "Timeout",
            Self::TooManyRequests => "TooManyRequests",
            Self::BadRequest => "BadRequest",
            Self::MethodNotAllowed => "MethodNotAllowed",
            Self::NotAcceptable => "NotAcceptable",
            Self::RequestEntityTooLarge => "RequestEntityTooLarge",
            Self::UnsupportedMediaType => "UnsupportedMediaType",
            Self::InternalError => "InternalError",
            Self::Expired => "Expired",
            Self::ServiceUnavailable => "ServiceUnavailable",
            Self::Other(s) => s,
        }
    }

    /// True for the reasons the error predicates know (everything except
    /// [`Unknown`](Self::Unknown) and [`Other`](Self::Other)).
    pub fn is_known(&self) -> bool {
        !matches!(self, Self::Unknown | Self::Other(_))
    }

    /// True for [`Unknown`](Self::Unknown).
    pub fn is_unknown(&self) -> bool {
        matches!(self, Self::Unknown)
    }

    /// The reason client-go assigns to an HTTP code when the response carries no usable
    /// reason: 400 `BadRequest`, 401 `Unauthorized`, 403 `Forbidden`, 404 `NotFound`,
    /// 405 `MethodNotAllowed`, 406 `NotAcceptable`, 409 `Conflict` (`AlreadyExists`
    /// only for a `POST`, which this function does not know about), 415
    /// `UnsupportedMediaType`, 422 `Invalid`, 429 `TooManyRequests`, 503
    /// `ServiceUnavailable`, 504 `Timeout`, any other code of 500 or more
    /// `InternalError`, anything else `Unknown`.
    pub fn from_http_code(code: i32) -> Self {
        match code {
            400 => Self::BadRequest,
            401 => Self::Unauthorized,
            403 => Self::Forbidden,
            404 => Self::NotFound,
            405 => Self::MethodNotAllowed,
            406 => Self::NotAcceptable,
            409 => Self::Conflict,
            415 => Self::UnsupportedMediaType,
            422 => Self::Invalid,
            429 => Self::TooManyRequests,
            503 => Self::ServiceUnavailable,
            504 => Self::Timeout,
            c if c >= 500 => Self::InternalError,
            _ => Self::Unknown,
        }
    }
}

impl From<&str> for StatusReason {
    fn from(s: &str) -> Self {
        match s {
            "" => Self::Unknown,
            "Unauthorized" => Self::Unauthorized,
            "Forbidden" => Self::Forbidden,
            "NotFound" => Self::NotFound,
            "AlreadyExists" => Self::AlreadyExists,
            "Conflict" => Self::Conflict,
            "Gone" => Self::Gone,
            "Invalid" => Self::Invalid,
            "ServerTimeout" => Self::ServerTimeout,
            "StoreReadError" => Self::StoreReadError,
            "Timeout" => Self::Timeout,
            "TooManyRequests" => Self::TooManyRequests,
            "BadRequest" => Self::BadRequest,
            "MethodNotAllowed" => Self::MethodNotAllowed,
            "NotAcceptable" => Self::NotAcceptable,
            "RequestEntityTooLarge" => Self::RequestEntityTooLarge,
            "UnsupportedMediaType" => Self::UnsupportedMediaType,
            "InternalError" => Self::InternalError,
            "Expired" => Self::Expired,
            "ServiceUnavailable" => Self::ServiceUnavailable,
            other => Self::Other(other.to_owned()),
        }
    }
}

impl fmt::Display for StatusReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for StatusReason {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for StatusReason {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct ReasonVisitor;

        impl Visitor<'_> for ReasonVisitor {
            type Value = StatusReason;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a status reason string")
            }

            fn visit_str<E: de::Error>(self, v: &str) -> Result<StatusReason, E> {
                Ok(StatusReason::from(v))
            }

            fn visit_unit<E: de::Error>(self) -> Result<StatusReason, E> {
                Ok(StatusReason::Unknown)
            }
        }

        deserializer.deserialize_any(ReasonVisitor)
    }
}

/// Cause types of [`StatusCause::cause_type`] (the JSON field is `reason`).
pub mod cause_type {
    /// A referenced value was not found.
    pub const FIELD_VALUE_NOT_FOUND: &str = "FieldValueNotFound";
    /// A required value is missing.
    pub const FIELD_VALUE_REQUIRED: &str = "FieldValueRequired";
    /// A value must be unique.
    pub const FIELD_VALUE_DUPLICATE: &str = "FieldValueDuplicate";
    /// A value is malformed.
    pub const FIELD_VALUE_INVALID: &str = "FieldValueInvalid";
    /// A value is not supported.
    pub const FIELD_VALUE_NOT_SUPPORTED: &str = "FieldValueNotSupported";
    /// A value is forbidden.
    pub const FIELD_VALUE_FORBIDDEN: &str = "FieldValueForbidden";
    /// A value is too long.
    pub const FIELD_VALUE_TOO_LONG: &str = "FieldValueTooLong";
    /// A list has too many items.
    pub const FIELD_VALUE_TOO_MANY: &str = "FieldValueTooMany";
    /// An internal error.
    pub const INTERNAL_ERROR: &str = "InternalError";
    /// A value has the wrong type.
    pub const FIELD_VALUE_TYPE_INVALID: &str = "FieldValueTypeInvalid";
    /// The response was not in the expected API format.
    pub const UNEXPECTED_SERVER_RESPONSE: &str = "UnexpectedServerResponse";
    /// A server-side apply conflict with another field manager.
    pub const FIELD_MANAGER_CONFLICT: &str = "FieldManagerConflict";
    /// The requested resource version is newer than the server's.
    pub const RESOURCE_VERSION_TOO_LARGE: &str = "ResourceVersionTooLarge";
}

/// The outcome of an operation that does not return an object; the body of every
/// error response.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Status {
    /// `Status`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    /// `v1` (or `meta.k8s.io/v1`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub api_version: Option<String>,
    /// Rarely set list metadata.
    #[serde(default, skip_serializing_if = "is_default_list_meta")]
    pub metadata: ListMeta,
    /// `Success` or `Failure`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<String>,
    /// Human-readable description.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    /// Machine-readable reason ([`StatusReason::Unknown`] when absent).
    #[serde(default, skip_serializing_if = "StatusReason::is_unknown")]
    pub reason: StatusReason,
    /// Extra data about the failure.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub details: Option<StatusDetails>,
    /// The HTTP status code (0 when absent).
    #[serde(default, skip_serializing_if = "is_zero")]
    pub code: i32,
}

fn is_default_list_meta(m: &ListMeta) -> bool {
    *m == ListMeta::default()
}

fn is_zero(v: &i32) -> bool {
    *v == 0
}

impl Status {
    /// A `Failure` status with the given code, reason and message (kind `Status`,
    /// apiVersion `v1`).
    pub fn failure(code: i32, reason: StatusReason, message: impl Into<String>) -> Self {
        Self {
            api_version: Some("v1".to_owned()),
            kind: Some("Status".to_owned()),
            status: Some(STATUS_FAILURE.to_owned()),
            message: Some(message.into()),
            reason,
            code,
            ..Self::default()
        }
    }

    /// True if `status` is `Failure`.
    pub fn is_failure(&self) -> bool {
        self.status.as_deref() == Some(STATUS_FAILURE)
    }

    /// True if `status` is `Success`.
    pub fn is_success(&self) -> bool {
        self.status.as_deref() == Some(STATUS_SUCCESS)
    }

    /// The message, or `""`.
    pub fn message(&self) -> &str {
        self.message.as_deref().unwrap_or_default()
    }
}

/// Details of a [`Status`]: which object, why (causes) and when to retry.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct StatusDetails {
    /// Name of the object concerned.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Group of the object concerned.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub group: Option<String>,
    /// Kind (or resource) of the object concerned.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    /// Uid of the object concerned.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub uid: Option<String>,
    /// The individual problems (one per invalid field, for example).
    #[serde(
        default,
        deserialize_with = "null_as_default",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub causes: Vec<StatusCause>,
    /// Seconds the client should wait before retrying (0 when absent).
    #[serde(default, skip_serializing_if = "is_zero")]
    pub retry_after_seconds: i32,
}

/// One problem behind a failure.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct StatusCause {
    /// The cause type (see [`cause_type`]); the JSON field is named `reason`.
    #[serde(default, rename = "reason", skip_serializing_if = "Option::is_none")]
    pub cause_type: Option<String>,
    /// Human-readable description.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    /// The field path, e.g. `spec.containers[0].image`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
}

/// A watch event as it travels on the wire: the event type and the undecoded object.
///
/// For typed decoding in one pass use [`watch::WatchEvent`](crate::watch::WatchEvent).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct WatchEvent {
    /// `ADDED`, `MODIFIED`, `DELETED`, `BOOKMARK` or `ERROR`.
    #[serde(rename = "type")]
    pub type_: String,
    /// The object (a `Status` for `ERROR`), raw.
    pub object: Box<RawValue>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reasons_round_trip_including_unknown_strings() {
        for s in ["NotFound", "Expired", "SomethingNew", ""] {
            let r = StatusReason::from(s);
            assert_eq!(r.as_str(), s);
            let json = serde_json::to_string(&r).unwrap();
            assert_eq!(serde_json::from_str::<StatusReason>(&json).unwrap(), r);
        }
        assert!(StatusReason::NotFound.is_known());
        assert!(!StatusReason::Unknown.is_known());
        assert!(!StatusReason::Other("X".into()).is_known());
    }

    #[test]
    fn reasons_derived_from_http_codes_follow_the_generic_table() {
        let table = [
            (400, StatusReason::BadRequest),
            (401, StatusReason::Unauthorized),
            (403, StatusReason::Forbidden),
            (404, StatusReason::NotFound),
            (405, StatusReason::MethodNotAllowed),
            (406, StatusReason::NotAcceptable),
            (409, StatusReason::Conflict),
            (410, StatusReason::Unknown),
            (413, StatusReason::Unknown),
            (415, StatusReason::UnsupportedMediaType),
            (422, StatusReason::Invalid),
            (429, StatusReason::TooManyRequests),
            (500, StatusReason::InternalError),
            (502, StatusReason::InternalError),
            (503, StatusReason::ServiceUnavailable),
            (504, StatusReason::Timeout),
            (418, StatusReason::Unknown),
            (0, StatusReason::Unknown),
        ];
        for (code, want) in table {
            assert_eq!(StatusReason::from_http_code(code), want, "{code}");
        }
    }

    #[test]
    fn status_omits_unset_fields() {
        let s = Status::failure(404, StatusReason::NotFound, "pods \"x\" not found");
        assert_eq!(
            serde_json::to_string(&s).unwrap(),
            r#"{"kind":"Status","apiVersion":"v1","status":"Failure","message":"pods \"x\" not found","reason":"NotFound","code":404}"#
        );
        assert_eq!(serde_json::to_string(&Status::default()).unwrap(), "{}");
    }

    #[test]
    fn wire_watch_event_keeps_object_raw() {
        let json = r#"{"type":"ADDED","object":{"kind":"Pod","x":[1, 2]}}"#;
        let e: WatchEvent = serde_json::from_str(json).unwrap();
        assert_eq!(e.type_, "ADDED");
        assert_eq!(e.object.get(), r#"{"kind":"Pod","x":[1, 2]}"#);
        assert_eq!(serde_json::to_string(&e).unwrap(), json);
    }
}
