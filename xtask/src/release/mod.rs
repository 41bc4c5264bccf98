//! `cargo xtask release X.Y.Z [--dry-run] [--skip-tests]`: makes release X.Y.Z of every
//! crate of the workspace, as a commit and tags on the current branch; it never pushes.
//!
//! A release is refused when the work tree has changes, when X.Y.Z does not follow the
//! previous release tag (`v*`) by one bump, when the test run (`cargo xtask test`, unless
//! `--skip-tests`) fails, or when cargo-semver-checks finds a change that the bump does
//! not allow by Cargo's rules (see `version`); without a previous tag there is no semver
//! check. A release then sets the workspace version in Cargo.toml, dates the Unreleased
//! section of CHANGELOG.md, runs `cargo update -w`, commits "release X.Y.Z" and creates
//! the annotated tags `vX.Y.Z` and `kubernetes-<release>` (the Kubernetes release whose
//! API the generated code follows, when no earlier release has that tag), then prints the
//! `git push` commands. `--dry-run` runs the same checks, reports every refusal instead of
//! stopping at the first, and shows the edits, commit and tags without making them.

mod changelog;
mod manifest;
mod version;

pub(crate) use changelog::today;

use std::path::Path;
use std::process::ExitCode;

use crate::{Outcome, git, semver, workspace};

pub(crate) use manifest::workspace_version;
pub(crate) use version::{Bump, Version};

const USAGE: &str = "usage: cargo xtask release X.Y.Z [--dry-run] [--skip-tests]";

/// The files a release edits and commits.
const RELEASE_FILES: [&str; 3] = ["Cargo.toml", "Cargo.lock", "CHANGELOG.md"];

/// What the command line asks for.
struct Options {
    version: Version,
    dry_run: bool,
    skip_tests: bool,
}

impl Options {
    fn parse(args: &[String]) -> Result<Options, String> {
        let mut version = None;
        let mut dry_run = false;
        let mut skip_tests = false;
        for arg in args {
            match arg.as_str() {
                "--dry-run" => dry_run = true,
                "--skip-tests" => skip_tests = true,
                text if !text.starts_with('-') && version.is_none() => {
                    version = Some(text.parse::<Version>()?);
                }
                _ => return Err(USAGE.into()),
            }
        }
        Ok(Options {
            version: version.ok_or(USAGE)?,
            dry_run,
            skip_tests,
        })
    }
}

/// Reasons to refuse the release: the first one stops a release, a dry run lists them all.
struct Refusals {
    dry_run: bool,
    reasons: Vec<String>,
}

impl Refusals {
    fn refuse(&mut self, reason: String) -> Result<(), String> {
        if !self.dry_run {
            return Err(format!("release refused: {reason}"));
        }
        println!("[release] would refuse: {reason}");
        self.reasons.push(reason);
        Ok(())
    }
}

