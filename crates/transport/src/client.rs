//! [`Transport`]: an HTTP client with the configured TLS, credentials, impersonation and
//! user agent applied to every request.

use std::collections::HashMap;
use std::sync::{Arc, OnceLock, Weak};
use std::time::Duration;

use parking_lot::{Mutex, RwLock};
use reqwest::header::{AUTHORIZATION, HeaderValue};

use crate::config::{Config, Proxy, TlsConfig};
use crate::error::{Error, Result};
use crate::exec::Authenticator;
use crate::headers::{self, FixedHeaders, default_user_agent};
use crate::redact::redact_url;
use crate::tls::{self, DynamicIdentity, Identity};
use crate::token_file::TokenFile;

/// How long opening a connection may take, TCP connect and TLS handshake together.
/// client-go allows 30 s to dial and 10 s for the handshake; the HTTP stack here has one
/// budget for both, so a server that accepts connections but never completes a handshake
/// is given up on after 10 s, as with client-go.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
const TCP_KEEPALIVE: Duration = Duration::from_secs(30);
const IDLE_CONNECTIONS_PER_HOST: usize = 25;
const IDLE_TIMEOUT: Duration = Duration::from_secs(90);
const HTTP2_READ_IDLE: Duration = Duration::from_secs(30);
const HTTP2_PING_TIMEOUT: Duration = Duration::from_secs(15);

/// How requests are authenticated.
#[derive(Debug)]
enum Auth {
    None,
    Basic(HeaderValue),
    Bearer {
        token: Option<crate::Secret>,
        file: Option<TokenFile>,
    },
    Exec(Arc<Authenticator>),
}

/// An HTTP client built from a [`Config`]: it applies the user agent, impersonation and
/// credentials to every request it sends, and keeps them fresh (token files re-read,
/// client certificate files reloaded, exec plugins re-run on expiry or 401).
///
/// Clones share everything. Transports with equal TLS settings share one connection pool.
#[derive(Clone, Debug)]
pub struct Transport {
    inner: Arc<Inner>,
}

#[derive(Debug)]
struct Inner {
    config: Config,
    headers: FixedHeaders,
    auth: Auth,
    /// A client identity that can change (certificate files, exec plugin).
    identity: Option<Arc<dyn DynamicIdentity>>,
    /// The HTTP client, and the identity generation it was built for. Held in an `Arc`
    /// so that the shared-client cache forgets it once no transport uses it.
    http: RwLock<(Arc<reqwest::Client>, u64)>,
    /// The client for connection upgrades, built on first use, and its identity generation.
    upgrade_http: Mutex<Option<(reqwest::Client, u64)>>,
}

impl Transport {
    /// Builds a transport.
    ///
    /// Fails on contradictions (basic auth and a token together, a CA with insecure),
    /// unreadable or unparsable TLS files, and an unreadable token file.
    pub fn new(config: &Config) -> Result<Self> {
        if config.has_basic_auth() && config.has_token_auth() {
            return Err(Error::Config(
                "username/password or bearer token may be set, but not both".into(),
            ));
        }
        let explicit_credentials =
            config.has_basic_auth() || config.has_token_auth() || config.has_cert_auth();
        let auth = if config.has_token_auth() {
            Auth::Bearer {
                token: config.bearer_token.clone().filter(|t| !t.is_empty()),
                file: config
                    .bearer_token_file
                    .as_deref()
                    .map(TokenFile::open)
                    .transpose()?,
            }
        } else if config.has_basic_auth() {
            Auth::Basic(headers::basic_auth(
                config.username.as_deref().unwrap_or_default(),
                config.password.as_ref(),
            )?)
        } else if let (Some(exec), false) = (&config.exec, explicit_credentials) {
            Auth::Exec(Authenticator::shared(exec)?)
        } else {
            Auth::None
        };
        let (identity, http): (Option<Arc<dyn DynamicIdentity>>, _) =
            match (&auth, tls::identity_of(&config.tls)?) {
                (Auth::Exec(authenticator), _) => (
                    Some(authenticator.clone()),
                    Arc::new(build_http(
                        config,
                        Identity::Dynamic(authenticator.clone()),
                        Purpose::Requests,
                    )?),
                ),
                // Changing identities need a client of their own; fixed ones share a pool.
                (_, Identity::Dynamic(dynamic)) => (
                    Some(dynamic.clone()),
                    Arc::new(build_http(
                        config,
                        Identity::Dynamic(dynamic),
                        Purpose::Requests,
                    )?),
                ),
                (_, fixed) => (None, cached_http(config, fixed)?),
            };
        let generation = identity.as_ref().map_or(0, |i| i.generation());
        let user_agent = config.user_agent.clone().unwrap_or_else(default_user_agent);
        Ok(Self {
            inner: Arc::new(Inner {
                headers: FixedHeaders::new(&user_agent, &config.impersonate)?,
                config: config.clone(),
                auth,
                identity,
                http: RwLock::new((http, generation)),
                upgrade_http: Mutex::new(None),
            }),
        })
    }

