//! Exec and attach over WebSocket (KEP-4006, client-go's `wsStreamExecutor`): every
//! stream is a channel of one WebSocket connection.
//!
//! Rules:
//! - Each write is one binary message `[channel][data]`; writes are serialised and
//!   given [`WRITE_TIMEOUT`]. Closing stdin sends `[255, 0]` with v5 (older versions
//!   have no close signal).
//! - One task reads messages and hands each to its channel's reader through a small
//!   bounded queue, so a slow local writer slows the connection instead of filling
//!   memory. Messages of channels nobody opened are dropped; empty messages are
//!   ignored; a text message fails every reader.
//! - A normal close (1000) ends every reader (end of stream). Any other close, an error,
//!   or a connection that ends without a close frame fails every reader, so a cut
//!   connection is never taken for a command that succeeded.
//! - Heartbeat: a ping every [`PING_PERIOD`]; when nothing at all (data, ping or pong)
//!   arrives for [`READ_TIMEOUT`], the connection is considered dead.
//! - Incoming messages are limited to [`MAX_MESSAGE`] bytes.

use std::collections::HashMap;
use std::io;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll, ready};
use std::time::Duration;

use bytes::Bytes;
use futures_util::stream::{SplitSink, SplitStream};
use futures_util::{SinkExt, StreamExt};
use tokio::io::{AsyncRead, ReadBuf};
use tokio::sync::{Mutex, mpsc};
use tokio::task::JoinHandle;
use tokio::time::Instant;
use tokio_tungstenite::WebSocketStream;
use tokio_tungstenite::tungstenite::protocol::frame::coding::CloseCode;
use tokio_tungstenite::tungstenite::protocol::{Role, WebSocketConfig};
use tokio_tungstenite::tungstenite::{Bytes as WsBytes, Message};

use crate::error::{Error, Result};
use crate::protocol::{CLOSE_CHANNEL, StreamType, Version};
use crate::session::{Channels, RemoteWriter};

/// How often a ping is sent.
pub const PING_PERIOD: Duration = Duration::from_secs(5);
/// How long the connection may stay silent: twelve missed pings and a second.
pub const READ_TIMEOUT: Duration = Duration::from_secs(61);
/// How long one write may take.
pub const WRITE_TIMEOUT: Duration = Duration::from_secs(60);
/// The largest message accepted from the server.
pub const MAX_MESSAGE: usize = 16 * 1024 * 1024;
/// Messages queued per channel before the reader waits for the local side.
const CHANNEL_QUEUE: usize = 16;

type Socket = WebSocketStream<reqwest::Upgraded>;
type Sink = Arc<Mutex<SplitSink<Socket, Message>>>;

/// The channels of one WebSocket connection.
pub(crate) struct WebSocketChannels {
    version: Version,
    sink: Sink,
    source: Option<SplitStream<Socket>>,
    readers: HashMap<u8, mpsc::Sender<io::Result<Bytes>>>,
    tasks: Vec<JoinHandle<()>>,
}

impl WebSocketChannels {
    /// Wraps an upgraded connection speaking `version`.
    pub(crate) async fn new(io: reqwest::Upgraded, version: Version) -> Self {
        let mut config = WebSocketConfig::default();
        config.max_message_size = Some(MAX_MESSAGE);
        config.max_frame_size = Some(MAX_MESSAGE);
        let socket = WebSocketStream::from_raw_socket(io, Role::Client, Some(config)).await;
        let (sink, source) = socket.split();
        Self {
            version,
            sink: Arc::new(Mutex::new(sink)),
            source: Some(source),
            readers: HashMap::new(),
            tasks: Vec::new(),
        }
    }
}

impl Drop for WebSocketChannels {
    fn drop(&mut self) {
        for task in &self.tasks {
            task.abort();
        }
    }
}

impl Channels for WebSocketChannels {
    type Reader = ChannelReader;
    type Writer = ChannelWriter;

    async fn reader(&mut self, kind: StreamType) -> Result<ChannelReader> {
        let (sender, receiver) = mpsc::channel(CHANNEL_QUEUE);
        if self.readers.insert(kind.channel(), sender).is_some() {
            return Err(Error::Connection(format!(
                "duplicate stream for type {}",
                kind.header_value()
            )));
        }
        Ok(ChannelReader {
            receiver,
            current: Bytes::new(),
        })
    }

    async fn writer(&mut self, kind: StreamType) -> Result<ChannelWriter> {
        Ok(ChannelWriter {
            channel: kind.channel(),
            sink: self.sink.clone(),
            close_signal: self.version >= Version::V5,
            closed: false,
        })
    }

    fn ready(&mut self) {
        let Some(source) = self.source.take() else {
            return;
        };
        let readers = std::mem::take(&mut self.readers);
        self.tasks.push(tokio::spawn(demultiplex(source, readers)));
        self.tasks.push(tokio::spawn(heartbeat(self.sink.clone())));
    }
}

