//! `cargo xtask codegen`: generates `clientgo-api` (types and apply configurations)
//! and the typed clientset's accessors from the Kubernetes OpenAPI v2 document.
//!
//! ```text
//! cargo xtask codegen [--spec FILE | --from-cluster KUBECONFIG] [--check]
//! cargo xtask codegen --protobuf-from-go [GOMODCACHE]
//! ```
//!
//! - Without a source it reads the document stored for the pinned release,
//!   `xtask/openapi/kubernetes-<release>.json`.
//! - `--from-cluster` fetches `/openapi/v2` and `/version` from a live server (a fresh
//!   `cargo xtask envtest up` one: custom resources would be left out anyway), stores the
//!   document under `xtask/openapi/` and generates from it.
//! - `--check` generates in memory and fails if any generated file differs.
//! - `--protobuf-from-go` stores the protobuf field numbers of the pinned release's Go
//!   API types (from the Go module cache, `go env GOMODCACHE` by default) as
//!   `xtask/openapi/protobuf-<release>.tsv`, then generates.

mod apply;
mod cargo;
mod clientset;
mod fetch;
mod fixups;
mod informers;
mod layout;
mod names;
mod output;
mod protobuf;
mod render;
mod spec;
mod types;

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::path::PathBuf;
use std::process::ExitCode;

use crate::workspace;

/// Where a generated file goes (relative to the workspace root) and its text.
type Files = BTreeMap<PathBuf, String>;

struct Args {
    spec: Option<PathBuf>,
    from_cluster: Option<PathBuf>,
    check: bool,
    protobuf_from_go: Option<Option<PathBuf>>,
}

fn parse_args(args: Vec<String>) -> Result<Args, String> {
    let mut parsed = Args {
        spec: None,
        from_cluster: None,
        check: false,
        protobuf_from_go: None,
    };
    let mut args = args.into_iter();
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--check" => parsed.check = true,
            "--protobuf-from-go" => {
                let dir = args.next().map(PathBuf::from);
                parsed.protobuf_from_go = Some(dir);
            }
            "--spec" => parsed.spec = Some(args.next().ok_or("--spec needs a file")?.into()),
            "--from-cluster" => {
                parsed.from_cluster = Some(
                    args.next()
                        .ok_or("--from-cluster needs a kubeconfig")?
                        .into(),
                )
            }
            other => return Err(format!("unknown argument {other:?}\n{}", super::USAGE)),
        }
    }
    if parsed.spec.is_some() && parsed.from_cluster.is_some() {
        return Err("give --spec or --from-cluster, not both".into());
    }
    Ok(parsed)
}

/// Runs the command.
pub async fn run(args: Vec<String>) -> Result<ExitCode, String> {
    let args = parse_args(args)?;
    let root = workspace::root();
    let spec_path = match (&args.spec, &args.from_cluster) {
        (Some(spec), _) => spec.clone(),
        (None, Some(kubeconfig)) => fetch::store_from_cluster(kubeconfig, &root).await?,
        (None, None) => default_spec(),
    };
    let bytes =
        std::fs::read(&spec_path).map_err(|e| format!("reading {}: {e}", spec_path.display()))?;
    let release = release_of(&spec_path);
    if let Some(dir) = &args.protobuf_from_go {
        let dir = match dir {
            Some(dir) => dir.clone(),
            None => go_mod_cache()?,
        };
        let table = protobuf::extract(&dir, &release)?;
        let path = protobuf::table_path(&root, &release);
        std::fs::write(&path, table).map_err(|e| format!("writing {}: {e}", path.display()))?;
        eprintln!("[xtask] wrote {}", path.display());
    }
    let mut files = generate(&bytes, &release)?;
    format_rust(&root, &mut files)?;
    if args.check {
        let stale = output::check(&root, &files)?;
        if stale.is_empty() {
            eprintln!(
                "[xtask] generated code is up to date ({} files)",
                files.len()
            );
            return Ok(ExitCode::SUCCESS);
        }
        for path in &stale {
            eprintln!("[xtask] stale: {}", path.display());
        }
        return Err(format!(
            "{} generated files differ from `cargo xtask codegen`; run it and commit the result",
            stale.len()
        ));
    }
    output::write(&root, &files)?;
    eprintln!(
        "[xtask] wrote {} generated files from {}",
        files.len(),
        spec_path.display()
    );
    Ok(ExitCode::SUCCESS)
}

