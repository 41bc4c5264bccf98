//! Port forwarding to Kubernetes pods: client-go's `tools/portforward`.
//!
//! A [`PortForwarder`] opens one connection to a pod through the API server and
//! forwards local ports to the pod's ports (`kubectl port-forward`), or hands out
//! in-process streams ([`Forwarding::connect`]). The connection is SPDY
//! (`portforward.k8s.io`), tunnelled through a WebSocket first and direct when that is
//! refused, as kubectl does ([`Transport`]), with the config's TLS, proxy,
//! impersonation and credentials.
//!
//! ```no_run
//! # async fn run(config: clientgo_rest::Config) -> Result<(), Box<dyn std::error::Error>> {
//! use clientgo_portforward::PortForwarder;
//! use tokio::io::{AsyncReadExt, AsyncWriteExt};
//!
//! let client = clientgo_rest::RestClient::new(&config)?;
//! let url = clientgo_portforward::url(&client, "default", "web-0")?;
//! let forwarding = PortForwarder::new(&config, url, &["8080:80"])?.start().await?;
//! // 127.0.0.1:8080 and [::1]:8080 now reach port 80 of web-0; or, in-process:
//! let mut stream = forwarding.connect(80).await?;
//! stream.write_all(b"GET / HTTP/1.0\r\n\r\n").await?;
//! let mut answer = Vec::new();
//! stream.read_to_end(&mut answer).await?;
//! forwarding.stop().await;
//! # Ok(()) }
//! ```

mod dialer;
mod error;
mod forwarder;
mod ports;
mod request;
mod tunnel;

pub use dialer::{PROTOCOL, TUNNELING_PREFIX, Transport};
pub use error::{Error, Result};
pub use forwarder::{ForwardError, Forwarding, PortForwarder};
pub use ports::{ForwardedPort, parse_ports};
pub use request::url;
