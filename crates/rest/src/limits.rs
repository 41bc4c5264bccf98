//! [`ResponseLimits`]: how much of an answer the client holds in memory, so that a broken
//! or hostile server (an endless body, a gzip bomb, a watch event that never ends)
//! gets a typed error instead of the process's memory.
//!
//! Rules: limits count decoded bytes (after gzip); a body or frame that reaches its limit
//! is dropped at once and the request fails with [`Error::TooLarge`]; the defaults are far
//! above anything a Kubernetes API server sends (it refuses objects over 3 MiB).

use bytes::{Bytes, BytesMut};
use futures_util::StreamExt;

use crate::error::{Error, Result};

/// Limits on what one response may make the client hold in memory. client-go has none.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ResponseLimits {
    /// The largest body read whole (GET, LIST, create, update...): 1 GiB by default.
    /// A LIST of a very large collection wants pagination (`limit`/`continue`) anyway.
    pub max_body_bytes: usize,
    /// The largest single watch event: 64 MiB by default (twenty times the API
    /// server's object size limit).
    pub max_watch_frame_bytes: usize,
}

/// The default [`ResponseLimits::max_body_bytes`].
pub const DEFAULT_MAX_BODY_BYTES: usize = 1 << 30;
/// The default [`ResponseLimits::max_watch_frame_bytes`].
pub const DEFAULT_MAX_WATCH_FRAME_BYTES: usize = 64 << 20;
/// How much of a failed answer's body is kept for its error (a `Status` is a few
/// hundred bytes).
pub(crate) const MAX_ERROR_BODY_BYTES: usize = 1 << 20;

impl Default for ResponseLimits {
    fn default() -> Self {
        Self {
            max_body_bytes: DEFAULT_MAX_BODY_BYTES,
            max_watch_frame_bytes: DEFAULT_MAX_WATCH_FRAME_BYTES,
        }
    }
}

/// Reads a whole body, failing with [`Error::TooLarge`] once it passes `limit`. A body
/// that arrives in one chunk is handed on as it is, without a copy.
pub(crate) async fn read_body(response: reqwest::Response, limit: usize) -> Result<Bytes> {
    let expected = response.content_length().unwrap_or(0);
    if expected > limit as u64 {
        return Err(too_large("response body", limit));
    }
    let mut first = Bytes::new();
    let mut joined: Option<BytesMut> = None;
    let mut chunks = response.bytes_stream();
    while let Some(chunk) = chunks.next().await {
        let chunk = chunk.map_err(|e| {
            Error::Stream(format!(
                "unexpected error when reading response body. Please retry. Original error: {}",
                clientgo_transport::Error::from(e)
            ))
        })?;
        let read = joined.as_ref().map_or(first.len(), BytesMut::len);
        if read + chunk.len() > limit {
            return Err(too_large("response body", limit));
        }
        match &mut joined {
            Some(body) => body.extend_from_slice(&chunk),
            None if first.is_empty() => first = chunk,
            None => {
                let capacity = usize::try_from(expected)
                    .unwrap_or(0)
                    .max(read + chunk.len());
                let mut body = BytesMut::with_capacity(capacity);
                body.extend_from_slice(&first);
                body.extend_from_slice(&chunk);
                joined = Some(body);
            }
        }
    }
    Ok(joined.map_or(first, BytesMut::freeze))
}

/// Reads at most `limit` bytes of a failed answer's body; the rest is dropped unread.
pub(crate) async fn read_error_body(response: reqwest::Response, limit: usize) -> Bytes {
    let mut body = BytesMut::new();
    let mut chunks = response.bytes_stream();
    while let Some(Ok(chunk)) = chunks.next().await {
        let room = limit - body.len();
        body.extend_from_slice(&chunk[..chunk.len().min(room)]);
        if body.len() == limit {
            break;
        }
    }
    body.freeze()
}

pub(crate) fn too_large(what: &'static str, limit: usize) -> Error {
    Error::TooLarge { what, limit }
}
