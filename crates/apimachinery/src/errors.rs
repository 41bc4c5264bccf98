//! API errors: [`StatusError`] carries the server's [`Status`]; predicates classify it.
//!
//! Mirrors Go's `k8s.io/apimachinery/pkg/api/errors`. Every failed API call reports a
//! `Status` with an HTTP code, a machine-readable [`StatusReason`] and a message; the
//! predicates ([`is_not_found`], [`is_conflict`], ...) answer "what went wrong" the way
//! client-go does:
//!
//! * most predicates match the **reason**, or the **HTTP code** when the reason is
//!   missing or not one of the known reasons (a proxy or an old server);
//! * [`is_already_exists`], [`is_resource_expired`] (reason `Expired`),
//!   [`is_server_timeout`] and [`is_store_read_error`] look at the reason only;
//! * [`is_too_many_requests`] and [`is_request_entity_too_large`] accept the reason or
//!   the code, whatever the reason.
//!
//! The free functions take any `&dyn Error` and look for a `StatusError` along its
//! `source()` chain, so they see through wrapping (Go's `errors.As`). Error types of
//! other crates that wrap a `StatusError` should expose it as a source
//! (`#[error("{0}")] Api(#[source] StatusError)`), not with `#[error(transparent)]`,
//! or implement [`ApiStatus`].
//!
//! ```
//! use clientgo_apimachinery::errors::{self, StatusError};
//! use clientgo_apimachinery::schema::GroupResource;
//!
//! let err = StatusError::new_not_found(&GroupResource::new("apps", "deployments"), "web");
//! assert_eq!(err.to_string(), r#"deployments.apps "web" not found"#);
//! assert!(errors::is_not_found(&err));
//! assert!(!errors::is_conflict(&err));
//! ```

use std::error::Error as StdError;
use std::fmt;

use crate::Error;
use crate::meta::{STATUS_FAILURE, Status, StatusCause, StatusDetails, StatusReason, cause_type};
use crate::schema::{GroupKind, GroupResource};
use crate::validation::{FieldError, aggregate_message, go_quote};

/// Most bytes of a non-`Status` error body kept in the error message.
pub const MAX_UNSTRUCTURED_RESPONSE_TEXT_BYTES: usize = 2048;

/// An error reported by the API server, carrying its [`Status`].
///
/// `Display` is the status message.
#[derive(Clone, PartialEq, Eq)]
pub struct StatusError {
    status: Box<Status>,
}

impl fmt::Debug for StatusError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("StatusError")
            .field("code", &self.status.code)
            .field("reason", &self.status.reason)
            .field("message", &self.status.message())
            .field("details", &self.status.details)
            .finish()
    }
}

impl fmt::Display for StatusError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.status.message())
    }
}

impl StdError for StatusError {}

impl From<Status> for StatusError {
    fn from(status: Status) -> Self {
        Self {
            status: Box::new(status),
        }
    }
}

impl From<StatusError> for Status {
    fn from(err: StatusError) -> Self {
        *err.status
    }
}

fn non_empty(s: &str) -> Option<String> {
    (!s.is_empty()).then(|| s.to_owned())
}

fn failure(
    code: i32,
    reason: StatusReason,
    message: String,
    details: Option<StatusDetails>,
) -> StatusError {
    StatusError::from(Status {
        status: Some(STATUS_FAILURE.to_owned()),
        code,
        reason,
        message: Some(message),
        details,
        ..Status::default()
    })
}

fn resource_details(gr: &GroupResource, name: &str) -> StatusDetails {
    StatusDetails {
        group: non_empty(&gr.group),
        kind: non_empty(&gr.resource),
        name: non_empty(name),
        ..StatusDetails::default()
    }
}

fn retry_details(retry_after_seconds: i32) -> StatusDetails {
    StatusDetails {
        retry_after_seconds,
        ..StatusDetails::default()
    }
}

impl StatusError {
    /// The server's status.
    pub fn status(&self) -> &Status {
        &self.status
    }

    /// Takes the status out.
    pub fn into_status(self) -> Status {
        *self.status
    }

    /// The reason (possibly [`StatusReason::Unknown`]).
    pub fn reason(&self) -> &StatusReason {
        &self.status.reason
    }

    /// The HTTP status code (0 if unknown).
    pub fn code(&self) -> i32 {
        self.status.code
    }

    /// The message.
    pub fn message(&self) -> &str {
        self.status.message()
    }

    /// Turns a decoded object into an error: a `Status` (kind `Status`, apiVersion `v1`
    /// or `meta.k8s.io/v1`) becomes a `StatusError`; anything else is
    /// [`Error::UnexpectedObject`].
    pub fn from_object(object: &serde_json::Value) -> Result<StatusError, Error> {
        let kind = object.get("kind").and_then(serde_json::Value::as_str);
        let api_version = object.get("apiVersion").and_then(serde_json::Value::as_str);
        if kind == Some("Status") && matches!(api_version, Some("v1" | "meta.k8s.io/v1")) {
            let status = Status::deserialize_value(object)?;
            return Ok(StatusError::from(status));
        }
        Err(Error::UnexpectedObject(object.to_string()))
    }

    /// 404 NotFound: `<resource.group> "<name>" not found`.
    pub fn new_not_found(resource: &GroupResource, name: &str) -> Self {
        failure(
            404,
            StatusReason::NotFound,
            format!("{resource} {} not found", go_quote(name)),
            Some(resource_details(resource, name)),
        )
    }

    /// 409 AlreadyExists: `<resource.group> "<name>" already exists`.
    pub fn new_already_exists(resource: &GroupResource, name: &str) -> Self {
        failure(
            409,
            StatusReason::AlreadyExists,
            format!("{resource} {} already exists", go_quote(name)),
            Some(resource_details(resource, name)),
        )
    }

    /// 409 AlreadyExists when the server could not generate a unique name.
    pub fn new_generate_name_conflict(
        resource: &GroupResource,
        name: &str,
        retry_after_seconds: i32,
    ) -> Self {
        let mut details = resource_details(resource, name);
        details.retry_after_seconds = retry_after_seconds;
        failure(
            409,
            StatusReason::AlreadyExists,
            format!(
                "{resource} {} already exists, the server was not able to generate a unique name for the object",
                go_quote(name)
            ),
            Some(details),
        )
    }

    /// 401 Unauthorized; an empty reason reads "not authorized".
    pub fn new_unauthorized(reason: &str) -> Self {
        let message = if reason.is_empty() {
            "not authorized".to_owned()
        } else {
            reason.to_owned()
        };
        failure(401, StatusReason::Unauthorized, message, None)
    }

