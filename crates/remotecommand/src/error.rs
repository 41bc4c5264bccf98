//! The errors of exec and attach sessions.
//!
//! Rules: a command that ran and exited non-zero is [`Error::ExitCode`], never mixed up
//! with failures to run it; a refused upgrade (old server, proxy, 403, missing pod) is
//! [`Error::Transport`] holding [`clientgo_transport::UpgradeError`], which
//! [`Error::is_upgrade_failure`] recognises for falling back from WebSocket to SPDY; a
//! server's `Status` is reachable through `source()` so the
//! `clientgo_apimachinery::errors::is_*` predicates work on every error here.

use std::io;

use clientgo_apimachinery::errors::StatusError;

/// A remote command that exited with a non-zero code (client-go's `exec.CodeExitError`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
#[error("command terminated with exit code {code}")]
pub struct ExitCodeError {
    /// The exit code (1–255).
    pub code: u8,
}

/// What can go wrong in an exec or attach session.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The request could not be built (invalid host, URL...).
    #[error("{0}")]
    Request(#[source] clientgo_rest::Error),

    /// The server could not be reached, or refused the upgrade (see
    /// [`Error::is_upgrade_failure`]).
    #[error("{0}")]
    Transport(#[source] clientgo_transport::Error),

    /// The command ran and exited with a non-zero code.
    #[error("{0}")]
    ExitCode(#[source] ExitCodeError),

    /// The server reported a failure other than an exit code (v4 and later).
    #[error("{0}")]
    Status(#[source] StatusError),

    /// The server reported a failure as text (protocol v1–v3).
    #[error("{0}")]
    Remote(String),

    /// The server broke the protocol.
    #[error("error stream protocol error: {0}")]
    Protocol(String),

    /// The server chose a subprotocol that was not offered.
    #[error("the server chose the unknown protocol {0:?}")]
    UnknownProtocol(String),

    /// The connection failed while streaming.
    #[error("{0}")]
    Connection(String),

    /// Reading local input or writing local output failed.
    #[error("{context}: {source}")]
    Io {
        /// Which copy failed.
        context: &'static str,
        /// Why.
        #[source]
        source: io::Error,
    },
}

impl Error {
    /// The exit code of a command that exited non-zero.
    pub fn exit_code(&self) -> Option<u8> {
        match self {
            Error::ExitCode(e) => Some(e.code),
            _ => None,
        }
    }

    /// Whether the server refused the connection upgrade (client-go's
    /// `httpstream.IsUpgradeFailure`): the session never started.
    pub fn is_upgrade_failure(&self) -> bool {
        matches!(self, Error::Transport(error) if error.is_upgrade_failure())
    }

    /// Whether the WebSocket connection could not use an `https://` proxy (kubectl falls
    /// back to SPDY then).
    pub fn is_https_proxy_error(&self) -> bool {
        matches!(self, Error::Transport(error) if error.is_https_proxy_error())
    }
}

impl From<clientgo_transport::Error> for Error {
    fn from(error: clientgo_transport::Error) -> Self {
        Error::Transport(error)
    }
}

impl From<clientgo_rest::Error> for Error {
    fn from(error: clientgo_rest::Error) -> Self {
        Error::Request(error)
    }
}

/// A `Result` with this crate's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;
