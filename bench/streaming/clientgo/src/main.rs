//! `streaming-clientgo exec NAMESPACE POD BYTES`: runs `head -c BYTES /dev/zero` in the
//! pod and copies its stdout to ours, as `kubectl exec` does.
//!
//! `streaming-clientgo port-forward NAMESPACE POD PORT`: forwards a free local port to
//! the pod's PORT, prints kubectl's "Forwarding from 127.0.0.1:LOCAL -> PORT" line and
//! runs until killed, as `kubectl port-forward POD :PORT` does.
//!
//! The cluster is the one of `KUBECONFIG`.

use clientgo_portforward::PortForwarder;
use clientgo_remotecommand::{ExecOptions, Executor, StreamOptions};
use clientgo_rest::RestClient;
use tokio::io::AsyncWriteExt;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let config = clientgo_clientcmd::default_rest_config()?;
    let client = RestClient::new(&config)?;
    match args.as_slice() {
        [verb, namespace, pod, bytes] if verb == "exec" => {
            let url = ExecOptions::command(["head", "-c", bytes, "/dev/zero"])
                .stdout(true)
                .url(&client, namespace, pod)?;
            let mut stdout = tokio::io::stdout();
            Executor::new(&config, url)?
                .stream(StreamOptions::new().stdout(&mut stdout))
                .await?;
            stdout.flush().await?;
        }
        [verb, namespace, pod, port] if verb == "port-forward" => {
            let url = clientgo_portforward::url(&client, namespace, pod)?;
            let forwarding = PortForwarder::new(&config, url, &[format!(":{port}")])?
                .start()
                .await?;
            let local = forwarding.ports()[0].local;
            let mut stdout = tokio::io::stdout();
            stdout
                .write_all(format!("Forwarding from 127.0.0.1:{local} -> {port}\n").as_bytes())
                .await?;
            stdout.flush().await?;
            forwarding.wait().await?;
        }
        _ => {
            return Err("usage: exec NAMESPACE POD BYTES | port-forward NAMESPACE POD PORT".into());
        }
    }
    Ok(())
}
