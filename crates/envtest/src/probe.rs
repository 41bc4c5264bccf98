//! Readiness probes: poll a component's health endpoint until it answers, failing early
//! (with its log) if the component exits.

use std::sync::Arc;
use std::time::{Duration, Instant};

use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};

use crate::error::{Error, Result};
use crate::process::{ManagedProcess, log_tail};
use crate::user::{Credentials, User};

const POLL_INTERVAL: Duration = Duration::from_millis(100);
const REQUEST_TIMEOUT: Duration = Duration::from_secs(5);

/// An HTTPS client that trusts `ca_pem` and authenticates as `user`.
pub(crate) fn https_client(ca_pem: &str, user: &User) -> Result<reqwest::Client> {
    let bad = |what: &str, detail: String| Error::Client(format!("{what}: {detail}"));
    let mut roots = rustls::RootCertStore::empty();
    for certificate in CertificateDer::pem_slice_iter(ca_pem.as_bytes()) {
        let certificate = certificate.map_err(|e| bad("CA certificate", e.to_string()))?;
        roots
            .add(certificate)
            .map_err(|e| bad("CA certificate", e.to_string()))?;
    }
    let config = tls_config_builder()?.with_root_certificates(roots);
    match &user.credentials {
        Credentials::ClientCertificate(identity) => {
            let chain = CertificateDer::pem_slice_iter(identity.certificate_pem.as_bytes())
                .collect::<Result<Vec<_>, _>>()
                .map_err(|e| bad("client certificate", e.to_string()))?;
            let key = PrivateKeyDer::from_pem_slice(identity.private_key_pem.expose().as_bytes())
                .map_err(|_| bad("client key", "not a PEM private key".into()))?;
            let config = config
                .with_client_auth_cert(chain, key)
                .map_err(|e| bad("client identity", e.to_string()))?;
            client_with(config, reqwest::header::HeaderMap::new())
        }
        Credentials::Token(token) => {
            let mut value =
                reqwest::header::HeaderValue::from_str(&format!("Bearer {}", token.expose()))
                    .map_err(|_| bad("token", "not a valid header value".into()))?;
            value.set_sensitive(true);
            let mut headers = reqwest::header::HeaderMap::new();
            headers.insert(reqwest::header::AUTHORIZATION, value);
            client_with(config.with_no_client_auth(), headers)
        }
    }
}

/// A client for plain HTTP (etcd's loopback health endpoint); it trusts no TLS server.
pub(crate) fn http_client() -> Result<reqwest::Client> {
    let config = tls_config_builder()?
        .with_root_certificates(rustls::RootCertStore::empty())
        .with_no_client_auth();
    client_with(config, reqwest::header::HeaderMap::new())
}

/// TLS settings on the `ring` provider, chosen explicitly so that no process-wide
/// default provider is needed.
fn tls_config_builder() -> Result<rustls::ConfigBuilder<rustls::ClientConfig, rustls::WantsVerifier>>
{
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| Error::Client(format!("TLS versions: {e}")))
}

fn client_with(
    config: rustls::ClientConfig,
    headers: reqwest::header::HeaderMap,
) -> Result<reqwest::Client> {
    reqwest::Client::builder()
        .tls_backend_preconfigured(config)
        .default_headers(headers)
        // The control plane is on loopback: never through a proxy from the environment.
        .no_proxy()
        .timeout(REQUEST_TIMEOUT)
        .build()
        .map_err(|e| Error::Client(format!("HTTP client: {e}")))
}

/// Polls `url` until it answers 200 with a body for which `healthy` holds, the process
/// exits, or `timeout` passes.
pub(crate) async fn wait_ready(
    component: &'static str,
    process: &mut ManagedProcess,
    client: &reqwest::Client,
    url: &str,
    healthy: impl Fn(&str) -> bool,
    timeout: Duration,
) -> Result<()> {
    let started = Instant::now();
    loop {
        process.ensure_running()?;
        let last_probe = match client.get(url).send().await {
            Ok(response) => {
                let status = response.status();
                let body = response.text().await.unwrap_or_default();
                if status.is_success() && healthy(&body) {
                    return Ok(());
                }
                format!("{status}: {}", body.chars().take(300).collect::<String>())
            }
            Err(error) => error.to_string(),
        };
        if started.elapsed() >= timeout {
            return Err(Error::NotReady {
                component,
                waited: started.elapsed(),
                last_probe,
                log: process.log().to_path_buf(),
                log_tail: log_tail(process.log()),
            });
        }
        tokio::time::sleep(POLL_INTERVAL).await;
    }
}
