//! The client side of a SPDY/3.1 connection: [`Connection`] and its background tasks.

use std::collections::HashMap;
use std::fmt;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use bytes::BytesMut;
use parking_lot::Mutex;
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use tokio::sync::{mpsc, oneshot, watch};
use tokio::time::Instant;

use super::error::{CloseReason, Error, FrameError, RstStatus};
use super::frame::{Frame, FrameDecoder, FrameEncoder, MAX_STREAM_ID, check_headers};
use super::headers::Headers;
use super::stream::{End, Stream, StreamShared, reset_stream};
use super::{CLOSE_TIMEOUT, CREATE_STREAM_TIMEOUT};

/// Commands of the ordered queue to the writer task (data and new streams).
pub(crate) enum Command {
    Frame(Frame),
    /// Answered once everything queued before it went to the transport.
    Flush(oneshot::Sender<()>),
}

/// Messages of the unbounded queue to the writer task, written before queued data.
enum Control {
    /// A control frame; `counted` ones answer the peer and count against
    /// [`MAX_PENDING_REPLIES`].
    Frame { frame: Frame, counted: bool },
    /// Write what is queued, then `GOAWAY`, then shut the transport down.
    Close,
}

/// Bounded queue of data frames (each at most `MAX_DATA_FRAME_PAYLOAD` bytes).
const DATA_QUEUE: usize = 32;
/// Answers to the peer (PING echoes, refusals) not yet written: beyond this, more are
/// dropped instead of queued, so a peer that sends without reading cannot grow the queue.
const MAX_PENDING_REPLIES: usize = 1024;
/// Read size of the transport.
const READ_CHUNK: usize = 64 * 1024;
/// The writer gathers queued frames into one transport write up to this size.
const WRITE_BATCH: usize = 256 * 1024;

/// What the handles and the background tasks share.
pub(crate) struct ConnShared {
    /// Streams frames are routed to: until both sides finished them, or a reset.
    streams: Mutex<HashMap<u32, Arc<StreamShared>>>,
    /// The next stream id; held while its `SYN_STREAM` is queued so ids go out in order.
    next_stream_id: tokio::sync::Mutex<u32>,
    state: Mutex<ConnState>,
    /// `Some` once the connection ended.
    end: watch::Sender<Option<CloseReason>>,
    data: mpsc::Sender<Command>,
    control: mpsc::UnboundedSender<Control>,
    pending_replies: AtomicUsize,
    pings: Mutex<Pings>,
}

#[derive(Default)]
struct ConnState {
    /// The peer sent `GOAWAY`.
    go_away: bool,
    /// This side started closing.
    closing: bool,
}

struct Pings {
    next_id: u32,
    waiting: HashMap<u32, oneshot::Sender<()>>,
}

impl ConnShared {
    pub(crate) fn data_sender(&self) -> mpsc::Sender<Command> {
        self.data.clone()
    }

    pub(crate) fn close_reason(&self) -> Option<CloseReason> {
        self.end.borrow().clone()
    }

    /// Queues a control frame this side decided to send.
    pub(crate) fn send_control(&self, frame: Frame) {
        let _ = self.control.send(Control::Frame {
            frame,
            counted: false,
        });
    }

    /// Queues an answer to the peer, unless too many are waiting already.
    fn send_reply(&self, frame: Frame) {
        if self.pending_replies.fetch_add(1, Ordering::AcqRel) >= MAX_PENDING_REPLIES {
            self.pending_replies.fetch_sub(1, Ordering::AcqRel);
            tracing::debug!(?frame, "SPDY peer does not read: answer dropped");
            return;
        }
        if self
            .control
            .send(Control::Frame {
                frame,
                counted: true,
            })
            .is_err()
        {
            self.pending_replies.fetch_sub(1, Ordering::AcqRel);
        }
    }

    /// Stops routing frames to a stream.
    pub(crate) fn forget_stream(&self, id: u32) {
        self.streams.lock().remove(&id);
    }

