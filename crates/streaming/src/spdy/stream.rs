//! Streams of a SPDY connection: their shared state and the [`Stream`] handle.

use std::collections::VecDeque;
use std::fmt;
use std::future::Future;
use std::io;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::AtomicBool;
use std::task::{Context, Poll, Waker, ready};

use bytes::{Buf, Bytes};
use parking_lot::Mutex;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::sync::mpsc::OwnedPermit;
use tokio::sync::mpsc::error::SendError;
use tokio::sync::oneshot;

use super::connection::{Command, ConnShared};
use super::error::{CloseReason, Error, RstStatus};
use super::frame::Frame;
use super::headers::Headers;
use super::{MAX_DATA_FRAME_PAYLOAD, STREAM_RECEIVE_BUFFER};

/// How a stream ended before both sides finished it.
#[derive(Debug, Clone)]
pub(crate) enum End {
    PeerReset(RstStatus),
    LocalReset,
    GoneAway,
    Connection(CloseReason),
}

impl End {
    pub(crate) fn to_error(&self, stream_id: u32) -> Error {
        match self {
            End::PeerReset(status) => Error::Reset {
                stream_id,
                status: *status,
            },
            End::LocalReset => Error::ResetLocally { stream_id },
            End::GoneAway => Error::GoneAway,
            End::Connection(reason) => Error::ConnectionClosed(reason.clone()),
        }
    }
}

/// What the reader task and the stream handle share.
pub(crate) struct StreamShared {
    pub(crate) id: u32,
    pub(crate) state: Mutex<StreamState>,
    /// Whether [`Connection::close`](super::Connection::close) resets the stream
    /// (cleared by [`Connection::remove_stream`](super::Connection::remove_stream)).
    pub(crate) registered: AtomicBool,
}

pub(crate) struct StreamState {
    /// Where the reply goes while the creator waits for it.
    pub(crate) reply: Option<oneshot::Sender<Result<Headers, End>>>,
    pub(crate) replied: bool,
    recv: VecDeque<Bytes>,
    recv_len: usize,
    pub(crate) remote_fin: bool,
    pub(crate) local_fin: bool,
    pub(crate) ended: Option<End>,
    /// The handle is gone: data is dropped on arrival.
    abandoned: bool,
    read_waker: Option<Waker>,
    /// The reader task, waiting for the receive buffer to drain.
    space_waker: Option<Waker>,
}

impl StreamShared {
    pub(crate) fn new(id: u32, reply: oneshot::Sender<Result<Headers, End>>) -> Self {
        Self {
            id,
            state: Mutex::new(StreamState {
                reply: Some(reply),
                replied: false,
                recv: VecDeque::new(),
                recv_len: 0,
                remote_fin: false,
                local_fin: false,
                ended: None,
                abandoned: false,
                read_waker: None,
                space_waker: None,
            }),
            registered: AtomicBool::new(true),
        }
    }

    /// Ends the stream (if it has not ended yet) and wakes everyone waiting on it.
    /// Returns whether this call ended it.
    pub(crate) fn end(&self, end: End) -> bool {
        let mut state = self.state.lock();
        if state.ended.is_some() {
            return false;
        }
        if let Some(reply) = state.reply.take() {
            let _ = reply.send(Err(end.clone()));
        }
        state.ended = Some(end);
        wake(&mut state.read_waker);
        wake(&mut state.space_waker);
        true
    }

    /// The reply arrived: hands its headers to the waiting creator. Returns `false`
    /// for a second reply (ignored, as spdystream does).
    pub(crate) fn replied(&self, headers: Headers, fin: bool) -> bool {
        let mut state = self.state.lock();
        if state.replied {
            return false;
        }
        state.replied = true;
        if let Some(reply) = state.reply.take() {
            let _ = reply.send(Ok(headers));
        }
        if fin {
            state.remote_fin = true;
            wake(&mut state.read_waker);
        }
        true
    }

    /// The peer finished its side (FIN on a `HEADERS` frame). Returns whether both
    /// sides are now finished.
    pub(crate) fn remote_finished(&self) -> bool {
        let mut state = self.state.lock();
        state.remote_fin = true;
        wake(&mut state.read_waker);
        state.local_fin
    }

    pub(crate) fn is_replied(&self) -> bool {
        self.state.lock().replied
    }