    /// The configuration this transport was built from.
    pub fn config(&self) -> &Config {
        &self.inner.config
    }

    /// The underlying HTTP client, to build requests with (`client.get(url)`); send them
    /// with [`Transport::send`] so that credentials are applied.
    pub fn http_client(&self) -> reqwest::Client {
        reqwest::Client::clone(&self.inner.http.read().0)
    }

    /// Sends `request` with user agent, impersonation and credentials added (headers the
    /// request already carries are kept).
    pub async fn send(&self, mut request: reqwest::Request) -> Result<reqwest::Response> {
        let used = self.authorize(&mut request).await?;
        let client = self.current_http()?;
        let response = client.execute(request).await?;
        self.after_response(&response, used).await;
        Ok(response)
    }

    /// Sends `request` on a connection of its own, over HTTP/1.1 and without following
    /// redirects: the first step of a connection upgrade (see [`crate::upgrade`]).
    pub(crate) async fn send_for_upgrade(
        &self,
        mut request: reqwest::Request,
    ) -> Result<reqwest::Response> {
        let used = self.authorize(&mut request).await?;
        let client = self.upgrade_http()?;
        let response = client.execute(request).await?;
        self.after_response(&response, used).await;
        Ok(response)
    }

    /// Adds user agent, impersonation and credentials to `request`; returns the exec
    /// plugin credentials used, if any.
    async fn authorize(
        &self,
        request: &mut reqwest::Request,
    ) -> Result<Option<Arc<crate::exec::Credentials>>> {
        let inner = &self.inner;
        inner.headers.apply(request.headers_mut());
        let mut exec_used = None;
        if !headers::has_authorization(request.headers()) {
            let value = match &inner.auth {
                Auth::None => None,
                Auth::Basic(value) => Some(value.clone()),
                Auth::Bearer { token, file } => {
                    let token = match (file, token) {
                        (Some(file), static_token) => match file.token() {
                            Ok(token) => Some(token),
                            Err(error) => static_token.clone().ok_or(error).map(Some)?,
                        },
                        (None, token) => token.clone(),
                    };
                    token.as_ref().map(headers::bearer).transpose()?
                }
                Auth::Exec(authenticator) => {
                    let credentials = authenticator.credentials().await?;
                    let value = credentials
                        .token
                        .as_ref()
                        .map(headers::bearer)
                        .transpose()?;
                    exec_used = Some(credentials);
                    value
                }
            };
            if let Some(value) = value {
                request.headers_mut().insert(AUTHORIZATION, value);
            }
        }
        Ok(exec_used)
    }

    /// Tells the exec plugin's cache about a 401 answered to its credentials.
    async fn after_response(
        &self,
        response: &reqwest::Response,
        used: Option<Arc<crate::exec::Credentials>>,
    ) {
        if let (Auth::Exec(authenticator), Some(used)) = (&self.inner.auth, used)
            && response.status() == reqwest::StatusCode::UNAUTHORIZED
        {
            authenticator.unauthorized(&used).await;
        }
    }