    fn stream(&self, id: u32) -> Option<Arc<StreamShared>> {
        self.streams.lock().get(&id).cloned()
    }

    /// Ends the connection (the first reason wins): every stream still routed ends,
    /// pings fail, the background tasks stop and drop the transport.
    fn finish(&self, reason: CloseReason) {
        let first = self.end.send_if_modified(|end| {
            if end.is_some() {
                return false;
            }
            *end = Some(reason.clone());
            true
        });
        if !first {
            return;
        }
        match &reason {
            CloseReason::Closed | CloseReason::PeerClosed => {
                tracing::debug!(%reason, "SPDY connection ended");
            }
            _ => tracing::debug!(%reason, "SPDY connection failed"),
        }
        let streams = std::mem::take(&mut *self.streams.lock());
        for stream in streams.into_values() {
            stream.end(End::Connection(reason.clone()));
        }
        self.pings.lock().waiting.clear();
    }

    /// Fails unless new streams may be opened.
    fn check_open(&self) -> Result<(), Error> {
        if let Some(reason) = self.close_reason() {
            return Err(Error::ConnectionClosed(reason));
        }
        let state = self.state.lock();
        if state.closing {
            return Err(Error::ConnectionClosed(CloseReason::Closed));
        }
        if state.go_away {
            return Err(Error::GoneAway);
        }
        Ok(())
    }

    /// Starts closing: resets the registered streams this side has not finished,
    /// then has the writer send `GOAWAY` after what is queued and shut the transport.
    fn start_close(&self) {
        {
            let mut state = self.state.lock();
            if state.closing {
                return;
            }
            state.closing = true;
        }
        let streams: Vec<_> = self.streams.lock().values().cloned().collect();
        for stream in streams {
            if stream.registered.load(Ordering::Acquire) && !stream.state.lock().local_fin {
                reset_stream(&stream, self, RstStatus::Cancel);
            }
        }
        let _ = self.control.send(Control::Close);
    }

    fn next_ping_id(&self) -> u32 {
        let mut pings = self.pings.lock();
        let id = pings.next_id;
        // Odd ids are the client's; wrap before 2^31 as spdystream does.
        pings.next_id = if id > 0x7FFF_FFFE {
            id - 0x7FFF_FFFE
        } else {
            id + 2
        };
        id
    }

    /// Handles one frame from the peer.
    async fn handle(&self, frame: Frame) {
        match frame {
            Frame::Data {
                stream_id,
                fin,
                data,
            } => {
                let Some(stream) = self.stream(stream_id) else {
                    tracing::trace!(stream_id, "SPDY data for an unknown stream dropped");
                    return;
                };
                if !stream.is_replied() {
                    tracing::debug!(stream_id, "SPDY data before the reply dropped");
                    return;
                }
                if stream.deliver(data, fin).await {
                    self.forget_stream(stream_id);
                }
            }
            Frame::SynReply {
                stream_id,
                fin,
                headers,
            } => {
                if let Some(stream) = self.stream(stream_id) {
                    stream.replied(headers, fin);
                }
            }
            Frame::Headers { stream_id, fin, .. } => {
                if fin
                    && let Some(stream) = self.stream(stream_id)
                    && stream.remote_finished()
                {
                    self.forget_stream(stream_id);
                }
            }
            Frame::RstStream { stream_id, status } => {
                let stream = self.streams.lock().remove(&stream_id);
                if let Some(stream) = stream {
                    stream.end(End::PeerReset(status));
                }
            }
            Frame::SynStream { stream_id, .. } => {
                // A Kubernetes client accepts no streams from the server.
                tracing::debug!(stream_id, "SPDY stream from the peer refused");
                self.send_reply(Frame::RstStream {
                    stream_id,
                    status: RstStatus::RefusedStream,
                });
            }
            Frame::Ping { id } => {
                if id % 2 == 1 {
                    if let Some(waiter) = self.pings.lock().waiting.remove(&id) {
                        let _ = waiter.send(());
                    }
                } else {
                    self.send_reply(Frame::Ping { id });
                }
            }
            Frame::GoAway {
                last_good_stream_id,
                status,
            } => {
                tracing::debug!(last_good_stream_id, status, "SPDY GOAWAY received");
                self.state.lock().go_away = true;
                // Streams above the last one the peer accepted were never processed.
                let refused: Vec<_> = self
                    .streams
                    .lock()
                    .values()
                    .filter(|s| s.id > last_good_stream_id && !s.is_replied())
                    .cloned()
                    .collect();
                for stream in refused {
                    self.forget_stream(stream.id);
                    stream.end(End::GoneAway);
                }
            }
            // No flow control: spdystream neither sends nor honours these.
            Frame::Settings { .. } | Frame::WindowUpdate { .. } | Frame::Unknown { .. } => {}
        }
    }
}

