//! `cargo xtask bench requests [--quick]`: client CPU time and heap allocations per
//! request of client-go for Rust (`bench/requests/clientgo`, `Clientset`), of client-go
//! (`bench/requests/go`, `kubernetes.Clientset`) and of kube-rs
//! (`bench/requests/kube`, `Api<ConfigMap>`), against the same real kube-apiserver in
//! one run.
//!
//! The driver starts a local control plane (the default Kubernetes version) and creates
//! in namespace `bench` ConfigMap `target` (two small data keys) and [`SMALL`] small
//! ConfigMaps `small-0..9` labelled `bench=small`. Each program builds its client once
//! (client-side rate limiting off where the library has one) and measures two shapes:
//! `get`, a typed GET of `target`, and `list`, a typed LIST with label selector
//! `bench=small`. Per shape it sends 200 requests as a warm-up, then N more (2,000,
//! `--quick`: 500) one after another, and prints the process's `getrusage` user+sys CPU
//! time (every thread: the tokio runtime's or Go's scheduler and garbage collector
//! included) and its heap allocations (a counting global allocator in Rust,
//! `runtime.MemStats.Mallocs` in Go) over those N.
//!
//! Both Rust programs run on the same multi-threaded tokio runtime, made by
//! `bench/requests/harness` as `#[tokio::main]` makes it (one worker per core), as most
//! programs do. Ours and client-go speak HTTP/2 to the API server, kube-rs HTTP/1.1
//! (its hyper client offers no h2). Each library reads its default content type (ours:
//! protobuf for built-in kinds; client-go and kube-rs: JSON); ours also runs with
//! `content_type = application/json` and client-go with `ContentType` protobuf. The
//! driver runs the five client/encoding pairs one after another in 5 rounds
//! (`--quick`: 3), and prints the medians per request as a markdown table with the
//! ratios, then the same as a section to paste into `docs/benchmarks.md`. The API
//! server's CPU is not counted.

use std::path::Path;
use std::process::{Command, ExitCode};

use clientgo_rest::RestClient;
use serde_json::{Value, json};

use crate::bench_informer;
use crate::workspace;

/// Requests per shape in each run (the measured loop of each program), and with
/// `--quick`.
const REQUESTS: usize = 2_000;
const QUICK_REQUESTS: usize = 500;
/// Interleaved rounds of every client; the table shows the medians.
const ROUNDS: usize = 5;
const QUICK_ROUNDS: usize = 3;
/// ConfigMaps labelled `bench=small`: what each `list` returns.
const SMALL: usize = 10;
/// The shapes every program measures, in the order of its result lines.
const SHAPES: [&str; 2] = ["get", "list"];

/// One client: a program and the encoding it is asked to read.
struct Client {
    label: &'static str,
    binary: &'static str,
    encoding: &'static str,
}

/// The clients, in the order each round runs them and the table shows them.
const CLIENTS: [Client; 5] = [
    Client {
        label: "client-go for Rust",
        binary: "requests-clientgo",
        encoding: "protobuf",
    },
    Client {
        label: "client-go for Rust",
        binary: "requests-clientgo",
        encoding: "json",
    },
    Client {
        label: "client-go 0.37.2 (Go)",
        binary: "requests-go",
        encoding: "json",
    },
    Client {
        label: "client-go 0.37.2 (Go)",
        binary: "requests-go",
        encoding: "protobuf",
    },
    Client {
        label: "kube-rs 5 (k8s-openapi 0.29)",
        binary: "requests-kube",
        encoding: "json",
    },
];
/// Indexes into [`CLIENTS`] of the pairs the ratios compare.
const OURS_PROTOBUF: usize = 0;
const OURS_JSON: usize = 1;
const GO_JSON: usize = 2;
const GO_PROTOBUF: usize = 3;
const KUBE_JSON: usize = 4;

/// CPU ns and allocations per request of one run of one client, by [`SHAPES`].
type Figures = [(f64, f64); SHAPES.len()];

