//! The dependency and program snippets of README.md and INSTALL.md stay true: each
//! ```toml block becomes a scratch crate (its git dependencies on this repository pointed
//! at the crates of this checkout), each ```rust block after it a program of that crate;
//! the crates build offline and the programs run against the test cluster.

#![allow(clippy::unwrap_used)] // a snippet that does not build fails the test

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

/// The documents whose snippets are checked, relative to the workspace root.
const DOCUMENTS: &[&str] = &["README.md", "INSTALL.md"];

/// What users are told to write for a git dependency on the current release.
fn git_source() -> String {
    format!(
        "git = \"{}\", tag = \"v{}\"",
        env!("CARGO_PKG_REPOSITORY"),
        env!("CARGO_PKG_VERSION")
    )
}

fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .ancestors()
        .nth(2)
        .unwrap()
        .to_path_buf()
}

/// A fenced code block: its language, the line of its opening fence, its text.
struct Block {
    language: String,
    line: usize,
    text: String,
}

fn fenced_blocks(markdown: &str) -> Vec<Block> {
    let mut blocks = Vec::new();
    let mut open: Option<Block> = None;
    for (index, line) in markdown.lines().enumerate() {
        match (open.take(), line.strip_prefix("```")) {
            (None, Some(language)) => {
                open = Some(Block {
                    language: language.trim().to_string(),
                    line: index + 1,
                    text: String::new(),
                });
            }
            (Some(block), Some(_)) => blocks.push(block),
            (Some(mut block), None) => {
                block.text.push_str(line);
                block.text.push('\n');
                open = Some(block);
            }
            (None, None) => {}
        }
    }
    assert!(open.is_none(), "a code block is not closed");
    blocks
}

/// Package name to folder, for every crate under `crates/`.
fn workspace_packages(root: &Path) -> BTreeMap<String, PathBuf> {
    let mut packages = BTreeMap::new();
    for entry in std::fs::read_dir(root.join("crates")).unwrap() {
        let folder = entry.unwrap().path();
        let Ok(manifest) = std::fs::read_to_string(folder.join("Cargo.toml")) else {
            continue;
        };
        let name = manifest
            .lines()
            .find_map(|line| line.strip_prefix("name = \""))
            .and_then(|rest| rest.strip_suffix('"'))
            .unwrap();
        packages.insert(name.to_string(), folder);
    }
    packages
}

/// The snippet's dependency table with each git dependency on this repository turned
/// into a path dependency on this checkout's crate of that name.
fn local_dependencies(toml: &str, packages: &BTreeMap<String, PathBuf>, place: &str) -> String {
    let source = git_source();
    let mut local = String::new();
    for line in toml.lines() {
        if line.contains("git = ") {
            assert!(
                line.contains(&source),
                "{place}: a git dependency must read `{source}`: {line}"
            );
            let name = line.split('=').next().unwrap().trim();
            let folder = packages
                .get(name)
                .unwrap_or_else(|| panic!("{place}: no crate {name} in this repository"));
            local.push_str(&line.replace(
                &source,
                &format!("path = {:?}", folder.display().to_string()),
            ));
        } else {
            local.push_str(line);
        }
        local.push('\n');
    }
    local
}

/// `cargo install --git ...` lines name this repository, the current tag and a crate.
fn check_install_commands(block: &Block, packages: &BTreeMap<String, PathBuf>, place: &str) {
    let expected = format!(
        "cargo install --git {} --tag v{} ",
        env!("CARGO_PKG_REPOSITORY"),
        env!("CARGO_PKG_VERSION")
    );
    for line in block.text.lines().filter(|l| l.contains("cargo install")) {
        let package = line
            .strip_prefix(&expected)
            .unwrap_or_else(|| panic!("{place}: install commands read `{expected}NAME`: {line}"));
        assert!(
            packages.contains_key(package.trim()),
            "{place}: no crate {package}"
        );
    }
}

/// A scratch crate: one dependency snippet and the programs that follow it.
struct Snippet {
    place: String,
    dependencies: String,
    programs: Vec<(String, String)>,
}

fn snippets(root: &Path, packages: &BTreeMap<String, PathBuf>) -> Vec<Snippet> {
    let mut snippets: Vec<Snippet> = Vec::new();
    for document in DOCUMENTS {
        let text = std::fs::read_to_string(root.join(document)).unwrap();
        let stem = document.trim_end_matches(".md").to_lowercase();
        for block in fenced_blocks(&text) {
            let place = format!("{document}:{}", block.line);
            match block.language.as_str() {
                "toml" => snippets.push(Snippet {
                    dependencies: local_dependencies(&block.text, packages, &place),
                    place,
                    programs: Vec::new(),
                }),
                "rust" => {
                    let snippet = snippets
                        .last_mut()
                        .filter(|s| s.place.starts_with(document))
                        .unwrap_or_else(|| panic!("{place}: no ```toml block before it"));
                    snippet
                        .programs
                        .push((format!("{stem}_{}", block.line), block.text));
                }
                "sh" => check_install_commands(&block, packages, &place),
                _ => {}
            }
        }
    }
    snippets
}

/// Writes the snippet's crate into `folder`.
fn write_crate(snippet: &Snippet, index: usize, folder: &Path, root: &Path) {
    let manifest = format!(
        "[package]\nname = \"snippet-{index}\"\nversion = \"0.0.0\"\nedition = \"2024\"\n\
         publish = false\n\n[workspace]\n\n{}",
        snippet.dependencies
    );
    std::fs::write(folder.join("Cargo.toml"), manifest).unwrap();
    // The workspace's lock file: the same versions as the workspace, nothing to fetch.
    std::fs::copy(root.join("Cargo.lock"), folder.join("Cargo.lock")).unwrap();
    let bin = folder.join("src").join("bin");
    std::fs::create_dir_all(&bin).unwrap();
    if snippet.programs.is_empty() {
        std::fs::write(bin.join(format!("snippet_{index}.rs")), "fn main() {}\n").unwrap();
    }
    for (name, source) in &snippet.programs {
        std::fs::write(bin.join(format!("{name}.rs")), source).unwrap();
    }
}

#[tokio::test]
async fn readme_and_install_snippets_build_and_run() {
    let root = workspace_root();
    let packages = workspace_packages(&root);
    let snippets = snippets(&root, &packages);
    assert!(
        snippets.iter().any(|s| !s.programs.is_empty()),
        "README.md has no program"
    );
    // Under the workspace's target folder, so dependencies compile once across runs.
    let target = root.join("target").join("readme-snippets");
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let cluster = client_go::envtest::test_cluster().await.unwrap();
    for (index, snippet) in snippets.iter().enumerate() {
        let folder = tempfile::tempdir().unwrap();
        write_crate(snippet, index, folder.path(), &root);
        let built = Command::new(&cargo)
            .args(["build", "--offline", "--all-targets", "--quiet"])
            .current_dir(folder.path())
            .env("CARGO_TARGET_DIR", &target)
            .status()
            .unwrap();
        assert!(
            built.success(),
            "{}: the snippet does not build",
            snippet.place
        );
        for (name, _) in &snippet.programs {
            let output = Command::new(target.join("debug").join(name))
                .env("KUBECONFIG", cluster.kubeconfig_path())
                .output()
                .unwrap();
            assert!(
                output.status.success(),
                "{}: {name} failed: {}{}",
                snippet.place,
                String::from_utf8_lossy(&output.stdout),
                String::from_utf8_lossy(&output.stderr)
            );
        }
    }
}
