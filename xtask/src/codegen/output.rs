//! Writing generated files, and comparing them with what is on disk (`--check`).

use std::path::{Path, PathBuf};

use super::Files;

/// Folders whose Rust files are all generated: files there that the generator no
/// longer produces are stale.
const GENERATED_DIRS: &[&str] = &["crates/api/src"];

/// Writes `files` under `root` and removes generated files no longer produced.
pub fn write(root: &Path, files: &Files) -> Result<(), String> {
    for path in leftovers(root, files)? {
        std::fs::remove_file(root.join(&path))
            .map_err(|e| format!("removing {}: {e}", path.display()))?;
    }
    for (path, text) in files {
        let full = root.join(path);
        if std::fs::read_to_string(&full).ok().as_deref() == Some(text.as_str()) {
            continue; // unchanged: keep the modification time for cargo
        }
        if let Some(parent) = full.parent() {
            std::fs::create_dir_all(parent)
                .map_err(|e| format!("creating {}: {e}", parent.display()))?;
        }
        std::fs::write(&full, text).map_err(|e| format!("writing {}: {e}", full.display()))?;
    }
    Ok(())
}

/// The generated files that differ from `files` (changed, missing or left over).
pub fn check(root: &Path, files: &Files) -> Result<Vec<PathBuf>, String> {
    let mut stale: Vec<PathBuf> = files
        .iter()
        .filter(|(path, text)| {
            std::fs::read_to_string(root.join(path)).ok().as_deref() != Some(text.as_str())
        })
        .map(|(path, _)| path.clone())
        .collect();
    stale.extend(leftovers(root, files)?);
    Ok(stale)
}

fn leftovers(root: &Path, files: &Files) -> Result<Vec<PathBuf>, String> {
    let mut out = Vec::new();
    for dir in GENERATED_DIRS {
        let mut stack = vec![root.join(dir)];
        while let Some(dir) = stack.pop() {
            let Ok(entries) = std::fs::read_dir(&dir) else {
                continue;
            };
            for entry in entries {
                let path = entry.map_err(|e| e.to_string())?.path();
                if path.is_dir() {
                    stack.push(path);
                } else if let Ok(relative) = path.strip_prefix(root)
                    && !files.contains_key(relative)
                {
                    out.push(relative.to_path_buf());
                }
            }
        }
    }
    Ok(out)
}

/// The SHA-256 of `bytes` in lower-case hex.
pub fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::Digest as _;
    sha2::Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Formats Rust source with `rustfmt` (the workspace's settings), so generated files
/// pass `cargo fmt --check`.
pub fn rustfmt(root: &Path, source: &str) -> Result<String, String> {
    use std::io::Write as _;
    use std::process::{Command, Stdio};

    let mut child = Command::new("rustfmt")
        .args(["--edition", "2024", "--emit", "stdout"])
        .current_dir(root)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| format!("running rustfmt: {e}"))?;
    let mut stdin = child.stdin.take().ok_or("rustfmt has no stdin")?;
    let input = source.to_string();
    let writer = std::thread::spawn(move || stdin.write_all(input.as_bytes()));
    let output = child
        .wait_with_output()
        .map_err(|e| format!("running rustfmt: {e}"))?;
    writer
        .join()
        .map_err(|_| "the rustfmt writer panicked".to_string())?
        .map_err(|e| format!("writing to rustfmt: {e}"))?;
    if !output.status.success() {
        return Err(format!(
            "rustfmt failed: {}",
            String::from_utf8_lossy(&output.stderr)
        ));
    }
    String::from_utf8(output.stdout).map_err(|e| format!("rustfmt output: {e}"))
}
