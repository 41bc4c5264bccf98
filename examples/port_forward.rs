//! `kubectl port-forward` in Rust: forwards a free local port to port 80 of a pod and
//! makes an HTTP request through it.
//!
//! Runs against the cluster of your kubeconfig's current context (`cargo run --example
//! port-forward`), with pod `port-forward-demo` (nginx) in namespace `default`, created
//! for the example and deleted at the end. In `cargo xtask demo` the pod runs on a
//! simulated node whose port 80 reaches a small HTTP server of the demo.

#[path = "demo_pod.rs"]
mod demo_pod;

use clientgo_kubernetes::Clientset;
use clientgo_portforward::PortForwarder;
use clientgo_rest::RestClient;
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpStream;

const NAMESPACE: &str = "default";
const POD: &str = "port-forward-demo";

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let config = clientgo_clientcmd::default_rest_config()?;
    let clientset = Clientset::new(&config)?;
    demo_pod::start(&clientset, NAMESPACE, POD).await?;

    let url = clientgo_portforward::url(&RestClient::new(&config)?, NAMESPACE, POD)?;
    let forwarding = PortForwarder::new(&config, url, &[":80"])?.start().await?;
    let local = forwarding.ports()[0].local;
    println!("Forwarding from 127.0.0.1:{local} and [::1]:{local} -> 80");

    // One HTTP/1.1 request; the answer is read by its Content-Length.
    let socket = TcpStream::connect(("127.0.0.1", local)).await?;
    let (read, mut write) = socket.into_split();
    write
        .write_all(b"GET / HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
        .await?;
    let mut answer = BufReader::new(read);
    let mut status = String::new();
    answer.read_line(&mut status).await?;
    println!("{}", status.trim_end());
    let mut length = 0;
    loop {
        let mut header = String::new();
        answer.read_line(&mut header).await?;
        let header = header.trim_end();
        if header.is_empty() {
            break;
        }
        if let Some((name, value)) = header.split_once(':')
            && name.eq_ignore_ascii_case("content-length")
        {
            length = value.trim().parse()?;
        }
    }
    let mut body = vec![0; length];
    answer.read_exact(&mut body).await?;
    let body = String::from_utf8_lossy(&body);
    println!(
        "{} bytes of body, first line: {}",
        body.len(),
        body.lines().next().unwrap_or_default()
    );

    forwarding.stop().await;
    demo_pod::delete(&clientset, NAMESPACE, POD).await?;
    Ok(())
}