/// Formats the Rust files, two at a time.
fn format_rust(root: &std::path::Path, files: &mut Files) -> Result<(), String> {
    let rust: Vec<(PathBuf, String)> = files
        .iter()
        .filter(|(path, _)| path.extension().is_some_and(|e| e == "rs"))
        .map(|(p, t)| (p.clone(), t.clone()))
        .collect();
    let formatted = std::thread::scope(|scope| {
        let (even, odd): (Vec<_>, Vec<_>) = rust.iter().enumerate().partition(|(i, _)| i % 2 == 0);
        let run = |part: Vec<(usize, &(PathBuf, String))>| {
            part.into_iter()
                .map(|(_, (path, text))| output::rustfmt(root, text).map(|t| (path.clone(), t)))
                .collect::<Result<Vec<_>, String>>()
        };
        let first = scope.spawn(move || run(even));
        let second = run(odd);
        let first = first
            .join()
            .map_err(|_| "a rustfmt thread panicked".to_string())?;
        Ok::<_, String>([first?, second?].concat())
    })?;
    files.extend(formatted);
    Ok(())
}

/// `go env GOMODCACHE`.
fn go_mod_cache() -> Result<PathBuf, String> {
    let output = std::process::Command::new("go")
        .args(["env", "GOMODCACHE"])
        .output()
        .map_err(|e| format!("running go env: {e}"))?;
    let dir = String::from_utf8_lossy(&output.stdout).trim().to_string();
    if dir.is_empty() {
        return Err("go env GOMODCACHE printed nothing".into());
    }
    Ok(PathBuf::from(dir))
}

/// The stored document of the pinned release.
fn default_spec() -> PathBuf {
    workspace::root().join("xtask/openapi").join(format!(
        "kubernetes-{}.json",
        clientgo_envtest::default_version()
    ))
}

/// The release a stored document is named after (`kubernetes-1.37.2.json`).
fn release_of(path: &std::path::Path) -> String {
    path.file_stem()
        .and_then(|s| s.to_str())
        .and_then(|s| s.strip_prefix("kubernetes-"))
        .unwrap_or("unknown")
        .to_string()
}

