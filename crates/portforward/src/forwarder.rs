//! [`PortForwarder`] and [`Forwarding`]: local listeners (or in-process streams)
//! forwarded to pod ports (client-go's `PortForwarder`).
//!
//! Rules:
//! - One SPDY connection carries every forwarded connection. Each local connection gets
//!   a request id (0, 1, 2...) and two streams with headers `streamType` (`error`, then
//!   `data`), `port` and `requestID`; our side of the error stream is closed at once.
//!   Bytes are copied both ways; when the pod's side ends (or the local side fails) the
//!   data stream is reset and the error stream read to its end.
//! - Listening: every port on every address; with `localhost` a port works when one of
//!   `127.0.0.1` and `::1` listens, an explicit address must listen. A port that cannot
//!   listen is logged and skipped; when no port listens, starting fails. A free local
//!   port (`:5000`) is picked on the first address and reused on the others;
//!   [`Forwarding::ports`] tells which.
//! - Unlike client-go, an error reported for one connection (the pod's port refused
//!   it, for example) does not close the whole forwarding: the local connection is
//!   closed, the error is logged and handed to [`Forwarding::next_error`], and other
//!   connections go on. client-go closes everything then, which makes one refused
//!   connection end a `kubectl port-forward` session.
//! - [`Forwarding::wait`] returns `Err(LostConnection)` when the connection to the pod
//!   ends; [`Forwarding::stop`] closes the listeners (their ports are free once it
//!   returns) and the connection.

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use clientgo_rest::{Config, RestClient};
use clientgo_streaming::spdy::{Connection, Headers, Stream};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::mpsc;
use tokio::task::JoinSet;
use url::Url;

use crate::dialer::{self, Transport};
use crate::error::{Error, Result};
use crate::ports::{FailureMode, ForwardedPort, ListenAddress, parse_addresses, parse_ports};

/// Connection errors kept for [`Forwarding::next_error`] before new ones are dropped.
const ERROR_QUEUE: usize = 64;

/// What to forward where, before the connection is opened.
///
/// ```no_run
/// # async fn run(config: clientgo_rest::Config) -> Result<(), clientgo_portforward::Error> {
/// use clientgo_portforward::PortForwarder;
///
/// let client = clientgo_rest::RestClient::new(&config)?;
/// let url = clientgo_portforward::url(&client, "default", "web-0")?;
/// let forwarding = PortForwarder::new(&config, url, &[":8080"])?.start().await?;
/// let local = forwarding.ports()[0].local; // a free local port forwarded to 8080
/// # let _ = local;
/// forwarding.stop().await;
/// # Ok(()) }
/// ```
#[derive(Clone, Debug)]
pub struct PortForwarder {
    client: RestClient,
    url: Url,
    ports: Vec<ForwardedPort>,
    addresses: Vec<ListenAddress>,
    transport: Transport,
}

impl PortForwarder {
    /// Forwards `ports` (`"5000"`, `"8888:5000"`, `":5000"`) of the pod at `url` (a
    /// `pods/portforward` URL, see [`crate::url`]) from `localhost`.
    pub fn new<S: AsRef<str>>(config: &Config, url: Url, ports: &[S]) -> Result<Self> {
        if ports.is_empty() {
            return Err(Error::Spec("you must specify at least 1 port".into()));
        }
        Ok(Self {
            client: RestClient::new(config)?,
            url,
            ports: parse_ports(ports)?,
            addresses: parse_addresses(&["localhost"])?,
            transport: Transport::default(),
        })
    }

    /// Listens on `addresses` (IPs, or `localhost`) instead of `localhost`.
    pub fn addresses<S: AsRef<str>>(mut self, addresses: &[S]) -> Result<Self> {
        if addresses.is_empty() {
            return Err(Error::Spec("you must specify at least 1 address".into()));
        }
        self.addresses = parse_addresses(addresses)?;
        Ok(self)
    }

    /// Chooses how the connection is carried (default: [`Transport::Fallback`]).
    pub fn transport(mut self, transport: Transport) -> Self {
        self.transport = transport;
        self
    }

    /// Opens the connection to the pod and starts listening; returns once every port
    /// that can listen does (client-go's "ready").
    pub async fn start(self) -> Result<Forwarding> {
        let connection = dialer::dial(&self.client, &self.url, self.transport).await?;
        let (errors_tx, errors) = mpsc::channel(ERROR_QUEUE);
        let shared = Arc::new(Shared {
            connection: connection.clone(),
            next_request: AtomicU64::new(0),
            errors: errors_tx,
        });
        let mut tasks = JoinSet::new();
        let mut ports = Vec::new();
        let mut failures = Vec::new();
        for mut port in self.ports.iter().copied() {
            match listen(&self.addresses, &mut port).await {
                Ok(listeners) => {
                    for listener in listeners {
                        tasks.spawn(accept(listener, port, shared.clone()));
                    }
                    ports.push(port);
                }
                Err(error) => {
                    tracing::warn!(port = port.local, %error, "unable to listen on port");
                    failures.push(format!("{}: {error}", port.local));
                }
            }
        }
        if ports.is_empty() {
            connection.close().await;
            return Err(Error::Listen(failures.join("; ")));
        }
        Ok(Forwarding {
            ports,
            shared,
            tasks,
            errors,
        })
    }
}

