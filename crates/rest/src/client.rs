//! [`RestClient`]: one API server, its transport, rate limiter and warning handler,
//! shared by every request made through it.

use std::sync::Arc;
use std::time::Duration;

use reqwest::Method;
use url::Url;

use crate::config::{Config, DEFAULT_BURST, DEFAULT_QPS};
use crate::error::{Error, Result};
use crate::rate_limit::{RateLimiter, TokenBucket};
use crate::request::Request;
use crate::url::base_url;
use crate::warnings::{LogWarningsOnce, WarningHandler};

/// The default `Accept` header.
const DEFAULT_ACCEPT: &str = "application/json, */*";

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
    accept: String,
    timeout: Option<Duration>,
}

impl std::fmt::Debug for RestClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RestClient")
            .field("base_url", &self.inner.base_url.as_str())
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
        let base_url = base_url(&config.host, tls_implied)?;
        let transport =
            clientgo_transport::Transport::new(transport_config).map_err(Error::transport)?;
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
                    .unwrap_or_else(|| "application/json".into()),
                accept: config
                    .accept
                    .clone()
                    .unwrap_or_else(|| DEFAULT_ACCEPT.into()),
                timeout: config.timeout.filter(|t| !t.is_zero()),
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

    pub(crate) fn accept(&self) -> &str {
        &self.inner.accept
    }

    pub(crate) fn timeout(&self) -> Option<Duration> {
        self.inner.timeout
    }

    /// The media type of request bodies.
    pub fn content_type(&self) -> &str {
        &self.inner.content_type
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
    fn an_invalid_host_fails_fast() {
        assert!(RestClient::new(&Config::new("")).is_err());
        assert!(RestClient::new(&Config::new("host/path")).is_err());
    }
}
