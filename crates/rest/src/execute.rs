//! Sending a [`Request`]: client-side throttling, request timeouts, retries after
//! `Retry-After` answers and broken connections, warning headers, and decoding answers
//! into values, typed errors, byte streams or watch event streams.
//!
//! Rules (client-go's, with the safety limits it lacks):
//! - A `429` or `5xx` answer with `Retry-After` is retried after that many seconds, at
//!   most [`MAX_RETRY_AFTER`] (client-go waits as long as the server says).
//! - A connection the server closed or reset is retried for GET (after 1 s); a watch
//!   also retries timeouts. Nothing else is retried: a refused connection or an
//!   untrusted certificate fails at once.
//! - A request's timeout is one deadline for all its attempts and waits (and, for
//!   `send`, reading the body); a wait that would pass it is not started: the last
//!   answer or error is returned.
//! - A watch that could not be started because the connection closed or timed out is
//!   an empty stream (the caller watches again, as with client-go); any other failure
//!   is returned.
//! - Bodies and watch events are bounded by [`ResponseLimits`](crate::ResponseLimits).

use std::pin::Pin;
use std::time::Duration;

use tokio::time::Instant;

use bytes::Bytes;
use clientgo_apimachinery::errors::{HttpResponse, StatusError};
use clientgo_apimachinery::media_type::{APPLICATION_PROTOBUF, is_media_type};
use clientgo_apimachinery::protobuf::{self, DecodeError};
use clientgo_apimachinery::schema::GroupResource;
use clientgo_apimachinery::watch::WatchEvent;
use futures_util::{Stream, StreamExt};
use reqwest::header::{ACCEPT, ACCEPT_ENCODING, HeaderMap, HeaderValue, RETRY_AFTER};
use reqwest::{Method, StatusCode};
use serde::de::DeserializeOwned;
use url::Url;

use crate::error::{Error, Result};
use crate::frames::FrameBuffer;
use crate::limits::{MAX_ERROR_BODY_BYTES, read_body, read_error_body, too_large};
use crate::request::Request;
use crate::warnings::parse_warning_header;

/// The answer to a request: status, headers and the whole body.
#[derive(Debug, Clone)]
pub struct Response {
    status: StatusCode,
    headers: HeaderMap,
    body: Bytes,
    request: RequestSummary,
}

/// What an error about a request names: verb, URL, resource and object. Made from the
/// parts of the request once it is sent, so that a successful request copies nothing.
#[derive(Debug, Clone)]
pub(crate) struct RequestSummary {
    pub(crate) verb: Method,
    pub(crate) url: Url,
    pub(crate) resource: Option<GroupResource>,
    pub(crate) name: String,
}

impl RequestSummary {
    /// The URL's path.
    pub(crate) fn path(&self) -> &str {
        self.url.path()
    }

    /// What a decoding error names: `the answer to GET /api/v1/...`.
    fn answer(&self) -> String {
        format!("the answer to {} {}", self.verb, self.path())
    }

    fn error(&self, code: StatusCode, headers: &HeaderMap, body: &[u8]) -> Error {
        let content_type = headers
            .get(reqwest::header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok());
        let status = StatusError::from_response(&HttpResponse {
            code: code.as_u16(),
            verb: self.verb.as_str(),
            resource: self.resource.as_ref(),
            name: &self.name,
            content_type,
            body,
            retry_after_seconds: retry_after(headers)
                .and_then(|s| i32::try_from(s).ok())
                .unwrap_or(0),
        });
        Error::Api(Box::new(status))
    }
}

impl Response {
    /// The HTTP status.
    pub fn status(&self) -> StatusCode {
        self.status
    }

    /// The response headers.
    pub fn headers(&self) -> &HeaderMap {
        &self.headers
    }

    /// The body as it arrived, whatever the status.
    pub fn body(&self) -> &Bytes {
        &self.body
    }

    /// Whether the server created something (201).
    pub fn was_created(&self) -> bool {
        self.status == StatusCode::CREATED
    }