    /// 403 Forbidden: `<resource.group> "<name>" is forbidden: <err>` (without name:
    /// `<resource.group> is forbidden: ...`; without resource: `forbidden: ...`).
    pub fn new_forbidden(resource: &GroupResource, name: &str, err: impl fmt::Display) -> Self {
        let message = if resource.is_empty() {
            format!("forbidden: {err}")
        } else if name.is_empty() {
            format!("{resource} is forbidden: {err}")
        } else {
            format!("{resource} {} is forbidden: {err}", go_quote(name))
        };
        failure(
            403,
            StatusReason::Forbidden,
            message,
            Some(resource_details(resource, name)),
        )
    }

    /// 409 Conflict: `Operation cannot be fulfilled on <resource.group> "<name>": <err>`.
    pub fn new_conflict(resource: &GroupResource, name: &str, err: impl fmt::Display) -> Self {
        failure(
            409,
            StatusReason::Conflict,
            format!(
                "Operation cannot be fulfilled on {resource} {}: {err}",
                go_quote(name)
            ),
            Some(resource_details(resource, name)),
        )
    }

    /// 409 Conflict of server-side apply, with one cause per conflicting field.
    pub fn new_apply_conflict(causes: Vec<StatusCause>, message: &str) -> Self {
        failure(
            409,
            StatusReason::Conflict,
            message.to_owned(),
            Some(StatusDetails {
                causes,
                ..StatusDetails::default()
            }),
        )
    }

    /// 410 Gone (deprecated upstream in favour of [`new_resource_expired`](Self::new_resource_expired)).
    pub fn new_gone(message: &str) -> Self {
        failure(410, StatusReason::Gone, message.to_owned(), None)
    }

    /// 410 Expired: the requested resource version is too old.
    pub fn new_resource_expired(message: &str) -> Self {
        failure(410, StatusReason::Expired, message.to_owned(), None)
    }

    /// 422 Invalid: `<Kind.group> "<name>" is invalid: <errors>`, one cause per field
    /// error.
    pub fn new_invalid(kind: &GroupKind, name: &str, errors: &[FieldError]) -> Self {
        let causes = errors
            .iter()
            .map(|e| StatusCause {
                cause_type: Some(e.error_type.cause_type().to_owned()),
                message: Some(e.error_body()),
                field: non_empty(&e.field),
            })
            .collect();
        let message = if errors.is_empty() {
            format!("{kind} {} is invalid", go_quote(name))
        } else {
            format!(
                "{kind} {} is invalid: {}",
                go_quote(name),
                aggregate_message(errors)
            )
        };
        failure(
            422,
            StatusReason::Invalid,
            message,
            Some(StatusDetails {
                group: non_empty(&kind.group),
                kind: non_empty(&kind.kind),
                name: non_empty(name),
                causes,
                ..StatusDetails::default()
            }),
        )
    }

    /// 400 BadRequest with the given message.
    pub fn new_bad_request(reason: &str) -> Self {
        failure(400, StatusReason::BadRequest, reason.to_owned(), None)
    }

    /// 429 TooManyRequests with the given message and retry delay.
    pub fn new_too_many_requests(message: &str, retry_after_seconds: i32) -> Self {
        failure(
            429,
            StatusReason::TooManyRequests,
            message.to_owned(),
            Some(retry_details(retry_after_seconds)),
        )
    }

    /// 429 TooManyRequests: `Too many requests: <message>`.
    pub fn new_too_many_requests_error(message: &str) -> Self {
        failure(
            429,
            StatusReason::TooManyRequests,
            format!("Too many requests: {message}"),
            None,
        )
    }

    /// 503 ServiceUnavailable with the given message.
    pub fn new_service_unavailable(reason: &str) -> Self {
        failure(
            503,
            StatusReason::ServiceUnavailable,
            reason.to_owned(),
            None,
        )
    }

    /// 405 MethodNotAllowed: `<action> is not supported on resources of kind "<resource.group>"`.
    pub fn new_method_not_supported(resource: &GroupResource, action: &str) -> Self {
        failure(
            405,
            StatusReason::MethodNotAllowed,
            format!(
                "{action} is not supported on resources of kind {}",
                go_quote(&resource.to_string())
            ),
            Some(resource_details(resource, "")),
        )
    }

    /// 500 ServerTimeout: the operation could not finish in time; retry after the delay.
    pub fn new_server_timeout(
        resource: &GroupResource,
        operation: &str,
        retry_after_seconds: i32,
    ) -> Self {
        let mut details = resource_details(resource, operation);
        details.retry_after_seconds = retry_after_seconds;
        failure(
            500,
            StatusReason::ServerTimeout,
            format!(
                "The {operation} operation against {resource} could not be completed at this time, please try again."
            ),
            Some(details),
        )
    }

    /// [`new_server_timeout`](Self::new_server_timeout) for a kind instead of a resource.
    pub fn new_server_timeout_for_kind(
        kind: &GroupKind,
        operation: &str,
        retry_after_seconds: i32,
    ) -> Self {
        Self::new_server_timeout(
            &GroupResource::new(kind.group.clone(), kind.kind.clone()),
            operation,
            retry_after_seconds,
        )
    }

    /// 500 InternalError: `Internal error occurred: <err>`.
    pub fn new_internal_error(err: impl fmt::Display) -> Self {
        let text = err.to_string();
        failure(
            500,
            StatusReason::InternalError,
            format!("Internal error occurred: {text}"),
            Some(StatusDetails {
                causes: vec![StatusCause {
                    message: Some(text),
                    ..StatusCause::default()
                }],
                ..StatusDetails::default()
            }),
        )
    }

    /// 504 Timeout: `Timeout: <message>`.
    pub fn new_timeout_error(message: &str, retry_after_seconds: i32) -> Self {
        failure(
            504,
            StatusReason::Timeout,
            format!("Timeout: {message}"),
            Some(retry_details(retry_after_seconds)),
        )
    }

    /// 413 RequestEntityTooLarge: `Request entity too large: <message>`.
    pub fn new_request_entity_too_large_error(message: &str) -> Self {
        failure(
            413,
            StatusReason::RequestEntityTooLarge,
            format!("Request entity too large: {message}"),
            None,
        )
    }

