//! Exec credential plugins (`client.authentication.k8s.io`): run a command that prints
//! a token or client certificate, cache what it prints until it expires, and run it
//! again when the server answers 401.

mod config;
mod run;

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, OnceLock};
use std::time::SystemTime;

use parking_lot::{Mutex, RwLock};
use rustls::sign::CertifiedKey;

pub use config::{EXEC_API_VERSIONS, ExecCluster, ExecConfig, ExecEnvVar, InteractiveMode};

use crate::error::Result;
use crate::secret::Secret;
use crate::tls::DynamicIdentity;

/// Credentials one run of the plugin produced.
#[derive(Debug)]
pub(crate) struct Credentials {
    pub(crate) token: Option<Secret>,
    expiry: Option<SystemTime>,
    certificate: Option<Vec<u8>>,
}

/// Runs one plugin configuration and caches its credentials. Shared process-wide by
/// every transport built from the same configuration.
#[derive(Debug)]
pub(crate) struct Authenticator {
    config: ExecConfig,
    current: tokio::sync::Mutex<Option<Arc<Credentials>>>,
    identity: RwLock<Option<Arc<CertifiedKey>>>,
    certificate_generation: AtomicU64,
    hints: Mutex<run::HintLimiter>,
}

impl Authenticator {
    /// The authenticator for `config`, shared with earlier callers of the same config.
    pub(crate) fn shared(config: &ExecConfig) -> Result<Arc<Self>> {
        static CACHE: OnceLock<Mutex<HashMap<String, Arc<Authenticator>>>> = OnceLock::new();
        run::validate(config)?;
        let key = serde_json::to_string(config).unwrap_or_default();
        let mut cache = CACHE.get_or_init(Default::default).lock();
        let authenticator = cache.entry(key).or_insert_with(|| {
            Arc::new(Authenticator {
                config: config.clone(),
                current: tokio::sync::Mutex::new(None),
                identity: RwLock::new(None),
                certificate_generation: AtomicU64::new(0),
                hints: Mutex::new(run::HintLimiter::default()),
            })
        });
        Ok(Arc::clone(authenticator))
    }

    /// Valid credentials: the cached ones unless expired, else a fresh run of the plugin
    /// (one run at a time).
    pub(crate) async fn credentials(&self) -> Result<Arc<Credentials>> {
        let mut current = self.current.lock().await;
        if let Some(credentials) = current.as_ref()
            && credentials
                .expiry
                .is_none_or(|expiry| expiry > SystemTime::now())
        {
            return Ok(Arc::clone(credentials));
        }
        let output = run::execute(&self.config, &self.hints).await?;
        let credentials = Arc::new(Credentials {
            token: output.token,
            expiry: output.expiry,
            certificate: output.identity.as_ref().map(|(cert, _)| cert.clone()),
        });
        let previous_certificate = current.as_ref().and_then(|c| c.certificate.clone());
        if credentials.certificate != previous_certificate {
            *self.identity.write() = output.identity.map(|(_, key)| Arc::new(key));
            if previous_certificate.is_some() || credentials.certificate.is_some() {
                self.certificate_generation.fetch_add(1, Ordering::SeqCst);
            }
        }
        *current = Some(Arc::clone(&credentials));
        Ok(credentials)
    }

    /// After a 401 with `used`: forget them, unless someone already replaced them.
    pub(crate) async fn unauthorized(&self, used: &Arc<Credentials>) {
        let mut current = self.current.lock().await;
        if current.as_ref().is_some_and(|c| Arc::ptr_eq(c, used)) {
            tracing::debug!(command = %self.config.command, "401 with exec credentials; the plugin runs again on the next request");
            *current = None;
        }
    }
}

impl DynamicIdentity for Authenticator {
    fn current(&self) -> Option<Arc<CertifiedKey>> {
        self.identity.read().clone()
    }

    fn generation(&self) -> u64 {
        self.certificate_generation.load(Ordering::SeqCst)
    }
}
