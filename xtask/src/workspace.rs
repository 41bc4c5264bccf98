//! Paths and commands of this workspace.

use std::path::PathBuf;
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
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let mut command = Command::new(cargo);
    command.current_dir(root());
    command
}

/// Starts the local control plane of `version`, printing what it does.
pub(crate) async fn start_control_plane(
    version: clientgo_envtest::KubeVersion,
) -> Result<clientgo_envtest::ControlPlane, String> {
    let started = std::time::Instant::now();
    eprintln!("[xtask] starting a local control plane (Kubernetes {version})");
    let plane = clientgo_envtest::ControlPlane::builder()
        .version(version)
        .start()
        .await
        .map_err(|e| e.to_string())?;
    eprintln!(
        "[xtask] control plane ready at {} in {:.1}s; kubeconfig {}",
        plane.server_url(),
        started.elapsed().as_secs_f64(),
        plane.kubeconfig_path().display()
    );
    Ok(plane)
}