    /// An error for a response that did not carry a usable `Status`, with a reason and
    /// message derived from the HTTP code (409 is `AlreadyExists` for `POST`, otherwise
    /// `Conflict`; other codes of 500 and above are `InternalError`; anything unknown is
    /// reason `Unknown`). When a resource is known the message ends in
    /// ` (<verb> <resource.group> <name>)`. With `is_unexpected_response` a cause of type
    /// `UnexpectedServerResponse` records the server's text.
    pub fn new_generic_server_response(
        code: u16,
        verb: &str,
        resource: &GroupResource,
        name: &str,
        server_message: &str,
        retry_after_seconds: i32,
        is_unexpected_response: bool,
    ) -> Self {
        let (reason, message) = match code {
            409 if verb == "POST" => (
                StatusReason::AlreadyExists,
                "the server reported a conflict".to_owned(),
            ),
            409 => (
                StatusReason::Conflict,
                "the server reported a conflict".to_owned(),
            ),
            404 => (
                StatusReason::NotFound,
                "the server could not find the requested resource".to_owned(),
            ),
            400 => (
                StatusReason::BadRequest,
                "the server rejected our request for an unknown reason".to_owned(),
            ),
            401 => (
                StatusReason::Unauthorized,
                "the server has asked for the client to provide credentials".to_owned(),
            ),
            403 => (StatusReason::Forbidden, server_message.to_owned()),
            406 => (
                StatusReason::NotAcceptable,
                if server_message.is_empty() || server_message == "unknown" {
                    "the server was unable to respond with a content type that the client supports"
                        .to_owned()
                } else {
                    server_message.to_owned()
                },
            ),
            415 => (StatusReason::UnsupportedMediaType, server_message.to_owned()),
            405 => (
                StatusReason::MethodNotAllowed,
                "the server does not allow this method on the requested resource".to_owned(),
            ),
            422 => (
                StatusReason::Invalid,
                "the server rejected our request due to an error in our request".to_owned(),
            ),
            503 => (
                StatusReason::ServiceUnavailable,
                "the server is currently unable to handle the request".to_owned(),
            ),
            504 => (
                StatusReason::Timeout,
                "the server was unable to return a response in the time allotted, but may still be processing the request".to_owned(),
            ),
            429 => (
                StatusReason::TooManyRequests,
                "the server has received too many requests and has asked us to try again later"
                    .to_owned(),
            ),
            c if c >= 500 => (
                StatusReason::InternalError,
                format!(
                    "an error on the server ({}) has prevented the request from succeeding",
                    go_quote(server_message)
                ),
            ),
            c => (
                StatusReason::Unknown,
                format!(
                    "the server responded with the status code {c} but did not return more information"
                ),
            ),
        };
        let message = if resource.is_empty() {
            message
        } else if name.is_empty() {
            format!("{message} ({} {resource})", verb.to_lowercase())
        } else {
            format!("{message} ({} {resource} {name})", verb.to_lowercase())
        };
        let causes = if is_unexpected_response {
            vec![StatusCause {
                cause_type: Some(cause_type::UNEXPECTED_SERVER_RESPONSE.to_owned()),
                message: non_empty(server_message),
                field: None,
            }]
        } else {
            Vec::new()
        };
        let mut details = resource_details(resource, name);
        details.causes = causes;
        details.retry_after_seconds = retry_after_seconds;
        failure(i32::from(code), reason, message, Some(details))
    }

    /// The error for a failed HTTP response (status outside 2xx).
    ///
    /// A JSON body that is a `Status` with `status: Failure` becomes the error as the
    /// server wrote it. Anything else gives a
    /// [generic server response](Self::new_generic_server_response) whose server message
    /// is the trimmed body (at most 2048 bytes) when the response is textual (no
    /// content type, or `text/*`), and `unknown` otherwise.
    ///
    /// ```
    /// use clientgo_apimachinery::errors::{HttpResponse, StatusError};
    /// use clientgo_apimachinery::schema::GroupResource;
    ///
    /// let pods = GroupResource::new("", "pods");
    /// let err = StatusError::from_response(&HttpResponse {
    ///     code: 503,
    ///     verb: "GET",
    ///     resource: Some(&pods),
    ///     name: "web",
    ///     content_type: Some("text/plain"),
    ///     body: b"upstream connect error",
    ///     retry_after_seconds: 2,
    /// });
    /// assert_eq!(err.to_string(), "the server is currently unable to handle the request (get pods web)");
    /// assert_eq!(clientgo_apimachinery::errors::suggests_client_delay(&err), Some(2));
    /// ```
    pub fn from_response(response: &HttpResponse<'_>) -> Self {
        let decoded = if response.body.is_empty() {
            None
        } else if response.is_protobuf() {
            crate::protobuf::decode_object::<Status>(response.body).ok()
        } else if response.is_json() {
            serde_json::from_slice::<Status>(response.body).ok()
        } else {
            None
        };
        if let Some(status) = decoded {
            let kind_ok = status.kind.as_deref() == Some("Status");
            let version_ok = matches!(
                status.api_version.as_deref(),
                None | Some("" | "v1" | "meta.k8s.io/v1")
            );
            if kind_ok && version_ok && status.is_failure() {
                return StatusError::from(status);
            }
        }
        let message = if response.is_text() {
            let cut = response
                .body
                .len()
                .min(MAX_UNSTRUCTURED_RESPONSE_TEXT_BYTES);
            String::from_utf8_lossy(&response.body[..cut])
                .trim()
                .to_owned()
        } else {
            "unknown".to_owned()
        };
        let no_resource = GroupResource::default();
        Self::new_generic_server_response(
            response.code,
            response.verb,
            response.resource.unwrap_or(&no_resource),
            response.name,
            &message,
            response.retry_after_seconds,
            true,
        )
    }
}

/// What [`StatusError::from_response`] needs to know about a failed HTTP exchange.
#[derive(Debug, Clone, Copy)]
pub struct HttpResponse<'a> {
    /// The HTTP status code.
    pub code: u16,
    /// The HTTP method of the request (`GET`, `POST`, ...).
    pub verb: &'a str,
    /// The resource the request was about, if any.
    pub resource: Option<&'a GroupResource>,
    /// The object name the request was about (may be empty).
    pub name: &'a str,
    /// The response's `Content-Type` header, if it had one.
    pub content_type: Option<&'a str>,
    /// The response body.
    pub body: &'a [u8],
    /// Seconds from a `Retry-After` header (0 if none).
    pub retry_after_seconds: i32,
}

