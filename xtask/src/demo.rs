//! `cargo xtask demo`: start a local cluster (control plane, two simulated nodes,
//! controllers) and run every example against it, so the examples that create
//! Deployments see real ReplicaSets and Running Pods, and exec and port-forward reach
//! simulated containers (commands run as local processes; port 80 reaches a small web
//! server of the demo).

use std::process::ExitCode;
use std::time::Instant;

use clientgo_envtest::kwok;

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
    let plane = workspace::start_cluster(version).await?;
    simulate_containers(&plane).await?;
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

/// What the containers of the simulated nodes do for the exec and port-forward
/// examples: commands run as local processes, and port 80 of every pod reaches a small
/// HTTP server of this process.
async fn simulate_containers(plane: &clientgo_envtest::ControlPlane) -> Result<(), String> {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .map_err(|e| format!("listening for the demo's web server: {e}"))?;
    let address = listener
        .local_addr()
        .map_err(|e| format!("the demo's web server: {e}"))?;
    tokio::spawn(async move {
        while let Ok((socket, _)) = listener.accept().await {
            tokio::spawn(answer_http(socket));
        }
    });
    let admin = plane
        .http_client(&plane.admin())
        .map_err(|e| format!("an admin client: {e}"))?;
    let server = plane.server_url();
    for rule in [
        kwok::cluster_local_exec("demo-exec"),
        kwok::cluster_port_forward_to("demo-port-80", 80, address),
    ] {
        kwok::create(&admin, server, &rule)
            .await
            .map_err(|e| format!("configuring the simulated containers: {e}"))?;
    }
    Ok(())
}

/// Answers one HTTP request with a short page.
async fn answer_http(mut socket: tokio::net::TcpStream) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut request = Vec::new();
    let mut buffer = [0u8; 1024];
    while !request.windows(4).any(|w| w == b"\r\n\r\n") {
        match socket.read(&mut buffer).await {
            Ok(0) | Err(_) => return,
            Ok(n) => request.extend_from_slice(&buffer[..n]),
        }
    }
    let body = "hello from port 80 of a simulated pod\n";
    let answer = format!(
        "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    let _ = socket.write_all(answer.as_bytes()).await;
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
