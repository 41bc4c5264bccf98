//! The HTTP transport of client-go for Rust (client-go's `transport` package): builds
//! an HTTP client from TLS settings and credentials and applies them to every request.
//!
//! - TLS on rustls (`ring` provider): CA from file or data, client certificate and key
//!   from file (reloaded when the files change) or data, `tls-server-name`,
//!   `insecure-skip-tls-verify`, ALPN (`h2` and `http/1.1`, or as configured).
//! - Credentials: bearer token, token file (re-read every minute, last good token kept),
//!   basic auth, exec credential plugins (`client.authentication.k8s.io/v1` and
//!   `v1beta1`: tokens or client certificates, cached until `expirationTimestamp`, run
//!   again after a 401). Credentials the request already carries win.
//! - Impersonation (user, uid, groups, extra), client-go's user agent, proxies
//!   (`HTTPS_PROXY`/`NO_PROXY`, or an explicit `http`/`https`/`socks5` URL), gzip unless
//!   disabled, HTTP/2 with keep-alive pings (30 s idle, 15 s timeout; env
//!   `HTTP2_READ_IDLE_TIMEOUT_SECONDS`, `HTTP2_PING_TIMEOUT_SECONDS`, `DISABLE_HTTP2`).
//! - Transports with equal TLS, proxy and compression settings share one connection
//!   pool.
//! - Connection upgrades to WebSocket and SPDY/3.1 ([`upgrade`]) for exec, attach and
//!   port-forward.
//!
//! Secrets are wrapped in [`Secret`] and never appear in `Debug` output or errors.
//!
//! ```no_run
//! # async fn run() -> Result<(), clientgo_transport::Error> {
//! use clientgo_transport::{Config, Secret, Transport};
//!
//! let mut config = Config::default();
//! config.tls.ca_file = Some("/etc/kubernetes/ca.crt".into());
//! config.bearer_token = Some(Secret::new("token"));
//! let transport = Transport::new(&config)?;
//! let request = transport.http_client().get("https://127.0.0.1:6443/version").build()?;
//! let response = transport.send(request).await?;
//! println!("{}", response.status());
//! # Ok(()) }
//! ```

mod client;
mod config;
mod error;
pub mod exec;
mod headers;
mod redact;
mod secret;
mod tls;
mod token_file;
pub mod upgrade;

pub use client::Transport;
pub use config::{Config, ImpersonationConfig, Proxy, TlsConfig};
pub use error::{Error, Result, SendError};
pub use headers::default_user_agent;
pub use redact::redact_url;
pub use secret::Secret;
pub use upgrade::{UpgradeError, UpgradeProtocol, Upgraded};
