//! The exec plugin's configuration (kubeconfig `users[].user.exec`) and wire types
//! (`client.authentication.k8s.io/v1` and `v1beta1` `ExecCredential`).

use std::fmt;

use serde::{Deserialize, Serialize};

/// The API versions of `ExecCredential` this client speaks.
pub const EXEC_API_VERSIONS: [&str; 2] = [
    "client.authentication.k8s.io/v1",
    "client.authentication.k8s.io/v1beta1",
];

/// How an exec plugin may use standard input.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum InteractiveMode {
    /// Never give the plugin standard input.
    Never,
    /// Give it standard input when that is a terminal.
    IfAvailable,
    /// The plugin needs a terminal; fail when there is none.
    Always,
}

/// An environment variable for the plugin.
#[derive(Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct ExecEnvVar {
    /// Its name.
    pub name: String,
    /// Its value (may be secret: never printed).
    pub value: String,
}

impl fmt::Debug for ExecEnvVar {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}=--- REDACTED ---", self.name)
    }
}

/// An exec credential plugin: a command that prints an `ExecCredential` with a token or
/// a client certificate. `Debug` hides the arguments and the environment's values
/// (they often carry secrets, e.g. `--client-secret=...`).
#[derive(Clone, PartialEq, Serialize)]
pub struct ExecConfig {
    /// The command to run (looked up on `PATH` unless it contains a `/`).
    pub command: String,
    /// Its arguments.
    pub args: Vec<String>,
    /// Extra environment variables.
    pub env: Vec<ExecEnvVar>,
    /// `client.authentication.k8s.io/v1` or `client.authentication.k8s.io/v1beta1`.
    pub api_version: String,
    /// Shown when the command cannot be found.
    pub install_hint: Option<String>,
    /// Pass the cluster's details to the plugin in `KUBERNETES_EXEC_INFO`.
    pub provide_cluster_info: bool,
    /// How the plugin may use standard input (required for `v1`).
    pub interactive_mode: Option<InteractiveMode>,
    /// The cluster, sent to the plugin when `provide_cluster_info` is set; filled in by
    /// the layer that knows the server (the rest config).
    pub cluster: Option<ExecCluster>,
}

impl fmt::Debug for ExecConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let args: &[&str] = if self.args.is_empty() {
            &[]
        } else {
            &["--- REDACTED ---"]
        };
        f.debug_struct("ExecConfig")
            .field("command", &self.command)
            .field("args", &args)
            .field("env", &self.env)
            .field("api_version", &self.api_version)
            .field("install_hint", &self.install_hint)
            .field("provide_cluster_info", &self.provide_cluster_info)
            .field("interactive_mode", &self.interactive_mode)
            .field("cluster", &self.cluster)
            .finish()
    }
}

/// What the plugin is told about the cluster (`spec.cluster`).
#[derive(Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct ExecCluster {
    /// The API server URL.
    pub server: String,
    /// The TLS server name, if overridden.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tls_server_name: Option<String>,
    /// Whether server certificates are not verified.
    #[serde(skip_serializing_if = "std::ops::Not::not", default)]
    pub insecure_skip_tls_verify: bool,
    /// The CA bundle, base64 of PEM.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub certificate_authority_data: Option<String>,
    /// The proxy URL.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub proxy_url: Option<String>,
    /// Whether compression is off.
    #[serde(skip_serializing_if = "std::ops::Not::not", default)]
    pub disable_compression: bool,
    /// The cluster's `client.authentication.k8s.io/exec` extension.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub config: Option<serde_json::Value>,
}

impl fmt::Debug for ExecCluster {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ExecCluster")
            .field("server", &crate::redact::redact_url(&self.server))
            .field("tls_server_name", &self.tls_server_name)
            .field("insecure_skip_tls_verify", &self.insecure_skip_tls_verify)
            .field(
                "proxy_url",
                &self.proxy_url.as_deref().map(crate::redact::redact_url),
            )
            .field("config", &self.config.as_ref().map(|_| "--- REDACTED ---"))
            .finish_non_exhaustive()
    }
}

/// The `ExecCredential` sent to the plugin in `KUBERNETES_EXEC_INFO`.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct ExecCredentialInput<'a> {
    pub(crate) api_version: &'a str,
    pub(crate) kind: &'static str,
    pub(crate) spec: InputSpec<'a>,
}

#[derive(Debug, Serialize)]
pub(crate) struct InputSpec<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) cluster: Option<&'a ExecCluster>,
    pub(crate) interactive: bool,
}

/// The `ExecCredential` the plugin prints.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct ExecCredentialOutput {
    #[serde(default)]
    pub(crate) api_version: String,
    #[serde(default)]
    pub(crate) kind: String,
    pub(crate) status: Option<OutputStatus>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct OutputStatus {
    pub(crate) expiration_timestamp: Option<String>,
    pub(crate) token: Option<String>,
    pub(crate) client_certificate_data: Option<String>,
    pub(crate) client_key_data: Option<String>,
}
