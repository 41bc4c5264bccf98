//! The one version of the workspace in the root `Cargo.toml`: `version` under
//! `[workspace.package]`, repeated as the `version` of each workspace crate
//! (`clientgo-*`, `client-go`) under `[workspace.dependencies]`. Edits are made on the
//! text, line by line, so comments and layout stay as they are.

use super::version::Version;

/// Where a line of the manifest is.
#[derive(Clone, Copy, PartialEq)]
enum Section {
    Package,
    Dependencies,
    Other,
}

/// The sections of `manifest`'s lines, in order.
fn sections(manifest: &str) -> impl Iterator<Item = (Section, &str)> {
    let mut section = Section::Other;
    manifest.split_inclusive('\n').map(move |line| {
        let trimmed = line.trim();
        if trimmed.starts_with('[') {
            section = match trimmed {
                "[workspace.package]" => Section::Package,
                "[workspace.dependencies]" => Section::Dependencies,
                _ => Section::Other,
            };
        }
        (section, line)
    })
}

/// The value of `version = "..."` on a `[workspace.package]` line, if the line sets it.
fn package_version(line: &str) -> Option<&str> {
    let rest = line.trim().strip_prefix("version")?.trim_start();
    let rest = rest.strip_prefix('=')?.trim();
    rest.strip_prefix('"')?.strip_suffix('"')
}

/// Whether a `[workspace.dependencies]` line declares a crate of this workspace.
fn is_workspace_crate(line: &str) -> bool {
    let name = line.split('=').next().unwrap_or_default().trim();
    name.starts_with("clientgo-") || name == "client-go"
}

/// The workspace version (`[workspace.package]`'s `version`).
pub(crate) fn workspace_version(manifest: &str) -> Result<Version, String> {
    sections(manifest)
        .filter(|(section, _)| *section == Section::Package)
        .find_map(|(_, line)| package_version(line))
        .ok_or("Cargo.toml has no version under [workspace.package]")?
        .parse()
}

/// `manifest` with the workspace version set to `next`, and how many workspace crates
/// under `[workspace.dependencies]` it changed. Every such crate must name the current
/// version.
pub(crate) fn set_version(manifest: &str, next: Version) -> Result<(String, usize), String> {
    let current = workspace_version(manifest)?;
    let old = format!("version = \"{current}\"");
    let new = format!("version = \"{next}\"");
    let mut edited = String::with_capacity(manifest.len());
    let mut dependencies = 0;
    for (section, line) in sections(manifest) {
        match section {
            Section::Package if package_version(line).is_some() => {
                edited.push_str(&line.replacen(&old, &new, 1));
            }
            Section::Dependencies if is_workspace_crate(line) => {
                if !line.contains(&old) {
                    return Err(format!(
                        "Cargo.toml: [workspace.dependencies] entry without {old}: {}",
                        line.trim()
                    ));
                }
                edited.push_str(&line.replacen(&old, &new, 1));
                dependencies += 1;
            }
            _ => edited.push_str(line),
        }
    }
    Ok((edited, dependencies))
}

#[cfg(test)]
mod tests {
    use super::{set_version, workspace_version};

    const MANIFEST: &str = r#"[workspace]
members = ["crates/*"]

[workspace.package]
version = "0.1.0"
edition = "2024"

[workspace.dependencies]
# Crates of this workspace.
clientgo-rest = { path = "crates/rest", version = "0.1.0" }
client-go = { path = "crates/client-go", version = "0.1.0", default-features = false }
serde = { version = "0.1.0" }

[package]
version = "0.1.0"
"#;

    #[test]
    fn sets_the_workspace_version_and_workspace_crates_only() {
        let next = "0.2.0".parse().expect("version");
        let (edited, dependencies) = set_version(MANIFEST, next).expect("edit");
        assert_eq!(dependencies, 2);
        assert_eq!(workspace_version(&edited), Ok(next));
        assert!(edited.contains(r#"clientgo-rest = { path = "crates/rest", version = "0.2.0" }"#));
        assert!(edited.contains(r#"version = "0.2.0", default-features = false"#));
        assert!(edited.contains(r#"serde = { version = "0.1.0" }"#));
        assert!(edited.ends_with("[package]\nversion = \"0.1.0\"\n"));
        assert!(edited.contains("# Crates of this workspace.\n"));
    }

    #[test]
    fn refuses_a_workspace_crate_on_another_version() {
        let manifest = MANIFEST.replace(
            r#"crates/rest", version = "0.1.0""#,
            r#"crates/rest", version = "0.0.9""#,
        );
        let next = "0.2.0".parse().expect("version");
        assert!(set_version(&manifest, next).is_err());
    }
}
