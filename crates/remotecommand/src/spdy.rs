//! Exec and attach over SPDY/3.1 (client-go's `spdyStreamExecutor`): every stream is a
//! SPDY stream named by its `streamType` header.
//!
//! Rules: streams are opened one after the other, each waiting for the server's reply
//! (client-go's order, see [`crate::session`]); closing stdin half-closes its stream
//! (FIN); the connection sends a ping every [`DEFAULT_PING_PERIOD`] and is closed when
//! the session ends.

use std::io;

use clientgo_streaming::spdy::{Connection, DEFAULT_PING_PERIOD, Headers, Stream};
use tokio::io::AsyncWriteExt;

use crate::error::{Error, Result};
use crate::protocol::StreamType;
use crate::session::{Channels, RemoteWriter};

/// The header naming a stream's type.
const STREAM_TYPE: &str = "streamType";

/// The streams of one SPDY connection.
pub(crate) struct SpdyChannels {
    connection: Connection,
}

impl SpdyChannels {
    /// Runs SPDY over an upgraded connection.
    pub(crate) fn new(io: reqwest::Upgraded) -> Self {
        Self {
            connection: Connection::client(io, Some(DEFAULT_PING_PERIOD)),
        }
    }

    async fn open(&self, kind: StreamType) -> Result<Stream> {
        let headers = Headers::new().with(STREAM_TYPE, kind.header_value());
        self.connection.create_stream(headers).await.map_err(|e| {
            Error::Connection(format!("creating the {} stream: {e}", kind.header_value()))
        })
    }
}

impl Channels for SpdyChannels {
    type Reader = Stream;
    type Writer = SpdyWriter;

    async fn reader(&mut self, kind: StreamType) -> Result<Stream> {
        self.open(kind).await
    }

    async fn writer(&mut self, kind: StreamType) -> Result<SpdyWriter> {
        Ok(SpdyWriter(self.open(kind).await?))
    }

    fn ready(&mut self) {}
}

/// A stream the client writes.
pub(crate) struct SpdyWriter(Stream);

impl RemoteWriter for SpdyWriter {
    async fn send(&mut self, data: &[u8]) -> io::Result<()> {
        self.0.write_all(data).await
    }

    async fn close(&mut self) -> io::Result<()> {
        self.0.shutdown().await
    }
}
