//! client-go's `dynamic-create-update-delete-deployment` example with the dynamic client:
//! creates a Deployment from an untyped object, updates its replicas and image with
//! retry-on-conflict, lists Deployments, and deletes it with foreground propagation.
//!
//! Runs against the cluster of your kubeconfig's current context, in namespace `default`
//! (`cargo run --example dynamic-create-update-delete-deployment`).

use clientgo_apimachinery::meta::{
    CreateOptions, DeleteOptions, GetOptions, ListOptions, PropagationPolicy, UpdateOptions,
};
use clientgo_apimachinery::{GroupVersionResource, Unstructured};
use clientgo_dynamic::DynamicClient;
use clientgo_rest::retry::{DEFAULT_RETRY, retry_on_conflict};
use serde_json::json;

const NAME: &str = "demo-deployment";

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let config = clientgo_clientcmd::default_rest_config()?;
    let client = DynamicClient::new(&config)?;
    let deployments = client
        .resource(&GroupVersionResource::new("apps", "v1", "deployments"))
        .namespace("default");

    println!("Creating deployment...");
    let deployment = Unstructured::from_value(json!({
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": NAME},
        "spec": {
            "replicas": 2,
            "selector": {"matchLabels": {"app": "demo"}},
            "template": {
                "metadata": {"labels": {"app": "demo"}},
                "spec": {"containers": [{
                    "name": "web",
                    "image": "nginx:1.12",
                    "ports": [{"name": "http", "protocol": "TCP", "containerPort": 80}],
                }]},
            },
        },
    }))?;
    let created = deployments
        .create(&deployment, &CreateOptions::default(), &[])
        .await?;
    println!(
        "Created deployment {:?}.",
        created.name().unwrap_or_default()
    );

    println!("Updating deployment...");
    retry_on_conflict(DEFAULT_RETRY, || async {
        // Read the latest version, change it, write it back; a conflict retries.
        let mut latest = deployments.get(NAME, &GetOptions::default(), &[]).await?;
        latest
            .set_nested_field(&["spec", "replicas"], json!(1))
            .map_err(|e| clientgo_rest::Error::Request(e.to_string()))?;
        let mut containers = latest.object["spec"]["template"]["spec"]["containers"].clone();
        containers[0]["image"] = json!("nginx:1.13");
        latest
            .set_nested_field(&["spec", "template", "spec", "containers"], containers)
            .map_err(|e| clientgo_rest::Error::Request(e.to_string()))?;
        deployments
            .update(&latest, &UpdateOptions::default(), &[])
            .await
    })
    .await?;
    println!("Updated deployment...");

    println!("Listing deployments in namespace \"default\":");
    for item in deployments.list(&ListOptions::default()).await?.items {
        let replicas = item
            .nested_i64(&["spec", "replicas"])
            .ok()
            .flatten()
            .unwrap_or_default();
        println!(
            " * {} ({replicas} replicas)",
            item.name().unwrap_or_default()
        );
    }

    println!("Deleting deployment...");
    let foreground = DeleteOptions {
        propagation_policy: Some(PropagationPolicy::Foreground),
        ..DeleteOptions::default()
    };
    deployments.delete(NAME, &foreground, &[]).await?;
    println!("Deleted deployment.");
    Ok(())
}
