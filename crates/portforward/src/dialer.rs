//! Opening the SPDY connection of a port-forward session (client-go's SPDY dialer,
//! `NewSPDYOverWebsocketDialer` and `NewFallbackDialer`).
//!
//! Rules:
//! - The only protocol is `portforward.k8s.io`; a server choosing another is an error.
//! - [`Transport::Fallback`] (the default, kubectl's): SPDY tunnelled through a
//!   WebSocket (subprotocol `SPDY/3.1+portforward.k8s.io`, a GET upgrade) first; when
//!   the server or a proxy refuses that upgrade, a direct SPDY upgrade (POST).
//! - Pings: every 10 s through a tunnel (client-go's tunnelling period), every 5 s on a
//!   direct SPDY connection.

use std::time::Duration;

use clientgo_rest::RestClient;
use clientgo_streaming::spdy::Connection;
use clientgo_transport::UpgradeProtocol;
use reqwest::Method;
use url::Url;

use crate::error::{Error, Result};
use crate::tunnel::Tunnel;

/// The port-forward protocol.
pub const PROTOCOL: &str = "portforward.k8s.io";
/// The prefix of the protocol when SPDY is tunnelled through a WebSocket.
pub const TUNNELING_PREFIX: &str = "SPDY/3.1+";
/// Ping period of a tunnelled connection.
const TUNNEL_PING_PERIOD: Duration = Duration::from_secs(10);
/// Ping period of a direct SPDY connection.
const SPDY_PING_PERIOD: Duration = Duration::from_secs(5);

/// How the connection to the pod is carried.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Transport {
    /// SPDY through a WebSocket, then direct SPDY when the WebSocket upgrade is refused
    /// (kubectl's default).
    #[default]
    Fallback,
    /// SPDY through a WebSocket only.
    WebSocket,
    /// Direct SPDY only.
    Spdy,
}

/// Opens the SPDY connection for `url` (a `pods/portforward` URL).
pub(crate) async fn dial(
    client: &RestClient,
    url: &Url,
    transport: Transport,
) -> Result<Connection> {
    match transport {
        Transport::WebSocket => over_websocket(client, url).await,
        Transport::Spdy => direct(client, url).await,
        Transport::Fallback => match over_websocket(client, url).await {
            Err(error) if error.is_upgrade_failure() || error.is_https_proxy_error() => {
                tracing::debug!(%error, "websocket upgrade refused; falling back to SPDY");
                direct(client, url).await
            }
            outcome => outcome,
        },
    }
}

async fn over_websocket(client: &RestClient, url: &Url) -> Result<Connection> {
    let offered = format!("{TUNNELING_PREFIX}{PROTOCOL}");
    let upgraded = client
        .transport()
        .upgrade(
            Method::GET,
            url.clone(),
            UpgradeProtocol::WebSocket,
            &[&offered],
        )
        .await?;
    let chosen = upgraded
        .protocol
        .strip_prefix(TUNNELING_PREFIX)
        .unwrap_or(&upgraded.protocol);
    check_protocol(chosen)?;
    let tunnel = Tunnel::new(upgraded.io).await;
    Ok(Connection::client(tunnel, Some(TUNNEL_PING_PERIOD)))
}

async fn direct(client: &RestClient, url: &Url) -> Result<Connection> {
    let upgraded = client
        .transport()
        .upgrade(
            Method::POST,
            url.clone(),
            UpgradeProtocol::Spdy,
            &[PROTOCOL],
        )
        .await?;
    check_protocol(&upgraded.protocol)?;
    Ok(Connection::client(upgraded.io, Some(SPDY_PING_PERIOD)))
}

fn check_protocol(chosen: &str) -> Result<()> {
    if chosen == PROTOCOL {
        return Ok(());
    }
    Err(Error::Negotiation {
        offered: vec![PROTOCOL.to_owned()],
        chosen: chosen.to_owned(),
    })
}
