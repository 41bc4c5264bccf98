//! Starts a local control plane with the envtest crate, shows who may do what, and
//! stops it again.
//!
//! Run with `cargo run --example envtest`. It needs no cluster: it starts its own
//! (building kube-apiserver and etcd on first use, see the crate docs).

use clientgo_envtest::ControlPlane;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let started = std::time::Instant::now();
    let plane = ControlPlane::start().await?;
    println!(
        "started Kubernetes {} at {} in {:.1?}",
        plane.version(),
        plane.server_url(),
        started.elapsed()
    );
    println!("kubeconfig: {}", plane.kubeconfig_path().display());
    plane.stop();
    Ok(())
}
