//! The semver check on a scratch clone of this repository: an added public function
//! passes, a removed one fails unless the release is allowed to break. The check runs on
//! `clientgo-workqueue` only, whose rustdoc JSON is built for the baseline and the current
//! tree (the dependencies are built once per side, under the clone's target folder).

use std::path::Path;
use std::process::Output;

use super::{commands, ensure_installed};
use crate::{git, workspace};

const CRATE: &str = "clientgo-workqueue";
const LIB: &str = "crates/workqueue/src/lib.rs";

/// Appends `code` to the crate's lib.rs, or removes it when `remove`, and commits.
fn commit_change(repo: &Path, code: &str, remove: bool, message: &str) {
    let path = repo.join(LIB);
    let source = std::fs::read_to_string(&path).expect("read lib.rs");
    let changed = if remove {
        assert!(source.contains(code), "{code} is not in lib.rs");
        source.replacen(code, "", 1)
    } else {
        format!("{source}{code}")
    };
    std::fs::write(&path, changed).expect("write lib.rs");
    git::run(
        repo,
        &[
            "-c",
            "user.name=xtask",
            "-c",
            "user.email=xtask@localhost",
            "commit",
            "--quiet",
            "--all",
            "--message",
            message,
        ],
    )
    .expect("commit");
}

/// Runs the check of the crate in `repo` against the tag `v0.0.1-test`, with its report.
fn check(repo: &Path, release_type: Option<&str>) -> Output {
    let mut commands =
        commands(repo, "v0.0.1-test", &[CRATE.to_string()], release_type).expect("commands");
    assert_eq!(commands.len(), 1, "one crate is compared");
    let output = commands[0].1.output().expect("run cargo semver-checks");
    eprintln!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    output
}

#[test]
fn removing_a_public_function_needs_a_breaking_release() {
    ensure_installed().unwrap_or_else(|message| panic!("{message}"));
    let scratch = tempfile::tempdir().expect("temporary folder");
    let repo = scratch.path().join("repo");
    let source = workspace::root();
    git::run(
        &source,
        &[
            "clone",
            "--quiet",
            source.to_str().expect("UTF-8 path"),
            repo.to_str().expect("UTF-8 path"),
        ],
    )
    .expect("clone");

    let probe = "\n/// Present in the baseline.\npub fn semver_probe() {}\n";
    commit_change(&repo, probe, false, "baseline");
    git::run(&repo, &["tag", "v0.0.1-test"]).expect("tag");

    commit_change(
        &repo,
        "\n/// Added after the baseline.\npub fn semver_probe_added() {}\n",
        false,
        "add a function",
    );
    let added = check(&repo, None);
    assert!(added.status.success(), "adding a function must pass");

    commit_change(&repo, probe, true, "remove a function");
    let removed = check(&repo, None);
    assert!(!removed.status.success(), "removing a function must fail");
    assert!(
        String::from_utf8_lossy(&removed.stdout).contains("function_missing"),
        "the failure must be the removed function"
    );
    let allowed = check(&repo, Some("major"));
    assert!(allowed.status.success(), "a breaking release may remove it");
}
