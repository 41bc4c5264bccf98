//! The error type of the transport.

use std::path::PathBuf;

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
    Http(#[from] reqwest::Error),
}

/// A `Result` with this crate's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

pub(crate) fn read_file(path: &std::path::Path) -> Result<Vec<u8>> {
    std::fs::read(path).map_err(|source| Error::ReadFile {
        path: path.to_path_buf(),
        source,
    })
}