/// Listens on every address for `port`; fills in a picked local port.
async fn listen(addresses: &[ListenAddress], port: &mut ForwardedPort) -> Result<Vec<TcpListener>> {
    let mut listeners = Vec::new();
    let mut errors = Vec::new();
    let (mut all_ok, mut all_failed, mut any_failed) = (0, 0, 0);
    for address in addresses {
        match TcpListener::bind(SocketAddr::new(address.ip, port.local)).await {
            Ok(listener) => {
                if port.local == 0
                    && let Ok(bound) = listener.local_addr()
                {
                    port.local = bound.port();
                }
                tracing::info!(
                    "Forwarding from {} -> {}",
                    host_port(&address.address, port.local),
                    port.remote
                );
                if address.failure_mode == FailureMode::All {
                    all_ok += 1;
                }
                listeners.push(listener);
            }
            Err(error) => {
                errors.push(format!(
                    "unable to create listener: Error listen tcp {}: {error}",
                    host_port(&address.address, port.local)
                ));
                match address.failure_mode {
                    FailureMode::All => all_failed += 1,
                    FailureMode::Any => any_failed += 1,
                }
            }
        }
    }
    if (all_ok == 0 && all_failed > 0) || any_failed > 0 {
        return Err(Error::Listen(format!(
            "Listeners failed to create with the following errors: [{}]",
            errors.join(" ")
        )));
    }
    Ok(listeners)
}

/// `host:port`, IPv6 hosts in brackets.
fn host_port(address: &str, port: u16) -> String {
    if address.contains(':') {
        format!("[{address}]:{port}")
    } else {
        format!("{address}:{port}")
    }
}

/// What the tasks of one forwarding share.
struct Shared {
    connection: Connection,
    next_request: AtomicU64,
    errors: mpsc::Sender<ForwardError>,
}

impl Shared {
    fn report(&self, error: ForwardError) {
        tracing::warn!(%error, "port-forward connection failed");
        let _ = self.errors.try_send(error);
    }

    /// Opens the error and data streams of one forwarded connection.
    async fn open(&self, remote: u16) -> Result<(Stream, Stream, u64)> {
        let request = self.next_request.fetch_add(1, Ordering::Relaxed);
        let headers = Headers::new()
            .with("streamType", "error")
            .with("port", remote.to_string())
            .with("requestID", request.to_string());
        let mut error_stream = self
            .connection
            .create_stream(headers.clone())
            .await
            .map_err(|e| {
                Error::Stream(format!(
                    "error creating error stream for port {remote}: {e}"
                ))
            })?;
        // Nothing is written to the error stream.
        let _ = error_stream.shutdown().await;
        let mut data_headers = headers;
        data_headers.set("streamType", "data");
        let data = self
            .connection
            .create_stream(data_headers)
            .await
            .map_err(|e| {
                Error::Stream(format!(
                    "error creating forwarding stream for port {remote}: {e}"
                ))
            })?;
        Ok((error_stream, data, request))
    }
}

/// Accepts local connections until the listener's task is stopped.
async fn accept(listener: TcpListener, port: ForwardedPort, shared: Arc<Shared>) {
    let mut connections = JoinSet::new();
    loop {
        tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok((socket, _)) => {
                    tracing::debug!("Handling connection for {}", port.local);
                    connections.spawn(forward(socket, port, shared.clone()));
                }
                Err(error) => {
                    tracing::warn!(%error, port = port.local, "accepting a connection failed");
                    return;
                }
            },
            _ = shared.connection.closed() => return,
            Some(_) = connections.join_next(), if !connections.is_empty() => {}
        }
    }
}

