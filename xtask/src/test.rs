//! `cargo xtask test`: every test of the workspace against one real control plane.

use std::process::ExitCode;

use crate::{Outcome, take_version, workspace};

use clientgo_envtest::TEST_KUBECONFIG_ENV;

pub(crate) async fn run(args: Vec<String>) -> Outcome {
    let (version, mut cargo_args) = take_version(args)?;
    if cargo_args.first().map(String::as_str) == Some("--") {
        cargo_args.remove(0);
    }
    // Compile first, so the control plane does not idle through a long build.
    let built = workspace::cargo()
        .args(["test", "--workspace", "--no-run"])
        .status()
        .map_err(|e| format!("running cargo: {e}"))?;
    if !built.success() {
        return Ok(ExitCode::FAILURE);
    }
    let plane = workspace::start_control_plane(version).await?;
    let status = workspace::cargo()
        .args(["test", "--workspace"])
        .args(&cargo_args)
        .env(TEST_KUBECONFIG_ENV, plane.kubeconfig_path())
        .status()
        .map_err(|e| format!("running cargo test: {e}"))?;
    plane.stop();
    Ok(if status.success() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}