/// The client side of a SPDY/3.1 connection (spdystream's `Connection` as client-go
/// uses it, with k8s.io/streaming's `httpstream.Connection` on top).
///
/// Cheap to clone; every clone is the same connection. Dropping the last clone
/// starts [`close`](Self::close) (without waiting), which ends the streams still open.
#[derive(Clone)]
pub struct Connection {
    inner: Arc<ConnShared>,
    _last_handle: Arc<CloseOnDrop>,
}

struct CloseOnDrop(Arc<ConnShared>);

impl Drop for CloseOnDrop {
    fn drop(&mut self) {
        self.0.start_close();
    }
}

impl Connection {
    /// Runs the client side of SPDY/3.1 over `io`, a transport that already did the
    /// HTTP/1.1 upgrade (`101 Switching Protocols`, `Upgrade: SPDY/3.1`).
    ///
    /// Spawns the reader and writer tasks (and, with `ping_period`, a task sending
    /// `PING` every period, as client-go does with [`DEFAULT_PING_PERIOD`](super::DEFAULT_PING_PERIOD)
    /// to keep idle connections alive through proxies) on the current Tokio runtime.
    ///
    /// # Panics
    ///
    /// Outside a Tokio runtime (as [`tokio::spawn`]).
    pub fn client<T>(io: T, ping_period: Option<Duration>) -> Connection
    where
        T: AsyncRead + AsyncWrite + Send + Unpin + 'static,
    {
        let (reader, writer) = tokio::io::split(io);
        let (data, data_rx) = mpsc::channel(DATA_QUEUE);
        let (control, control_rx) = mpsc::unbounded_channel();
        let inner = Arc::new(ConnShared {
            streams: Mutex::new(HashMap::new()),
            next_stream_id: tokio::sync::Mutex::new(1),
            state: Mutex::new(ConnState::default()),
            end: watch::Sender::new(None),
            data,
            control,
            pending_replies: AtomicUsize::new(0),
            pings: Mutex::new(Pings {
                next_id: 1,
                waiting: HashMap::new(),
            }),
        });
        tokio::spawn(run_reader(Arc::clone(&inner), reader));
        tokio::spawn(run_writer(Arc::clone(&inner), writer, data_rx, control_rx));
        if let Some(period) = ping_period.filter(|p| !p.is_zero()) {
            tokio::spawn(run_pinger(Arc::clone(&inner), period));
        }
        Connection {
            _last_handle: Arc::new(CloseOnDrop(Arc::clone(&inner))),
            inner,
        }
    }

    /// Opens a stream: sends `SYN_STREAM` with `headers` and waits for the peer's
    /// `SYN_REPLY`, at most [`CREATE_STREAM_TIMEOUT`](super::CREATE_STREAM_TIMEOUT)
    /// (client-go's 30 seconds).
    pub async fn create_stream(&self, headers: Headers) -> Result<Stream, Error> {
        self.create_stream_timeout(headers, CREATE_STREAM_TIMEOUT)
            .await
    }