    /// The body of a successful answer (2xx), else the server's error.
    pub fn into_bytes(self) -> Result<Bytes> {
        if self.succeeded() {
            Ok(self.body)
        } else {
            Err(self.error())
        }
    }

    /// The body of a successful answer decoded from JSON, else the server's error.
    pub fn json<T: DeserializeOwned>(self) -> Result<T> {
        if !self.succeeded() {
            return Err(self.error());
        }
        if self.body.is_empty() {
            return Err(Error::Decode {
                what: self.request.answer(),
                detail: format!(
                    "0-length response with status code: {}",
                    self.status.as_u16()
                ),
            });
        }
        serde_json::from_slice(&self.body).map_err(|error| Error::Decode {
            what: self.request.answer(),
            detail: error.to_string(),
        })
    }

    /// The body of a successful answer decoded by its `Content-Type`: protobuf with
    /// `protobuf` (a codec's function), anything else as JSON; else the server's error.
    pub fn decode<T: DeserializeOwned>(self, protobuf: Option<ProtobufDecoder<T>>) -> Result<T> {
        if !is_protobuf(&self.headers) {
            return self.json();
        }
        if !self.succeeded() {
            return Err(self.error());
        }
        let decode = protobuf.ok_or_else(|| Error::Decode {
            what: self.request.answer(),
            detail: "the server answered in protobuf, which this type cannot decode".into(),
        })?;
        decode(&self.body).map_err(|error| Error::Decode {
            what: self.request.answer(),
            detail: error.to_string(),
        })
    }

    /// Whether the status is a success (2xx, or 101 for upgrades).
    fn succeeded(&self) -> bool {
        self.status.is_success() || self.status == StatusCode::SWITCHING_PROTOCOLS
    }

    /// The typed error of a failed answer: the server's `Status` when the body is one,
    /// else one made from the status code and the (textual) body.
    fn error(&self) -> Error {
        self.request.error(self.status, &self.headers, &self.body)
    }
}

/// A stream of body chunks (e.g. pod logs).
pub type ByteStream = Pin<Box<dyn Stream<Item = Result<Bytes>> + Send>>;

/// A stream of watch events. `ERROR` events arrive as `Err(Error::Api(..))` (e.g. 410
/// Gone when the resource version is too old); a body that breaks off inside an event
/// ends the stream with `Err(Error::Stream(..))`.
pub type WatchStream<T> = Pin<Box<dyn Stream<Item = Result<WatchEvent<T>>> + Send>>;

/// The longest wait a `Retry-After` answer gets before the next attempt.
pub const MAX_RETRY_AFTER: Duration = Duration::from_secs(10);

/// The wait before retrying a request whose connection broke (client-go's artificial
/// `Retry-After: 1`).
const BROKEN_CONNECTION_WAIT: Duration = Duration::from_secs(1);

/// Which failures of sending may be retried.
#[derive(Clone, Copy, PartialEq, Eq)]
enum RetryTransportErrors {
    /// Connections closed or reset by the server (GET: idempotent).
    IfIdempotent,
    /// Connections closed or reset, and timeouts (watch: nothing changes on the server).
    Watch,
    /// Never (writes, byte streams).
    Never,
}

impl Request {
    /// Sends the request and reads the whole answer, whatever its status. Waits for the
    /// client-side rate limiter first; retries `429`/`5xx` answers that carry
    /// `Retry-After` (any verb) and connections the server closed or reset (GET only),
    /// up to the request's retry limit, all within its timeout.
    pub async fn send(self) -> Result<Response> {
        let started = std::time::Instant::now();
        let url = self.preflight()?;
        let metrics = crate::metrics::metrics();
        let template = metrics.map(|_| crate::metrics::url_template(url.path()));
        let verb = self.method.clone();
        let outcome = match self.deadline() {
            // The deadline covers reading the body too.
            Some((deadline, timeout)) => {
                tokio::time::timeout_at(deadline, self.send_and_read(url, Some(deadline)))
                    .await
                    .unwrap_or(Err(Error::Timeout(timeout)))
            }
            None => self.send_and_read(url, None).await,
        };
        if let (Some(metrics), Some(template)) = (metrics, template) {
            metrics.request_latency(verb.as_str(), &template, started.elapsed());
        }
        outcome
    }

