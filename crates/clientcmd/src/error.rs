//! The crate's error type, the validation sentinels and their predicates.
//!
//! No variant carries a credential: messages name files, users, clusters and contexts,
//! never tokens, passwords or key data.

use std::fmt;
use std::path::PathBuf;

/// Result of this crate's operations.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// What can go wrong loading, resolving, validating or writing a kubeconfig.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The configuration failed validation; holds every finding
    /// ("invalid configuration: [e1, e2]").
    #[error("invalid configuration: {}", Aggregate(.0))]
    ConfigurationInvalid(Vec<Error>),
    /// No context was chosen (client-go's `ErrNoContext`).
    #[error("no context chosen")]
    NoContext,
    /// Nothing was configured at all (client-go's `ErrEmptyConfig`); this is what lets a
    /// deferred client config fall back to the in-cluster configuration.
    #[error(
        "no configuration has been provided, try setting KUBERNETES_MASTER environment variable"
    )]
    EmptyConfig,
    /// The chosen cluster is entirely empty (client-go's `ErrEmptyCluster`).
    #[error("cluster has no server defined")]
    EmptyCluster,
    /// The current (or requested) context is not in the configuration.
    #[error("context was not found for specified context: {0}")]
    ContextNotFound(String),
    /// An override names a context, user or cluster that does not exist
    /// (`context "x" does not exist`).
    #[error("{kind} {name:?} does not exist")]
    NotFound {
        /// `context`, `auth info` or `cluster`.
        kind: &'static str,
        /// The missing name.
        name: String,
    },
    /// One validation finding (the message says what and where).
    #[error("{0}")]
    Invalid(String),
    /// A file could not be read or written.
    #[error("{action} {}: {source}", path.display())]
    Io {
        /// What was being done (`reading`, `writing`, ...).
        action: &'static str,
        /// The file.
        path: PathBuf,
        /// Why.
        #[source]
        source: std::io::Error,
    },
    /// A kubeconfig could not be decoded or encoded.
    #[error("{0}")]
    Format(String),
    /// One file of the loading precedence failed to load.
    #[error("error loading config file \"{}\": {source}", path.display())]
    LoadFile {
        /// The file.
        path: PathBuf,
        /// Why.
        #[source]
        source: Box<Error>,
    },
    /// Several errors at once (e.g. more than one file failed to load).
    #[error("{}", Aggregate(.0))]
    Aggregate(Vec<Error>),
    /// A request timeout override could not be parsed.
    #[error(
        "Invalid timeout value. Timeout must be a single integer in seconds, or an integer followed by a corresponding time unit (e.g. 1s | 2m | 3h)"
    )]
    InvalidTimeout,
    /// The chosen user relies on a legacy `auth-provider` plugin (gcp, azure, oidc, ...),
    /// which this port does not implement.
    #[error(
        "user {user:?} uses the auth-provider plugin {provider:?}: auth-provider plugins are not supported; use an exec credential plugin (users[].user.exec, e.g. gke-gcloud-auth-plugin, kubelogin) instead"
    )]
    AuthProviderUnsupported {
        /// The user (kubeconfig `users[].name`).
        user: String,
        /// The provider's name.
        provider: String,
    },
    /// The in-cluster configuration could not be made.
    #[error(transparent)]
    InCluster(#[from] clientgo_rest::InClusterError),
    /// The in-cluster configuration has no kubeconfig to return.
    #[error("inCluster environment config doesn't support multiple clusters")]
    InClusterRawConfig,
}

/// Renders a list like client-go's aggregate errors: one message alone, several as
/// `[a, b]`, duplicates once.
struct Aggregate<'a>(&'a [Error]);

impl fmt::Display for Aggregate<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut messages: Vec<String> = Vec::with_capacity(self.0.len());
        for error in self.0 {
            let message = error.to_string();
            if !messages.contains(&message) {
                messages.push(message);
            }
        }
        match messages.as_slice() {
            [one] => f.write_str(one),
            many => write!(f, "[{}]", many.join(", ")),
        }
    }
}

impl Error {
    /// Wraps validation findings: `None` when there are none.
    pub(crate) fn invalid_configuration(errors: Vec<Error>) -> Option<Error> {
        (!errors.is_empty()).then_some(Error::ConfigurationInvalid(errors))
    }

