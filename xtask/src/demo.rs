//! `cargo xtask demo`: start a local control plane and run every example against it.

use std::process::ExitCode;
use std::time::Instant;

use crate::{Outcome, in_cluster, take_version, workspace};

pub(crate) async fn run(args: Vec<String>) -> Outcome {
    let (version, rest) = take_version(args)?;
    if !rest.is_empty() {
        return Err(format!("demo takes only --k8s-version, not {rest:?}"));
    }
    let examples = example_names()?;
    eprintln!("[xtask] building {} examples", examples.len());
    let built = workspace::cargo()
        .args([
            "build",
            "--quiet",
            "--package",
            "clientgo-examples",
            "--examples",
        ])
        .status()
        .map_err(|e| format!("running cargo: {e}"))?;
    if !built.success() {
        return Ok(ExitCode::FAILURE);
    }
    let plane = workspace::start_control_plane(version).await?;
    let (_mount, pod_environment) = in_cluster::mimic_pod(&plane).await?;
    let mut failed = Vec::new();
    for name in &examples {
        println!("\n=== example {name} ===");
        let started = Instant::now();
        let mut command = workspace::cargo();
        command
            .args([
                "run",
                "--quiet",
                "--package",
                "clientgo-examples",
                "--example",
                name,
            ])
            .env("KUBECONFIG", plane.kubeconfig_path());
        if name.starts_with("in-cluster") {
            command.envs(pod_environment.iter().cloned());
        }
        let status = command
            .status()
            .map_err(|e| format!("running cargo: {e}"))?;
        let verdict = if status.success() { "ok" } else { "FAILED" };
        println!(
            "=== {name}: {verdict} in {:.1}s ===",
            started.elapsed().as_secs_f64()
        );
        if !status.success() {
            failed.push(name.clone());
        }
    }
    plane.stop();
    println!(
        "\n{} examples ran against Kubernetes {version}: {} passed, {} failed {failed:?}",
        examples.len(),
        examples.len() - failed.len(),
        failed.len()
    );
    Ok(if failed.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}

/// The examples in the order `examples/Cargo.toml` declares them.
fn example_names() -> Result<Vec<String>, String> {
    let manifest = workspace::root().join("examples/Cargo.toml");
    let text = std::fs::read_to_string(&manifest)
        .map_err(|e| format!("reading {}: {e}", manifest.display()))?;
    let mut names = Vec::new();
    let mut in_example = false;
    for line in text.lines().map(str::trim) {
        if line.starts_with('[') {
            in_example = line == "[[example]]";
        } else if in_example && let Some(value) = line.strip_prefix("name") {
            let name = value
                .trim_start()
                .trim_start_matches('=')
                .trim()
                .trim_matches('"');
            names.push(name.to_string());
        }
    }
    if names.is_empty() {
        return Err(format!("{} declares no examples", manifest.display()));
    }
    Ok(names)
}
