//! `cargo xtask bench build`: clean release build time and binary size of the same
//! "list pods" program on client-go for Rust (one API group, all groups) and on
//! kube + k8s-openapi (`bench/list-pods/`), built one after another on this machine.
//! With `KUBECONFIG` set, each program also runs once against that cluster.

use std::path::Path;
use std::process::{Command, ExitCode};
use std::time::Instant;

use crate::workspace;

/// One program to build.
struct Variant {
    label: &'static str,
    dir: &'static str,
    features: &'static [&'static str],
    binary: &'static str,
}

const VARIANTS: &[Variant] = &[
    Variant {
        label: "client-go for Rust, `core` group only",
        dir: "bench/list-pods/clientgo",
        features: &[],
        binary: "list-pods-clientgo",
    },
    Variant {
        label: "client-go for Rust, all API groups",
        dir: "bench/list-pods/clientgo",
        features: &["all-groups"],
        binary: "list-pods-clientgo",
    },
    Variant {
        label: "kube 5 + k8s-openapi 0.29 (v1_37)",
        dir: "bench/list-pods/kube",
        features: &[],
        binary: "list-pods-kube",
    },
];

/// Runs `cargo xtask bench <what>`.
pub fn run(args: &[String]) -> Result<ExitCode, String> {
    match args.first().map(String::as_str) {
        Some("build") => build(),
        _ => Err("usage: cargo xtask bench build".into()),
    }
}

fn build() -> Result<ExitCode, String> {
    let root = workspace::root();
    let mut rows = Vec::new();
    for variant in VARIANTS {
        let dir = root.join(variant.dir);
        let target = tempfile::tempdir().map_err(|e| e.to_string())?;
        // Downloads are not part of the build time.
        cargo(&dir, target.path(), &["fetch", "--locked"])?;
        let mut args = vec!["build", "--release", "--locked", "--offline"];
        let features = variant.features.join(",");
        if !features.is_empty() {
            args.extend(["--features", features.as_str()]);
        }
        eprintln!("[xtask] building {} ...", variant.label);
        let started = Instant::now();
        cargo(&dir, target.path(), &args)?;
        let seconds = started.elapsed().as_secs_f64();
        let binary = target.path().join("release").join(variant.binary);
        let bytes = std::fs::metadata(&binary)
            .map_err(|e| format!("{}: {e}", binary.display()))?
            .len();
        if std::env::var_os("KUBECONFIG").is_some() {
            // Both programs must work, not just build: run each against the cluster.
            let output = Command::new(&binary)
                .output()
                .map_err(|e| format!("running {}: {e}", binary.display()))?;
            if !output.status.success() {
                return Err(format!(
                    "{} failed: {}",
                    variant.label,
                    String::from_utf8_lossy(&output.stderr)
                ));
            }
            let first = String::from_utf8_lossy(&output.stdout);
            eprintln!(
                "[xtask] {} ran: {}",
                variant.label,
                first.lines().next().unwrap_or("")
            );
        }
        let row = format!(
            "| {} | {:.0} s | {:.1} MiB |",
            variant.label,
            seconds,
            bytes as f64 / (1024.0 * 1024.0)
        );
        eprintln!("{row}");
        rows.push(row);
    }
    println!("| program | clean release build | stripped binary |");
    println!("|---|---|---|");
    for row in rows {
        println!("{row}");
    }
    Ok(ExitCode::SUCCESS)
}

fn cargo(dir: &Path, target: &Path, args: &[&str]) -> Result<(), String> {
    let status = Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()))
        .args(args)
        .current_dir(dir)
        .env("CARGO_TARGET_DIR", target)
        .status()
        .map_err(|e| format!("running cargo: {e}"))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!(
            "cargo {} failed in {}",
            args.join(" "),
            dir.display()
        ))
    }
}
