//! [`Config`]: how to reach and authenticate to an API server.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use crate::limits::ResponseLimits;
use crate::rate_limit::RateLimiter;
use crate::warnings::WarningHandler;

/// client-go's default client-side rate: 5 requests a second...
pub const DEFAULT_QPS: f32 = 5.0;
/// ...with bursts of 10.
pub const DEFAULT_BURST: u32 = 10;

/// How to reach and authenticate to a Kubernetes API server (client-go's `rest.Config`).
///
/// Build one by hand, from a kubeconfig (`clientgo-clientcmd`), or from the in-cluster
/// environment ([`Config::in_cluster`]). `Debug` never shows credentials.
///
/// ```
/// use clientgo_rest::Config;
///
/// let mut config = Config::new("https://127.0.0.1:6443");
/// config.transport.bearer_token = Some("t0ken".into());
/// config.qps = 50.0;
/// config.burst = 100;
/// assert!(!format!("{config:?}").contains("t0ken"));
/// ```
#[derive(Clone, Default)]
pub struct Config {
    /// `https://host:port`, `host:port` or `host`; a URL path is kept as a prefix of every
    /// request (API servers behind a path-relocating proxy).
    pub host: String,
    /// The preferred media type of built-in kinds. Unset or
    /// `application/vnd.kubernetes.protobuf` (what Kubernetes' own components set as
    /// client-go's `ContentType`): typed clients and informers ask for protobuf answers
    /// and watch events for the kinds that have a protobuf form, with JSON as the
    /// fallback. `application/json` keeps every answer JSON (client-go's default).
    /// Custom resources and the dynamic client are always JSON; request bodies are
    /// always sent as JSON.
    pub content_type: Option<String>,
    /// The `Accept` header (default `application/json, */*`).
    pub accept: Option<String>,
    /// Sustained requests per second of the client-side rate limiter: 0 means
    /// [`DEFAULT_QPS`]; negative disables client-side rate limiting.
    pub qps: f32,
    /// Burst of the client-side rate limiter: 0 means [`DEFAULT_BURST`].
    pub burst: u32,
    /// A rate limiter to use instead of one made from `qps` and `burst`.
    pub rate_limiter: Option<Arc<dyn RateLimiter>>,
    /// Timeout of each request (none by default), covering every retry and wait of it
    /// and, for `send`, reading the answer; also sent to the server as `timeout=`.
    pub timeout: Option<Duration>,
    /// How large an answer may be ([`ResponseLimits`]: 1 GiB bodies, 64 MiB watch
    /// events by default).
    pub limits: ResponseLimits,
    /// Where `Warning` headers of responses go (default: logged once per distinct text).
    pub warning_handler: Option<Arc<dyn WarningHandler>>,
    /// TLS, credentials, impersonation, user agent, proxy and compression.
    pub transport: clientgo_transport::Config,
}

impl Config {
    /// A config for `host` with every other setting at its default.
    pub fn new(host: impl Into<String>) -> Self {
        Self {
            host: host.into(),
            ..Self::default()
        }
    }

    /// A copy without any credential (client certificate, token, basic auth,
    /// impersonation, exec plugin): client-go's `AnonymousClientConfig`.
    pub fn anonymous(&self) -> Self {
        let mut copy = self.clone();
        let transport = &mut copy.transport;
        transport.tls.cert_file = None;
        transport.tls.cert_data = None;
        transport.tls.key_file = None;
        transport.tls.key_data = None;
        transport.username = None;
        transport.password = None;
        transport.bearer_token = None;
        transport.bearer_token_file = None;
        transport.impersonate = Default::default();
        transport.exec = None;
        copy
    }
}

impl fmt::Debug for Config {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Config")
            .field("host", &clientgo_transport::redact_url(&self.host))
            .field("content_type", &self.content_type)
            .field("accept", &self.accept)
            .field("qps", &self.qps)
            .field("burst", &self.burst)
            .field(
                "rate_limiter",
                &self.rate_limiter.as_ref().map(|_| "custom"),
            )
            .field("timeout", &self.timeout)
            .field("limits", &self.limits)
            .field(
                "warning_handler",
                &self.warning_handler.as_ref().map(|_| "custom"),
            )
            .field("transport", &self.transport)
            .finish()
    }
}
