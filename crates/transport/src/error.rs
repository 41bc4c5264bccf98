//! The error type of the transport.
//!
//! Rules: no message holds a credential (URL passwords are replaced by `xxxxx`); a
//! failed send names its cause, down to the innermost error (refused connection,
//! unknown certificate issuer, timeout), as Go's errors do; [`SendError`] tells which
//! failures client-go retries.

use std::fmt;
use std::path::PathBuf;

use crate::redact::redact_url;

/// What can go wrong while building a transport or authenticating a request.
///
/// Messages never contain credentials.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The configuration contradicts itself or holds unusable values.
    #[error("invalid transport configuration: {0}")]
    Config(String),

    /// A file named by the configuration could not be read.
    #[error("reading {path}: {source}")]
    ReadFile {
        /// The file.
        path: PathBuf,
        /// Why.
        #[source]
        source: std::io::Error,
    },

    /// TLS material (CA bundle, client certificate, key) could not be used.
    #[error("{0}")]
    Tls(String),

    /// A bearer token could not be obtained from its file.
    #[error("{0}")]
    Token(String),

    /// An exec credential plugin failed.
    #[error("exec: {0}")]
    Exec(String),

    /// Sending the request failed (connection, TLS, timeout...).
    #[error("{0}")]
    Http(SendError),

    /// The server refused to upgrade the connection (WebSocket, SPDY).
    #[error("{0}")]
    Upgrade(#[source] crate::upgrade::UpgradeError),
}

impl Error {
    /// Whether the server refused to upgrade the connection (client-go's
    /// `httpstream.IsUpgradeFailure`): what exec, attach and port-forward fall back from
    /// WebSocket to SPDY on.
    pub fn is_upgrade_failure(&self) -> bool {
        matches!(self, Error::Upgrade(_))
    }

    /// Whether the connection could not use an `https://` proxy (client-go's
    /// `httpstream.IsHTTPSProxyError`), the other reason kubectl falls back to SPDY.
    pub fn is_https_proxy_error(&self) -> bool {
        self.to_string().contains("proxy: unknown scheme: https")
    }
}

impl From<reqwest::Error> for Error {
    fn from(error: reqwest::Error) -> Self {
        Error::Http(SendError::new(error))
    }
}

/// A request that could not be sent or whose answer could not be read.
///
/// `Display` reads `error sending request for https://host/path: client error (Connect):
/// tcp connect error: Connection refused (os error 111)`: the whole chain of causes, with
/// the URL's password hidden. `Debug` prints the same text.
pub struct SendError {
    /// The error, without its URL (which may carry a password).
    error: reqwest::Error,
    /// The URL, password hidden.
    url: Option<String>,
}

impl SendError {
    fn new(error: reqwest::Error) -> Self {
        let url = error.url().map(|url| redact_url(url.as_str()));
        Self {
            error: error.without_url(),
            url,
        }
    }

    /// The underlying HTTP client error (its URL removed).
    pub fn inner(&self) -> &reqwest::Error {
        &self.error
    }

    /// Whether the connection broke the way client-go's `IsProbableEOF` and
    /// `IsConnectionReset` recognise: the peer closed or reset it (also during the TLS
    /// handshake), a pipe broke, or an HTTP/2 connection was sent away. Such failures of
    /// idempotent requests are retried.
    pub fn is_probable_eof(&self) -> bool {
        causes(&self.error).any(|cause| {
            if let Some(io) = cause.downcast_ref::<std::io::Error>() {
                use std::io::ErrorKind::*;
                if matches!(
                    io.kind(),
                    ConnectionReset | ConnectionAborted | BrokenPipe | UnexpectedEof
                ) {
                    return true;
                }
            }
            let text = cause.to_string().to_ascii_lowercase();
            [
                "connection closed before message completed",
                "connection reset",
                "broken pipe",
                "unexpected eof",
                "goaway",
                "go away",
                "use of closed network connection",
            ]
            .iter()
            .any(|needle| text.contains(needle))
        })
    }

    /// Whether the request timed out (connecting, the TLS handshake, or a configured
    /// timeout of the HTTP client).
    pub fn is_timeout(&self) -> bool {
        self.error.is_timeout()
            || causes(&self.error).any(|cause| {
                cause
                    .downcast_ref::<std::io::Error>()
                    .is_some_and(|io| io.kind() == std::io::ErrorKind::TimedOut)
            })
    }

    /// Whether no connection could be made (refused, unreachable, TLS failure,
    /// connect timeout).
    pub fn is_connect(&self) -> bool {
        self.error.is_connect()
    }
}

/// The error and its sources, outermost first.
fn causes<'a>(
    error: &'a (dyn std::error::Error + 'static),
) -> impl Iterator<Item = &'a (dyn std::error::Error + 'static)> {
    std::iter::successors(Some(error), |cause| cause.source())
}

impl fmt::Display for SendError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.error)?;
        if let Some(url) = &self.url {
            write!(f, " for {url}")?;
        }
        let mut previous = self.error.to_string();
        for cause in causes(&self.error).skip(1) {
            let text = cause.to_string();
            // Some layers repeat their source's text; say it once.
            if !text.is_empty() && !previous.ends_with(&text) {
                write!(f, ": {text}")?;
            }
            previous = text;
        }
        Ok(())
    }
}

impl fmt::Debug for SendError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "SendError({self})")
    }
}

/// A `Result` with this crate's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

pub(crate) fn read_file(path: &std::path::Path) -> Result<Vec<u8>> {
    std::fs::read(path).map_err(|source| Error::ReadFile {
        path: path.to_path_buf(),
        source,
    })
}
