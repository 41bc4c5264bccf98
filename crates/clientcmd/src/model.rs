//! The in-memory kubeconfig (client-go's `clientcmd/api`): maps keyed by name, raw bytes
//! for certificate data, secrets wrapped in [`Secret`].
//!
//! An empty string, path or byte vector means "not set", as in client-go; overrides and
//! merging rely on that.

use std::collections::BTreeMap;
use std::fmt;
use std::path::PathBuf;

use clientgo_transport::Secret;
use clientgo_transport::exec::ExecEnvVar;

/// Extensions: arbitrary objects keyed by name, kept as JSON values.
pub type Extensions = BTreeMap<String, serde_json::Value>;

/// A whole kubeconfig: clusters, users and contexts keyed by name, the current
/// context, preferences and extensions.
///
/// ```
/// use clientgo_clientcmd::Kubeconfig;
///
/// let config = Kubeconfig::load(br#"
/// apiVersion: v1
/// kind: Config
/// clusters:
/// - name: dev
///   cluster: {server: "https://dev.example:6443"}
/// users:
/// - name: me
///   user: {token: s3cr3t}
/// contexts:
/// - name: dev
///   context: {cluster: dev, user: me, namespace: web}
/// current-context: dev
/// "#).unwrap();
/// assert_eq!(config.clusters["dev"].server, "https://dev.example:6443");
/// assert_eq!(config.contexts["dev"].namespace, "web");
/// assert!(!format!("{config:?}").contains("s3cr3t"));
/// ```
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Kubeconfig {
    /// `preferences`.
    pub preferences: Preferences,
    /// `clusters`, keyed by name.
    pub clusters: BTreeMap<String, Cluster>,
    /// `users`, keyed by name (client-go calls them auth infos).
    pub auth_infos: BTreeMap<String, AuthInfo>,
    /// `contexts`, keyed by name.
    pub contexts: BTreeMap<String, Context>,
    /// `current-context`: the context used when none is chosen.
    pub current_context: String,
    /// `extensions`, keyed by name.
    pub extensions: Extensions,
}

impl Kubeconfig {
    /// Whether nothing at all is configured (client-go's `IsConfigEmpty`).
    pub fn is_empty(&self) -> bool {
        self.auth_infos.is_empty()
            && self.clusters.is_empty()
            && self.contexts.is_empty()
            && self.current_context.is_empty()
            && self.preferences.extensions.is_empty()
            && !self.preferences.colors
            && self.extensions.is_empty()
    }
}

/// `preferences`: settings for command-line tools.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Preferences {
    /// `colors`.
    pub colors: bool,
    /// `extensions`, keyed by name.
    pub extensions: Extensions,
}

/// How to reach one API server (`clusters[].cluster`).
#[derive(Clone, Default, PartialEq)]
pub struct Cluster {
    /// The file this entry was loaded from (not serialised); relative paths are resolved
    /// against its folder.
    pub location_of_origin: PathBuf,
    /// `server`: `https://host:port`, optionally with a path prefix.
    pub server: String,
    /// `tls-server-name`: the name to verify the server certificate against.
    pub tls_server_name: String,
    /// `insecure-skip-tls-verify`.
    pub insecure_skip_tls_verify: bool,
    /// `certificate-authority`: a PEM file of trusted CAs.
    pub certificate_authority: PathBuf,
    /// `certificate-authority-data`: PEM bytes of trusted CAs (base64 in the file).
    pub certificate_authority_data: Vec<u8>,
    /// `proxy-url`: an `http`, `https` or `socks5` proxy.
    pub proxy_url: String,
    /// `disable-compression`.
    pub disable_compression: bool,
    /// `extensions`, keyed by name; `client.authentication.k8s.io/exec` is passed to exec
    /// plugins.
    pub extensions: Extensions,
}

impl fmt::Debug for Cluster {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Cluster")
            .field("location_of_origin", &self.location_of_origin)
            .field("server", &self.server)
            .field("tls_server_name", &self.tls_server_name)
            .field("insecure_skip_tls_verify", &self.insecure_skip_tls_verify)
            .field("certificate_authority", &self.certificate_authority)
            .field(
                "certificate_authority_data",
                &DataLen(&self.certificate_authority_data),
            )
            .field(
                "proxy_url",
                &clientgo_transport::redact_url(&self.proxy_url),
            )
            .field("disable_compression", &self.disable_compression)
            .field("extensions", &self.extensions.keys().collect::<Vec<_>>())
            .finish()
    }
}

/// Who the user is (`users[].user`): credentials and impersonation.
#[derive(Clone, Default, PartialEq)]
pub struct AuthInfo {
    /// The file this entry was loaded from (not serialised).
    pub location_of_origin: PathBuf,
    /// `client-certificate`: a PEM file.
    pub client_certificate: PathBuf,
    /// `client-certificate-data`: PEM bytes (base64 in the file).
    pub client_certificate_data: Vec<u8>,
    /// `client-key`: a PEM file.
    pub client_key: PathBuf,
    /// `client-key-data`: the PEM key (base64 in the file).
    pub client_key_data: Secret,
    /// `token`: a bearer token.
    pub token: Secret,
    /// `tokenFile`: a file holding a bearer token.
    pub token_file: PathBuf,
    /// `as`: the user to impersonate.
    pub impersonate: String,
    /// `as-uid`: the UID to impersonate.
    pub impersonate_uid: String,
    /// `as-groups`: the groups to impersonate.
    pub impersonate_groups: Vec<String>,
    /// `as-user-extra`: extra attributes to impersonate.
    pub impersonate_user_extra: BTreeMap<String, Vec<String>>,
    /// `username` for basic auth.
    pub username: String,
    /// `password` for basic auth.
    pub password: Secret,
    /// `auth-provider`: a legacy plugin (kept for round trips; not supported when
    /// building a client).
    pub auth_provider: Option<AuthProviderConfig>,
    /// `exec`: a credential plugin.
    pub exec: Option<ExecConfig>,
    /// `extensions`, keyed by name.
    pub extensions: Extensions,
}

