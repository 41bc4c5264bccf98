//! Configures a client from the kubeconfig, as kubectl does (client-go's
//! `out-of-cluster-client-configuration` example): `KUBECONFIG` or `~/.kube/config`, its
//! current context, the context's namespace. Prints the server version, the namespaces,
//! and the pods of every namespace.
//!
//! Run with `cargo run --example out-of-cluster-client-configuration` against the
//! cluster of your current context (`cargo xtask demo` runs it against a local one).
//! Pass `--context NAME` to use another context of the kubeconfig.

use clientgo_clientcmd::{ClientConfig, ConfigOverrides, LoadingRules};
use clientgo_rest::RestClient;
use serde_json::Value;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut overrides = ConfigOverrides::default();
    let args: Vec<String> = std::env::args().skip(1).collect();
    if let [flag, name] = args.as_slice()
        && flag == "--context"
    {
        overrides.current_context = name.clone();
    }
    let client_config = ClientConfig::new(LoadingRules::default(), overrides);
    let config = client_config.rest_config()?;
    let (namespace, _) = client_config.namespace()?;
    println!("server {} (default namespace {namespace})", config.host);
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

    for name in names {
        let pods: Value = client
            .get()
            .group_version("", "v1")
            .namespace(name)
            .resource("pods")
            .into_json()
            .await?;
        println!("  {name}: {} pods", items(&pods).count());
    }
    Ok(())
}

fn items(list: &Value) -> impl Iterator<Item = &Value> {
    list["items"].as_array().into_iter().flatten()
}
