//! [`TcpProxy`]: a TCP forwarder for fault-injection tests: put it between a client and
//! the API server, then cut every connection, hold new ones, or shut it down.
//!
//! ```no_run
//! # async fn run() -> std::io::Result<()> {
//! use clientgo_envtest::TcpProxy;
//!
//! let proxy = TcpProxy::start("127.0.0.1:6443".parse().unwrap()).await?;
//! let host = proxy.url(); // point the client's `host` here; TLS passes through
//! proxy.cut_all(); // every open connection drops; new ones are forwarded again
//! # let _ = host; Ok(()) }
//! ```

use std::io;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, PoisonError};

use tokio::net::{TcpListener, TcpStream};
use tokio::sync::watch;

/// A TCP forwarder to one upstream address. Dropping it (or
/// [`shutdown`](Self::shutdown)) closes the listener and every forwarded connection.
#[derive(Debug)]
pub struct TcpProxy {
    addr: SocketAddr,
    /// Bumped by `cut_all`: connections opened under an older generation close.
    generation: watch::Sender<u64>,
    /// Whether new connections wait (accepted, not forwarded) until released.
    hold: watch::Sender<bool>,
    /// How many connections were accepted.
    accepted: Arc<AtomicUsize>,
    accept: Mutex<Option<tokio::task::JoinHandle<()>>>,
}

impl TcpProxy {
    /// Forwards connections on `127.0.0.1:<free port>` to `upstream`.
    pub async fn start(upstream: SocketAddr) -> io::Result<Self> {
        Self::start_on(IpAddr::V4(Ipv4Addr::LOCALHOST), upstream).await
    }

    /// Forwards connections on `<ip>:<free port>` to `upstream` (another loopback address,
    /// e.g. `127.0.0.5`, reaches a server at an address its certificate does not name).
    pub async fn start_on(ip: IpAddr, upstream: SocketAddr) -> io::Result<Self> {
        let listener = TcpListener::bind(SocketAddr::new(ip, 0)).await?;
        let addr = listener.local_addr()?;
        let generation = watch::channel(0u64).0;
        let hold = watch::channel(false).0;
        let accepted = Arc::new(AtomicUsize::new(0));
        let accept = tokio::spawn({
            let (generation, hold) = (generation.clone(), hold.clone());
            let accepted = Arc::clone(&accepted);
            async move {
                while let Ok((client, _)) = listener.accept().await {
                    accepted.fetch_add(1, Ordering::SeqCst);
                    tokio::spawn(forward(
                        client,
                        upstream,
                        generation.subscribe(),
                        hold.subscribe(),
                    ));
                }
            }
        });
        Ok(Self {
            addr,
            generation,
            hold,
            accepted,
            accept: Mutex::new(Some(accept)),
        })
    }

    /// The address the proxy listens on.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// `https://<addr>`, for a client's `host`.
    pub fn url(&self) -> String {
        format!("https://{}", self.addr)
    }

    /// How many connections the proxy has accepted so far (to count a client's
    /// attempts).
    pub fn connections(&self) -> usize {
        self.accepted.load(Ordering::SeqCst)
    }

    /// Drops every open connection; later ones are forwarded as usual.
    pub fn cut_all(&self) {
        self.generation.send_modify(|g| *g += 1);
    }

    /// While `true`, new connections are accepted but not forwarded (a server that
    /// hangs); `false` forwards the waiting ones.
    pub fn hold(&self, hold: bool) {
        self.hold.send_replace(hold);
    }

    /// Closes the listener and every connection.
    pub fn shutdown(&self) {
        if let Some(accept) = self
            .accept
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .take()
        {
            accept.abort();
        }
        self.cut_all();
    }
}

impl Drop for TcpProxy {
    fn drop(&mut self) {
        self.shutdown();
    }
}

/// Forwards one connection until either side closes or it is cut (`cut_all`, shutdown,
/// or the proxy dropped).
async fn forward(
    mut client: TcpStream,
    upstream: SocketAddr,
    mut generation: watch::Receiver<u64>,
    mut hold: watch::Receiver<bool>,
) {
    let born = *generation.borrow_and_update();
    let cut = async move {
        // Ends when cut_all bumps the generation or the proxy is gone (sender dropped).
        while generation.changed().await.is_ok() {
            if *generation.borrow() != born {
                return;
            }
        }
    };
    tokio::pin!(cut);
    tokio::select! {
        released = hold.wait_for(|held| !*held) => if released.is_err() { return },
        () = &mut cut => return,
    }
    let Ok(mut server) = TcpStream::connect(upstream).await else {
        return;
    };
    tokio::select! {
        _ = tokio::io::copy_bidirectional(&mut client, &mut server) => {}
        () = &mut cut => {}
    }
}
