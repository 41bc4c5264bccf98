//! `cargo xtask semver [--baseline-rev REV] [-p CRATE]...`: checks the public API of the
//! published crates against a baseline with cargo-semver-checks, building the rustdoc JSON
//! of both sides locally (nothing is fetched from crates.io).
//!
//! Each side is documented by one `cargo doc` of every checked crate (all features, JSON
//! output), so dependencies build once per side: the current tree in
//! `<target>/semver/current/`, the baseline exported from git under
//! `<target>/semver/<commit>/`, where it stays cached for the next check against the
//! same commit. cargo-semver-checks then compares the two JSON files of each crate.
//!
//! The baseline is REV, or else the previous release tag (`git describe --tags --match
//! 'v*' --abbrev=0`); with neither there is nothing to compare against, and the check
//! passes saying so. Crates that the baseline does not have are new and are not checked.
//! A breaking change fails the check unless the version allows it by Cargo's rules (a
//! major bump, or a minor bump while the major version is 0): the version in Cargo.toml
//! against the baseline's, or the bump a release names.

mod crates;
#[cfg(test)]
mod tests;

use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode, Stdio};

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
    let mut passed = true;
    for (name, mut command) in commands(root, rev, packages, release_type)? {
        println!("[xtask] {name}");
        let status = command
            .status()
            .map_err(|e| format!("running cargo semver-checks: {e}"))?;
        passed &= status.success();
    }
    Ok(passed)
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

/// The `cargo semver-checks` commands comparing the workspace at `root` with revision
/// `rev`, with the crate each compares: one per crate of `packages` (every published
/// crate when empty) that `rev` has, after building the rustdoc JSON of both sides; none,
/// after saying so, when no crate is left to compare.
fn commands(
    root: &Path,
    rev: &str,
    packages: &[String],
    release_type: Option<&str>,
) -> Result<Vec<(String, Command)>, String> {
    let commit = git::output(
        root,
        &["rev-parse", "--verify", &format!("{rev}^{{commit}}")],
    )?;
    println!("[xtask] semver check against {rev} ({commit})");
    let workspace = crates::published(root)?;
    let published = &workspace.crates;
    for name in packages {
        if !published.iter().any(|c| &c.name == name) {
            return Err(format!("{name} is not a published crate of this workspace"));
        }
    }
    let mut compared = Vec::new();
    for krate in published {
        if !packages.is_empty() && !packages.contains(&krate.name) {
            continue;
        }
        if krate.exists_at(root, &commit) {
            compared.push(krate);
        } else {
            println!("[xtask] {} is new since {rev}: not checked", krate.name);
        }
    }
    if compared.is_empty() {
        println!("[xtask] no crate to compare with {rev}");
        return Ok(Vec::new());
    }
    let names: Vec<&str> = compared.iter().map(|c| c.name.as_str()).collect();

    let baseline = export(root, &workspace.target, &commit)?;
    let baseline_target = baseline.parent().unwrap_or(&baseline).join("target");
    println!(
        "[xtask] rustdoc JSON of {rev} in {}",
        baseline_target.display()
    );
    rustdoc_json(&baseline, &baseline_target, &names)?;
    // Not the workspace's own build folder: `RUSTC_BOOTSTRAP` makes build scripts that
    // probe for nightly features (proc-macro2's) rebuild their crates in place there,
    // under a build or a test run that may be going on at the same time.
    let current_target = workspace.target.join("semver/current");
    println!("[xtask] rustdoc JSON of the work tree");
    rustdoc_json(root, &current_target, &names)?;

    let release_type = match release_type {
        Some(release_type) => Some(release_type.to_string()),
        None => bump_between(&baseline, root)?,
    };
    let commands = compared
        .iter()
        .map(|krate| {
            let json = format!("doc/{}.json", krate.lib);
            let mut command = crate::workspace::cargo_in(root);
            command
                .arg("semver-checks")
                .arg("--baseline-rustdoc")
                .arg(baseline_target.join(&json))
                .arg("--current-rustdoc")
                .arg(current_target.join(&json));
            if let Some(release_type) = &release_type {
                command.args(["--release-type", release_type]);
            }
            (krate.name.clone(), command)
        })
        .collect();
    Ok(commands)
}

/// The tree of `commit` of the repository at `root`, exported from git under
/// `<target>/semver/<commit>/src` (once: a later check against the same commit reuses it
/// and its builds).
fn export(root: &Path, target: &Path, commit: &str) -> Result<PathBuf, String> {
    let dir = target.join("semver").join(commit);
    let source = dir.join("src");
    if source.join("Cargo.toml").is_file() {
        return Ok(source);
    }
    let partial = dir.join("src.partial");
    let _ = std::fs::remove_dir_all(&partial);
    std::fs::create_dir_all(&partial)
        .map_err(|e| format!("creating {}: {e}", partial.display()))?;
    let archive = Command::new("git")
        .current_dir(root)
        .args(["archive", "--format=tar", commit])
        .stdout(Stdio::piped())
        .spawn()
        .map_err(|e| format!("running git archive: {e}"))?;
    let extracted = Command::new("tar")
        .arg("-x")
        .arg("-C")
        .arg(&partial)
        .stdin(archive.stdout.ok_or("git archive gave no output")?)
        .status()
        .map_err(|e| format!("running tar: {e}"))?;
    if !extracted.success() {
        return Err(format!(
            "extracting {commit} into {} failed",
            partial.display()
        ));
    }
    std::fs::rename(&partial, &source)
        .map_err(|e| format!("moving {} into place: {e}", partial.display()))?;
    Ok(source)
}

/// Documents `packages` of the workspace at `root` as rustdoc JSON (every feature on,
/// as cargo-semver-checks' default does for crates without unstable features) into
/// `target/doc/<lib>.json`.
fn rustdoc_json(root: &Path, target: &Path, packages: &[&str]) -> Result<(), String> {
    let mut command = crate::workspace::cargo_in(root);
    command
        .args(["doc", "--no-deps", "--all-features", "--quiet"])
        .env("CARGO_TARGET_DIR", target)
        // Rustdoc's JSON output is unstable: the stable toolchain is let to produce it,
        // as cargo-semver-checks itself does.
        .env("RUSTC_BOOTSTRAP", "1")
        .env("RUSTDOCFLAGS", "-Z unstable-options --output-format json");
    for package in packages {
        command.args(["--package", package]);
    }
    crate::workspace::run(
        command,
        &format!("cargo doc (rustdoc JSON) in {}", root.display()),
    )
}

/// The `--release-type` that the version in `current`'s Cargo.toml allows after the one
/// in `baseline`'s; `None` when they are equal (cargo-semver-checks then reads the
/// versions from the rustdoc JSON and allows no breaking change).
fn bump_between(baseline: &Path, current: &Path) -> Result<Option<String>, String> {
    let version = |dir: &Path| -> Result<crate::release::Version, String> {
        let path = dir.join("Cargo.toml");
        let text = std::fs::read_to_string(&path)
            .map_err(|e| format!("reading {}: {e}", path.display()))?;
        crate::release::workspace_version(&text)
    };
    let (previous, next) = (version(baseline)?, version(current)?);
    if previous == next {
        return Ok(None);
    }
    let bump = crate::release::Bump::between(previous, next)?;
    Ok(Some(bump.release_type().to_string()))
}
