//! The client config kubectl uses (client-go's `DeferredLoadingClientConfig`): files are
//! loaded on first use, and when they configure nothing the in-cluster configuration
//! takes over.

use std::sync::{Arc, Mutex};

use crate::error::{Error, Result};
use crate::in_cluster::InClusterClientConfig;
use crate::load::LoadingRules;
use crate::model::Kubeconfig;
use crate::overrides::ConfigOverrides;
use crate::resolve::DirectClientConfig;

/// A non-interactive client config over loading rules and overrides.
///
/// The files are loaded once, on first use (a failed load is retried next time).
/// [`ClientConfig::rest_config`] uses them unless they configure nothing (or only the
/// loading rules' default), in which case the in-cluster configuration is used when
/// this process runs in a pod.
///
/// ```no_run
/// use clientgo_clientcmd::{ClientConfig, ConfigOverrides, LoadingRules};
///
/// let mut overrides = ConfigOverrides::default();
/// overrides.current_context = "staging".into(); // --context staging
/// let client_config = ClientConfig::new(LoadingRules::default(), overrides);
/// let rest_config = client_config.rest_config()?;
/// let (namespace, _overridden) = client_config.namespace()?;
/// # Ok::<(), clientgo_clientcmd::Error>(())
/// ```
#[derive(Debug)]
pub struct ClientConfig {
    loading_rules: LoadingRules,
    overrides: ConfigOverrides,
    in_cluster: InClusterClientConfig,
    loaded: Mutex<Option<Arc<DirectClientConfig>>>,
}

impl ClientConfig {
    /// A client config loading files by `loading_rules`, with `overrides` on top
    /// (client-go's `NewNonInteractiveDeferredLoadingClientConfig`).
    pub fn new(loading_rules: LoadingRules, overrides: ConfigOverrides) -> Self {
        let in_cluster = InClusterClientConfig::new(overrides.clone());
        Self::with_in_cluster(loading_rules, overrides, in_cluster)
    }

    pub(crate) fn with_in_cluster(
        loading_rules: LoadingRules,
        overrides: ConfigOverrides,
        in_cluster: InClusterClientConfig,
    ) -> Self {
        Self {
            loading_rules,
            overrides,
            in_cluster,
            loaded: Mutex::new(None),
        }
    }

    /// The loading rules.
    pub fn loading_rules(&self) -> &LoadingRules {
        &self.loading_rules
    }

    /// The overrides.
    pub fn overrides(&self) -> &ConfigOverrides {
        &self.overrides
    }

    /// The resolver over the loaded files (loaded on first call).
    pub fn direct(&self) -> Result<Arc<DirectClientConfig>> {
        let mut loaded = self.loaded.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(direct) = loaded.as_ref() {
            return Ok(Arc::clone(direct));
        }
        let config = self.loading_rules.load()?;
        let direct = Arc::new(DirectClientConfig::with_context(
            config,
            self.overrides.current_context.clone(),
            self.overrides.clone(),
        ));
        *loaded = Some(Arc::clone(&direct));
        Ok(direct)
    }

    /// The REST configuration: from the files, or — when they configure nothing and this
    /// process runs in a pod — the in-cluster configuration.
    pub fn rest_config(&self) -> Result<clientgo_rest::Config> {
        let from_files = self.direct()?.rest_config();
        match &from_files {
            Err(error) if !error.is_empty_config() => return from_files,
            Ok(config) if !self.is_default_config(config) => return from_files,
            _ => {}
        }
        if self.in_cluster.possible() {
            tracing::debug!("using the in-cluster configuration");
            return self.in_cluster.rest_config();
        }
        from_files
    }

    /// Whether `config` is what the loading rules' default client config gives.
    fn is_default_config(&self, config: &clientgo_rest::Config) -> bool {
        let Some(overrides) = &self.loading_rules.default_client_config else {
            return false;
        };
        match DirectClientConfig::new(Kubeconfig::default(), overrides.clone()).rest_config() {
            Ok(default) => {
                default.host == config.host
                    && default.timeout == config.timeout
                    && default.transport == config.transport
            }
            Err(_) => false,
        }
    }

