//! The kubeconfig a control plane writes: one cluster, one user and one context per
//! test user, the admin's context current.

use std::path::Path;

use base64::Engine;
use serde::{Deserialize, Serialize};

use crate::certs::CertifiedKey;
use crate::error::{Error, Result, io_error};
use crate::user::{Credentials, User};
use clientgo_transport::Secret;

/// The name of the cluster entry in written kubeconfigs.
pub const CLUSTER_NAME: &str = "envtest";

#[derive(Debug, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
struct Kubeconfig {
    /// `apiVersion`, as every kubeconfig spells it (files of earlier versions of this
    /// crate said `api-version`; they are still read).
    #[serde(rename = "apiVersion", alias = "api-version")]
    api_version: String,
    kind: String,
    clusters: Vec<Named<Cluster>>,
    users: Vec<Named<AuthInfo>>,
    contexts: Vec<Named<Context>>,
    current_context: String,
}

#[derive(Debug, Serialize, Deserialize)]
struct Named<T> {
    name: String,
    #[serde(flatten)]
    value: T,
}

#[derive(Debug, Serialize, Deserialize)]
struct Cluster {
    cluster: ClusterInfo,
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
struct ClusterInfo {
    server: String,
    /// Always written; other tools may name a file (`certificate-authority`) instead.
    #[serde(skip_serializing_if = "Option::is_none")]
    certificate_authority_data: Option<String>,
}

#[derive(Debug, Serialize, Deserialize)]
struct AuthInfo {
    user: AuthInfoData,
}

#[derive(Debug, Default, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
struct AuthInfoData {
    #[serde(skip_serializing_if = "Option::is_none")]
    client_certificate_data: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    client_key_data: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    token: Option<String>,
}

#[derive(Debug, Serialize, Deserialize)]
struct Context {
    context: ContextInfo,
}

#[derive(Debug, Serialize, Deserialize)]
struct ContextInfo {
    cluster: String,
    user: String,
}

fn base64(text: &str) -> String {
    base64::engine::general_purpose::STANDARD.encode(text)
}

/// Renders a kubeconfig for `server` with a context per user; `current` names the
/// current context's user.
pub(crate) fn render(server: &str, ca_pem: &str, users: &[User], current: &str) -> Result<String> {
    let config = Kubeconfig {
        api_version: "v1".into(),
        kind: "Config".into(),
        clusters: vec![Named {
            name: CLUSTER_NAME.into(),
            value: Cluster {
                cluster: ClusterInfo {
                    server: server.into(),
                    certificate_authority_data: Some(base64(ca_pem)),
                },
            },
        }],
        users: users
            .iter()
            .map(|user| Named {
                name: user.name.clone(),
                value: AuthInfo {
                    user: match &user.credentials {
                        Credentials::ClientCertificate(key) => AuthInfoData {
                            client_certificate_data: Some(base64(&key.certificate_pem)),
                            client_key_data: Some(base64(key.private_key_pem.expose())),
                            token: None,
                        },
                        Credentials::Token(token) => AuthInfoData {
                            token: Some(token.expose().to_string()),
                            ..AuthInfoData::default()
                        },
                    },
                },
            })
            .collect(),
        contexts: users
            .iter()
            .map(|user| Named {
                name: user.name.clone(),
                value: Context {
                    context: ContextInfo {
                        cluster: CLUSTER_NAME.into(),
                        user: user.name.clone(),
                    },
                },
            })
            .collect(),
        current_context: current.into(),
    };
    serde_yaml::to_string(&config).map_err(|error| Error::Format {
        what: "encoding kubeconfig",
        path: Default::default(),
        detail: error.to_string(),
    })
}

/// What a kubeconfig says about its current context: the server, its CA, the users
/// with inline credentials, and whose context is current.
#[derive(Debug)]
pub(crate) struct Connection {
    pub(crate) server_url: String,
    pub(crate) ca_pem: String,
    pub(crate) users: Vec<User>,
    /// The user of the current context.
    pub(crate) current_user: String,
    /// Whether the current context's cluster is named [`CLUSTER_NAME`], as in the
    /// kubeconfigs of this crate's control planes (which have its generated users).
    pub(crate) written_by_envtest: bool,
}

/// Reads a kubeconfig: one written by this crate, or another with inline certificate
/// data and tokens (as `kind get kubeconfig` writes). Users without inline credentials
/// are left out; the users' groups are not recorded in kubeconfigs and come back empty.
pub(crate) fn read(path: &Path) -> Result<Connection> {
    let text = std::fs::read_to_string(path).map_err(io_error("reading", path))?;
    let invalid = |detail: String| Error::Format {
        what: "decoding kubeconfig",
        path: path.to_path_buf(),
        detail,
    };
    let config: Kubeconfig = serde_yaml::from_str(&text).map_err(|e| invalid(e.to_string()))?;
    let decode = |data: &str| -> Result<String> {
        let bytes = base64::engine::general_purpose::STANDARD
            .decode(data)
            .map_err(|e| invalid(format!("bad base64 data: {e}")))?;
        String::from_utf8(bytes).map_err(|_| invalid("data is not PEM text".into()))
    };
    let context = &config
        .contexts
        .iter()
        .find(|c| c.name == config.current_context)
        .ok_or_else(|| invalid(format!("no context {:?}", config.current_context)))?
        .value
        .context;
    let cluster = &config
        .clusters
        .iter()
        .find(|c| c.name == context.cluster)
        .ok_or_else(|| invalid(format!("no cluster {:?}", context.cluster)))?
        .value
        .cluster;
    let ca_data = cluster
        .certificate_authority_data
        .as_deref()
        .ok_or_else(|| {
            invalid(format!(
                "cluster {:?} has no certificate-authority-data",
                context.cluster
            ))
        })?;
    let mut users = Vec::new();
    for named in &config.users {
        let data = &named.value.user;
        let credentials = match (
            &data.client_certificate_data,
            &data.client_key_data,
            &data.token,
        ) {
            (Some(certificate), Some(key), _) => Credentials::ClientCertificate(CertifiedKey {
                certificate_pem: decode(certificate)?,
                private_key_pem: Secret::new(decode(key)?),
            }),
            (_, _, Some(token)) => Credentials::Token(Secret::new(token.clone())),
            _ => continue,
        };
        users.push(User {
            name: named.name.clone(),
            groups: Vec::new(),
            credentials,
        });
    }
    if !users.iter().any(|u| u.name == context.user) {
        return Err(invalid(format!(
            "user {} has no inline client certificate or token",
            context.user
        )));
    }
    Ok(Connection {
        server_url: cluster.server.clone(),
        ca_pem: decode(ca_data)?,
        users,
        current_user: context.user.clone(),
        written_by_envtest: context.cluster == CLUSTER_NAME,
    })
}

/// Writes `contents` to `path` readable by the owner only (it holds credentials),
/// creating parent folders. The file is replaced atomically.
pub(crate) fn write_private(path: &Path, contents: &str) -> Result<()> {
    use std::io::Write;
    use std::os::unix::fs::OpenOptionsExt;
    if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(parent).map_err(io_error("creating", parent))?;
    }
    let partial = path.with_extension("partial");
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(true)
        .mode(0o600)
        .open(&partial)
        .map_err(io_error("writing", &partial))?;
    file.write_all(contents.as_bytes())
        .map_err(io_error("writing", &partial))?;
    std::fs::rename(&partial, path).map_err(io_error("writing", path))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_a_context_per_user() {
        let users = vec![
            User {
                name: "admin".into(),
                groups: vec!["system:masters".into()],
                credentials: Credentials::ClientCertificate(CertifiedKey {
                    certificate_pem: "CERT".into(),
                    private_key_pem: Secret::new("KEY"),
                }),
            },
            User {
                name: "unprivileged".into(),
                groups: vec![],
                credentials: Credentials::Token(Secret::new("t0ken")),
            },
        ];
        let yaml = render("https://127.0.0.1:1234", "CA", &users, "admin").unwrap();
        let parsed: Kubeconfig = serde_yaml::from_str(&yaml).unwrap();
        assert_eq!(parsed.current_context, "admin");
        assert_eq!(
            parsed.clusters[0].value.cluster.server,
            "https://127.0.0.1:1234"
        );
        assert_eq!(parsed.contexts.len(), 2);
        assert_eq!(
            parsed.users[0].value.user.client_key_data.as_deref(),
            Some("S0VZ")
        );
        assert_eq!(parsed.users[1].value.user.token.as_deref(), Some("t0ken"));
        assert!(yaml.starts_with("apiVersion: v1\nkind: Config\n"), "{yaml}");
        assert!(!yaml.contains("api-version"), "{yaml}");
        assert!(yaml.contains("current-context: admin"));
        assert!(yaml.contains("certificate-authority-data: Q0E="));

        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("kubeconfig");
        write_private(&path, &yaml).unwrap();
        let read_back = read(&path).unwrap();
        assert_eq!(read_back.server_url, "https://127.0.0.1:1234");
        assert_eq!(read_back.ca_pem, "CA");
        assert_eq!(read_back.users.len(), 2);
        assert_eq!(read_back.current_user, "admin");
        assert!(read_back.written_by_envtest);
        match &read_back.users[0].credentials {
            Credentials::ClientCertificate(key) => assert_eq!(key.private_key_pem.expose(), "KEY"),
            other => panic!("admin read back as {other:?}"),
        }
        match &read_back.users[1].credentials {
            Credentials::Token(token) => assert_eq!(token.expose(), "t0ken"),
            other => panic!("token user read back as {other:?}"),
        }
    }

