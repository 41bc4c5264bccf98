//! Resolving a kubeconfig plus overrides into a [`clientgo_rest::Config`] and a
//! namespace (client-go's `DirectClientConfig`).

use clientgo_transport::{ImpersonationConfig, Proxy, Secret};

use crate::error::{Error, Result};
use crate::exec::plugin_config;
use crate::merge::{overlay_auth_info, overlay_cluster, overlay_context};
use crate::model::{AuthInfo, Cluster, Context, Kubeconfig};
use crate::overrides::ConfigOverrides;
use crate::validate::{check_proxy_url, no_server, validate_auth_info, validate_cluster};

/// A kubeconfig already in memory, resolved with overrides.
///
/// Names: the context is `overrides.current_context` (which must exist), else the
/// context given to [`DirectClientConfig::with_context`], else `current-context`. The
/// user and cluster are `overrides.context.auth_info`/`cluster` (which must exist), else
/// the context's. Then each entry is overlaid with the non-empty override fields.
///
/// ```
/// use clientgo_clientcmd::{ConfigOverrides, DirectClientConfig, Kubeconfig};
///
/// let config = Kubeconfig::load(br#"
/// clusters: [{name: c, cluster: {server: "https://k8s.example:6443"}}]
/// users: [{name: u, user: {token: abc}}]
/// contexts: [{name: x, context: {cluster: c, user: u, namespace: web}}]
/// current-context: x
/// "#).unwrap();
/// let client = DirectClientConfig::new(config, ConfigOverrides::default());
/// let rest = client.rest_config().unwrap();
/// assert_eq!(rest.host, "https://k8s.example:6443");
/// assert_eq!(rest.transport.bearer_token.unwrap().expose(), "abc");
/// assert_eq!(client.namespace().unwrap(), ("web".to_string(), false));
/// ```
#[derive(Clone, Debug)]
pub struct DirectClientConfig {
    config: Kubeconfig,
    context_name: String,
    overrides: ConfigOverrides,
}

impl DirectClientConfig {
    /// Resolves `config` with `overrides`, using the config's `current-context` unless
    /// an override names another (client-go's `NewDefaultClientConfig`).
    pub fn new(config: Kubeconfig, overrides: ConfigOverrides) -> Self {
        Self::with_context(config, "", overrides)
    }

    /// Like [`DirectClientConfig::new`], with `context_name` instead of
    /// `current-context` unless an override names one (client-go's
    /// `NewNonInteractiveClientConfig`).
    pub fn with_context(
        config: Kubeconfig,
        context_name: impl Into<String>,
        overrides: ConfigOverrides,
    ) -> Self {
        Self {
            config,
            context_name: context_name.into(),
            overrides,
        }
    }

    /// The kubeconfig as given, without overrides.
    pub fn raw_config(&self) -> &Kubeconfig {
        &self.config
    }

    /// The overrides.
    pub fn overrides(&self) -> &ConfigOverrides {
        &self.overrides
    }

    /// The chosen context's name, and whether an override chose it.
    pub fn context_name(&self) -> (&str, bool) {
        if !self.overrides.current_context.is_empty() {
            (&self.overrides.current_context, true)
        } else if !self.context_name.is_empty() {
            (&self.context_name, false)
        } else {
            (&self.config.current_context, false)
        }
    }

    /// The chosen user's name, and whether an override chose it.
    pub fn auth_info_name(&self) -> (String, bool) {
        if !self.overrides.context.auth_info.is_empty() {
            return (self.overrides.context.auth_info.clone(), true);
        }
        let context = self.merged_context().unwrap_or_default();
        (context.auth_info, false)
    }

    /// The chosen cluster's name, and whether an override chose it.
    pub fn cluster_name(&self) -> (String, bool) {
        if !self.overrides.context.cluster.is_empty() {
            return (self.overrides.context.cluster.clone(), true);
        }
        let context = self.merged_context().unwrap_or_default();
        (context.cluster, false)
    }