    /// Queues data from the peer, waiting while the receive buffer is full (this
    /// stalls the reader task, and so every stream of the connection). Returns whether
    /// both sides are finished afterwards.
    pub(crate) async fn deliver(&self, data: Bytes, fin: bool) -> bool {
        let mut data = Some(data);
        std::future::poll_fn(|cx| {
            let mut state = self.state.lock();
            if state.ended.is_some() || state.abandoned || state.remote_fin {
                // Nobody will read it (data after FIN breaks the protocol: dropped).
                if fin && state.ended.is_none() {
                    state.remote_fin = true;
                }
                return Poll::Ready(state.local_fin && state.remote_fin);
            }
            let len = data.as_ref().map_or(0, Bytes::len);
            if len > 0 && state.recv_len >= STREAM_RECEIVE_BUFFER {
                state.space_waker = Some(cx.waker().clone());
                return Poll::Pending;
            }
            if let Some(data) = data.take().filter(|d| !d.is_empty()) {
                state.recv_len += data.len();
                state.recv.push_back(data);
            }
            if fin {
                state.remote_fin = true;
            }
            wake(&mut state.read_waker);
            Poll::Ready(state.local_fin && state.remote_fin)
        })
        .await
    }

    /// Why writing is impossible, if it is.
    fn write_error(&self) -> Option<Error> {
        let state = self.state.lock();
        if let Some(end) = &state.ended {
            return Some(end.to_error(self.id));
        }
        state
            .local_fin
            .then_some(Error::WriteAfterClose { stream_id: self.id })
    }

    fn ended_error(&self) -> Option<Error> {
        self.state
            .lock()
            .ended
            .as_ref()
            .map(|end| end.to_error(self.id))
    }

    fn poll_read(&self, cx: &mut Context<'_>, buf: &mut ReadBuf<'_>) -> Poll<io::Result<()>> {
        let mut state = self.state.lock();
        match &state.ended {
            // Our own reset, or a stream the peer never accepted: nothing to read.
            Some(end @ (End::LocalReset | End::GoneAway)) => {
                return Poll::Ready(Err(end.to_error(self.id).into()));
            }
            // The peer's reset ends its side: what it sent before is read, then end of
            // file, as spdystream's readers see it (the kubelet and the API server reset
            // streams they are done with instead of finishing them).
            Some(End::PeerReset(_) | End::Connection(_)) | None => {}
        }
        if !state.recv.is_empty() {
            while buf.remaining() > 0 {
                let Some(front) = state.recv.front_mut() else {
                    break;
                };
                let n = front.len().min(buf.remaining());
                buf.put_slice(&front[..n]);
                front.advance(n);
                if front.is_empty() {
                    state.recv.pop_front();
                }
                state.recv_len -= n;
            }
            if state.recv_len < STREAM_RECEIVE_BUFFER {
                wake(&mut state.space_waker);
            }
            return Poll::Ready(Ok(()));
        }
        if state.remote_fin || matches!(state.ended, Some(End::PeerReset(_))) {
            return Poll::Ready(Ok(()));
        }
        if let Some(end) = &state.ended {
            // The connection ended before the peer finished this stream.
            return Poll::Ready(Err(end.to_error(self.id).into()));
        }
        state.read_waker = Some(cx.waker().clone());
        Poll::Pending
    }

    /// Marks the local side finished; returns whether both sides are.
    fn local_finished(&self) -> bool {
        let mut state = self.state.lock();
        state.local_fin = true;
        state.remote_fin
    }
}

fn wake(waker: &mut Option<Waker>) {
    if let Some(waker) = waker.take() {
        waker.wake();
    }
}

/// Resets a stream from this side: it ends for both directions, `RST_STREAM` goes out
/// unless both sides had already finished it.
pub(crate) fn reset_stream(shared: &StreamShared, conn: &ConnShared, status: RstStatus) {
    let finished = {
        let state = shared.state.lock();
        state.ended.is_some() || (state.local_fin && state.remote_fin)
    };
    if !finished && shared.end(End::LocalReset) {
        conn.send_control(Frame::RstStream {
            stream_id: shared.id,
            status,
        });
    }
    conn.forget_stream(shared.id);
}

type WriteFuture =
    Pin<Box<dyn Future<Output = Result<OwnedPermit<Command>, SendError<()>>> + Send>>;
