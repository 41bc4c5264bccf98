//! Control plane folders: created in the system temp folder, marked with their owner,
//! and removed by a later start once their owner is gone without cleaning up (killed).

use std::path::Path;

use crate::error::{Result, io_error};
use crate::process::{Lifetime, sys};

/// The prefix of every control plane folder's name.
const PREFIX: &str = "clientgo-envtest-";
/// Holds the id of the process that owns an attached control plane's folder.
const OWNER_FILE: &str = "owner.pid";
/// Marks the folder of a detached control plane (removed only by its `stop`).
const DETACHED_FILE: &str = "detached";

/// Creates a new control plane folder marked for `lifetime`.
pub(crate) fn new_dir(lifetime: Lifetime) -> Result<tempfile::TempDir> {
    let dir = tempfile::Builder::new()
        .prefix(PREFIX)
        .tempdir()
        .map_err(io_error("creating a folder in", std::env::temp_dir()))?;
    let (name, contents) = match lifetime {
        Lifetime::Owned => (OWNER_FILE, std::process::id().to_string()),
        Lifetime::Detached => (DETACHED_FILE, String::new()),
    };
    let marker = dir.path().join(name);
    std::fs::write(&marker, contents).map_err(io_error("writing", &marker))?;
    Ok(dir)
}

/// Removes the folders of control planes whose owning process no longer runs.
pub(crate) fn remove_abandoned_dirs() {
    let Ok(entries) = std::fs::read_dir(std::env::temp_dir()) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        let is_ours = entry.file_name().to_string_lossy().starts_with(PREFIX);
        if is_ours && is_abandoned(&path) {
            tracing::debug!(dir = %path.display(), "removing an abandoned control plane folder");
            let _ = std::fs::remove_dir_all(&path);
        }
    }
}

fn is_abandoned(dir: &Path) -> bool {
    if dir.join(DETACHED_FILE).exists() {
        return false;
    }
    match std::fs::read_to_string(dir.join(OWNER_FILE)) {
        Ok(owner) => match owner.trim().parse::<u32>() {
            Ok(pid) => !sys::is_running(pid),
            Err(_) => false,
        },
        // A folder being created right now has no marker yet.
        Err(_) => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folders_of_dead_owners_are_abandoned() {
        let live = new_dir(Lifetime::Owned).unwrap();
        assert!(!is_abandoned(live.path()));
        let detached = new_dir(Lifetime::Detached).unwrap();
        assert!(!is_abandoned(detached.path()));
        let dead = new_dir(Lifetime::Owned).unwrap();
        // Process ids wrap below 2^22 on Linux, so this one cannot run.
        std::fs::write(dead.path().join(OWNER_FILE), "4294967").unwrap();
        assert!(is_abandoned(dead.path()));
        let dead_path = dead.keep();
        remove_abandoned_dirs();
        assert!(!dead_path.exists());
        assert!(live.path().exists() && detached.path().exists());
    }
}