impl HttpResponse<'_> {
    fn media_type(&self) -> Option<String> {
        self.content_type.map(|ct| {
            ct.split(';')
                .next()
                .unwrap_or_default()
                .trim()
                .to_ascii_lowercase()
        })
    }

    fn has_content_type(&self) -> bool {
        self.content_type.is_some_and(|ct| !ct.trim().is_empty())
    }

    /// JSON, or no content type (the request was JSON, so the body may be too).
    fn is_json(&self) -> bool {
        !self.has_content_type()
            || self
                .media_type()
                .is_some_and(|m| m == "application/json" || m.ends_with("+json"))
    }

    /// Kubernetes protobuf.
    fn is_protobuf(&self) -> bool {
        self.media_type()
            .is_some_and(|m| m == crate::media_type::APPLICATION_PROTOBUF)
    }

    /// `text/*`, or no content type.
    fn is_text(&self) -> bool {
        !self.has_content_type() || self.media_type().is_some_and(|m| m.starts_with("text/"))
    }
}

impl Status {
    fn deserialize_value(value: &serde_json::Value) -> Result<Status, serde_json::Error> {
        serde::Deserialize::deserialize(value)
    }
}

/// Access to the API status behind an error; the predicates come for free.
///
/// Implemented for [`StatusError`], [`Status`] and `dyn Error` (which searches the
/// `source()` chain). Other crates can implement it for their error types.
pub trait ApiStatus {
    /// The API status, if this error carries one.
    fn api_status(&self) -> Option<&Status>;

    /// The reason; [`StatusReason::Unknown`] without a status.
    fn reason(&self) -> StatusReason {
        self.api_status()
            .map_or(StatusReason::Unknown, |s| s.reason.clone())
    }

    /// The reason, or — when it is missing or not a known reason — the one derived from
    /// the HTTP code ([`StatusReason::from_http_code`]); an unknown reason string is kept
    /// if the code says nothing either.
    fn effective_reason(&self) -> StatusReason {
        let Some(status) = self.api_status() else {
            return StatusReason::Unknown;
        };
        if status.reason.is_known() {
            return status.reason.clone();
        }
        match StatusReason::from_http_code(status.code) {
            StatusReason::Unknown => status.reason.clone(),
            derived => derived,
        }
    }

    /// True if the reason is `reason`, or it is not a known reason and the code is `code`.
    fn matches_reason_or_code(&self, reason: &StatusReason, code: i32) -> bool {
        self.api_status()
            .is_some_and(|s| s.reason == *reason || (!s.reason.is_known() && s.code == code))
    }

    /// The resource does not exist (reason `NotFound`, or code 404).
    fn is_not_found(&self) -> bool {
        self.matches_reason_or_code(&StatusReason::NotFound, 404)
    }

    /// The resource already exists (reason `AlreadyExists` only).
    fn is_already_exists(&self) -> bool {
        self.api_status()
            .is_some_and(|s| s.reason == StatusReason::AlreadyExists)
    }

    /// The update conflicts (reason `Conflict`, or code 409).
    fn is_conflict(&self) -> bool {
        self.matches_reason_or_code(&StatusReason::Conflict, 409)
    }

    /// The object is invalid (reason `Invalid`, or code 422).
    fn is_invalid(&self) -> bool {
        self.matches_reason_or_code(&StatusReason::Invalid, 422)
    }

    /// The resource is gone (reason `Gone`, or code 410).
    fn is_gone(&self) -> bool {
        self.matches_reason_or_code(&StatusReason::Gone, 410)
    }

    /// The resource version expired (reason `Expired` only).
    fn is_resource_expired(&self) -> bool {
        self.api_status()
            .is_some_and(|s| s.reason == StatusReason::Expired)
    }

    /// No acceptable content type (reason `NotAcceptable`, or code 406).
    fn is_not_acceptable(&self) -> bool {
        self.matches_reason_or_code(&StatusReason::NotAcceptable, 406)
    }

    /// Unsupported request content type (reason `UnsupportedMediaType`, or code 415).
    fn is_unsupported_media_type(&self) -> bool {
        self.matches_reason_or_code(&StatusReason::UnsupportedMediaType, 415)
    }

    /// Verb not supported (reason `MethodNotAllowed`, or code 405).
    fn is_method_not_supported(&self) -> bool {
        self.matches_reason_or_code(&StatusReason::MethodNotAllowed, 405)
    }

    /// Service unavailable (reason `ServiceUnavailable`, or code 503).
    fn is_service_unavailable(&self) -> bool {
        self.matches_reason_or_code(&StatusReason::ServiceUnavailable, 503)
    }

    /// Malformed request (reason `BadRequest`, or code 400).
    fn is_bad_request(&self) -> bool {
        self.matches_reason_or_code(&StatusReason::BadRequest, 400)
    }

    /// Authentication required (reason `Unauthorized`, or code 401).
    fn is_unauthorized(&self) -> bool {
        self.matches_reason_or_code(&StatusReason::Unauthorized, 401)
    }

    /// Not allowed (reason `Forbidden`, or code 403).
    fn is_forbidden(&self) -> bool {
        self.matches_reason_or_code(&StatusReason::Forbidden, 403)
    }

    /// The request timed out (reason `Timeout`, or code 504).
    fn is_timeout(&self) -> bool {
        self.matches_reason_or_code(&StatusReason::Timeout, 504)
    }

    /// The server asks to retry later (reason `ServerTimeout` only).
    fn is_server_timeout(&self) -> bool {
        self.api_status()
            .is_some_and(|s| s.reason == StatusReason::ServerTimeout)
    }

    /// Internal server error (reason `InternalError`, or code 500).
    fn is_internal_error(&self) -> bool {
        self.matches_reason_or_code(&StatusReason::InternalError, 500)
    }

    /// Too many requests (reason `TooManyRequests`, or code 429 whatever the reason).
    fn is_too_many_requests(&self) -> bool {
        self.api_status()
            .is_some_and(|s| s.reason == StatusReason::TooManyRequests || s.code == 429)
    }

    /// Request too large (reason `RequestEntityTooLarge`, or code 413 whatever the reason).
    fn is_request_entity_too_large(&self) -> bool {
        self.api_status()
            .is_some_and(|s| s.reason == StatusReason::RequestEntityTooLarge || s.code == 413)
    }

    /// Stored data could not be read (reason `StoreReadError` only).
    fn is_store_read_error(&self) -> bool {
        self.api_status()
            .is_some_and(|s| s.reason == StatusReason::StoreReadError)
    }

    /// The response was not in the API's format (has an `UnexpectedServerResponse` cause).
    fn is_unexpected_server_error(&self) -> bool {
        self.status_cause(cause_type::UNEXPECTED_SERVER_RESPONSE)
            .is_some()
    }

