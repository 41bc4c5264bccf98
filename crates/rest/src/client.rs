//! [`RestClient`]: one API server, its transport, rate limiter and warning handler,
//! shared by every request made through it.

use std::sync::Arc;
use std::time::Duration;

use reqwest::Method;
use reqwest::header::HeaderValue;
use url::Url;

use crate::config::{Config, DEFAULT_BURST, DEFAULT_QPS};
use crate::error::{Error, Result};
use crate::limits::ResponseLimits;
use crate::rate_limit::{RateLimiter, TokenBucket};
use crate::request::Request;
use crate::url::base_url;
use crate::warnings::{LogWarningsOnce, WarningHandler};

/// The default `Accept` header.
const DEFAULT_ACCEPT: &str = "application/json, */*";

/// The default content type: protobuf for the built-in kinds that have it (what
/// Kubernetes' own components use), JSON for everything else.
const DEFAULT_CONTENT_TYPE: &str = clientgo_apimachinery::media_type::APPLICATION_PROTOBUF;

/// A client for one API server. Cheap to clone; clones share the connection pool, the
/// rate limiter and the warning handler.
#[derive(Clone)]
pub struct RestClient {
    inner: Arc<Inner>,
}

struct Inner {
    base_url: Url,
    transport: clientgo_transport::Transport,
    rate_limiter: Option<Arc<dyn RateLimiter>>,
    warnings: Arc<dyn WarningHandler>,
    content_type: String,
    /// The `Accept` header of every request (none if the configured one is not a valid
    /// header value), built once.
    accept: Option<HeaderValue>,
    timeout: Option<Duration>,
    limits: ResponseLimits,
}

impl std::fmt::Debug for RestClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RestClient")
            .field(
                "base_url",
                &clientgo_transport::redact_url(self.inner.base_url.as_str()),
            )
            .field("rate_limited", &self.inner.rate_limiter.is_some())
            .finish_non_exhaustive()
    }
}

impl RestClient {
    /// A client for `config`: validates the host, builds the transport and picks the
    /// rate limiter (the configured one; else a token bucket of `qps`/`burst`, 5/10 by
    /// default; none when `qps` is negative).
    pub fn new(config: &Config) -> Result<Self> {
        let transport_config = &config.transport;
        let tls_implied = transport_config.tls.has_ca()
            || transport_config.has_cert_auth()
            || transport_config.tls.insecure;
        let mut base_url = base_url(&config.host, tls_implied)?;
        let transport = match take_url_credentials(&mut base_url, transport_config) {
            Some(with_basic_auth) => clientgo_transport::Transport::new(&with_basic_auth),
            None => clientgo_transport::Transport::new(transport_config),
        }
        .map_err(Error::transport)?;
        Ok(Self {
            inner: Arc::new(Inner {
                base_url,
                transport,
                rate_limiter: rate_limiter_for(config),
                warnings: config
                    .warning_handler
                    .clone()
                    .unwrap_or_else(|| Arc::new(LogWarningsOnce::default())),
                content_type: config
                    .content_type
                    .clone()
                    .unwrap_or_else(|| DEFAULT_CONTENT_TYPE.into()),
                accept: HeaderValue::from_str(config.accept.as_deref().unwrap_or(DEFAULT_ACCEPT))
                    .ok(),
                timeout: config.timeout.filter(|t| !t.is_zero()),
                limits: config.limits,
            }),
        })
    }

    /// The server's base URL (always ending in `/`).
    pub fn base_url(&self) -> &Url {
        &self.inner.base_url
    }

    /// The transport requests go through.
    pub fn transport(&self) -> &clientgo_transport::Transport {
        &self.inner.transport
    }

    /// The client-side rate limiter, if any.
    pub fn rate_limiter(&self) -> Option<&Arc<dyn RateLimiter>> {
        self.inner.rate_limiter.as_ref()
    }

    pub(crate) fn warnings(&self) -> &Arc<dyn WarningHandler> {
        &self.inner.warnings
    }

    pub(crate) fn accept(&self) -> Option<&HeaderValue> {
        self.inner.accept.as_ref()
    }

    pub(crate) fn timeout(&self) -> Option<Duration> {
        self.inner.timeout
    }

    pub(crate) fn limits(&self) -> ResponseLimits {
        self.inner.limits
    }

    /// The configured content type ([`Config::content_type`]).
    pub fn content_type(&self) -> &str {
        &self.inner.content_type
    }

    /// Whether typed clients ask for protobuf answers for the kinds that have one:
    /// the content type is `application/vnd.kubernetes.protobuf`.
    pub fn prefers_protobuf(&self) -> bool {
        clientgo_apimachinery::media_type::is_media_type(
            &self.inner.content_type,
            clientgo_apimachinery::media_type::APPLICATION_PROTOBUF,
        )
    }

