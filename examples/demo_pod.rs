//! A pod for the exec and port-forward examples: created (nginx, port 80) in `default`
//! when missing, waited for until Running, deleted at the end.

use std::time::Duration;

use clientgo_api::core::v1::{Container, ContainerPort, Pod, PodSpec};
use clientgo_apimachinery::meta::{CreateOptions, DeleteOptions, GetOptions, ObjectMeta};
use clientgo_kubernetes::Clientset;
use clientgo_rest::ApiStatus;

/// Creates pod `name` in `namespace` and waits until it runs.
pub async fn start(
    clientset: &Clientset,
    namespace: &str,
    name: &str,
) -> clientgo_rest::Result<()> {
    let pods = clientset.core_v1().pods(namespace);
    let pod = Pod {
        metadata: ObjectMeta {
            name: Some(name.into()),
            ..ObjectMeta::default()
        },
        spec: Some(Box::new(PodSpec {
            containers: vec![Container {
                name: "web".into(),
                image: Some("nginx:1.27".into()),
                ports: Some(vec![ContainerPort {
                    container_port: 80,
                    ..ContainerPort::default()
                }]),
                ..Container::default()
            }],
            ..PodSpec::default()
        })),
        ..Pod::default()
    };
    match pods.create(&pod, &CreateOptions::default()).await {
        Err(error) if error.is_already_exists() => {}
        other => {
            other?;
        }
    }
    println!("Waiting for pod {namespace}/{name} to run...");
    loop {
        let pod = pods.get(name, &GetOptions::default()).await?;
        let phase = pod.status.and_then(|s| s.phase).unwrap_or_default();
        if phase == "Running" {
            return Ok(());
        }
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
}

/// Deletes pod `name` in `namespace` at once.
pub async fn delete(
    clientset: &Clientset,
    namespace: &str,
    name: &str,
) -> clientgo_rest::Result<()> {
    let options = DeleteOptions {
        grace_period_seconds: Some(0),
        ..DeleteOptions::default()
    };
    clientset
        .core_v1()
        .pods(namespace)
        .delete(name, &options)
        .await?;
    println!("Deleted pod {namespace}/{name}.");
    Ok(())
}
