//! Writing a changed configuration back to the files it came from (client-go's
//! `ModifyConfig`, what `kubectl config set-*` does).
//!
//! Each changed, added or removed cluster, user and context is written to the file that
//! defined it; new entries go to the default file of the loading rules (the explicit
//! file, else the first existing file of the list). A new current context goes to the
//! explicit file, else the default file; clearing it clears it in the first file of the
//! list that sets it (so that no later file still sets it). With `relativize_paths`
//! (what kubectl does), the file references of each written cluster and user are made
//! relative to the file they are written to where that needs no `..`. Every file is
//! written once, under a `<file>.lock` lock, and a new file is created readable by its
//! owner only (0600).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::error::{Error, Result};
use crate::load::LoadingRules;
use crate::model::Kubeconfig;
use crate::paths::{origin_dir, relativize_cluster_paths, relativize_user_paths};

/// Writes the differences between what `rules` load now and `updated` back to the
/// files that hold (or will hold) each entry (client-go's `ModifyConfig`).
///
/// ```
/// use clientgo_clientcmd::{Kubeconfig, LoadingRules, modify_config};
///
/// let dir = tempfile::tempdir().unwrap();
/// let path = dir.path().join("config");
/// std::fs::write(&path, "apiVersion: v1\nkind: Config\ncurrent-context: a\n").unwrap();
/// let rules = LoadingRules::explicit(&path);
/// let mut config = rules.load().unwrap();
/// config.current_context = "b".into();
/// modify_config(&rules, &config, true).unwrap();
/// assert_eq!(Kubeconfig::load_from_file(&path).unwrap().current_context, "b");
/// ```
pub fn modify_config(
    rules: &LoadingRules,
    updated: &Kubeconfig,
    relativize_paths: bool,
) -> Result<()> {
    let starting = rules.load()?;
    let default_file = rules
        .default_filename()
        .ok_or_else(|| Error::Invalid("no kubeconfig file to write to".into()))?;
    let mut files = Files::default();

    if updated.current_context != starting.current_context {
        let destination = current_context_file(rules, &updated.current_context, &default_file)?;
        files.get(&destination)?.current_context = updated.current_context.clone();
    }
    macro_rules! write_back {
        ($field:ident, $relativize:expr) => {
            for (name, entry) in &updated.$field {
                if starting.$field.get(name) != Some(entry) {
                    let destination = origin_or(&entry.location_of_origin, &default_file);
                    let mut entry = entry.clone();
                    if relativize_paths {
                        if let Some(base) = origin_dir(&destination)? {
                            $relativize(&mut entry, &base);
                        }
                    }
                    files.get(&destination)?.$field.insert(name.clone(), entry);
                }
            }
            for (name, entry) in &starting.$field {
                if !updated.$field.contains_key(name) {
                    let destination = origin_or(&entry.location_of_origin, &default_file);
                    files.get(&destination)?.$field.remove(name);
                }
            }
        };
    }
    write_back!(clusters, relativize_cluster_paths);
    write_back!(auth_infos, relativize_user_paths);
    write_back!(contexts, |_: &mut _, _: &Path| {});
    files.write_all()
}

/// Where a new current context is written: the explicit file; else, to set one, the
/// default file; to clear it, the first existing file of the list that sets it.
fn current_context_file(
    rules: &LoadingRules,
    current_context: &str,
    default_file: &Path,
) -> Result<PathBuf> {
    if let Some(explicit) = &rules.explicit_path {
        return Ok(explicit.clone());
    }
    if !current_context.is_empty() {
        return Ok(default_file.to_path_buf());
    }
    for file in rules.loading_precedence() {
        if file.exists()
            && !Kubeconfig::load_from_file(&file)?
                .current_context
                .is_empty()
        {
            return Ok(file);
        }
    }
    Err(Error::Invalid("no config found to write context".into()))
}

fn origin_or(origin: &Path, default_file: &Path) -> PathBuf {
    if origin.as_os_str().is_empty() {
        default_file.to_path_buf()
    } else {
        origin.to_path_buf()
    }
}

