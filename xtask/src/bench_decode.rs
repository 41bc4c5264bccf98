//! `cargo xtask bench decode [--quick] [--reuse]`: client CPU time and heap allocations
//! to decode the same list of 10,000 Pods, as a real API server sends it, on client-go
//! for Rust (`bench/decode/clientgo`, `ObjectList<Pod>` from JSON and from protobuf),
//! on client-go (`bench/decode/go`, `scheme.Codecs.UniversalDeserializer()` into a
//! `*v1.PodList`) and on kube-rs (`bench/decode/kube`, k8s-openapi's `List<Pod>`).
//!
//! Capture: the driver starts a local control plane, creates 10,000 Pods in namespace
//! `bench` (the Pods of `cargo xtask bench informer`), lists them twice, with
//! `Accept: application/json` and with `Accept: application/vnd.kubernetes.protobuf`,
//! writes the bodies to `target/bench-decode/pods.json` and `pods.pb` and stops the
//! control plane. `--reuse` skips the capture when both files exist.
//!
//! Measurement: each program reads its file into memory once, decodes it once as a
//! warm-up, then decodes it R times (7, `--quick`: 3) and reports per decode the
//! process's `getrusage` user+sys CPU time (every thread; Go's garbage collector
//! included) and the heap allocations (a counting global allocator in Rust,
//! `runtime.MemStats.Mallocs` in Go), and checks that every decode yields 10,000 items.
//! The driver runs all decoders one after another in 5 rounds (`--quick`: 3) and prints
//! the medians per Pod as a markdown table, then the same as a section to paste into
//! `docs/benchmarks.md`.

use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};

use clientgo_rest::RestClient;

use crate::bench_informer::{self, OBJECTS};
use crate::workspace;

/// Decodes per run (the measured loop of each program), and with `--quick`.
const DECODES: usize = 7;
const QUICK_DECODES: usize = 3;
/// Interleaved rounds of every decoder; the table shows the medians.
const ROUNDS: usize = 5;
const QUICK_ROUNDS: usize = 3;

const JSON: &str = "application/json";
const PROTOBUF: &str = "application/vnd.kubernetes.protobuf";
/// The first bytes of every Kubernetes protobuf body.
const PROTOBUF_MAGIC: &[u8] = b"k8s\0";

/// One decoder: a program and the format it decodes.
struct Decoder {
    label: &'static str,
    binary: &'static str,
    format: &'static str,
}

/// The decoders, in the order each round runs them.
const DECODERS: &[Decoder] = &[
    Decoder {
        label: "client-go for Rust",
        binary: "decode-clientgo",
        format: "json",
    },
    Decoder {
        label: "client-go for Rust",
        binary: "decode-clientgo",
        format: "protobuf",
    },
    Decoder {
        label: "client-go 0.37.2 (Go)",
        binary: "decode-go",
        format: "json",
    },
    Decoder {
        label: "client-go 0.37.2 (Go)",
        binary: "decode-go",
        format: "protobuf",
    },
    Decoder {
        label: "kube-rs 5 (k8s-openapi 0.29)",
        binary: "decode-kube",
        format: "json",
    },
];

/// The result line of one run of one decoder.
struct Run {
    items: f64,
    cpu_ns: f64,
    allocs: f64,
}