/// Reads every message and hands it to its channel; ends every channel at the end.
async fn demultiplex(
    mut source: SplitStream<Socket>,
    readers: HashMap<u8, mpsc::Sender<io::Result<Bytes>>>,
) {
    let failure = loop {
        let next = tokio::time::timeout_at(Instant::now() + READ_TIMEOUT, source.next()).await;
        let message = match next {
            Err(_) => break Some(format!("no message or pong for {READ_TIMEOUT:?}")),
            Ok(None) => {
                break Some("next reader: the connection closed without a close frame".into());
            }
            Ok(Some(Err(error))) => break Some(format!("next reader: {error}")),
            Ok(Some(Ok(message))) => message,
        };
        match message {
            Message::Binary(data) => {
                let Some((&channel, _)) = data.split_first() else {
                    continue;
                };
                match readers.get(&channel) {
                    // A reader that is gone (its copy ended) no longer needs data.
                    Some(reader) => {
                        let _ = reader.send(Ok(data.slice(1..))).await;
                    }
                    None => tracing::debug!(channel, "data for a channel nobody opened; dropped"),
                }
            }
            Message::Close(frame) => {
                break match frame {
                    Some(frame) if frame.code != CloseCode::Normal => Some(format!(
                        "next reader: websocket closed with code {}: {}",
                        u16::from(frame.code),
                        frame.reason
                    )),
                    _ => None,
                };
            }
            Message::Text(_) => break Some("unexpected message type: text".into()),
            Message::Ping(_) | Message::Pong(_) | Message::Frame(_) => {}
        }
    };
    if let Some(failure) = failure {
        for reader in readers.values() {
            let error = io::Error::new(io::ErrorKind::ConnectionAborted, failure.clone());
            let _ = reader.try_send(Err(error));
        }
    }
    // Dropping the senders ends every reader.
}

/// Sends a ping every [`PING_PERIOD`] until a ping cannot be sent.
async fn heartbeat(sink: Sink) {
    let mut ticks = tokio::time::interval_at(Instant::now() + PING_PERIOD, PING_PERIOD);
    loop {
        ticks.tick().await;
        let mut sink = sink.lock().await;
        match tokio::time::timeout(WRITE_TIMEOUT, sink.send(Message::Ping(WsBytes::new()))).await {
            Ok(Ok(())) => {}
            // A slow write is tolerated; the read timeout decides whether the peer is gone.
            Err(_) => {}
            Ok(Err(error)) => {
                tracing::debug!(%error, "websocket ping failed; heartbeat stopped");
                return;
            }
        }
    }
}

/// The reading side of one channel.
pub(crate) struct ChannelReader {
    receiver: mpsc::Receiver<io::Result<Bytes>>,
    current: Bytes,
}

impl AsyncRead for ChannelReader {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        while self.current.is_empty() {
            match ready!(self.receiver.poll_recv(cx)) {
                Some(Ok(data)) => self.current = data,
                Some(Err(error)) => return Poll::Ready(Err(error)),
                None => return Poll::Ready(Ok(())),
            }
        }
        let n = self.current.len().min(buf.remaining());
        buf.put_slice(&self.current.split_to(n));
        Poll::Ready(Ok(()))
    }
}

/// The writing side of one channel.
pub(crate) struct ChannelWriter {
    channel: u8,
    sink: Sink,
    close_signal: bool,
    closed: bool,
}

impl ChannelWriter {
    async fn write_message(&self, message: Vec<u8>) -> io::Result<()> {
        let mut sink = self.sink.lock().await;
        match tokio::time::timeout(WRITE_TIMEOUT, sink.send(Message::Binary(message.into()))).await
        {
            Ok(result) => result.map_err(io::Error::other),
            Err(_) => Err(io::Error::new(
                io::ErrorKind::TimedOut,
                format!("write on stream {} timed out", self.channel),
            )),
        }
    }
}

impl RemoteWriter for ChannelWriter {
    async fn send(&mut self, data: &[u8]) -> io::Result<()> {
        if self.closed {
            return Err(io::Error::other(format!(
                "write on closed stream {}",
                self.channel
            )));
        }
        let mut message = Vec::with_capacity(data.len() + 1);
        message.push(self.channel);
        message.extend_from_slice(data);
        self.write_message(message).await
    }

    async fn close(&mut self) -> io::Result<()> {
        if self.closed {
            return Err(io::Error::other(format!(
                "Close() on already closed stream {}",
                self.channel
            )));
        }
        self.closed = true;
        if self.close_signal {
            self.write_message(vec![CLOSE_CHANNEL, self.channel])
                .await?;
        }
        Ok(())
    }
}
