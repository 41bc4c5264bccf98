//! Loading rules (client-go's `ClientConfigLoadingRules`): which files to read —
//! `--kubeconfig`, the `KUBECONFIG` list or `~/.kube/config` — and how to merge them.

use std::collections::BTreeMap;
use std::ffi::OsStr;
use std::path::{Path, PathBuf};

use crate::error::{Error, Result};
use crate::merge::merge_files;
use crate::model::Kubeconfig;
use crate::overrides::ConfigOverrides;
use crate::paths::resolve_local_paths;

/// The environment variable listing kubeconfig files.
pub const RECOMMENDED_CONFIG_PATH_ENV_VAR: &str = "KUBECONFIG";
/// The folder under the home directory that holds the kubeconfig.
pub const RECOMMENDED_HOME_DIR: &str = ".kube";
/// The kubeconfig's file name in that folder.
pub const RECOMMENDED_FILE_NAME: &str = "config";
/// The legacy kubeconfig file name, migrated to [`RECOMMENDED_FILE_NAME`].
const LEGACY_FILE_NAME: &str = ".kubeconfig";

/// `~/.kube/config`, if the home directory is known.
pub fn recommended_home_file() -> Option<PathBuf> {
    dirs::home_dir().map(|home| home.join(RECOMMENDED_HOME_DIR).join(RECOMMENDED_FILE_NAME))
}

impl Kubeconfig {
    /// Reads and decodes a kubeconfig file, recording the file as every entry's
    /// `location_of_origin`. Relative paths are not resolved here (the loading rules do
    /// that).
    pub fn load_from_file(path: impl AsRef<Path>) -> Result<Kubeconfig> {
        let path = path.as_ref();
        let data = std::fs::read(path).map_err(Error::io("reading", path))?;
        let mut config = Kubeconfig::load(&data)?;
        for cluster in config.clusters.values_mut() {
            cluster.location_of_origin = path.to_path_buf();
        }
        for user in config.auth_infos.values_mut() {
            user.location_of_origin = path.to_path_buf();
        }
        for context in config.contexts.values_mut() {
            context.location_of_origin = path.to_path_buf();
        }
        tracing::debug!(path = %path.display(), "kubeconfig loaded");
        Ok(config)
    }
}

/// Which kubeconfig files to load and how.
///
/// [`LoadingRules::default`] is what kubectl does: the files listed in `KUBECONFIG`
/// (de-duplicated; a warning if none exists), else `~/.kube/config` (migrated from
/// `~/.kube/.kubeconfig` if only that exists). An explicit path (`--kubeconfig`) is
/// used alone and must exist.
///
/// ```
/// use clientgo_clientcmd::LoadingRules;
///
/// let dir = tempfile::tempdir().unwrap();
/// let first = dir.path().join("first");
/// std::fs::write(&first, "current-context: dev\n").unwrap();
/// let list = std::env::join_paths([first, dir.path().join("missing")]).unwrap();
///
/// let config = LoadingRules::from_path_list(&list).load().unwrap();
/// assert_eq!(config.current_context, "dev");
/// ```
#[derive(Clone, Debug)]
pub struct LoadingRules {
    /// A file to load instead of the precedence list; it must exist.
    pub explicit_path: Option<PathBuf>,
    /// Files to load and merge, first one wins; missing files are skipped.
    pub precedence: Vec<PathBuf>,
    /// Destination → source: a source is copied to its destination when only the source
    /// exists.
    pub migration_rules: BTreeMap<PathBuf, PathBuf>,
    /// Log a warning when every precedence file is missing (set when `KUBECONFIG` names
    /// the files).
    pub warn_if_all_missing: bool,
    /// Keep relative paths as written instead of resolving them against the folder of
    /// their file.
    pub do_not_resolve_paths: bool,
    /// client-go's `DefaultClientConfig`: when set, a resolved configuration equal to
    /// the one these overrides give on their own counts as "nothing configured", so the
    /// deferred client config tries the in-cluster configuration (kubectl sets
    /// `cluster_defaults` to [`crate::cluster_defaults`] here).
    pub default_client_config: Option<ConfigOverrides>,
}

