//! Paths and commands of this workspace.

use std::path::{Path, PathBuf};
use std::process::Command;

/// The workspace root (the parent of the `xtask` folder).
pub(crate) fn root() -> PathBuf {
    let manifest_dir = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    manifest_dir
        .parent()
        .map(PathBuf::from)
        .unwrap_or(manifest_dir)
}

/// `cargo` (the one running this xtask), in the workspace root.
pub(crate) fn cargo() -> Command {
    cargo_in(&root())
}

/// `cargo` (the one running this xtask), in `dir`.
pub(crate) fn cargo_in(dir: &Path) -> Command {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let mut command = Command::new(cargo);
    command.current_dir(dir);
    command
}

/// Runs `command` with this process's output; a failure to start it or a non-zero exit
/// is an error naming `what`.
pub(crate) fn run(mut command: Command, what: &str) -> Result<(), String> {
    let status = command
        .status()
        .map_err(|e| format!("running {what}: {e}"))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("{what} failed ({status})"))
    }
}

/// Starts the local control plane of `version`, printing what it does.
pub(crate) async fn start_control_plane(
    version: clientgo_envtest::KubeVersion,
) -> Result<clientgo_envtest::ControlPlane, String> {
    start(
        clientgo_envtest::ControlPlane::builder().version(version),
        "a local control plane",
        version,
    )
    .await
}

/// Starts the local control plane of `version` in cluster mode (two simulated nodes,
/// kube-controller-manager and kube-scheduler), printing what it does.
pub(crate) async fn start_cluster(
    version: clientgo_envtest::KubeVersion,
) -> Result<clientgo_envtest::ControlPlane, String> {
    let builder = clientgo_envtest::ControlPlane::builder()
        .version(version)
        .cluster();
    start(
        builder,
        "a local cluster (2 simulated nodes, controllers)",
        version,
    )
    .await
}

async fn start(
    builder: clientgo_envtest::ControlPlaneBuilder,
    what: &str,
    version: clientgo_envtest::KubeVersion,
) -> Result<clientgo_envtest::ControlPlane, String> {
    let started = std::time::Instant::now();
    eprintln!("[xtask] starting {what} (Kubernetes {version})");
    let plane = builder.start().await.map_err(|e| e.to_string())?;
    eprintln!(
        "[xtask] ready at {} in {:.1}s; kubeconfig {}",
        plane.server_url(),
        started.elapsed().as_secs_f64(),
        plane.kubeconfig_path().display()
    );
    Ok(plane)
}