    /// The HTTP client for upgrade requests: HTTP/1.1 only (an upgrade does not exist in
    /// HTTP/2), no redirects, no pooled connections (the connection is handed over);
    /// rebuilt when the client identity changed.
    fn upgrade_http(&self) -> Result<reqwest::Client> {
        let generation = match &self.inner.identity {
            Some(identity) => {
                identity.current();
                identity.generation()
            }
            None => 0,
        };
        let mut cached = self.inner.upgrade_http.lock();
        if let Some((client, built_for)) = cached.as_ref()
            && *built_for == generation
        {
            return Ok(client.clone());
        }
        let identity = match &self.inner.identity {
            Some(dynamic) => Identity::Dynamic(dynamic.clone()),
            None => tls::identity_of(&self.inner.config.tls)?,
        };
        let client = build_http(&self.inner.config, identity, Purpose::Upgrade)?;
        *cached = Some((client.clone(), generation));
        Ok(client)
    }

    /// The HTTP client to send with: rebuilt (so new connections present it) when the
    /// client identity changed since the current one was built.
    fn current_http(&self) -> Result<reqwest::Client> {
        let Some(identity) = &self.inner.identity else {
            return Ok(self.http_client());
        };
        identity.current(); // picks up changed certificate files
        let generation = identity.generation();
        if self.inner.http.read().1 == generation {
            return Ok(self.http_client());
        }
        let fresh = build_http(
            &self.inner.config,
            Identity::Dynamic(identity.clone()),
            Purpose::Requests,
        )?;
        let mut http = self.inner.http.write();
        if http.1 != generation {
            tracing::info!("the client certificate changed; opening new connections");
            *http = (Arc::new(fresh), generation);
        }
        Ok(reqwest::Client::clone(&http.0))
    }
}

/// What makes two HTTP clients interchangeable.
#[derive(Clone, PartialEq, Eq, Hash)]
struct CacheKey {
    tls: TlsConfig,
    proxy: Proxy,
    /// The proxy variables of the environment, when the proxy comes from there.
    proxy_environment: Vec<Option<String>>,
    /// The HTTP/2 variables of the environment.
    http2_environment: Vec<Option<String>>,
    disable_compression: bool,
}

/// The variables that change how HTTP/2 is used.
const HTTP2_VARIABLES: [&str; 3] = [
    "DISABLE_HTTP2",
    "HTTP2_READ_IDLE_TIMEOUT_SECONDS",
    "HTTP2_PING_TIMEOUT_SECONDS",
];

/// The variables a proxy taken from the environment depends on.
const PROXY_VARIABLES: [&str; 8] = [
    "HTTPS_PROXY",
    "https_proxy",
    "HTTP_PROXY",
    "http_proxy",
    "ALL_PROXY",
    "all_proxy",
    "NO_PROXY",
    "no_proxy",
];

/// Shared HTTP clients, by settings and tokio runtime. An entry lives as long as a
/// transport holds its client: the cache keeps only a weak reference, so a pool whose
/// last user is gone is dropped, its connections closed, and its entry removed.
type SharedClients = HashMap<(CacheKey, tokio::runtime::Id), Weak<reqwest::Client>>;

fn shared_clients() -> &'static Mutex<SharedClients> {
    static CACHE: OnceLock<Mutex<SharedClients>> = OnceLock::new();
    CACHE.get_or_init(Default::default)
}

/// A shared HTTP client for configurations with equal TLS, proxy and compression
/// settings, so they share one connection pool.
///
/// Pooled connections are driven by tasks of the tokio runtime that opened them, so
/// clients are shared only within one runtime (a runtime's id is never reused, so the
/// entries of a runtime that shut down are never handed out again). Outside a runtime
/// nothing is shared.
fn cached_http(config: &Config, identity: Identity) -> Result<Arc<reqwest::Client>> {
    let Ok(runtime) = tokio::runtime::Handle::try_current() else {
        return Ok(Arc::new(build_http(config, identity, Purpose::Requests)?));
    };
    let key = CacheKey {
        tls: config.tls.clone(),
        proxy: config.proxy.clone(),
        proxy_environment: match config.proxy {
            Proxy::FromEnvironment => PROXY_VARIABLES
                .iter()
                .map(|v| std::env::var(v).ok())
                .collect(),
            _ => Vec::new(),
        },
        http2_environment: HTTP2_VARIABLES
            .iter()
            .map(|v| std::env::var(v).ok())
            .collect(),
        disable_compression: config.disable_compression,
    };
    let mut cache = shared_clients().lock();
    cache.retain(|_, client| client.strong_count() > 0);
    let key = (key, runtime.id());
    if let Some(client) = cache.get(&key).and_then(Weak::upgrade) {
        return Ok(client);
    }
    let client = Arc::new(build_http(config, identity, Purpose::Requests)?);
    cache.insert(key, Arc::downgrade(&client));
    Ok(client)
}

