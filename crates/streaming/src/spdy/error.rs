//! Errors of SPDY connections and streams.

use std::fmt;
use std::io;
use std::sync::Arc;
use std::time::Duration;

/// What went wrong on a SPDY connection or stream.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The connection has ended; no stream operation can succeed any more.
    #[error("SPDY connection closed: {0}")]
    ConnectionClosed(CloseReason),
    /// The peer sent `GOAWAY`: it accepts no new streams (and did not take this one).
    #[error("the peer sent GOAWAY: it accepts no new streams")]
    GoneAway,
    /// The peer reset the stream (`RST_STREAM`).
    #[error("stream {stream_id} was reset by the peer: {status}")]
    Reset {
        /// The stream.
        stream_id: u32,
        /// The status code of the peer's `RST_STREAM`.
        status: RstStatus,
    },
    /// This side reset the stream ([`Stream::reset`](super::Stream::reset), closing the
    /// connection, or dropping the stream).
    #[error("stream {stream_id} was reset")]
    ResetLocally {
        /// The stream.
        stream_id: u32,
    },
    /// A new stream was not replied to in time (the stream was reset), or its
    /// `SYN_STREAM` could not even be queued in time (stream id 0).
    #[error("timed out after {timeout:?} waiting for the reply to stream {stream_id}")]
    Timeout {
        /// The stream, 0 if it was never sent.
        stream_id: u32,
        /// How long the reply was waited for.
        timeout: Duration,
    },
    /// A write after this side closed the stream for writing (`shutdown`).
    #[error("stream {stream_id} is closed for writing")]
    WriteAfterClose {
        /// The stream.
        stream_id: u32,
    },
    /// Every client stream id (odd, below 2^31) has been used on this connection.
    #[error("no stream ids left on this connection")]
    StreamIdsExhausted,
    /// Headers this side wanted to send cannot be encoded (too many, too large).
    #[error("invalid headers: {0}")]
    InvalidHeaders(FrameError),
}

impl Error {
    /// The [`io::ErrorKind`] this error carries when it surfaces through
    /// `AsyncRead`/`AsyncWrite`.
    pub fn io_kind(&self) -> io::ErrorKind {
        match self {
            Error::ConnectionClosed(reason) => reason.io_kind(),
            Error::GoneAway => io::ErrorKind::ConnectionRefused,
            Error::Reset { .. } => io::ErrorKind::ConnectionReset,
            Error::ResetLocally { .. } => io::ErrorKind::ConnectionAborted,
            Error::Timeout { .. } => io::ErrorKind::TimedOut,
            Error::WriteAfterClose { .. } => io::ErrorKind::BrokenPipe,
            Error::StreamIdsExhausted => io::ErrorKind::Other,
            Error::InvalidHeaders(_) => io::ErrorKind::InvalidInput,
        }
    }
}

impl From<Error> for io::Error {
    /// An `io::Error` of kind [`Error::io_kind`] wrapping the error (get it back with
    /// `io::Error::get_ref` and `downcast_ref::<Error>()`).
    fn from(error: Error) -> Self {
        io::Error::new(error.io_kind(), error)
    }
}

/// Why a connection ended. Cheap to clone.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub enum CloseReason {
    /// This side closed it ([`Connection::close`](super::Connection::close), or the
    /// last [`Connection`](super::Connection) handle was dropped).
    Closed,
    /// The peer closed the transport (end of file) between frames.
    PeerClosed,
    /// Reading or writing the transport failed.
    Io(Arc<io::Error>),
    /// The peer sent bytes this side cannot accept; the connection was dropped.
    Protocol(FrameError),
}

impl CloseReason {
    fn io_kind(&self) -> io::ErrorKind {
        match self {
            CloseReason::Closed => io::ErrorKind::NotConnected,
            CloseReason::PeerClosed => io::ErrorKind::UnexpectedEof,
            CloseReason::Io(error) => error.kind(),
            CloseReason::Protocol(_) => io::ErrorKind::InvalidData,
        }
    }
}

impl fmt::Display for CloseReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CloseReason::Closed => f.write_str("closed by this side"),
            CloseReason::PeerClosed => f.write_str("the peer closed the connection"),
            CloseReason::Io(error) => write!(f, "transport error: {error}"),
            CloseReason::Protocol(error) => write!(f, "protocol error: {error}"),
        }
    }
}

/// The status code of a `RST_STREAM` frame (SPDY/3 section 2.6.3).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum RstStatus {
    /// 1: a generic protocol error.
    ProtocolError,
    /// 2: a frame for a stream that is not active.
    InvalidStream,
    /// 3: the stream was refused before any processing.
    RefusedStream,
    /// 4: the SPDY version is not supported.
    UnsupportedVersion,
    /// 5: the stream is no longer needed.
    Cancel,
    /// 6: a generic error of the sender.
    InternalError,
    /// 7: flow control was violated.
    FlowControlError,
    /// 8: the stream id is already in use.
    StreamInUse,
    /// 9: data or headers on a half-closed stream.
    StreamAlreadyClosed,
    /// 10: the client certificate is invalid.
    InvalidCredentials,
    /// 11: a frame too large for the receiver.
    FrameTooLarge,
    /// A code SPDY/3 does not define.
    Other(u32),
}

