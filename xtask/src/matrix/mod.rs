//! `cargo xtask matrix`: the compatibility suite against every supported Kubernetes
//! minor, and `docs/compatibility.md` computed from what happened.
//!
//! Rules:
//! - The suite is every integration test of the workspace (`tests/` folders, where all
//!   tests that talk to a server live) that only needs an API server: the envtest-only ones (names with `envtest_only`) are left out and counted, as with
//!   `cargo xtask test --kubeconfig`.
//! - The API columns are computed, never typed: each server's discovery compared with
//!   the resources and subresources of the OpenAPI document the code is generated from.
//! - One control plane at a time; each version's test output goes to
//!   `target/matrix/<version>.log`, and the failures of a failed run are printed.
//! - The document is written even when a version fails, and the command then fails.

mod api;
mod report;

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use clientgo_envtest::KubeVersion;

use crate::test::{SuiteOutcome, run_suite};
use crate::{Outcome, codegen, take_option, workspace};

pub(crate) use api::ApiDiff;

/// What one Kubernetes release gave.
pub(crate) struct VersionResult {
    /// The release.
    pub(crate) version: KubeVersion,
    /// How its API compares with the generated one.
    pub(crate) api: ApiDiff,
    /// How the suite went.
    pub(crate) suite: SuiteOutcome,
    /// How long the run took (start, discovery, suite), in seconds.
    pub(crate) seconds: u64,
}

pub(crate) async fn run(args: Vec<String>) -> Outcome {
    let (only, args) = take_option(args, "--only")?;
    let (output, args) = take_option(args, "--output")?;
    if let Some(extra) = args.first() {
        return Err(format!(
            "unknown argument {extra:?}; usage: cargo xtask matrix [--only 1.34,1.37] [--output FILE]"
        ));
    }
    let versions = chosen_versions(only.as_deref())?;
    let root = workspace::root();
    let output = output.map_or_else(|| root.join("docs/compatibility.md"), PathBuf::from);
    let (release, generated) = codegen::generated_api()?;

    let built = workspace::cargo()
        .args(["test", "--workspace", "--test", "*", "--no-run"])
        .status()
        .map_err(|e| format!("running cargo: {e}"))?;
    if !built.success() {
        return Ok(ExitCode::FAILURE);
    }
    let logs = root.join("target/matrix");
    std::fs::create_dir_all(&logs).map_err(|e| format!("creating {}: {e}", logs.display()))?;

    let mut results = Vec::new();
    for version in versions {
        let started = Instant::now();
        let plane = workspace::start_control_plane(version).await?;
        let served = api::served(plane.kubeconfig_path()).await;
        let log = logs.join(format!("{version}.log"));
        eprintln!(
            "[xtask] Kubernetes {version}: running the suite (output in {})",
            log.display()
        );
        let suite = run_suite(plane.kubeconfig_path(), suite_targets(), Some(&log));
        plane.stop();
        let (served, suite) = (served?, suite?);
        if !suite.success {
            print_failures(&log);
        }
        let result = VersionResult {
            version,
            api: ApiDiff::between(&generated, &served),
            suite,
            seconds: started.elapsed().as_secs(),
        };
        eprintln!("[xtask] Kubernetes {version}: {}", report::summary(&result));
        results.push(result);
    }

    let document = report::render(&release, &results);
    std::fs::write(&output, document).map_err(|e| format!("writing {}: {e}", output.display()))?;
    eprintln!("[xtask] wrote {}", output.display());
    Ok(if results.iter().all(|r| r.suite.success) {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}

/// The suite's targets: every integration test (`tests/`), where all tests that talk to
/// a server live; unit tests never need one.
fn suite_targets() -> Vec<String> {
    vec!["--test".into(), "*".into()]
}

/// The pinned release of every supported minor, oldest first, or of the minors in
/// `only` (`1.34,1.37`).
fn chosen_versions(only: Option<&str>) -> Result<Vec<KubeVersion>, String> {
    let mut all = clientgo_envtest::pinned_versions();
    all.sort();
    let Some(only) = only else {
        return Ok(all);
    };
    only.split(',')
        .map(|minor| {
            let minor = minor.trim().trim_start_matches('v');
            all.iter()
                .copied()
                .find(|v| format!("{}.{}", v.major, v.minor) == minor || v.to_string() == minor)
                .ok_or_else(|| format!("--only: {minor} is not a supported release"))
        })
        .collect()
}

/// Prints the failure sections of a libtest log (from `failures:` to the summary).
fn print_failures(log: &std::path::Path) {
    let Ok(text) = std::fs::read_to_string(log) else {
        return;
    };
    let mut printing = false;
    for line in text.lines() {
        if line == "failures:" {
            printing = true;
        }
        if printing {
            eprintln!("{line}");
        }
        if line.starts_with("test result: ") {
            printing = false;
        }
    }
}
