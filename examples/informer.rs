//! client-go's shared-informer pattern: a `SharedInformerFactory`, a pod informer with
//! add/update/delete handlers, and a pod lister reading from the cache.
//!
//! The example creates its own namespace, then creates, updates and deletes a few pods
//! itself and prints each event the informer delivers, in order. Without a scheduler or
//! kubelet (a bare control plane) the pods simply stay `Pending`. It exits within ~30 s
//! and deletes its namespace.
//!
//! `cargo run --example informer` (cluster of the current kubeconfig context).

use std::sync::Arc;
use std::time::Duration;

use clientgo_api::core::v1::{Container, Namespace, Pod, PodSpec};
use clientgo_apimachinery::labels::Selector;
use clientgo_apimachinery::meta::{CreateOptions, DeleteOptions, ObjectMeta, PatchOptions};
use clientgo_apimachinery::patch::PatchType;
use clientgo_cache::{CancellationToken, DeletedObject, ResourceEventHandlerFuncs};
use clientgo_informers::SharedInformerFactory;
use clientgo_kubernetes::Clientset;
use tokio::sync::mpsc;

type Error = Box<dyn std::error::Error + Send + Sync>;

const PODS: [&str; 3] = ["demo-a", "demo-b", "demo-c"];

#[tokio::main]
async fn main() -> Result<(), Error> {
    let config = clientgo_clientcmd::default_rest_config()?;
    let clientset = Clientset::new(&config)?;
    let namespace = create_namespace(&clientset).await?;
    println!("Using namespace {namespace}");
    let outcome = tokio::time::timeout(Duration::from_secs(30), run(&clientset, &namespace)).await;
    // Clean up whatever happened (the namespace takes its pods with it).
    clientset
        .core_v1()
        .namespaces()
        .delete(&namespace, &DeleteOptions::default())
        .await?;
    println!("Deleted namespace {namespace}");
    outcome.map_err(|_| "the example did not finish within 30 s")?
}

async fn create_namespace(clientset: &Clientset) -> Result<String, Error> {
    let namespace = Namespace {
        metadata: ObjectMeta {
            generate_name: Some("informer-example-".into()),
            ..ObjectMeta::default()
        },
        ..Namespace::default()
    };
    let created = clientset
        .core_v1()
        .namespaces()
        .create(&namespace, &CreateOptions::default())
        .await?;
    created
        .metadata
        .name
        .map(String::from)
        .ok_or_else(|| "the server returned a namespace without a name".into())
}

/// The events the handlers report, as lines to print.
async fn run(clientset: &Clientset, namespace: &str) -> Result<(), Error> {
    let factory =
        SharedInformerFactory::new(clientset.clone(), Duration::ZERO).with_namespace(namespace);
    let pods = factory.core_v1().pods();

    let (tx, mut events) = mpsc::unbounded_channel::<String>();
    let (on_add, on_update, on_delete) = (tx.clone(), tx.clone(), tx);
    pods.informer().add_event_handler(
        ResourceEventHandlerFuncs::<Pod>::new()
            .on_add(move |pod: &Arc<Pod>, _initial| {
                let _ = on_add.send(format!("ADD    {}", name(pod)));
            })
            .on_update(move |old: &Arc<Pod>, new: &Arc<Pod>| {
                // Skip updates that only bumped fields the example does not watch.
                if old.metadata.labels != new.metadata.labels {
                    let _ = on_update.send(format!(
                        "UPDATE {} labels {:?} -> {:?}",
                        name(new),
                        old.metadata.labels,
                        new.metadata.labels
                    ));
                }
            })
            .on_delete(move |deleted: &DeletedObject<Pod>| {
                let _ = on_delete.send(format!("DELETE {}", deleted.name()));
            }),
    )?;

    let cancel = CancellationToken::new();
    factory.start(&cancel);
    let synced = factory.wait_for_cache_sync(&cancel).await;
    if !synced.all_synced() {
        return Err(format!("caches did not sync: {:?}", synced.unsynced()).into());
    }
    println!("Pod informer synced");

    let client = clientset.core_v1().pods(namespace);
    for pod in PODS {
        client
            .create(&demo_pod(pod), &CreateOptions::default())
            .await?;
        println!("{}", next(&mut events).await?);
    }
    let lister = pods.lister();
    println!(
        "Lister: {} pods in {namespace} with app=demo",
        lister
            .namespace(namespace)
            .list(&Selector::parse("app=demo")?)
            .len()
    );

    let patch = serde_json::json!({ "metadata": { "labels": { "stage": "updated" } } });
    client
        .patch(PODS[0], PatchType::Merge, &patch, &PatchOptions::default())
        .await?;
    println!("{}", next(&mut events).await?);
    println!(
        "Lister: {} pods with stage=updated",
        lister.list(&Selector::parse("stage=updated")?).len()
    );

    let now = DeleteOptions {
        grace_period_seconds: Some(0),
        ..DeleteOptions::default()
    };
    for pod in PODS {
        client.delete(pod, &now).await?;
        println!("{}", next(&mut events).await?);
    }
    println!(
        "Lister: {} pods left",
        lister
            .namespace(namespace)
            .list(&Selector::everything())
            .len()
    );

    cancel.cancel();
    factory.shutdown().await;
    println!("Informers stopped");
    Ok(())
}

async fn next(events: &mut mpsc::UnboundedReceiver<String>) -> Result<String, Error> {
    tokio::time::timeout(Duration::from_secs(10), events.recv())
        .await
        .map_err(|_| "no event within 10 s")?
        .ok_or_else(|| "the informer stopped".into())
}

fn name(pod: &Pod) -> &str {
    pod.metadata.name.as_deref().unwrap_or_default()
}

fn demo_pod(name: &str) -> Pod {
    let mut meta = ObjectMeta::named(name);
    meta.labels.insert("app".into(), "demo".into());
    Pod {
        metadata: meta,
        spec: Some(Box::new(PodSpec {
            containers: vec![Container {
                name: "web".into(),
                image: Some("nginx:1.27".into()),
                ..Container::default()
            }],
            ..PodSpec::default()
        })),
        ..Pod::default()
    }
}