    /// A request with `method`.
    pub fn request(&self, method: Method) -> Request {
        Request::new(self.clone(), method)
    }

    /// A GET request.
    pub fn get(&self) -> Request {
        self.request(Method::GET)
    }

    /// A POST request.
    pub fn post(&self) -> Request {
        self.request(Method::POST)
    }

    /// A PUT request.
    pub fn put(&self) -> Request {
        self.request(Method::PUT)
    }

    /// A DELETE request.
    pub fn delete(&self) -> Request {
        self.request(Method::DELETE)
    }

    /// A PATCH request whose body is of `content_type` (e.g.
    /// `application/merge-patch+json`).
    pub fn patch(&self, content_type: &str) -> Request {
        self.request(Method::PATCH)
            .header("Content-Type", content_type)
    }
}

/// Moves `user:password@` out of the server URL (so that it never reaches connection
/// pools, logs or errors) into basic auth, as Go's HTTP client sends it, unless the
/// configuration already has credentials of its own. The configuration to use instead,
/// if it changes.
fn take_url_credentials(
    url: &mut Url,
    config: &clientgo_transport::Config,
) -> Option<clientgo_transport::Config> {
    if url.username().is_empty() && url.password().is_none() {
        return None;
    }
    let username = percent_decode(url.username());
    let password = url.password().map(percent_decode);
    let _ = url.set_username("");
    let _ = url.set_password(None);
    if config.has_basic_auth() || config.has_token_auth() || config.exec.is_some() {
        tracing::debug!("ignoring the credentials in the server URL: others are configured");
        return None;
    }
    let mut config = config.clone();
    config.username = Some(username);
    config.password = password.map(clientgo_transport::Secret::new);
    Some(config)
}

/// `%XX` escapes decoded (invalid ones kept as they are).
fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |b: u8| (b as char).to_digit(16);
        match (bytes[i], bytes.get(i + 1), bytes.get(i + 2)) {
            (b'%', Some(&high), Some(&low)) if hex(high).is_some() && hex(low).is_some() => {
                out.push((hex(high).unwrap_or(0) * 16 + hex(low).unwrap_or(0)) as u8);
                i += 3;
            }
            (byte, _, _) => {
                out.push(byte);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn rate_limiter_for(config: &Config) -> Option<Arc<dyn RateLimiter>> {
    if let Some(limiter) = &config.rate_limiter {
        return Some(Arc::clone(limiter));
    }
    if config.qps < 0.0 {
        return None;
    }
    let qps = if config.qps == 0.0 {
        DEFAULT_QPS
    } else {
        config.qps
    };
    let burst = if config.burst == 0 {
        DEFAULT_BURST
    } else {
        config.burst
    };
    Some(Arc::new(TokenBucket::new(qps, burst)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn picks_the_rate_limiter_like_client_go() {
        let defaulted = RestClient::new(&Config::new("http://h")).unwrap();
        let limiter = defaulted.rate_limiter().unwrap();
        // Burst 10 passes at once, the 11th waits about 1/5 s.
        for _ in 0..10 {
            assert_eq!(limiter.reserve(), Duration::ZERO);
        }
        assert!(limiter.reserve() >= Duration::from_millis(150));

        let disabled = Config {
            qps: -1.0,
            ..Config::new("http://h")
        };
        assert!(RestClient::new(&disabled).unwrap().rate_limiter().is_none());

        let custom: Arc<dyn RateLimiter> = Arc::new(TokenBucket::new(1.0, 1));
        let explicit = Config {
            qps: -1.0,
            rate_limiter: Some(Arc::clone(&custom)),
            ..Config::new("http://h")
        };
        let client = RestClient::new(&explicit).unwrap();
        assert!(Arc::ptr_eq(client.rate_limiter().unwrap(), &custom));
    }

    #[test]
    fn credentials_in_the_url_become_basic_auth() {
        let mut url = Url::parse("https://ad%40min:p%3Ass@h:6443/prefix/").unwrap();
        let config = take_url_credentials(&mut url, &Default::default()).unwrap();
        assert_eq!(url.as_str(), "https://h:6443/prefix/");
        assert_eq!(config.username.as_deref(), Some("ad@min"));
        assert_eq!(config.password.unwrap().expose(), "p:ss");

        let mut url = Url::parse("https://u:p@h/").unwrap();
        let token = clientgo_transport::Config {
            bearer_token: Some("t".into()),
            ..Default::default()
        };
        assert!(take_url_credentials(&mut url, &token).is_none());
        assert_eq!(url.as_str(), "https://h/");
    }

    #[test]
    fn an_invalid_host_fails_fast() {
        assert!(RestClient::new(&Config::new("")).is_err());
        assert!(RestClient::new(&Config::new("host/path")).is_err());
    }
}