    /// The namespace, and whether an override set it. In a pod, a namespace not set
    /// by the files (or `default` not set explicitly by the current context) is the
    /// pod's: `POD_NAMESPACE`, else the service account's namespace, else `default`.
    pub fn namespace(&self) -> Result<(String, bool)> {
        let direct = self.direct()?;
        let result = direct.namespace();
        match &result {
            Err(error) if !error.is_empty_config() => return result,
            Ok((_, true)) => return result,
            _ if !self.in_cluster.possible() => return result,
            _ => {}
        }
        if let Ok((namespace, _)) = &result
            && !namespace.is_empty()
        {
            if namespace != "default" {
                return result;
            }
            let raw = direct.raw_config();
            let current = if self.overrides.current_context.is_empty() {
                &raw.current_context
            } else {
                &self.overrides.current_context
            };
            if raw
                .contexts
                .get(current)
                .is_some_and(|context| !context.namespace.is_empty())
            {
                return result;
            }
        }
        tracing::debug!("using the in-cluster namespace");
        Ok(self.in_cluster.namespace())
    }

    /// The merged kubeconfig of the files, without overrides.
    pub fn raw_config(&self) -> Result<Kubeconfig> {
        Ok(self.direct()?.raw_config().clone())
    }

    /// The merged kubeconfig with the effective context, user and cluster (overrides
    /// applied) written back.
    pub fn merged_raw_config(&self) -> Result<Kubeconfig> {
        self.direct()?.merged_raw_config()
    }
}

/// The REST configuration for `master_url` and/or `kubeconfig_path` (client-go's
/// `BuildConfigFromFlags`): with neither, the in-cluster configuration if possible,
/// else the default loading rules; otherwise the explicit file (if any) with the
/// server overridden (if given).
pub fn build_config_from_flags(
    master_url: &str,
    kubeconfig_path: &str,
) -> Result<clientgo_rest::Config> {
    if master_url.is_empty() && kubeconfig_path.is_empty() {
        tracing::warn!(
            "Neither --kubeconfig nor --master was specified. Using the inClusterConfig. This might not work."
        );
        match clientgo_rest::Config::in_cluster() {
            Ok(config) => return Ok(config),
            Err(error) => {
                tracing::warn!(%error, "error creating inClusterConfig, falling back to default config")
            }
        }
    }
    let mut rules = LoadingRules::empty();
    if !kubeconfig_path.is_empty() {
        rules.explicit_path = Some(kubeconfig_path.into());
    }
    let mut overrides = ConfigOverrides::default();
    overrides.cluster_info.server = master_url.to_string();
    ClientConfig::new(rules, overrides).rest_config()
}

/// What kubectl does with no flags: the files of `KUBECONFIG` or `~/.kube/config`;
/// when they configure nothing, the in-cluster configuration.
///
/// Unlike kubectl, nothing falls back to `http://localhost:8080`: with neither files
/// nor a pod environment this is the "no configuration has been provided" error
/// ([`Error::is_empty_config`]).
pub fn default_rest_config() -> Result<clientgo_rest::Config> {
    ClientConfig::new(LoadingRules::default(), ConfigOverrides::default()).rest_config()
}

/// The REST configuration of a kubeconfig's bytes (client-go's
/// `RESTConfigFromKubeConfig`); relative paths stay relative to the working directory.
///
/// ```
/// let config = clientgo_clientcmd::rest_config_from_kubeconfig_bytes(br#"
/// clusters: [{name: c, cluster: {server: "https://10.0.0.1:6443", insecure-skip-tls-verify: true}}]
/// users: [{name: u, user: {token: abc}}]
/// contexts: [{name: x, context: {cluster: c, user: u}}]
/// current-context: x
/// "#).unwrap();
/// assert_eq!(config.host, "https://10.0.0.1:6443");
/// assert!(config.transport.tls.insecure);
/// ```
pub fn rest_config_from_kubeconfig_bytes(data: &[u8]) -> Result<clientgo_rest::Config> {
    DirectClientConfig::new(Kubeconfig::load(data)?, ConfigOverrides::default()).rest_config()
}

impl From<Error> for clientgo_rest::Error {
    fn from(error: Error) -> Self {
        clientgo_rest::Error::Config(error.to_string())
    }
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;
    use crate::in_cluster::fake::pod;

    const IN_POD: &[(&str, &str)] = &[
        ("KUBERNETES_SERVICE_HOST", "10.0.0.1"),
        ("KUBERNETES_SERVICE_PORT", "443"),
    ];