/// Runs `cargo xtask bench requests [--quick]` and prints the tables.
pub(crate) fn run(args: &[String]) -> Result<ExitCode, String> {
    let quick = match args {
        [] => false,
        [flag] if flag == "--quick" => true,
        _ => return Err("usage: cargo xtask bench requests [--quick]".into()),
    };
    let (requests, rounds) = if quick {
        (QUICK_REQUESTS, QUICK_ROUNDS)
    } else {
        (REQUESTS, ROUNDS)
    };
    let root = workspace::root();
    let (programs, target) = (root.join("bench/requests"), root.join("target/bench"));
    for rust in ["clientgo", "kube"] {
        eprintln!("[xtask] building bench/requests/{rust} (release)");
        crate::bench::cargo(&programs.join(rust), &target, &["build", "--release"])?;
    }
    let binaries = target.join("release");
    crate::bench::go_build(&programs.join("go"), &binaries.join("requests-go"))?;
    let version = clientgo_envtest::default_version();
    // The control plane and the seeding are async; this command is not.
    let runs = tokio::task::block_in_place(|| {
        tokio::runtime::Handle::current().block_on(measure(version, &binaries, requests, rounds))
    })?;

    let medians: Vec<Figures> = runs
        .iter()
        .map(|runs| {
            std::array::from_fn(|shape| {
                (
                    median(runs.iter().map(|run| run[shape].0)),
                    median(runs.iter().map(|run| run[shape].1)),
                )
            })
        })
        .collect();
    print_report(&medians, quick, version, requests, rounds);
    Ok(ExitCode::SUCCESS)
}

/// Prints the table of `medians` (by client of [`CLIENTS`]) with the ratios, then the
/// same as a section for `docs/benchmarks.md`.
fn print_report(
    medians: &[Figures],
    quick: bool,
    version: clientgo_envtest::KubeVersion,
    requests: usize,
    rounds: usize,
) {
    let mut table = vec![
        "| client | encoding | shape | µs CPU per request | allocs per request |".to_owned(),
        "|---|---|---|---|---|".to_owned(),
    ];
    for (shape, name) in SHAPES.iter().enumerate() {
        for (client, figures) in CLIENTS.iter().zip(medians) {
            let (cpu_ns, allocs) = figures[shape];
            table.push(format!(
                "| {} | {} | {name} | {:.1} | {allocs:.1} |",
                client.label,
                client.encoding,
                cpu_ns / 1e3,
            ));
        }
    }
    let table = table.join("\n");
    let ratio = |ours: usize, theirs: usize| {
        let shapes: Vec<String> = SHAPES
            .iter()
            .enumerate()
            .map(|(shape, name)| {
                let ((our_cpu, our_allocs), (their_cpu, their_allocs)) =
                    (medians[ours][shape], medians[theirs][shape]);
                format!(
                    "{name} {:.2}× the CPU and {:.2}× the allocations",
                    our_cpu / their_cpu,
                    our_allocs / their_allocs
                )
            })
            .collect();
        shapes.join(", ")
    };
    let ratios = format!(
        "Ours / client-go, protobuf against protobuf: {}. JSON against JSON: {}. \
Ours / kube-rs (JSON): {}.",
        ratio(OURS_PROTOBUF, GO_PROTOBUF),
        ratio(OURS_JSON, GO_JSON),
        ratio(OURS_JSON, KUBE_JSON),
    );
    let command = if quick {
        "cargo xtask bench requests --quick"
    } else {
        "cargo xtask bench requests"
    };
    let today = crate::release::today();
    println!("{table}\n\n{ratios}\n\nFor docs/benchmarks.md:\n");
    println!(
        "## Client CPU and allocations per request (`{command}`, {today})

Typed GETs of one ConfigMap (two small data keys) and typed LISTs of {SMALL} small
ConfigMaps (label selector `bench=small`), sent one after another to the same local
kube-apiserver {version} by client-go for Rust (`bench/requests/clientgo`,
`Clientset`), client-go v0.37.2 (`bench/requests/go`, Go 1.26, `kubernetes.Clientset`)
and kube-rs 5 (`bench/requests/kube`, `Api<ConfigMap>`), each with its client built
once and no client-side rate limit. Ours and client-go speak HTTP/2, kube-rs HTTP/1.1
(its hyper client offers no h2). Ours reads protobuf by default, client-go and kube-rs
JSON; ours also ran with `content_type = application/json` and client-go with
`ContentType` protobuf. Each program sends 200 requests per shape as a warm-up, then
{requests}; CPU is the process's `getrusage` user+sys time (every thread: the
multi-threaded tokio runtime `#[tokio::main]` makes, Go's scheduler and garbage
collector included) and allocations come from a counting global allocator (Rust) and
`runtime.MemStats.Mallocs` (Go), both per request; the API server's CPU is not counted.
Median of {rounds} interleaved rounds; release builds.
\n{table}\n\n{ratios}"
    );
}

