//! Reshaping a kubeconfig: keep only what the current context needs ([`Kubeconfig::minify`]),
//! inline referenced files ([`Kubeconfig::flatten`]).

use std::path::{Path, PathBuf};

use clientgo_transport::Secret;

use crate::error::{Error, Result};
use crate::model::Kubeconfig;
use crate::paths::{origin_dir, resolve_path};

impl Kubeconfig {
    /// Keeps only the current context and its cluster and user.
    ///
    /// ```
    /// use clientgo_clientcmd::Kubeconfig;
    ///
    /// let mut config = Kubeconfig::load(br#"
    /// clusters: [{name: a, cluster: {server: "https://a"}}, {name: b, cluster: {server: "https://b"}}]
    /// users: [{name: u, user: {token: t}}]
    /// contexts: [{name: x, context: {cluster: a, user: u}}, {name: y, context: {cluster: b, user: u}}]
    /// current-context: x
    /// "#).unwrap();
    /// config.minify().unwrap();
    /// assert_eq!(config.clusters.keys().collect::<Vec<_>>(), ["a"]);
    /// assert_eq!(config.contexts.len(), 1);
    /// ```
    pub fn minify(&mut self) -> Result<()> {
        if self.current_context.is_empty() {
            return Err(Error::Invalid(
                "current-context must exist in order to minify".into(),
            ));
        }
        let context = self
            .contexts
            .get(&self.current_context)
            .cloned()
            .ok_or_else(|| {
                Error::Invalid(format!("cannot locate context {}", self.current_context))
            })?;
        let cluster = self
            .clusters
            .remove(&context.cluster)
            .ok_or_else(|| Error::Invalid(format!("cannot locate cluster {}", context.cluster)))?;
        let user = self
            .auth_infos
            .remove(&context.auth_info)
            .ok_or_else(|| Error::Invalid(format!("cannot locate user {}", context.auth_info)))?;
        self.clusters = [(context.cluster.clone(), cluster)].into();
        self.auth_infos = [(context.auth_info.clone(), user)].into();
        self.contexts = [(self.current_context.clone(), context)].into();
        Ok(())
    }

    /// Replaces every referenced certificate-authority, client-certificate and
    /// client-key file by its content (relative paths resolved against the folder of the
    /// entry's file), so the config stands alone.
    pub fn flatten(&mut self) -> Result<()> {
        for user in self.auth_infos.values_mut() {
            let base = base_dir(&user.location_of_origin)?;
            inline(
                &mut user.client_certificate,
                &mut user.client_certificate_data,
                &base,
            )?;
            if !user.client_key.as_os_str().is_empty() {
                if !user.client_key_data.is_empty() {
                    return Err(both_path_and_contents());
                }
                let mut key = Vec::new();
                inline(&mut user.client_key, &mut key, &base)?;
                let key = String::from_utf8(key)
                    .map_err(|_| Error::Format("a client key file is not PEM text".into()))?;
                user.client_key_data = Secret::new(key);
            }
        }
        for cluster in self.clusters.values_mut() {
            let base = base_dir(&cluster.location_of_origin)?;
            inline(
                &mut cluster.certificate_authority,
                &mut cluster.certificate_authority_data,
                &base,
            )?;
        }
        Ok(())
    }
}

fn base_dir(origin: &Path) -> Result<PathBuf> {
    match origin_dir(origin)? {
        Some(dir) => Ok(dir),
        None => std::path::absolute(".").map_err(Error::io("resolving", ".")),
    }
}

fn both_path_and_contents() -> Error {
    Error::Invalid("cannot have values for both path and contents".into())
}

