//! [`Executor`]: runs exec and attach sessions (client-go's `NewWebSocketExecutor`,
//! `NewSPDYExecutor` and `NewFallbackExecutor`).
//!
//! Rules:
//! - The default ([`Executor::new`]) is kubectl's: WebSocket `v5.channel.k8s.io` first
//!   (a GET upgrade), then, when the server or a proxy refuses the WebSocket upgrade,
//!   SPDY (a POST upgrade, every version offered) with the same options. A session that
//!   started is never run twice: exit codes and stream failures are returned as they are.
//! - Every connection carries the TLS, proxy, impersonation and credentials of the
//!   [`clientgo_rest::Config`], like any other request.

use clientgo_rest::{Config, RestClient};
use clientgo_transport::UpgradeProtocol;
use reqwest::Method;
use url::Url;

use crate::error::{Error, Result};
use crate::protocol::Version;
use crate::session::{self, StreamOptions};
use crate::spdy::SpdyChannels;
use crate::websocket::WebSocketChannels;

/// How a session is carried.
#[derive(Clone, Debug)]
enum Carrier {
    /// WebSocket, offering these versions.
    WebSocket(Vec<Version>),
    /// SPDY, offering these versions.
    Spdy(Vec<Version>),
    /// WebSocket v5, then SPDY when the WebSocket upgrade is refused.
    Fallback,
}

/// Runs commands in containers: one [`Executor::stream`] call is one session.
///
/// ```no_run
/// # async fn run(config: clientgo_rest::Config) -> Result<(), clientgo_remotecommand::Error> {
/// use clientgo_remotecommand::{ExecOptions, Executor, StreamOptions};
///
/// let options = ExecOptions::command(["sh", "-c", "echo hello; exit 3"]).stdout(true);
/// let url = options.url(&clientgo_rest::RestClient::new(&config)?, "default", "web-0")?;
/// let mut stdout = Vec::new();
/// let outcome = Executor::new(&config, url)?
///     .stream(StreamOptions::new().stdout(&mut stdout))
///     .await;
/// assert_eq!(outcome.unwrap_err().exit_code(), Some(3));
/// # Ok(()) }
/// ```
#[derive(Clone, Debug)]
pub struct Executor {
    client: RestClient,
    url: Url,
    /// The method of SPDY upgrades (WebSocket upgrades are GETs).
    spdy_method: Method,
    carrier: Carrier,
}

impl Executor {
    /// An executor for `url` (an `exec` or `attach` URL, see [`crate::ExecOptions::url`]):
    /// WebSocket v5 first, SPDY when the WebSocket upgrade is refused, as kubectl does.
    pub fn new(config: &Config, url: Url) -> Result<Self> {
        Self::build(config, url, Method::POST, Carrier::Fallback)
    }

    /// An executor that uses WebSocket only, offering `v5.channel.k8s.io`.
    pub fn websocket(config: &Config, url: Url) -> Result<Self> {
        Self::websocket_for_versions(config, url, &[Version::V5])
    }

    /// An executor that uses WebSocket only, offering `versions` in that order.
    pub fn websocket_for_versions(config: &Config, url: Url, versions: &[Version]) -> Result<Self> {
        Self::build(
            config,
            url,
            Method::GET,
            Carrier::WebSocket(versions.to_vec()),
        )
    }

    /// An executor that uses SPDY only, offering every version, newest first; `method`
    /// is `POST` for exec and attach.
    pub fn spdy(config: &Config, method: Method, url: Url) -> Result<Self> {
        Self::spdy_for_versions(config, method, url, &Version::ALL)
    }

    /// An executor that uses SPDY only, offering `versions` in that order.
    pub fn spdy_for_versions(
        config: &Config,
        method: Method,
        url: Url,
        versions: &[Version],
    ) -> Result<Self> {
        Self::build(config, url, method, Carrier::Spdy(versions.to_vec()))
    }

    fn build(config: &Config, url: Url, spdy_method: Method, carrier: Carrier) -> Result<Self> {
        Ok(Self {
            client: RestClient::new(config)?,
            url,
            spdy_method,
            carrier,
        })
    }

    /// Runs one session: returns when the remote command has ended and its output has
    /// been written, with `Ok` for success and [`Error::ExitCode`] for a non-zero exit.
    ///
    /// Dropping the future ends the session at once and closes the connection.
    pub async fn stream(&self, mut options: StreamOptions<'_>) -> Result<()> {
        match &self.carrier {
            Carrier::WebSocket(versions) => self.over_websocket(versions, &mut options).await,
            Carrier::Spdy(versions) => self.over_spdy(versions, &mut options).await,
            Carrier::Fallback => match self.over_websocket(&[Version::V5], &mut options).await {
                Err(error) if should_fall_back(&error) => {
                    tracing::debug!(%error, "websocket upgrade refused; falling back to SPDY");
                    self.over_spdy(&Version::ALL, &mut options).await
                }
                outcome => outcome,
            },
        }
    }

    async fn over_websocket(
        &self,
        versions: &[Version],
        options: &mut StreamOptions<'_>,
    ) -> Result<()> {
        let names: Vec<&str> = versions.iter().map(|v| v.name()).collect();
        let upgraded = self
            .client
            .transport()
            .upgrade(
                Method::GET,
                self.url.clone(),
                UpgradeProtocol::WebSocket,
                &names,
            )
            .await?;
        let version = negotiated(&upgraded.protocol)?;
        let channels = WebSocketChannels::new(upgraded.io, version).await;
        session::run(channels, version, options).await
    }

    async fn over_spdy(&self, versions: &[Version], options: &mut StreamOptions<'_>) -> Result<()> {
        let names: Vec<&str> = versions.iter().map(|v| v.name()).collect();
        let upgraded = self
            .client
            .transport()
            .upgrade(
                self.spdy_method.clone(),
                self.url.clone(),
                UpgradeProtocol::Spdy,
                &names,
            )
            .await?;
        let version = negotiated(&upgraded.protocol)?;
        session::run(SpdyChannels::new(upgraded.io), version, options).await
    }
}

/// The version a server chose.
fn negotiated(protocol: &str) -> Result<Version> {
    Version::negotiated(protocol).ok_or_else(|| Error::UnknownProtocol(protocol.to_owned()))
}

/// kubectl's rule for falling back from WebSocket to SPDY: the upgrade was refused, or
/// the WebSocket dialer could not use an `https://` proxy.
pub fn should_fall_back(error: &Error) -> bool {
    error.is_upgrade_failure() || error.is_https_proxy_error()
}
