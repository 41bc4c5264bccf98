//! One exec or attach session, the same over WebSocket and SPDY (client-go's
//! `streamProtocolV1`..`V5` handlers).
//!
//! Rules:
//! - Streams are opened in client-go's order: error, stdin, stdout, stderr (not with a
//!   tty: the runtime merges it into stdout), resize (v3 and later, with a tty and a
//!   size queue). Only the streams the caller asked for exist.
//! - Local stdin is copied until it ends; then the remote stdin is closed (v2 and later),
//!   so the process sees end of input. A failing stdin copy is logged, not fatal, as in
//!   client-go: the command's outcome is what matters.
//! - The session ends when remote stdout and stderr have ended (all their data written
//!   locally and flushed) and the error stream has been read to its end; the error
//!   stream's meaning depends on the version ([`crate::protocol::decode_error_stream`]).
//!   A connection that breaks before that is an error, never a silent success.
//! - Dropping the session's future stops it at once (client-go's context cancellation).

use std::io;

use futures_util::future::{self, Either};
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use tokio::sync::mpsc;

use crate::error::{Error, Result};
use crate::protocol::{StreamType, TerminalSize, Version, decode_error_stream};

/// Bytes read from local stdin at a time (client-go's copy buffer).
const STDIN_CHUNK: usize = 32 * 1024;

/// Where a session's input comes from and its output goes (client-go's `StreamOptions`).
///
/// Leave out what the command does not need: a stream left out is not opened. With
/// `tty`, stderr is merged into stdout by the container runtime.
#[derive(Default)]
pub struct StreamOptions<'a> {
    /// Local input copied to the process; at its end the process's stdin is closed.
    pub stdin: Option<&'a mut (dyn AsyncRead + Send + Unpin)>,
    /// Where the process's output goes.
    pub stdout: Option<&'a mut (dyn AsyncWrite + Send + Unpin)>,
    /// Where the process's error output goes (unused with `tty`).
    pub stderr: Option<&'a mut (dyn AsyncWrite + Send + Unpin)>,
    /// Whether the process has a terminal (the request must ask for one too).
    pub tty: bool,
    /// Terminal sizes to send, as they change (with `tty`); the channel closing stops
    /// the resizes, not the session.
    pub terminal_sizes: Option<&'a mut mpsc::Receiver<TerminalSize>>,
}

impl std::fmt::Debug for StreamOptions<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("StreamOptions")
            .field("stdin", &self.stdin.is_some())
            .field("stdout", &self.stdout.is_some())
            .field("stderr", &self.stderr.is_some())
            .field("tty", &self.tty)
            .field("terminal_sizes", &self.terminal_sizes.is_some())
            .finish()
    }
}

impl<'a> StreamOptions<'a> {
    /// Options with no stream at all.
    pub fn new() -> Self {
        Self::default()
    }

    /// Copies `stdin` to the process.
    pub fn stdin(mut self, stdin: &'a mut (dyn AsyncRead + Send + Unpin)) -> Self {
        self.stdin = Some(stdin);
        self
    }

    /// Writes the process's output to `stdout`.
    pub fn stdout(mut self, stdout: &'a mut (dyn AsyncWrite + Send + Unpin)) -> Self {
        self.stdout = Some(stdout);
        self
    }

    /// Writes the process's error output to `stderr`.
    pub fn stderr(mut self, stderr: &'a mut (dyn AsyncWrite + Send + Unpin)) -> Self {
        self.stderr = Some(stderr);
        self
    }

    /// Gives the process a terminal.
    pub fn tty(mut self, tty: bool) -> Self {
        self.tty = tty;
        self
    }

    /// Sends the sizes received on `sizes` (with a tty).
    pub fn terminal_sizes(mut self, sizes: &'a mut mpsc::Receiver<TerminalSize>) -> Self {
        self.terminal_sizes = Some(sizes);
        self
    }
}

/// The writing side of a remote stream.
pub(crate) trait RemoteWriter: Send {
    /// Sends `data`.
    fn send(&mut self, data: &[u8]) -> impl Future<Output = io::Result<()>> + Send;
    /// Half-closes the stream (the process sees end of input).
    fn close(&mut self) -> impl Future<Output = io::Result<()>> + Send;
}

/// A multiplexed connection that opens the session's streams.
pub(crate) trait Channels: Send {
    /// The reading side of a remote stream.
    type Reader: AsyncRead + Send + Unpin;
    /// The writing side of a remote stream.
    type Writer: RemoteWriter;
    /// Opens a stream the server writes.
    fn reader(&mut self, kind: StreamType) -> impl Future<Output = Result<Self::Reader>> + Send;
    /// Opens a stream the client writes.
    fn writer(&mut self, kind: StreamType) -> impl Future<Output = Result<Self::Writer>> + Send;
    /// Every stream is open: data may flow.
    fn ready(&mut self);
}