    /// The effective context: the file's, overlaid with the override context. Fails when
    /// an override names a context that does not exist.
    pub fn merged_context(&self) -> Result<Context> {
        let (name, required) = self.context_name();
        let mut merged = Context::default();
        match self.config.contexts.get(name) {
            Some(context) => overlay_context(&mut merged, context),
            None if required => return Err(not_found("context", name)),
            None => {}
        }
        overlay_context(&mut merged, &self.overrides.context);
        Ok(merged)
    }

    /// The effective user: the file's, overlaid with the override user; a key (path or
    /// data) in the overrides replaces both key fields, and likewise for the
    /// certificate.
    pub fn merged_auth_info(&self) -> Result<AuthInfo> {
        let (name, required) = self.auth_info_name();
        let mut merged = AuthInfo::default();
        match self.config.auth_infos.get(&name) {
            Some(user) => overlay_auth_info(&mut merged, user),
            None if required => return Err(not_found("auth info", &name)),
            None => {}
        }
        let over = &self.overrides.auth_info;
        overlay_auth_info(&mut merged, over);
        if !over.client_key.as_os_str().is_empty() || !over.client_key_data.is_empty() {
            merged.client_key.clone_from(&over.client_key);
            merged.client_key_data.clone_from(&over.client_key_data);
        }
        if !over.client_certificate.as_os_str().is_empty()
            || !over.client_certificate_data.is_empty()
        {
            merged
                .client_certificate
                .clone_from(&over.client_certificate);
            merged
                .client_certificate_data
                .clone_from(&over.client_certificate_data);
        }
        Ok(merged)
    }

    /// The effective cluster: cluster defaults, then the file's, then the override
    /// cluster. An override of `insecure-skip-tls-verify`, a CA path or CA data sets
    /// all three; an override of `tls-server-name` or `server` sets `tls-server-name`.
    pub fn merged_cluster(&self) -> Result<Cluster> {
        let (name, required) = self.cluster_name();
        let mut merged = Cluster::default();
        overlay_cluster(&mut merged, &self.overrides.cluster_defaults);
        match self.config.clusters.get(&name) {
            Some(cluster) => overlay_cluster(&mut merged, cluster),
            None if required => return Err(not_found("cluster", &name)),
            None => {}
        }
        let over = &self.overrides.cluster_info;
        overlay_cluster(&mut merged, over);
        if over.insecure_skip_tls_verify
            || !over.certificate_authority.as_os_str().is_empty()
            || !over.certificate_authority_data.is_empty()
        {
            merged.insecure_skip_tls_verify = over.insecure_skip_tls_verify;
            merged
                .certificate_authority
                .clone_from(&over.certificate_authority);
            merged
                .certificate_authority_data
                .clone_from(&over.certificate_authority_data);
        }
        if !over.tls_server_name.is_empty() || !over.server.is_empty() {
            merged.tls_server_name.clone_from(&over.tls_server_name);
        }
        Ok(merged)
    }

    /// Checks that the context given at construction (else `current-context`) exists
    /// and the effective user and cluster are valid. A lone "cluster has no server
    /// defined" is reported as [`Error::EmptyConfig`] (nothing configured).
    pub fn confirm_usable(&self) -> Result<()> {
        let mut errors = Vec::new();
        // The context given at construction (or `current-context`) must exist; a missing
        // `--context` override is reported by the resolution itself ("does not exist").
        let context_name = if self.context_name.is_empty() {
            self.config.current_context.as_str()
        } else {
            self.context_name.as_str()
        };
        if !context_name.is_empty() && !self.config.contexts.contains_key(context_name) {
            errors.push(Error::ContextNotFound(context_name.to_string()));
        }
        let (user_name, _) = self.auth_info_name();
        let user = self.merged_auth_info().unwrap_or_default();
        errors.extend(validate_auth_info(&user_name, &user));
        let (cluster_name, _) = self.cluster_name();
        match self.merged_cluster() {
            Ok(cluster) => errors.extend(validate_cluster(&cluster_name, &cluster)),
            // An override names a cluster that does not exist.
            Err(_) => errors.push(no_server(&cluster_name)),
        }
        // A context that names a cluster nobody defined leaves nothing configured, as
        // client-go sees it: the same empty-configuration error, so that a process in a
        // pod falls back to the in-cluster configuration. Say why where it helps.
        if matches!(errors.as_slice(), [Error::EmptyCluster])
            && !cluster_name.is_empty()
            && !self.config.clusters.contains_key(cluster_name.as_str())
        {
            tracing::debug!(
                context = context_name,
                cluster = %cluster_name,
                "the context names a cluster that is not defined"
            );
        }
        if matches!(errors.as_slice(), [Error::EmptyCluster]) {
            return Err(Error::ConfigurationInvalid(vec![Error::EmptyConfig]));
        }
        Error::invalid_configuration(errors).map_or(Ok(()), Err)
    }