/// Every generated file, from the document's bytes.
fn generate(bytes: &[u8], release: &str) -> Result<Files, String> {
    let document: serde_json::Value =
        serde_json::from_slice(bytes).map_err(|e| format!("the document is not JSON: {e}"))?;
    let mut model = spec::parse(&document)?;
    let release = if release == "unknown" {
        model.info_version.clone()
    } else {
        release.to_string()
    };
    let release = release.as_str();
    model.protobuf = protobuf::load(&protobuf::table_path(&workspace::root(), release))?;
    let (supported, left_out) = protobuf::supported(&model, &model.protobuf);
    model.protobuf_supported = supported;
    if std::env::var_os("CLIENTGO_CODEGEN_VERBOSE").is_some() {
        for (id, why) in &left_out {
            eprintln!("[xtask] no protobuf decoder for {id}: {why}");
        }
    }
    let sha256 = output::sha256_hex(bytes);
    let header = format!(
        "Generated by `cargo xtask codegen` from the OpenAPI document of Kubernetes {release} (sha256 {sha256}). Do not edit."
    );
    let rust_header = format!("// {header}\n\n");

    let mut files = Files::new();
    let packages = packages(&model);
    let features = cargo::features(&model, &packages);

    files.insert(
        "crates/api/Cargo.toml".into(),
        cargo::api_manifest(&header, release, &features),
    );
    files.insert(
        "crates/api/src/lib.rs".into(),
        format!("{rust_header}{}", api_lib(&model, release, &packages)),
    );

    // API machinery apply configurations (`meta::v1::apply`).
    let machinery = machinery_for_apply(&model);
    let mut text = rust_header.clone();
    text.push_str("//! Apply configurations of the API machinery types (`ObjectMeta`, `LabelSelector`, ...).\n\n");
    apply::render(&model, &machinery, &mut text);
    files.insert("crates/api/src/meta/v1/apply.rs".into(), text);
    files.insert(
        "crates/api/src/meta/v1/mod.rs".into(),
        format!("{rust_header}//! `meta/v1`: the API machinery types live in `clientgo_apimachinery::meta`; their apply configurations are here.\n\npub mod apply;\n"),
    );
    files.insert(
        "crates/api/src/meta/mod.rs".into(),
        format!("{rust_header}//! The `meta.k8s.io` package.\n\npub mod v1;\n"),
    );

    for (package, versions) in &packages {
        let mut text = rust_header.clone();
        let _ = writeln!(text, "//! The `{package}` API package.\n");
        for version in versions.keys() {
            let _ = writeln!(text, "pub mod {version};");
        }
        files.insert(format!("crates/api/src/{package}/mod.rs").into(), text);

        for (version, defs) in versions {
            let mut text = rust_header.clone();
            let _ = writeln!(
                text,
                "//! The `{package}/{version}` API types; their apply configurations are in [`apply`].\n\npub mod apply;\n"
            );
            types::render(&model, defs, &mut text);
            files.insert(
                format!("crates/api/src/{package}/{version}/mod.rs").into(),
                text,
            );

            let mut text = rust_header.clone();
            let _ = writeln!(
                text,
                "//! Apply configurations of the `{package}/{version}` API types.\n"
            );
            apply::render(&model, defs, &mut text);
            files.insert(
                format!("crates/api/src/{package}/{version}/apply.rs").into(),
                text,
            );
        }
    }

    let renderers: [(&str, Renderer, &[&str]); 3] = [
        ("kubernetes", clientset::render, &["clientgo-api/"]),
        ("listers", informers::render_listers, &["clientgo-api/"]),
        (
            "informers",
            informers::render_informers,
            &["clientgo-api/", "clientgo-kubernetes/", "clientgo-listers/"],
        ),
    ];
    for (krate, render, prefixes) in renderers {
        let mut text = rust_header.clone();
        render(&model, &mut text);
        files.insert(format!("crates/{krate}/src/generated.rs").into(), text);
        let manifest_path = workspace::root().join(format!("crates/{krate}/Cargo.toml"));
        let manifest = std::fs::read_to_string(&manifest_path)
            .map_err(|e| format!("reading {}: {e}", manifest_path.display()))?;
        files.insert(
            format!("crates/{krate}/Cargo.toml").into(),
            cargo::with_generated_features(&manifest, &header, &features, prefixes, &[])?,
        );
    }
    // The facade passes each API package feature on to the crates the user turned on.
    let manifest_path = workspace::root().join("crates/client-go/Cargo.toml");
    let manifest = std::fs::read_to_string(&manifest_path)
        .map_err(|e| format!("reading {}: {e}", manifest_path.display()))?;
    files.insert(
        "crates/client-go/Cargo.toml".into(),
        cargo::with_generated_features(
            &manifest,
            &header,
            &features,
            &[
                "clientgo-api/",
                "clientgo-kubernetes?/",
                "clientgo-listers?/",
                "clientgo-informers?/",
            ],
            &[("discovery", "dep:clientgo-discovery")],
        )?,
    );
    Ok(files)
}

/// Renders a crate's `src/generated.rs`.
type Renderer = fn(&spec::Model, &mut String);

/// Definitions by package and version.
type Packages<'a> = BTreeMap<String, BTreeMap<String, Vec<&'a spec::Definition>>>;

fn packages(model: &spec::Model) -> Packages<'_> {
    let mut packages: Packages<'_> = BTreeMap::new();
    for def in model.definitions.values() {
        packages
            .entry(def.package.clone())
            .or_default()
            .entry(def.version.clone())
            .or_default()
            .push(def);
    }
    packages
}

/// The API machinery structs reachable from the generated types' fields, which get
/// apply configurations of their own.
fn machinery_for_apply(model: &spec::Model) -> Vec<&spec::Definition> {
    let mut seen = BTreeSet::new();
    let refs = |def: &spec::Definition| -> Vec<String> {
        let mut out = Vec::new();
        if let spec::Shape::Struct(fields) = &def.shape {
            for field in fields {
                collect_refs(&field.ty, &mut out);
            }
        }
        out
    };
    let mut pending: Vec<String> = model.definitions.values().flat_map(refs).collect();
    while let Some(id) = pending.pop() {
        if !spec::is_machinery(&id) || matches!(fixups::machinery_type(&id), Some((_, true))) {
            continue;
        }
        if seen.insert(id.clone())
            && let Some(def) = model.machinery.get(&id)
        {
            pending.extend(refs(def));
        }
    }
    seen.iter()
        .filter_map(|id| model.machinery.get(id))
        .collect()
}

