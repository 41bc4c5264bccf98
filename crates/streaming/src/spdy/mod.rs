//! SPDY/3.1 client connections, as `kubectl exec`, `attach` and `port-forward` speak
//! them to the API server and the kubelet (k8s.io/streaming's `httpstream/spdy` over
//! the `github.com/moby/spdystream` framing).
//!
//! The caller does the HTTP/1.1 upgrade (a request with `Connection: Upgrade` and
//! `Upgrade: SPDY/3.1` answered by `101 Switching Protocols`) and hands the upgraded
//! byte stream to [`Connection::client`]. Then [`Connection::create_stream`] opens
//! streams ([`Stream`]: [`AsyncRead`](tokio::io::AsyncRead) +
//! [`AsyncWrite`](tokio::io::AsyncWrite)) named by their [`Headers`], such as
//! `streamType: stdout`.
//!
//! ```no_run
//! use clientgo_streaming::spdy::{Connection, DEFAULT_PING_PERIOD, Headers};
//! use tokio::io::{AsyncReadExt, AsyncWriteExt};
//!
//! # async fn run(upgraded: tokio::net::TcpStream) -> Result<(), Box<dyn std::error::Error>> {
//! let conn = Connection::client(upgraded, Some(DEFAULT_PING_PERIOD));
//! let mut stream = conn
//!     .create_stream(Headers::new().with("streamType", "data").with("port", "80"))
//!     .await?;
//! stream.write_all(b"GET / HTTP/1.0\r\n\r\n").await?;
//! stream.shutdown().await?; // FIN: the peer reads end of file
//! let mut reply = Vec::new();
//! stream.read_to_end(&mut reply).await?; // until the peer's FIN
//! conn.close().await;
//! # Ok(()) }
//! ```
//!
//! # What is supported
//!
//! - SPDY/3 framing as spdystream speaks it (version 3): `SYN_STREAM`, `SYN_REPLY`,
//!   `RST_STREAM`, `SETTINGS`, `PING`, `GOAWAY`, `HEADERS`, `WINDOW_UPDATE` and `DATA`
//!   frames. Header blocks are zlib-compressed with the SPDY/3 dictionary, one
//!   compression context per direction for the whole connection, each block ending
//!   with a sync flush. Header names are sent lower-case.
//! - The client role only: streams get odd ids, in order. Streams the server opens are
//!   refused (`RST_STREAM REFUSED_STREAM`), as a Kubernetes client never accepts any.
//! - Streams half-close: shutting down a [`Stream`] sends FIN, reads end at the peer's
//!   FIN. [`Stream::reset`] (and dropping a stream this side has not finished
//!   writing) sends `RST_STREAM CANCEL`; a stream dropped after its FIN is only
//!   forgotten. A reset from the peer ends reading as spdystream's readers
//!   see it: what the peer sent before is read, then end of file (the kubelet and the
//!   API server reset streams they are done with); writes fail with [`Error::Reset`].
//! - Pings: the peer's are answered; with a ping period (client-go uses
//!   [`DEFAULT_PING_PERIOD`], 5 s) one is sent every period to keep the connection
//!   alive through proxies; [`Connection::ping`] measures a round trip.
//! - `GOAWAY` from the peer stops new streams ([`Error::GoneAway`]), streams it did not
//!   accept fail, the others go on. [`Connection::close`] resets unfinished streams,
//!   sends `GOAWAY` and closes the transport.
//! - The end of the connection, whatever its cause (peer closed, transport error,
//!   protocol error, close), ends every stream: no operation waits forever on a dead
//!   connection. [`Connection::closed`] resolves then, with the [`CloseReason`].
//!
//! # What is not
//!
//! - Flow control. spdystream neither sends nor honours `WINDOW_UPDATE`, so neither
//!   does this side; incoming `WINDOW_UPDATE` and `SETTINGS` frames are ignored, and a
//!   transfer of any size goes through. Priorities are sent as 0 and ignored;
//!   `HEADERS` frames after the reply are read (for the compression context and FIN)
//!   and otherwise ignored. Control frames of unknown types are skipped.
//! - The server role, server push, SPDY/2 and SPDY/3's `CREDENTIAL` frames.
//!
//! # Bounds and backpressure
//!
//! - A frame is at most 16 MiB − 1 bytes (its 24-bit length); a control frame at most
//!   [`MAX_CONTROL_FRAME_LENGTH`], checked before its payload is read. A header block
//!   decompresses to at most [`MAX_HEADER_BLOCK_SIZE`] with at most [`MAX_HEADERS`]
//!   entries. Anything beyond, or malformed, is a [`FrameError`]: the connection ends
//!   with [`CloseReason::Protocol`].
//! - Each stream buffers at most [`STREAM_RECEIVE_BUFFER`] bytes (plus the frame that
//!   crossed the limit) that its reader has not taken yet. When a frame arrives for a
//!   full stream, the connection stops reading the transport until that stream is read
//!   (or reset, or dropped): **a stream nobody reads stalls every stream of its
//!   connection**, as with spdystream. Read every stream you open, or reset it.
//! - Writes are queued for one writer task in a bounded queue of frames of at most
//!   [`MAX_DATA_FRAME_PAYLOAD`] bytes; a writer waits when it is full.
//! - Answers to the peer's pings and stream openings wait in a queue of bounded
//!   length; a peer that sends them without reading gets no more answers.

mod compress;
mod connection;
mod dictionary;
mod error;
mod frame;
mod headers;
mod stream;

use std::time::Duration;

pub use connection::Connection;
pub use error::{CloseReason, Error, FrameError, RstStatus};
pub use headers::Headers;
pub use stream::{ResetHandle, Stream};

/// The protocol name of the HTTP/1.1 upgrade (`Upgrade: SPDY/3.1`).
pub const HEADER_SPDY31: &str = "SPDY/3.1";

/// How long [`Connection::create_stream`] waits for the reply (client-go's 30 s).
pub const CREATE_STREAM_TIMEOUT: Duration = Duration::from_secs(30);

/// The ping period of client-go's SPDY round tripper (5 s).
pub const DEFAULT_PING_PERIOD: Duration = Duration::from_secs(5);

/// How long [`Connection::close`] waits for queued frames and `GOAWAY` to be written.
pub const CLOSE_TIMEOUT: Duration = Duration::from_secs(5);

/// The largest control frame payload accepted: a header block of
/// [`MAX_HEADER_BLOCK_SIZE`] with room for incompressible data.
pub const MAX_CONTROL_FRAME_LENGTH: usize = MAX_HEADER_BLOCK_SIZE + 64 * 1024;

/// The largest decompressed header block accepted (and sent).
pub const MAX_HEADER_BLOCK_SIZE: usize = 1024 * 1024;

/// The most header entries a block may have (spdystream's limit).
pub const MAX_HEADERS: usize = 1000;

/// Bytes a stream buffers for its reader before the connection stops reading.
pub const STREAM_RECEIVE_BUFFER: usize = 1024 * 1024;

/// The largest `DATA` payload this side sends: writes are cut into frames of this size.
pub const MAX_DATA_FRAME_PAYLOAD: usize = 64 * 1024;

#[cfg(test)]
mod tests;