impl Default for LoadingRules {
    /// The rules kubectl uses: `KUBECONFIG` if set and non-empty, else
    /// `~/.kube/config`.
    fn default() -> Self {
        match std::env::var_os(RECOMMENDED_CONFIG_PATH_ENV_VAR).filter(|v| !v.is_empty()) {
            Some(list) => Self::from_path_list(&list),
            None => Self::home(),
        }
    }
}

impl LoadingRules {
    /// Rules that load nothing (add paths to `precedence` or set `explicit_path`).
    pub fn empty() -> Self {
        Self {
            explicit_path: None,
            precedence: Vec::new(),
            migration_rules: BTreeMap::new(),
            warn_if_all_missing: false,
            do_not_resolve_paths: false,
            default_client_config: None,
        }
    }

    /// Rules for one explicit file (`--kubeconfig`), which must exist.
    pub fn explicit(path: impl Into<PathBuf>) -> Self {
        Self {
            explicit_path: Some(path.into()),
            ..Self::empty()
        }
    }

    /// Rules for these files, first one wins.
    pub fn from_precedence(paths: impl IntoIterator<Item = impl Into<PathBuf>>) -> Self {
        Self {
            precedence: paths.into_iter().map(Into::into).collect(),
            ..Self::empty()
        }
    }

    /// Rules for a `KUBECONFIG`-style list (`:`-separated on Unix, `;` on Windows):
    /// empty entries dropped, duplicates loaded once (first occurrence kept), a warning
    /// when none of the files exists.
    pub fn from_path_list(list: impl AsRef<OsStr>) -> Self {
        let mut precedence: Vec<PathBuf> = Vec::new();
        for path in std::env::split_paths(list.as_ref()) {
            if !path.as_os_str().is_empty() && !precedence.contains(&path) {
                precedence.push(path);
            }
        }
        Self {
            precedence,
            warn_if_all_missing: true,
            ..Self::empty()
        }
    }

    /// `~/.kube/config`, migrated from `~/.kube/.kubeconfig`.
    fn home() -> Self {
        let mut rules = Self::empty();
        if let Some(home) = dirs::home_dir() {
            let dir = home.join(RECOMMENDED_HOME_DIR);
            let file = dir.join(RECOMMENDED_FILE_NAME);
            rules
                .migration_rules
                .insert(file.clone(), dir.join(LEGACY_FILE_NAME));
            rules.precedence.push(file);
        }
        rules
    }

    /// The files that are loaded: the explicit file alone, or the precedence list.
    pub fn loading_precedence(&self) -> Vec<PathBuf> {
        match &self.explicit_path {
            Some(path) if !path.as_os_str().is_empty() => vec![path.clone()],
            _ => self.precedence.clone(),
        }
    }

    /// Where a changed configuration should be written: the explicit file; else the
    /// first precedence file that exists; else the first precedence entry.
    pub fn default_filename(&self) -> Option<PathBuf> {
        if let Some(path) = self
            .explicit_path
            .as_ref()
            .filter(|p| !p.as_os_str().is_empty())
        {
            return Some(path.clone());
        }
        self.precedence
            .iter()
            .find(|path| path.exists())
            .or_else(|| self.precedence.first())
            .cloned()
    }

    /// Loads and merges the files. Fails when the explicit file does not exist, a
    /// migration fails, or any file cannot be read or decoded (use
    /// [`LoadingRules::load_all`] to get the merged result of the good files too).
    pub fn load(&self) -> Result<Kubeconfig> {
        let mut loaded = self.load_all()?;
        match loaded.errors.len() {
            0 => Ok(loaded.config),
            1 => Err(loaded.errors.remove(0)),
            _ => Err(Error::Aggregate(loaded.errors)),
        }
    }