/// How many shared HTTP clients of the current runtime are cached and still in use.
#[cfg(test)]
fn shared_clients_in_use() -> usize {
    let runtime = tokio::runtime::Handle::current().id();
    let mut cache = shared_clients().lock();
    cache.retain(|_, client| client.strong_count() > 0);
    cache.keys().filter(|(_, id)| *id == runtime).count()
}

/// What an HTTP client is built for.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Purpose {
    /// Ordinary requests: pooled connections, HTTP/2 when the server offers it.
    Requests,
    /// Connection upgrades: HTTP/1.1, no pooling, redirects not followed.
    Upgrade,
}

fn build_http(config: &Config, identity: Identity, purpose: Purpose) -> Result<reqwest::Client> {
    let http1_only = purpose == Purpose::Upgrade
        || config.tls.next_protos == ["http/1.1"]
        || std::env::var_os("DISABLE_HTTP2").is_some_and(|v| !v.is_empty());
    let mut tls = tls::client_config(&config.tls, identity)?;
    if http1_only {
        // Offering h2 in ALPN would let the server pick HTTP/2 anyway.
        tls.alpn_protocols = vec![b"http/1.1".to_vec()];
    }
    let mut builder = reqwest::Client::builder()
        .tls_backend_preconfigured(tls)
        .connect_timeout(CONNECT_TIMEOUT)
        .tcp_keepalive(TCP_KEEPALIVE)
        .pool_max_idle_per_host(IDLE_CONNECTIONS_PER_HOST)
        .pool_idle_timeout(IDLE_TIMEOUT)
        .gzip(!config.disable_compression);
    if purpose == Purpose::Upgrade {
        builder = builder
            .pool_max_idle_per_host(0)
            .redirect(reqwest::redirect::Policy::none())
            .gzip(false);
    }
    if http1_only {
        builder = builder.http1_only();
    } else {
        let read_idle = env_seconds("HTTP2_READ_IDLE_TIMEOUT_SECONDS", HTTP2_READ_IDLE);
        if !read_idle.is_zero() {
            builder = builder
                .http2_keep_alive_interval(read_idle)
                .http2_keep_alive_timeout(env_seconds(
                    "HTTP2_PING_TIMEOUT_SECONDS",
                    HTTP2_PING_TIMEOUT,
                ))
                .http2_keep_alive_while_idle(true);
        }
    }
    builder = match &config.proxy {
        Proxy::FromEnvironment => builder,
        Proxy::None => builder.no_proxy(),
        Proxy::Url(url) => builder.proxy(reqwest::Proxy::all(url).map_err(|e| {
            Error::Config(format!(
                "invalid proxy-url {:?}: {}",
                redact_url(url),
                e.without_url()
            ))
        })?),
    };
    Ok(builder.build()?)
}

/// A duration in whole seconds from the environment; invalid values fall back (logged).
fn env_seconds(name: &str, default: Duration) -> Duration {
    match std::env::var(name) {
        Ok(text) => match text.trim().parse::<u64>() {
            Ok(seconds) => Duration::from_secs(seconds),
            Err(_) => {
                tracing::warn!(name, value = %text, "not a number of seconds; using the default");
                default
            }
        },
        Err(_) => default,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn shared_clients_are_dropped_with_their_last_transport() {
        let transports: Vec<Transport> = (0..500)
            .map(|i| {
                let mut config = Config::default();
                config.tls.insecure = true; // no system roots to load 500 times
                config.tls.server_name = Some(format!("server-{i}.example"));
                Transport::new(&config).unwrap()
            })
            .collect();
        let same = Transport::new(&transports[7].config().clone()).unwrap();
        assert_eq!(shared_clients_in_use(), 500);
        drop(transports);
        // The one still in use stays; the other 499 are gone.
        assert_eq!(shared_clients_in_use(), 1);
        drop(same);
        assert_eq!(shared_clients_in_use(), 0);
    }
}
