//! Streaming connections to Kubernetes: k8s.io/streaming's `httpstream` in async Rust.
//!
//! `kubectl exec`, `attach` and `port-forward` upgrade an HTTP request to a connection
//! that carries several byte streams at once (stdin, stdout, stderr, errors, terminal
//! resizes; or data and errors per forwarded port).
//!
//! - [`spdy`]: the SPDY/3.1 client connection ([`spdy::Connection`], [`spdy::Stream`])
//!   the kubelet and the API server speak, over a transport the caller upgraded.
//!
//! The crate is transport-agnostic: it runs over any Tokio `AsyncRead + AsyncWrite`
//! (TCP, TLS) and spawns its background tasks on the current Tokio runtime.

pub mod spdy;
