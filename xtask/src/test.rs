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
    eprintln!(
        "[xtask] running the tests against the cluster of {}",
        kubeconfig.display()
    );
    let outcome = run_suite(&kubeconfig, cargo_args, None)?;
    eprintln!(
        "[xtask] {} tests left out: they need what only envtest's control planes \
         have (names with `{ENVTEST_ONLY}`; see docs/envtest.md)",
        outcome.left_out
    );
    Ok(outcome.success)
}

/// What a run of the suite gave.
#[derive(Debug, Default)]
pub(crate) struct SuiteOutcome {
    /// Whether every test binary passed.
    pub(crate) success: bool,
    /// Tests passed, over every test binary.
    pub(crate) passed: usize,
    /// Tests failed.
    pub(crate) failed: usize,
    /// Tests marked `#[ignore]`.
    pub(crate) ignored: usize,
    /// Tests left out because they need envtest (names with `envtest_only`).
    pub(crate) left_out: usize,
}

/// Runs `cargo test --workspace` but the envtest-only tests against the cluster of
/// `kubeconfig`. `cargo_args` are `cargo test` options, then the harness's after `--`.
/// With `log`, the output goes to that file instead of the terminal, and the counts of
/// passed, failed and ignored tests are read from it.
pub(crate) fn run_suite(
    kubeconfig: &Path,
    cargo_args: Vec<String>,
    log: Option<&Path>,
) -> Result<SuiteOutcome, String> {
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
    let mut command = workspace::cargo();
    command
        .args(["test", "--workspace", "--no-fail-fast"])
        .args(&options)
        .arg("--")
        .args(&harness)
        .args(["--skip", ENVTEST_ONLY])
        .env(TEST_KUBECONFIG_ENV, kubeconfig);
    if let Some(log) = log {
        let file =
            std::fs::File::create(log).map_err(|e| format!("creating {}: {e}", log.display()))?;
        let copy = file
            .try_clone()
            .map_err(|e| format!("opening {}: {e}", log.display()))?;
        command.stdout(copy).stderr(file);
    }
    let status = command
        .status()
        .map_err(|e| format!("running cargo test: {e}"))?;
    let mut outcome = SuiteOutcome {
        success: status.success(),
        left_out,
        ..SuiteOutcome::default()
    };
    if let Some(log) = log {
        let text =
            std::fs::read_to_string(log).map_err(|e| format!("reading {}: {e}", log.display()))?;
        for line in text.lines() {
            if let Some(counts) = line.strip_prefix("test result: ") {
                outcome.passed += count_of(counts, "passed");
                outcome.failed += count_of(counts, "failed");
                outcome.ignored += count_of(counts, "ignored");
            }
        }
    }
    Ok(outcome)
}

/// The number before `what` in a libtest summary (`ok. 12 passed; 0 failed; ...`).
fn count_of(summary: &str, what: &str) -> usize {
    summary
        .split(';')
        .filter_map(|part| {
            part.trim()
                .trim_start_matches("ok. ")
                .trim_start_matches("FAILED. ")
                .split_once(' ')
        })
        .find(|(_, name)| *name == what)
        .and_then(|(number, _)| number.parse().ok())
        .unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::count_of;

    #[test]
    fn counts_are_read_from_libtest_summaries() {
        let ok =
            "ok. 12 passed; 0 failed; 3 ignored; 0 measured; 5 filtered out; finished in 1.23s";
        assert_eq!(count_of(ok, "passed"), 12);
        assert_eq!(count_of(ok, "ignored"), 3);
        let failed =
            "FAILED. 7 passed; 2 failed; 0 ignored; 0 measured; 0 filtered out; finished in 9.00s";
        assert_eq!(count_of(failed, "passed"), 7);
        assert_eq!(count_of(failed, "failed"), 2);
    }
}