    /// Loads and merges every file that can be loaded, reporting the others.
    pub fn load_all(&self) -> Result<Loaded> {
        self.migrate()?;
        let files = match &self.explicit_path {
            Some(path) if !path.as_os_str().is_empty() => {
                if let Err(source) = std::fs::metadata(path)
                    && source.kind() == std::io::ErrorKind::NotFound
                {
                    return Err(Error::Io {
                        action: "reading",
                        path: path.clone(),
                        source,
                    });
                }
                vec![path.clone()]
            }
            _ => self.precedence.clone(),
        };
        let mut configs = Vec::new();
        let mut errors = Vec::new();
        let mut missing_files = Vec::new();
        for path in files.into_iter().filter(|p| !p.as_os_str().is_empty()) {
            match Kubeconfig::load_from_file(&path) {
                Ok(config) => configs.push(config),
                Err(error) if error.is_not_found() => missing_files.push(path),
                Err(error) => errors.push(Error::LoadFile {
                    path,
                    source: Box::new(error),
                }),
            }
        }
        if self.warn_if_all_missing && !missing_files.is_empty() && configs.is_empty() {
            let names: Vec<String> = missing_files
                .iter()
                .map(|p| p.display().to_string())
                .collect();
            tracing::warn!("Config not found: {}", names.join(", "));
        }
        let mut config = merge_files(configs);
        if !self.do_not_resolve_paths
            && let Err(error) = resolve_local_paths(&mut config)
        {
            errors.push(error);
        }
        Ok(Loaded {
            config,
            errors,
            missing_files,
        })
    }

    /// The merged configuration without overrides, as a starting point for changes; a
    /// missing explicit file gives an empty configuration.
    pub fn starting_config(&self) -> Result<Kubeconfig> {
        match self.load() {
            Err(error) if error.is_not_found() => Ok(Kubeconfig::default()),
            other => other,
        }
    }

    /// Copies each migration source to its destination when only the source exists.
    /// A source that is a folder is an error; missing or unreadable (permission) sources
    /// are skipped.
    pub fn migrate(&self) -> Result<()> {
        for (destination, source) in &self.migration_rules {
            match std::fs::metadata(destination) {
                Ok(_) => continue,
                Err(e) if e.kind() == std::io::ErrorKind::PermissionDenied => continue,
                Err(e) if e.kind() != std::io::ErrorKind::NotFound => {
                    return Err(Error::Io {
                        action: "checking",
                        path: destination.clone(),
                        source: e,
                    });
                }
                Err(_) => {}
            }
            let metadata = match std::fs::metadata(source) {
                Ok(metadata) => metadata,
                Err(e)
                    if matches!(
                        e.kind(),
                        std::io::ErrorKind::NotFound | std::io::ErrorKind::PermissionDenied
                    ) =>
                {
                    continue;
                }
                Err(e) => {
                    return Err(Error::Io {
                        action: "checking",
                        path: source.clone(),
                        source: e,
                    });
                }
            };
            if metadata.is_dir() {
                return Err(Error::Invalid(format!(
                    "cannot migrate {} to {} because it is a directory",
                    source.display(),
                    destination.display()
                )));
            }
            let data = std::fs::read(source).map_err(Error::io("reading", source))?;
            write_migrated(destination, &data, &metadata)?;
            tracing::info!(from = %source.display(), to = %destination.display(), "migrated kubeconfig");
        }
        Ok(())
    }
}

#[cfg(unix)]
fn write_migrated(destination: &Path, data: &[u8], source: &std::fs::Metadata) -> Result<()> {
    use std::io::Write;
    use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
    let mode = source.permissions().mode() & 0o666;
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(mode)
        .open(destination)
        .map_err(Error::io("writing", destination))?;
    file.write_all(data)
        .map_err(Error::io("writing", destination))
}

#[cfg(not(unix))]
fn write_migrated(destination: &Path, data: &[u8], _: &std::fs::Metadata) -> Result<()> {
    std::fs::write(destination, data).map_err(Error::io("writing", destination))
}