    async fn send_and_read(self, url: Url, deadline: Option<Instant>) -> Result<Response> {
        let policy = if self.method == Method::GET {
            RetryTransportErrors::IfIdempotent
        } else {
            RetryTransportErrors::Never
        };
        let limit = self.client.limits().max_body_bytes;
        let mut response = self.execute(&url, true, policy, deadline).await?;
        let (status, headers) = (response.status(), std::mem::take(response.headers_mut()));
        let body = read_body(response, limit).await?;
        Ok(Response {
            status,
            headers,
            body,
            request: self.summary(url),
        })
    }

    /// Sends the request and decodes a successful JSON answer into `T`.
    pub async fn into_json<T: DeserializeOwned>(self) -> Result<T> {
        self.send().await?.json()
    }

    /// Sends the request and decodes a successful answer into `T`: in protobuf when
    /// `protobuf` is given and the client prefers it (the server may still answer JSON),
    /// else in JSON.
    pub async fn into_object<T: DeserializeOwned>(
        self,
        protobuf: Option<ProtobufDecoder<T>>,
    ) -> Result<T> {
        self.accept_protobuf_if(protobuf.is_some())
            .send()
            .await?
            .decode(protobuf)
    }

    /// Asks for protobuf (JSON as the fallback) when `decodable` and the client is
    /// configured for it.
    fn accept_protobuf_if(self, decodable: bool) -> Self {
        if decodable && self.client.prefers_protobuf() {
            self.header_value(ACCEPT, HeaderValue::from_static(PROTOBUF_ACCEPT))
        } else {
            self
        }
    }

    /// Sends the request and hands out the body as it arrives (logs, follow mode).
    /// A failed answer is returned as its typed error.
    pub async fn stream(self) -> Result<ByteStream> {
        let request = self.uncompressed();
        let url = request.preflight()?;
        let deadline = request.deadline().map(|(deadline, _)| deadline);
        let response = request
            .execute(&url, true, RetryTransportErrors::Never, deadline)
            .await?;
        if !response.status().is_success() {
            return Err(read_error(response, &request.summary(url)).await);
        }
        Ok(Box::pin(response.bytes_stream().map(|chunk| {
            chunk.map_err(|e| {
                Error::Stream(format!(
                    "reading the stream: {}",
                    clientgo_transport::Error::from(e)
                ))
            })
        })))
    }

