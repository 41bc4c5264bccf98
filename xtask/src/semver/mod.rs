//! `cargo xtask semver [--baseline-rev REV] [-p CRATE]...`: checks the public API of the
//! published crates against a baseline with cargo-semver-checks, building the rustdoc JSON
//! of both sides locally (nothing is fetched from crates.io).
//!
//! The baseline is REV, or else the previous release tag (`git describe --tags --match
//! 'v*' --abbrev=0`); with neither there is nothing to compare against, and the check
//! passes saying so. Crates that the baseline
//! does not have are new and are not checked. A breaking change fails the check unless the
//! version allows it by Cargo's rules (a major bump, or a minor bump while the major version
//! is 0): the version in Cargo.toml against the baseline's, or the bump a release names.

mod crates;
#[cfg(test)]
mod tests;

use std::path::Path;
use std::process::{Command, ExitCode};

use crate::{Outcome, git, workspace};

/// The cargo-semver-checks release that reads the rustdoc JSON of the supported toolchains.
pub(crate) const TOOL_VERSION: &str = "0.51.0";

/// `cargo xtask semver`.
pub(crate) fn run(args: &[String]) -> Outcome {
    let mut rev = None;
    let mut packages = Vec::new();
    let mut args = args.iter();
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--baseline-rev" => rev = Some(args.next().ok_or("--baseline-rev needs a value")?),
            "-p" | "--package" => {
                packages.push(args.next().ok_or("-p needs a crate name")?.clone())
            }
            _ => {
                return Err(
                    "usage: cargo xtask semver [--baseline-rev REV] [-p CRATE]...".to_string(),
                );
            }
        }
    }
    let root = workspace::root();
    let rev = match rev {
        Some(rev) => rev.clone(),
        None => match git::previous_release_tag(&root)? {
            Some(tag) => tag,
            None => {
                println!(
                    "[xtask] no release tag (v*) before HEAD: no baseline, semver check skipped"
                );
                return Ok(ExitCode::SUCCESS);
            }
        },
    };
    let passed = check(&root, &rev, &packages, None)?;
    Ok(if passed {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}

/// Checks the crates named in `packages` (every published crate when empty) of the
/// workspace at `root` against revision `rev`, printing cargo-semver-checks' report.
/// `release_type` (`major`, `minor`, `patch`) is the bump to allow; without it, the bump
/// from the baseline's version to the current one. Returns whether the check passed.
pub(crate) fn check(
    root: &Path,
    rev: &str,
    packages: &[String],
    release_type: Option<&str>,
) -> Result<bool, String> {
    ensure_installed()?;
    let Some(mut command) = command(root, rev, packages, release_type)? else {
        return Ok(true);
    };
    let status = command
        .status()
        .map_err(|e| format!("running cargo semver-checks: {e}"))?;
    Ok(status.success())
}

/// Fails with the install command when cargo-semver-checks is missing.
pub(crate) fn ensure_installed() -> Result<(), String> {
    let installed = Command::new("cargo-semver-checks")
        .args(["semver-checks", "--version"])
        .output()
        .is_ok_and(|out| out.status.success());
    if installed {
        Ok(())
    } else {
        Err(format!(
            "cargo-semver-checks is not installed; install it with \
             `cargo install cargo-semver-checks --locked --version {TOOL_VERSION}`"
        ))
    }
}

/// The `cargo semver-checks` command comparing the workspace at `root` with revision
/// `rev`, for the crates of `packages` (every published crate when empty) that `rev`
/// has; `None`, after saying so, when no crate is left to compare.
///
/// The baseline is the commit `rev` names, which cargo-semver-checks exports from git
/// under `target/semver-checks/git-<commit>/`, where its builds stay cached for the next
/// check against the same commit.
fn command(
    root: &Path,
    rev: &str,
    packages: &[String],
    release_type: Option<&str>,
) -> Result<Option<Command>, String> {
    let commit = git::output(
        root,
        &["rev-parse", "--verify", &format!("{rev}^{{commit}}")],
    )?;
    println!("[xtask] semver check against {rev} ({commit})");
    let published = crates::published(root)?;
    for name in packages {
        if !published.iter().any(|c| &c.name == name) {
            return Err(format!("{name} is not a published crate of this workspace"));
        }
    }
    let mut compared = Vec::new();
    for krate in &published {
        if !packages.is_empty() && !packages.contains(&krate.name) {
            continue;
        }
        if krate.exists_at(root, &commit) {
            compared.push(krate.name.as_str());
        } else {
            println!("[xtask] {} is new since {rev}: not checked", krate.name);
        }
    }
    if compared.is_empty() {
        println!("[xtask] no crate to compare with {rev}");
        return Ok(None);
    }
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let mut command = Command::new(cargo);
    command
        .current_dir(root)
        .arg("semver-checks")
        .arg("--manifest-path")
        .arg(root.join("Cargo.toml"))
        .args(["--baseline-rev", &commit]);
    for name in compared {
        command.args(["--package", name]);
    }
    if let Some(release_type) = release_type {
        command.args(["--release-type", release_type]);
    }
    Ok(Some(command))
}
