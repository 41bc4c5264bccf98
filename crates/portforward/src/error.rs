//! The errors of port forwarding.
//!
//! Rules: messages are client-go's; a server's `Status` (a refused upgrade: forbidden,
//! missing pod) is reachable through `source()` so the
//! `clientgo_apimachinery::errors::is_*` predicates work.

/// What can go wrong while forwarding ports.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A port or address specification is invalid.
    #[error("{0}")]
    Spec(String),

    /// The request could not be built (invalid host, URL...).
    #[error("{0}")]
    Request(#[source] clientgo_rest::Error),

    /// The server could not be reached or refused the upgrade.
    #[error("error upgrading connection: {0}")]
    Transport(#[source] clientgo_transport::Error),

    /// The server chose another protocol than `portforward.k8s.io`.
    #[error(
        "unable to negotiate protocol: client supports {offered:?}, server returned {chosen:?}"
    )]
    Negotiation {
        /// What was offered.
        offered: Vec<String>,
        /// What the server chose.
        chosen: String,
    },

    /// No requested port could be listened on.
    #[error("unable to listen on any of the requested ports: {0}")]
    Listen(String),

    /// A stream to the pod could not be opened or broke.
    #[error("{0}")]
    Stream(String),

    /// The connection to the pod ended before the forwarding was stopped.
    #[error("lost connection to pod")]
    LostConnection,
}

impl Error {
    /// Whether the server refused the connection upgrade (the reason to fall back from
    /// WebSocket to SPDY).
    pub fn is_upgrade_failure(&self) -> bool {
        matches!(self, Error::Transport(error) if error.is_upgrade_failure())
    }

    /// Whether the WebSocket connection could not use an `https://` proxy.
    pub fn is_https_proxy_error(&self) -> bool {
        matches!(self, Error::Transport(error) if error.is_https_proxy_error())
    }
}

impl From<clientgo_rest::Error> for Error {
    fn from(error: clientgo_rest::Error) -> Self {
        Error::Request(error)
    }
}

impl From<clientgo_transport::Error> for Error {
    fn from(error: clientgo_transport::Error) -> Self {
        Error::Transport(error)
    }
}

/// A `Result` with this crate's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;