/// Runs `cargo xtask bench decode [--quick] [--reuse]` and prints the tables.
pub(crate) fn run(args: &[String]) -> Result<ExitCode, String> {
    let usage = "usage: cargo xtask bench decode [--quick] [--reuse]";
    let (mut quick, mut reuse) = (false, false);
    for arg in args {
        match arg.as_str() {
            "--quick" => quick = true,
            "--reuse" => reuse = true,
            _ => return Err(usage.into()),
        }
    }
    let (decodes, rounds) = if quick {
        (QUICK_DECODES, QUICK_ROUNDS)
    } else {
        (DECODES, ROUNDS)
    };
    let root = workspace::root();
    let data = root.join("target/bench-decode");
    let (json_file, protobuf_file) = (data.join("pods.json"), data.join("pods.pb"));
    if reuse && json_file.is_file() && protobuf_file.is_file() {
        eprintln!(
            "[xtask] reusing {} and {}",
            json_file.display(),
            protobuf_file.display()
        );
    } else {
        // The capture is async (control plane, REST client); this command is not.
        tokio::task::block_in_place(|| {
            tokio::runtime::Handle::current().block_on(capture(&json_file, &protobuf_file))
        })?;
    }
    check_protobuf(&protobuf_file)?;

    let target = root.join("target/bench");
    for program in ["clientgo", "kube"] {
        eprintln!("[xtask] building bench/decode/{program} (release)");
        crate::bench::cargo(
            &root.join("bench/decode").join(program),
            &target,
            &["build", "--release"],
        )?;
    }
    crate::bench::go_build(
        &root.join("bench/decode/go"),
        &target.join("release/decode-go"),
    )?;

    let file = |format: &str| {
        if format == "json" {
            &json_file
        } else {
            &protobuf_file
        }
    };
    let mut runs: Vec<Vec<Run>> = DECODERS.iter().map(|_| Vec::new()).collect();
    for round in 1..=rounds {
        eprintln!("[xtask] round {round}/{rounds} ({decodes} decodes per run)");
        for (index, decoder) in DECODERS.iter().enumerate() {
            let binary = target.join("release").join(decoder.binary);
            runs[index].push(run_decoder(
                &binary,
                decoder.format,
                file(decoder.format),
                decodes,
            )?);
        }
    }

    let size = |path: &Path| {
        std::fs::metadata(path)
            .map(|m| m.len() as f64)
            .map_err(|e| format!("{}: {e}", path.display()))
    };
    let (json_bytes, protobuf_bytes) = (size(&json_file)?, size(&protobuf_file)?);
    let mut table = vec![
        "| decoder | format | µs CPU per Pod | Pods/s (CPU) | MB/s of input (CPU) | allocs per Pod |"
            .to_owned(),
        "|---|---|---|---|---|---|".to_owned(),
    ];
    for (decoder, runs) in DECODERS.iter().zip(&runs) {
        let items = runs[0].items;
        let cpu_s = median(runs.iter().map(|r| r.cpu_ns)) / 1e9;
        let allocs = median(runs.iter().map(|r| r.allocs));
        let input = if decoder.format == "json" {
            json_bytes
        } else {
            protobuf_bytes
        };
        table.push(format!(
            "| {} | {} | {:.2} | {} | {:.0} | {:.1} |",
            decoder.label,
            decoder.format,
            cpu_s * 1e6 / items,
            thousands(items / cpu_s),
            input / cpu_s / 1e6,
            allocs / items,
        ));
    }
    let pods = OBJECTS as f64;
    let sizes = format!(
        "Input per Pod: JSON {} B, protobuf {} B ({:.0} % of JSON); the whole list {:.1} MB and {:.1} MB.",
        thousands(json_bytes / pods),
        thousands(protobuf_bytes / pods),
        100.0 * protobuf_bytes / json_bytes,
        json_bytes / 1e6,
        protobuf_bytes / 1e6,
    );
    let table = table.join("\n");
    println!("{table}\n\n{sizes}\n");
    println!("For docs/benchmarks.md:\n");
    println!(
        "## Decoding a list of Pods (`cargo xtask bench decode{}`, {})\n",
        if quick { " --quick" } else { "" },
        crate::release::today()
    );
    println!(
        "The same list of {} Pods (the Pods of the informer benchmark, `managedFields`
included), captured from a local kube-apiserver 1.37 as JSON and as protobuf, decoded
in memory by client-go for Rust (`bench/decode/clientgo`, `ObjectList<Pod>` with
serde_json), client-go v0.37.2 (`bench/decode/go`, Go 1.26,
`scheme.Codecs.UniversalDeserializer()` into a `*v1.PodList`) and kube-rs
(`bench/decode/kube`, k8s-openapi 0.29's `List<Pod>` with serde_json, as kube's client
decodes). Each program decodes its file once as a warm-up, then {decodes} times; CPU is
the process's `getrusage` user+sys time (every thread, Go's garbage collector included)
and allocations come from a counting global allocator (Rust) and
`runtime.MemStats.Mallocs` (Go), both per decode. Median of {rounds} interleaved
rounds; release builds; MB = 10⁶ bytes.
\n{table}\n\n{sizes}",
        thousands(pods)
    );
    Ok(ExitCode::SUCCESS)
}

