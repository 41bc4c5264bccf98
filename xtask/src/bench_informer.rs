//! `cargo xtask bench informer`: memory per cached object, client CPU of the initial
//! sync and per update event, and update events per second through an informer
//! (`bench/informer/clientgo`), through client-go's SharedIndexInformer
//! (`bench/informer/go`), both reading JSON and protobuf, and through a kube-rs
//! reflector (`bench/informer/kube`, JSON), against the same local control plane in the
//! same run.
//!
//! The driver starts a control plane, creates 10,000 ConfigMaps and 10,000 Pods in
//! namespace `bench`, builds the programs in release mode, and runs each for both kinds
//! with `managedFields` kept and dropped. Once a program reports its cache synced (the
//! live heap bytes per object, the CPU the sync took), the driver patches 2,000 objects
//! and the program reports how long the update events took to arrive and the CPU it
//! spent per event (`getrusage` of the process, every thread).

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, ChildStdout, Command, ExitCode, Stdio};

use clientgo_rest::{RestClient, Result as RestResult};
use futures_util::{StreamExt, stream};
use serde_json::{Value, json};

use crate::workspace;

/// Objects of each kind that [`seed`] creates in namespace `bench`.
pub(crate) const OBJECTS: usize = 10_000;
const UPDATES: usize = 2_000;
const CONCURRENCY: usize = 48;
const MERGE_PATCH: &str = "application/merge-patch+json";
/// The programs and the encoding each reads, in the order of the table.
const CLIENTS: [(&str, &str); 5] = [
    ("clientgo", "json"),
    ("clientgo", "protobuf"),
    ("go", "json"),
    ("go", "protobuf"),
    ("kube", "json"),
];

/// Runs the benchmark and prints a markdown table.
pub async fn run() -> Result<ExitCode, String> {
    let root = workspace::root();
    let target = root.join("target/bench");
    for program in ["clientgo", "kube"] {
        eprintln!("[xtask] building bench/informer/{program} (release)");
        crate::bench::cargo(
            &root.join("bench/informer").join(program),
            &target,
            &["build", "--release"],
        )?;
    }
    crate::bench::go_build(
        &root.join("bench/informer/go"),
        &target.join("release/informer-go"),
    )?;
    let plane = workspace::start_control_plane(clientgo_envtest::default_version()).await?;
    let client = unthrottled_client(&plane)?;
    seed(&client, &[("configmaps", configmap), ("pods", pod)]).await?;

    let mut rows = Vec::new();
    for kind in ["configmaps", "pods"] {
        let json_bytes = json_size_per_object(&client, kind).await?;
        for managed in ["keep", "drop"] {
            for (program, encoding) in CLIENTS {
                let binary = target.join("release").join(format!("informer-{program}"));
                let result = measure(
                    &binary,
                    plane.kubeconfig_path(),
                    [kind, managed, encoding],
                    &client,
                )
                .await?;
                let row = format!(
                    "| {kind} | {} | {} | {encoding} | {} B ({:.1}× JSON {json_bytes} B) | {:.0} ms | {:.1} s | {:.1} µs | {:.0} /s |",
                    if managed == "keep" { "kept" } else { "dropped" },
                    match program {
                        "clientgo" => "client-go for Rust",
                        "go" => "client-go 0.37.2 (Go)",
                        _ => "kube-rs 5 reflector",
                    },
                    result.bytes_per_object,
                    result.bytes_per_object as f64 / json_bytes as f64,
                    result.sync_cpu_ms,
                    result.sync_seconds,
                    result.cpu_us_per_event,
                    UPDATES as f64 / result.event_seconds.max(1e-3),
                );
                eprintln!("{row}");
                rows.push(row);
            }
        }
    }
    println!(
        "| objects | managedFields | client | encoding | heap per cached object | sync CPU | initial sync of {OBJECTS} | CPU per update event | update events |"
    );
    println!("|---|---|---|---|---|---|---|---|---|");
    for row in rows {
        println!("{row}");
    }
    Ok(ExitCode::SUCCESS)
}