type FlushFuture = Pin<Box<dyn Future<Output = io::Result<()>> + Send>>;

/// A stream of a SPDY connection, opened by
/// [`Connection::create_stream`](super::Connection::create_stream).
///
/// - Reading ([`AsyncRead`]) returns what the peer sent, then end of file once the
///   peer's FIN arrived. Data buffered before the connection ended is still returned;
///   after it, a stream the peer had not finished fails with
///   [`Error::ConnectionClosed`]. A reset (either side) fails reads at once,
///   dropping what was not read.
/// - Writing ([`AsyncWrite`]) sends `DATA` frames of at most
///   [`MAX_DATA_FRAME_PAYLOAD`] bytes; a write completes when its frame is queued for
///   the connection's writer. `flush` waits until everything queued so far went to
///   the transport; `shutdown` sends FIN (closes this side for writing, the peer reads
///   end of file) and flushes.
/// - Errors surface as [`io::Error`]s wrapping an [`Error`] (kind from
///   [`Error::io_kind`]).
///
/// Dropping a stream that is still open in either direction resets it
/// (`RST_STREAM CANCEL`). To end it cleanly, shut it down and read to end of file.
/// To read and write from different tasks, use [`tokio::io::split`] and keep a
/// [`ResetHandle`] for resets.
pub struct Stream {
    shared: Arc<StreamShared>,
    conn: Arc<ConnShared>,
    headers: Headers,
    // Behind mutexes only to make the stream `Sync`; accessed through `get_mut`.
    write: Mutex<Option<WriteFuture>>,
    flush: Mutex<Option<FlushFuture>>,
    shutdown: Mutex<Option<FlushFuture>>,
}

impl Stream {
    pub(crate) fn new(shared: Arc<StreamShared>, conn: Arc<ConnShared>, headers: Headers) -> Self {
        Self {
            shared,
            conn,
            headers,
            write: Mutex::new(None),
            flush: Mutex::new(None),
            shutdown: Mutex::new(None),
        }
    }

    /// The stream id (odd: streams of a client).
    pub fn id(&self) -> u32 {
        self.shared.id
    }

    /// The headers of the peer's reply (`SYN_REPLY`); the kubelet and the API server
    /// reply without headers.
    pub fn headers(&self) -> &Headers {
        &self.headers
    }

    /// Resets the stream (`RST_STREAM CANCEL`): both directions end, reads and writes
    /// fail with [`Error::ResetLocally`]. Does nothing on a stream that already ended.
    pub fn reset(&self) {
        reset_stream(&self.shared, &self.conn, RstStatus::Cancel);
    }

    /// A handle that can reset this stream from elsewhere (another task).
    pub fn reset_handle(&self) -> ResetHandle {
        ResetHandle {
            shared: Arc::clone(&self.shared),
            conn: Arc::clone(&self.conn),
        }
    }

    /// Whether the stream ended: reset by either side, or its connection ended before
    /// both sides finished it.
    pub fn is_reset(&self) -> bool {
        self.shared.state.lock().ended.is_some()
    }

    fn closed_error(&self) -> io::Error {
        Error::ConnectionClosed(self.conn.close_reason().unwrap_or(CloseReason::Closed)).into()
    }
}

impl fmt::Debug for Stream {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let state = self.shared.state.lock();
        f.debug_struct("Stream")
            .field("id", &self.shared.id)
            .field("headers", &self.headers)
            .field("local_fin", &state.local_fin)
            .field("remote_fin", &state.remote_fin)
            .field("ended", &state.ended)
            .finish()
    }
}

impl AsyncRead for Stream {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        self.shared.poll_read(cx, buf)
    }
}

