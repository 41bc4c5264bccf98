//! `kubectl exec` in Rust: runs commands in a pod's container and prints their output
//! and outcome: a plain command, one that reads stdin, and one that exits with code 3.
//!
//! Runs against the cluster of your kubeconfig's current context (`cargo run --example
//! exec`), with pod `exec-demo` (nginx) in namespace `default`, created for the example
//! and deleted at the end. In `cargo xtask demo` the pod runs on a simulated node whose
//! commands run as local processes; its runtime reports an exit status as a server
//! error rather than an exit code.

#[path = "demo_pod.rs"]
mod demo_pod;

use clientgo_kubernetes::Clientset;
use clientgo_remotecommand::{ExecOptions, Executor, StreamOptions};
use clientgo_rest::RestClient;

const NAMESPACE: &str = "default";
const POD: &str = "exec-demo";

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let config = clientgo_clientcmd::default_rest_config()?;
    let clientset = Clientset::new(&config)?;
    demo_pod::start(&clientset, NAMESPACE, POD).await?;
    let client = RestClient::new(&config)?;

    // stdout and stderr apart.
    let options = ExecOptions::command([
        "sh",
        "-c",
        "echo hello from the container; echo and from stderr >&2",
    ])
    .stdout(true)
    .stderr(true);
    let (mut stdout, mut stderr) = (Vec::new(), Vec::new());
    Executor::new(&config, options.url(&client, NAMESPACE, POD)?)?
        .stream(StreamOptions::new().stdout(&mut stdout).stderr(&mut stderr))
        .await?;
    print!("stdout: {}", String::from_utf8_lossy(&stdout));
    print!("stderr: {}", String::from_utf8_lossy(&stderr));

    // stdin: one line in, read back.
    let options = ExecOptions::command(["head", "-n", "1"])
        .stdin(true)
        .stdout(true);
    let mut stdin: &[u8] = b"a line through stdin\n";
    let mut echoed = Vec::new();
    Executor::new(&config, options.url(&client, NAMESPACE, POD)?)?
        .stream(StreamOptions::new().stdin(&mut stdin).stdout(&mut echoed))
        .await?;
    print!("echoed: {}", String::from_utf8_lossy(&echoed));

    // A non-zero exit.
    let options = ExecOptions::command(["sh", "-c", "exit 3"]).stdout(true);
    let mut ignored = Vec::new();
    let outcome = Executor::new(&config, options.url(&client, NAMESPACE, POD)?)?
        .stream(StreamOptions::new().stdout(&mut ignored))
        .await;
    match outcome {
        Ok(()) => println!("`exit 3` succeeded?"),
        Err(error) => match error.exit_code() {
            Some(code) => println!("`exit 3` exited with code {code}"),
            None => println!("`exit 3` failed: {error}"),
        },
    }

    demo_pod::delete(&clientset, NAMESPACE, POD).await?;
    Ok(())
}
