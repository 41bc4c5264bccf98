//! Writing a kubeconfig to disk: YAML, missing parent folders created `0755`, a new
//! file created `0600` (it holds credentials).

use std::io::Write;
use std::path::Path;

use crate::error::{Error, Result};
use crate::model::Kubeconfig;

impl Kubeconfig {
    /// Writes the config as YAML to `path`, creating missing parent folders (mode
    /// `0755`) and the file (mode `0600`); an existing file keeps its mode.
    ///
    /// ```
    /// use clientgo_clientcmd::Kubeconfig;
    ///
    /// let dir = tempfile::tempdir().unwrap();
    /// let path = dir.path().join("nested/config");
    /// let config = Kubeconfig { current_context: "dev".into(), ..Kubeconfig::default() };
    /// config.write_to_file(&path).unwrap();
    /// assert_eq!(Kubeconfig::load_from_file(&path).unwrap().current_context, "dev");
    /// ```
    pub fn write_to_file(&self, path: impl AsRef<Path>) -> Result<()> {
        let path = path.as_ref();
        let yaml = self.to_yaml()?;
        if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
            create_dirs(parent).map_err(Error::io("creating", parent))?;
        }
        let mut file = open_private(path).map_err(Error::io("writing", path))?;
        file.write_all(yaml.as_bytes())
            .map_err(Error::io("writing", path))
    }
}

#[cfg(unix)]
fn create_dirs(dir: &Path) -> std::io::Result<()> {
    use std::os::unix::fs::DirBuilderExt;
    std::fs::DirBuilder::new()
        .recursive(true)
        .mode(0o755)
        .create(dir)
}

#[cfg(not(unix))]
fn create_dirs(dir: &Path) -> std::io::Result<()> {
    std::fs::create_dir_all(dir)
}

#[cfg(unix)]
fn open_private(path: &Path) -> std::io::Result<std::fs::File> {
    use std::os::unix::fs::OpenOptionsExt;
    std::fs::OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(true)
        .mode(0o600)
        .open(path)
}

#[cfg(not(unix))]
fn open_private(path: &Path) -> std::io::Result<std::fs::File> {
    std::fs::OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(true)
        .open(path)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::AuthInfo;
    use clientgo_transport::Secret;

    #[cfg(unix)]
    #[test]
    fn written_files_are_private_and_new_folders_are_0755() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a/b/config");
        let mut config = Kubeconfig::default();
        config.auth_infos.insert(
            "u".into(),
            AuthInfo {
                token: Secret::new("tok"),
                ..AuthInfo::default()
            },
        );
        config.write_to_file(&path).unwrap();
        let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode(&path), 0o600);
        // The umask may only remove bits.
        assert_eq!(mode(&dir.path().join("a")) & !0o755, 0);
        assert_eq!(mode(&dir.path().join("a/b")) & !0o755, 0);
        let back = Kubeconfig::load_from_file(&path).unwrap();
        assert_eq!(back.auth_infos["u"].token.expose(), "tok");
    }

    #[test]
    fn rewriting_replaces_the_whole_content() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("config");
        let long = Kubeconfig {
            current_context: "a-very-long-context-name".repeat(20),
            ..Kubeconfig::default()
        };
        long.write_to_file(&path).unwrap();
        let short = Kubeconfig {
            current_context: "x".into(),
            ..Kubeconfig::default()
        };
        short.write_to_file(&path).unwrap();
        assert_eq!(Kubeconfig::load_from_file(&path).unwrap(), short);
    }
}