/// `cargo xtask release`.
pub(crate) fn run(args: &[String]) -> Outcome {
    let options = Options::parse(args)?;
    let next = options.version;
    let root = workspace::root();
    let mut refusals = Refusals {
        dry_run: options.dry_run,
        reasons: Vec::new(),
    };
    if options.dry_run {
        println!("[release] dry run of release {next}: nothing is written, committed or tagged");
    }

    let dirty = git::dirty_paths(&root)?;
    if !dirty.is_empty() {
        let shown = dirty.iter().take(5).cloned().collect::<Vec<_>>().join(", ");
        let more = dirty.len().saturating_sub(5);
        refusals.refuse(format!(
            "the work tree has {} uncommitted changes ({shown}{}): commit or stash them",
            dirty.len(),
            if more > 0 {
                format!(" and {more} more")
            } else {
                String::new()
            }
        ))?;
    }
    let tag = format!("v{next}");
    if git::tag_exists(&root, &tag)? {
        refusals.refuse(format!("tag {tag} exists already"))?;
    }

    let manifest_text = read(&root, "Cargo.toml")?;
    let current = manifest::workspace_version(&manifest_text)?;
    let previous_tag = git::previous_release_tag(&root)?;
    let bump = match &previous_tag {
        Some(previous_tag) => {
            let previous: Version = previous_tag.parse()?;
            match Bump::between(previous, next) {
                Ok(bump) => Some(bump),
                Err(reason) => {
                    refusals.refuse(reason)?;
                    None
                }
            }
        }
        None if next < current => {
            refusals.refuse(format!(
                "{next} is below the version in Cargo.toml ({current})"
            ))?;
            None
        }
        None => None,
    };

    // The edits are made after the checks, but prepared before the long ones.
    let kubernetes = kubernetes_release(&root)?;
    let (manifest_edited, dependencies) = manifest::set_version(&manifest_text, next)?;
    let date = changelog::today();
    let changelog_edited = match changelog::release(&read(&root, "CHANGELOG.md")?, next, &date) {
        Ok(text) => Some(text),
        Err(reason) => {
            refusals.refuse(reason)?;
            None
        }
    };

    if options.skip_tests {
        println!("[release] tests skipped (--skip-tests)");
    } else {
        println!("[release] running the tests: cargo xtask test");
        let tested = workspace::cargo()
            .args(["xtask", "test"])
            .status()
            .map_err(|e| format!("running cargo xtask test: {e}"))?;
        if !tested.success() {
            refusals.refuse("the test run failed".into())?;
        }
    }

    match (&previous_tag, bump) {
        (None, _) => println!("[release] no previous release tag (v*): semver check skipped"),
        (Some(previous_tag), Some(bump)) => {
            println!(
                "[release] {previous_tag} -> {next} allows {} changes (--release-type {})",
                match bump {
                    Bump::Breaking => "breaking",
                    Bump::Additive => "additive",
                    Bump::Fix => "no API",
                },
                bump.release_type()
            );
            if !semver::check(&root, previous_tag, &[], Some(bump.release_type()))? {
                refusals.refuse(format!(
                    "cargo-semver-checks finds changes that {previous_tag} -> {next} does not allow"
                ))?;
            }
        }
        (Some(_), None) => println!("[release] semver check skipped: no valid bump to check"),
    }

    let steps = Steps {
        root: &root,
        dry_run: options.dry_run,
    };
    steps
        .apply(
            next,
            current,
            dependencies,
            &manifest_edited,
            changelog_edited.as_deref(),
            &date,
        )
        .map_err(|e| {
            format!(
                "{e}\n(the release files may be edited: `git checkout -- {}` undoes that)",
                RELEASE_FILES.join(" ")
            )
        })?;
    let kubernetes_tag = format!("kubernetes-{kubernetes}");
    let mut tags = vec![tag.clone()];
    steps.run(
        &format!("create tag {tag} (release {next}, Kubernetes {kubernetes})"),
        &[
            "tag",
            "-a",
            &tag,
            "-m",
            &format!("release {next} (Kubernetes {kubernetes})"),
        ],
    )?;
    if git::tag_exists(&root, &kubernetes_tag)? {
        println!(
            "[release] tag {kubernetes_tag} exists already: an earlier release follows Kubernetes {kubernetes}"
        );
    } else {
        steps.run(
            &format!("create tag {kubernetes_tag} (first release on Kubernetes {kubernetes})"),
            &[
                "tag",
                "-a",
                &kubernetes_tag,
                "-m",
                &format!("release {next}: the API of Kubernetes {kubernetes}"),
            ],
        )?;
        tags.push(kubernetes_tag);
    }

    let remote = git::output(&root, &["remote"])?
        .lines()
        .next()
        .unwrap_or("origin")
        .to_string();
    let branch = git::output(&root, &["branch", "--show-current"])?;
    println!("[release] publish with:");
    println!(
        "  git push {remote} {}",
        if branch.is_empty() { "HEAD" } else { &branch }
    );
    println!("  git push {remote} {}", tags.join(" "));

    if refusals.reasons.is_empty() {
        Ok(ExitCode::SUCCESS)
    } else {
        Err(format!(
            "dry run: release {next} would be refused ({} \"would refuse\" above)",
            refusals.reasons.len()
        ))
    }
}