/// Forwards one local connection.
async fn forward(mut socket: TcpStream, port: ForwardedPort, shared: Arc<Shared>) {
    let (mut error_stream, data, request) = match shared.open(port.remote).await {
        Ok(streams) => streams,
        Err(error) => {
            shared.report(ForwardError {
                port,
                request: None,
                message: error.to_string(),
            });
            return;
        }
    };
    let error_text = async {
        let mut text = Vec::new();
        error_stream.read_to_end(&mut text).await.map(|_| text)
    };
    let data_id = data.id();
    let reset = data.reset_handle();
    let copied = copy_until_remote_ends(&mut socket, data).await;
    // Unsent data is discarded so that nothing blocks reading the error stream.
    reset.reset();
    let outcome = error_text.await;
    shared.connection.remove_stream(&error_stream);
    let message = match outcome {
        Ok(text) if text.is_empty() => None,
        Ok(text) => Some(format!(
            "an error occurred forwarding {} -> {}: {}",
            port.local,
            port.remote,
            String::from_utf8_lossy(&text).trim()
        )),
        Err(error) => Some(format!(
            "error reading from error stream for port {} -> {}: {error}",
            port.local, port.remote
        )),
    };
    if let Some(message) = message {
        shared.report(ForwardError {
            port,
            request: Some(request),
            message,
        });
    } else if let Err(error) = copied
        && !is_closed_connection(&error)
    {
        tracing::debug!(%error, stream = data_id, port = port.local, "copying a forwarded connection failed");
    }
}

/// Copies both ways until the pod's side has ended (or copying to it failed), as
/// client-go does: the local connection is closed then, even if it still sends (the
/// pod's side cannot receive anything more). The end of local input is passed on
/// (our side of the data stream is closed).
async fn copy_until_remote_ends(socket: &mut TcpStream, data: Stream) -> std::io::Result<()> {
    let (mut local_read, mut local_write) = socket.split();
    let (mut remote_read, mut remote_write) = tokio::io::split(data);
    let remote_to_local = async {
        tokio::io::copy(&mut remote_read, &mut local_write).await?;
        local_write.shutdown().await
    };
    let local_to_remote = async {
        tokio::io::copy(&mut local_read, &mut remote_write).await?;
        remote_write.shutdown().await
    };
    let mut remote_to_local = std::pin::pin!(remote_to_local);
    let mut local_to_remote = std::pin::pin!(local_to_remote);
    let mut local_done = false;
    loop {
        tokio::select! {
            copied = &mut remote_to_local => return copied,
            copied = &mut local_to_remote, if !local_done => {
                local_done = true;
                copied?;
            }
        }
    }
}

fn is_closed_connection(error: &std::io::Error) -> bool {
    use std::io::ErrorKind::*;
    matches!(
        error.kind(),
        ConnectionReset | BrokenPipe | NotConnected | UnexpectedEof
    )
}

/// The failure of one forwarded connection.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct ForwardError {
    /// The port it was for.
    pub port: ForwardedPort,
    /// Its request id, when its streams were opened.
    pub request: Option<u64>,
    /// What went wrong (for a refused pod port, the kubelet's text).
    pub message: String,
}

/// A running port-forward session.
pub struct Forwarding {
    ports: Vec<ForwardedPort>,
    shared: Arc<Shared>,
    tasks: JoinSet<()>,
    errors: mpsc::Receiver<ForwardError>,
}

impl std::fmt::Debug for Forwarding {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Forwarding")
            .field("ports", &self.ports)
            .finish_non_exhaustive()
    }
}

impl Forwarding {
    /// The forwarded ports that listen, with the local ports picked for `:remote` specs
    /// (client-go's `GetPorts`).
    pub fn ports(&self) -> &[ForwardedPort] {
        &self.ports
    }

    /// Opens a stream to `remote` of the pod inside this process, without a listener:
    /// what is written reaches the pod's port, what it answers is read. Shut it down to
    /// tell the pod's side that nothing more comes.
    pub async fn connect(&self, remote: u16) -> Result<Stream> {
        let (mut error_stream, data, request) = self.shared.open(remote).await?;
        let shared = self.shared.clone();
        let port = ForwardedPort { local: 0, remote };
        tokio::spawn(async move {
            let mut text = Vec::new();
            match error_stream.read_to_end(&mut text).await {
                Ok(_) if text.is_empty() => {}
                Ok(_) => shared.report(ForwardError {
                    port,
                    request: Some(request),
                    message: format!(
                        "an error occurred forwarding to {remote}: {}",
                        String::from_utf8_lossy(&text).trim()
                    ),
                }),
                Err(error) => tracing::debug!(%error, remote, "the error stream ended"),
            }
        });
        Ok(data)
    }

    /// The next failure of a forwarded connection, once one happens; `None` after
    /// [`Forwarding::stop`].
    pub async fn next_error(&mut self) -> Option<ForwardError> {
        self.errors.recv().await
    }

    /// Waits until the connection to the pod ends: always
    /// `Err(`[`Error::LostConnection`]`)` (a stopped forwarding does not wait).
    pub async fn wait(&self) -> Result<()> {
        let reason = self.shared.connection.closed().await;
        tracing::debug!(?reason, "the port-forward connection ended");
        Err(Error::LostConnection)
    }

    /// Stops: closes the listeners (their ports are free when this returns), the
    /// forwarded connections and the connection to the pod.
    pub async fn stop(mut self) {
        self.tasks.shutdown().await;
        self.shared.connection.close().await;
    }
}
