//! Writing a changed configuration back to the files it came from (client-go's
//! `ModifyConfig`, what `kubectl config set-*` does).
//!
//! Each changed, added or removed cluster, user and context is written to the file that
//! defined it; new entries and a changed current context go to the default file of the
//! loading rules (the explicit file, else the first existing file of the list). Every
//! file is written once, under a `<file>.lock` lock, and a new file is created readable
//! by its owner only (0600).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::error::{Error, Result};
use crate::load::LoadingRules;
use crate::model::Kubeconfig;

/// Writes the differences between what `rules` load now and `updated` back to the
/// files that hold (or will hold) each entry.
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
/// modify_config(&rules, &config).unwrap();
/// assert_eq!(Kubeconfig::load_from_file(&path).unwrap().current_context, "b");
/// ```
pub fn modify_config(rules: &LoadingRules, updated: &Kubeconfig) -> Result<()> {
    let starting = rules.load()?;
    let default_file = rules
        .default_filename()
        .ok_or_else(|| Error::Invalid("no kubeconfig file to write to".into()))?;
    let mut files = Files::default();

    if updated.current_context != starting.current_context {
        files.get(&default_file)?.current_context = updated.current_context.clone();
    }
    macro_rules! write_back {
        ($field:ident) => {
            for (name, entry) in &updated.$field {
                if starting.$field.get(name) != Some(entry) {
                    let destination = origin_or(&entry.location_of_origin, &default_file);
                    files
                        .get(&destination)?
                        .$field
                        .insert(name.clone(), entry.clone());
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
    write_back!(clusters);
    write_back!(auth_infos);
    write_back!(contexts);
    files.write_all()
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
        modify_config(&rules, &config).unwrap();

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
        modify_config(&rules, &config).unwrap();
        assert_eq!(
            std::fs::metadata(&path).unwrap().modified().unwrap(),
            before
        );

        write(&dir.path().join("config.lock"), "");
        let mut changed = config.clone();
        changed.current_context = "b".into();
        let error = modify_config(&rules, &changed).unwrap_err().to_string();
        assert!(error.contains("config.lock"), "{error}");
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
        modify_config(&rules, &config).unwrap();
        let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600);
    }
}
