//! SPDY tunnelled through WebSocket (client-go's `TunnelingConnection`): the bytes of a
//! SPDY connection travel as the payloads of binary WebSocket messages.
//!
//! Rules: message boundaries mean nothing (a SPDY frame may span messages, a message
//! may hold several); a normal close or the peer's close frame ends the stream; a text
//! message is an error ("invalid message type received"); shutting down sends a normal
//! close frame. Pings from the server are answered by the WebSocket layer.

use std::io;
use std::pin::Pin;
use std::task::{Context, Poll, ready};

use bytes::Bytes;
use futures_util::{Sink, Stream};
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio_tungstenite::WebSocketStream;
use tokio_tungstenite::tungstenite::protocol::frame::coding::CloseCode;
use tokio_tungstenite::tungstenite::protocol::{CloseFrame, Role, WebSocketConfig};
use tokio_tungstenite::tungstenite::{Error as WsError, Message};

/// The largest WebSocket message accepted from the server.
const MAX_MESSAGE: usize = 16 * 1024 * 1024;

/// A byte stream carried by a WebSocket connection.
pub(crate) struct Tunnel {
    socket: WebSocketStream<reqwest::Upgraded>,
    /// The unread rest of the last message.
    pending: Bytes,
    /// A close frame was queued.
    closing: bool,
}

impl Tunnel {
    /// Wraps an upgraded WebSocket connection.
    pub(crate) async fn new(io: reqwest::Upgraded) -> Self {
        let mut config = WebSocketConfig::default();
        config.max_message_size = Some(MAX_MESSAGE);
        config.max_frame_size = Some(MAX_MESSAGE);
        Self {
            socket: WebSocketStream::from_raw_socket(io, Role::Client, Some(config)).await,
            pending: Bytes::new(),
            closing: false,
        }
    }
}

fn io_error(error: WsError) -> io::Error {
    match error {
        WsError::Io(io) => io,
        WsError::ConnectionClosed | WsError::AlreadyClosed => io::ErrorKind::BrokenPipe.into(),
        other => io::Error::other(other),
    }
}

impl AsyncRead for Tunnel {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        while self.pending.is_empty() {
            match ready!(Pin::new(&mut self.socket).poll_next(cx)) {
                Some(Ok(Message::Binary(data))) => self.pending = data,
                Some(Ok(Message::Close(_))) | None => return Poll::Ready(Ok(())),
                Some(Ok(Message::Text(_))) => {
                    return Poll::Ready(Err(io::Error::other("invalid message type received")));
                }
                Some(Ok(_)) => {} // ping, pong
                Some(Err(WsError::ConnectionClosed)) => return Poll::Ready(Ok(())),
                Some(Err(error)) => return Poll::Ready(Err(io_error(error))),
            }
        }
        let n = self.pending.len().min(buf.remaining());
        let chunk = self.pending.split_to(n);
        buf.put_slice(&chunk);
        Poll::Ready(Ok(()))
    }
}

impl AsyncWrite for Tunnel {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        data: &[u8],
    ) -> Poll<io::Result<usize>> {
        let socket = Pin::new(&mut self.socket);
        ready!(socket.poll_ready(cx)).map_err(io_error)?;
        Pin::new(&mut self.socket)
            .start_send(Message::Binary(Bytes::copy_from_slice(data)))
            .map_err(io_error)?;
        Poll::Ready(Ok(data.len()))
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.socket).poll_flush(cx).map_err(io_error)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        if !self.closing {
            ready!(Pin::new(&mut self.socket).poll_ready(cx)).map_err(io_error)?;
            let frame = CloseFrame {
                code: CloseCode::Normal,
                reason: "".into(),
            };
            Pin::new(&mut self.socket)
                .start_send(Message::Close(Some(frame)))
                .map_err(io_error)?;
            self.closing = true;
        }
        match ready!(Pin::new(&mut self.socket).poll_close(cx)) {
            Ok(()) | Err(WsError::ConnectionClosed | WsError::AlreadyClosed) => Poll::Ready(Ok(())),
            Err(error) => Poll::Ready(Err(io_error(error))),
        }
    }
}