fn collect_refs(ty: &spec::Ty, out: &mut Vec<String>) {
    match ty {
        spec::Ty::Ref(id) => out.push(id.clone()),
        spec::Ty::Vec(inner) | spec::Ty::Map(inner) => collect_refs(inner, out),
        _ => {}
    }
}

fn api_lib(model: &spec::Model, release: &str, packages: &Packages<'_>) -> String {
    let mut text = format!(
        "//! The Kubernetes API types of release {release}, generated from its OpenAPI document:
//! a struct per definition, list types, the [`Resource`](clientgo_apimachinery::Resource)
//! identity of every top-level kind, and apply configurations for server-side apply.
//!
//! Each API package is a Cargo feature, so a program compiles only the groups it uses
//! (`all` enables every one):
//!
//! | Feature | Modules | Kinds served |
//! |---|---|---|
"
    );
    let grouped = clientset::resources_by_group_version(model);
    for (package, versions) in packages {
        let modules: Vec<String> = versions
            .keys()
            .map(|v| format!("`{package}::{v}`"))
            .collect();
        let kinds: usize = versions
            .keys()
            .map(|v| {
                grouped
                    .get(&(package.clone(), v.clone()))
                    .map_or(0, Vec::len)
            })
            .sum();
        let _ = writeln!(
            text,
            "//! | `{package}` | {} | {kinds} |",
            modules.join(", ")
        );
    }
    text.push_str(
        "//!
//! # Example
//!
//! ```
//! # #[cfg(feature = \"apps\")] {
//! use clientgo_api::apps::v1::{Deployment, apply::DeploymentApplyConfiguration};
//! use clientgo_apimachinery::Resource;
//!
//! assert_eq!(Deployment::api_version(), \"apps/v1\");
//! assert_eq!(Deployment::PLURAL, \"deployments\");
//!
//! let config = DeploymentApplyConfiguration::new(\"web\", \"default\")
//!     .with_labels([(\"app\", \"web\")]);
//! let json = serde_json::to_value(&config).unwrap();
//! assert_eq!(json[\"metadata\"][\"labels\"][\"app\"], \"web\");
//! assert!(json.get(\"spec\").is_none(), \"unset fields are omitted\");
//! # }
//! ```

#![allow(rustdoc::bare_urls)]

pub mod meta;

/// `#[derive(CustomResource)]` (the object type, identity, verbs and definition of a
/// custom resource) and `#[derive(StructuralSchema)]` (the structural schema of a type).
#[cfg(feature = \"derive\")]
pub use clientgo_derive::{CustomResource, StructuralSchema};

/// What the derive macros' code refers to; not a stable API.
#[doc(hidden)]
pub mod __private {
    pub use clientgo_apimachinery;
    pub use serde;
    pub use serde_json;
}
",
    );
    for package in packages.keys() {
        let _ = writeln!(text, "#[cfg(feature = \"{package}\")]\npub mod {package};");
    }
    text
}

/// The API the generated code covers: `group/version` (`v1` for core) → the names of
/// its resources and subresources (`deployments`, `deployments/status`), read from the
/// stored OpenAPI document the code is generated from.
pub(crate) fn generated_api() -> Result<(String, BTreeMap<String, BTreeSet<String>>), String> {
    let path = default_spec();
    let bytes = std::fs::read(&path).map_err(|e| format!("reading {}: {e}", path.display()))?;
    let document: serde_json::Value =
        serde_json::from_slice(&bytes).map_err(|e| format!("the document is not JSON: {e}"))?;
    let model = spec::parse(&document)?;
    let mut api: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for (id, resource) in &model.resources {
        let Some(gvk) = model.lookup(id).and_then(|d| d.gvk.as_ref()) else {
            continue;
        };
        let group_version = if gvk.group.is_empty() {
            gvk.version.clone()
        } else {
            format!("{}/{}", gvk.group, gvk.version)
        };
        let names = api.entry(group_version).or_default();
        names.insert(resource.plural.clone());
        for sub in resource.subresources.keys() {
            names.insert(format!("{}/{sub}", resource.plural));
        }
    }
    Ok((release_of(&path), api))
}
