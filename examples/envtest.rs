//! Starts a local Kubernetes control plane with `clientgo-envtest`, shows what its users
//! may do, and stops it again.
//!
//! Run with `cargo run --example envtest`. It needs no cluster: it starts its own
//! (building kube-apiserver and etcd on first use; see the envtest crate docs).

use clientgo_envtest::{ControlPlane, User};
use serde_json::{Value, json};

type Error = Box<dyn std::error::Error>;

/// Sends `GET path` (or `POST path` with `body`) as `user`; returns status and JSON body.
async fn call(
    plane: &ControlPlane,
    user: &User,
    path: &str,
    body: Option<Value>,
) -> Result<(u16, Value), Error> {
    let client = plane.http_client(user)?;
    let url = format!("{}{path}", plane.server_url());
    let request = match body {
        Some(body) => client
            .post(url)
            .header("Content-Type", "application/json")
            .body(body.to_string()),
        None => client.get(url),
    };
    let response = request.send().await?;
    let status = response.status().as_u16();
    let body = serde_json::from_str(&response.text().await?).unwrap_or(Value::Null);
    Ok((status, body))
}

#[tokio::main]
async fn main() -> Result<(), Error> {
    let started = std::time::Instant::now();
    let plane = ControlPlane::start().await?;
    println!(
        "started Kubernetes {} at {} in {:.1}s",
        plane.version(),
        plane.server_url(),
        started.elapsed().as_secs_f64()
    );
    println!(
        "kubeconfig with a context per user: {}",
        plane.kubeconfig_path().display()
    );

    let (status, list) = call(&plane, &plane.admin(), "/api/v1/namespaces", None).await?;
    let names: Vec<&str> = list["items"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|ns| ns["metadata"]["name"].as_str())
        .collect();
    println!("admin lists namespaces: {status} {names:?}");

    let (status, denied) = call(&plane, &plane.unprivileged(), "/api/v1/namespaces", None).await?;
    println!(
        "unprivileged lists namespaces: {status} {}",
        denied["reason"]
    );

    let alice = plane.add_user("alice", ["developers", "on-call"])?;
    let review = json!({"apiVersion": "authentication.k8s.io/v1", "kind": "SelfSubjectReview"});
    let path = "/apis/authentication.k8s.io/v1/selfsubjectreviews";
    let (_, whoami) = call(&plane, &alice, path, Some(review)).await?;
    let info = &whoami["status"]["userInfo"];
    println!(
        "added user: the API server sees {} in groups {}",
        info["username"], info["groups"]
    );

    plane.stop();
    println!("stopped; nothing left running");
    Ok(())
}
