//! The in-cluster client config: a pod's service account, with the few overrides that
//! make sense for it (server, token, CA file).

use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::error::{Error, Result};
use crate::overrides::ConfigOverrides;

type EnvLookup = Arc<dyn Fn(&str) -> Option<String> + Send + Sync>;
type ConfigLoader =
    Arc<dyn Fn() -> Result<clientgo_rest::Config, clientgo_rest::InClusterError> + Send + Sync>;

/// The configuration of a program running in a pod (client-go's `inClusterClientConfig`),
/// with the overrides of server, token (or token file) and CA file applied.
#[derive(Clone)]
pub struct InClusterClientConfig {
    overrides: ConfigOverrides,
    env: EnvLookup,
    account_dir: PathBuf,
    load: ConfigLoader,
}

impl std::fmt::Debug for InClusterClientConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("InClusterClientConfig")
            .field("overrides", &self.overrides)
            .field("account_dir", &self.account_dir)
            .finish_non_exhaustive()
    }
}

impl InClusterClientConfig {
    /// The in-cluster config of this process's environment.
    pub fn new(overrides: ConfigOverrides) -> Self {
        Self {
            overrides,
            env: Arc::new(|name| std::env::var(name).ok()),
            account_dir: PathBuf::from(clientgo_rest::SERVICE_ACCOUNT_DIR),
            load: Arc::new(clientgo_rest::Config::in_cluster),
        }
    }

    /// An in-cluster config with a fake environment, for tests.
    #[cfg(test)]
    pub(crate) fn fake(
        overrides: ConfigOverrides,
        env: impl Fn(&str) -> Option<String> + Send + Sync + 'static,
        account_dir: &Path,
        load: impl Fn() -> Result<clientgo_rest::Config, clientgo_rest::InClusterError>
        + Send
        + Sync
        + 'static,
    ) -> Self {
        Self {
            overrides,
            env: Arc::new(env),
            account_dir: account_dir.to_path_buf(),
            load: Arc::new(load),
        }
    }

    /// The same environment with other overrides, for tests.
    #[cfg(test)]
    pub(crate) fn with_overrides(mut self, overrides: ConfigOverrides) -> Self {
        self.overrides = overrides;
        self
    }

    /// Whether this process looks like it runs in a pod: `KUBERNETES_SERVICE_HOST` and
    /// `KUBERNETES_SERVICE_PORT` set, and the service-account token file present.
    pub fn possible(&self) -> bool {
        let set = |name: &str| (self.env)(name).is_some_and(|v| !v.is_empty());
        set("KUBERNETES_SERVICE_HOST")
            && set("KUBERNETES_SERVICE_PORT")
            && std::fs::metadata(self.account_dir.join("token")).is_ok_and(|m| !m.is_dir())
    }

    /// The in-cluster REST configuration, with the overrides of server, token (or token
    /// file) and CA file applied.
    pub fn rest_config(&self) -> Result<clientgo_rest::Config> {
        let mut config = (self.load)()?;
        let over = &self.overrides;
        if !over.cluster_info.server.is_empty() {
            config.host.clone_from(&over.cluster_info.server);
        }
        let token_file = &over.auth_info.token_file;
        if !over.auth_info.token.is_empty() || !token_file.as_os_str().is_empty() {
            config.transport.bearer_token =
                (!over.auth_info.token.is_empty()).then(|| over.auth_info.token.clone());
            config.transport.bearer_token_file =
                (!token_file.as_os_str().is_empty()).then(|| token_file.clone());
        }
        if !over
            .cluster_info
            .certificate_authority
            .as_os_str()
            .is_empty()
        {
            config.transport.tls.ca_file = Some(over.cluster_info.certificate_authority.clone());
        }
        Ok(config)
    }