    /// The first cause of the given type, if any.
    fn status_cause(&self, cause: &str) -> Option<&StatusCause> {
        self.api_status()?
            .details
            .as_ref()?
            .causes
            .iter()
            .find(|c| c.cause_type.as_deref() == Some(cause))
    }

    /// Seconds the server asked the client to wait: always for `ServerTimeout` (possibly
    /// 0), otherwise when `retryAfterSeconds` is positive. Needs `details`.
    fn suggests_client_delay(&self) -> Option<i32> {
        let status = self.api_status()?;
        let details = status.details.as_ref()?;
        if status.reason == StatusReason::ServerTimeout || details.retry_after_seconds > 0 {
            Some(details.retry_after_seconds)
        } else {
            None
        }
    }
}

/// Errors that mean "already done" for idempotent writes, turned into `Ok(None)`
/// (controller-runtime's `IgnoreNotFound` and `IgnoreAlreadyExists`, on a `Result`).
///
/// ```
/// use clientgo_apimachinery::{GroupResource, IgnoreApiStatus, StatusError};
///
/// let pods = GroupResource::new("", "pods");
/// let gone: Result<(), StatusError> = Err(StatusError::new_not_found(&pods, "web"));
/// assert_eq!(gone.ignore_not_found().unwrap(), None);
/// let taken: Result<(), StatusError> = Err(StatusError::new_already_exists(&pods, "web"));
/// assert!(taken.ignore_not_found().is_err());
/// let done: Result<u8, StatusError> = Ok(7);
/// assert_eq!(done.ignore_already_exists().unwrap(), Some(7));
/// ```
pub trait IgnoreApiStatus<T, E> {
    /// `Ok(None)` when the error is NotFound (deleting or reading what is gone).
    fn ignore_not_found(self) -> Result<Option<T>, E>;
    /// `Ok(None)` when the error is AlreadyExists (creating what is there).
    fn ignore_already_exists(self) -> Result<Option<T>, E>;
}

impl<T, E: ApiStatus> IgnoreApiStatus<T, E> for Result<T, E> {
    fn ignore_not_found(self) -> Result<Option<T>, E> {
        match self {
            Ok(value) => Ok(Some(value)),
            Err(error) if error.is_not_found() => Ok(None),
            Err(error) => Err(error),
        }
    }

    fn ignore_already_exists(self) -> Result<Option<T>, E> {
        match self {
            Ok(value) => Ok(Some(value)),
            Err(error) if error.is_already_exists() => Ok(None),
            Err(error) => Err(error),
        }
    }
}

impl ApiStatus for Status {
    fn api_status(&self) -> Option<&Status> {
        Some(self)
    }
}

impl ApiStatus for StatusError {
    fn api_status(&self) -> Option<&Status> {
        Some(&self.status)
    }
}

impl ApiStatus for dyn StdError + 'static {
    fn api_status(&self) -> Option<&Status> {
        find_status(self)
    }
}

impl ApiStatus for dyn StdError + Send + Sync + 'static {
    fn api_status(&self) -> Option<&Status> {
        find_status(self)
    }
}