impl fmt::Debug for AuthInfo {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AuthInfo")
            .field("location_of_origin", &self.location_of_origin)
            .field("client_certificate", &self.client_certificate)
            .field(
                "client_certificate_data",
                &DataLen(&self.client_certificate_data),
            )
            .field("client_key", &self.client_key)
            .field("client_key_data", &self.client_key_data)
            .field("token", &self.token)
            .field("token_file", &self.token_file)
            .field("impersonate", &self.impersonate)
            .field("impersonate_uid", &self.impersonate_uid)
            .field("impersonate_groups", &self.impersonate_groups)
            .field("impersonate_user_extra", &self.impersonate_user_extra)
            .field("username", &self.username)
            .field("password", &self.password)
            .field("auth_provider", &self.auth_provider)
            .field("exec", &self.exec)
            .field("extensions", &self.extensions.keys().collect::<Vec<_>>())
            .finish()
    }
}

/// A legacy `auth-provider` stanza: a name and its settings (which usually hold
/// tokens, so `Debug` shows only the keys).
#[derive(Clone, Default, PartialEq)]
pub struct AuthProviderConfig {
    /// `name`: `gcp`, `azure`, `oidc`, ...
    pub name: String,
    /// `config`: the provider's settings.
    pub config: BTreeMap<String, String>,
}

impl fmt::Debug for AuthProviderConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AuthProviderConfig")
            .field("name", &self.name)
            .field("config", &self.config.keys().collect::<Vec<_>>())
            .finish()
    }
}

/// An exec credential plugin as written in a kubeconfig (`users[].user.exec`).
///
/// `interactive_mode` is kept as written so that validation can report bad values;
/// `Debug` hides arguments and environment values, which may carry secrets.
#[derive(Clone, Default, PartialEq)]
pub struct ExecConfig {
    /// `command`: a path, or a name looked up on `PATH`.
    pub command: String,
    /// `args`.
    pub args: Vec<String>,
    /// `env`: extra environment variables.
    pub env: Vec<ExecEnvVar>,
    /// `apiVersion`: the `ExecCredential` version the plugin speaks.
    pub api_version: String,
    /// `installHint`: shown when the command cannot be found.
    pub install_hint: String,
    /// `provideClusterInfo`: pass the cluster's details to the plugin.
    pub provide_cluster_info: bool,
    /// `interactiveMode`: `Never`, `IfAvailable` or `Always` (empty: unset).
    pub interactive_mode: String,
}

impl fmt::Debug for ExecConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ExecConfig")
            .field("command", &self.command)
            .field(
                "args",
                &(!self.args.is_empty()).then_some("--- REDACTED ---"),
            )
            .field("env", &self.env)
            .field("api_version", &self.api_version)
            .field("install_hint", &self.install_hint)
            .field("provide_cluster_info", &self.provide_cluster_info)
            .field("interactive_mode", &self.interactive_mode)
            .finish()
    }
}

/// Which cluster, user and namespace to use together (`contexts[].context`).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Context {
    /// The file this entry was loaded from (not serialised).
    pub location_of_origin: PathBuf,
    /// `cluster`: the name of a cluster.
    pub cluster: String,
    /// `user`: the name of a user.
    pub auth_info: String,
    /// `namespace`: the default namespace (empty: `default`).
    pub namespace: String,
    /// `extensions`, keyed by name.
    pub extensions: Extensions,
}

/// Shows the length of certificate data instead of the bytes.
struct DataLen<'a>(&'a [u8]);

impl fmt::Debug for DataLen<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.0.is_empty() {
            f.write_str("[]")
        } else {
            write!(f, "[{} bytes]", self.0.len())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_never_shows_tokens_passwords_keys_provider_config_or_exec_secrets() {
        let mut user = AuthInfo {
            token: Secret::new("tok-123"),
            password: Secret::new("pa55"),
            client_key_data: Secret::new("-----BEGIN PRIVATE KEY-----KEYDATA"),
            client_certificate_data: b"CERTDATA".to_vec(),
            ..AuthInfo::default()
        };
        user.auth_provider = Some(AuthProviderConfig {
            name: "oidc".into(),
            config: [("id-token".to_string(), "idtok-456".to_string())].into(),
        });
        user.exec = Some(ExecConfig {
            command: "plugin".into(),
            args: vec!["--secret=arg-789".into()],
            env: vec![ExecEnvVar {
                name: "PASS".into(),
                value: "env-000".into(),
            }],
            ..ExecConfig::default()
        });
        let cluster = Cluster {
            proxy_url: "http://bob:proxypass@proxy:3128".into(),
            certificate_authority_data: b"CADATA".to_vec(),
            ..Cluster::default()
        };
        let text = format!("{user:?} {cluster:?}");
        for secret in [
            "tok-123",
            "pa55",
            "KEYDATA",
            "idtok-456",
            "arg-789",
            "env-000",
            "proxypass",
        ] {
            assert!(!text.contains(secret), "{secret} leaked: {text}");
        }
        assert!(text.contains("id-token"));
        assert!(text.contains("[8 bytes]"));
    }

    #[test]
    fn a_config_with_only_preferences_colors_is_not_empty() {
        assert!(Kubeconfig::default().is_empty());
        let mut config = Kubeconfig::default();
        config.preferences.colors = true;
        assert!(!config.is_empty());
    }
}
