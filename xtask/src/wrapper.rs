//! `cargo xtask envtest wrapper --k8s-version X.Y.Z`: (re)generates the wrapper Go module
//! that `clientgo-envtest` ships for a release, under `crates/envtest/wrappers/vX.Y/`.
//! Register a new minor in `PINNED_RELEASES` (crates/envtest/src/version.rs).

use std::process::ExitCode;

use crate::{Outcome, take_version, workspace};

pub(crate) fn run(args: &[String]) -> Outcome {
    let (version, rest) = take_version(args.to_vec())?;
    if !rest.is_empty() || !args.iter().any(|a| a.starts_with("--k8s-version")) {
        return Err("usage: cargo xtask envtest wrapper --k8s-version X.Y.Z".into());
    }
    let dir = workspace::root()
        .join("crates/envtest/wrappers")
        .join(format!("v{}", version.minor_name()));
    clientgo_envtest::assets::generate_wrapper(
        &version,
        &dir,
        &clientgo_envtest::assets::print_progress,
    )
    .map_err(|e| e.to_string())?;
    println!("wrote {}/go.mod and go.sum", dir.display());
    Ok(ExitCode::SUCCESS)
}