    /// The REST configuration (client-go's `ClientConfig()`).
    ///
    /// Credentials and server TLS settings are applied only when the server URL is
    /// `https://` (a host without scheme counts as plain HTTP here, as in client-go).
    pub fn rest_config(&self) -> Result<clientgo_rest::Config> {
        let user = self.merged_auth_info()?;
        self.merged_context()?;
        let cluster = self.merged_cluster()?;
        self.confirm_usable()?;

        let mut config = clientgo_rest::Config::new(strip_query(&cluster.server));
        if !cluster.proxy_url.is_empty() {
            check_proxy_url(&cluster.proxy_url).map_err(Error::Invalid)?;
            config.transport.proxy = Proxy::Url(cluster.proxy_url.clone());
        }
        config.transport.disable_compression = cluster.disable_compression;
        config.timeout = self.overrides.parsed_timeout()?;
        if !user.impersonate.is_empty() {
            config.transport.impersonate = impersonation(&user);
        }
        if is_https(&config.host) {
            self.apply_credentials(&mut config, &user, &cluster)?;
            let tls = &mut config.transport.tls;
            if !cluster.certificate_authority.as_os_str().is_empty() {
                tls.ca_file = Some(cluster.certificate_authority.clone());
            }
            if !cluster.certificate_authority_data.is_empty() {
                tls.ca_data = Some(cluster.certificate_authority_data.clone());
            }
            tls.insecure |= cluster.insecure_skip_tls_verify;
            if !cluster.tls_server_name.is_empty() {
                tls.server_name = Some(cluster.tls_server_name.clone());
            }
        }
        Ok(config)
    }

    fn apply_credentials(
        &self,
        config: &mut clientgo_rest::Config,
        user: &AuthInfo,
        cluster: &Cluster,
    ) -> Result<()> {
        let transport = &mut config.transport;
        let has_token_file = !user.token_file.as_os_str().is_empty();
        if !user.token.is_empty() {
            transport.bearer_token = Some(user.token.clone());
            transport.bearer_token_file = has_token_file.then(|| user.token_file.clone());
        } else if has_token_file {
            let token = std::fs::read_to_string(&user.token_file)
                .map_err(Error::io("reading the token file", &user.token_file))?;
            transport.bearer_token = Some(Secret::new(token.trim()));
            transport.bearer_token_file = Some(user.token_file.clone());
        }
        if !user.client_certificate.as_os_str().is_empty()
            || !user.client_certificate_data.is_empty()
        {
            let tls = &mut transport.tls;
            tls.cert_file = non_empty_path(&user.client_certificate);
            tls.cert_data = (!user.client_certificate_data.is_empty())
                .then(|| user.client_certificate_data.clone());
            tls.key_file = non_empty_path(&user.client_key);
            tls.key_data = (!user.client_key_data.is_empty()).then(|| user.client_key_data.clone());
        }
        if !user.username.is_empty() || !user.password.is_empty() {
            transport.username = Some(user.username.clone());
            transport.password = Some(user.password.clone());
        }
        if let Some(provider) = &user.auth_provider {
            return Err(Error::AuthProviderUnsupported {
                user: self.auth_info_name().0,
                provider: provider.name.clone(),
            });
        }
        if let Some(exec) = &user.exec {
            transport.exec = Some(plugin_config(exec, cluster, &config.host)?);
        }
        Ok(())
    }