/// The files being changed, each loaded once.
#[derive(Default)]
struct Files(BTreeMap<PathBuf, Kubeconfig>);

impl Files {
    fn get(&mut self, path: &Path) -> Result<&mut Kubeconfig> {
        if !self.0.contains_key(path) {
            let config = if path.exists() {
                Kubeconfig::load_from_file(path)?
            } else {
                Kubeconfig::default()
            };
            self.0.insert(path.to_path_buf(), config);
        }
        Ok(self
            .0
            .get_mut(path)
            .unwrap_or_else(|| unreachable!("inserted above")))
    }

    fn write_all(self) -> Result<()> {
        for (path, config) in self.0 {
            let _lock = FileLock::take(&path)?;
            config.write_to_file(&path)?;
        }
        Ok(())
    }
}

/// `<file>.lock`, created exclusively and removed on drop.
struct FileLock(PathBuf);

impl FileLock {
    fn take(path: &Path) -> Result<Self> {
        let mut name = path.as_os_str().to_owned();
        name.push(".lock");
        let lock = PathBuf::from(name);
        if let Some(parent) = lock.parent().filter(|p| !p.as_os_str().is_empty()) {
            std::fs::create_dir_all(parent).map_err(Error::io("creating", parent))?;
        }
        std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&lock)
            .map_err(Error::io(
                "locking (is another kubectl or client writing it?)",
                &lock,
            ))?;
        Ok(Self(lock))
    }
}