/// The release's changes to the repository, made or, in a dry run, only shown.
struct Steps<'a> {
    root: &'a Path,
    dry_run: bool,
}

impl Steps<'_> {
    /// Says what a step does (or would do) and, unless in a dry run, does it.
    fn step(&self, what: &str, action: impl FnOnce() -> Result<(), String>) -> Result<(), String> {
        if self.dry_run {
            println!("[release] would {what}");
            Ok(())
        } else {
            println!("[release] {what}");
            action()
        }
    }

    /// A git command as a step.
    fn run(&self, what: &str, args: &[&str]) -> Result<(), String> {
        self.step(what, || git::run(self.root, args))
    }

    /// Writes the edited files, updates Cargo.lock and commits.
    fn apply(
        &self,
        next: Version,
        current: Version,
        dependencies: usize,
        manifest: &str,
        changelog: Option<&str>,
        date: &str,
    ) -> Result<(), String> {
        self.step(
            &format!(
                "write Cargo.toml: version {current} -> {next} under [workspace.package] and \
                 for {dependencies} workspace crates under [workspace.dependencies]"
            ),
            || write(self.root, "Cargo.toml", manifest),
        )?;
        self.step(
            &format!(
                "write CHANGELOG.md: \"## [Unreleased]\" becomes \"## [{next}] - {date}\" \
                 under a new, empty \"## [Unreleased]\""
            ),
            || write(self.root, "CHANGELOG.md", changelog.unwrap_or_default()),
        )?;
        self.step("run cargo update -w (Cargo.lock)", || {
            let status = workspace::cargo()
                .args(["update", "--workspace"])
                .status()
                .map_err(|e| format!("running cargo update: {e}"))?;
            if status.success() {
                Ok(())
            } else {
                Err("cargo update -w failed".into())
            }
        })?;
        self.step(
            &format!("commit {} as \"release {next}\"", RELEASE_FILES.join(", ")),
            || {
                let mut add = vec!["add", "--"];
                add.extend(RELEASE_FILES);
                git::run(self.root, &add)?;
                git::run(
                    self.root,
                    &["commit", "--quiet", "-m", &format!("release {next}")],
                )
            },
        )
    }
}

/// The Kubernetes release whose API the generated code follows, as the first line of
/// `crates/api/src/lib.rs` names it ("... Kubernetes 1.37.2 ...").
fn kubernetes_release(root: &Path) -> Result<String, String> {
    let source = read(root, "crates/api/src/lib.rs")?;
    let first_line = source.lines().next().unwrap_or_default();
    let release: String = first_line
        .split_once("Kubernetes ")
        .map(|(_, rest)| {
            rest.chars()
                .take_while(|c| c.is_ascii_digit() || *c == '.')
                .collect()
        })
        .unwrap_or_default();
    let release = release.trim_end_matches('.').to_string();
    if release.is_empty() {
        return Err(
            "crates/api/src/lib.rs does not name its Kubernetes release on its first line".into(),
        );
    }
    let spec = format!("xtask/openapi/kubernetes-{release}.json");
    if !root.join(&spec).is_file() {
        return Err(format!(
            "the generated code follows Kubernetes {release}, but {spec} is missing"
        ));
    }
    Ok(release)
}

/// The text of the file at `path` under `root`.
fn read(root: &Path, path: &str) -> Result<String, String> {
    std::fs::read_to_string(root.join(path)).map_err(|e| format!("reading {path}: {e}"))
}

/// Replaces the file at `path` under `root` with `text`.
fn write(root: &Path, path: &str, text: &str) -> Result<(), String> {
    std::fs::write(root.join(path), text).map_err(|e| format!("writing {path}: {e}"))
}