/// The status of the first `StatusError` in the error's `source()` chain.
pub fn find_status<'a>(err: &'a (dyn StdError + 'static)) -> Option<&'a Status> {
    let mut current = Some(err);
    while let Some(e) = current {
        if let Some(se) = e.downcast_ref::<StatusError>() {
            return Some(&se.status);
        }
        current = e.source();
    }
    None
}

macro_rules! free_predicates {
    ($($(#[$doc:meta])* $name:ident),* $(,)?) => {
        $(
            $(#[$doc])*
            ///
            /// Looks through the error's `source()` chain; false without a status.
            pub fn $name(err: &(dyn StdError + 'static)) -> bool {
                ApiStatus::$name(err)
            }
        )*
    };
}

free_predicates!(
    /// The resource does not exist (reason `NotFound`, or code 404).
    is_not_found,
    /// The resource already exists (reason `AlreadyExists` only).
    is_already_exists,
    /// The update conflicts (reason `Conflict`, or code 409).
    is_conflict,
    /// The object is invalid (reason `Invalid`, or code 422).
    is_invalid,
    /// The resource is gone (reason `Gone`, or code 410).
    is_gone,
    /// The resource version expired (reason `Expired` only).
    is_resource_expired,
    /// No acceptable content type (reason `NotAcceptable`, or code 406).
    is_not_acceptable,
    /// Unsupported request content type (reason `UnsupportedMediaType`, or code 415).
    is_unsupported_media_type,
    /// Verb not supported (reason `MethodNotAllowed`, or code 405).
    is_method_not_supported,
    /// Service unavailable (reason `ServiceUnavailable`, or code 503).
    is_service_unavailable,
    /// Malformed request (reason `BadRequest`, or code 400).
    is_bad_request,
    /// Authentication required (reason `Unauthorized`, or code 401).
    is_unauthorized,
    /// Not allowed (reason `Forbidden`, or code 403).
    is_forbidden,
    /// The request timed out (reason `Timeout`, or code 504).
    is_timeout,
    /// The server asks to retry later (reason `ServerTimeout` only).
    is_server_timeout,
    /// Internal server error (reason `InternalError`, or code 500).
    is_internal_error,
    /// Too many requests (reason `TooManyRequests`, or code 429 whatever the reason).
    is_too_many_requests,
    /// Request too large (reason `RequestEntityTooLarge`, or code 413 whatever the reason).
    is_request_entity_too_large,
    /// Stored data could not be read (reason `StoreReadError` only).
    is_store_read_error,
    /// The response was not in the API's format (has an `UnexpectedServerResponse` cause).
    is_unexpected_server_error,
);

/// The reason of the error's status; [`StatusReason::Unknown`] if it has none.
pub fn reason_for_error(err: &(dyn StdError + 'static)) -> StatusReason {
    ApiStatus::reason(err)
}

/// True if the error's status has a cause of the given type.
pub fn has_status_cause(err: &(dyn StdError + 'static), cause: &str) -> bool {
    ApiStatus::status_cause(err, cause).is_some()
}

/// The seconds the server asked the client to wait, if it did (see
/// [`ApiStatus::suggests_client_delay`]).
pub fn suggests_client_delay(err: &(dyn StdError + 'static)) -> Option<i32> {
    ApiStatus::suggests_client_delay(err)
}

/// True if the error (or one in its chain) is [`Error::UnexpectedObject`].
pub fn is_unexpected_object_error(err: &(dyn StdError + 'static)) -> bool {
    let mut current = Some(err);
    while let Some(e) = current {
        if matches!(e.downcast_ref::<Error>(), Some(Error::UnexpectedObject(_))) {
            return true;
        }
        current = e.source();
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    type Predicate = fn(&(dyn StdError + 'static)) -> bool;

    const PREDICATES: [(&str, Predicate); 19] = [
        ("not_found", is_not_found),
        ("already_exists", is_already_exists),
        ("conflict", is_conflict),
        ("invalid", is_invalid),
        ("gone", is_gone),
        ("resource_expired", is_resource_expired),
        ("not_acceptable", is_not_acceptable),
        ("unsupported_media_type", is_unsupported_media_type),
        ("method_not_supported", is_method_not_supported),
        ("service_unavailable", is_service_unavailable),
        ("bad_request", is_bad_request),
        ("unauthorized", is_unauthorized),
        ("forbidden", is_forbidden),
        ("timeout", is_timeout),
        ("server_timeout", is_server_timeout),
        ("internal_error", is_internal_error),
        ("too_many_requests", is_too_many_requests),
        ("request_entity_too_large", is_request_entity_too_large),
        ("store_read_error", is_store_read_error),
    ];

    /// Asserts that exactly the named predicates hold.
    fn assert_only(err: &StatusError, expected: &[&str]) {
        for (name, pred) in PREDICATES {
            assert_eq!(
                pred(err),
                expected.contains(&name),
                "{name} for {:?} ({})",
                err.reason(),
                err.code()
            );
        }
    }

    fn gr() -> GroupResource {
        GroupResource::new("apps", "deployments")
    }

    #[test]
    fn constructors_set_code_reason_message_and_predicates() {
        let cases: Vec<(StatusError, i32, StatusReason, &str, &[&str])> = vec![
            (
                StatusError::new_not_found(&gr(), "web"),
                404,
                StatusReason::NotFound,
                r#"deployments.apps "web" not found"#,
                &["not_found"],
            ),
            (
                StatusError::new_already_exists(&gr(), "web"),
                409,
                StatusReason::AlreadyExists,
                r#"deployments.apps "web" already exists"#,
                &["already_exists"],
            ),
            (
                StatusError::new_conflict(&gr(), "web", "the object has been modified"),
                409,
                StatusReason::Conflict,
                r#"Operation cannot be fulfilled on deployments.apps "web": the object has been modified"#,
                &["conflict"],
            ),
            (
                StatusError::new_forbidden(&gr(), "web", "denied"),
                403,
                StatusReason::Forbidden,
                r#"deployments.apps "web" is forbidden: denied"#,
                &["forbidden"],
            ),
            (
                StatusError::new_forbidden(&gr(), "", "denied"),
                403,
                StatusReason::Forbidden,
                "deployments.apps is forbidden: denied",
                &["forbidden"],
            ),
            (
                StatusError::new_forbidden(&GroupResource::default(), "", "denied"),
                403,
                StatusReason::Forbidden,
                "forbidden: denied",
                &["forbidden"],
            ),
            (
                StatusError::new_unauthorized(""),
                401,
                StatusReason::Unauthorized,
                "not authorized",
                &["unauthorized"],
            ),
            (
                StatusError::new_unauthorized("bad token"),
                401,
                StatusReason::Unauthorized,
                "bad token",
                &["unauthorized"],
            ),
            (
                StatusError::new_bad_request("nope"),
                400,
                StatusReason::BadRequest,
                "nope",
                &["bad_request"],
            ),
            (
                StatusError::new_method_not_supported(&gr(), "proxy"),
                405,
                StatusReason::MethodNotAllowed,
                r#"proxy is not supported on resources of kind "deployments.apps""#,
                &["method_not_supported"],
            ),
            (
                StatusError::new_service_unavailable("down"),
                503,
                StatusReason::ServiceUnavailable,
                "down",
                &["service_unavailable"],
            ),
            (
                StatusError::new_internal_error("boom"),
                500,
                StatusReason::InternalError,
                "Internal error occurred: boom",
                &["internal_error"],
            ),
            (
                StatusError::new_timeout_error("slow", 3),
                504,
                StatusReason::Timeout,
                "Timeout: slow",
                &["timeout"],
            ),
            (
                StatusError::new_server_timeout(&gr(), "list", 5),
                500,
                StatusReason::ServerTimeout,
                "The list operation against deployments.apps could not be completed at this time, please try again.",
                &["server_timeout"],
            ),
            (
                StatusError::new_too_many_requests("slow down", 7),
                429,
                StatusReason::TooManyRequests,
                "slow down",
                &["too_many_requests"],
            ),
            (
                StatusError::new_too_many_requests_error("slow down"),
                429,
                StatusReason::TooManyRequests,
                "Too many requests: slow down",
                &["too_many_requests"],
            ),
            (
                StatusError::new_request_entity_too_large_error("1MB"),
                413,
                StatusReason::RequestEntityTooLarge,
                "Request entity too large: 1MB",
                &["request_entity_too_large"],
            ),
            (
                StatusError::new_gone("gone"),
                410,
                StatusReason::Gone,
                "gone",
                &["gone"],
            ),
            (
                StatusError::new_resource_expired("too old"),
                410,
                StatusReason::Expired,
                "too old",
                &["resource_expired"],
            ),
            (
                StatusError::new_generate_name_conflict(&gr(), "web-x", 1),
                409,
                StatusReason::AlreadyExists,
                r#"deployments.apps "web-x" already exists, the server was not able to generate a unique name for the object"#,
                &["already_exists"],
            ),
        ];
        for (err, code, reason, message, predicates) in cases {
            assert_eq!(err.code(), code, "{message}");
            assert_eq!(*err.reason(), reason, "{message}");
            assert_eq!(err.to_string(), message);
            assert!(err.status().is_failure());
            assert_only(&err, predicates);
        }
    }

    #[test]
    fn invalid_lists_field_errors_as_causes() {
        let errs = [
            FieldError::invalid("spec.replicas", -1, "must be greater than or equal to 0"),
            FieldError::required("spec.selector", ""),
        ];
        let err = StatusError::new_invalid(&GroupKind::new("apps", "Deployment"), "web", &errs);
        assert_eq!(
            err.to_string(),
            r#"Deployment.apps "web" is invalid: [spec.replicas: Invalid value: -1: must be greater than or equal to 0, spec.selector: Required value]"#
        );
        assert_only(&err, &["invalid"]);
        let causes = &err.status().details.as_ref().unwrap().causes;
        assert_eq!(causes.len(), 2);
        assert_eq!(causes[0].cause_type.as_deref(), Some("FieldValueInvalid"));
        assert_eq!(
            causes[0].message.as_deref(),
            Some("Invalid value: -1: must be greater than or equal to 0")
        );
        assert_eq!(causes[1].field.as_deref(), Some("spec.selector"));
        let single = StatusError::new_invalid(&GroupKind::new("", "Pod"), "p", &errs[..1]);
        assert_eq!(
            single.to_string(),
            r#"Pod "p" is invalid: spec.replicas: Invalid value: -1: must be greater than or equal to 0"#
        );
        let none = StatusError::new_invalid(&GroupKind::new("", "Pod"), "p", &[]);
        assert_eq!(none.to_string(), r#"Pod "p" is invalid"#);
    }

    #[test]
    fn unknown_reason_falls_back_to_the_code() {
        let table: [(i32, &[&str]); 13] = [
            (404, &["not_found"]),
            (409, &["conflict"]),
            (422, &["invalid"]),
            (410, &["gone"]),
            (406, &["not_acceptable"]),
            (415, &["unsupported_media_type"]),
            (405, &["method_not_supported"]),
            (503, &["service_unavailable"]),
            (400, &["bad_request"]),
            (401, &["unauthorized"]),
            (403, &["forbidden"]),
            (504, &["timeout"]),
            (500, &["internal_error"]),
        ];
        for (code, expected) in table {
            for reason in [StatusReason::Unknown, StatusReason::Other("Custom".into())] {
                let err = StatusError::from(Status::failure(code, reason, "x"));
                assert_only(&err, expected);
            }
        }
        // A known but different reason wins over the code.
        let err = StatusError::from(Status::failure(404, StatusReason::Conflict, "x"));
        assert_only(&err, &["conflict"]);
        // 429 and 413 match by code whatever the reason.
        let err = StatusError::from(Status::failure(429, StatusReason::Conflict, "x"));
        assert_only(&err, &["conflict", "too_many_requests"]);
        let err = StatusError::from(Status::failure(413, StatusReason::Forbidden, "x"));
        assert_only(&err, &["forbidden", "request_entity_too_large"]);
        // Reason-only predicates ignore the code.
        let err = StatusError::from(Status::failure(410, StatusReason::Unknown, "x"));
        assert!(!is_resource_expired(&err));
    }

    #[test]
    fn effective_reason_falls_back_to_the_code() {
        let from = |code, reason| StatusError::from(Status::failure(code, reason, "m"));
        assert_eq!(
            from(404, StatusReason::Unknown).effective_reason(),
            StatusReason::NotFound
        );
        assert_eq!(
            from(503, StatusReason::Unknown).effective_reason(),
            StatusReason::ServiceUnavailable
        );
        assert_eq!(
            from(404, StatusReason::Conflict).effective_reason(),
            StatusReason::Conflict
        );
        assert_eq!(
            from(418, StatusReason::Other("Teapot".into())).effective_reason(),
            StatusReason::Other("Teapot".into())
        );
        assert_eq!(
            from(418, StatusReason::Unknown).effective_reason(),
            StatusReason::Unknown
        );
        let plain: &(dyn StdError + 'static) = &std::io::Error::other("x");
        assert_eq!(plain.effective_reason(), StatusReason::Unknown);
    }

    #[derive(Debug)]
    struct Wrapper(StatusError);

    impl fmt::Display for Wrapper {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            write!(f, "request failed: {}", self.0)
        }
    }

    impl StdError for Wrapper {
        fn source(&self) -> Option<&(dyn StdError + 'static)> {
            Some(&self.0)
        }
    }

    #[test]
    fn predicates_see_through_wrapping() {
        let wrapped = Wrapper(StatusError::new_not_found(&gr(), "web"));
        assert!(is_not_found(&wrapped));
        assert_eq!(reason_for_error(&wrapped), StatusReason::NotFound);
        let boxed: Box<dyn StdError + Send + Sync> =
            Box::new(Wrapper(StatusError::new_conflict(&gr(), "a", "b")));
        assert!(boxed.is_conflict());
        let plain = std::io::Error::other("no status");
        assert!(!is_not_found(&plain));
        assert_eq!(reason_for_error(&plain), StatusReason::Unknown);
        assert_eq!(suggests_client_delay(&plain), None);
    }

    #[test]
    fn client_delay_comes_from_server_timeout_or_retry_after() {
        assert_eq!(
            suggests_client_delay(&StatusError::new_server_timeout(&gr(), "get", 0)),
            Some(0)
        );
        assert_eq!(
            suggests_client_delay(&StatusError::new_server_timeout(&gr(), "get", 4)),
            Some(4)
        );
        assert_eq!(
            suggests_client_delay(&StatusError::new_too_many_requests("x", 3)),
            Some(3)
        );
        assert_eq!(
            suggests_client_delay(&StatusError::new_too_many_requests("x", 0)),
            None
        );
        assert_eq!(
            suggests_client_delay(&StatusError::new_timeout_error("x", 2)),
            Some(2)
        );
        assert_eq!(
            suggests_client_delay(&StatusError::new_not_found(&gr(), "x")),
            None
        );
        assert_eq!(
            suggests_client_delay(&StatusError::new_bad_request("x")),
            None
        );
    }

    /// `TestNewGenericServerResponse`-style table: code and verb → reason and message.
    #[test]
    fn generic_server_response_table() {
        let pods = GroupResource::new("", "pods");
        let cases: Vec<(u16, &str, &str, StatusReason, &str)> = vec![
            (
                400,
                "GET",
                "",
                StatusReason::BadRequest,
                "the server rejected our request for an unknown reason (get pods web)",
            ),
            (
                401,
                "GET",
                "",
                StatusReason::Unauthorized,
                "the server has asked for the client to provide credentials (get pods web)",
            ),
            (
                403,
                "GET",
                "no access",
                StatusReason::Forbidden,
                "no access (get pods web)",
            ),
            (
                404,
                "GET",
                "",
                StatusReason::NotFound,
                "the server could not find the requested resource (get pods web)",
            ),
            (
                405,
                "DELETE",
                "",
                StatusReason::MethodNotAllowed,
                "the server does not allow this method on the requested resource (delete pods web)",
            ),
            (
                406,
                "GET",
                "",
                StatusReason::NotAcceptable,
                "the server was unable to respond with a content type that the client supports (get pods web)",
            ),
            (
                406,
                "GET",
                "want json",
                StatusReason::NotAcceptable,
                "want json (get pods web)",
            ),
            (
                409,
                "POST",
                "",
                StatusReason::AlreadyExists,
                "the server reported a conflict (post pods web)",
            ),
            (
                409,
                "PUT",
                "",
                StatusReason::Conflict,
                "the server reported a conflict (put pods web)",
            ),
            (
                415,
                "PATCH",
                "bad type",
                StatusReason::UnsupportedMediaType,
                "bad type (patch pods web)",
            ),
            (
                422,
                "PUT",
                "",
                StatusReason::Invalid,
                "the server rejected our request due to an error in our request (put pods web)",
            ),
            (
                429,
                "GET",
                "",
                StatusReason::TooManyRequests,
                "the server has received too many requests and has asked us to try again later (get pods web)",
            ),
            (
                500,
                "GET",
                "oops",
                StatusReason::InternalError,
                "an error on the server (\"oops\") has prevented the request from succeeding (get pods web)",
            ),
            (
                502,
                "GET",
                "bad gateway",
                StatusReason::InternalError,
                "an error on the server (\"bad gateway\") has prevented the request from succeeding (get pods web)",
            ),
            (
                503,
                "GET",
                "",
                StatusReason::ServiceUnavailable,
                "the server is currently unable to handle the request (get pods web)",
            ),
            (
                504,
                "GET",
                "",
                StatusReason::Timeout,
                "the server was unable to return a response in the time allotted, but may still be processing the request (get pods web)",
            ),
            (
                418,
                "GET",
                "",
                StatusReason::Unknown,
                "the server responded with the status code 418 but did not return more information (get pods web)",
            ),
        ];
        for (code, verb, server_message, reason, message) in cases {
            let err = StatusError::new_generic_server_response(
                code,
                verb,
                &pods,
                "web",
                server_message,
                0,
                true,
            );
            assert_eq!(*err.reason(), reason, "{code}");
            assert_eq!(err.to_string(), message, "{code}");
            assert_eq!(err.code(), i32::from(code));
            assert!(is_unexpected_server_error(&err));
            assert!(has_status_cause(
                &err,
                cause_type::UNEXPECTED_SERVER_RESPONSE
            ));
            let details = err.status().details.as_ref().unwrap();
            assert_eq!(details.kind.as_deref(), Some("pods"));
            assert_eq!(details.name.as_deref(), Some("web"));
        }
        let no_name = StatusError::new_generic_server_response(404, "GET", &pods, "", "", 0, false);
        assert_eq!(
            no_name.to_string(),
            "the server could not find the requested resource (get pods)"
        );
        assert!(!is_unexpected_server_error(&no_name));
        let no_resource = StatusError::new_generic_server_response(
            404,
            "GET",
            &GroupResource::default(),
            "x",
            "",
            0,
            false,
        );
        assert_eq!(
            no_resource.to_string(),
            "the server could not find the requested resource"
        );
    }

    fn response<'a>(code: u16, content_type: Option<&'a str>, body: &'a [u8]) -> HttpResponse<'a> {
        HttpResponse {
            code,
            verb: "GET",
            resource: None,
            name: "",
            content_type,
            body,
            retry_after_seconds: 0,
        }
    }

    #[test]
    fn json_status_body_becomes_the_error() {
        let body = br#"{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"secrets is forbidden: User \"bob\" cannot list resource \"secrets\"","reason":"Forbidden","details":{"kind":"secrets"},"code":403}"#;
        let err = StatusError::from_response(&response(403, Some("application/json"), body));
        assert_eq!(
            err.to_string(),
            r#"secrets is forbidden: User "bob" cannot list resource "secrets""#
        );
        assert!(is_forbidden(&err));
        assert!(!is_unexpected_server_error(&err));
        // Without a content type the body is still tried as JSON.
        let err = StatusError::from_response(&response(403, None, body));
        assert!(err.to_string().starts_with("secrets is forbidden"));
    }

    #[test]
    fn non_status_bodies_give_generic_errors() {
        // Text body: its trimmed text is the server message.
        let err = StatusError::from_response(&response(
            500,
            Some("text/plain; charset=utf-8"),
            b"  database down\n",
        ));
        assert_eq!(
            err.to_string(),
            "an error on the server (\"database down\") has prevented the request from succeeding"
        );
        assert!(is_internal_error(&err));
        assert!(is_unexpected_server_error(&err));
        // JSON that is not a Status: "unknown".
        let err = StatusError::from_response(&response(
            500,
            Some("application/json"),
            br#"{"error":"x"}"#,
        ));
        assert_eq!(
            err.to_string(),
            "an error on the server (\"unknown\") has prevented the request from succeeding"
        );
        // A Status saying Success does not count as a failure body.
        let err = StatusError::from_response(&response(
            404,
            Some("application/json"),
            br#"{"kind":"Status","apiVersion":"v1","status":"Success"}"#,
        ));
        assert_eq!(
            err.to_string(),
            "the server could not find the requested resource"
        );
        // HTML from a proxy is text/*: kept, capped at 2048 bytes.
        let long = "x".repeat(5000);
        let err = StatusError::from_response(&response(502, Some("text/html"), long.as_bytes()));
        let cause = err.status().details.as_ref().unwrap().causes[0]
            .message
            .clone()
            .unwrap();
        assert_eq!(cause.len(), MAX_UNSTRUCTURED_RESPONSE_TEXT_BYTES);
        // Binary content type: "unknown".
        let err = StatusError::from_response(&response(
            400,
            Some("application/vnd.kubernetes.protobuf"),
            b"\x6b\x38\x73\x00",
        ));
        assert_eq!(
            err.to_string(),
            "the server rejected our request for an unknown reason"
        );
        // Empty body, no content type.
        let err = StatusError::from_response(&response(401, None, b""));
        assert!(is_unauthorized(&err));
    }

    #[test]
    fn from_object_accepts_only_status_objects() {
        let status = serde_json::json!({"kind":"Status","apiVersion":"v1","status":"Failure","message":"m","reason":"NotFound","code":404});
        let err = StatusError::from_object(&status).unwrap();
        assert!(is_not_found(&err));
        let status =
            serde_json::json!({"kind":"Status","apiVersion":"meta.k8s.io/v1","message":"m"});
        assert!(StatusError::from_object(&status).is_ok());
        for other in [
            serde_json::json!({"kind":"Pod","apiVersion":"v1"}),
            serde_json::json!({"kind":"Status","apiVersion":"v2"}),
            serde_json::json!("text"),
        ] {
            let err = StatusError::from_object(&other).unwrap_err();
            assert!(is_unexpected_object_error(&err), "{other}");
        }
    }

    #[test]
    fn status_errors_are_small() {
        assert_eq!(
            std::mem::size_of::<StatusError>(),
            std::mem::size_of::<usize>()
        );
    }
}
