//! `cargo xtask bench streaming [--quick]`: exec stdout and port-forward throughput of
//! client-go for Rust (`bench/streaming/clientgo`) and of kubectl built from the same
//! Kubernetes release, on the same pod of a local control plane with a simulated node
//! (KWOK: exec runs `head -c N /dev/zero` as a local process, the forwarded port
//! reaches a local server sending N zero bytes).
//!
//! Each tool runs as a child process; the figures are wall-clock MB/s of the transfer
//! and the child's CPU time (getrusage), medians of interleaved runs. Both tools use
//! their defaults: WebSocket for exec, SPDY tunnelled through WebSocket for
//! port-forward.

use std::path::{Path, PathBuf};
use std::process::{ExitCode, Stdio};
use std::time::{Duration, Instant};

use clientgo_envtest::{ControlPlane, kwok};
use serde_json::json;
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::{TcpListener, TcpStream};
use tokio::process::Command;

use crate::workspace;

const NAMESPACE: &str = "bench";
const POD: &str = "bench";
const POD_PORT: u16 = 8080;
const RUNS: usize = 5;

/// One tool: its label and how to run it.
struct Tool {
    label: &'static str,
    binary: PathBuf,
    kubectl: bool,
}

/// Runs `cargo xtask bench streaming`.
pub(crate) async fn run(args: &[String]) -> Result<ExitCode, String> {
    let bytes: u64 = match args {
        [] => 256 << 20,
        [flag] if flag == "--quick" => 64 << 20,
        _ => return Err("usage: cargo xtask bench streaming [--quick]".into()),
    };
    let root = workspace::root();
    let target = root.join("target/bench");
    eprintln!("[xtask] building bench/streaming/clientgo (release)");
    crate::bench::cargo(
        &root.join("bench/streaming/clientgo"),
        &target,
        &["build", "--release"],
    )?;
    let version = clientgo_envtest::default_version();
    let kubectl = build_kubectl(&version, &target)?;
    let tools = [
        Tool {
            label: "client-go for Rust",
            binary: target.join("release/streaming-clientgo"),
            kubectl: false,
        },
        Tool {
            label: "kubectl",
            binary: kubectl,
            kubectl: true,
        },
    ];

    let plane = ControlPlane::builder()
        .version(version)
        .nodes(1)
        .start()
        .await
        .map_err(|e| format!("starting a control plane with a node: {e}"))?;
    let server = zero_server(bytes).await?;
    prepare_pod(&plane, server).await?;

    let mut exec: Vec<Vec<(f64, f64)>> = vec![Vec::new(); tools.len()];
    let mut forward: Vec<Vec<(f64, f64)>> = vec![Vec::new(); tools.len()];
    for run in 1..=RUNS {
        eprintln!("[xtask] run {run}/{RUNS} ({} MiB each)", bytes >> 20);
        for (i, tool) in tools.iter().enumerate() {
            exec[i].push(measure_exec(tool, plane.kubeconfig_path(), bytes).await?);
            forward[i].push(measure_port_forward(tool, plane.kubeconfig_path(), bytes).await?);
        }
    }
    plane.stop();
    println!("| path | tool | MB/s (median) | client CPU s (median) |");
    println!("|---|---|---|---|");
    for (path, figures) in [("exec stdout", &mut exec), ("port-forward", &mut forward)] {
        for (tool, runs) in tools.iter().zip(figures.iter_mut()) {
            let (rate, cpu) = medians(runs);
            println!("| {path} | {} | {rate:.0} | {cpu:.2} |", tool.label);
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// Builds kubectl of `version` from envtest's wrapper module (Go's build cache makes
/// this quick after kube-apiserver).
fn build_kubectl(
    version: &clientgo_envtest::KubeVersion,
    target: &Path,
) -> Result<PathBuf, String> {
    let wrapper = clientgo_envtest::assets::cache_dir(version).join("wrapper");
    let binary = target.join(format!("kubectl-{version}"));
    if binary.is_file() {
        return Ok(binary);
    }
    eprintln!("[xtask] building kubectl {version}");
    let status = std::process::Command::new("go")
        .args(["build", "-o"])
        .arg(&binary)
        .arg("k8s.io/kubernetes/cmd/kubectl")
        .current_dir(&wrapper)
        .env("GOTOOLCHAIN", "local")
        .env("CGO_ENABLED", "0")
        .env("GOFLAGS", "-mod=mod")
        .status()
        .map_err(|e| format!("running go: {e}"))?;
    if !status.success() {
        return Err(format!("building kubectl in {} failed", wrapper.display()));
    }
    Ok(binary)
}

/// A local server that sends `bytes` zero bytes to each connection, then waits for the
/// peer to close.
async fn zero_server(bytes: u64) -> Result<std::net::SocketAddr, String> {
    let listener = TcpListener::bind("127.0.0.1:0")
        .await
        .map_err(|e| e.to_string())?;
    let address = listener.local_addr().map_err(|e| e.to_string())?;
    tokio::spawn(async move {
        while let Ok((mut socket, _)) = listener.accept().await {
            tokio::spawn(async move {
                let chunk = vec![0u8; 64 * 1024];
                let mut left = bytes;
                while left > 0 {
                    let n = left.min(chunk.len() as u64) as usize;
                    if socket.write_all(&chunk[..n]).await.is_err() {
                        return;
                    }
                    left -= n as u64;
                }
                let mut rest = Vec::new();
                let _ = socket.read_to_end(&mut rest).await;
            });
        }
    });
    Ok(address)
}

async fn prepare_pod(plane: &ControlPlane, target: std::net::SocketAddr) -> Result<(), String> {
    let http = plane
        .http_client(&plane.admin())
        .map_err(|e| e.to_string())?;
    let server = plane.server_url();
    let namespace =
        json!({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": NAMESPACE}});
    for object in [
        namespace,
        kwok::pod(NAMESPACE, POD, &kwok::node_name(0)),
        kwok::local_exec(NAMESPACE, POD),
        kwok::port_forward_to(NAMESPACE, POD, POD_PORT, target),
    ] {
        kwok::create(&http, server, &object)
            .await
            .map_err(|e| e.to_string())?;
    }
    kwok::wait_running(&http, server, NAMESPACE, POD, Duration::from_secs(30))
        .await
        .map_err(|e| e.to_string())
}

/// CPU time (user + system) of the children waited for so far, in seconds: fields
/// `cutime` and `cstime` of `/proc/self/stat`, in Linux's fixed 100 ticks a second.
fn children_cpu() -> f64 {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    // The fields after the command name (which is in parentheses) start with the state.
    let fields: Vec<&str> = stat
        .rsplit_once(')')
        .map_or(Vec::new(), |(_, rest)| rest.split_whitespace().collect());
    let ticks = |index: usize| {
        fields
            .get(index)
            .and_then(|f| f.parse::<f64>().ok())
            .unwrap_or(0.0)
    };
    // cutime and cstime: fields 16 and 17 of the line, 13 and 14 after the name.
    (ticks(13) + ticks(14)) / 100.0
}

fn command(tool: &Tool, kubeconfig: &Path) -> Command {
    let mut command = Command::new(&tool.binary);
    command.env("KUBECONFIG", kubeconfig).kill_on_drop(true);
    command
}

/// Exec: MB/s of stdout and the tool's CPU seconds.
async fn measure_exec(tool: &Tool, kubeconfig: &Path, bytes: u64) -> Result<(f64, f64), String> {
    let count = bytes.to_string();
    let mut command = command(tool, kubeconfig);
    if tool.kubectl {
        command.args([
            "exec",
            "-n",
            NAMESPACE,
            POD,
            "--",
            "head",
            "-c",
            &count,
            "/dev/zero",
        ]);
    } else {
        command.args(["exec", NAMESPACE, POD, &count]);
    }
    let cpu_before = children_cpu();
    let started = Instant::now();
    let mut child = command
        .stdout(Stdio::piped())
        .spawn()
        .map_err(|e| e.to_string())?;
    let mut stdout = child.stdout.take().ok_or("no stdout")?;
    let mut buffer = vec![0u8; 256 * 1024];
    let mut received = 0u64;
    loop {
        let n = stdout.read(&mut buffer).await.map_err(|e| e.to_string())?;
        if n == 0 {
            break;
        }
        received += n as u64;
    }
    let status = child.wait().await.map_err(|e| e.to_string())?;
    let elapsed = started.elapsed().as_secs_f64();
    if !status.success() || received != bytes {
        return Err(format!(
            "{} exec: {status}, {received} of {bytes} bytes",
            tool.label
        ));
    }
    Ok((bytes as f64 / 1e6 / elapsed, children_cpu() - cpu_before))
}

/// Port-forward: MB/s read through the forwarded port and the tool's CPU seconds.
async fn measure_port_forward(
    tool: &Tool,
    kubeconfig: &Path,
    bytes: u64,
) -> Result<(f64, f64), String> {
    let port = format!(":{POD_PORT}");
    let mut command = command(tool, kubeconfig);
    if tool.kubectl {
        command.args(["port-forward", "-n", NAMESPACE, POD, &port]);
    } else {
        command.args(["port-forward", NAMESPACE, POD, &POD_PORT.to_string()]);
    }
    let cpu_before = children_cpu();
    let mut child = command
        .stdout(Stdio::piped())
        .spawn()
        .map_err(|e| e.to_string())?;
    let mut lines = BufReader::new(child.stdout.take().ok_or("no stdout")?).lines();
    let local: u16 = loop {
        let line = lines
            .next_line()
            .await
            .map_err(|e| e.to_string())?
            .ok_or_else(|| format!("{} port-forward ended", tool.label))?;
        if let Some(rest) = line.strip_prefix("Forwarding from 127.0.0.1:") {
            break rest
                .split_whitespace()
                .next()
                .and_then(|p| p.parse().ok())
                .ok_or_else(|| format!("no port in {line:?}"))?;
        }
    };
    let started = Instant::now();
    let mut socket = TcpStream::connect(("127.0.0.1", local))
        .await
        .map_err(|e| e.to_string())?;
    let mut buffer = vec![0u8; 256 * 1024];
    let mut received = 0u64;
    while received < bytes {
        let n = socket.read(&mut buffer).await.map_err(|e| e.to_string())?;
        if n == 0 {
            break;
        }
        received += n as u64;
    }
    let elapsed = started.elapsed().as_secs_f64();
    drop(socket);
    let _ = child.start_kill();
    let _ = child.wait().await;
    if received != bytes {
        return Err(format!(
            "{} port-forward: {received} of {bytes} bytes",
            tool.label
        ));
    }
    Ok((bytes as f64 / 1e6 / elapsed, children_cpu() - cpu_before))
}

/// Median rate and median CPU seconds of some runs.
fn medians(runs: &mut [(f64, f64)]) -> (f64, f64) {
    let mut rates: Vec<f64> = runs.iter().map(|r| r.0).collect();
    let mut cpus: Vec<f64> = runs.iter().map(|r| r.1).collect();
    rates.sort_by(f64::total_cmp);
    cpus.sort_by(f64::total_cmp);
    (rates[rates.len() / 2], cpus[cpus.len() / 2])
}