    fn pod_dir() -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("token"), "sa-token").unwrap();
        dir
    }

    fn kubeconfig(dir: &Path, namespace: &str) -> std::path::PathBuf {
        let path = dir.join("kubeconfig");
        std::fs::write(
            &path,
            format!(
                "clusters: [{{name: c, cluster: {{server: 'https://file:6443'}}}}]\n\
                 users: [{{name: u, user: {{token: file-token}}}}]\n\
                 contexts: [{{name: x, context: {{cluster: c, user: u, namespace: '{namespace}'}}}}]\n\
                 current-context: x\n"
            ),
        )
        .unwrap();
        path
    }

    fn client(
        rules: LoadingRules,
        overrides: ConfigOverrides,
        dir: &Path,
        vars: &'static [(&'static str, &'static str)],
    ) -> ClientConfig {
        let mut in_cluster = pod(dir, vars);
        in_cluster = in_cluster.with_overrides(overrides.clone());
        ClientConfig::with_in_cluster(rules, overrides, in_cluster)
    }

    #[test]
    fn files_win_over_in_cluster() {
        let dir = pod_dir();
        let path = kubeconfig(dir.path(), "");
        let config = client(
            LoadingRules::explicit(path),
            ConfigOverrides::default(),
            dir.path(),
            IN_POD,
        );
        assert_eq!(config.rest_config().unwrap().host, "https://file:6443");
    }

    #[test]
    fn in_cluster_is_used_when_files_configure_nothing_and_it_is_possible() {
        let dir = pod_dir();
        let rules = LoadingRules::from_precedence([dir.path().join("missing")]);
        let config = client(
            rules.clone(),
            ConfigOverrides::default(),
            dir.path(),
            IN_POD,
        );
        assert_eq!(config.rest_config().unwrap().host, "https://10.0.0.1:443");

        let config = client(rules, ConfigOverrides::default(), dir.path(), &[]);
        assert!(config.rest_config().unwrap_err().is_empty_config());
    }

    #[test]
    fn in_cluster_is_used_when_the_context_names_a_missing_cluster() {
        let dir = pod_dir();
        let path = dir.path().join("kubeconfig");
        std::fs::write(
            &path,
            "contexts: [{name: x, context: {cluster: gone, user: u}}]\n\
             users: [{name: u, user: {token: file-token}}]\ncurrent-context: x\n",
        )
        .unwrap();
        let config = client(
            LoadingRules::explicit(path),
            ConfigOverrides::default(),
            dir.path(),
            IN_POD,
        );
        assert_eq!(config.rest_config().unwrap().host, "https://10.0.0.1:443");
    }

    #[test]
    fn in_cluster_is_used_when_files_give_only_the_default_config() {
        let dir = pod_dir();
        let mut defaults = ConfigOverrides::default();
        defaults.cluster_defaults.server = "http://localhost:8080".into();
        let mut rules = LoadingRules::from_precedence([dir.path().join("missing")]);
        rules.default_client_config = Some(defaults.clone());
        let config = client(rules.clone(), defaults.clone(), dir.path(), IN_POD);
        assert_eq!(config.rest_config().unwrap().host, "https://10.0.0.1:443");

        let config = client(rules, defaults, dir.path(), &[]);
        assert_eq!(config.rest_config().unwrap().host, "http://localhost:8080");
    }

    #[test]
    fn other_file_errors_do_not_fall_back() {
        let dir = pod_dir();
        let path = dir.path().join("bad");
        std::fs::write(&path, "current-context: ghost\n").unwrap();
        let config = client(
            LoadingRules::explicit(&path),
            ConfigOverrides::default(),
            dir.path(),
            IN_POD,
        );
        assert!(config.rest_config().unwrap_err().is_context_not_found());
        std::fs::write(&path, "clusters: 3\n").unwrap();
        let config = client(
            LoadingRules::explicit(&path),
            ConfigOverrides::default(),
            dir.path(),
            IN_POD,
        );
        assert!(config.rest_config().is_err());
    }

    #[test]
    fn in_cluster_applies_server_and_token_overrides() {
        let dir = pod_dir();
        let mut overrides = ConfigOverrides::default();
        overrides.cluster_info.server = "https://override:1".into();
        overrides.auth_info.token = "override-token".into();
        let config = client(LoadingRules::empty(), overrides, dir.path(), IN_POD)
            .rest_config()
            .unwrap();
        assert_eq!(config.host, "https://override:1");
        assert_eq!(
            config.transport.bearer_token.unwrap().expose(),
            "override-token"
        );
    }

    #[test]
    fn in_cluster_namespace_precedence() {
        let dir = pod_dir();
        std::fs::write(dir.path().join("namespace"), "sa-namespace\n").unwrap();
        let ns = |rules: LoadingRules, overrides: ConfigOverrides, vars| {
            client(rules, overrides, dir.path(), vars)
                .namespace()
                .unwrap()
        };
        // Nothing configured: the service account's namespace, or POD_NAMESPACE.
        assert_eq!(
            ns(LoadingRules::empty(), ConfigOverrides::default(), IN_POD).0,
            "sa-namespace"
        );
        const WITH_POD_NAMESPACE: &[(&str, &str)] = &[
            ("KUBERNETES_SERVICE_HOST", "10.0.0.1"),
            ("KUBERNETES_SERVICE_PORT", "443"),
            ("POD_NAMESPACE", "pod-namespace"),
        ];
        assert_eq!(
            ns(
                LoadingRules::empty(),
                ConfigOverrides::default(),
                WITH_POD_NAMESPACE
            )
            .0,
            "pod-namespace"
        );
        // A file namespace other than default wins.
        let files = tempfile::tempdir().unwrap();
        let custom = kubeconfig(files.path(), "custom");
        assert_eq!(
            ns(
                LoadingRules::explicit(&custom),
                ConfigOverrides::default(),
                IN_POD
            ),
            ("custom".to_string(), false)
        );
        // An implicit default gives way to the pod's namespace...
        let implicit = kubeconfig(files.path(), "");
        assert_eq!(
            ns(
                LoadingRules::explicit(&implicit),
                ConfigOverrides::default(),
                IN_POD
            )
            .0,
            "sa-namespace"
        );
        // ...an explicit "default" in the context does not.
        let explicit = kubeconfig(files.path(), "default");
        assert_eq!(
            ns(
                LoadingRules::explicit(&explicit),
                ConfigOverrides::default(),
                IN_POD
            )
            .0,
            "default"
        );
        // An override always wins.
        let mut overrides = ConfigOverrides::default();
        overrides.set_namespace("flag");
        assert_eq!(
            ns(LoadingRules::empty(), overrides, IN_POD),
            ("flag".to_string(), true)
        );
        // Outside a pod an implicit default stays.
        assert_eq!(
            ns(
                LoadingRules::explicit(&implicit),
                ConfigOverrides::default(),
                &[]
            )
            .0,
            "default"
        );
    }

    #[test]
    fn files_are_loaded_once() {
        let dir = tempfile::tempdir().unwrap();
        let path = kubeconfig(dir.path(), "first");
        let config = client(
            LoadingRules::explicit(&path),
            ConfigOverrides::default(),
            dir.path(),
            &[],
        );
        assert_eq!(config.namespace().unwrap().0, "first");
        std::fs::write(&path, "").unwrap();
        assert_eq!(config.namespace().unwrap().0, "first");
        assert_eq!(config.raw_config().unwrap().current_context, "x");
        assert_eq!(config.merged_raw_config().unwrap().current_context, "x");
    }

    #[test]
    fn client_configs_are_shareable_between_threads() {
        fn assert_send_sync<T: Send + Sync>() {}
        assert_send_sync::<ClientConfig>();
        assert_send_sync::<DirectClientConfig>();
    }

    #[test]
    fn debug_of_a_loaded_client_config_shows_no_token() {
        let dir = tempfile::tempdir().unwrap();
        let path = kubeconfig(dir.path(), "");
        let mut overrides = ConfigOverrides::default();
        overrides.auth_info.password = "override-password".into();
        let config = client(LoadingRules::explicit(&path), overrides, dir.path(), &[]);
        config.raw_config().unwrap();
        let text = format!("{config:?}");
        assert!(text.contains("https://file:6443"), "{text}");
        assert!(!text.contains("file-token"), "{text}");
        assert!(!text.contains("override-password"), "{text}");
    }

    #[test]
    fn build_config_from_flags_uses_the_file_and_the_master_override() {
        let dir = tempfile::tempdir().unwrap();
        let path = kubeconfig(dir.path(), "");
        let file = path.to_str().unwrap();
        let config = build_config_from_flags("", file).unwrap();
        assert_eq!(config.host, "https://file:6443");
        let config = build_config_from_flags("https://master:6443", file).unwrap();
        assert_eq!(config.host, "https://master:6443");
        assert_eq!(
            config.transport.bearer_token.unwrap().expose(),
            "file-token"
        );
        let error =
            build_config_from_flags("", dir.path().join("missing").to_str().unwrap()).unwrap_err();
        assert!(error.is_not_found(), "{error}");
    }

    #[test]
    fn bytes_helper_resolves_without_files() {
        let error = rest_config_from_kubeconfig_bytes(b"").unwrap_err();
        assert!(error.is_empty_config());
    }
}