/// Starts a control plane, seeds the Pods, writes their list as JSON and as protobuf,
/// and stops the control plane.
async fn capture(json_file: &Path, protobuf_file: &Path) -> Result<(), String> {
    let plane = workspace::start_control_plane(clientgo_envtest::default_version()).await?;
    let result = async {
        let client = bench_informer::unthrottled_client(&plane)?;
        bench_informer::seed(&client, &[("pods", bench_informer::pod)]).await?;
        for (accept, file) in [(JSON, json_file), (PROTOBUF, protobuf_file)] {
            let bytes = list_pods(&client, accept).await?;
            write(file, &bytes)?;
            eprintln!(
                "[xtask] wrote {} ({} bytes, {accept})",
                file.display(),
                bytes.len()
            );
        }
        Ok::<(), String>(())
    }
    .await;
    eprintln!("[xtask] stopping the control plane");
    plane.stop();
    result
}

/// The list of the `bench` namespace's Pods, asked for as `accept`.
async fn list_pods(client: &RestClient, accept: &str) -> Result<Vec<u8>, String> {
    let response = client
        .get()
        .group_version("", "v1")
        .namespace("bench")
        .resource("pods")
        .header("Accept", accept)
        .send()
        .await
        .map_err(|e| format!("listing pods as {accept}: {e}"))?;
    let content_type = response
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    if !content_type.starts_with(accept) {
        return Err(format!(
            "asked for {accept}, the server answered {content_type:?}"
        ));
    }
    let bytes = response
        .into_bytes()
        .map_err(|e| format!("listing pods as {accept}: {e}"))?;
    Ok(bytes.to_vec())
}

/// Writes `bytes` to `file` through a `.partial` file, so that `--reuse` never finds
/// half a capture.
fn write(file: &Path, bytes: &[u8]) -> Result<(), String> {
    if let Some(dir) = file.parent() {
        std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    }
    let partial = PathBuf::from(format!("{}.partial", file.display()));
    std::fs::write(&partial, bytes).map_err(|e| format!("{}: {e}", partial.display()))?;
    std::fs::rename(&partial, file).map_err(|e| format!("{}: {e}", file.display()))
}

/// Fails unless `file` starts with the protobuf envelope's magic bytes.
fn check_protobuf(file: &Path) -> Result<(), String> {
    let bytes = std::fs::read(file).map_err(|e| format!("{}: {e}", file.display()))?;
    bytes
        .starts_with(PROTOBUF_MAGIC)
        .then_some(())
        .ok_or_else(|| format!("{} does not start with k8s\\0", file.display()))
}

/// Runs one decoder once and reads its result line.
fn run_decoder(binary: &Path, format: &str, file: &Path, decodes: usize) -> Result<Run, String> {
    let output = Command::new(binary)
        .args(["--format", format, "--decodes", &decodes.to_string()])
        .arg(file)
        .output()
        .map_err(|e| format!("running {}: {e}", binary.display()))?;
    if !output.status.success() {
        return Err(format!(
            "{} --format {format} failed: {}",
            binary.display(),
            String::from_utf8_lossy(&output.stderr).trim()
        ));
    }
    let stdout = String::from_utf8_lossy(&output.stdout);
    let line = stdout
        .lines()
        .find(|line| line.starts_with("format="))
        .ok_or_else(|| format!("no result line from {}: {stdout:?}", binary.display()))?;
    let number = |name: &str| -> Result<f64, String> {
        bench_informer::field(line, name)?
            .parse()
            .map_err(|e| format!("{name} in {line:?}: {e}"))
    };
    let run = Run {
        items: number("items")?,
        cpu_ns: number("cpu_ns_per_decode")?,
        allocs: number("allocs_per_decode")?,
    };
    if run.items != OBJECTS as f64 {
        return Err(format!(
            "{} decoded {} items, expected {OBJECTS}",
            binary.display(),
            run.items
        ));
    }
    Ok(run)
}

/// The median of `values` (the upper one of an even count).
fn median(values: impl Iterator<Item = f64>) -> f64 {
    let mut values: Vec<f64> = values.collect();
    values.sort_by(f64::total_cmp);
    values.get(values.len() / 2).copied().unwrap_or(f64::NAN)
}

/// `value` rounded, with thousands separated by commas (`61,728`).
fn thousands(value: f64) -> String {
    let digits = format!("{:.0}", value);
    let (sign, digits) = digits
        .strip_prefix('-')
        .map_or(("", digits.as_str()), |d| ("-", d));
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    format!("{sign}{out}")
}