    /// Whether this error is `target` or wraps it (through invalid-configuration lists,
    /// aggregates and per-file load errors), like Go's `errors.Is`. Sentinels compare by
    /// kind, other errors by message.
    ///
    /// ```
    /// use clientgo_clientcmd::Error;
    ///
    /// let error = Error::ConfigurationInvalid(vec![Error::EmptyConfig]);
    /// assert!(error.is(&Error::EmptyConfig));
    /// assert!(!error.is(&Error::NoContext));
    /// ```
    pub fn is(&self, target: &Error) -> bool {
        let same = match (self, target) {
            (Error::NoContext, Error::NoContext)
            | (Error::EmptyConfig, Error::EmptyConfig)
            | (Error::EmptyCluster, Error::EmptyCluster)
            | (Error::InvalidTimeout, Error::InvalidTimeout)
            | (Error::InClusterRawConfig, Error::InClusterRawConfig) => true,
            (Error::ContextNotFound(a), Error::ContextNotFound(b)) => a == b,
            _ => {
                std::mem::discriminant(self) == std::mem::discriminant(target)
                    && self.to_string() == target.to_string()
            }
        };
        same || self.wrapped().iter().any(|inner| inner.is(target))
    }

    /// The errors this one wraps.
    fn wrapped(&self) -> Vec<&Error> {
        match self {
            Error::ConfigurationInvalid(errors) | Error::Aggregate(errors) => {
                errors.iter().collect()
            }
            Error::LoadFile { source, .. } => vec![source.as_ref()],
            _ => Vec::new(),
        }
    }

    /// Whether nothing was configured: [`Error::EmptyConfig`] itself or as the single
    /// finding of an invalid configuration, not deeper (client-go's `IsEmptyConfig`).
    pub fn is_empty_config(&self) -> bool {
        match self {
            Error::ConfigurationInvalid(errors) => {
                matches!(errors.as_slice(), [Error::EmptyConfig])
            }
            other => matches!(other, Error::EmptyConfig),
        }
    }

    /// Whether the chosen context does not exist or none was chosen (client-go's
    /// `IsContextNotFound`).
    pub fn is_context_not_found(&self) -> bool {
        matches!(self, Error::ContextNotFound(_) | Error::NoContext)
            || self
                .to_string()
                .contains("context was not found for specified context")
    }

    /// Whether this is a validation failure (client-go's `IsConfigurationInvalid`): an
    /// invalid configuration, or a context that was not found or not chosen.
    pub fn is_configuration_invalid(&self) -> bool {
        matches!(self, Error::ConfigurationInvalid(_)) || self.is_context_not_found()
    }

    /// Whether a file did not exist (e.g. an explicit `--kubeconfig` path).
    pub fn is_not_found(&self) -> bool {
        match self {
            Error::Io { source, .. } => source.kind() == std::io::ErrorKind::NotFound,
            other => other.wrapped().iter().any(|inner| inner.is_not_found()),
        }
    }

    pub(crate) fn io(
        action: &'static str,
        path: impl Into<PathBuf>,
    ) -> impl FnOnce(std::io::Error) -> Error {
        let path = path.into();
        move |source| Error::Io {
            action,
            path,
            source,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn configuration_invalid_lists_several_errors_in_brackets_and_one_alone() {
        let one = Error::ConfigurationInvalid(vec![Error::EmptyConfig]);
        assert_eq!(
            one.to_string(),
            "invalid configuration: no configuration has been provided, try setting KUBERNETES_MASTER environment variable"
        );
        let two = Error::ConfigurationInvalid(vec![
            Error::NoContext,
            Error::EmptyCluster,
            Error::NoContext,
        ]);
        assert_eq!(
            two.to_string(),
            "invalid configuration: [no context chosen, cluster has no server defined]"
        );
    }

    #[test]
    fn is_looks_through_nested_invalid_configurations() {
        let nested = Error::ConfigurationInvalid(vec![
            Error::Invalid("something".into()),
            Error::ConfigurationInvalid(vec![Error::EmptyCluster]),
        ]);
        assert!(nested.is(&Error::EmptyCluster));
        assert!(nested.is(&Error::Invalid("something".into())));
        assert!(!nested.is(&Error::EmptyConfig));
    }

    #[test]
    fn empty_config_is_recognised_alone_or_as_the_single_finding() {
        assert!(Error::EmptyConfig.is_empty_config());
        assert!(Error::ConfigurationInvalid(vec![Error::EmptyConfig]).is_empty_config());
        assert!(
            !Error::ConfigurationInvalid(vec![Error::EmptyConfig, Error::NoContext])
                .is_empty_config()
        );
        assert!(!Error::NoContext.is_empty_config());
    }

    #[test]
    fn context_not_found_is_recognised_by_type_sentinel_or_message() {
        assert!(Error::NoContext.is_context_not_found());
        assert!(Error::ContextNotFound("x".into()).is_context_not_found());
        assert!(
            Error::ConfigurationInvalid(vec![Error::ContextNotFound("x".into())])
                .is_context_not_found()
        );
        assert!(!Error::EmptyConfig.is_context_not_found());
        assert!(Error::ConfigurationInvalid(vec![]).is_configuration_invalid());
    }
}