/// Starts a control plane of `version`, seeds it, runs every client of [`CLIENTS`] from
/// `binaries` `rounds` times (interleaved) and stops the control plane; the figures of
/// each run, by client.
async fn measure(
    version: clientgo_envtest::KubeVersion,
    binaries: &Path,
    requests: usize,
    rounds: usize,
) -> Result<Vec<Vec<Figures>>, String> {
    let plane = workspace::start_control_plane(version).await?;
    let result = async {
        seed(&bench_informer::unthrottled_client(&plane)?).await?;
        let mut runs: Vec<Vec<Figures>> = CLIENTS.iter().map(|_| Vec::new()).collect();
        for round in 1..=rounds {
            eprintln!("[xtask] round {round}/{rounds} ({requests} requests per shape)");
            for (client, runs) in CLIENTS.iter().zip(&mut runs) {
                let binary = binaries.join(client.binary);
                let kubeconfig = plane.kubeconfig_path();
                runs.push(run_client(&binary, client.encoding, requests, kubeconfig)?);
            }
        }
        Ok(runs)
    }
    .await;
    eprintln!("[xtask] stopping the control plane");
    plane.stop();
    result
}

/// Creates namespace `bench`, ConfigMap `target` in it and the [`SMALL`] ConfigMaps
/// labelled `bench=small`.
async fn seed(client: &RestClient) -> Result<(), String> {
    let configmap = |name: String, labels: Value, data: Value| {
        json!({"apiVersion": "v1", "kind": "ConfigMap",
            "metadata": {"name": name, "labels": labels}, "data": data})
    };
    let mut objects = vec![
        (
            "namespaces",
            None,
            json!({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "bench"}}),
        ),
        (
            "configmaps",
            Some("bench"),
            configmap(
                "target".into(),
                json!({"app": "bench"}),
                json!({"mode": "fast", "replicas": "3"}),
            ),
        ),
    ];
    objects.extend((0..SMALL).map(|i| {
        let small = configmap(
            format!("small-{i}"),
            json!({"bench": "small"}),
            json!({"id": i.to_string()}),
        );
        ("configmaps", Some("bench"), small)
    }));
    for (resource, namespace, object) in &objects {
        bench_informer::post(client, resource, *namespace, object)
            .await
            .map_err(|e| format!("creating {resource} {}: {e}", object["metadata"]["name"]))?;
    }
    eprintln!("[xtask] created ConfigMap target and {SMALL} labelled bench=small");
    Ok(())
}

/// Runs one client once against the cluster of `kubeconfig` and reads its result lines.
fn run_client(
    binary: &Path,
    encoding: &str,
    requests: usize,
    kubeconfig: &Path,
) -> Result<Figures, String> {
    let name = format!("{} {encoding}", binary.display());
    let output = Command::new(binary)
        .args([encoding, &requests.to_string()])
        .env("KUBECONFIG", kubeconfig)
        .output()
        .map_err(|e| format!("running {name}: {e}"))?;
    let stdout = String::from_utf8_lossy(&output.stdout);
    if !output.status.success() {
        let stderr = String::from_utf8_lossy(&output.stderr);
        return Err(format!("{name} failed: {}", stderr.trim()));
    }
    let mut figures = [(f64::NAN, f64::NAN); SHAPES.len()];
    for (shape, slot) in SHAPES.iter().zip(&mut figures) {
        let prefix = format!("shape={shape} ");
        let line = stdout
            .lines()
            .find(|line| line.starts_with(&prefix))
            .ok_or_else(|| format!("no {shape} line from {name}: {stdout:?}"))?;
        let number = |field: &str| -> Result<f64, String> {
            bench_informer::field(line, field)?
                .parse()
                .map_err(|e| format!("{field} in {line:?}: {e}"))
        };
        if number("requests")? != requests as f64 {
            return Err(format!(
                "{name} sent other than {requests} requests: {line}"
            ));
        }
        *slot = (
            number("cpu_ns")? / requests as f64,
            number("allocs")? / requests as f64,
        );
    }
    Ok(figures)
}

/// The median of `values` (the upper one of an even count); there must be one.
fn median(values: impl Iterator<Item = f64>) -> f64 {
    let mut values: Vec<f64> = values.collect();
    let middle = values.len() / 2;
    values
        .select_nth_unstable_by(middle, f64::total_cmp)
        .1
        .to_owned()
}