/// Runs a session of protocol `version` over `channels`.
pub(crate) async fn run<C: Channels>(
    mut channels: C,
    version: Version,
    options: &mut StreamOptions<'_>,
) -> Result<()> {
    let tty = options.tty;
    let mut error_stream = channels.reader(StreamType::Error).await?;
    let stdin_remote = match options.stdin {
        Some(_) => Some(channels.writer(StreamType::Stdin).await?),
        None => None,
    };
    let stdout_remote = match options.stdout {
        Some(_) => Some(channels.reader(StreamType::Stdout).await?),
        None => None,
    };
    let stderr_remote = match options.stderr {
        Some(_) if !tty => Some(channels.reader(StreamType::Stderr).await?),
        _ => None,
    };
    let resize_remote = match options.terminal_sizes {
        Some(_) if tty && version.has_resize() => Some(channels.writer(StreamType::Resize).await?),
        _ => None,
    };
    channels.ready();

    let stdin = copy_stdin(
        options.stdin.as_deref_mut(),
        stdin_remote,
        version >= Version::V2,
    );
    let resizes = send_resizes(options.terminal_sizes.as_deref_mut(), resize_remote);
    let stdout = copy_output(
        stdout_remote,
        options.stdout.as_deref_mut(),
        "copying stdout",
    );
    let stderr = copy_output(
        stderr_remote,
        options.stderr.as_deref_mut(),
        "copying stderr",
    );
    let error = async {
        let mut message = Vec::new();
        error_stream
            .read_to_end(&mut message)
            .await
            .map(|_| message)
            .map_err(|e| Error::Connection(format!("error reading from error stream: {e}")))
    };
    // Input runs beside the outputs and is dropped once they are done.
    let input = async {
        future::join(stdin, resizes).await;
        future::pending::<()>().await
    };
    let outputs = async {
        let (out, err) = future::join(stdout, stderr).await;
        out.and(err)
    };
    let outputs = std::pin::pin!(outputs);
    let input = std::pin::pin!(input);
    let copied = match future::select(outputs, input).await {
        Either::Left((copied, _)) => copied,
        Either::Right(((), _)) => unreachable!("input never finishes"),
    };
    let message = error.await;
    // The command's outcome wins over a local copy failure, as in client-go: both are
    // reported, the outcome first.
    match message {
        Ok(message) => decode_error_stream(version, &message).and(copied),
        Err(error) => Err(copied.err().unwrap_or(error)),
    }
}

/// Copies local stdin to the remote stdin, then closes it (`close_at_end`).
async fn copy_stdin<L: AsyncRead + Unpin + ?Sized, W: RemoteWriter>(
    local: Option<&mut L>,
    remote: Option<W>,
    close_at_end: bool,
) {
    let (Some(local), Some(mut remote)) = (local, remote) else {
        return;
    };
    let mut buffer = vec![0; STDIN_CHUNK];
    loop {
        match local.read(&mut buffer).await {
            Ok(0) => break,
            Ok(n) => {
                if let Err(error) = remote.send(&buffer[..n]).await {
                    tracing::debug!(%error, "copying stdin to the remote process failed");
                    return;
                }
            }
            Err(error) => {
                tracing::warn!(%error, "reading local stdin failed; closing the remote stdin");
                break;
            }
        }
    }
    if close_at_end && let Err(error) = remote.close().await {
        tracing::debug!(%error, "closing the remote stdin failed");
    }
}

/// Sends each terminal size from `sizes` until the queue closes.
async fn send_resizes<W: RemoteWriter>(
    sizes: Option<&mut mpsc::Receiver<TerminalSize>>,
    remote: Option<W>,
) {
    let (Some(sizes), Some(mut remote)) = (sizes, remote) else {
        return;
    };
    while let Some(size) = sizes.recv().await {
        if let Err(error) = remote.send(&size.message()).await {
            tracing::debug!(%error, "sending a terminal size failed");
            return;
        }
    }
}

/// Copies a remote output stream to its local destination until the remote one ends.
async fn copy_output<R: AsyncRead + Unpin, L: AsyncWrite + Unpin + ?Sized>(
    remote: Option<R>,
    local: Option<&mut L>,
    context: &'static str,
) -> Result<()> {
    let (Some(mut remote), Some(local)) = (remote, local) else {
        return Ok(());
    };
    let io_error = |source| Error::Io { context, source };
    tokio::io::copy(&mut remote, local)
        .await
        .map_err(io_error)?;
    local.flush().await.map_err(io_error)
}