/// A client of `plane` without client-side rate limit, to seed as fast as the server
/// allows.
pub(crate) fn unthrottled_client(
    plane: &clientgo_envtest::ControlPlane,
) -> Result<RestClient, String> {
    let mut config = clientgo_clientcmd::ClientConfig::new(
        clientgo_clientcmd::LoadingRules::explicit(plane.kubeconfig_path()),
        clientgo_clientcmd::ConfigOverrides::default(),
    )
    .rest_config()
    .map_err(|e| e.to_string())?;
    config.qps = -1.0;
    RestClient::new(&config).map_err(|e| e.to_string())
}

fn configmap(i: usize) -> Value {
    json!({"apiVersion": "v1", "kind": "ConfigMap",
        "metadata": {"name": format!("cm-{i:05}"), "labels": {"app": "bench", "shard": (i % 16).to_string()}},
        "data": {"config.yaml": format!("replicas: {}\nmode: fast\nowner: team-{}\n", i % 7, i % 13), "id": i.to_string()}})
}

/// Pod `pod-NNNNN` of the benchmarks: one container with args, a port, env, resources,
/// a readiness probe and a ConfigMap volume; a toleration.
pub(crate) fn pod(i: usize) -> Value {
    json!({"apiVersion": "v1", "kind": "Pod",
        "metadata": {"name": format!("pod-{i:05}"), "labels": {"app": "bench", "shard": (i % 16).to_string(),
            "pod-template-hash": "7d9f8c6b5"}, "annotations": {"example.com/revision": "3"}},
        "spec": {"containers": [{"name": "app", "image": "registry.example.com/team/app:1.2.3",
            "args": ["--port=8080", "--log-level=info"],
            "ports": [{"name": "http", "containerPort": 8080}],
            "env": [{"name": "MODE", "value": "production"}, {"name": "POD_NAME", "valueFrom": {"fieldRef": {"fieldPath": "metadata.name"}}}],
            "resources": {"requests": {"cpu": "100m", "memory": "128Mi"}, "limits": {"memory": "256Mi"}},
            "readinessProbe": {"httpGet": {"path": "/ready", "port": "http"}, "periodSeconds": 5},
            "volumeMounts": [{"name": "config", "mountPath": "/etc/app"}]}],
            "volumes": [{"name": "config", "configMap": {"name": format!("cm-{i:05}")}}],
            "tolerations": [{"key": "dedicated", "operator": "Equal", "value": "bench", "effect": "NoSchedule"}]}})
}

/// Makes object `i` of a kind to seed (e.g. [`pod`]).
pub(crate) type MakeObject = fn(usize) -> Value;

/// Creates namespace `bench`, then [`OBJECTS`] objects of each `(resource, make)` in it
/// (`make(i)` is object `i`, e.g. [`pod`]), [`CONCURRENCY`] requests in flight.
pub(crate) async fn seed(client: &RestClient, kinds: &[(&str, MakeObject)]) -> Result<(), String> {
    let namespace = json!({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "bench"}});
    post(client, "namespaces", None, &namespace)
        .await
        .map_err(|e| format!("creating namespace bench: {e}"))?;
    for &(resource, make) in kinds {
        let started = std::time::Instant::now();
        let results: Vec<RestResult<()>> = stream::iter(0..OBJECTS)
            .map(|i| {
                let body = make(i);
                async move { post(client, resource, Some("bench"), &body).await }
            })
            .buffer_unordered(CONCURRENCY)
            .collect()
            .await;
        if let Some(Err(error)) = results.into_iter().find(Result::is_err) {
            return Err(format!("seeding {resource}: {error}"));
        }
        eprintln!(
            "[xtask] created {OBJECTS} {resource} in {:.1} s",
            started.elapsed().as_secs_f64()
        );
    }
    Ok(())
}

/// Creates `body` (JSON) in `resource` of the core group, in `namespace` if any.
pub(crate) async fn post(
    client: &RestClient,
    resource: &str,
    namespace: Option<&str>,
    body: &Value,
) -> RestResult<()> {
    client
        .post()
        .group_version("", "v1")
        .namespace_if(namespace)
        .resource(resource)
        .json(body)
        .send()
        .await?
        .into_bytes()
        .map(drop)
}

