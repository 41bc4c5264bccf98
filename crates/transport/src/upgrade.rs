//! Connection upgrades: the HTTP/1.1 handshake that turns a request into a raw
//! bidirectional stream for WebSocket or SPDY/3.1 (client-go's `transport/websocket`
//! and `transport/spdy` round trippers). Exec, attach and port-forward run over them.
//!
//! Rules:
//! - The request carries the transport's TLS, proxy, user agent, impersonation and
//!   credentials, like every other request, on a connection of its own (HTTP/1.1:
//!   HTTP/2 has no upgrades). Redirects are not followed: a redirected upgrade fails.
//! - The subprotocols are offered in preference order: for WebSocket in one
//!   `Sec-WebSocket-Protocol` header, for SPDY one `X-Stream-Protocol-Version` header
//!   each. The server's choice is [`Upgraded::protocol`].
//! - Anything but `101 Switching Protocols` is an [`UpgradeError`]: the body (at most
//!   64 KiB) becomes the server's `Status` when it is one, else a generic status error
//!   with the trimmed text, so `errors::is_forbidden` and friends work on it, and
//!   fallbacks from WebSocket to SPDY can tell a refused upgrade from other failures.
//! - WebSocket answers are checked (`Sec-WebSocket-Accept`, and a subprotocol that was
//!   offered); an answer picking another subprotocol is an [`UpgradeError`] too.

use std::fmt;

use base64::Engine as _;
use clientgo_apimachinery::errors::{HttpResponse, StatusError};
use reqwest::header::{CONNECTION, HeaderMap, HeaderValue, UPGRADE};
use sha1::{Digest, Sha1};

use crate::client::Transport;
use crate::error::{Error, Result};

/// Most bytes of a refused upgrade's body that are read.
const MAX_ERROR_BODY: usize = 64 * 1024;
/// The GUID RFC 6455 appends to the key before hashing it.
const WEBSOCKET_GUID: &str = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";
/// The header carrying offered and chosen SPDY stream protocols.
pub const STREAM_PROTOCOL_HEADER: &str = "X-Stream-Protocol-Version";
/// The header carrying offered and chosen WebSocket subprotocols.
pub const WEBSOCKET_PROTOCOL_HEADER: &str = "Sec-WebSocket-Protocol";

/// What a connection is upgraded to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum UpgradeProtocol {
    /// WebSocket (RFC 6455); the caller speaks WebSocket frames over the stream.
    WebSocket,
    /// SPDY/3.1; the caller speaks SPDY frames over the stream.
    Spdy,
}

/// An upgraded connection: the raw byte stream and the server's chosen subprotocol.
#[derive(Debug)]
pub struct Upgraded {
    /// The connection, past the HTTP handshake.
    pub io: reqwest::Upgraded,
    /// The subprotocol the server chose (empty when it chose none).
    pub protocol: String,
}

/// A server that refused to upgrade the connection (client-go's
/// `httpstream.UpgradeFailureError`).
///
/// `Display` reads `unable to upgrade connection: <server message>`; the source is the
/// [`StatusError`] made from the answer, so the `errors::is_*` predicates apply.
#[derive(Debug)]
pub struct UpgradeError {
    status: StatusError,
    http_status: u16,
}

impl UpgradeError {
    /// The server's answer as an API error.
    pub fn status(&self) -> &StatusError {
        &self.status
    }

    /// The HTTP status code of the answer (101 when the handshake answer itself was
    /// wrong).
    pub fn http_status(&self) -> u16 {
        self.http_status
    }

    fn invalid_answer(message: String) -> Self {
        Self {
            status: StatusError::new_internal_error(message),
            http_status: 101,
        }
    }
}

impl fmt::Display for UpgradeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "unable to upgrade connection: {}", self.status)
    }
}

impl std::error::Error for UpgradeError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(&self.status)
    }
}