    #[test]
    fn other_tools_kubeconfigs_are_read_at_their_current_context() {
        // As `kind get kubeconfig` writes it, plus a user and a cluster of other tools.
        let text = "apiVersion: v1
kind: Config
preferences: {}
clusters:
- name: elsewhere
  cluster:
    server: https://elsewhere:6443
    certificate-authority: /etc/ca.crt
- name: kind-kind
  cluster:
    server: https://127.0.0.1:40000
    certificate-authority-data: Q0E=
users:
- name: cloud
  user:
    exec: {command: gcloud}
- name: kind-kind
  user:
    client-certificate-data: Q0VSVA==
    client-key-data: S0VZ
contexts:
- name: kind-kind
  context: {cluster: kind-kind, user: kind-kind, namespace: default}
- name: cloud
  context: {cluster: elsewhere, user: cloud}
current-context: kind-kind
";
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("kubeconfig");
        std::fs::write(&path, text).unwrap();
        let read_back = read(&path).unwrap();
        assert_eq!(read_back.server_url, "https://127.0.0.1:40000");
        assert_eq!(read_back.ca_pem, "CA");
        assert_eq!(read_back.current_user, "kind-kind");
        assert!(!read_back.written_by_envtest);
        assert_eq!(read_back.users.len(), 1);

        // The current context's cluster needs its CA inline, its user inline credentials.
        for (cluster, user) in [("elsewhere", "kind-kind"), ("kind-kind", "cloud")] {
            let context = format!("context: {{cluster: {cluster}, user: {user}}}");
            let text = text.replace("context: {cluster: elsewhere, user: cloud}", &context);
            std::fs::write(
                &path,
                text.replace("current-context: kind-kind", "current-context: cloud"),
            )
            .unwrap();
            let error = read(&path).unwrap_err().to_string();
            assert!(
                error.contains(if user == "cloud" {
                    "inline"
                } else {
                    "certificate-authority-data"
                }),
                "{error}"
            );
        }
    }

    #[test]
    fn malformed_kubeconfigs_are_errors() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("kubeconfig");
        for text in [
            "",
            "clusters: 3",
            "apiVersion: v1\nkind: Config\nclusters: []\nusers: []\ncontexts: []\ncurrent-context: x\n",
        ] {
            std::fs::write(&path, text).unwrap();
            assert!(read(&path).is_err(), "{text:?} was accepted");
        }
        assert!(read(&dir.path().join("missing")).is_err());
    }
}