    /// [`create_stream`](Self::create_stream) with another timeout, which covers
    /// sending the `SYN_STREAM` (behind queued data) and waiting for the reply. On
    /// timeout the stream is reset. Dropping the future before the reply resets the
    /// stream too.
    pub async fn create_stream_timeout(
        &self,
        headers: Headers,
        timeout: Duration,
    ) -> Result<Stream, Error> {
        let conn = &self.inner;
        conn.check_open()?;
        check_headers(&headers).map_err(Error::InvalidHeaders)?;
        let deadline = Instant::now() + timeout;
        let (reply_tx, reply_rx) = oneshot::channel();
        let send = async {
            let mut next_id = conn.next_stream_id.lock().await;
            let id = *next_id;
            if id > MAX_STREAM_ID {
                return Err(Error::StreamIdsExhausted);
            }
            *next_id = id.saturating_add(2);
            let shared = Arc::new(StreamShared::new(id, reply_tx));
            conn.streams.lock().insert(id, Arc::clone(&shared));
            // Checked after the insertion: a connection that ends from now on ends
            // this stream too.
            let pending = PendingStream {
                shared: Some(Arc::clone(&shared)),
                conn,
            };
            conn.check_open()?;
            let Ok(permit) = conn.data.reserve().await else {
                return Err(Error::ConnectionClosed(
                    conn.close_reason().unwrap_or(CloseReason::Closed),
                ));
            };
            permit.send(Command::Frame(Frame::SynStream {
                stream_id: id,
                associated_to: 0,
                priority: 0,
                fin: false,
                unidirectional: false,
                headers,
            }));
            Ok(pending)
        };
        let timed_out = |stream_id| Error::Timeout { stream_id, timeout };
        let mut pending = tokio::time::timeout_at(deadline, send)
            .await
            .map_err(|_| timed_out(0))??;
        let Some(shared) = pending.shared.clone() else {
            return Err(timed_out(0));
        };
        let id = shared.id;
        let reply = match tokio::time::timeout_at(deadline, reply_rx).await {
            Err(_) => return Err(timed_out(id)),
            Ok(Err(_)) => Err(Error::ConnectionClosed(
                conn.close_reason().unwrap_or(CloseReason::Closed),
            )),
            Ok(Ok(Err(end))) => Err(end.to_error(id)),
            Ok(Ok(Ok(headers))) => Ok(headers),
        };
        // Replied, or already ended: nothing to reset any more.
        pending.shared = None;
        Ok(Stream::new(shared, Arc::clone(conn), reply?))
    }

    /// Stops tracking `stream` for [`close`](Self::close), which then does not reset
    /// it (k8s.io/streaming's `RemoveStreams`: for streams the caller finished with).
    pub fn remove_stream(&self, stream: &Stream) {
        let shared = self.inner.streams.lock().get(&stream.id()).cloned();
        if let Some(shared) = shared {
            shared.registered.store(false, Ordering::Release);
        }
    }

    /// Sends a `PING` and waits for the peer to echo it; returns the round trip time.
    /// There is no timeout: wrap the call in one (it fails when the connection ends).
    pub async fn ping(&self) -> Result<Duration, Error> {
        let conn = &self.inner;
        if let Some(reason) = conn.close_reason() {
            return Err(Error::ConnectionClosed(reason));
        }
        let id = conn.next_ping_id();
        let (tx, rx) = oneshot::channel();
        conn.pings.lock().waiting.insert(id, tx);
        let _forget = ForgetPing { conn, id };
        // The connection may have ended before the insertion: then nobody answers.
        if let Some(reason) = conn.close_reason() {
            return Err(Error::ConnectionClosed(reason));
        }
        let start = Instant::now();
        conn.send_control(Frame::Ping { id });
        rx.await.map_err(|_| {
            Error::ConnectionClosed(conn.close_reason().unwrap_or(CloseReason::Closed))
        })?;
        Ok(start.elapsed())
    }