    /// Starts a watch (`watch=true` is added) and decodes its events into `T` as they
    /// arrive. Watches are not rate limited; the request's timeout bounds starting the
    /// watch, not the stream. If the connection was closed or timed out on every
    /// attempt, the stream is empty (the caller simply watches again), as in client-go;
    /// other failures (refused connection, untrusted certificate, credentials) are
    /// returned.
    pub async fn watch<T: DeserializeOwned + Send + 'static>(self) -> Result<WatchStream<T>> {
        self.watch_objects(None).await
    }

    /// [`watch`](Self::watch), with events in protobuf when `protobuf` is given and the
    /// client prefers it.
    pub async fn watch_objects<T: DeserializeOwned + Send + 'static>(
        self,
        protobuf: Option<ProtobufDecoder<T>>,
    ) -> Result<WatchStream<T>> {
        let request = self
            .accept_protobuf_if(protobuf.is_some())
            .param("watch", "true")
            .uncompressed();
        let url = request.preflight()?;
        let deadline = request.deadline().map(|(deadline, _)| deadline);
        let frame_limit = request.client.limits().max_watch_frame_bytes;
        let response = match request
            .execute(&url, false, RetryTransportErrors::Watch, deadline)
            .await
        {
            Ok(response) => response,
            Err(error) if ends_watch_quietly(&error) => {
                tracing::debug!(%error, "the watch could not be started; returning an empty watch");
                return Ok(Box::pin(futures_util::stream::empty()));
            }
            Err(error) => return Err(error),
        };
        if response.status() != StatusCode::OK {
            return Err(read_error(response, &request.summary(url)).await);
        }
        let decoder = if is_protobuf(response.headers()) {
            EventDecoder::Protobuf(protobuf.ok_or_else(|| Error::Decode {
                what: format!("the watch of {}", url.path()),
                detail: "the server answered in protobuf, which this type cannot decode".into(),
            })?)
        } else {
            EventDecoder::Json
        };
        Ok(decode_watch(response.bytes_stream(), frame_limit, decoder))
    }

    /// When the request must be done by, and its timeout.
    fn deadline(&self) -> Option<(Instant, Duration)> {
        self.timeout
            .map(|timeout| (Instant::now() + timeout, timeout))
    }

    /// The send loop shared by every way of reading the answer, for the URL
    /// [`Request::preflight`] checked.
    async fn execute(
        &self,
        url: &Url,
        throttle: bool,
        policy: RetryTransportErrors,
        deadline: Option<Instant>,
    ) -> Result<reqwest::Response> {
        let metrics = crate::metrics::metrics();
        let template = metrics.map(|_| crate::metrics::url_template(url.path()));
        let host = url.host_str().unwrap_or_default();
        let verb = self.method.as_str();
        let timed_out = || Error::Timeout(self.timeout.unwrap_or_default());
        let mut previous: Option<Error> = None;
        let mut attempt = 0u32;
        loop {
            if throttle
                && !self
                    .wait_for_rate_limiter(template.as_deref(), deadline)
                    .await
            {
                return Err(timed_out());
            }
            attempt += 1;
            let mut request = reqwest::Request::new(self.method.clone(), url.clone());
            *request.headers_mut() = self.headers.clone();
            if let Some(body) = &self.body {
                *request.body_mut() = Some(body.clone().into());
            }
            let sent = self.client.transport().send(request);
            let outcome = match deadline {
                Some(deadline) => match tokio::time::timeout_at(deadline, sent).await {
                    Ok(result) => result.map_err(Error::transport),
                    Err(_) => Err(timed_out()),
                },
                None => sent.await.map_err(Error::transport),
            };
            if let Some(metrics) = metrics {
                let code = match &outcome {
                    Ok(response) => response.status().as_u16().to_string(),
                    Err(_) => "<error>".to_string(),
                };
                metrics.request_result(&code, verb, host);
                if attempt > 1 {
                    metrics.request_retry(&code, verb, host);
                }
            }
            let wait = match &outcome {
                Ok(response) => {
                    self.handle_warnings(response.headers());
                    let status = response.status();
                    let retryable =
                        status == StatusCode::TOO_MANY_REQUESTS || status.is_server_error();
                    match retry_after(response.headers()) {
                        Some(seconds) if retryable => {
                            Some(Duration::from_secs(seconds).min(MAX_RETRY_AFTER))
                        }
                        _ => None,
                    }
                }
                Err(Error::Transport(error)) if transport_retryable(error, policy) => {
                    Some(BROKEN_CONNECTION_WAIT)
                }
                Err(_) => None,
            };
            let within_deadline =
                |wait: Duration| deadline.is_none_or(|deadline| Instant::now() + wait < deadline);
            match wait {
                Some(wait) if attempt <= self.max_retries && within_deadline(wait) => {
                    tracing::debug!(
                        attempt,
                        ?wait,
                        url = %clientgo_transport::redact_url(url.as_str()),
                        "retrying the request"
                    );
                    if let Ok(response) = outcome {
                        drop(response); // closes or returns the connection
                    } else if let Err(error) = outcome {
                        previous = Some(error);
                    }
                    tokio::time::sleep(wait).await;
                }
                _ => {
                    return match (outcome, previous) {
                        (Err(last), Some(previous)) if last.to_string() != previous.to_string() => {
                            Err(Error::Retried {
                                last: Box::new(last),
                                previous: Box::new(previous),
                            })
                        }
                        (outcome, _) => outcome,
                    };
                }
            }
        }
    }

    /// Streams are read as they arrive, not compressed: the API server compresses each
    /// flush of a long-lived response on its own, which gzip decoders reading one stream
    /// reject, and small events gain little from compression.
    fn uncompressed(self) -> Self {
        self.header_value(ACCEPT_ENCODING, HeaderValue::from_static("identity"))
    }

    /// Waits for the client-side rate limiter; false (without waiting) when the wait
    /// would pass the deadline.
    async fn wait_for_rate_limiter(
        &self,
        template: Option<&str>,
        deadline: Option<Instant>,
    ) -> bool {
        if let Some(limiter) = self.client.rate_limiter() {
            let wait = limiter.reserve();
            if let (Some(metrics), Some(template)) = (crate::metrics::metrics(), template) {
                metrics.rate_limiter_latency(self.method.as_str(), template, wait);
            }
            if deadline.is_some_and(|deadline| Instant::now() + wait >= deadline) {
                return false;
            }
            if !wait.is_zero() {
                if wait > Duration::from_millis(50) {
                    tracing::debug!(
                        ?wait,
                        "waited for client-side throttling, not priority and fairness"
                    );
                }
                tokio::time::sleep(wait).await;
            }
        }
        true
    }

    fn handle_warnings(&self, headers: &HeaderMap) {
        for value in headers.get_all("warning") {
            if let Ok(text) = value.to_str() {
                for warning in parse_warning_header(text) {
                    self.client.warnings().handle_warning(
                        warning.code,
                        &warning.agent,
                        &warning.text,
                    );
                }
            }
        }
    }
}