    /// The pod's namespace: `POD_NAMESPACE`, else the service account's namespace file,
    /// else `default`. Never reported as overridden.
    pub fn namespace(&self) -> (String, bool) {
        if let Some(namespace) = (self.env)("POD_NAMESPACE").filter(|ns| !ns.is_empty()) {
            return (namespace, false);
        }
        if let Ok(data) = std::fs::read_to_string(self.account_dir.join("namespace")) {
            let namespace = data.trim();
            if !namespace.is_empty() {
                return (namespace.to_string(), false);
            }
        }
        ("default".into(), false)
    }

    /// Always an error: the in-cluster environment has no kubeconfig.
    pub fn raw_config(&self) -> Result<crate::Kubeconfig> {
        Err(Error::InClusterRawConfig)
    }

    /// The service-account folder this config reads.
    pub fn service_account_dir(&self) -> &Path {
        &self.account_dir
    }
}

#[cfg(test)]
pub(crate) mod fake {
    use super::*;

    /// A pod environment with these variables, its service account in `dir`, whose
    /// in-cluster config is `https://10.0.0.1:443` with token `sa-token`.
    pub(crate) fn pod(
        dir: &Path,
        vars: &'static [(&'static str, &'static str)],
    ) -> InClusterClientConfig {
        InClusterClientConfig::fake(
            ConfigOverrides::default(),
            move |name| {
                vars.iter()
                    .find(|(k, _)| *k == name)
                    .map(|(_, v)| v.to_string())
            },
            dir,
            || {
                let mut config = clientgo_rest::Config::new("https://10.0.0.1:443");
                config.transport.bearer_token = Some("sa-token".into());
                Ok(config)
            },
        )
    }
}

#[cfg(test)]
mod tests {
    use super::fake::pod;
    use super::*;

    const IN_POD: &[(&str, &str)] = &[
        ("KUBERNETES_SERVICE_HOST", "10.0.0.1"),
        ("KUBERNETES_SERVICE_PORT", "443"),
    ];

    #[test]
    fn possible_needs_both_variables_and_a_token_file() {
        let dir = tempfile::tempdir().unwrap();
        assert!(!pod(dir.path(), IN_POD).possible(), "no token file");
        std::fs::create_dir(dir.path().join("token")).unwrap();
        assert!(!pod(dir.path(), IN_POD).possible(), "token is a folder");
        std::fs::remove_dir(dir.path().join("token")).unwrap();
        std::fs::write(dir.path().join("token"), "t").unwrap();
        assert!(pod(dir.path(), IN_POD).possible());
        assert!(!pod(dir.path(), &[("KUBERNETES_SERVICE_HOST", "10.0.0.1")]).possible());
    }

    #[test]
    fn namespace_prefers_pod_namespace_then_the_file_then_default() {
        let dir = tempfile::tempdir().unwrap();
        assert_eq!(pod(dir.path(), IN_POD).namespace().0, "default");
        std::fs::write(dir.path().join("namespace"), " from-file\n").unwrap();
        assert_eq!(pod(dir.path(), IN_POD).namespace().0, "from-file");
        assert_eq!(
            pod(dir.path(), &[("POD_NAMESPACE", "from-env")]).namespace(),
            ("from-env".to_string(), false)
        );
    }

    #[test]
    fn server_token_and_ca_overrides_apply() {
        let dir = tempfile::tempdir().unwrap();
        let mut icc = pod(dir.path(), IN_POD);
        icc.overrides.cluster_info.server = "https://override:6443".into();
        icc.overrides.auth_info.token_file = "/tmp/token".into();
        icc.overrides.cluster_info.certificate_authority = "/tmp/ca.crt".into();
        let config = icc.rest_config().unwrap();
        assert_eq!(config.host, "https://override:6443");
        assert!(config.transport.bearer_token.is_none());
        assert_eq!(
            config.transport.bearer_token_file,
            Some(PathBuf::from("/tmp/token"))
        );
        assert_eq!(
            config.transport.tls.ca_file,
            Some(PathBuf::from("/tmp/ca.crt"))
        );
        assert_eq!(
            icc.raw_config().unwrap_err().to_string(),
            "inCluster environment config doesn't support multiple clusters"
        );
    }
}
