//! client-go's `create-update-delete-deployment` example with the typed clientset:
//! creates a Deployment, updates its replicas and image with retry-on-conflict, lists
//! Deployments, and deletes it with foreground propagation, printing each step.
//!
//! Runs against the cluster of your kubeconfig's current context, in namespace `default`
//! (`cargo run --example create-update-delete-deployment`). The same [`run`] function
//! runs against the in-process fake server in `clientgo-testing`'s tests.

use clientgo_api::apps::v1::{Deployment, DeploymentSpec};
use clientgo_api::core::v1::{Container, ContainerPort, PodSpec, PodTemplateSpec};
use clientgo_apimachinery::StringMap;
use clientgo_apimachinery::meta::{
    CreateOptions, DeleteOptions, GetOptions, LabelSelector, ListOptions, ObjectMeta,
    PropagationPolicy, UpdateOptions,
};
use clientgo_kubernetes::Clientset;
use clientgo_rest::retry::{DEFAULT_RETRY, retry_on_conflict};

const NAME: &str = "typed-demo-deployment";

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let config = clientgo_clientcmd::default_rest_config()?;
    let clientset = Clientset::new(&config)?;
    run(&clientset, "default").await?;
    Ok(())
}

/// The example's steps, in `namespace`.
pub async fn run(clientset: &Clientset, namespace: &str) -> clientgo_rest::Result<()> {
    let deployments = clientset.apps_v1().deployments(namespace);

    println!("Creating deployment...");
    let created = deployments
        .create(&demo_deployment(), &CreateOptions::default())
        .await?;
    println!(
        "Created deployment {:?}.",
        created.metadata.name.unwrap_or_default()
    );

    println!("Updating deployment...");
    retry_on_conflict(DEFAULT_RETRY, || async {
        // Read the latest version, change it, write it back; a conflict retries.
        let mut latest = deployments.get(NAME, &GetOptions::default()).await?;
        latest.spec.replicas = Some(1);
        if let Some(spec) = latest.spec.template.spec.as_mut() {
            spec.containers[0].image = Some("nginx:1.13".into());
        }
        deployments.update(&latest, &UpdateOptions::default()).await
    })
    .await?;
    println!("Updated deployment...");

    println!("Listing deployments in namespace {namespace:?}:");
    for item in deployments.list(&ListOptions::default()).await?.items {
        println!(
            " * {} ({} replicas)",
            item.metadata.name.unwrap_or_default(),
            item.spec.replicas.unwrap_or_default()
        );
    }

    println!("Deleting deployment...");
    let foreground = DeleteOptions {
        propagation_policy: Some(PropagationPolicy::Foreground),
        ..DeleteOptions::default()
    };
    deployments.delete(NAME, &foreground).await?;
    println!("Deleted deployment.");
    Ok(())
}

fn demo_deployment() -> Deployment {
    let labels: StringMap = StringMap::from([("app", "demo".into())]);
    Deployment {
        metadata: ObjectMeta {
            name: Some(NAME.into()),
            ..ObjectMeta::default()
        },
        spec: DeploymentSpec {
            replicas: Some(2),
            selector: LabelSelector {
                match_labels: labels.clone(),
                ..LabelSelector::default()
            },
            template: PodTemplateSpec {
                metadata: Some(ObjectMeta {
                    labels,
                    ..ObjectMeta::default()
                }),
                spec: Some(Box::new(PodSpec {
                    containers: vec![Container {
                        name: "web".into(),
                        image: Some("nginx:1.12".into()),
                        ports: Some(vec![ContainerPort {
                            name: Some("http".into()),
                            protocol: Some("TCP".into()),
                            container_port: 80,
                            ..ContainerPort::default()
                        }]),
                        ..Container::default()
                    }],
                    ..PodSpec::default()
                })),
            },
            ..DeploymentSpec::default()
        },
        ..Deployment::default()
    }
}