    /// The namespace, and whether an override set it: the override namespace, else the
    /// context's, else `default`. Fails when the configuration is not usable (unless
    /// the namespace is overridden).
    pub fn namespace(&self) -> Result<(String, bool)> {
        if !self.overrides.context.namespace.is_empty() {
            return Ok((self.overrides.context.namespace.clone(), true));
        }
        self.confirm_usable()?;
        let context = self.merged_context()?;
        if context.namespace.is_empty() {
            Ok(("default".into(), false))
        } else {
            Ok((context.namespace, false))
        }
    }

    /// The raw config with the effective context, user and cluster written back under
    /// their names, and `current-context` set to the chosen context. Fails when the
    /// configuration is not usable.
    pub fn merged_raw_config(&self) -> Result<Kubeconfig> {
        self.confirm_usable()?;
        let mut raw = self.config.clone();
        let context_name = self.context_name().0.to_string();
        let (cluster_name, _) = self.cluster_name();
        let (user_name, _) = self.auth_info_name();
        raw.contexts
            .insert(context_name.clone(), self.merged_context()?);
        raw.clusters.insert(cluster_name, self.merged_cluster()?);
        raw.auth_infos.insert(user_name, self.merged_auth_info()?);
        raw.current_context = context_name;
        Ok(raw)
    }
}

fn not_found(kind: &'static str, name: &str) -> Error {
    Error::NotFound {
        kind,
        name: name.to_string(),
    }
}

fn non_empty_path(path: &std::path::Path) -> Option<std::path::PathBuf> {
    (!path.as_os_str().is_empty()).then(|| path.to_path_buf())
}

fn impersonation(user: &AuthInfo) -> ImpersonationConfig {
    ImpersonationConfig {
        user_name: Some(user.impersonate.clone()),
        uid: (!user.impersonate_uid.is_empty()).then(|| user.impersonate_uid.clone()),
        groups: user.impersonate_groups.clone(),
        extra: user.impersonate_user_extra.clone(),
    }
}

/// Whether the host is an `https://` URL.
fn is_https(host: &str) -> bool {
    host.get(..8)
        .is_some_and(|scheme| scheme.eq_ignore_ascii_case("https://"))
}

