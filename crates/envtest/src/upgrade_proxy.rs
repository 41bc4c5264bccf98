//! [`UpgradeRefusingProxy`]: a plain-HTTP proxy in front of a control plane's API server
//! that refuses WebSocket upgrades, as an old server or a proxy without WebSocket
//! support does. Exec, attach and port-forward clients fall back to SPDY behind it.
//!
//! Rules: every other request (SPDY upgrades included) is passed on over TLS,
//! authenticated with the control plane's admin client certificate, so the clients in
//! front use no credentials; a WebSocket upgrade (`Upgrade: websocket`) is answered
//! `400 Bad Request` with a `Status` body and the connection closed.
//!
//! ```no_run
//! # async fn run(plane: &clientgo_envtest::ControlPlane) -> std::io::Result<()> {
//! let proxy = clientgo_envtest::UpgradeRefusingProxy::start(plane).await?;
//! let host = proxy.url(); // `http://127.0.0.1:PORT`, no credentials needed
//! # let _ = host; Ok(()) }
//! ```

use std::io;
use std::net::SocketAddr;
use std::sync::Arc;

use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer, ServerName};
use rustls::{ClientConfig, RootCertStore};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio_rustls::TlsConnector;

use crate::control_plane::ControlPlane;
use crate::user::Credentials;

/// The largest request head read before giving up on a connection.
const MAX_HEAD: usize = 64 * 1024;

/// The answer to a WebSocket upgrade.
const REFUSAL_BODY: &str = r#"{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"websocket upgrades are not supported here","reason":"BadRequest","code":400}"#;

/// A proxy refusing WebSocket upgrades; dropping it stops accepting connections.
#[derive(Debug)]
pub struct UpgradeRefusingProxy {
    addr: SocketAddr,
    accept: tokio::task::JoinHandle<()>,
}

impl Drop for UpgradeRefusingProxy {
    fn drop(&mut self) {
        self.accept.abort();
    }
}

impl UpgradeRefusingProxy {
    /// Starts the proxy on `127.0.0.1:<free port>` in front of `plane`.
    pub async fn start(plane: &ControlPlane) -> io::Result<Self> {
        let tls = Arc::new(admin_tls(plane)?);
        let upstream = plane
            .server_url()
            .trim_start_matches("https://")
            .trim_end_matches('/')
            .to_owned();
        let listener = TcpListener::bind("127.0.0.1:0").await?;
        let addr = listener.local_addr()?;
        let accept = tokio::spawn(async move {
            while let Ok((client, _)) = listener.accept().await {
                tokio::spawn(relay(client, upstream.clone(), tls.clone()));
            }
        });
        Ok(Self { addr, accept })
    }

    /// `http://127.0.0.1:PORT`: the host for clients without credentials.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }
}

fn invalid(detail: impl std::fmt::Display) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidData, detail.to_string())
}

/// TLS to the API server as the admin, HTTP/1.1 only (upgrades need it).
fn admin_tls(plane: &ControlPlane) -> io::Result<ClientConfig> {
    let mut roots = RootCertStore::empty();
    for cert in CertificateDer::pem_slice_iter(plane.ca_certificate_pem().as_bytes()) {
        roots.add(cert.map_err(invalid)?).map_err(invalid)?;
    }
    let Credentials::ClientCertificate(key) = &plane.admin().credentials else {
        return Err(invalid("the admin has no client certificate"));
    };
    let chain = CertificateDer::pem_slice_iter(key.certificate_pem.as_bytes())
        .collect::<Result<Vec<_>, _>>()
        .map_err(invalid)?;
    let private =
        PrivateKeyDer::from_pem_slice(key.private_key_pem.expose().as_bytes()).map_err(invalid)?;
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let mut config = ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(invalid)?
        .with_root_certificates(roots)
        .with_client_auth_cert(chain, private)
        .map_err(invalid)?;
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    Ok(config)
}

/// Serves one client connection: refuses a WebSocket upgrade, else relays it.
async fn relay(mut client: TcpStream, upstream: String, tls: Arc<ClientConfig>) {
    let mut head = Vec::new();
    let mut byte = [0u8; 1];
    while !head.ends_with(b"\r\n\r\n") {
        if head.len() > MAX_HEAD || client.read_exact(&mut byte).await.is_err() {
            return;
        }
        head.push(byte[0]);
    }
    let lower = String::from_utf8_lossy(&head).to_ascii_lowercase();
    if lower.contains("\r\nupgrade: websocket") {
        let answer = format!(
            "HTTP/1.1 400 Bad Request\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{REFUSAL_BODY}",
            REFUSAL_BODY.len()
        );
        let _ = client.write_all(answer.as_bytes()).await;
        return;
    }
    let Ok(tcp) = TcpStream::connect(&upstream).await else {
        return;
    };
    let host = upstream
        .rsplit_once(':')
        .map_or(upstream.as_str(), |(host, _)| host)
        .trim_matches(['[', ']'])
        .to_owned();
    let Ok(name) = ServerName::try_from(host) else {
        return;
    };
    let Ok(mut server) = TlsConnector::from(tls).connect(name, tcp).await else {
        return;
    };
    if server.write_all(&head).await.is_err() {
        return;
    }
    let _ = tokio::io::copy_bidirectional(&mut client, &mut server).await;
}