    /// Closes the connection: resets the streams this side has not finished (except
    /// removed ones), writes what is queued, sends `GOAWAY` and shuts the transport
    /// down. Waits at most [`CLOSE_TIMEOUT`](super::CLOSE_TIMEOUT) for that, then drops
    /// the transport anyway. Afterwards every stream operation fails with
    /// [`Error::ConnectionClosed`]. Closing again does nothing.
    pub async fn close(&self) {
        self.inner.start_close();
        let _ = tokio::time::timeout(CLOSE_TIMEOUT, self.closed()).await;
        self.inner.finish(CloseReason::Closed);
    }

    /// Resolves when the connection has ended, for whatever reason (peer closed,
    /// transport error, protocol error, [`close`](Self::close)), with that reason.
    pub async fn closed(&self) -> CloseReason {
        let mut end = self.inner.end.subscribe();
        loop {
            if let Some(reason) = end.borrow_and_update().clone() {
                return reason;
            }
            if end.changed().await.is_err() {
                return CloseReason::Closed;
            }
        }
    }

    /// Why the connection ended, or `None` while it runs.
    pub fn close_reason(&self) -> Option<CloseReason> {
        self.inner.close_reason()
    }

    /// Whether the connection has ended.
    pub fn is_closed(&self) -> bool {
        self.inner.end.borrow().is_some()
    }

    /// Whether the peer sent `GOAWAY` (no new streams; existing ones go on).
    pub fn is_gone_away(&self) -> bool {
        self.inner.state.lock().go_away
    }
}

impl fmt::Debug for Connection {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Connection")
            .field("streams", &self.inner.streams.lock().len())
            .field("close_reason", &self.close_reason())
            .finish()
    }
}

/// Resets a stream whose creator stopped waiting for the reply.
struct PendingStream<'a> {
    shared: Option<Arc<StreamShared>>,
    conn: &'a ConnShared,
}

impl Drop for PendingStream<'_> {
    fn drop(&mut self) {
        if let Some(shared) = self.shared.take() {
            reset_stream(&shared, self.conn, RstStatus::Cancel);
        }
    }
}

struct ForgetPing<'a> {
    conn: &'a ConnShared,
    id: u32,
}

impl Drop for ForgetPing<'_> {
    fn drop(&mut self) {
        self.conn.pings.lock().waiting.remove(&self.id);
    }
}

/// Resolves once the connection ended.
async fn ended(conn: &ConnShared) {
    let mut end = conn.end.subscribe();
    let _ = end.wait_for(Option::is_some).await;
}

async fn run_reader<R: AsyncRead + Unpin>(conn: Arc<ConnShared>, mut reader: R) {
    let reason = tokio::select! {
        reason = read_frames(&conn, &mut reader) => reason,
        () = ended(&conn) => return,
    };
    conn.finish(reason);
}

async fn read_frames<R: AsyncRead + Unpin>(conn: &ConnShared, reader: &mut R) -> CloseReason {
    let mut decoder = FrameDecoder::new();
    let mut buf = BytesMut::with_capacity(READ_CHUNK);
    loop {
        loop {
            match decoder.decode(&mut buf) {
                Ok(Some(frame)) => conn.handle(frame).await,
                Ok(None) => break,
                Err(error) => return CloseReason::Protocol(error),
            }
        }
        if buf.capacity() - buf.len() < READ_CHUNK / 4 {
            buf.reserve(READ_CHUNK);
        }
        match reader.read_buf(&mut buf).await {
            Ok(0) if buf.is_empty() => return CloseReason::PeerClosed,
            Ok(0) => {
                let need = if buf.len() >= 8 {
                    8 + usize::try_from(u32::from_be_bytes([0, buf[5], buf[6], buf[7]]))
                        .unwrap_or(0)
                } else {
                    8
                };
                return CloseReason::Protocol(FrameError::Truncated {
                    have: buf.len(),
                    need,
                });
            }
            Ok(_) => {}
            Err(error) => return CloseReason::Io(Arc::new(error)),
        }
    }
}

