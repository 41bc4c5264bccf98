//! The REST layer of client-go for Rust (client-go's `rest` package): a [`Config`] for
//! one API server, a [`RestClient`] over it, and a [`Request`] builder that knows the
//! Kubernetes URL layout.
//!
//! - Requests are built by pure code ([`Request::url`]) and sent through the transport
//!   (`clientgo-transport`: TLS, credentials, impersonation, user agent).
//! - Client-side rate limiting with client-go's defaults (5 qps, burst 10; off when
//!   `qps < 0`; any [`RateLimiter`]).
//! - Retries honouring `Retry-After` on 429 and 5xx answers (each wait capped at 10 s),
//!   and of GETs whose connection was closed or reset, up to 10 times by default; a
//!   configured timeout bounds the whole request, retries and waits included.
//! - Bounded memory: [`ResponseLimits`] on bodies and watch events.
//! - Answers decoded straight into your types ([`Response::json`]; in protobuf for the
//!   built-in kinds of typed clients, [`Request::into_object`], as
//!   [`Config::content_type`] says), failures as typed [`Error::Api`] errors carrying the
//!   server's `Status` (even when the body is not one), byte streams for logs
//!   ([`Request::stream`]) and watch event streams decoded incrementally
//!   ([`Request::watch`], [`Request::watch_objects`]).
//! - `Warning` headers go to a [`WarningHandler`] (default: each distinct warning logged
//!   once).
//! - Request metrics (latency, results per attempt, retries, rate-limiter waits) go to a
//!   process-wide [`metrics::RequestMetrics`].
//!
//! ```no_run
//! # async fn run() -> Result<(), clientgo_rest::Error> {
//! use clientgo_rest::{Config, RestClient};
//!
//! let client = RestClient::new(&Config::in_cluster().map_err(|e| clientgo_rest::Error::Config(e.to_string()))?)?;
//! let namespaces: serde_json::Value = client
//!     .get()
//!     .group_version("", "v1")
//!     .resource("namespaces")
//!     .into_json()
//!     .await?;
//! # let _ = namespaces; Ok(()) }
//! ```

mod client;
mod config;
mod error;
mod execute;
mod frames;
mod in_cluster;
mod limits;
pub mod metrics;
mod rate_limit;
mod request;
pub mod resource;
pub mod retry;
mod url;
mod warnings;

pub use client::RestClient;
pub use clientgo_apimachinery::errors::{ApiStatus, StatusError};
pub use config::{Config, DEFAULT_BURST, DEFAULT_QPS};
pub use error::{Error, Result};
pub use execute::{ByteStream, MAX_RETRY_AFTER, ProtobufDecoder, Response, WatchStream};
pub use in_cluster::{InClusterError, SERVICE_ACCOUNT_DIR};
pub use limits::{DEFAULT_MAX_BODY_BYTES, DEFAULT_MAX_WATCH_FRAME_BYTES, ResponseLimits};
pub use rate_limit::{RateLimiter, TokenBucket};
pub use request::{DEFAULT_MAX_RETRIES, Request};
pub use resource::ResourceRequests;
pub use warnings::{
    CollectWarnings, LogWarningsOnce, NoWarnings, Warning, WarningHandler, parse_warning_header,
};
