//! The published crates of a workspace: its members with a library target whose manifest
//! does not say `publish = false`, as `cargo metadata` reports them (with the workspace's
//! target folder), and which of them a revision of the repository already has.

use std::path::{Path, PathBuf};

use crate::git;

/// A published crate of the workspace.
pub(crate) struct Crate {
    /// The package name.
    pub(crate) name: String,
    /// The name of its library target (the rustdoc JSON file's name).
    pub(crate) lib: String,
    /// Its manifest, relative to the workspace root.
    manifest: PathBuf,
}

impl Crate {
    /// Whether revision `rev` of the repository at `root` has this crate's manifest.
    pub(crate) fn exists_at(&self, root: &Path, rev: &str) -> bool {
        self.manifest.to_str().is_some_and(|path| {
            git::run(root, &["cat-file", "-e", &format!("{rev}:{path}")]).is_ok()
        })
    }
}

/// What the semver check needs to know of a workspace.
pub(crate) struct Workspace {
    /// The published library crates, sorted by name.
    pub(crate) crates: Vec<Crate>,
    /// Its target folder (`CARGO_TARGET_DIR` or the configured one, else `target/`).
    pub(crate) target: PathBuf,
}

/// The published library crates and the target folder of the workspace at `root`.
pub(crate) fn published(root: &Path) -> Result<Workspace, String> {
    let out = crate::workspace::cargo_in(root)
        .args(["metadata", "--no-deps", "--format-version", "1"])
        .output()
        .map_err(|e| format!("running cargo metadata: {e}"))?;
    if !out.status.success() {
        return Err(format!(
            "cargo metadata in {} failed: {}",
            root.display(),
            String::from_utf8_lossy(&out.stderr).trim()
        ));
    }
    let metadata: serde_json::Value =
        serde_json::from_slice(&out.stdout).map_err(|e| format!("reading cargo metadata: {e}"))?;
    let workspace_root = PathBuf::from(metadata["workspace_root"].as_str().unwrap_or_default());
    let mut crates: Vec<Crate> = metadata["packages"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|package| {
            package["publish"]
                .as_array()
                .is_none_or(|to| !to.is_empty())
        })
        .filter_map(|package| {
            let lib = package["targets"]
                .as_array()
                .into_iter()
                .flatten()
                .find(|target| {
                    target["kind"]
                        .as_array()
                        .into_iter()
                        .flatten()
                        .any(|kind| kind == "lib")
                })?;
            let manifest = Path::new(package["manifest_path"].as_str()?);
            Some(Crate {
                name: package["name"].as_str()?.to_string(),
                lib: lib["name"].as_str()?.replace('-', "_"),
                manifest: manifest.strip_prefix(&workspace_root).ok()?.to_path_buf(),
            })
        })
        .collect();
    crates.sort_by(|a, b| a.name.cmp(&b.name));
    let target = metadata["target_directory"]
        .as_str()
        .map_or_else(|| root.join("target"), PathBuf::from);
    Ok(Workspace { crates, target })
}
