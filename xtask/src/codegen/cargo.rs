//! The generated Cargo manifest of `clientgo-api` and the generated feature lists of
//! the crates built on it (`clientgo-kubernetes`, listers, informers, the `client-go`
//! facade): one feature per API package, enabling the packages its types refer to.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

use super::Packages;
use super::spec::{Model, Shape};

/// Package → the other packages its types refer to.
pub type Features = BTreeMap<String, BTreeSet<String>>;

/// The features of `packages`.
pub fn features(model: &Model, packages: &Packages<'_>) -> Features {
    let mut features = Features::new();
    for (package, versions) in packages {
        let mut needs = BTreeSet::new();
        for def in versions.values().flatten() {
            let mut refs = Vec::new();
            match &def.shape {
                Shape::Struct(fields) => {
                    for field in fields {
                        super::collect_refs(&field.ty, &mut refs);
                    }
                }
                Shape::List(item) => refs.push(item.clone()),
                Shape::Json => {}
            }
            for id in refs {
                if let Some(target) = model.definitions.get(&id)
                    && &target.package != package
                {
                    needs.insert(target.package.clone());
                }
            }
        }
        features.insert(package.clone(), needs);
    }
    features
}

/// Extra entries of some features (`discovery` of the facade also turns the discovery
/// client on).
pub type Extras<'a> = &'a [(&'a str, &'a str)];

fn feature_lines(features: &Features, prefixes: &[&str], extras: Extras<'_>) -> String {
    let mut text = String::new();
    let all: Vec<String> = features.keys().map(|p| format!("\"{p}\"")).collect();
    let _ = writeln!(text, "all = [{}]", all.join(", "));
    for (package, needs) in features {
        let mut list: Vec<String> = extras
            .iter()
            .filter(|(feature, _)| feature == package)
            .map(|(_, entry)| format!("\"{entry}\""))
            .collect();
        list.extend(
            prefixes
                .iter()
                .map(|prefix| format!("\"{prefix}{package}\"")),
        );
        list.extend(needs.iter().map(|p| format!("\"{p}\"")));
        let _ = writeln!(text, "{package} = [{}]", list.join(", "));
    }
    text
}

/// `crates/api/Cargo.toml`.
pub fn api_manifest(header: &str, release: &str, features: &Features) -> String {
    format!(
        "# {header}

[package]
name = \"clientgo-api\"
description = \"Kubernetes {release} API types with apply configurations, generated from the OpenAPI document; one feature per API group.\"
readme = \"README.md\"
version.workspace = true
edition.workspace = true
rust-version.workspace = true
license.workspace = true
repository.workspace = true
homepage.workspace = true
authors.workspace = true
keywords = [\"kubernetes\", \"client-go\", \"api\", \"openapi\"]
categories = [\"api-bindings\"]

[dependencies]
clientgo-apimachinery.workspace = true
clientgo-derive = {{ workspace = true, optional = true }}
serde.workspace = true
serde_json.workspace = true

[features]
default = []
## `#[derive(CustomResource, StructuralSchema)]` for custom resources.
derive = [\"dep:clientgo-derive\", \"apiextensions\"]
{features}
[package.metadata.docs.rs]
all-features = true

[lints]
workspace = true
",
        features = feature_lines(features, &[], &[])
    )
}

const BEGIN: &str = "# BEGIN GENERATED FEATURES";
const END: &str = "# END GENERATED FEATURES";

/// A hand-written manifest (`crates/kubernetes/Cargo.toml`, ...) with its feature list
/// regenerated between the markers: each API package feature enables the same feature
/// of every crate in `prefixes` (`"clientgo-api/"`, `"clientgo-listers?/"`, ...), and
/// the `extras` named for it.
pub fn with_generated_features(
    manifest: &str,
    header: &str,
    features: &Features,
    prefixes: &[&str],
    extras: Extras<'_>,
) -> Result<String, String> {
    let (Some(begin), Some(end)) = (manifest.find(BEGIN), manifest.find(END)) else {
        return Err(format!("a manifest lacks the `{BEGIN}` / `{END}` markers"));
    };
    let mut text = manifest[..begin].to_string();
    let _ = writeln!(text, "{BEGIN}\n# {header}");
    text.push_str(&feature_lines(features, prefixes, extras));
    text.push_str(&manifest[end..]);
    Ok(text)
}
