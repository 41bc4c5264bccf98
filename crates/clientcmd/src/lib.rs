//! kubeconfig files for client-go for Rust (client-go's `tools/clientcmd`): load and
//! merge them like kubectl, apply command-line overrides, resolve a
//! [`clientgo_rest::Config`] and a default namespace, fall back to the in-cluster
//! configuration, and write kubeconfigs back.
//!
//! - [`Kubeconfig`]: the file model (v1 format; clusters, users and contexts keyed by
//!   name; certificate data as bytes; secrets never shown by `Debug`).
//! - [`LoadingRules`]: `--kubeconfig`, the `KUBECONFIG` list or `~/.kube/config`; the
//!   first file defining an entry wins; relative paths resolved against their file.
//! - [`ConfigOverrides`]: `--context`, `--namespace`, `--server`, `--token`, ...
//! - [`DirectClientConfig`]: one kubeconfig plus overrides → REST config and namespace.
//! - [`ClientConfig`]: what kubectl uses — deferred loading with in-cluster fallback.
//!
//! ```no_run
//! # fn run() -> Result<(), clientgo_clientcmd::Error> {
//! // What kubectl does without flags: KUBECONFIG or ~/.kube/config, else in-cluster.
//! let config = clientgo_clientcmd::default_rest_config()?;
//!
//! // With flags: --kubeconfig ./dev.yaml --context admin -n ns/web
//! use clientgo_clientcmd::{ClientConfig, ConfigOverrides, LoadingRules};
//! let mut overrides = ConfigOverrides::default();
//! overrides.current_context = "admin".into();
//! overrides.set_namespace("ns/web");
//! let client_config = ClientConfig::new(LoadingRules::explicit("./dev.yaml"), overrides);
//! let config = client_config.rest_config()?;
//! let (namespace, _) = client_config.namespace()?;
//! assert_eq!(namespace, "web");
//! # let _ = config; Ok(()) }
//! ```
//!
//! Legacy `auth-provider` plugins (gcp, azure, oidc) are not supported: a user that
//! needs one gets [`Error::AuthProviderUnsupported`]; use an exec credential plugin.

mod deferred;
mod error;
mod exec;
mod helpers;
mod in_cluster;
mod load;
mod merge;
mod model;
mod modify;
mod overrides;
mod paths;
mod resolve;
mod v1;
mod validate;
mod write;

pub use deferred::{
    ClientConfig, build_config_from_flags, default_rest_config, rest_config_from_kubeconfig_bytes,
};
pub use error::{Error, Result};
pub use exec::CLUSTER_EXTENSION_KEY;
pub use in_cluster::InClusterClientConfig;
pub use load::{
    Loaded, LoadingRules, RECOMMENDED_CONFIG_PATH_ENV_VAR, RECOMMENDED_FILE_NAME,
    RECOMMENDED_HOME_DIR, recommended_home_file,
};
pub use model::{
    AuthInfo, AuthProviderConfig, Cluster, Context, ExecConfig, Extensions, Kubeconfig, Preferences,
};
pub use modify::modify_config;
pub use overrides::{ConfigOverrides, cluster_defaults, parse_timeout, strip_namespace_prefix};
pub use resolve::DirectClientConfig;
pub use validate::{confirm_usable, validate};
