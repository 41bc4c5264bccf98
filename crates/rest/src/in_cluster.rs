//! Configuration of a program that runs in a pod: the API server from
//! `KUBERNETES_SERVICE_HOST`/`KUBERNETES_SERVICE_PORT`, the service account's token
//! (rotated: re-read from its file) and CA.

use std::path::{Path, PathBuf};

use crate::config::Config;

/// Where a pod finds its service account's credentials.
pub const SERVICE_ACCOUNT_DIR: &str = "/var/run/secrets/kubernetes.io/serviceaccount";

/// Why the in-cluster configuration could not be made.
#[derive(Debug, thiserror::Error)]
pub enum InClusterError {
    /// Not running in a pod.
    #[error(
        "unable to load in-cluster configuration, KUBERNETES_SERVICE_HOST and KUBERNETES_SERVICE_PORT must be defined"
    )]
    NotInCluster,
    /// The service-account token could not be read.
    #[error("reading the service account token {path}: {source}")]
    Token {
        /// The token file.
        path: PathBuf,
        /// Why.
        #[source]
        source: std::io::Error,
    },
}

impl Config {
    /// The configuration of a program running in a pod (client-go's `InClusterConfig`).
    ///
    /// The token is also kept as a token file, so rotated service-account tokens are
    /// picked up. The CA is used only if the file parses; otherwise an error is logged and
    /// the system roots are used.
    pub fn in_cluster() -> Result<Config, InClusterError> {
        Self::in_cluster_with_account_dir(Path::new(SERVICE_ACCOUNT_DIR))
    }

    /// Like [`Config::in_cluster`] with the service account's files (`token`, `ca.crt`)
    /// in `account_dir`, e.g. to run in-cluster code locally against files that mimic a
    /// pod's mount.
    pub fn in_cluster_with_account_dir(account_dir: &Path) -> Result<Config, InClusterError> {
        in_cluster_from(|name| std::env::var(name).ok(), account_dir)
    }
}

pub(crate) fn in_cluster_from(
    env: impl Fn(&str) -> Option<String>,
    account_dir: &Path,
) -> Result<Config, InClusterError> {
    let host = env("KUBERNETES_SERVICE_HOST").filter(|h| !h.is_empty());
    let port = env("KUBERNETES_SERVICE_PORT").filter(|p| !p.is_empty());
    let (Some(host), Some(port)) = (host, port) else {
        return Err(InClusterError::NotInCluster);
    };
    let token_path = account_dir.join("token");
    let token = std::fs::read_to_string(&token_path).map_err(|source| InClusterError::Token {
        path: token_path.clone(),
        source,
    })?;
    let host = if host.contains(':') {
        format!("[{host}]")
    } else {
        host
    };
    let mut config = Config::new(format!("https://{host}:{port}"));
    config.transport.bearer_token = Some(token.trim().into());
    config.transport.bearer_token_file = Some(token_path);
    let ca_path = account_dir.join("ca.crt");
    match std::fs::read(&ca_path) {
        Ok(pem) if pem.windows(27).any(|w| w == b"-----BEGIN CERTIFICATE-----") => {
            config.transport.tls.ca_file = Some(ca_path);
        }
        Ok(_) => {
            tracing::error!(path = %ca_path.display(), "the in-cluster CA file holds no certificate; using system roots")
        }
        Err(error) => {
            tracing::error!(path = %ca_path.display(), %error, "cannot read the in-cluster CA file; using system roots")
        }
    }
    Ok(config)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env<'a>(pairs: &'a [(&'a str, &'a str)]) -> impl Fn(&str) -> Option<String> + 'a {
        move |name| {
            pairs
                .iter()
                .find(|(k, _)| *k == name)
                .map(|(_, v)| v.to_string())
        }
    }

    #[test]
    fn needs_both_service_variables() {
        let dir = tempfile::tempdir().unwrap();
        let error = in_cluster_from(env(&[("KUBERNETES_SERVICE_HOST", "10.0.0.1")]), dir.path())
            .unwrap_err();
        assert!(matches!(error, InClusterError::NotInCluster));
        assert!(
            error
                .to_string()
                .contains("KUBERNETES_SERVICE_PORT must be defined")
        );
    }

    #[test]
    fn reads_token_and_ca_and_brackets_ipv6() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("token"), "abc\n").unwrap();
        std::fs::write(
            dir.path().join("ca.crt"),
            "-----BEGIN CERTIFICATE-----\n...",
        )
        .unwrap();
        let vars = [
            ("KUBERNETES_SERVICE_HOST", "fd00::1"),
            ("KUBERNETES_SERVICE_PORT", "443"),
        ];
        let config = in_cluster_from(env(&vars), dir.path()).unwrap();
        assert_eq!(config.host, "https://[fd00::1]:443");
        assert_eq!(
            config.transport.bearer_token.as_ref().unwrap().expose(),
            "abc"
        );
        assert_eq!(
            config.transport.bearer_token_file.as_deref(),
            Some(dir.path().join("token").as_path())
        );
        assert!(config.transport.tls.ca_file.is_some());
    }

    #[test]
    fn a_missing_token_is_an_error_and_a_bad_ca_is_not() {
        let dir = tempfile::tempdir().unwrap();
        let vars = [
            ("KUBERNETES_SERVICE_HOST", "10.0.0.1"),
            ("KUBERNETES_SERVICE_PORT", "443"),
        ];
        assert!(matches!(
            in_cluster_from(env(&vars), dir.path()),
            Err(InClusterError::Token { .. })
        ));
        std::fs::write(dir.path().join("token"), "abc").unwrap();
        std::fs::write(dir.path().join("ca.crt"), "garbage").unwrap();
        let config = in_cluster_from(env(&vars), dir.path()).unwrap();
        assert!(config.transport.tls.ca_file.is_none());
    }
}