/// `Retry-After` in whole seconds.
fn retry_after(headers: &HeaderMap) -> Option<u64> {
    headers.get(RETRY_AFTER)?.to_str().ok()?.trim().parse().ok()
}

/// client-go's rules: GETs retry connections the server closed or reset
/// (`IsProbableEOF`, `IsConnectionReset`); watches also retry timeouts.
fn transport_retryable(error: &clientgo_transport::Error, policy: RetryTransportErrors) -> bool {
    let clientgo_transport::Error::Http(send) = error else {
        return false;
    };
    match policy {
        RetryTransportErrors::Never => false,
        RetryTransportErrors::IfIdempotent => send.is_probable_eof(),
        RetryTransportErrors::Watch => send.is_probable_eof() || send.is_timeout(),
    }
}

/// Whether a watch that failed to start with `error` is an empty watch rather than an
/// error: the connection was closed or timed out (client-go's `IsProbableEOF` and
/// `IsTimeout`).
fn ends_watch_quietly(error: &Error) -> bool {
    match error {
        Error::Transport(error) => transport_retryable(error, RetryTransportErrors::Watch),
        Error::Timeout(_) => true,
        Error::Retried { last, .. } => ends_watch_quietly(last),
        _ => false,
    }
}

async fn read_error(response: reqwest::Response, summary: &RequestSummary) -> Error {
    let status = response.status();
    let headers = response.headers().clone();
    let body = read_error_body(response, MAX_ERROR_BODY_BYTES).await;
    summary.error(status, &headers, &body)
}

/// Decodes a typed object from protobuf (a [`Codec`](clientgo_apimachinery::protobuf::Codec)'s
/// function).
pub type ProtobufDecoder<T> = fn(&[u8]) -> std::result::Result<T, DecodeError>;

/// The `Accept` header of requests for protobuf: JSON if the server cannot.
const PROTOBUF_ACCEPT: &str = "application/vnd.kubernetes.protobuf, application/json";

/// Whether an answer is Kubernetes protobuf.
fn is_protobuf(headers: &HeaderMap) -> bool {
    headers
        .get(reqwest::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|ct| is_media_type(ct, APPLICATION_PROTOBUF))
}

/// How the events of a watch stream are decoded.
enum EventDecoder<T> {
    /// Newline-separated JSON documents.
    Json,
    /// Length-prefixed `WatchEvent` messages, objects decoded by the function.
    Protobuf(ProtobufDecoder<T>),
}