/// What [`LoadingRules::load_all`] found.
#[derive(Debug)]
pub struct Loaded {
    /// The merge of every file that loaded, relative paths resolved.
    pub config: Kubeconfig,
    /// Files that could not be read or decoded ("error loading config file ...").
    pub errors: Vec<Error>,
    /// Precedence files that do not exist (skipped).
    pub missing_files: Vec<PathBuf>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
        let path = dir.join(name);
        std::fs::write(&path, text).unwrap();
        path
    }

    #[test]
    fn a_missing_explicit_file_is_an_error() {
        let dir = tempfile::tempdir().unwrap();
        let error = LoadingRules::explicit(dir.path().join("nope"))
            .load()
            .unwrap_err();
        assert!(error.is_not_found(), "{error}");
        assert!(error.to_string().contains("nope"));
    }

    #[test]
    fn missing_precedence_files_are_skipped() {
        let dir = tempfile::tempdir().unwrap();
        let present = write(dir.path(), "present", "current-context: here\n");
        let rules = LoadingRules::from_precedence([dir.path().join("absent"), present]);
        let loaded = rules.load_all().unwrap();
        assert_eq!(loaded.config.current_context, "here");
        assert!(loaded.errors.is_empty());
        assert_eq!(loaded.missing_files, [dir.path().join("absent")]);
    }

    #[test]
    fn nil_maps_are_empty_after_loading() {
        let dir = tempfile::tempdir().unwrap();
        let path = write(dir.path(), "config", "apiVersion: v1\nkind: Config\n");
        let config = LoadingRules::explicit(path).load().unwrap();
        assert!(config.clusters.is_empty() && config.auth_infos.is_empty());
        assert!(config.contexts.is_empty() && config.extensions.is_empty());
    }

    #[test]
    fn unreadable_or_invalid_files_are_reported_with_the_merged_rest() {
        let dir = tempfile::tempdir().unwrap();
        let good = write(dir.path(), "good", "current-context: good\n");
        let bad = write(dir.path(), "bad", "clusters: 3\n");
        let folder = dir.path().join("folder");
        std::fs::create_dir(&folder).unwrap();
        let rules = LoadingRules::from_precedence([bad.clone(), folder.clone(), good]);
        let loaded = rules.load_all().unwrap();
        assert_eq!(loaded.config.current_context, "good");
        assert_eq!(loaded.errors.len(), 2);
        let first = loaded.errors[0].to_string();
        assert!(
            first.starts_with(&format!(
                "error loading config file \"{}\": ",
                bad.display()
            )),
            "{first}"
        );
        assert!(loaded.errors[1].to_string().contains("folder"));
        assert!(rules.load().is_err());
    }

    #[test]
    fn kubeconfig_lists_are_deduplicated_keeping_first_occurrence() {
        let list = std::env::join_paths(["/a", "/b", "", "/a", "/c", "/b"]).unwrap();
        let rules = LoadingRules::from_path_list(&list);
        assert_eq!(
            rules.precedence,
            [
                PathBuf::from("/a"),
                PathBuf::from("/b"),
                PathBuf::from("/c")
            ]
        );
        assert!(rules.warn_if_all_missing);
    }

    #[test]
    fn the_warning_is_due_only_when_every_listed_file_is_missing() {
        let dir = tempfile::tempdir().unwrap();
        let present = write(dir.path(), "present", "");
        let all_missing = LoadingRules::from_path_list(
            std::env::join_paths([dir.path().join("x"), dir.path().join("y")]).unwrap(),
        )
        .load_all()
        .unwrap();
        assert_eq!(all_missing.missing_files.len(), 2);
        assert!(all_missing.config.is_empty());
        let some_present = LoadingRules::from_path_list(
            std::env::join_paths([dir.path().join("x"), present]).unwrap(),
        )
        .load_all()
        .unwrap();
        assert_eq!(some_present.missing_files.len(), 1);
    }

    #[test]
    fn conflicting_current_context_across_files_first_file_wins() {
        let dir = tempfile::tempdir().unwrap();
        let a = write(dir.path(), "a", "current-context: from-a\n");
        let b = write(dir.path(), "b", "current-context: from-b\n");
        let config = LoadingRules::from_precedence([a, b]).load().unwrap();
        assert_eq!(config.current_context, "from-a");
    }

    #[test]
    fn loading_records_origin_and_resolves_relative_paths() {
        let dir = tempfile::tempdir().unwrap();
        let path = write(
            dir.path(),
            "config",
            "clusters:\n- name: c\n  cluster: {server: 'https://x', certificate-authority: ca.crt}\n\
             users:\n- name: u\n  user: {client-certificate: certs/u.crt, client-key: certs/u.key, tokenFile: t, exec: {command: bin/p, apiVersion: v}}\n\
             contexts:\n- name: x\n  context: {cluster: c, user: u}\n",
        );
        let config = LoadingRules::explicit(&path).load().unwrap();
        let base = crate::paths::clean(&std::path::absolute(dir.path()).unwrap());
        assert_eq!(config.clusters["c"].location_of_origin, path);
        assert_eq!(config.contexts["x"].location_of_origin, path);
        assert_eq!(
            config.clusters["c"].certificate_authority,
            base.join("ca.crt")
        );
        let user = &config.auth_infos["u"];
        assert_eq!(user.client_certificate, base.join("certs/u.crt"));
        assert_eq!(user.client_key, base.join("certs/u.key"));
        assert_eq!(user.token_file, base.join("t"));
        assert_eq!(
            user.exec.as_ref().unwrap().command,
            base.join("bin/p").to_string_lossy()
        );

        let mut rules = LoadingRules::explicit(&path);
        rules.do_not_resolve_paths = true;
        let raw = rules.load().unwrap();
        assert_eq!(
            raw.clusters["c"].certificate_authority,
            PathBuf::from("ca.crt")
        );
    }

    #[test]
    fn default_filename_prefers_explicit_then_first_existing_then_first_listed() {
        let dir = tempfile::tempdir().unwrap();
        let existing = write(dir.path(), "existing", "");
        let missing = dir.path().join("missing");
        let rules = LoadingRules::from_precedence([missing.clone(), existing.clone()]);
        assert_eq!(rules.default_filename(), Some(existing.clone()));
        let rules = LoadingRules::from_precedence([missing.clone(), dir.path().join("m2")]);
        assert_eq!(rules.default_filename(), Some(missing.clone()));
        assert_eq!(
            LoadingRules::explicit(&missing).default_filename(),
            Some(missing.clone())
        );
        assert_eq!(LoadingRules::empty().default_filename(), None);
        assert_eq!(
            LoadingRules::explicit(&missing).loading_precedence(),
            [missing]
        );
    }

    #[test]
    fn starting_config_of_a_missing_explicit_file_is_empty() {
        let dir = tempfile::tempdir().unwrap();
        let config = LoadingRules::explicit(dir.path().join("new"))
            .starting_config()
            .unwrap();
        assert!(config.is_empty());
    }

    #[cfg(unix)]
    #[test]
    fn migration_copies_the_legacy_file_keeping_its_mode() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let source = write(dir.path(), ".kubeconfig", "current-context: legacy\n");
        std::fs::set_permissions(&source, std::fs::Permissions::from_mode(0o640)).unwrap();
        let destination = dir.path().join("config");
        let mut rules = LoadingRules::from_precedence([destination.clone()]);
        rules
            .migration_rules
            .insert(destination.clone(), source.clone());
        assert_eq!(rules.load().unwrap().current_context, "legacy");
        let mode = std::fs::metadata(&destination)
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o777 & !0o640, 0, "mode {mode:o}");
    }

    #[test]
    fn migration_leaves_an_existing_destination_alone_and_skips_a_missing_source() {
        let dir = tempfile::tempdir().unwrap();
        let source = write(dir.path(), ".kubeconfig", "current-context: legacy\n");
        let destination = write(dir.path(), "config", "current-context: current\n");
        let mut rules = LoadingRules::from_precedence([destination.clone()]);
        rules.migration_rules.insert(destination.clone(), source);
        assert_eq!(rules.load().unwrap().current_context, "current");

        let other = dir.path().join("other");
        let mut rules = LoadingRules::from_precedence([other.clone()]);
        rules
            .migration_rules
            .insert(other.clone(), dir.path().join("no-source"));
        assert!(rules.load().unwrap().is_empty());
        assert!(!other.exists());
    }

    #[test]
    fn migrating_from_a_folder_is_an_error() {
        let dir = tempfile::tempdir().unwrap();
        let source = dir.path().join("legacy-folder");
        std::fs::create_dir(&source).unwrap();
        let mut rules = LoadingRules::empty();
        rules
            .migration_rules
            .insert(dir.path().join("config"), source);
        let error = rules.migrate().unwrap_err().to_string();
        assert!(error.contains("because it is a directory"), "{error}");
    }
}