/// An absolute URL whose path is longer than `/` loses its query and fragment (the path
/// stays, as a prefix of every request).
fn strip_query(host: &str) -> String {
    let Some(scheme_end) = host.find("://") else {
        return host.to_string();
    };
    let after_scheme = &host[scheme_end + 3..];
    let Some(path_start) = after_scheme.find('/') else {
        return host.to_string();
    };
    let path_and_more = &after_scheme[path_start..];
    let path_end = path_and_more
        .find(['?', '#'])
        .unwrap_or(path_and_more.len());
    if path_end > 1 {
        host[..scheme_end + 3 + path_start + path_end].to_string()
    } else {
        host.to_string()
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;
    use crate::model::ExecConfig;

    fn base_config() -> Kubeconfig {
        Kubeconfig::load(
            br#"
clusters:
- name: prod
  cluster:
    server: https://prod.example:6443
    certificate-authority-data: UFJPRC1DQQ==
    tls-server-name: prod-name
- name: dev
  cluster:
    server: https://dev.example:6443
    insecure-skip-tls-verify: true
users:
- name: alice
  user:
    client-certificate-data: QUxJQ0UtQ0VSVA==
    client-key-data: QUxJQ0UtS0VZ
- name: bob
  user: {token: bob-token}
contexts:
- name: prod
  context: {cluster: prod, user: alice, namespace: web}
- name: dev
  context: {cluster: dev, user: bob}
current-context: prod
"#,
        )
        .unwrap()
    }

    fn client(overrides: ConfigOverrides) -> DirectClientConfig {
        DirectClientConfig::new(base_config(), overrides)
    }

    #[test]
    fn the_current_context_chooses_cluster_user_and_namespace() {
        let direct = client(ConfigOverrides::default());
        let config = direct.rest_config().unwrap();
        assert_eq!(config.host, "https://prod.example:6443");
        let tls = &config.transport.tls;
        assert_eq!(tls.ca_data.as_deref(), Some(&b"PROD-CA"[..]));
        assert_eq!(tls.server_name.as_deref(), Some("prod-name"));
        assert_eq!(tls.cert_data.as_deref(), Some(&b"ALICE-CERT"[..]));
        assert_eq!(tls.key_data.as_ref().unwrap().expose(), "ALICE-KEY");
        assert!(config.transport.bearer_token.is_none());
        assert_eq!(direct.namespace().unwrap(), ("web".to_string(), false));
    }

    #[test]
    fn a_context_override_switches_everything() {
        let overrides = ConfigOverrides {
            current_context: "dev".into(),
            ..ConfigOverrides::default()
        };
        let direct = client(overrides);
        let config = direct.rest_config().unwrap();
        assert_eq!(config.host, "https://dev.example:6443");
        assert!(config.transport.tls.insecure);
        assert_eq!(
            config.transport.bearer_token.as_ref().unwrap().expose(),
            "bob-token"
        );
        assert_eq!(direct.namespace().unwrap(), ("default".to_string(), false));
    }

    #[test]
    fn the_constructor_context_is_used_unless_overridden() {
        let direct =
            DirectClientConfig::with_context(base_config(), "dev", ConfigOverrides::default());
        assert_eq!(
            direct.rest_config().unwrap().host,
            "https://dev.example:6443"
        );
    }

    #[test]
    fn overridden_names_that_do_not_exist_are_errors() {
        for (overrides, message) in [
            (
                ConfigOverrides {
                    current_context: "ghost".into(),
                    ..ConfigOverrides::default()
                },
                "context \"ghost\" does not exist",
            ),
            (
                ConfigOverrides {
                    context: Context {
                        auth_info: "ghost".into(),
                        ..Context::default()
                    },
                    ..ConfigOverrides::default()
                },
                "auth info \"ghost\" does not exist",
            ),
            (
                ConfigOverrides {
                    context: Context {
                        cluster: "ghost".into(),
                        ..Context::default()
                    },
                    ..ConfigOverrides::default()
                },
                "cluster \"ghost\" does not exist",
            ),
        ] {
            assert_eq!(
                client(overrides).rest_config().unwrap_err().to_string(),
                message
            );
        }
    }

    #[test]
    fn a_missing_current_context_from_the_file_gives_validation_errors_not_does_not_exist() {
        let mut config = base_config();
        config.current_context = "ghost".into();
        let error = DirectClientConfig::new(config, ConfigOverrides::default())
            .rest_config()
            .unwrap_err();
        assert!(error.is_context_not_found(), "{error}");
        assert!(!error.to_string().contains("does not exist"));
    }

    #[test]
    fn insecure_override_clears_the_file_ca() {
        let mut overrides = ConfigOverrides::default();
        overrides.cluster_info.insecure_skip_tls_verify = true;
        let config = client(overrides).rest_config().unwrap();
        assert!(config.transport.tls.insecure);
        assert!(config.transport.tls.ca_data.is_none());
    }

    #[test]
    fn ca_path_override_replaces_ca_data_and_insecure() {
        let dir = tempfile::tempdir().unwrap();
        let ca = dir.path().join("ca.crt");
        std::fs::write(&ca, "PEM").unwrap();
        let mut overrides = ConfigOverrides {
            current_context: "dev".into(),
            ..ConfigOverrides::default()
        };
        overrides.cluster_info.certificate_authority = ca.clone();
        let config = client(overrides.clone()).rest_config().unwrap();
        assert_eq!(config.transport.tls.ca_file, Some(ca.clone()));
        assert!(
            !config.transport.tls.insecure,
            "the dev cluster's insecure is cleared"
        );
        overrides.current_context.clear();
        let config = client(overrides).rest_config().unwrap();
        assert!(
            config.transport.tls.ca_data.is_none(),
            "the prod CA data is cleared"
        );
    }

    #[test]
    fn tls_server_name_is_kept_unless_server_or_name_is_overridden() {
        let mut overrides = ConfigOverrides::default();
        overrides.cluster_info.server = "https://other:6443".into();
        let config = client(overrides).rest_config().unwrap();
        assert_eq!(config.host, "https://other:6443");
        assert_eq!(config.transport.tls.server_name, None);

        let mut overrides = ConfigOverrides::default();
        overrides.cluster_info.tls_server_name = "override-name".into();
        let config = client(overrides).rest_config().unwrap();
        assert_eq!(
            config.transport.tls.server_name.as_deref(),
            Some("override-name")
        );
    }

    #[test]
    fn a_client_cert_override_replaces_both_file_fields_and_key_likewise() {
        let dir = tempfile::tempdir().unwrap();
        let cert = dir.path().join("c.crt");
        let key = dir.path().join("c.key");
        std::fs::write(&cert, "C").unwrap();
        std::fs::write(&key, "K").unwrap();
        let mut overrides = ConfigOverrides::default();
        overrides.auth_info.client_certificate = cert.clone();
        overrides.auth_info.client_key = key.clone();
        let config = client(overrides).rest_config().unwrap();
        let tls = &config.transport.tls;
        assert_eq!(tls.cert_file, Some(cert));
        assert_eq!(tls.key_file, Some(key));
        assert!(tls.cert_data.is_none() && tls.key_data.is_none());
    }

    #[test]
    fn full_impersonation_is_copied() {
        let mut overrides = ConfigOverrides::default();
        overrides.auth_info.impersonate = "carol".into();
        overrides.auth_info.impersonate_uid = "u-1".into();
        overrides.auth_info.impersonate_groups = vec!["g1".into(), "g2".into()];
        overrides
            .auth_info
            .impersonate_user_extra
            .insert("scopes".into(), vec!["s".into()]);
        let config = client(overrides).rest_config().unwrap();
        let impersonate = &config.transport.impersonate;
        assert_eq!(impersonate.user_name.as_deref(), Some("carol"));
        assert_eq!(impersonate.uid.as_deref(), Some("u-1"));
        assert_eq!(impersonate.groups, ["g1", "g2"]);
        assert_eq!(impersonate.extra["scopes"], ["s"]);
    }

    #[test]
    fn token_file_is_read_and_kept_for_rotation() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("token");
        std::fs::write(&file, "file-token\n").unwrap();
        let mut config = base_config();
        config.auth_infos.insert(
            "bob".into(),
            AuthInfo {
                token_file: file.clone(),
                ..AuthInfo::default()
            },
        );
        let overrides = ConfigOverrides {
            current_context: "dev".into(),
            ..ConfigOverrides::default()
        };
        let direct = DirectClientConfig::new(config.clone(), overrides.clone());
        let rest = direct.rest_config().unwrap();
        assert_eq!(
            rest.transport.bearer_token.as_ref().unwrap().expose(),
            "file-token"
        );
        assert_eq!(rest.transport.bearer_token_file, Some(file.clone()));

        config.auth_infos.get_mut("bob").unwrap().token_file = dir.path().join("missing");
        let error = DirectClientConfig::new(config, overrides)
            .rest_config()
            .unwrap_err();
        assert!(error.to_string().contains("missing"), "{error}");
    }

    #[test]
    fn token_takes_precedence_over_token_file() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("token");
        std::fs::write(&file, "file-token").unwrap();
        let mut config = base_config();
        config.auth_infos.get_mut("bob").unwrap().token_file = file.clone();
        let overrides = ConfigOverrides {
            current_context: "dev".into(),
            ..ConfigOverrides::default()
        };
        let rest = DirectClientConfig::new(config, overrides)
            .rest_config()
            .unwrap();
        assert_eq!(
            rest.transport.bearer_token.as_ref().unwrap().expose(),
            "bob-token"
        );
        assert_eq!(rest.transport.bearer_token_file, Some(file));
    }

    #[test]
    fn basic_auth_proxy_and_compression_are_copied() {
        let config = Kubeconfig::load(
            br#"
clusters: [{name: c, cluster: {server: "https://x", proxy-url: "socks5://p:1080", disable-compression: true}}]
users: [{name: u, user: {username: me, password: pw}}]
contexts: [{name: x, context: {cluster: c, user: u}}]
current-context: x
"#,
        )
        .unwrap();
        let rest = DirectClientConfig::new(config, ConfigOverrides::default())
            .rest_config()
            .unwrap();
        assert_eq!(rest.transport.username.as_deref(), Some("me"));
        assert_eq!(rest.transport.password.as_ref().unwrap().expose(), "pw");
        assert_eq!(rest.transport.proxy, Proxy::Url("socks5://p:1080".into()));
        assert!(rest.transport.disable_compression);
    }

    #[test]
    fn an_unsupported_proxy_scheme_is_an_error() {
        let mut overrides = ConfigOverrides::default();
        overrides.cluster_info.proxy_url = "ftp://proxy".into();
        let error = client(overrides).rest_config().unwrap_err().to_string();
        assert!(error.contains("unsupported scheme \"ftp\""), "{error}");
    }

    #[test]
    fn the_timeout_override_is_parsed() {
        let overrides = ConfigOverrides {
            timeout: "1m".into(),
            ..ConfigOverrides::default()
        };
        assert_eq!(
            client(overrides).rest_config().unwrap().timeout,
            Some(Duration::from_secs(60))
        );
        let overrides = ConfigOverrides {
            timeout: "x".into(),
            ..ConfigOverrides::default()
        };
        assert!(matches!(
            client(overrides).rest_config(),
            Err(Error::InvalidTimeout)
        ));
    }

    #[test]
    fn plain_http_hosts_get_no_credentials_or_tls() {
        for server in ["http://127.0.0.1:8080", "127.0.0.1:6443"] {
            let mut overrides = ConfigOverrides::default();
            overrides.cluster_info.server = server.into();
            let config = client(overrides).rest_config().unwrap();
            assert_eq!(config.host, server);
            assert!(config.transport.tls.cert_data.is_none());
            assert!(config.transport.tls.ca_data.is_none());
        }
    }

    #[test]
    fn a_path_prefix_keeps_the_path_and_drops_query_and_fragment() {
        assert_eq!(
            strip_query("https://h:1/prefix?x=1#f"),
            "https://h:1/prefix"
        );
        assert_eq!(strip_query("https://h:1/?x=1"), "https://h:1/?x=1");
        assert_eq!(strip_query("https://h:1"), "https://h:1");
        assert_eq!(strip_query("h:1/p?q"), "h:1/p?q");
    }

    #[test]
    fn cluster_defaults_fill_a_config_without_clusters() {
        let mut overrides = ConfigOverrides::default();
        overrides.cluster_defaults.server = "http://localhost:8080".into();
        let direct = DirectClientConfig::new(Kubeconfig::default(), overrides);
        assert_eq!(direct.rest_config().unwrap().host, "http://localhost:8080");
        assert_eq!(direct.namespace().unwrap(), ("default".to_string(), false));
    }

    /// Expected values: client-go v0.37.2's deferred loading `ClientConfig()` and
    /// `IsEmptyConfig` on the same files. "Empty" is what lets a process in a pod fall
    /// back to the in-cluster configuration.
    #[test]
    fn unusable_configs_are_reported_like_client_go() {
        let cases = [
            (
                "current-context: c\ncontexts:\n- name: c\n  context: {cluster: nowhere, user: u}\nusers:\n- name: u\n  user: {token: abc}\n",
                true,
            ),
            (
                "current-context: c\ncontexts:\n- name: c\n  context: {cluster: nowhere, user: nobody}\n",
                true,
            ),
            ("current-context: c\n", false),
            ("", true),
        ];
        for (body, empty) in cases {
            let text = format!("apiVersion: v1\nkind: Config\n{body}");
            let config = Kubeconfig::load(text.as_bytes()).unwrap();
            let error = DirectClientConfig::new(config, ConfigOverrides::default())
                .rest_config()
                .unwrap_err();
            assert_eq!(error.is_empty_config(), empty, "{body}: {error}");
        }
    }

    #[test]
    fn an_empty_config_is_the_empty_config_error() {
        let direct = DirectClientConfig::new(Kubeconfig::default(), ConfigOverrides::default());
        assert!(direct.rest_config().unwrap_err().is_empty_config());
        assert!(direct.namespace().unwrap_err().is_empty_config());
    }

    #[test]
    fn the_namespace_override_wins_even_without_configuration() {
        let mut overrides = ConfigOverrides::default();
        overrides.set_namespace("ns/override");
        let direct = DirectClientConfig::new(Kubeconfig::default(), overrides);
        assert_eq!(direct.namespace().unwrap(), ("override".to_string(), true));
    }

    #[test]
    fn merged_raw_config_writes_back_the_effective_entries() {
        let mut overrides = ConfigOverrides {
            current_context: "dev".into(),
            ..ConfigOverrides::default()
        };
        overrides.cluster_info.server = "https://override:1".into();
        overrides.context.namespace = "ns1".into();
        let raw = client(overrides).merged_raw_config().unwrap();
        assert_eq!(raw.current_context, "dev");
        assert_eq!(raw.clusters["dev"].server, "https://override:1");
        assert_eq!(raw.contexts["dev"].namespace, "ns1");
        assert_eq!(raw.clusters["prod"].server, "https://prod.example:6443");
    }

    #[test]
    fn exec_users_get_a_sanitised_plugin_config_with_the_cluster_extension() {
        let mut config = base_config();
        config.clusters.get_mut("prod").unwrap().extensions.insert(
            crate::exec::CLUSTER_EXTENSION_KEY.into(),
            serde_json::json!({"k": "v"}),
        );
        config.auth_infos.insert(
            "alice".into(),
            AuthInfo {
                exec: Some(ExecConfig {
                    command: "/bin/plugin".into(),
                    api_version: "client.authentication.k8s.io/v1".into(),
                    install_hint: "\u{1b}[1mbold".into(),
                    provide_cluster_info: true,
                    interactive_mode: "IfAvailable".into(),
                    ..ExecConfig::default()
                }),
                ..AuthInfo::default()
            },
        );
        let rest = DirectClientConfig::new(config, ConfigOverrides::default())
            .rest_config()
            .unwrap();
        let exec = rest.transport.exec.unwrap();
        assert_eq!(exec.install_hint.as_deref(), Some("U+001B[1mbold"));
        let cluster = exec.cluster.unwrap();
        assert_eq!(cluster.server, "https://prod.example:6443");
        assert_eq!(cluster.tls_server_name.as_deref(), Some("prod-name"));
        assert_eq!(
            cluster.certificate_authority_data.as_deref(),
            Some("UFJPRC1DQQ==")
        );
        assert_eq!(cluster.config, Some(serde_json::json!({"k": "v"})));
    }

    #[test]
    fn auth_provider_users_get_a_clear_unsupported_error() {
        let mut config = base_config();
        config.auth_infos.insert(
            "alice".into(),
            AuthInfo {
                auth_provider: Some(crate::model::AuthProviderConfig {
                    name: "gcp".into(),
                    config: [("access-token".to_string(), "ya29.secret".to_string())].into(),
                }),
                ..AuthInfo::default()
            },
        );
        let error = DirectClientConfig::new(config, ConfigOverrides::default())
            .rest_config()
            .unwrap_err()
            .to_string();
        assert!(
            error.contains("auth-provider plugins are not supported"),
            "{error}"
        );
        assert!(error.contains("exec"), "{error}");
        assert!(error.contains("\"gcp\""), "{error}");
        assert!(!error.contains("ya29"), "{error}");
    }

    #[test]
    fn disable_compression_override_applies() {
        let mut overrides = ConfigOverrides::default();
        overrides.cluster_info.disable_compression = true;
        assert!(
            client(overrides)
                .rest_config()
                .unwrap()
                .transport
                .disable_compression
        );
    }

    #[test]
    fn a_user_without_server_file_reports_no_server() {
        let config = Kubeconfig::load(
            b"clusters: [{name: c, cluster: {insecure-skip-tls-verify: true}}]\ncontexts: [{name: x, context: {cluster: c, user: u}}]\ncurrent-context: x\n",
        )
        .unwrap();
        let error = DirectClientConfig::new(config, ConfigOverrides::default())
            .rest_config()
            .unwrap_err()
            .to_string();
        assert!(
            error.contains("no server found for cluster \"c\""),
            "{error}"
        );
    }
}