async fn run_writer<W: AsyncWrite + Unpin>(
    conn: Arc<ConnShared>,
    mut writer: W,
    mut data: mpsc::Receiver<Command>,
    mut control: mpsc::UnboundedReceiver<Control>,
) {
    let reason = tokio::select! {
        reason = write_frames(&conn, &mut writer, &mut data, &mut control) => reason,
        () = ended(&conn) => return,
    };
    conn.finish(reason);
}

/// The writer's batch: encoded frames, and the flushes to answer once written.
struct Batch {
    encoder: FrameEncoder,
    out: BytesMut,
    flushed: Vec<oneshot::Sender<()>>,
}

impl Batch {
    fn command(&mut self, command: Command) -> Result<(), CloseReason> {
        match command {
            Command::Frame(frame) => self.frame(&frame),
            Command::Flush(done) => {
                self.flushed.push(done);
                Ok(())
            }
        }
    }

    fn frame(&mut self, frame: &Frame) -> Result<(), CloseReason> {
        self.encoder
            .encode(frame, &mut self.out)
            .map_err(CloseReason::Protocol)
    }
}

async fn write_frames<W: AsyncWrite + Unpin>(
    conn: &ConnShared,
    writer: &mut W,
    data: &mut mpsc::Receiver<Command>,
    control: &mut mpsc::UnboundedReceiver<Control>,
) -> CloseReason {
    let mut batch = Batch {
        encoder: FrameEncoder::new(),
        out: BytesMut::with_capacity(WRITE_BATCH),
        flushed: Vec::new(),
    };
    let io = |error| CloseReason::Io(Arc::new(error));
    loop {
        let mut closing = false;
        // Control first: answers and resets must not wait behind data.
        let first = tokio::select! {
            biased;
            message = control.recv() => message.map(Err),
            command = data.recv() => command.map(Ok),
        };
        let mut next = first;
        loop {
            match next {
                Some(Err(Control::Frame { frame, counted })) => {
                    if counted {
                        conn.pending_replies.fetch_sub(1, Ordering::AcqRel);
                    }
                    if let Err(reason) = batch.frame(&frame) {
                        return reason;
                    }
                }
                Some(Err(Control::Close)) => closing = true,
                Some(Ok(command)) => {
                    if let Err(reason) = batch.command(command) {
                        return reason;
                    }
                }
                // Cannot happen while `conn` lives (it holds both senders).
                None => return CloseReason::Closed,
            }
            if closing {
                // Everything queued before the close goes out first.
                while let Ok(command) = data.try_recv() {
                    if let Err(reason) = batch.command(command) {
                        return reason;
                    }
                }
                break;
            }
            if batch.out.len() >= WRITE_BATCH {
                break;
            }
            next = match control.try_recv() {
                Ok(message) => Some(Err(message)),
                Err(_) => match data.try_recv() {
                    Ok(command) => Some(Ok(command)),
                    Err(_) => break,
                },
            };
        }
        if closing {
            let goaway = Frame::GoAway {
                last_good_stream_id: 0,
                status: 0,
            };
            if let Err(reason) = batch.frame(&goaway) {
                return reason;
            }
        }
        if !batch.out.is_empty() {
            if let Err(error) = writer.write_all(&batch.out).await {
                return io(error);
            }
            batch.out.clear();
        }
        if let Err(error) = writer.flush().await {
            return io(error);
        }
        for done in batch.flushed.drain(..) {
            let _ = done.send(());
        }
        if closing {
            let _ = writer.shutdown().await;
            return CloseReason::Closed;
        }
    }
}

async fn run_pinger(conn: Arc<ConnShared>, period: Duration) {
    let mut ticks = tokio::time::interval_at(Instant::now() + period, period);
    ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let pings = async {
        loop {
            ticks.tick().await;
            // Keep-alive only: the echo is not waited for.
            let id = conn.next_ping_id();
            conn.send_control(Frame::Ping { id });
        }
    };
    tokio::select! {
        () = pings => {}
        () = ended(&conn) => {}
    }
}