impl Drop for FileLock {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Cluster, Context};

    fn write(path: &Path, text: &str) {
        std::fs::write(path, text).unwrap();
    }

    #[test]
    fn changes_go_to_the_file_that_defined_each_entry() {
        let dir = tempfile::tempdir().unwrap();
        let (first, second) = (dir.path().join("first"), dir.path().join("second"));
        write(
            &first,
            "apiVersion: v1\nkind: Config\ncurrent-context: a\nclusters:\n- name: a\n  cluster: {server: https://a}\ncontexts:\n- name: a\n  context: {cluster: a, user: ''}\n",
        );
        write(
            &second,
            "apiVersion: v1\nkind: Config\nclusters:\n- name: b\n  cluster: {server: https://b}\n- name: old\n  cluster: {server: https://old}\n",
        );
        let rules = LoadingRules::from_precedence([&first, &second]);
        let mut config = rules.load().unwrap();
        config.clusters.get_mut("b").unwrap().server = "https://b2".into();
        config.clusters.remove("old");
        config.clusters.insert(
            "new".into(),
            Cluster {
                server: "https://new".into(),
                ..Cluster::default()
            },
        );
        config.contexts.insert(
            "new".into(),
            Context {
                cluster: "new".into(),
                ..Context::default()
            },
        );
        config.current_context = "new".into();
        modify_config(&rules, &config, true).unwrap();

        let first_now = Kubeconfig::load_from_file(&first).unwrap();
        let second_now = Kubeconfig::load_from_file(&second).unwrap();
        assert_eq!(first_now.current_context, "new");
        assert_eq!(first_now.clusters["new"].server, "https://new");
        assert!(first_now.contexts.contains_key("new") && first_now.contexts.contains_key("a"));
        assert_eq!(second_now.clusters["b"].server, "https://b2");
        assert!(!second_now.clusters.contains_key("old"));
        assert!(!second_now.clusters.contains_key("new"));
        assert_eq!(rules.load().unwrap().clusters.len(), 3);
        assert!(!dir.path().join("first.lock").exists());
    }

    #[test]
    fn an_unchanged_config_writes_nothing_and_a_held_lock_is_an_error() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("config");
        write(&path, "apiVersion: v1\nkind: Config\ncurrent-context: a\n");
        let rules = LoadingRules::explicit(&path);
        let config = rules.load().unwrap();
        let before = std::fs::metadata(&path).unwrap().modified().unwrap();
        modify_config(&rules, &config, true).unwrap();
        assert_eq!(
            std::fs::metadata(&path).unwrap().modified().unwrap(),
            before
        );

        write(&dir.path().join("config.lock"), "");
        let mut changed = config.clone();
        changed.current_context = "b".into();
        let error = modify_config(&rules, &changed, true)
            .unwrap_err()
            .to_string();
        assert!(error.contains("config.lock"), "{error}");
    }

    /// client-go's `writeCurrentContext`: clearing goes to the first file that sets the
    /// current context, so that the merged result really is cleared.
    #[test]
    fn clearing_the_current_context_clears_it_where_it_is_set() {
        let dir = tempfile::tempdir().unwrap();
        let (first, second) = (dir.path().join("first"), dir.path().join("second"));
        write(&first, "apiVersion: v1\nkind: Config\n");
        write(
            &second,
            "apiVersion: v1\nkind: Config\ncurrent-context: a\n",
        );
        let rules = LoadingRules::from_precedence([&first, &second]);
        let mut config = rules.load().unwrap();
        assert_eq!(config.current_context, "a");
        config.current_context.clear();
        modify_config(&rules, &config, true).unwrap();
        assert_eq!(rules.load().unwrap().current_context, "");
        assert_eq!(
            Kubeconfig::load_from_file(&second).unwrap().current_context,
            ""
        );

        // Setting one writes the first file of the list.
        config.current_context = "b".into();
        modify_config(&rules, &config, true).unwrap();
        assert_eq!(
            Kubeconfig::load_from_file(&first).unwrap().current_context,
            "b"
        );
    }

    /// client-go's `ModifyConfig(..., relativizePaths: true)` (kubectl): references inside
    /// the file's folder are written relative to it; others stay absolute.
    #[test]
    fn written_entries_keep_their_paths_relative_to_their_file() {
        let dir = tempfile::tempdir().unwrap();
        let home = dir.path().join("kube");
        std::fs::create_dir_all(&home).unwrap();
        let path = home.join("config");
        write(
            &path,
            "apiVersion: v1\nkind: Config\n\
             clusters:\n- name: c\n  cluster: {server: https://a, certificate-authority: ca.crt}\n\
             users:\n- name: u\n  user: {client-certificate: certs/u.crt, client-key: ../keys/u.key, tokenFile: /var/run/token, exec: {command: ./bin/plugin, apiVersion: client.authentication.k8s.io/v1, interactiveMode: Never}}\n",
        );
        let rules = LoadingRules::explicit(&path);
        let mut config = rules.load().unwrap();
        let loaded_ca = config.clusters["c"].certificate_authority.clone();
        assert!(loaded_ca.is_absolute(), "{loaded_ca:?}");
        config.clusters.get_mut("c").unwrap().server = "https://b".into();
        config.auth_infos.get_mut("u").unwrap().username = "x".into();
        modify_config(&rules, &config, true).unwrap();

        let written = Kubeconfig::load_from_file(&path).unwrap();
        let user = &written.auth_infos["u"];
        assert_eq!(written.clusters["c"].server, "https://b");
        assert_eq!(
            written.clusters["c"].certificate_authority,
            Path::new("ca.crt")
        );
        assert_eq!(user.client_certificate, Path::new("certs/u.crt"));
        let outside = crate::paths::clean(&dir.path().join("keys/u.key"));
        assert_eq!(user.client_key, outside, "a path needing .. stays absolute");
        assert_eq!(user.token_file, Path::new("/var/run/token"));
        assert_eq!(user.exec.as_ref().unwrap().command, "bin/plugin");

        // Without relativizing, the absolute paths are written.
        let mut config = rules.load().unwrap();
        config.clusters.get_mut("c").unwrap().server = "https://c".into();
        modify_config(&rules, &config, false).unwrap();
        let written = Kubeconfig::load_from_file(&path).unwrap();
        assert_eq!(written.clusters["c"].certificate_authority, loaded_ca);
    }

    #[cfg(unix)]
    #[test]
    fn a_new_file_is_private() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("fresh");
        let rules = LoadingRules::from_precedence([&path]);
        let config = Kubeconfig {
            current_context: "x".into(),
            ..Kubeconfig::default()
        };
        modify_config(&rules, &config, true).unwrap();
        let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600);
    }
}