impl Transport {
    /// Upgrades a `method` request for `url` to `protocol`, offering `subprotocols` in
    /// preference order, and returns the raw connection.
    ///
    /// Fails with [`Error::Upgrade`] when the server answers anything but a valid
    /// `101 Switching Protocols`, and with the other errors of [`Transport::send`] when
    /// it cannot be reached.
    pub async fn upgrade(
        &self,
        method: reqwest::Method,
        url: reqwest::Url,
        protocol: UpgradeProtocol,
        subprotocols: &[&str],
    ) -> Result<Upgraded> {
        let mut request = reqwest::Request::new(method, url);
        let headers = request.headers_mut();
        headers.insert(CONNECTION, HeaderValue::from_static("Upgrade"));
        let websocket_key = match protocol {
            UpgradeProtocol::WebSocket => {
                let key = websocket_key();
                headers.insert(UPGRADE, HeaderValue::from_static("websocket"));
                headers.insert("Sec-WebSocket-Version", HeaderValue::from_static("13"));
                headers.insert("Sec-WebSocket-Key", header_value(&key)?);
                if !subprotocols.is_empty() {
                    headers.insert(
                        WEBSOCKET_PROTOCOL_HEADER,
                        header_value(&subprotocols.join(", "))?,
                    );
                }
                Some(key)
            }
            UpgradeProtocol::Spdy => {
                headers.insert(UPGRADE, HeaderValue::from_static("SPDY/3.1"));
                for subprotocol in subprotocols {
                    headers.append(STREAM_PROTOCOL_HEADER, header_value(subprotocol)?);
                }
                None
            }
        };
        let response = self.send_for_upgrade(request).await?;
        let code = response.status().as_u16();
        if code != 101 {
            return Err(refused(response).await);
        }
        let answer = response.headers();
        let chosen = match &websocket_key {
            Some(key) => {
                let expected = websocket_accept(key);
                if header(answer, "Sec-WebSocket-Accept") != expected {
                    return Err(Error::Upgrade(UpgradeError::invalid_answer(
                        "the server's Sec-WebSocket-Accept does not match the key".into(),
                    )));
                }
                let chosen = header(answer, WEBSOCKET_PROTOCOL_HEADER).to_owned();
                if !subprotocols.is_empty() && !subprotocols.contains(&chosen.as_str()) {
                    return Err(Error::Upgrade(UpgradeError::invalid_answer(format!(
                        "invalid protocol, expected one of {subprotocols:?}, got {chosen:?}"
                    ))));
                }
                chosen
            }
            None => header(answer, STREAM_PROTOCOL_HEADER).to_owned(),
        };
        let io = response.upgrade().await?;
        Ok(Upgraded {
            io,
            protocol: chosen,
        })
    }
}

/// The error for a refused upgrade, from its answer.
async fn refused(mut response: reqwest::Response) -> Error {
    let code = response.status().as_u16();
    let content_type = header(response.headers(), "content-type").to_owned();
    let mut body = Vec::new();
    while body.len() < MAX_ERROR_BODY {
        match response.chunk().await {
            Ok(Some(chunk)) => body.extend_from_slice(&chunk),
            _ => break,
        }
    }
    body.truncate(MAX_ERROR_BODY);
    let status = StatusError::from_response(&HttpResponse {
        code,
        verb: "",
        resource: None,
        name: "",
        content_type: (!content_type.is_empty()).then_some(content_type.as_str()),
        body: &body,
        retry_after_seconds: 0,
    });
    Error::Upgrade(UpgradeError {
        status,
        http_status: code,
    })
}

fn header<'a>(headers: &'a HeaderMap, name: &str) -> &'a str {
    headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .trim()
}

fn header_value(text: &str) -> Result<HeaderValue> {
    HeaderValue::from_str(text)
        .map_err(|_| Error::Config(format!("{text:?} is not a valid header value")))
}

/// A fresh `Sec-WebSocket-Key`: 16 random bytes, base64.
fn websocket_key() -> String {
    let bytes: [u8; 16] = std::array::from_fn(|_| fastrand::u8(..));
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

/// The `Sec-WebSocket-Accept` a server must answer to `key`.
fn websocket_accept(key: &str) -> String {
    let mut hash = Sha1::new();
    hash.update(key.as_bytes());
    hash.update(WEBSOCKET_GUID.as_bytes());
    base64::engine::general_purpose::STANDARD.encode(hash.finalize())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accept_key_of_rfc_6455_example() {
        // The example handshake of RFC 6455, section 1.3.
        assert_eq!(
            websocket_accept("dGhlIHNhbXBsZSBub25jZQ=="),
            "s3pPLMBiTxaQ9kYGzzhZRbK+xOo="
        );
    }

    #[test]
    fn keys_are_sixteen_random_bytes() {
        let (a, b) = (websocket_key(), websocket_key());
        assert_ne!(a, b);
        let decoded = base64::engine::general_purpose::STANDARD
            .decode(&a)
            .unwrap();
        assert_eq!(decoded.len(), 16);
    }
}