impl AsyncWrite for Stream {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        let this = self.get_mut();
        if let Some(error) = this.shared.write_error() {
            *this.write.get_mut() = None;
            return Poll::Ready(Err(error.into()));
        }
        if buf.is_empty() {
            return Poll::Ready(Ok(0));
        }
        let conn = &this.conn;
        let pending = this
            .write
            .get_mut()
            .get_or_insert_with(|| Box::pin(conn.data_sender().reserve_owned()));
        let permit = ready!(pending.as_mut().poll(cx));
        *this.write.get_mut() = None;
        let Ok(permit) = permit else {
            return Poll::Ready(Err(this.closed_error()));
        };
        // The stream may have ended while waiting for room.
        if let Some(error) = this.shared.write_error() {
            return Poll::Ready(Err(error.into()));
        }
        let n = buf.len().min(MAX_DATA_FRAME_PAYLOAD);
        permit.send(Command::Frame(Frame::Data {
            stream_id: this.shared.id,
            fin: false,
            data: Bytes::copy_from_slice(&buf[..n]),
        }));
        Poll::Ready(Ok(n))
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        if this.flush.get_mut().is_none() {
            if let Some(error) = this.shared.ended_error() {
                return Poll::Ready(Err(error.into()));
            }
            *this.flush.get_mut() = Some(Box::pin(flush(Arc::clone(&this.conn))));
        }
        let Some(pending) = this.flush.get_mut().as_mut() else {
            return Poll::Ready(Ok(()));
        };
        let result = ready!(pending.as_mut().poll(cx));
        *this.flush.get_mut() = None;
        Poll::Ready(result)
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        if this.shutdown.get_mut().is_none() {
            let state = this.shared.state.lock();
            if let Some(end) = &state.ended {
                return Poll::Ready(Err(end.to_error(this.shared.id).into()));
            }
            if state.local_fin {
                return Poll::Ready(Ok(()));
            }
            drop(state);
            let (shared, conn) = (Arc::clone(&this.shared), Arc::clone(&this.conn));
            *this.shutdown.get_mut() = Some(Box::pin(async move {
                let closed = || {
                    io::Error::from(Error::ConnectionClosed(
                        conn.close_reason().unwrap_or(CloseReason::Closed),
                    ))
                };
                let permit = conn
                    .data_sender()
                    .reserve_owned()
                    .await
                    .map_err(|_| closed())?;
                if let Some(error) = shared.write_error() {
                    return Err(error.into());
                }
                permit.send(Command::Frame(Frame::Data {
                    stream_id: shared.id,
                    fin: true,
                    data: Bytes::new(),
                }));
                if shared.local_finished() {
                    conn.forget_stream(shared.id);
                }
                flush(conn).await
            }));
        }
        let Some(pending) = this.shutdown.get_mut().as_mut() else {
            return Poll::Ready(Ok(()));
        };
        let result = ready!(pending.as_mut().poll(cx));
        *this.shutdown.get_mut() = None;
        Poll::Ready(result)
    }
}

/// Waits until everything queued before it went to the transport.
async fn flush(conn: Arc<ConnShared>) -> io::Result<()> {
    let closed = || {
        io::Error::from(Error::ConnectionClosed(
            conn.close_reason().unwrap_or(CloseReason::Closed),
        ))
    };
    let (done, written) = oneshot::channel();
    conn.data_sender()
        .send(Command::Flush(done))
        .await
        .map_err(|_| closed())?;
    written.await.map_err(|_| closed())
}

impl Drop for Stream {
    fn drop(&mut self) {
        let sent_fin = {
            let mut state = self.shared.state.lock();
            state.abandoned = true;
            state.recv.clear();
            state.recv_len = 0;
            wake(&mut state.space_waker);
            state.local_fin
        };
        if sent_fin {
            // Done writing: forgotten, not reset (what the peer still sends is dropped),
            // as spdystream's clients leave such streams to the connection's close. A
            // reset right after the FIN can reach a server that closes the connection
            // as soon as it reads the FIN (the kubelet when `cat` ends); its kernel
            // then answers with a TCP reset, which destroys the output still in flight
            // to this side.
            self.conn.forget_stream(self.shared.id);
        } else {
            reset_stream(&self.shared, &self.conn, RstStatus::Cancel);
        }
    }
}

/// Resets a [`Stream`] from another task; see [`Stream::reset_handle`].
#[derive(Clone)]
pub struct ResetHandle {
    shared: Arc<StreamShared>,
    conn: Arc<ConnShared>,
}

impl ResetHandle {
    /// The id of the stream.
    pub fn id(&self) -> u32 {
        self.shared.id
    }

    /// Same as [`Stream::reset`].
    pub fn reset(&self) {
        reset_stream(&self.shared, &self.conn, RstStatus::Cancel);
    }
}

impl fmt::Debug for ResetHandle {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ResetHandle")
            .field("id", &self.shared.id)
            .finish()
    }
}
