//! `cargo xtask test`: every test of the workspace against one real control plane, or
//! against an existing cluster (`--kubeconfig PATH`).

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use crate::{Outcome, take_option, take_version, workspace};

use clientgo_envtest::TEST_KUBECONFIG_ENV;

/// In the names of tests that need what only envtest's control planes have: their
/// generated users (the unprivileged token user, the `admin` client certificate, added
/// users), control planes of their own, TCP proxies in front of the server, the pinned
/// release. Left out against an existing cluster.
const ENVTEST_ONLY: &str = "envtest_only";

/// `cargo test` options that choose which targets run.
const TARGET_FLAGS: &[&str] = &[
    "--lib",
    "--bin",
    "--bins",
    "--test",
    "--tests",
    "--example",
    "--examples",
    "--bench",
    "--benches",
    "--all-targets",
    "--doc",
];

pub(crate) async fn run(args: Vec<String>) -> Outcome {
    let (kubeconfig, args) = take_option(args, "--kubeconfig")?;
    let kubeconfig = kubeconfig.map(PathBuf::from);
    if kubeconfig.is_some() && args.iter().any(|a| a.starts_with("--k8s-version")) {
        return Err("--kubeconfig and --k8s-version exclude each other".into());
    }
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
    let status = match kubeconfig {
        Some(path) => run_against(&path, cargo_args)?,
        None => {
            let plane = workspace::start_control_plane(version).await?;
            let status = workspace::cargo()
                .args(["test", "--workspace"])
                .args(&cargo_args)
                .env(TEST_KUBECONFIG_ENV, plane.kubeconfig_path())
                .status()
                .map_err(|e| format!("running cargo test: {e}"))?;
            plane.stop();
            status.success()
        }
    };
    Ok(if status {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}

/// Runs the tests but the envtest-only ones against the cluster of `kubeconfig`, and
/// says how many were left out.
fn run_against(kubeconfig: &Path, cargo_args: Vec<String>) -> Result<bool, String> {
    let kubeconfig = std::fs::canonicalize(kubeconfig)
        .map_err(|e| format!("--kubeconfig {}: {e}", kubeconfig.display()))?;
    // `cargo test` options, then the test harness's after `--`.
    let (mut options, mut harness) = (cargo_args, Vec::new());
    if let Some(at) = options.iter().position(|a| a == "--") {
        harness = options.split_off(at + 1);
        options.pop();
    }
    // The marker is on test functions, never on doc tests: list the test targets
    // (unless the arguments pick targets), which spares a rustdoc run per crate.
    let picks_targets = options.iter().any(|a| {
        a.split('=')
            .next()
            .is_some_and(|flag| TARGET_FLAGS.contains(&flag))
    });
    let listed = workspace::cargo()
        .args(["test", "--workspace", "--quiet"])
        .args((!picks_targets).then_some("--tests"))
        .args(&options)
        .arg("--")
        .args(&harness)
        .arg("--list")
        .output()
        .map_err(|e| format!("running cargo test -- --list: {e}"))?;
    if !listed.status.success() {
        return Err(format!(
            "listing the tests failed: {}",
            String::from_utf8_lossy(&listed.stderr)
        ));
    }
    let left_out = String::from_utf8_lossy(&listed.stdout)
        .lines()
        .filter(|line| line.ends_with(": test") && line.contains(ENVTEST_ONLY))
        .count();
    eprintln!(
        "[xtask] running the tests against the cluster of {}",
        kubeconfig.display()
    );
    let status = workspace::cargo()
        .args(["test", "--workspace"])
        .args(&options)
        .arg("--")
        .args(&harness)
        .args(["--skip", ENVTEST_ONLY])
        .env(TEST_KUBECONFIG_ENV, &kubeconfig)
        .status()
        .map_err(|e| format!("running cargo test: {e}"))?;
    eprintln!(
        "[xtask] {left_out} tests left out: they need what only envtest's control planes \
         have (names with `{ENVTEST_ONLY}`; see docs/envtest.md)"
    );
    Ok(status.success())
}
