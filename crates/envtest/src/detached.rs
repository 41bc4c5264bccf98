//! Control planes that outlive the process that started them (`cargo xtask envtest up`),
//! found again and stopped through the path of their kubeconfig.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result, io_error};
use crate::process::{stop_group, sys};

/// A control plane started with [`ControlPlaneBuilder::start_detached`]: its processes
/// run on after the starting process exits, until [`DetachedControlPlane::stop`].
///
/// [`ControlPlaneBuilder::start_detached`]: crate::ControlPlaneBuilder::start_detached
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DetachedControlPlane {
    /// Where its kubeconfig was written.
    pub kubeconfig: PathBuf,
    /// The control plane's folder (certificates, etcd data, logs).
    pub dir: PathBuf,
    /// The process groups of its components.
    pub process_groups: Vec<u32>,
    /// The API server's URL.
    pub server_url: String,
    /// The Kubernetes release that runs.
    pub version: String,
}

impl DetachedControlPlane {
    /// Where the state of the control plane with kubeconfig `kubeconfig` is kept.
    pub fn state_path(kubeconfig: &Path) -> PathBuf {
        let mut name = kubeconfig.as_os_str().to_owned();
        name.push(".envtest-state.json");
        PathBuf::from(name)
    }

    /// Finds the detached control plane whose kubeconfig is at `kubeconfig`.
    pub fn load(kubeconfig: &Path) -> Result<Self> {
        let path = Self::state_path(kubeconfig);
        let text = std::fs::read_to_string(&path).map_err(io_error("reading", &path))?;
        serde_json::from_str(&text).map_err(|error| Error::Format {
            what: "decoding control plane state",
            path,
            detail: error.to_string(),
        })
    }

    pub(crate) fn save(&self) -> Result<()> {
        let path = Self::state_path(&self.kubeconfig);
        let text = serde_json::to_string_pretty(self).map_err(|error| Error::Format {
            what: "encoding control plane state",
            path: path.clone(),
            detail: error.to_string(),
        })?;
        crate::kubeconfig::write_private(&path, &text)
    }

    /// Whether any of its processes still runs.
    pub fn is_running(&self) -> bool {
        self.process_groups.iter().any(|pid| sys::is_running(*pid))
    }

    /// Stops every process (SIGTERM, then SIGKILL), waits until they are gone, and
    /// removes the folder, the kubeconfig and the state file.
    pub fn stop(self) -> Result<()> {
        for group in &self.process_groups {
            stop_group(*group, || !sys::is_running(*group));
        }
        let deadline = Instant::now() + Duration::from_secs(10);
        while self.is_running() {
            if Instant::now() > deadline {
                return Err(Error::Stop(format!(
                    "processes {:?} still run after SIGKILL",
                    self.process_groups
                )));
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        let remove = |path: &Path| match std::fs::remove_file(path) {
            Err(error) if error.kind() != std::io::ErrorKind::NotFound => {
                Err(io_error("removing", path)(error))
            }
            _ => Ok(()),
        };
        if self.dir.exists() {
            std::fs::remove_dir_all(&self.dir).map_err(io_error("removing", &self.dir))?;
        }
        remove(&self.kubeconfig)?;
        remove(&Self::state_path(&self.kubeconfig))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn state_sits_beside_the_kubeconfig() {
        assert_eq!(
            DetachedControlPlane::state_path(Path::new("/tmp/x/kubeconfig")),
            PathBuf::from("/tmp/x/kubeconfig.envtest-state.json")
        );
    }
}
