//! Configures a client the way a program running in a pod does (client-go's
//! `in-cluster-client-configuration` example): the API server from
//! `KUBERNETES_SERVICE_HOST`/`KUBERNETES_SERVICE_PORT`, the service account's token and
//! CA from its mount. Prints the server version, then namespaces and pods.
//!
//! In a pod: `cargo run --example in-cluster-client-configuration`.
//! Locally, point `SERVICE_ACCOUNT_DIR` at a folder holding `token` and `ca.crt` and set
//! the two variables (`cargo xtask demo` does this with a real service-account token).

use std::path::PathBuf;

use clientgo_rest::{Config, RestClient, SERVICE_ACCOUNT_DIR};
use serde_json::Value;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let account_dir = std::env::var_os("SERVICE_ACCOUNT_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(SERVICE_ACCOUNT_DIR));
    let config = Config::in_cluster_with_account_dir(&account_dir)?;
    println!("in-cluster configuration: server {}", config.host);
    let client = RestClient::new(&config)?;

    let version: Value = client.get().abs_path("/version").into_json().await?;
    println!(
        "server version: {}",
        version["gitVersion"].as_str().unwrap_or("unknown")
    );

    let namespaces: Value = client
        .get()
        .group_version("", "v1")
        .resource("namespaces")
        .into_json()
        .await?;
    let names: Vec<&str> = items(&namespaces)
        .filter_map(|ns| ns["metadata"]["name"].as_str())
        .collect();
    println!("{} namespaces: {}", names.len(), names.join(", "));

    let pods: Value = client
        .get()
        .group_version("", "v1")
        .resource("pods")
        .into_json()
        .await?;
    println!("{} pods in the cluster", items(&pods).count());
    for pod in items(&pods) {
        println!(
            "  {}/{}",
            pod["metadata"]["namespace"].as_str().unwrap_or(""),
            pod["metadata"]["name"].as_str().unwrap_or("")
        );
    }
    Ok(())
}

fn items(list: &Value) -> impl Iterator<Item = &Value> {
    list["items"].as_array().into_iter().flatten()
}
