//! `cargo xtask bench build`: clean release build time and binary size of the same
//! "list pods" program on client-go for Rust (one API group, all groups) and on
//! kube + k8s-openapi (`bench/list-pods/`), built one after another on this machine.
//! With `KUBECONFIG` set, each program also runs once against that cluster.
//!
//! `cargo xtask bench workqueue [--quick]`: CPU time and heap allocations per operation
//! of the work queue on client-go for Rust (`bench/workqueue/clientgo`) and on client-go
//! (`bench/workqueue/go`), both built in release mode and run on the same shapes and
//! item counts, interleaved five times each; the table shows the medians.

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

/// Builds the Go peer program in `dir` (a module of its own) into `output`.
pub fn go_build(dir: &Path, output: &Path) -> Result<(), String> {
    eprintln!("[xtask] building {} (go)", dir.display());
    let status = Command::new("go")
        .args(["build", "-o"])
        .arg(output)
        .arg(".")
        .current_dir(dir)
        .env("GOFLAGS", "-mod=mod")
        .status()
        .map_err(|e| format!("running go: {e}"))?;
    status
        .success()
        .then_some(())
        .ok_or_else(|| format!("building {} failed", dir.display()))
}

/// Runs `cargo xtask bench <what>`.
pub fn run(args: &[String]) -> Result<ExitCode, String> {
    match args.first().map(String::as_str) {
        Some("build") => build(),
        Some("workqueue") => workqueue(&args[1..]),
        Some("decode") => crate::bench_decode::run(&args[1..]),
        Some("requests") => crate::bench_requests::run(&args[1..]),
        _ => Err(
            "usage: cargo xtask bench build|informer|streaming|workqueue|decode|requests [--quick]"
                .into(),
        ),
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

/// Runs `cargo <args>` in `dir` (a project of its own) with `target` as its target folder.
pub(crate) fn cargo(dir: &Path, target: &Path, args: &[&str]) -> Result<(), String> {
    let mut command = crate::workspace::cargo_in(dir);
    command.args(args).env("CARGO_TARGET_DIR", target);
    crate::workspace::run(
        command,
        &format!("cargo {} in {}", args.join(" "), dir.display()),
    )
}

/// Items per shape of `bench workqueue`, and with `--quick`.
const WORKQUEUE_ITEMS: usize = 1_000_000;
const WORKQUEUE_QUICK_ITEMS: usize = 200_000;
/// Runs of each program; the table shows the medians.
const WORKQUEUE_RUNS: usize = 5;
/// The shapes both programs print, in table order, with their descriptions.
const WORKQUEUE_SHAPES: &[(&str, &str)] = &[
    ("1-worker", "1 worker, distinct keys (CPU per add)"),
    ("4-workers", "4 workers, distinct keys (CPU per add)"),
    (
        "hot-keys",
        "hot keys, 10 keys × 50 adds per burst (CPU per add)",
    ),
    (
        "benchmark-queue",
        "client-go's BenchmarkQueue (CPU per add/get/done)",
    ),
];

/// Per-operation figures of one run of one program, by shape.
type Run = Vec<(String, f64, f64)>;

fn workqueue(args: &[String]) -> Result<ExitCode, String> {
    let items = match args {
        [] => WORKQUEUE_ITEMS,
        [flag] if flag == "--quick" => WORKQUEUE_QUICK_ITEMS,
        _ => return Err("usage: cargo xtask bench workqueue [--quick]".into()),
    };
    let root = workspace::root();
    let target = root.join("target/bench");
    eprintln!("[xtask] building bench/workqueue/clientgo (release)");
    cargo(
        &root.join("bench/workqueue/clientgo"),
        &target,
        &["build", "--release"],
    )?;
    let go_binary = target.join("workqueue-go");
    go_build(&root.join("bench/workqueue/go"), &go_binary)?;
    let ours_binary = target.join("release/workqueue-clientgo");
    let (mut ours, mut theirs) = (Vec::new(), Vec::new());
    for run in 1..=WORKQUEUE_RUNS {
        eprintln!("[xtask] run {run}/{WORKQUEUE_RUNS} ({items} items per shape)");
        ours.push(workqueue_run(&ours_binary, items)?);
        theirs.push(workqueue_run(&go_binary, items)?);
    }
    println!(
        "| shape | ours CPU ns/op | client-go CPU ns/op | ours / client-go | ours allocs/op | client-go allocs/op |"
    );
    println!("|---|---|---|---|---|---|");
    for (shape, description) in WORKQUEUE_SHAPES {
        let (our_cpu, our_allocs) = medians(&ours, shape)?;
        let (their_cpu, their_allocs) = medians(&theirs, shape)?;
        println!(
            "| {description} | {our_cpu:.0} | {their_cpu:.0} | {:.2}× | {our_allocs:.3} | {their_allocs:.3} |",
            our_cpu / their_cpu
        );
    }
    Ok(ExitCode::SUCCESS)
}

/// Runs one program once: per shape, CPU ns and allocations per operation.
fn workqueue_run(binary: &Path, items: usize) -> Result<Run, String> {
    let output = Command::new(binary)
        .arg(items.to_string())
        .output()
        .map_err(|e| format!("running {}: {e}", binary.display()))?;
    if !output.status.success() {
        return Err(format!(
            "{} failed: {}",
            binary.display(),
            String::from_utf8_lossy(&output.stderr)
        ));
    }
    let mut run = Vec::new();
    for line in String::from_utf8_lossy(&output.stdout).lines() {
        let field = |name: &str| -> Result<f64, String> {
            line.split_whitespace()
                .find_map(|part| part.strip_prefix(name)?.strip_prefix('='))
                .ok_or_else(|| format!("no {name} in {line:?}"))?
                .parse()
                .map_err(|e| format!("{name} in {line:?}: {e}"))
        };
        let shape = line
            .split_whitespace()
            .find_map(|part| part.strip_prefix("shape="))
            .ok_or_else(|| format!("no shape in {line:?}"))?;
        let ops = field("ops")?;
        run.push((
            shape.to_owned(),
            field("cpu_ns")? / ops,
            field("allocs")? / ops,
        ));
    }
    Ok(run)
}

/// The median CPU ns/op and allocations/op of `shape` over `runs`.
fn medians(runs: &[Run], shape: &str) -> Result<(f64, f64), String> {
    let mut cpu = Vec::new();
    let mut allocs = Vec::new();
    for run in runs {
        let (_, ns, count) = run
            .iter()
            .find(|(name, _, _)| name == shape)
            .ok_or_else(|| format!("no result for shape {shape}"))?;
        cpu.push(*ns);
        allocs.push(*count);
    }
    let median = |values: &mut Vec<f64>| {
        values.sort_by(f64::total_cmp);
        values[values.len() / 2]
    };
    Ok((median(&mut cpu), median(&mut allocs)))
}