impl<T> Clone for EventDecoder<T> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<T> Copy for EventDecoder<T> {}

impl<T: DeserializeOwned> EventDecoder<T> {
    fn decode(self, frame: &[u8]) -> Result<WatchEvent<T>> {
        match self {
            EventDecoder::Json => decode_event::<T>(frame),
            EventDecoder::Protobuf(object) => decode_protobuf_event(frame, object),
        }
    }
}

/// Turns a watch body into decoded events; an event larger than `frame_limit` ends the
/// stream with [`Error::TooLarge`].
fn decode_watch<T, S>(body: S, frame_limit: usize, decoder: EventDecoder<T>) -> WatchStream<T>
where
    T: DeserializeOwned + Send + 'static,
    S: Stream<Item = reqwest::Result<Bytes>> + Send + 'static,
{
    struct State<S> {
        body: Pin<Box<S>>,
        frames: FrameBuffer,
        done: bool,
    }
    let frames = match decoder {
        EventDecoder::Json => FrameBuffer::default(),
        EventDecoder::Protobuf(_) => FrameBuffer::length_prefixed(),
    };
    let state = State {
        body: Box::pin(body),
        frames,
        done: false,
    };

    Box::pin(futures_util::stream::unfold(
        state,
        move |mut state| async move {
            loop {
                if state.done {
                    return None;
                }
                if let Some(frame) = state.frames.next_frame() {
                    if frame.len() > frame_limit {
                        state.done = true;
                        return Some((Err(too_large("watch event", frame_limit)), state));
                    }
                    return Some((decoder.decode(&frame), state));
                }
                let declared = state.frames.declared_len().unwrap_or(0);
                if state.frames.pending_len() > frame_limit || declared > frame_limit {
                    state.done = true;
                    state.frames = FrameBuffer::default();
                    return Some((Err(too_large("watch event", frame_limit)), state));
                }
                state.frames.mark_searched();
                match state.body.next().await {
                    Some(Ok(chunk)) => state.frames.push(&chunk),
                    Some(Err(error)) => {
                        state.done = true;
                        return Some((
                            Err(Error::Stream(format!(
                                "the watch stream broke off: {}",
                                clientgo_transport::Error::from(error)
                            ))),
                            state,
                        ));
                    }
                    None => {
                        state.done = true;
                        let rest = state.frames.finish()?;
                        // A last event without its newline is still a whole event.
                        return match decoder.decode(&rest) {
                            Ok(event) => Some((Ok(event), state)),
                            Err(_) => Some((
                                Err(Error::Stream(format!(
                                    "the watch stream ended inside an event ({} bytes unread)",
                                    rest.len()
                                ))),
                                state,
                            )),
                        };
                    }
                }
            }
        },
    ))
}

/// [`decode_event`] for the property tests of the frame buffer.
#[cfg(test)]
pub(crate) fn decode_event_for_tests(frame: &[u8]) -> Result<WatchEvent<serde_json::Value>> {
    decode_event(frame)
}

/// Decodes one protobuf watch event; `ERROR` events become typed errors.
fn decode_protobuf_event<T>(frame: &[u8], object: ProtobufDecoder<T>) -> Result<WatchEvent<T>> {
    typed_event(protobuf::decode_watch_event(frame, object).map_err(|e| e.to_string()))
}

/// Decodes one watch event; `ERROR` events become typed errors.
fn decode_event<T: DeserializeOwned>(frame: &[u8]) -> Result<WatchEvent<T>> {
    typed_event(serde_json::from_slice(frame).map_err(|e| e.to_string()))
}

/// A decoded watch event, its decoding error, or its `ERROR` status as a typed error.
fn typed_event<T>(event: std::result::Result<WatchEvent<T>, String>) -> Result<WatchEvent<T>> {
    match event {
        Err(detail) => Err(Error::Decode {
            what: "a watch event".into(),
            detail,
        }),
        Ok(WatchEvent::Error(status)) => Err(Error::Api(Box::new(StatusError::from(*status)))),
        Ok(event) => Ok(event),
    }
}