impl RstStatus {
    /// The numeric code on the wire.
    pub fn code(self) -> u32 {
        match self {
            RstStatus::ProtocolError => 1,
            RstStatus::InvalidStream => 2,
            RstStatus::RefusedStream => 3,
            RstStatus::UnsupportedVersion => 4,
            RstStatus::Cancel => 5,
            RstStatus::InternalError => 6,
            RstStatus::FlowControlError => 7,
            RstStatus::StreamInUse => 8,
            RstStatus::StreamAlreadyClosed => 9,
            RstStatus::InvalidCredentials => 10,
            RstStatus::FrameTooLarge => 11,
            RstStatus::Other(code) => code,
        }
    }

    /// The status of a numeric code.
    pub fn from_code(code: u32) -> Self {
        match code {
            1 => RstStatus::ProtocolError,
            2 => RstStatus::InvalidStream,
            3 => RstStatus::RefusedStream,
            4 => RstStatus::UnsupportedVersion,
            5 => RstStatus::Cancel,
            6 => RstStatus::InternalError,
            7 => RstStatus::FlowControlError,
            8 => RstStatus::StreamInUse,
            9 => RstStatus::StreamAlreadyClosed,
            10 => RstStatus::InvalidCredentials,
            11 => RstStatus::FrameTooLarge,
            other => RstStatus::Other(other),
        }
    }
}

impl fmt::Display for RstStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let name = match self {
            RstStatus::ProtocolError => "PROTOCOL_ERROR",
            RstStatus::InvalidStream => "INVALID_STREAM",
            RstStatus::RefusedStream => "REFUSED_STREAM",
            RstStatus::UnsupportedVersion => "UNSUPPORTED_VERSION",
            RstStatus::Cancel => "CANCEL",
            RstStatus::InternalError => "INTERNAL_ERROR",
            RstStatus::FlowControlError => "FLOW_CONTROL_ERROR",
            RstStatus::StreamInUse => "STREAM_IN_USE",
            RstStatus::StreamAlreadyClosed => "STREAM_ALREADY_CLOSED",
            RstStatus::InvalidCredentials => "INVALID_CREDENTIALS",
            RstStatus::FrameTooLarge => "FRAME_TOO_LARGE",
            RstStatus::Other(code) => return write!(f, "status {code}"),
        };
        f.write_str(name)
    }
}

/// Bytes that are not a frame this implementation accepts (or headers it cannot
/// encode). Receiving one ends the connection with [`CloseReason::Protocol`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum FrameError {
    /// A control frame of another SPDY version than 3.
    #[error("unsupported SPDY version {version}")]
    UnsupportedVersion {
        /// The version in the frame.
        version: u16,
    },
    /// A control frame longer than [`MAX_CONTROL_FRAME_LENGTH`](super::MAX_CONTROL_FRAME_LENGTH).
    #[error("control frame of {length} bytes exceeds the limit of {limit}")]
    ControlFrameTooLarge {
        /// The length field of the frame.
        length: usize,
        /// The limit.
        limit: usize,
    },
    /// A frame whose fields contradict SPDY/3 (wrong length, stream id 0, status 0).
    #[error("invalid {frame} frame: {reason}")]
    InvalidFrame {
        /// The frame type.
        frame: &'static str,
        /// What is wrong.
        reason: &'static str,
    },
    /// The transport ended in the middle of a frame.
    #[error("truncated frame: the transport ended after {have} of {need} bytes")]
    Truncated {
        /// Bytes of the frame received.
        have: usize,
        /// Bytes the frame announced (header included).
        need: usize,
    },
    /// A header block larger than [`MAX_HEADER_BLOCK_SIZE`](super::MAX_HEADER_BLOCK_SIZE)
    /// once decompressed (or to be sent).
    #[error("header block exceeds {limit} bytes")]
    HeaderBlockTooLarge {
        /// The limit.
        limit: usize,
    },
    /// A header block with more entries than [`MAX_HEADERS`](super::MAX_HEADERS).
    #[error("header block has {count} entries, more than {limit}")]
    TooManyHeaders {
        /// The number of entries.
        count: usize,
        /// The limit.
        limit: usize,
    },
    /// A header block whose zlib data cannot be decompressed (or compressed).
    #[error("header block compression: {0}")]
    Compression(String),
    /// A decompressed header block that is not a valid name/value block.
    #[error("malformed header block: {0}")]
    MalformedHeaderBlock(&'static str),
}