/// The JSON size of one object as the server lists it (managedFields included).
async fn json_size_per_object(client: &RestClient, resource: &str) -> Result<usize, String> {
    let bytes = client
        .get()
        .group_version("", "v1")
        .namespace("bench")
        .resource(resource)
        .send()
        .await
        .and_then(|r| r.into_bytes())
        .map_err(|e| e.to_string())?;
    Ok(bytes.len() / OBJECTS)
}

struct Measurement {
    bytes_per_object: i64,
    sync_seconds: f64,
    sync_cpu_ms: f64,
    event_seconds: f64,
    cpu_us_per_event: f64,
}

async fn measure(
    binary: &Path,
    kubeconfig: &Path,
    [kind, managed, encoding]: [&str; 3],
    client: &RestClient,
) -> Result<Measurement, String> {
    let mut child = Command::new(binary)
        .args([kind, managed, &UPDATES.to_string(), encoding])
        .env("KUBECONFIG", kubeconfig)
        .stdout(Stdio::piped())
        .spawn()
        .map_err(|e| format!("running {}: {e}", binary.display()))?;
    let stdout = child.stdout.take().ok_or("no stdout")?;
    let mut lines = BufReader::new(stdout).lines();
    let synced = next_line(&mut lines, &mut child, "synced")?;
    next_line(&mut lines, &mut child, "ready")?;
    // Each run patches the same objects; a fresh value per run makes every patch a change.
    let stamp = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or_default();
    let results: Vec<RestResult<()>> = stream::iter(0..UPDATES)
        .map(|i| {
            let name = if kind == "pods" {
                format!("pod-{i:05}")
            } else {
                format!("cm-{i:05}")
            };
            let patch =
                json!({"metadata": {"labels": {"bench-run": stamp.to_string()}}}).to_string();
            async move {
                client
                    .patch(MERGE_PATCH)
                    .group_version("", "v1")
                    .namespace("bench")
                    .resource(kind)
                    .name(&name)
                    .body(patch, MERGE_PATCH)
                    .send()
                    .await?
                    .into_bytes()
                    .map(drop)
            }
        })
        .buffer_unordered(CONCURRENCY)
        .collect()
        .await;
    if let Some(Err(error)) = results.into_iter().find(Result::is_err) {
        let _ = child.kill();
        return Err(format!("patching {kind}: {error}"));
    }
    let events = next_line(&mut lines, &mut child, "events")?;
    let status = child.wait().map_err(|e| e.to_string())?;
    if !status.success() {
        return Err(format!("{} {kind} {managed} failed", binary.display()));
    }
    let number = |line: &str, name: &str| -> Result<f64, String> {
        field(line, name)?
            .parse()
            .map_err(|e| format!("{name} in {line:?}: {e}"))
    };
    Ok(Measurement {
        bytes_per_object: number(&synced, "bytes_per_object")? as i64,
        sync_seconds: number(&synced, "sync_seconds")?,
        sync_cpu_ms: number(&synced, "sync_cpu_ms")?,
        event_seconds: number(&events, "seconds")?,
        cpu_us_per_event: number(&events, "cpu_us_per_event")?,
    })
}

fn next_line(
    lines: &mut std::io::Lines<BufReader<ChildStdout>>,
    child: &mut Child,
    prefix: &str,
) -> Result<String, String> {
    for line in lines.by_ref() {
        let line = line.map_err(|e| e.to_string())?;
        if line.starts_with(prefix) {
            return Ok(line);
        }
    }
    let _ = child.kill();
    Err(format!("the program ended before printing {prefix:?}"))
}

/// The value of `name=value` in a program's output line.
pub(crate) fn field<'a>(line: &'a str, name: &str) -> Result<&'a str, String> {
    line.split_whitespace()
        .find_map(|part| part.strip_prefix(name)?.strip_prefix('='))
        .ok_or_else(|| format!("no {name} in {line:?}"))
}