fn inline(path: &mut PathBuf, data: &mut Vec<u8>, base: &Path) -> Result<()> {
    if path.as_os_str().is_empty() {
        return Ok(());
    }
    if !data.is_empty() {
        return Err(both_path_and_contents());
    }
    let file = resolve_path(path, base);
    *data = std::fs::read(&file).map_err(Error::io("reading", &file))?;
    *path = PathBuf::new();
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{AuthInfo, Cluster, Context};

    fn config() -> Kubeconfig {
        let mut config = Kubeconfig {
            current_context: "x".into(),
            ..Kubeconfig::default()
        };
        config.contexts.insert(
            "x".into(),
            Context {
                cluster: "c".into(),
                auth_info: "u".into(),
                ..Context::default()
            },
        );
        config.contexts.insert("other".into(), Context::default());
        config.clusters.insert("c".into(), Cluster::default());
        config.clusters.insert("c2".into(), Cluster::default());
        config.auth_infos.insert("u".into(), AuthInfo::default());
        config.auth_infos.insert("u2".into(), AuthInfo::default());
        config
    }

    #[test]
    fn minify_keeps_only_the_current_context_and_its_references() {
        let mut minified = config();
        minified.minify().unwrap();
        assert_eq!(minified.contexts.keys().collect::<Vec<_>>(), ["x"]);
        assert_eq!(minified.clusters.keys().collect::<Vec<_>>(), ["c"]);
        assert_eq!(minified.auth_infos.keys().collect::<Vec<_>>(), ["u"]);
    }

    #[test]
    fn minify_reports_missing_pieces() {
        let mut no_current = config();
        no_current.current_context.clear();
        assert_eq!(
            no_current.minify().unwrap_err().to_string(),
            "current-context must exist in order to minify"
        );
        let mut ghost = config();
        ghost.current_context = "ghost".into();
        assert_eq!(
            ghost.minify().unwrap_err().to_string(),
            "cannot locate context ghost"
        );
        let mut no_cluster = config();
        no_cluster.clusters.remove("c");
        assert_eq!(
            no_cluster.minify().unwrap_err().to_string(),
            "cannot locate cluster c"
        );
        let mut no_user = config();
        no_user.auth_infos.remove("u");
        assert_eq!(
            no_user.minify().unwrap_err().to_string(),
            "cannot locate user u"
        );
    }

    #[test]
    fn flatten_inlines_files_relative_to_their_origin() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("certs")).unwrap();
        std::fs::write(dir.path().join("certs/ca.crt"), "CA").unwrap();
        std::fs::write(dir.path().join("certs/u.crt"), "CERT").unwrap();
        std::fs::write(dir.path().join("certs/u.key"), "KEY").unwrap();
        let origin = dir.path().join("config");
        let mut config = config();
        let cluster = config.clusters.get_mut("c").unwrap();
        cluster.location_of_origin = origin.clone();
        cluster.certificate_authority = "certs/ca.crt".into();
        let user = config.auth_infos.get_mut("u").unwrap();
        user.location_of_origin = origin;
        user.client_certificate = "certs/u.crt".into();
        user.client_key = dir.path().join("certs/u.key");
        config.flatten().unwrap();
        assert_eq!(config.clusters["c"].certificate_authority_data, b"CA");
        assert_eq!(config.clusters["c"].certificate_authority, PathBuf::new());
        let user = &config.auth_infos["u"];
        assert_eq!(user.client_certificate_data, b"CERT");
        assert_eq!(user.client_key_data.expose(), "KEY");
        assert_eq!(user.client_key, PathBuf::new());
    }

    #[test]
    fn flatten_refuses_a_path_and_data_together() {
        let mut config = config();
        let cluster = config.clusters.get_mut("c").unwrap();
        cluster.certificate_authority = "/ca".into();
        cluster.certificate_authority_data = b"CA".to_vec();
        assert_eq!(
            config.flatten().unwrap_err().to_string(),
            "cannot have values for both path and contents"
        );
        let mut config = self::config();
        let user = config.auth_infos.get_mut("u").unwrap();
        user.client_key = "/key".into();
        user.client_key_data = Secret::new("K");
        assert!(config.flatten().is_err());
    }
}
