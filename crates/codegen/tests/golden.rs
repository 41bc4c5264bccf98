//! The generated code in `tests/generated` is what the generator writes today for the
//! definitions in `tests/crds` and for the derived `Backup` resource (run with
//! `CLIENTGO_BLESS=1` to rewrite it after a deliberate change), and it compiles: it is
//! part of this test.

#![allow(clippy::unwrap_used)]

mod derived;
mod generated;

use std::path::Path;

use clientgo_api::apiextensions::v1::CustomResourceDefinition;
use clientgo_codegen::{Options, generate};

fn check(name: &str, crd: &CustomResourceDefinition) {
    let code = generate(crd, &Options::default()).unwrap();
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("tests/generated/{name}.rs"));
    if std::env::var_os("CLIENTGO_BLESS").is_some() {
        std::fs::write(&path, &code).unwrap();
    }
    let golden = std::fs::read_to_string(&path).unwrap();
    assert!(
        golden == code,
        "{} differs from the generator's output; run with CLIENTGO_BLESS=1 to rewrite it if \
         the change is deliberate:\n{code}",
        path.display()
    );
}

fn fixture(name: &str) -> CustomResourceDefinition {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("tests/crds/{name}.yaml"));
    serde_yaml::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

#[test]
fn fixtures_generate_the_checked_in_code() {
    for name in ["certificates", "servicemonitors", "workloads"] {
        check(name, &fixture(name));
    }
}

#[test]
fn a_derived_definition_generates_the_derived_types_again() {
    check("roundtrip", &derived::Backup::crd());
    // The generated types define the same resource as the derived ones.
    assert_eq!(
        serde_json::to_value(generated::roundtrip::Backup::crd()).unwrap(),
        serde_json::to_value(derived::Backup::crd()).unwrap()
    );
}

#[test]
fn the_facade_paths_are_used_when_asked() {
    let options = Options {
        facade: true,
        ..Options::default()
    };
    let code = generate(&fixture("certificates"), &options).unwrap();
    assert!(code.contains("use client_go::{CustomResource, StructuralSchema};"));
    assert!(code.contains("    crate = \"client_go::api\",\n"));
    assert!(code.contains("#[schema(crate = \"client_go::api\")]\npub enum"));
    assert!(code.contains("Option<client_go::apimachinery::Time>"));
}

#[test]
fn versions_can_be_picked_and_unknown_ones_are_refused() {
    let workloads = fixture("workloads");
    let options = Options {
        versions: vec!["v1alpha1".into()],
        ..Options::default()
    };
    let code = generate(&workloads, &options).unwrap();
    assert!(!code.contains("pub mod"), "one version, no module:\n{code}");
    assert!(code.contains("    version = \"v1alpha1\",\n"));
    let options = Options {
        versions: vec!["v9".into()],
        ..Options::default()
    };
    let error = generate(&workloads, &options).unwrap_err();
    assert_eq!(
        error.to_string(),
        "workloads.apps.clientgo.dev: no served version to generate (asked for v9)"
    );
}

/// Runs `clientgo-codegen` with `args` and `stdin`.
fn command(args: &[&str], stdin: &str) -> std::process::Output {
    use std::io::Write as _;
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_clientgo-codegen"))
        .args(args)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(stdin.as_bytes())
        .unwrap();
    child.wait_with_output().unwrap()
}

#[test]
fn the_command_picks_a_definition_from_a_file_of_several() {
    let crds = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/crds");
    let both = format!(
        "{}\n---\n{}",
        std::fs::read_to_string(crds.join("certificates.yaml")).unwrap(),
        std::fs::read_to_string(crds.join("servicemonitors.yaml")).unwrap()
    );
    let picked = command(
        &[
            "crd",
            "-",
            "--crd",
            "servicemonitors.monitoring.clientgo.dev",
        ],
        &both,
    );
    assert!(
        picked.status.success(),
        "{}",
        String::from_utf8_lossy(&picked.stderr)
    );
    let golden = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/generated/servicemonitors.rs"),
    )
    .unwrap();
    assert_eq!(String::from_utf8(picked.stdout).unwrap(), golden);

    let ambiguous = command(&["crd", "-"], &both);
    assert_eq!(ambiguous.status.code(), Some(1));
    assert_eq!(
        String::from_utf8(ambiguous.stderr).unwrap(),
        "clientgo-codegen: - holds several definitions; pick one with --crd \
         (certificates.cert.clientgo.dev, servicemonitors.monitoring.clientgo.dev)\n"
    );

    let usage = command(&["crd"], "");
    assert_eq!(usage.status.code(), Some(2));
    assert!(
        String::from_utf8(usage.stderr)
            .unwrap()
            .starts_with("clientgo-codegen: give FILE or --from-cluster\n\nusage:")
    );
}
