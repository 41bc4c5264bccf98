//! The error type of this crate.

use std::path::PathBuf;

/// Everything that can go wrong while installing binaries or running a control plane.
///
/// Start-up failures name the component (`etcd`, `kube-apiserver`, `kwok`, ...) and carry the
/// tail of its log, so a failing test shows why the server did not come up.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A file or directory operation failed.
    #[error("{action} {path}: {source}")]
    Io {
        /// What was being done, e.g. "writing".
        action: &'static str,
        /// The file or directory involved.
        path: PathBuf,
        /// The underlying error.
        #[source]
        source: std::io::Error,
    },

    /// A component could not be started at all (e.g. the binary is not executable).
    #[error("could not start {component} ({program}): {source}")]
    Spawn {
        /// The component, e.g. `etcd`, `kube-apiserver` or `kwok`.
        component: &'static str,
        /// The binary that was run.
        program: PathBuf,
        /// The underlying error.
        #[source]
        source: std::io::Error,
    },

    /// A component exited while it was expected to run.
    #[error(
        "{component} exited with {status} during start-up; last lines of its log ({log}):\n{log_tail}"
    )]
    Exited {
        /// The component, e.g. `etcd`, `kube-apiserver` or `kwok`.
        component: &'static str,
        /// How it ended.
        status: String,
        /// Where its full log is.
        log: PathBuf,
        /// The last lines of its log.
        log_tail: String,
    },

    /// A component did not become ready in time.
    #[error(
        "{component} was not ready after {waited:?} (last probe: {last_probe}); last lines of its log ({log}):\n{log_tail}"
    )]
    NotReady {
        /// The component, e.g. `etcd`, `kube-apiserver` or `kwok`.
        component: &'static str,
        /// How long we waited.
        waited: std::time::Duration,
        /// What the last readiness probe saw.
        last_probe: String,
        /// Where its full log is.
        log: PathBuf,
        /// The last lines of its log.
        log_tail: String,
    },

    /// The kube-apiserver or etcd binary is missing and could not be provided.
    #[error("{0}")]
    Assets(String),

    /// Building the binaries from the Go module proxy failed.
    #[error("building {what} failed: {detail}")]
    Build {
        /// What was being built or prepared.
        what: String,
        /// The command's exit status and the tail of its output.
        detail: String,
    },

    /// A version string was not of the form `X.Y.Z` (optionally with a leading `v`).
    #[error("invalid Kubernetes version {0:?}: expected X.Y.Z, e.g. 1.37.2")]
    InvalidVersion(String),

    /// Generating a key or certificate failed.
    #[error("generating {what}: {source}")]
    Certificate {
        /// Which key or certificate.
        what: String,
        /// The underlying error.
        #[source]
        source: rcgen::Error,
    },

    /// A user name or group was not acceptable.
    #[error("invalid user: {0}")]
    InvalidUser(String),

    /// The test cluster is not a control plane of this crate, and lacks what only this
    /// crate's control planes provide.
    #[error(
        "{feature} is provided by clientgo-envtest's control planes only, and the test \
         cluster's kubeconfig {path} was not written by clientgo-envtest; run this test \
         with `cargo xtask test` or without CLIENTGO_TEST_KUBECONFIG"
    )]
    NotEnvtest {
        /// What is missing (e.g. "the unprivileged token user").
        feature: &'static str,
        /// The test cluster's kubeconfig.
        path: PathBuf,
    },

    /// A kubeconfig or state file could not be encoded or decoded.
    #[error("{what} {path}: {detail}")]
    Format {
        /// What was being encoded or decoded.
        what: &'static str,
        /// The file involved.
        path: PathBuf,
        /// What was wrong.
        detail: String,
    },

    /// A command line was not understood.
    #[error("{0}")]
    Usage(String),

    /// Processes of a control plane could not be stopped.
    #[error("stopping the control plane: {0}")]
    Stop(String),

    /// The HTTP client used for readiness probes could not be built.
    #[error("building the probe client: {0}")]
    Client(String),
}

/// A `Result` with this crate's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Wraps an I/O error with what was being done and on which path.
pub(crate) fn io_error(
    action: &'static str,
    path: impl Into<PathBuf>,
) -> impl FnOnce(std::io::Error) -> Error {
    let path = path.into();
    move |source| Error::Io {
        action,
        path,
        source,
    }
}
