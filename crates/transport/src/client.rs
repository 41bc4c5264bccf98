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
use crate::tls::{self, DynamicIdentity, Identity};
use crate::token_file::TokenFile;

const CONNECT_TIMEOUT: Duration = Duration::from_secs(30);
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
    /// The HTTP client, and the identity generation it was built for.
    http: RwLock<(reqwest::Client, u64)>,
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
                    build_http(config, Identity::Dynamic(authenticator.clone()))?,
                ),
                // Changing identities need a client of their own; fixed ones share a pool.
                (_, Identity::Dynamic(dynamic)) => (
                    Some(dynamic.clone()),
                    build_http(config, Identity::Dynamic(dynamic))?,
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
        self.inner.http.read().0.clone()
    }

    /// Sends `request` with user agent, impersonation and credentials added (headers the
    /// request already carries are kept).
    pub async fn send(&self, mut request: reqwest::Request) -> Result<reqwest::Response> {
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
        let client = self.current_http()?;
        let response = client.execute(request).await?;
        if let (Auth::Exec(authenticator), Some(used)) = (&inner.auth, exec_used)
            && response.status() == reqwest::StatusCode::UNAUTHORIZED
        {
            authenticator.unauthorized(&used).await;
        }
        Ok(response)
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
        let fresh = build_http(&self.inner.config, Identity::Dynamic(identity.clone()))?;
        let mut http = self.inner.http.write();
        if http.1 != generation {
            tracing::info!("the client certificate changed; opening new connections");
            *http = (fresh, generation);
        }
        Ok(http.0.clone())
    }
}

/// What makes two HTTP clients interchangeable.
#[derive(Clone, PartialEq, Eq, Hash)]
struct CacheKey {
    tls: TlsConfig,
    proxy: Proxy,
    /// The proxy variables of the environment, when the proxy comes from there.
    proxy_environment: Vec<Option<String>>,
    disable_compression: bool,
}

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

/// A shared HTTP client for configurations with equal TLS, proxy and compression
/// settings, so they share one connection pool.
///
/// Pooled connections are driven by tasks of the tokio runtime that opened them, so
/// clients are shared only within one runtime, and forgotten when it shuts down
/// (tests, for one, run a runtime each). Outside a runtime nothing is shared.
fn cached_http(config: &Config, identity: Identity) -> Result<reqwest::Client> {
    type Entry = (reqwest::Client, Weak<()>);
    static CACHE: OnceLock<Mutex<HashMap<(CacheKey, tokio::runtime::Id), Entry>>> = OnceLock::new();
    let Ok(runtime) = tokio::runtime::Handle::try_current() else {
        return build_http(config, identity);
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
        disable_compression: config.disable_compression,
    };
    let mut cache = CACHE.get_or_init(Default::default).lock();
    cache.retain(|_, (_, runtime_alive)| runtime_alive.strong_count() > 0);
    let key = (key, runtime.id());
    if let Some((client, _)) = cache.get(&key) {
        return Ok(client.clone());
    }
    let client = build_http(config, identity)?;
    // A task that lives as long as the runtime marks the entry as usable.
    let alive = Arc::new(());
    let marker = Arc::downgrade(&alive);
    runtime.spawn(async move {
        let _alive = alive;
        std::future::pending::<()>().await;
    });
    cache.insert(key, (client.clone(), marker));
    Ok(client)
}

fn build_http(config: &Config, identity: Identity) -> Result<reqwest::Client> {
    let tls = tls::client_config(&config.tls, identity)?;
    let http1_only = config.tls.next_protos == ["http/1.1"]
        || std::env::var_os("DISABLE_HTTP2").is_some_and(|v| !v.is_empty());
    let mut builder = reqwest::Client::builder()
        .tls_backend_preconfigured(tls)
        .connect_timeout(CONNECT_TIMEOUT)
        .tcp_keepalive(TCP_KEEPALIVE)
        .pool_max_idle_per_host(IDLE_CONNECTIONS_PER_HOST)
        .pool_idle_timeout(IDLE_TIMEOUT)
        .gzip(!config.disable_compression);
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
        Proxy::Url(url) => builder.proxy(
            reqwest::Proxy::all(url)
                .map_err(|e| Error::Config(format!("invalid proxy-url {url:?}: {e}")))?,
        ),
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
