//! What a transport is built from.

use std::collections::BTreeMap;
use std::fmt;
use std::path::PathBuf;

use crate::exec::ExecConfig;
use crate::redact::redact_url;
use crate::secret::Secret;

/// Everything needed to build a [`Transport`](crate::Transport): TLS, credentials,
/// impersonation, user agent, proxy and compression. A field left at its default does
/// nothing.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Config {
    /// `User-Agent` for requests that do not set one (default: [`default_user_agent`](crate::default_user_agent)).
    pub user_agent: Option<String>,
    /// TLS settings.
    pub tls: TlsConfig,
    /// HTTP basic auth user name.
    pub username: Option<String>,
    /// HTTP basic auth password.
    pub password: Option<Secret>,
    /// A static bearer token.
    pub bearer_token: Option<Secret>,
    /// A file holding the bearer token; re-read every minute, the last good token kept
    /// when a read fails.
    pub bearer_token_file: Option<PathBuf>,
    /// Act as another user.
    pub impersonate: ImpersonationConfig,
    /// An exec credential plugin that supplies a token or client certificate.
    pub exec: Option<ExecConfig>,
    /// Which proxy to use.
    pub proxy: Proxy,
    /// Do not ask for compressed responses.
    pub disable_compression: bool,
}

impl Config {
    /// Whether basic auth is configured (a non-empty user name).
    pub fn has_basic_auth(&self) -> bool {
        self.username.as_deref().is_some_and(|u| !u.is_empty())
    }

    /// Whether a bearer token or token file is configured.
    pub fn has_token_auth(&self) -> bool {
        self.bearer_token.as_ref().is_some_and(|t| !t.is_empty())
            || self.bearer_token_file.is_some()
    }

    /// Whether a client certificate and key are configured.
    pub fn has_cert_auth(&self) -> bool {
        self.tls.has_client_certificate()
    }
}

/// TLS settings. Inline data wins over the file of the same item.
#[derive(Clone, Default, PartialEq, Eq, Hash)]
pub struct TlsConfig {
    /// Do not verify the server's certificate (tests only).
    pub insecure: bool,
    /// The name to verify the server's certificate against (and send as SNI), instead of
    /// the host of the URL.
    pub server_name: Option<String>,
    /// PEM file of trusted CA certificates.
    pub ca_file: Option<PathBuf>,
    /// PEM data of trusted CA certificates.
    pub ca_data: Option<Vec<u8>>,
    /// PEM file of the client certificate chain; reloaded when it changes.
    pub cert_file: Option<PathBuf>,
    /// PEM data of the client certificate chain.
    pub cert_data: Option<Vec<u8>>,
    /// PEM file of the client private key; reloaded when it changes.
    pub key_file: Option<PathBuf>,
    /// PEM data of the client private key.
    pub key_data: Option<Secret>,
    /// ALPN protocols to offer (default `h2`, `http/1.1`; `["http/1.1"]` forces HTTP/1.1).
    pub next_protos: Vec<String>,
}

impl TlsConfig {
    /// Whether a CA is configured.
    pub fn has_ca(&self) -> bool {
        self.ca_data.as_ref().is_some_and(|d| !d.is_empty()) || self.ca_file.is_some()
    }

    /// Whether both a client certificate and a key are configured.
    pub fn has_client_certificate(&self) -> bool {
        let cert =
            self.cert_data.as_ref().is_some_and(|d| !d.is_empty()) || self.cert_file.is_some();
        let key = self.key_data.as_ref().is_some_and(|d| !d.is_empty()) || self.key_file.is_some();
        cert && key
    }
}

impl fmt::Debug for TlsConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let truncated = |data: &Option<Vec<u8>>| data.as_ref().map(|_| "--- TRUNCATED ---");
        f.debug_struct("TlsConfig")
            .field("insecure", &self.insecure)
            .field("server_name", &self.server_name)
            .field("ca_file", &self.ca_file)
            .field("ca_data", &truncated(&self.ca_data))
            .field("cert_file", &self.cert_file)
            .field("cert_data", &truncated(&self.cert_data))
            .field("key_file", &self.key_file)
            .field("key_data", &self.key_data)
            .field("next_protos", &self.next_protos)
            .finish()
    }
}

/// Impersonation: the server treats requests as coming from this user.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct ImpersonationConfig {
    /// The user to act as (`Impersonate-User`).
    pub user_name: Option<String>,
    /// The user's UID (`Impersonate-Uid`).
    pub uid: Option<String>,
    /// The user's groups (`Impersonate-Group`, one header each).
    pub groups: Vec<String>,
    /// Extra attributes (`Impersonate-Extra-<key>`).
    pub extra: BTreeMap<String, Vec<String>>,
}

impl ImpersonationConfig {
    /// Whether anything is to be impersonated.
    pub fn is_set(&self) -> bool {
        self.user_name.as_deref().is_some_and(|u| !u.is_empty())
            || self.uid.as_deref().is_some_and(|u| !u.is_empty())
            || !self.groups.is_empty()
            || !self.extra.is_empty()
    }
}

/// Which proxy requests go through. `Debug` hides a password in the URL.
#[derive(Clone, Default, PartialEq, Eq, Hash)]
pub enum Proxy {
    /// From `HTTPS_PROXY`, `HTTP_PROXY` and `NO_PROXY` (and their lower-case forms).
    #[default]
    FromEnvironment,
    /// This proxy for every request: `http://`, `https://` or `socks5://` URL.
    Url(String),
    /// No proxy, whatever the environment says.
    None,
}

impl fmt::Debug for Proxy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Proxy::FromEnvironment => f.write_str("FromEnvironment"),
            Proxy::Url(url) => f.debug_tuple("Url").field(&redact_url(url)).finish(),
            Proxy::None => f.write_str("None"),
        }
    }
}
