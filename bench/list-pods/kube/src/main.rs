//! Lists the pods of every namespace with kube + k8s-openapi.

use k8s_openapi::api::core::v1::Pod;
use kube::api::{Api, ListParams};

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let client = kube::Client::try_default().await?;
    let pods: Api<Pod> = Api::all(client);
    let list = pods.list(&ListParams::default()).await?;
    println!("{} pods", list.items.len());
    for pod in &list.items {
        let namespace = pod.metadata.namespace.as_deref().unwrap_or_default();
        let name = pod.metadata.name.as_deref().unwrap_or_default();
        println!("{namespace}/{name}");
    }
    Ok(())
}
