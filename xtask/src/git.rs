//! Git commands in a given repository. Every command's failure becomes an error naming
//! the command and quoting git's own message; nothing here changes the repository except
//! the commands whose names say so.

use std::path::Path;
use std::process::Command;

/// Runs `git args...` in `dir` and returns its standard output without trailing blanks.
pub(crate) fn output(dir: &Path, args: &[&str]) -> Result<String, String> {
    let out = Command::new("git")
        .current_dir(dir)
        .args(args)
        .output()
        .map_err(|e| format!("running git: {e}"))?;
    if !out.status.success() {
        return Err(format!(
            "git {} failed: {}",
            args.join(" "),
            String::from_utf8_lossy(&out.stderr).trim()
        ));
    }
    Ok(String::from_utf8_lossy(&out.stdout).trim_end().to_string())
}

/// Runs `git args...` in `dir`, for its effect.
pub(crate) fn run(dir: &Path, args: &[&str]) -> Result<(), String> {
    output(dir, args).map(drop)
}

/// The newest release tag (`v*`) reachable from `HEAD`, or `None` when there is none.
pub(crate) fn previous_release_tag(dir: &Path) -> Result<Option<String>, String> {
    let out = Command::new("git")
        .current_dir(dir)
        .args(["describe", "--tags", "--match", "v*", "--abbrev=0"])
        .output()
        .map_err(|e| format!("running git: {e}"))?;
    if out.status.success() {
        return Ok(Some(
            String::from_utf8_lossy(&out.stdout).trim().to_string(),
        ));
    }
    // `git describe` fails both when no tag matches and when `dir` is no repository.
    output(dir, &["rev-parse", "--verify", "HEAD"])?;
    Ok(None)
}

/// The paths `git status --porcelain` lists: changed (staged or not) and untracked.
pub(crate) fn dirty_paths(dir: &Path) -> Result<Vec<String>, String> {
    Ok(output(dir, &["status", "--porcelain"])?
        .lines()
        .filter_map(|line| line.get(3..))
        .map(str::to_string)
        .collect())
}

/// Whether `name` is an existing tag.
pub(crate) fn tag_exists(dir: &Path, name: &str) -> Result<bool, String> {
    Ok(!output(dir, &["tag", "--list", name])?.is_empty())
}
