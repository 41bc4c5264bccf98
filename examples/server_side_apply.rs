//! Server-side apply with apply configurations: a manager applies a Deployment built
//! from typed builders, a second manager applies only the replica count, and the
//! managed fields show who owns what. Unset fields are never sent, so each manager
//! claims exactly the fields it set.
//!
//! Runs against the cluster of your kubeconfig's current context, in namespace `default`
//! (`cargo run --example server-side-apply`).

use clientgo_api::apps::v1::apply::{
    DeploymentApplyConfiguration, DeploymentSpecApplyConfiguration,
};
use clientgo_api::core::v1::apply::{
    ContainerApplyConfiguration, PodSpecApplyConfiguration, PodTemplateSpecApplyConfiguration,
};
use clientgo_api::meta::v1::apply::{
    LabelSelectorApplyConfiguration, ObjectMetaApplyConfiguration,
};
use clientgo_apimachinery::meta::{ApplyOptions, DeleteOptions};
use clientgo_kubernetes::Clientset;

const NAME: &str = "apply-demo";

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let config = clientgo_clientcmd::default_rest_config()?;
    let clientset = Clientset::new(&config)?;
    let deployments = clientset.apps_v1().deployments("default");

    println!("Applying deployment as manager \"example-owner\"...");
    let desired = DeploymentApplyConfiguration::new(NAME, "default")
        .with_labels([("app", NAME)])
        .with_spec(
            DeploymentSpecApplyConfiguration::default()
                .with_replicas(2)
                .with_selector(
                    LabelSelectorApplyConfiguration::default().with_match_labels([("app", NAME)]),
                )
                .with_template(
                    PodTemplateSpecApplyConfiguration::default()
                        .with_metadata(
                            ObjectMetaApplyConfiguration::default().with_labels([("app", NAME)]),
                        )
                        .with_spec(
                            PodSpecApplyConfiguration::default().with_containers([
                                ContainerApplyConfiguration::default()
                                    .with_name("web")
                                    .with_image("nginx:1.27"),
                            ]),
                        ),
                ),
        );
    println!("Request body: {}", serde_json::to_string(&desired)?);
    let applied = deployments
        .apply(&desired, &ApplyOptions::new("example-owner"))
        .await?;
    println!("Applied; replicas = {:?}", applied.spec.replicas);

    println!("Applying only the replica count as manager \"example-scaler\" (force)...");
    let scale = DeploymentApplyConfiguration::new(NAME, "default")
        .with_spec(DeploymentSpecApplyConfiguration::default().with_replicas(5));
    let scaled = deployments
        .apply(
            &scale,
            &ApplyOptions {
                force: true,
                ..ApplyOptions::new("example-scaler")
            },
        )
        .await?;
    println!("Applied; replicas = {:?}", scaled.spec.replicas);

    println!("Managed fields:");
    for entry in &scaled.metadata.managed_fields {
        println!(
            " * {} ({}): {}",
            entry.manager.as_deref().unwrap_or_default(),
            entry.operation.as_deref().unwrap_or_default(),
            serde_json::to_string(&entry.fields_v1)?
        );
    }

    println!("Deleting deployment...");
    deployments.delete(NAME, &DeleteOptions::default()).await?;
    println!("Deleted deployment.");
    Ok(())
}
