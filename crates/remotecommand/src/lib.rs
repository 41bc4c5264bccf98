//! Exec and attach for Kubernetes pods: client-go's `tools/remotecommand`.
//!
//! An [`Executor`] opens a session to a container through the API server: stdin,
//! stdout, stderr, a terminal with resizes, and the command's outcome (an exit code is
//! [`Error::ExitCode`], distinct from failures to run it). WebSocket
//! (`v5.channel.k8s.io`) is tried first and SPDY (`v4`..`v1`) used when the WebSocket
//! upgrade is refused, as kubectl does; both carry the config's TLS, proxy,
//! impersonation and credentials.
//!
//! ```no_run
//! # async fn run(config: clientgo_rest::Config) -> Result<(), clientgo_remotecommand::Error> {
//! use clientgo_remotecommand::{ExecOptions, Executor, StreamOptions};
//!
//! let client = clientgo_rest::RestClient::new(&config)?;
//! let url = ExecOptions::command(["cat"])
//!     .stdin(true)
//!     .stdout(true)
//!     .url(&client, "default", "web-0")?;
//! let mut input: &[u8] = b"hello";
//! let mut output = Vec::new();
//! Executor::new(&config, url)?
//!     .stream(StreamOptions::new().stdin(&mut input).stdout(&mut output))
//!     .await?;
//! assert_eq!(output, b"hello");
//! # Ok(()) }
//! ```

mod error;
mod executor;
pub mod protocol;
mod request;
mod session;
mod spdy;
mod websocket;

pub use error::{Error, ExitCodeError, Result};
pub use executor::{Executor, should_fall_back};
pub use protocol::{TerminalSize, Version};
pub use request::{AttachOptions, ExecOptions};
pub use session::StreamOptions;
pub use websocket::{MAX_MESSAGE, PING_PERIOD, READ_TIMEOUT, WRITE_TIMEOUT};
